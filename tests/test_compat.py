"""Microdot 2.x applications that must run unmodified: behaviours found to
differ from Microdot 2.7 in real applications, on both runtimes (the ASGI,
WSGI and Jinja parts are in test_compat_cpython.py)."""
import asyncio
from microdot import Microdot, Request, AsyncBytesIO
from microdot.test_client import TestClient
from support import run, serve, connect, send, close, read_response, get, \
    MICROPYTHON

H = b'Host: t\r\n'


# --- malformed bodies reach the app's error handlers ---

BAD_BODIES = [('application/json', b'{bad'), ('application/json', b''),
              ('application/x-www-form-urlencoded', b'a=%zz'),
              ('application/x-www-form-urlencoded', b'a=%ff')]


def body_app():
    app = Microdot()

    @app.post('/json')
    def json_(req):
        return {'got': req.json}

    @app.post('/form')
    def form(req):
        return {'got': req.form['a']}

    @app.post('/either')
    def either(req):
        if req.content_type == 'application/json':
            return {'got': req.json}
        return {'got': req.form['a']}
    return app


def post_bad(app, ct, body):
    path = '/json' if ct == 'application/json' else '/form'
    return run(TestClient(app).post(path, headers={
        'Content-Type': ct, 'Content-Length': str(len(body))}, body=body))


def test_bad_body_without_handler_is_400():
    app = body_app()
    for ct, body in BAD_BODIES:
        r = post_bad(app, ct, body)
        assert r.status_code == 400, (ct, body, r.status_code)
        assert 'Traceback' not in r.text


def test_bad_body_reaches_value_error_handler():
    for cls in (ValueError, Exception):
        app = body_app()
        seen = []

        @app.errorhandler(cls)
        def handler(req, exc, seen=seen):
            seen.append(exc)
            return {'error': 'bad input'}, 422
        for ct, body in BAD_BODIES:
            r = post_bad(app, ct, body)
            assert r.status_code == 422 and r.json == {'error': 'bad input'}
        assert len(seen) == 4 and all(isinstance(e, ValueError)
                                      for e in seen)


def test_bad_body_reaches_500_handler():
    app = body_app()

    @app.errorhandler(500)
    def handler(req):
        return 'five hundred', 500
    for ct, body in BAD_BODIES:
        r = post_bad(app, ct, body)
        assert r.status_code == 500 and r.text == 'five hundred'


def test_bad_body_caught_in_handler():
    app = Microdot()

    @app.post('/')
    def index(req):
        try:
            return {'got': req.json}
        except ValueError:
            return 'my own answer', 400
    r = run(TestClient(app).post('/', headers={
        'Content-Type': 'application/json'}, body='{bad'))
    assert r.status_code == 400 and r.text == 'my own answer'


# --- after_error_request on automatic OPTIONS answers ---

def test_after_error_request_runs_on_automatic_options():
    app = Microdot()

    @app.route('/x', methods=['GET', 'POST'])
    def x(req):
        return 'x'

    @app.after_error_request
    def security(req, res):
        res.headers['X-Frame-Options'] = 'DENY'
        return res
    r = run(TestClient(app).request('OPTIONS', '/x'))
    assert r.status_code == 200
    assert r.headers['Allow'] == 'GET, POST, HEAD, OPTIONS'
    assert r.headers['X-Frame-Options'] == 'DENY'
    r = run(TestClient(app).get('/x'))  # not on answers of the app's own
    assert 'X-Frame-Options' not in r.headers


# --- the empty route pattern ---

def test_empty_pattern_matches_root():
    app = Microdot()

    @app.route('')
    def index(req):
        return 'root'

    sub = Microdot()

    @sub.route('')
    def sub_index(req):
        return 'sub root'

    @sub.route('/x')
    def sub_x(req):
        return 'sub x'
    app.mount(sub, url_prefix='/api')
    c = TestClient(app)
    assert run(c.get('/')).text == 'root'
    assert run(c.get('/api')).text == 'sub root'
    assert run(c.get('/api/x')).text == 'sub x'

    app2 = Microdot()
    app2.mount(sub)  # no prefix
    assert run(TestClient(app2).get('/')).text == 'sub root'
    assert run(TestClient(app2).get('/x')).text == 'sub x'


