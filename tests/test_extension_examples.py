"""The code samples of docs/extensions.md and docs/cpython.md (files in
examples/extensions/ and examples/cpython/) work as the pages say."""
import binascii
import os
from microdot.test_client import TestClient
from support import run, MICROPYTHON, skip, needs, example



def load(name):
    return example('extensions', name)


def client(name):
    return TestClient(load(name).app)


def test_websocket_echo():
    needs('sha1')
    got = []

    async def talk():
        got.append((yield 'hello'))
        got.append((yield b'\x01\x02'))
    run(client('websocket_echo').websocket('/echo', talk))
    assert got == ['hello', b'\x01\x02']


def test_sse_ticks():
    r = run(client('sse_ticks').get('/events'))
    assert [e['data_json'] for e in r.events] == \
        [{'count': i} for i in range(3)]
    assert [e['event'] for e in r.events] == ['tick'] * 3


def test_pubsub_publish():
    mod = load('pubsub_live')
    sub = mod.hub.subscribe('temp')
    r = run(TestClient(mod.app).post('/temperature', body={'c': 21}))
    assert r.status_code == 204 and sub.queue == [('temp', {'c': 21})]
    sub.close()


def test_sessions():
    c = client('sessions')
    assert [run(c.get('/visit')).text for _ in range(3)] == \
        ['visit 1', 'visit 2', 'visit 3']


def test_auth():
    c = client('basic_auth')
    good = 'Basic ' + binascii.b2a_base64(b'susan:hello').decode().strip()
    assert run(c.get('/admin', headers={'Authorization': good})).text == \
        'hello susan'
    assert run(c.get('/admin')).status_code == 401
    r = run(c.get('/api/data', headers={
        'Authorization': 'Bearer secret-token'}))
    assert r.json == {'for': 'device'}


def test_logins():
    needs('time')
    c = client('logins')
    assert run(c.get('/dashboard')).status_code == 302
    form = {'Content-Type': 'application/x-www-form-urlencoded'}
    assert run(c.post('/login', headers=form,
                      body='name=ann&password=no')).status_code == 401
    r = run(c.post('/login?next=/dashboard', headers=form,
                   body='name=ann&password=pw'))
    assert r.headers['Location'] == '/dashboard'
    assert run(c.get('/dashboard')).text == 'hi ann'


def test_cors_and_csrf():
    c = client('cors_csrf')
    r = run(c.post('/settings', headers={
        'Origin': 'https://dashboard.example'}))
    assert r.text == 'saved' and \
        r.headers['Access-Control-Allow-Origin'] == 'https://dashboard.example'
    assert run(c.post('/settings', headers={
        'Sec-Fetch-Site': 'cross-site'})).status_code == 403
    assert run(c.post('/webhook', headers={
        'Sec-Fetch-Site': 'cross-site'})).text == 'ok'


def test_uploads():
    c = client('uploads')
    ct = {'Content-Type': 'multipart/form-data; boundary=b'}
    body = (b'--b\r\nContent-Disposition: form-data; name="fw"; '
            b'filename="fw.bin"\r\n\r\n' + b'x' * 5000 + b'\r\n--b--\r\n')
    try:
        assert run(c.post('/firmware', headers=ct, body=body)).json == \
            {'saved': 5000}
    finally:
        os.remove('update.bin')
    body = (b'--b\r\nContent-Disposition: form-data; name="name"\r\n\r\n'
            b'Ann\r\n--b\r\nContent-Disposition: form-data; name="logo"; '
            b'filename="logo.png"\r\n\r\nPNG\r\n--b--\r\n')
    assert run(c.post('/settings', headers=ct, body=body)).json == \
        {'name': 'Ann', 'file': 'logo.png'}


def test_templates():
    r = run(client('templates_app').get('/'))
    assert '<li>&lt;b&gt;escaped&lt;/b&gt;</li>' in r.text
    assert '<h1>Home</h1>' in r.text


def test_static_files():
    r = run(client('static_files').get('/static/style.css'))
    assert r.text == 'body { color: #333; }\n'
    assert r.headers['Cache-Control'] == 'max-age=3600'


def test_openapi():
    c = client('openapi_app')
    assert '/zones/{zone}' in run(c.get('/openapi.json')).json['paths']
    assert run(c.post('/zones/1', body={'temp': 2})).status_code == 400
    assert run(c.post('/zones/1', body={'temp': 20})).json == \
        {'zone': 1, 'temp': 20}


def test_cpython_adapters():
    if MICROPYTHON:
        skip('the ASGI and WSGI adapters are CPython only')
    try:
        import httpx
    except ImportError:
        skip('needs httpx')
    import asyncio
    asgi = example('cpython', 'asgi_main').app

    async def go():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=asgi),
                                     base_url='http://t') as c:
            return (await c.get('/')).text
    assert asyncio.run(go()) == 'Hello from uvicorn'
    wsgi = example('cpython', 'wsgi_main').app
    with httpx.Client(transport=httpx.WSGITransport(app=wsgi),
                      base_url='http://t') as c:
        assert c.get('/').text == 'Hello from gunicorn'
