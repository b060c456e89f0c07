"""Sessions, HMAC/JWT signing, Basic and token auth, logins, CORS and
CSRF, through the test client."""
from microdot import Microdot
from microdot.test_client import TestClient
from microdot.signing import hmac_sha256, compare, jwt_encode, jwt_decode
from microdot.session import Session, with_session
from microdot.auth import BasicAuth, TokenAuth
from microdot.login import Login
from microdot.cors import CORS
from microdot.csrf import CSRF
from support import run, MICROPYTHON, skip, needs

import binascii

KEY = 'a-secret-key-of-thirty-two-bytes'


def hexd(b):
    return binascii.hexlify(b).decode()


def test_hmac_matches_rfc4231():
    assert hexd(hmac_sha256(b'\x0b' * 20, b'Hi There')) == (
        'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7')
    assert hexd(hmac_sha256('Jefe', b'what do ya want for nothing?')) == (
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
    assert hexd(hmac_sha256(b'\xaa' * 131, b'Test Using Larger Than Block'
                            b'-Size Key - Hash Key First')) == (
        '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54')


def test_compare_and_jwt():
    assert compare('abc', b'abc') and not compare('abc', 'abd')
    assert not compare('abc', 'abcd') and compare('', '')
    tok = jwt_encode({'a': 1}, 'k')
    assert jwt_decode(tok, 'k') == {'a': 1}
    assert jwt_decode(tok, 'other') is None
    head, body, sig = tok.split('.')
    assert jwt_decode(head + '.' + body + 'x.' + sig, 'k') is None
    assert jwt_decode('garbage', 'k') is None
    assert jwt_decode('a.b.c.d', 'k') is None
    assert jwt_decode(jwt_encode({'exp': 100}, 'k'), 'k', now=99) == \
        {'exp': 100}
    assert jwt_decode(jwt_encode({'exp': 100}, 'k'), 'k', now=100) is None


def test_jwt_interoperates_with_pyjwt():
    if MICROPYTHON:
        skip('PyJWT is a CPython package')
    try:
        import jwt
    except ImportError:
        skip('PyJWT not installed')
    tok = jwt_encode({'user': 'x', 'n': 1}, KEY)
    assert jwt.decode(tok, KEY, algorithms=['HS256']) == \
        {'user': 'x', 'n': 1}
    assert jwt_decode(jwt.encode({'a': [1, 2]}, KEY), KEY) == \
        {'a': [1, 2]}


def session_app(**opts):
    app = Microdot()
    Session(app, **opts)

    @app.route('/set/<v>')
    @with_session
    def set_(req, session, v):
        session['v'] = v
        session.save()
        return 'ok'

    @app.route('/get')
    @with_session
    async def get(req, session):
        return session.get('v', 'none')

    @app.route('/clear')
    @with_session
    def clear(req, session):
        session.delete()
        return 'cleared'
    return app


def test_session_round_trip_and_tampering():
    c = TestClient(session_app(secret_key='top-secret'))
    r = run(c.get('/set/42'))
    cookie = r.headers['Set-Cookie'][0]
    assert 'HttpOnly' in cookie and 'SameSite=Lax' in cookie and \
        'Path=/' in cookie and 'Secure' not in cookie
    assert run(c.get('/get')).text == '42'
    assert 'Cookie' in run(c.get('/get')).headers['Vary']
    c.cookies['session'] = c.cookies['session'][:-2] + 'xx'
    assert run(c.get('/get')).text == 'none'
    run(c.get('/set/1'))
    run(c.get('/clear'))
    assert 'session' not in c.cookies
    assert run(c.get('/get')).text == 'none'
    # a token signed with another key is refused
    other = TestClient(session_app(secret_key='another'))
    run(other.get('/set/7'))
    c.cookies['session'] = other.cookies['session']
    assert run(c.get('/get')).text == 'none'


def test_session_secure_under_https_and_needs_a_key():
    c = TestClient(session_app(secret_key='k'), scheme='https')
    assert 'Secure' in run(c.get('/set/1')).headers['Set-Cookie'][0]
    r = run(TestClient(session_app()).get('/get'))
    assert r.status_code == 500


def test_basic_auth():
    app = Microdot()
    auth = BasicAuth()

    @auth.authenticate
    async def check(req, username, password):
        if username == 'susan' and compare(password, 'hello'):
            return {'name': username}

    @app.route('/')
    @auth
    def index(req):
        return req.g.current_user['name']

    @app.route('/opt')
    @auth.optional
    def opt(req):
        return str(req.g.current_user)

    c = TestClient(app)

    def basic(s):
        return {'Authorization': 'Basic ' +
                binascii.b2a_base64(s.encode()).decode().strip()}
    assert run(c.get('/', headers=basic('susan:hello'))).text == 'susan'
    for h in (basic('susan:bye'), basic('nocolon'), {},
              {'Authorization': 'Basic !!!'}, {'Authorization': 'Bearer x'}):
        r = run(c.get('/', headers=h))
        assert r.status_code == 401
        assert r.headers['WWW-Authenticate'] == \
            'Basic realm="Please login", charset="UTF-8"'
    assert run(c.get('/opt')).text == 'None'


def test_token_auth():
    app = Microdot()
    auth = TokenAuth()
    key = TokenAuth(header='X-API-Key')

    @auth.authenticate
    def check(req, token):
        return 'u' if compare(token, 'tok') else None

    @key.authenticate
    def check2(req, token):
        return 'k' if compare(token, 'abc') else None

    @key.errorhandler
    def denied(req):
        return 'denied', 403

    @app.route('/')
    @auth
    def index(req):
        return req.g.current_user

    @app.route('/k')
    @key
    def k(req):
        return req.g.current_user

    c = TestClient(app)
    assert run(c.get('/', headers={'Authorization': 'Bearer tok'})).text == 'u'
    assert run(c.get('/', headers={'Authorization': 'bearer tok'})).text == 'u'
    assert run(c.get('/', headers={
        'Authorization': 'Bearer nope'})).status_code == 401
    assert run(c.get('/')).status_code == 401
    assert run(c.get('/k', headers={'X-API-Key': 'abc'})).text == 'k'
    r = run(c.get('/k', headers={'X-API-Key': 'x'}))
    assert (r.status_code, r.text) == (403, 'denied')


class User:
    def __init__(self, id):
        self.id = id


def login_app():
    app = Microdot()
    Session(app, secret_key='s3')
    login = Login()

    @login.user_loader
    def load(user_id):
        return User(user_id) if user_id in (1, 2) else None

    @app.post('/login')
    async def do_login(req):
        return await login.login_user(req, User(int(req.args['id'])),
                                      remember=req.args.get('remember'))

    @app.post('/logout')
    async def do_logout(req):
        await login.logout_user(req)
        return 'bye'

    @app.route('/me')
    @login
    async def me(req):
        return 'user %d' % req.g.current_user.id

    @app.route('/fresh')
    @login.fresh
    async def fresh(req):
        return 'fresh'

    @app.route('/req')
    @login.login_required
    def req_(req):
        return 'ok'
    return app


def test_login_flow_and_remember_me():
    needs('time')  # remember-me cookies expire
    c = TestClient(login_app())
    r = run(c.get('/me?x=1'))
    assert r.status_code == 302
    assert r.headers['Location'] == '/login?next=/me%3Fx%3D1'
    r = run(c.post('/login?id=1&next=/me'))
    assert r.status_code == 302 and r.headers['Location'] == '/me'
    assert run(c.get('/me')).text == 'user 1'
    assert run(c.get('/fresh')).text == 'fresh'
    assert run(c.get('/req')).text == 'ok'
    run(c.post('/logout'))
    assert run(c.get('/me')).status_code == 302
    # an open redirect through ?next= is refused
    for bad in ('//evil.example', 'http://evil.example', '/\\evil'):
        r = run(c.post('/login?id=1&next=' + bad))
        assert r.headers['Location'] == '/', bad
    # remember me: a new client with only the cookie is logged in, not fresh
    r = run(c.post('/login?id=2&remember=7'))
    remember = [h for h in r.headers['Set-Cookie']
                if h.startswith('_remember=')][0]
    assert 'Max-Age=604800' in remember and 'HttpOnly' in remember
    c2 = TestClient(login_app(), cookies={
        '_remember': c.cookies['_remember']})
    assert run(c2.get('/me')).text == 'user 2'
    assert run(c2.get('/fresh')).status_code == 302
    run(c2.post('/logout'))
    assert '_remember' not in c2.cookies


def cors_app(**kw):
    app = Microdot()
    CORS(app, **kw)

    @app.route('/', methods=['GET', 'POST'])
    def index(req):
        return 'x'
    return app


def test_cors():
    c = TestClient(cors_app(allowed_origins=['https://a.example'],
                            allow_credentials=True, max_age=60,
                            expose_headers=['X-Total'],
                            allowed_headers=['Content-Type']))
    r = run(c.get('/', headers={'Origin': 'https://a.example'}))
    assert r.headers['Access-Control-Allow-Origin'] == 'https://a.example'
    assert r.headers['Access-Control-Allow-Credentials'] == 'true'
    assert r.headers['Access-Control-Expose-Headers'] == 'X-Total'
    assert r.headers['Vary'] == 'Origin'
    r = run(c.get('/', headers={'Origin': 'https://evil.example'}))
    assert 'Access-Control-Allow-Origin' not in r.headers
    r = run(c.request('OPTIONS', '/', headers={
        'Origin': 'https://a.example',
        'Access-Control-Request-Method': 'post',
        'Access-Control-Request-Headers': 'Content-Type, X-Other'}))
    assert r.status_code == 200
    assert r.headers['Access-Control-Allow-Methods'] == 'POST'
    assert r.headers['Access-Control-Allow-Headers'] == 'Content-Type'
    assert r.headers['Access-Control-Max-Age'] == '60'
    assert 'POST' in r.headers['Allow']
    r = run(TestClient(cors_app(allowed_origins='*')).get(
        '/nowhere', headers={'Origin': 'https://b.example'}))
    assert r.status_code == 404
    assert r.headers['Access-Control-Allow-Origin'] == 'https://b.example'


def csrf_app(**kw):
    app = Microdot()
    cors = CORS(allowed_origins=['https://a.example'])
    csrf = CSRF(app, cors, **kw)

    @app.route('/', methods=['GET', 'POST'])
    def index(req):
        return 'ok'

    @app.post('/hook')
    @csrf.exempt
    def hook(req):
        return 'hook'

    @app.get('/danger')
    @csrf.protect
    def danger(req):
        return 'danger'

    @app.get('/form')
    def form(req):
        return csrf.token(req)
    return app


def test_csrf_headers():
    c = TestClient(csrf_app())

    def post(path='/', **h):
        return run(c.post(path, headers=h)).status_code
    assert post() == 200  # no browser headers: not a browser
    assert post(**{'Sec-Fetch-Site': 'same-origin'}) == 200
    assert post(**{'Sec-Fetch-Site': 'none'}) == 200
    assert post(**{'Sec-Fetch-Site': 'cross-site'}) == 403
    assert post(**{'Sec-Fetch-Site': 'same-site'}) == 403
    assert post(Origin='https://a.example') == 200
    assert post(Origin='https://evil.example') == 403
    assert post('/hook', Origin='https://evil.example') == 200
    assert run(c.get('/', headers={
        'Sec-Fetch-Site': 'cross-site'})).status_code == 200
    assert run(c.get('/danger', headers={
        'Sec-Fetch-Site': 'cross-site'})).status_code == 403
    c2 = TestClient(csrf_app(allow_subdomains=True))
    assert run(c2.post('/', headers={
        'Origin': 'https://x.a.example'})).status_code == 200
    assert run(c2.post('/', headers={
        'Sec-Fetch-Site': 'same-site'})).status_code == 200


def test_csrf_token_mode():
    needs('urandom')
    c = TestClient(csrf_app(token=True))
    assert run(c.post('/')).status_code == 403
    tok = run(c.get('/form')).text
    assert c.cookies['csrf_token'] == tok and len(tok) == 24
    assert run(c.post('/', headers={'X-CSRF-Token': tok})).status_code == 200
    # a token one character off (the random one may end in 'A' already)
    assert run(c.post('/', headers={
        'X-CSRF-Token': tok[:-1] + ('B' if tok[-1] == 'A' else 'A')})
    ).status_code == 403
    assert run(c.post('/', headers={
        'Content-Type': 'application/x-www-form-urlencoded'},
        body='csrf_token=' + tok)).status_code == 200
    # browsers' own headers still decide for them
    assert run(c.post('/', headers={
        'Sec-Fetch-Site': 'same-origin'})).status_code == 200


def test_extensions_on_a_real_socket():
    from microdot.static import static
    from microdot.openapi import OpenAPI
    from support import serve, get
    app = session_app(secret_key=KEY)
    CORS(app, allowed_origins=['https://a.example'])
    CSRF(app)
    static(app, '/s', (__file__.rpartition('/')[0] or '.') + '/files/site')
    OpenAPI(app, title='T')
    auth = TokenAuth()

    @auth.authenticate
    def check(req, token):
        return 'u' if compare(token, 'tok') else None

    @app.route('/private')
    @auth
    def private(req):
        return 'secret'

    async def client(port):
        out = {}
        status, h, body = await get(port, '/set/5')
        cookie = h['set-cookie'].split(';')[0]
        out['get'] = await get(port, '/get', b'Cookie: ' + cookie.encode() +
                               b'\r\n')
        out['css'] = await get(port, '/s/style.css', b'Origin: '
                               b'https://a.example\r\n')
        out['private'] = (await get(port, '/private'))[0], (await get(
            port, '/private', b'Authorization: Bearer tok\r\n'))[2]
        out['api'] = (await get(port, '/openapi.json'))[2]
        return out
    out = serve(app, client)
    assert out['get'][2] == b'5'
    status, h, body = out['css']
    assert body == b'body{}' and h['access-control-allow-origin'] == \
        'https://a.example' and 'etag' in h
    assert out['private'] == (401, b'secret')
    assert b'"/set/{v}"' in out['api']
