"""``microdot.utemplate``: Microdot's utemplate front end, served by our
own engine (``microdot.template``), which reads utemplate's syntax and
escapes ``{{ }}`` output by default."""
from microdot.template import Template as _Template, safe, \
    escape  # noqa: F401


class Template(_Template):
    @classmethod
    def initialize(cls, template_dir='templates', loader_class=None,
                   compiled_package=None):
        # Microdot's signature; the loader class has no use here
        _Template.initialize(template_dir, compiled_package)
