"""``microdot.utemplate``: Microdot's utemplate front end.  Templates are
served by our own engine (``microdot.template``), which reads utemplate's
syntax and escapes ``{{ }}`` output by default (``autoescape=False``: as
utemplate writes it); or, given one of utemplate's loader classes, by
utemplate itself, as in Microdot."""
from microdot.template import Template as _Template, safe, \
    escape  # noqa: F401


class Template(_Template):
    @classmethod
    def initialize(cls, template_dir='templates', loader_class=None,
                   compiled_package=None, autoescape=True):
        # Microdot's signature first
        _Template.initialize(template_dir, compiled_package, loader_class,
                             autoescape)
