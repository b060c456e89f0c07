"""The application API, driven through the test client."""
import os
from microdot import Microdot, Response, abort, redirect, send_file
from microdot.test_client import TestClient
from support import run, raises, MICROPYTHON

HERE = __file__.rpartition('/')[0] or '.'


def request(app, method, path, **kw):
    return run(TestClient(app).request(method, path, **kw))


def test_return_types():
    app = Microdot()

    @app.get('/str')
    def s(req):
        return 'text'

    @app.get('/bytes')
    async def b(req):
        return b'\x00\x01'

    @app.get('/json')
    def j(req):
        return {'a': [1, 2]}

    @app.get('/list')
    def lst(req):
        return [1, 'x']

    @app.get('/tuple')
    def t(req):
        return '<p>', 201, {'Content-Type': 'text/html'}

    @app.get('/tuple2')
    def t2(req):
        return 'h', {'X-H': '1'}

    @app.get('/status')
    def st(req):
        return 202

    @app.get('/none')
    def n(req):
        return None

    @app.get('/resp')
    def resp(req):
        return Response('r', 203, {'X-R': 'y'}, reason='Fine')

    r = request(app, 'GET', '/str')
    assert r.status_code == 200 and r.text == 'text'
    assert r.headers['Content-Type'] == 'text/plain; charset=UTF-8'
    assert r.headers['Content-Length'] == '4'
    assert request(app, 'GET', '/bytes').body == b'\x00\x01'
    r = request(app, 'GET', '/json')
    assert r.json == {'a': [1, 2]}
    assert r.headers['Content-Type'] == 'application/json; charset=UTF-8'
    assert request(app, 'GET', '/list').json == [1, 'x']
    r = request(app, 'GET', '/tuple')
    assert (r.status_code, r.text, r.headers['Content-Type']) == \
        (201, '<p>', 'text/html')
    r = request(app, 'GET', '/tuple2')
    assert r.status_code == 200 and r.headers['X-H'] == '1'
    assert request(app, 'GET', '/status').status_code == 202
    assert request(app, 'GET', '/none').status_code == 204
    r = request(app, 'GET', '/resp')
    assert (r.status_code, r.reason, r.headers['X-R']) == (203, 'Fine', 'y')


def test_request_attributes():
    app = Microdot()
    seen = {}

    @app.route('/r/<int:n>', methods=['POST'])
    async def h(req, n):
        seen.update(n=n, method=req.method, url=req.url, path=req.path,
                    qs=req.query_string, a=req.args.getlist('a'),
                    ua=req.headers['user-agent'], c=req.cookies,
                    cl=req.content_length, ct=req.content_type,
                    body=req.body, json=req.json, addr=req.client_addr,
                    scheme=req.scheme)
        req.g.x = 1
        return 'ok'

    request(app, 'POST', '/r/7?a=1&a=2', body={'k': 'v'},
            headers={'User-Agent': 'ua', 'Cookie': 'c1=v1; c2=v2'})
    assert seen['n'] == 7 and seen['method'] == 'POST'
    assert seen['url'] == '/r/7?a=1&a=2' and seen['path'] == '/r/7'
    assert seen['qs'] == 'a=1&a=2' and seen['a'] == ['1', '2']
    assert seen['ua'] == 'ua' and seen['c'] == {'c1': 'v1', 'c2': 'v2'}
    assert seen['json'] == {'k': 'v'} and seen['ct'] == 'application/json'
    assert seen['cl'] == len(seen['body']) and seen['scheme'] == 'http'
    assert seen['addr'][0] == '127.0.0.1'


def test_form_and_stream():
    app = Microdot()

    @app.post('/form')
    def form(req):
        return req.form['a'] + '|' + ','.join(req.form.getlist('b'))

    @app.post('/stream')
    async def stream(req):
        data = await req.stream.read()
        return str(len(data)) + ':' + str(len(req.body))

    r = request(app, 'POST', '/form', body='a=x+y&b=1&b=2', headers={
        'Content-Type': 'application/x-www-form-urlencoded'})
    assert r.text == 'x y|1,2'
    r = request(app, 'POST', '/stream', body='z' * 100)
    assert r.text == '100:100'


def test_limits():
    from microdot import Request
    app = Microdot()

    @app.post('/')
    async def big(req):
        return str(len(req.body)) + ':' + str(len(await req.stream.read()))

    saved = Request.max_content_length, Request.max_body_length
    try:
        Request.max_content_length, Request.max_body_length = 100, 10
        assert request(app, 'POST', '/', body='x' * 10).text == '10:10'
        assert request(app, 'POST', '/', body='x' * 50).text == '0:50'
        r = request(app, 'POST', '/', body='x' * 101)
        assert r.status_code == 413 and r.text == 'Payload too large'
    finally:
        Request.max_content_length, Request.max_body_length = saved


