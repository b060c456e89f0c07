"""``microdot.utemplate``: Microdot's utemplate front end, served by our
own engine (``microdot.template``), which reads utemplate's syntax and
escapes ``{{ }}`` output by default."""
from microdot import template
from microdot.template import safe, escape  # noqa: F401


class Template(template.Template):
    @classmethod
    def initialize(cls, template_dir='templates', loader_class=None,
                   compiled_package=None):
        # Microdot's signature; the loader class has no use here
        template.Template.initialize(template_dir, compiled_package)