def test_pattern_without_leading_slash():
    from microdot import URLPattern
    assert URLPattern('a/b').match('/a/b') == {}
    assert URLPattern('').match('/') == {}
    assert URLPattern('a/<int:n>').match('/a/3') == {'n': 3}


# --- a body shorter than its Content-Length ---

def short_body_app():
    app = Microdot()

    @app.post('/read')
    async def read(req):
        data = await req.stream.read()
        more = await req.stream.read(10)
        if len(data) < req.content_length:
            return 'short: %r %r' % (data, more), 400
        return 'ok'

    @app.post('/body')
    def body(req):
        return 'body %r' % req.body, 400
    return app


def test_short_body_through_test_client():
    app = short_body_app()
    c = TestClient(app)
    r = run(c.post('/read', headers={'Content-Length': '1000'},
                   body=b'hello'))
    assert r.status_code == 400 and r.text == "short: b'hello' b''"
    r = run(c.post('/body', headers={'Content-Length': '1000'},
                   body=b'hello'))
    assert r.status_code == 400 and r.text == "body b'hello'"


def test_short_body_on_a_server_connection():
    # the server's own connection loop on a stream that ends early (the
    # client half-closed after 5 of its 1,000 bytes)
    app = short_body_app()
    reader = AsyncBytesIO(b'POST /read HTTP/1.1\r\nHost: t\r\n'
                          b'Content-Length: 1000\r\n\r\nhello')
    writer = AsyncBytesIO(b'')
    run(app.handle_request(reader, writer))
    out = writer.stream.getvalue()
    assert out.startswith(b'HTTP/1.1 400 Bad Request\r\n'), out
    assert out.endswith(b"short: b'hello' b''")


def test_short_body_big_stream_on_a_server_connection():
    app = short_body_app()
    reader = AsyncBytesIO(b'POST /read HTTP/1.1\r\nHost: t\r\n'
                          b'Content-Length: 16000\r\n\r\nhello')
    Request.max_body_length, old = 10, Request.max_body_length
    try:
        writer = AsyncBytesIO(b'')
        run(app.handle_request(reader, writer))
    finally:
        Request.max_body_length = old
    out = writer.stream.getvalue()
    assert out.startswith(b'HTTP/1.1 400 Bad Request\r\n'), out
    assert out.endswith(b"short: b'hello' b''")


def test_short_body_then_half_close_over_a_socket():
    if MICROPYTHON:
        from support import skip
        skip('MicroPython sockets cannot half-close (the server side is '
             'covered by test_short_body_on_a_server_connection)')
    app = short_body_app()

    async def client(port):
        r, w = await connect(port)
        await send(w, b'POST /read HTTP/1.1\r\n' + H +
                   b'Content-Length: 1000\r\n\r\nhello')
        w.write_eof()  # still listening
        res = await read_response(r)
        assert res is not None and res[0] == 400, res
        assert res[2] == b"short: b'hello' b''"
        await close(w)
    serve(app, client)


# --- the framework's pre-app checks answer through the app's handlers ---

def hooked_app(cls=Microdot):
    app = cls()
    seen = []

    @app.route('/')
    def index(req):
        return 'hello'

    @app.post('/json')
    def js(req):
        return {'got': req.json}

    @app.errorhandler(400)
    def bad(req):
        seen.append(req)
        return 'shaped: %s' % (req.path if req else None), 400

    @app.after_error_request
    def after(req, res):
        res.headers['X-Seen'] = 'yes'
        return res
    return app, seen


PRE_APP = [b'GET / HTTP/1.1\r\nHost: user@t\r\n\r\n',
           b'GET / HTTP/1.1\r\n\r\n',
           b'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
           b'GET /caf\xc3\xa9 HTTP/1.1\r\n' + H + b'\r\n']


