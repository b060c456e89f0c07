"""The template engine and its front ends: escaping by default, control
flow, includes, streaming, precompiled templates, errors."""
from microdot import Microdot
from microdot.test_client import TestClient
from microdot.template import Template, TemplateError, compile_source, \
    escape, safe
from microdot.utemplate import Template as UTemplate
from support import run, raises, MICROPYTHON, skip

HERE = __file__.rpartition('/')[0] or '.'


def with_templates(f):
    # the template folder is global: other tests' apps may have moved it
    def test():
        Template.initialize(HERE + '/templates')
        return f()
    return test


def test_escape():
    assert escape('<a href="x">\'&') == \
        '&lt;a href=&quot;x&quot;&gt;&#39;&amp;'
    assert escape(42) == '42' and escape(safe('<b>')) == '<b>'


@with_templates
def test_xss_is_escaped_by_default():
    s = Template('hello.txt').render(name='<script>alert(1)</script>')
    assert s == 'Hello, &lt;script&gt;alert(1)&lt;/script&gt;!\n'
    s = UTemplate('hello.txt').render(name=safe('<b>x</b>'))
    assert s == 'Hello, <b>x</b>!\n'


@with_templates
def test_control_flow_and_include():
    out = Template('page.html').render('T<', ['a', 'b', 'c', 'd', 'e'],
                                       note='<i>!</i>')
    assert out == ('<h1>T&lt;</h1>\n<ul>\n<li>a</li>\n'
                   '<li class="odd">b</li>\n<li>c</li>\n'
                   '<li class="odd">d</li>\n<li>e</li>\n</ul>\n'
                   '<p>5 items <i>!</i></p>\n<footer>T&lt;</footer>\n')
    assert Template('page.html').render('x', ['b']).count('class="b"') == 1


@with_templates
def test_streaming_from_a_handler():
    app = Microdot()

    @app.route('/')
    def index(req):
        return Template('page.html').generate('Hi', ['x'] * 50), \
            {'Content-Type': 'text/html'}

    @app.route('/async')
    async def index_async(req):
        return await Template('hello.txt').render_async(name='A&B')

    r = run(TestClient(app).get('/'))
    assert r.status_code == 200 and r.text.count('<li') == 50
    assert run(TestClient(app).get('/async')).text == 'Hello, A&amp;B!\n'


@with_templates
def test_generate_async():
    async def collect():
        out = ''
        async for piece in Template('hello.txt').generate_async(name='x'):
            out += piece
        return out
    assert run(collect()) == 'Hello, x!\n'


@with_templates
def test_errors():
    raises(TemplateError, compile_source, '{% if x %}never closed')
    raises(TemplateError, compile_source, '{% endfor %}')
    raises(TemplateError, compile_source, '{% else %}')
    raises(TemplateError, compile_source, '{{ x ')
    raises(TemplateError, compile_source, '{% frob %}')
    raises(TemplateError, compile_source, '{% include footer %}')
    assert Template('hello.txt').render(name='{{ x }}') == \
        'Hello, {{ x }}!\n'  # values are never template code


def test_precompiled_templates():
    if MICROPYTHON:
        skip('the compiler command line runs on CPython')
    import os
    import subprocess
    from support import package_root
    import sys
    import tempfile
    out = tempfile.mkdtemp()
    pkg = os.path.join(out, 'compiled_templates')
    subprocess.run([sys.executable, '-m', 'microdot.template',
                    HERE + '/templates', pkg], check=True,
                   env=dict(os.environ, PYTHONPATH=package_root()),
                   stdout=subprocess.DEVNULL)
    assert os.path.exists(os.path.join(pkg, 'footer_html.py'))
    sys.path.insert(0, out)
    try:
        Template.initialize('/nonexistent', 'compiled_templates')
        assert Template('footer.html').render('<x>') == \
            '<footer>&lt;x&gt;</footer>\n'
        # compiled to render as utemplate does: unescaped
        raw = os.path.join(out, 'raw_templates')
        subprocess.run([sys.executable, '-m', 'microdot.template',
                        '--no-autoescape', HERE + '/templates', raw],
                       check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, PYTHONPATH=HERE + '/../framework'))
        Template.initialize('/nonexistent', 'raw_templates')
        assert Template('footer.html').render('<x>') == \
            '<footer><x></footer>\n'
    finally:
        sys.path.remove(out)
        Template.initialize(HERE + '/templates')


@with_templates
def test_jinja_autoescape():
    if MICROPYTHON:
        skip('Jinja2 is CPython only')
    try:
        from microdot.jinja import Template as JTemplate
    except ImportError:
        skip('Jinja2 not installed')
    JTemplate.initialize(HERE + '/templates')
    # as Jinja's select_autoescape(): .txt is not escaped (.html is:
    # test_compat_cpython.py)
    assert JTemplate('hello.txt').render(name='<script>') == \
        'Hello, <script>!'
    JTemplate.initialize(HERE + '/templates', autoescape=True)
    assert JTemplate('hello.txt').render(name='<script>') == \
        'Hello, &lt;script&gt;!'
    JTemplate.jinja_env = None
