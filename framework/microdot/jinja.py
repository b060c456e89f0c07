"""``microdot.jinja``: Jinja2 templates (CPython only).  Autoescaping is
Jinja's ``select_autoescape()``, as in Microdot: on for ``.html``, ``.htm``
and ``.xml`` templates, off for the others (``.txt``, ``.css``...); pass
``autoescape=`` to ``initialize()`` to change it."""
from jinja2 import Environment, FileSystemLoader, select_autoescape


class Template:
    jinja_env = None

    @classmethod
    def initialize(cls, template_dir='templates', enable_async=False,
                   **kwargs):
        kwargs.setdefault('autoescape', select_autoescape())
        cls.jinja_env = Environment(loader=FileSystemLoader(template_dir),
                                    enable_async=enable_async, **kwargs)

    def __init__(self, template, **kwargs):
        if self.jinja_env is None:
            self.initialize()
        self.name = template
        self.template = self.jinja_env.get_template(template, **kwargs)

    def generate(self, *args, **kwargs):
        return self.template.generate(*args, **kwargs)

    def render(self, *args, **kwargs):
        return self.template.render(*args, **kwargs)

    def generate_async(self, *args, **kwargs):
        return self.template.generate_async(*args, **kwargs)

    async def render_async(self, *args, **kwargs):
        return await self.template.render_async(*args, **kwargs)