def test_pre_app_checks_use_error_handler_and_after_error_request():
    app, seen = hooked_app()

    async def client(port):
        for data in PRE_APP:
            r, w = await connect(port)
            await send(w, data)
            res = await read_response(r)
            assert res is not None and res[0] == 400, (data, res)
            assert res[1].get('x-seen') == 'yes', (data, res)
            assert res[2].startswith(b'shaped: /'), (data, res)
            await close(w)
        assert (await get(port))[2] == b'hello'
    serve(app, client)
    assert len(seen) == 4 and all(isinstance(r, Request) for r in seen)


def test_pre_app_checks_off_serve_as_microdot():
    app, seen = hooked_app()

    async def client(port):
        got = []
        for data in PRE_APP:
            r, w = await connect(port)
            await send(w, data)
            got.append((await read_response(r))[0])
            await close(w)
        return got
    Request.strict = False
    try:
        assert serve(app, client) == [200, 200, 200, 404]
        r = run(TestClient(app).get('/', headers={'Host': 'user@t'}))
        assert r.status_code == 200 and r.text == 'hello'
    finally:
        Request.strict = True
    assert seen == []


def test_pre_app_checks_through_test_client():
    app, seen = hooked_app()
    c = TestClient(app)
    r = run(c.get('/', headers={'Host': 'user@t'}))
    assert r.status_code == 400 and r.text == 'shaped: /'
    assert r.headers['X-Seen'] == 'yes'


def test_pre_app_400_without_handlers():
    app = Microdot()

    async def client(port):
        r, w = await connect(port)
        await send(w, b'GET / HTTP/1.1\r\nHost: user@t\r\n\r\n')
        res = await read_response(r)
        assert res[0] == 400 and b'Host' in res[2]
        await close(w)
    serve(app, client)


def test_a_failing_400_handler_still_gets_an_answer():
    app = Microdot()

    @app.errorhandler(400)
    def bad(req):
        raise RuntimeError('oops')

    async def client(port):
        for data in (b'GARBAGE\r\n\r\n', PRE_APP[0]):
            r, w = await connect(port)
            await send(w, data)
            res = await read_response(r)
            assert res is not None and res[0] == 500, res
            await close(w)
    serve(app, client)


# --- names third-party code imports ---

def test_names_of_microdot_modules():
    from microdot.microdot import MUTED_SOCKET_ERRORS
    from microdot.websocket import MUTED_SOCKET_ERRORS as m2
    assert 104 in MUTED_SOCKET_ERRORS and 32 in MUTED_SOCKET_ERRORS
    assert m2 is MUTED_SOCKET_ERRORS
    from microdot.microdot import Microdot, Request, Response, abort, \
        redirect, send_file, URLPattern, AsyncBytesIO, iscoroutine, \
        NoCaseDict, MultiDict, HTTPException, urldecode, urlencode, \
        print_exception, invoke_handler, mro  # noqa: F401
    from microdot.test_client import TestClient, TestResponse  # noqa: F401
    from microdot import websocket as ws_module
    assert ws_module.WebSocket and ws_module.with_websocket
    from microdot.test_client import WebSocket
    assert WebSocket is ws_module.WebSocket
    import microdot
    assert microdot.microdot.Microdot is Microdot


def test_async_bytes_io_readuntil():
    s = AsyncBytesIO(b'a;b;c')

    async def go():
        return [await s.readuntil(b';'), await s.readuntil(b';'),
                await s.readuntil(b';'), await s.readuntil()]
    assert run(go()) == [b'a;', b'b;', b'c', b'']
    s = AsyncBytesIO(b'line\nrest')
    assert run(s.readuntil()) == b'line\n'


def test_render_request():
    c = TestClient(Microdot())
    raw = c._render_request('POST', '/x', {'X-A': '1'}, b'body')
    assert raw.startswith(b'POST /x HTTP/1.')
    assert b'X-A: 1' in raw and raw.endswith(b'body')
    assert b'Host: ' in raw


