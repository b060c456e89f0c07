"""A small template engine that compiles templates to Python generators.

Syntax: ``{{ expr }}`` (HTML-escaped), ``{{ expr|safe }}`` or
``{{ safe(expr) }}`` (not escaped), ``{% args a, b=1 %}``,
``{% if %}``/``{% elif %}``/``{% else %}``/``{% endif %}``,
``{% for x in y %}``/``{% endfor %}``, ``{% while c %}``/``{% endwhile %}``,
``{% set x = expr %}``, ``{% include "name" args... %}``, ``{# comment #}``.

A template is Python source once compiled: ``python -m microdot.template
SRC_DIR OUT_DIR`` writes one module per template, which a board can freeze
so that it never compiles a template at all.
"""


class Safe:
    """Text that goes out as it is (already HTML, or trusted)."""
    def __init__(self, s):
        self.s = s

    def __str__(self):
        return self.s


def safe(s):
    """Mark ``s`` as trusted: it will not be escaped."""
    return s if isinstance(s, Safe) else Safe(str(s))


def escape(v):
    """``v`` as text safe to put in HTML (text or quoted attributes)."""
    if isinstance(v, Safe):
        return v.s
    s = v if isinstance(v, str) else str(v)
    for c in '&<>"\'':
        if c in s:
            break
    else:
        return s  # the usual case: nothing to replace, nothing allocated
    return s.replace('&', '&amp;').replace('<', '&lt;').replace(
        '>', '&gt;').replace('"', '&quot;').replace("'", '&#39;')


class TemplateError(Exception):
    pass


_OPEN = {'if': 'endif', 'for': 'endfor', 'while': 'endwhile'}


def compile_source(text, name='template', params=None, autoescape=True):
    """Python source of a module defining ``render(...)``, a generator of
    the template's output.  ``params`` is the argument list when the
    template has no ``{% args %}``.  Without ``autoescape``, ``{{ x }}``
    is written as ``str(x)``, as utemplate does."""
    body = []
    stack = []
    args = None
    indent = '    '
    pos = 0
    n = len(text)
    while pos < n:
        i = text.find('{', pos)
        while i >= 0 and text[i + 1:i + 2] not in ('{', '%', '#'):
            i = text.find('{', i + 1)
        if i < 0:
            i = n
        if i > pos:
            body.append(indent + 'yield %r' % text[pos:i])
        if i >= n:
            break
        kind = text[i + 1]
        end = text.find({'{': '}}', '%': '%}', '#': '#}'}[kind], i + 2)
        if end < 0:
            raise TemplateError('%s: unclosed {%s' % (name, kind))
        tag = text[i + 2:end].strip()
        pos = end + 2
        if kind == '#':
            if text[pos:pos + 1] == '\n':
                pos += 1
            continue
        if kind == '{':
            if tag.endswith('|safe'):
                body.append(indent + 'yield str(%s)' % tag[:-5])
            else:
                body.append(indent + ('yield _e(%s)' if autoescape
                                      else 'yield str(%s)') % tag)
            continue
        word, _, rest = tag.partition(' ')
        rest = rest.strip()
        if word == 'args':
            args = rest
        elif word in _OPEN:
            body.append(indent + '%s %s:' % (word, rest))
            stack.append(word)
            indent += '    '
        elif word in ('elif', 'else'):
            if not stack or stack[-1] != 'if':
                raise TemplateError('%s: %s outside if' % (name, word))
            body.append(indent[4:] + (word + ' ' + rest).strip() + ':')
        elif word.startswith('end'):
            if not stack or _OPEN[stack.pop()] != word:
                raise TemplateError('%s: unexpected %s' % (name, word))
            indent = indent[4:]
        elif word == 'set':
            body.append(indent + rest)
        elif word == 'include':
            q = rest[:1]
            j = rest.find(q, 1)
            if q not in ('"', "'") or j < 0:
                raise TemplateError('%s: include needs a quoted name' % name)
            body.append(indent + 'yield from _i(%s)(%s)' % (
                rest[:j + 1], rest[j + 1:].strip().lstrip(',')))
        else:
            raise TemplateError('%s: unknown tag %s' % (name, word))
        # as Jinja's trim_blocks: the newline after a block tag goes
        if text[pos:pos + 1] == '\n':
            pos += 1
    if stack:
        raise TemplateError('%s: %s not closed' % (name, stack[-1]))
    if args is None:
        args = ', '.join(params or ())
    return ('# compiled from %s\n'
            'from microdot.template import escape as _e, '
            'include as _i, safe\n\n\n'
            'def render(%s):\n%s\n    yield ""\n') % (
                name, args, '\n'.join(body))