def test_head_options_404_405():
    app = Microdot()

    @app.get('/')
    def index(req):
        return 'body'

    @app.route('/w', methods=['POST', 'PUT'])
    def w(req):
        return 'w'

    r = request(app, 'HEAD', '/')
    assert r.status_code == 200 and r.body is None
    assert r.headers['Content-Length'] == '4'
    assert request(app, 'OPTIONS', '/').headers['Allow'] == \
        'GET, HEAD, OPTIONS'
    assert request(app, 'OPTIONS', '/w').headers['Allow'] == \
        'POST, PUT, OPTIONS'
    r = request(app, 'GET', '/nope')
    assert r.status_code == 404 and r.text == 'Not found'
    assert request(app, 'GET', '/w').status_code == 405
    assert request(app, 'PUT', '/w').text == 'w'


def test_method_decorators():
    app = Microdot()
    for m in ('get', 'post', 'put', 'patch', 'delete'):
        getattr(app, m)('/')(lambda req, m=m: m.upper())
    client = TestClient(app)
    for m in ('GET', 'POST', 'PUT', 'PATCH', 'DELETE'):
        assert run(client.request(m, '/')).text == m


def test_hooks():
    app = Microdot()
    calls = []

    @app.before_request
    def before(req):
        calls.append('before')
        req.g.user = 'u'
        if req.path == '/blocked':
            return 'nope', 403

    @app.after_request
    async def after(req, res):
        calls.append('after')
        res.headers['X-After'] = '1'
        return res

    @app.after_error_request
    def after_error(req, res):
        res.headers['X-Error'] = '1'

    @app.get('/blocked')
    def blocked(req):
        return 'handler ran'

    @app.get('/')
    def index(req):
        @req.after_request
        def per_request(req, res):
            calls.append('per-request')
            return Response('replaced')
        return req.g.user

    r = request(app, 'GET', '/')
    assert r.text == 'replaced' and calls == [
        'before', 'after', 'per-request']
    r = request(app, 'GET', '/blocked')
    assert r.status_code == 403 and r.text == 'nope'
    assert r.headers['X-After'] == '1'
    r = request(app, 'GET', '/missing')
    assert r.status_code == 404 and r.headers['X-Error'] == '1'
    assert 'X-After' not in r.headers


def test_error_handlers():
    app = Microdot()

    class Base(Exception):
        pass

    class Child(Base):
        pass

    @app.errorhandler(404)
    def nf(req):
        return {'error': 'nf'}, 404

    @app.errorhandler(Base)
    def base(req, exc):
        return type(exc).__name__, 418

    @app.errorhandler(ZeroDivisionError)
    def zde(req, exc):
        return 'zde', 500

    @app.get('/child')
    def child(req):
        raise Child()

    @app.get('/zero')
    def zero(req):
        return 1 / 0

    @app.get('/other')
    def other(req):
        raise KeyError('x')

    @app.get('/abort')
    def ab(req):
        abort(406, 'Not acceptable')

    assert request(app, 'GET', '/x').json == {'error': 'nf'}
    r = request(app, 'GET', '/child')
    assert (r.status_code, r.text) == (418, 'Child')
    assert request(app, 'GET', '/zero').text == 'zde'
    r = request(app, 'GET', '/other')
    assert (r.status_code, r.text) == (500, 'Internal server error')
    r = request(app, 'GET', '/abort')
    assert (r.status_code, r.text) == (406, 'Not acceptable')


def test_error_response_never_leaks_internals():
    app = Microdot()

    @app.get('/')
    def boom(req):
        raise RuntimeError('secret detail')

    r = request(app, 'GET', '/')
    assert r.status_code == 500 and 'secret' not in r.text
    assert 'Traceback' not in r.text