def test_request_attributes():
    req = run(Request.create(Microdot(), AsyncBytesIO(
        b'GET /a?b=1 HTTP/1.1\r\nHost: t\r\n\r\n'), None,
        ('127.0.0.1', 1)))
    for name in ('app', 'client_addr', 'method', 'url', 'path',
                 'query_string', 'args', 'headers', 'cookies',
                 'content_length', 'content_type', 'body', 'stream', 'json',
                 'form', 'files', 'g', 'sock', 'url_prefix', 'subapp',
                 'scheme', 'route', 'url_args', 'http_version',
                 'after_request_handlers'):
        getattr(req, name)
    assert req.http_version == '1.1'


# --- long-lived connections and the connection cap ---

def stream_app():
    from microdot.sse import with_sse
    from microdot.websocket import with_websocket
    app = Microdot()
    done = asyncio.Event()

    @app.route('/')
    def index(req):
        return 'hello'

    @app.route('/events')
    @with_sse
    async def events(req, sse):
        await sse.send('hi')
        await done.wait()

    @app.route('/ws')
    @with_websocket
    async def ws(req, ws):
        await ws.receive()
    return app, done


def test_streams_do_not_count_towards_max_connections():
    from support import needs
    needs('sha1')
    app, done = stream_app()

    async def client(port):
        held = []
        for i in range(6):
            r, w = await connect(port)
            if i % 2:
                await send(w, b'GET /events HTTP/1.1\r\n' + H + b'\r\n')
                line = await asyncio.wait_for(r.readline(), 5)
            else:
                await send(w, b'GET /ws HTTP/1.1\r\n' + H +
                           b'Upgrade: websocket\r\nConnection: Upgrade\r\n'
                           b'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
                           b'Sec-WebSocket-Version: 13\r\n\r\n')
                line = await asyncio.wait_for(r.readline(), 5)
            assert line.split()[1] in (b'200', b'101'), line
            held.append((r, w))
        await asyncio.sleep(0.1)
        for _ in range(3):
            res = await get(port)
            assert res[0] == 200, res
        done.set()
        for r, w in held:
            await close(w)
    serve(app, client, max_connections=2)


def test_streams_beyond_max_streams_count_again():
    app, done = stream_app()

    async def client(port):
        held = []
        for i in range(3):
            r, w = await connect(port)
            await send(w, b'GET /events HTTP/1.1\r\n' + H + b'\r\n')
            await asyncio.wait_for(r.readline(), 5)
            held.append((r, w))
        await asyncio.sleep(0.1)
        # 3 streams, 1 counted apart: 2 count, and the cap is 2
        r, w = await connect(port)
        res = await read_response(r)
        assert res is not None and res[0] == 503, res
        await close(w)
        done.set()
        for r, w in held:
            await close(w)
    serve(app, client, max_connections=2, max_streams=1)


def test_sixty_four_headers_are_fine():
    app = Microdot()

    @app.route('/')
    def index(req):
        return str(len(req.headers))

    async def client(port):
        r, w = await connect(port)
        await send(w, b'GET / HTTP/1.1\r\n' + H + b''.join(
            b'X-H%d: %d\r\n' % (i, i) for i in range(62)) +
            b'Connection: close\r\n\r\n')
        res = await read_response(r)
        assert res[0] == 200 and res[2] == b'64'
        await close(w)
        r, w = await connect(port)
        await send(w, b'GET / HTTP/1.1\r\n' + H + b''.join(
            b'X-H%d: %d\r\n' % (i, i) for i in range(64)) + b'\r\n')
        assert (await read_response(r))[0] == 431
        await close(w)
        # the total stays bounded: 20 lines of 1,000 bytes
        r, w = await connect(port)
        await send(w, b'GET / HTTP/1.1\r\n' + H + b''.join(
            b'X-H%d: %s\r\n' % (i, b'v' * 1000) for i in range(20)) +
            b'\r\n')
        assert (await read_response(r))[0] == 431
        await close(w)
    serve(app, client)
    assert Request.max_headers == 64