_cache = {}


def include(name):
    # the render function of another template (for {% include %})
    return Template(name).generate


class Template:
    """A template from the template folder, with Microdot's API:
    ``render(**kw)`` returns str, ``generate(**kw)`` yields pieces (return
    it from a handler to stream the page)."""
    template_dir = 'templates'
    #: Package holding precompiled templates (frozen on a board), tried
    #: before the template folder; None: always compile.
    compiled_package = None
    #: ``{{ x }}`` is HTML-escaped; False renders it as utemplate (and so
    #: Microdot) does, unescaped.
    autoescape = True
    #: A utemplate loader (``loader_class(None, template_dir)``): it loads
    #: and renders the templates instead of this engine.
    loader = None

    @classmethod
    def initialize(cls, template_dir='templates', compiled_package=None,
                   loader_class=None, autoescape=True):
        """``loader_class``: one of utemplate's (``utemplate.compiled.Loader``
        for the ``*_html.py`` modules its compiler makes, ``source.Loader``,
        ``recompile.Loader``), to have utemplate itself render, exactly as
        in Microdot (no escaping); None: this engine."""
        cls.template_dir = template_dir
        cls.compiled_package = compiled_package
        cls.autoescape = autoescape
        cls.loader = loader_class(None, template_dir) if loader_class \
            else None
        _cache.clear()

    def __init__(self, template):
        self.name = template
        entry = _cache.get(template)
        if entry is None:
            entry = _cache[template] = self._load()
        self._source, self._fns = entry

    def _load(self):
        if self.loader is not None:
            return None, {None: self.loader.load(self.name)}
        if self.compiled_package:
            mod = module_name(self.name)
            try:
                m = __import__(self.compiled_package + '.' + mod, None,
                               None, [mod])
                return None, {None: m.render}
            except ImportError:
                pass
        with open(self.template_dir + '/' + self.name) as f:
            source = f.read()
        fns = {}
        if '{% args' in source or '{%args' in source:
            fns[None] = _build(source, self.name, None, self.autoescape)
        return source, fns

    def _function(self, kwargs):
        fns = self._fns
        f = fns.get(None)
        if f is None:
            # no {% args %}: one function per set of keyword names
            keys = tuple(sorted(kwargs))
            f = fns.get(keys)
            if f is None:
                f = fns[keys] = _build(self._source, self.name, keys,
                                       self.autoescape)
        return f

    def generate(self, *args, **kwargs):
        return self._function(kwargs)(*args, **kwargs)

    def render(self, *args, **kwargs):
        return ''.join(self.generate(*args, **kwargs))

    def generate_async(self, *args, **kwargs):
        return _AsyncIter(self.generate(*args, **kwargs))

    async def render_async(self, *args, **kwargs):
        return self.render(*args, **kwargs)


class _AsyncIter:
    def __init__(self, it):
        self.it = it

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return next(self.it)
        except StopIteration:
            raise StopAsyncIteration


def _build(source, name, params, autoescape):
    ns = {}
    exec(compile_source(source, name, params, autoescape), ns)
    return ns['render']


def module_name(name):
    """The module name a precompiled template gets: ``index.html`` →
    ``index_html``."""
    return ''.join(c if c.isalpha() or c.isdigit() else '_' for c in name)


def main(argv):
    import os
    import sys
    escape = '--no-autoescape' not in argv
    argv = [a for a in argv if a != '--no-autoescape']
    if len(argv) != 3:
        print('usage: python -m microdot.template [--no-autoescape] '
              'SRC_DIR OUT_DIR')
        sys.exit(2)
    src, out = argv[1], argv[2]
    os.makedirs(out, exist_ok=True)
    init = os.path.join(out, '__init__.py')
    if not os.path.exists(init):
        open(init, 'w').close()
    for root, _, names in os.walk(src):
        for n in sorted(names):
            path = os.path.join(root, n)
            rel = os.path.relpath(path, src).replace(os.sep, '/')
            with open(path) as f:
                try:
                    code = compile_source(f.read(), rel, None, escape)
                except TemplateError as exc:
                    print('error:', exc)
                    sys.exit(1)
            dest = os.path.join(out, module_name(rel) + '.py')
            with open(dest, 'w') as f:
                f.write(code)
            print(rel, '->', dest)


if __name__ == '__main__':
    import sys
    main(sys.argv)
