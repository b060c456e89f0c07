"""Microdot 2.x compatibility of the CPython-only parts: the ASGI and WSGI
adapters in process (under uvicorn and gunicorn: test_adapters.py), Jinja,
and templates precompiled by the real ``utemplate`` package, loaded on
CPython and on MicroPython.

CPython only: ASGI, WSGI, Jinja and the ``utemplate`` compiler don't run on
MicroPython (its half of the utemplate test runs there as a subprocess).
"""
from support import MICROPYTHON, skip

if not MICROPYTHON:
    import asyncio
    import io
    import os
    import subprocess
    import sys
    import pytest
    import utemplate.compiled
    import utemplate.recompile
    import utemplate.source
    from support import framework_as_mpy
    from test_compat import hooked_app

    HERE = os.path.dirname(os.path.abspath(__file__))
    FRAMEWORK = os.path.join(HERE, '..', 'framework')


def test_cpython_only():
    if MICROPYTHON:
        skip('ASGI, WSGI, Jinja and the utemplate compiler are CPython only')


if not MICROPYTHON:

    # --- the names apps import from the adapter modules ---

    @pytest.mark.parametrize('adapter', ['asgi', 'wsgi'])
    def test_adapter_modules_reexport_the_core(adapter):
        import importlib
        import microdot
        from microdot import websocket
        mod = importlib.import_module('microdot.' + adapter)
        for name in ('Request', 'Response', 'abort', 'redirect',
                     'send_file', 'URLPattern', 'iscoroutine',
                     'AsyncBytesIO', 'NoCaseDict', 'with_websocket',
                     'websocket_upgrade', 'MUTED_SOCKET_ERRORS'):
            assert hasattr(mod, name), name
        assert mod.send_file is microdot.send_file
        assert mod.with_websocket is websocket.with_websocket
        assert issubclass(mod.Microdot, microdot.Microdot)
        if adapter == 'wsgi':
            assert mod.WebSocket is websocket.WebSocket
        else:
            assert issubclass(mod.WebSocket, websocket.WebSocket)
            assert mod.websocket_wrapper is websocket.websocket_wrapper

    def test_other_module_names():
        from microdot.jinja import select_autoescape  # noqa: F401
        from microdot.wsgi import MUTED_SOCKET_ERRORS
        from microdot.microdot import MUTED_SOCKET_ERRORS as m
        assert m is MUTED_SOCKET_ERRORS

    # --- wsgi_app / asgi_app / handle_lifespan ---

    def wsgi_environ(path='/', **extra):
        env = {'REQUEST_METHOD': 'GET', 'PATH_INFO': path,
               'SERVER_PROTOCOL': 'HTTP/1.1', 'REMOTE_ADDR': '127.0.0.1',
               'HTTP_HOST': 't', 'wsgi.input': io.BytesIO(b''),
               'wsgi.url_scheme': 'http'}
        env.update(extra)
        return env

    def call_wsgi(app, env):
        out = {}

        def start_response(status, headers):
            out['status'] = status
            out['headers'] = dict(headers)
        body = b''.join(app(env, start_response))
        return out['status'], out['headers'], body

    def test_wsgi_app_can_be_wrapped():
        from microdot.wsgi import Microdot
        app = Microdot()

        @app.route('/')
        def index(req):
            return 'remote %s' % req.environ['REMOTE_ADDR']

        calls = []

        class Middleware:
            def __init__(self, wsgi_app):
                self.wsgi_app = wsgi_app

            def __call__(self, environ, start_response):
                calls.append(environ['PATH_INFO'])
                return self.wsgi_app(environ, start_response)
        app.wsgi_app = Middleware(app.wsgi_app)
        status, headers, body = call_wsgi(app, wsgi_environ())
        assert status == '200 OK' and body == b'remote 127.0.0.1'
        assert calls == ['/']

    def run_asgi(app, scope, messages=()):
        sent = []
        queue = list(messages) or [{'type': 'http.request', 'body': b'',
                                    'more_body': False}]

        async def receive():
            if queue:
                return queue.pop(0)
            await asyncio.sleep(10)

        async def send(msg):
            sent.append(msg)
        asyncio.run(app(scope, receive, send))
        return sent

    def http_scope(path='/', headers=((b'host', b't'),)):
        return {'type': 'http', 'method': 'GET', 'path': path,
                'raw_path': path.encode(), 'query_string': b'',
                'headers': list(headers), 'http_version': '1.1',
                'scheme': 'http', 'client': ('127.0.0.1', 5)}

    def test_asgi_app_can_be_wrapped_and_lifespan():
        from microdot.asgi import Microdot
        started = []

        async def startup(scope):
            started.append('up')
        app = Microdot(lifespan_startup=startup)

        @app.route('/')
        def index(req):
            return 'scope %s' % req.asgi_scope['type']

        calls = []

        def middleware(asgi_app):
            async def wrapped(scope, receive, send):
                calls.append(scope['type'])
                return await asgi_app(scope, receive, send)
            return wrapped
        app.asgi_app = middleware(app.asgi_app)
        sent = run_asgi(app, http_scope())
        assert sent[0]['status'] == 200
        assert b''.join(m.get('body', b'') for m in sent[1:]) == \
            b'scope http'
        assert calls == ['http']
        sent = run_asgi(app, {'type': 'lifespan'}, [
            {'type': 'lifespan.startup'}, {'type': 'lifespan.shutdown'}])
        assert [m['type'] for m in sent] == [
            'lifespan.startup.complete', 'lifespan.shutdown.complete']
        assert started == ['up']
        # handle_lifespan is the method that answers lifespan scopes
        sent = []

        async def go():
            msgs = [{'type': 'lifespan.startup'},
                    {'type': 'lifespan.shutdown'}]

            async def receive():
                return msgs.pop(0)

            async def send(m):
                sent.append(m)
            await app.handle_lifespan({'type': 'lifespan'}, receive, send)
        asyncio.run(go())
        assert len(sent) == 2

    # --- pre-app checks and malformed bodies under the adapters ---

    def test_wsgi_pre_app_checks_use_handlers():
        from microdot.wsgi import Microdot
        app = hooked_app(Microdot)[0]
        status, headers, body = call_wsgi(
            app, wsgi_environ(HTTP_HOST='user@t'))
        assert status.startswith('400') and body == b'shaped: /'
        assert headers['X-Seen'] == 'yes'
        status, headers, body = call_wsgi(app, wsgi_environ(
            '/json', REQUEST_METHOD='POST', CONTENT_TYPE='application/json',
            CONTENT_LENGTH='4', **{'wsgi.input': io.BytesIO(b'{bad')}))
        assert status.startswith('400') and body == b'shaped: /json'
        from microdot import Request
        Request.strict = False
        try:
            status, headers, body = call_wsgi(
                app, wsgi_environ(HTTP_HOST='user@t'))
            assert status == '200 OK' and body == b'hello'
        finally:
            Request.strict = True

    def test_asgi_pre_app_checks_use_handlers():
        from microdot.asgi import Microdot
        app = hooked_app(Microdot)[0]
        sent = run_asgi(app, http_scope(headers=[(b'host', b'a'),
                                                 (b'host', b'b')]))
        assert sent[0]['status'] == 400
        assert (b'x-seen', b'yes') in sent[0]['headers']
        assert b''.join(m.get('body', b'') for m in sent[1:]) == \
            b'shaped: /'

    # --- Jinja: autoescape as select_autoescape() decides ---

    def test_jinja_autoescape_follows_select_autoescape(tmp_path):
        from microdot.jinja import Template
        for ext in ('html', 'htm', 'xml', 'css', 'txt', 'js'):
            (tmp_path / ('t.' + ext)).write_text('{{ v }}')
        try:
            Template.initialize(str(tmp_path))
            out = {ext: Template('t.' + ext).render(v='<a>&')
                   for ext in ('html', 'htm', 'xml', 'css', 'txt', 'js')}
            assert out == {'html': '&lt;a&gt;&amp;', 'htm': '&lt;a&gt;&amp;',
                           'xml': '&lt;a&gt;&amp;', 'css': '<a>&',
                           'txt': '<a>&', 'js': '<a>&'}
            Template.initialize(str(tmp_path), autoescape=True)
            assert Template('t.css').render(v='<') == '&lt;'
        finally:
            Template.jinja_env = None

    # --- templates compiled by the real utemplate package ---

    TEMPLATES = {
        'index.html': '{% args title, items %}\n<h1>{{ title }}</h1>\n<ul>\n'
                      '{% for i in items %}\n{% if i % 2 %}\n'
                      '<li class="odd">{{ i }}</li>\n{% else %}\n'
                      '<li>{{ i }}</li>\n{% endif %}\n{% endfor %}\n</ul>\n'
                      '{% include "footer.html" title %}\n',
        'footer.html': '{% args who %}\n<footer>{{ who }} & co</footer>\n',
    }
    ARGS = ('<b>Title</b>', [1, 2, 3])

    def utemplate_dir(root, pkg):
        """``root/pkg`` with the templates and the modules utemplate's
        compiler makes of them, as a board ships them: no sources."""
        d = os.path.join(str(root), pkg)
        os.makedirs(d)
        for name, text in TEMPLATES.items():
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        old = os.getcwd()
        os.chdir(str(root))
        sys.path.insert(0, str(root))
        try:
            loader = utemplate.source.Loader(None, pkg)
            for name in TEMPLATES:
                loader.load(name)  # compiles to pkg/<name>_html.py
        finally:
            os.chdir(old)
            sys.path.remove(str(root))
            for m in [m for m in sys.modules if m.startswith(pkg)]:
                del sys.modules[m]  # imported afresh from the .py alone
        for name in TEMPLATES:
            os.remove(os.path.join(d, name))
        assert sorted(os.listdir(d)) == ['footer_html.py', 'index_html.py']
        return d

    def reference_render(root, pkg):
        sys.path.insert(0, str(root))
        try:
            f = utemplate.compiled.Loader(None, pkg).load('index.html')
            return ''.join(f(*ARGS))
        finally:
            sys.path.remove(str(root))

    def test_utemplate_compiled_loader(tmp_path):
        from microdot import Microdot
        from microdot.test_client import TestClient
        from microdot.utemplate import Template
        utemplate_dir(tmp_path, 'ut_compiled')
        expected = reference_render(tmp_path, 'ut_compiled')
        assert '<b>Title</b>' in expected and '& co' in expected
        sys.path.insert(0, str(tmp_path))
        try:
            Template.initialize('ut_compiled',
                                loader_class=utemplate.compiled.Loader)
            assert Template('index.html').render(*ARGS) == expected
            app = Microdot()

            @app.route('/')
            async def index(req):
                return Template('index.html').generate(*ARGS), \
                    {'Content-Type': 'text/html'}
            assert asyncio.run(TestClient(app).get('/')).text == expected
            assert asyncio.run(Template('index.html').render_async(
                *ARGS)) == expected
        finally:
            sys.path.remove(str(tmp_path))
            Template.initialize(os.path.join(HERE, 'templates'))

    def test_utemplate_source_and_recompile_loaders(tmp_path, monkeypatch):
        from microdot.utemplate import Template
        d = tmp_path / 'ut_src'
        d.mkdir()
        for name, text in TEMPLATES.items():
            (d / name).write_text(text)
        monkeypatch.chdir(tmp_path)
        monkeypatch.syspath_prepend(str(tmp_path))
        try:
            for loader in (utemplate.source.Loader,
                           utemplate.recompile.Loader):
                Template.initialize('ut_src', loader_class=loader)
                out = Template('index.html').render(*ARGS)
                assert out.startswith('<h1><b>Title</b></h1>')
                assert (d / 'index_html.py').exists()  # utemplate's doing
        finally:
            Template.initialize(os.path.join(HERE, 'templates'))

    def test_our_engine_without_autoescape_renders_as_utemplate(tmp_path):
        from microdot.utemplate import Template
        utemplate_dir(tmp_path, 'ut_ref')
        expected = reference_render(tmp_path, 'ut_ref')
        d = tmp_path / 'ours'
        d.mkdir()
        for name, text in TEMPLATES.items():
            (d / name).write_text(text)
        try:
            Template.initialize(str(d), autoescape=False)
            assert Template('index.html').render(*ARGS) == expected
            Template.initialize(str(d))
            assert '&lt;b&gt;' in Template('index.html').render(*ARGS)
        finally:
            Template.initialize(os.path.join(HERE, 'templates'))

    def test_utemplate_compiled_loader_on_micropython(tmp_path):
        lib = tmp_path / 'lib'
        mp = framework_as_mpy(lib)
        utemplate_dir(tmp_path, 'ut_board')
        expected = reference_render(tmp_path, 'ut_board')
        script = tmp_path / 'main.py'
        script.write_text(
            'from utemplate import compiled\n'
            'from microdot.utemplate import Template\n'
            "Template.initialize('ut_board', loader_class=compiled.Loader)\n"
            "print(repr(Template('index.html').render(%r, %r)))\n" % ARGS)
        # the folder holding the utemplate package, for MicroPython too
        ut_root = os.path.dirname(os.path.dirname(os.path.abspath(
            utemplate.compiled.__file__)))
        out = subprocess.run(
            [mp, str(script)], cwd=str(tmp_path), capture_output=True,
            env=dict(os.environ, MICROPYPATH=':'.join(
                [str(lib), ut_root, str(tmp_path), '.frozen'])),
            timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        assert out.stdout.decode().strip() == repr(expected)