# --- start_server(start_serving=False) and app.server ---

def test_app_server_like_asyncio_server():
    app = Microdot()

    @app.route('/')
    def index(req):
        return 'hello'

    async def main():
        if MICROPYTHON:  # as in Microdot: start_serving=False is CPython's
            try:
                await app.start_server('127.0.0.1', 0, start_serving=False)
            except ValueError:
                return
            raise AssertionError('ValueError not raised')
        server = await app.start_server('127.0.0.1', 0, start_serving=False)
        assert server is app.server and not server.is_serving()
        port = server.sockets[0].getsockname()[1]
        await server.start_serving()
        assert server.is_serving()
        assert (await get(port))[2] == b'hello'
        server.close()
        await server.wait_closed()
        assert not server.is_serving()
    run(main())


def test_app_server_sockets_when_serving():
    if MICROPYTHON:
        from support import skip
        skip('asyncio.Server.sockets is CPython only, as in Microdot')
    app = Microdot()

    @app.route('/')
    def index(req):
        return 'hello'

    async def main():
        task = asyncio.create_task(app.start_server('127.0.0.1', 0))
        while app.server is None or not app.server.sockets:
            await asyncio.sleep(0.01)
        port = app.server.sockets[0].getsockname()[1]
        assert (await get(port))[2] == b'hello'
        app.shutdown()
        await asyncio.wait_for(task, 5)
    run(main())


def test_serve_forever_after_start_serving_false():
    if MICROPYTHON:
        from support import skip
        skip('start_serving=False is CPython only, as in Microdot')
    app = Microdot()
    app.body_timeout = 0.3

    @app.post('/')
    def index(req):
        return req.body

    async def main():
        server = await app.start_server('127.0.0.1', 0, start_serving=False)
        port = server.sockets[0].getsockname()[1]
        task = asyncio.create_task(server.serve_forever())
        await asyncio.sleep(0.05)
        # the deadlines are enforced: a stalled body is cut off
        r, w = await connect(port)
        await send(w, b'POST / HTTP/1.1\r\n' + H +
                   b'Content-Length: 10\r\n\r\nabc')
        from support import closed_by_server
        assert await closed_by_server(r, timeout=3)
        await close(w)
        app.shutdown()
        await asyncio.wait_for(task, 5)
    run(main())


# --- utemplate front end: Microdot's rendering, one setting away ---

def test_utemplate_autoescape_false_renders_as_microdot():
    from microdot.utemplate import Template
    here = __file__.rpartition('/')[0] or '.'
    try:
        Template.initialize(here + '/templates', autoescape=False)
        s = Template('hello.txt').render(name='<b>&</b>')
        assert s == 'Hello, <b>&</b>!\n'
        Template.initialize(here + '/templates')
        s = Template('hello.txt').render(name='<b>&</b>')
        assert s == 'Hello, &lt;b&gt;&amp;&lt;/b&gt;!\n'
    finally:
        Template.initialize(here + '/templates')



def test_vary_set_on_g_by_a_microdot_app():
    # Microdot 2.x apps name response variance in request.g._vary; the
    # framework's own extensions keep theirs apart (request.ext), and both
    # reach the Vary header
    from microdot.helpers import vary
    app = Microdot()

    @app.route('/')
    async def index(req):
        req.g._vary = {'Accept'}
        vary(req, 'Cookie')
        return '', {'Vary': 'Origin'}
    res = run(TestClient(app).get('/'))
    assert sorted(res.headers['Vary'].split(', ')) == [
        'Accept', 'Cookie', 'Origin']


def test_file_length_as_the_wire_shows_it():
    # the test client shows what a kept connection carries: the file's
    # length (a closing HTTP/1.0 connection needs none, as in Microdot)
    import io
    from microdot import Response
    app = Microdot()

    @app.route('/')
    async def index(req):
        return Response(body=io.BytesIO(b'0123456789'))
    res = run(TestClient(app).get('/'))
    assert res.headers['Content-Length'] == '10' and res.body == b'0123456789'