def test_mount():
    sub = Microdot()
    calls = []

    @sub.before_request
    def sub_before(req):
        calls.append('sub')

    @sub.get('/item/<int:i>')
    def item(req, i):
        return req.url_prefix + ':' + str(i)

    app = Microdot()

    @app.get('/')
    def index(req):
        return 'root'

    app.mount(sub, url_prefix='/sub')
    assert request(app, 'GET', '/sub/item/3').text == '/sub:3'
    assert request(app, 'GET', '/').text == 'root'
    assert calls == ['sub', 'sub']  # not local: hook moved to the app

    local = Microdot()

    @local.before_request
    def local_before(req):
        calls.append('local')

    @local.get('/l')
    def l_(req):
        return 'l'

    app2 = Microdot()

    @app2.get('/')
    def index2(req):
        return 'root2'

    app2.mount(local, url_prefix='/loc', local=True)
    calls.clear()
    request(app2, 'GET', '/')
    assert calls == []
    assert request(app2, 'GET', '/loc/l').text == 'l' and calls == ['local']


def test_redirect():
    r = redirect('/there')
    assert r.status_code == 302 and r.headers['Location'] == '/there'
    assert redirect('/p', 301).status_code == 301
    raises(ValueError, redirect, '/x\r\nSet-Cookie: evil=1')


def test_cookies():
    app = Microdot()

    @app.get('/set')
    def set_(req):
        r = Response('set')
        r.set_cookie('a', '1', http_only=True, same_site='Lax', path='/')
        r.set_cookie('b', '2', path='/b', secure=True, max_age=60,
                     domain='example.com', partitioned=True,
                     expires='Wed, 21 Oct 2037 07:28:00 GMT')
        return r

    @app.get('/del')
    def del_(req):
        r = Response('del')
        r.delete_cookie('a', path='/')
        return r

    @app.get('/show')
    def show(req):
        return req.cookies

    client = TestClient(app)
    r = run(client.get('/set'))
    assert r.headers['Set-Cookie'] == [
        'a=1; Path=/; HttpOnly; SameSite=Lax',
        'b=2; Path=/b; Domain=example.com; '
        'Expires=Wed, 21 Oct 2037 07:28:00 GMT; Max-Age=60; Secure; '
        'Partitioned']
    assert run(client.get('/show')).json == {'a': '1'}
    run(client.get('/del'))
    assert run(client.get('/show')).json == {}
    r = Response()
    raises(ValueError, r.set_cookie, 'a', 'x;y')
    raises(ValueError, r.set_cookie, 'a', 'x\r\ny')
    raises(ValueError, r.set_cookie, 'a b', 'x')
    raises(ValueError, r.set_cookie, 'a', 'x', path='/;Domain=evil')


def test_send_file():
    app = Microdot()
    name = 'tmp_send_file_test.html'
    with open(name, 'w') as f:
        f.write('<p>' + 'x' * 3000 + '</p>')
    with open(name + '.gz', 'wb') as f:
        f.write(b'\x1f\x8bfake')

    @app.get('/f')
    def f(req):
        return send_file(name, max_age=60)

    @app.get('/gz')
    def gz(req):
        return send_file(name + '.gz', compressed=True)

    @app.get('/bin')
    def b(req):
        return send_file(name, content_type='application/x-thing')

    try:
        r = request(app, 'GET', '/f')
        assert r.headers['Content-Type'] == 'text/html'
        assert r.headers['Cache-Control'] == 'max-age=60'
        assert len(r.body) == 3007
        r = request(app, 'GET', '/gz')
        assert r.headers['Content-Encoding'] == 'gzip'
        assert r.headers['Content-Type'] == 'text/html'
        assert r.body == b'\x1f\x8bfake'
        r = request(app, 'GET', '/bin')
        assert r.headers['Content-Type'] == 'application/x-thing'
    finally:
        os.remove(name)
        os.remove(name + '.gz')


def test_generator_bodies():
    app = Microdot()

    @app.get('/sync')
    async def sync(req):  # async: on MicroPython a returned generator
        def gen():        # from a plain function looks like a coroutine
            yield 'a'
            yield b'b'
        return gen()

    r = request(app, 'GET', '/sync')
    assert r.text == 'ab' and 'Content-Length' not in r.headers
    if not MICROPYTHON:  # MicroPython has no async generators
        exec('async def agen():\n    yield "x"\n    yield b"y"\n',
             globals())

        @app.get('/async')
        async def asy(req):
            return agen()  # noqa: F821

        assert request(app, 'GET', '/async').text == 'xy'


def test_bad_json_body_is_400():
    app = Microdot()

    @app.post('/')
    def j(req):
        return req.json

    r = request(app, 'POST', '/', body='{bad',
                headers={'Content-Type': 'application/json'})
    assert r.status_code == 400


def test_bad_request_line_is_400():
    app = Microdot()
    r = run(app.dispatch_request(None))
    assert r.status_code == 400 and r.body == b'Bad request'
