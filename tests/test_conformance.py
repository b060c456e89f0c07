"""What external HTTP checkers expect (RFC 9110), on both runtimes: every
405 names the allowed methods, responses carry ``Date`` while the clock is
set, and the OpenAPI document declares the statuses its checks answer.
(The checkers themselves run in test_checkers.py.)"""
from microdot import Microdot, Response, abort
from microdot.http import date_line
from microdot.openapi import OpenAPI
from microdot.test_client import TestClient
from support import run, serve, get, skip


def routes():
    app = Microdot()

    @app.get('/thing')
    async def read(req):
        return 'thing'

    @app.post('/thing')
    async def write(req):
        return 'written'

    @app.get('/only-get')
    async def only_get(req):
        return 'x'

    @app.delete('/refuse')
    async def refuse(req):
        abort(405)
    return app


def test_automatic_405_names_the_allowed_methods():
    c = TestClient(routes())
    r = run(c.put('/thing'))
    assert r.status_code == 405
    assert r.headers['Allow'] == 'GET, POST, HEAD, OPTIONS'
    assert r.text == 'Method not allowed'
    r = run(c.post('/only-get'))
    assert r.status_code == 405 and r.headers['Allow'] == 'GET, HEAD, OPTIONS'
    # what OPTIONS says is the same list
    r = run(c.request('OPTIONS', '/thing'))
    assert r.headers['Allow'] == 'GET, POST, HEAD, OPTIONS'


def test_app_raised_405_gets_allow_too():
    r = run(TestClient(routes()).delete('/refuse'))
    assert r.status_code == 405 and r.text == 'Method not allowed'
    assert r.headers['Allow'] == 'DELETE, OPTIONS'


def test_405_error_handler_keeps_its_answer_and_gains_allow():
    app = routes()

    @app.errorhandler(405)
    async def not_allowed(req):
        return {'error': 'use another method'}, 405
    r = run(TestClient(app).put('/thing'))
    assert r.status_code == 405 and r.json == {'error': 'use another method'}
    assert r.headers['Allow'] == 'GET, POST, HEAD, OPTIONS'


def test_allow_the_app_set_is_kept():
    app = Microdot()

    @app.get('/x')
    async def x(req):
        return 'no', 405, {'Allow': 'POST'}
    r = run(TestClient(app).get('/x'))
    assert r.status_code == 405 and r.headers['Allow'] == 'POST'


def test_without_options_handler_allow_omits_options():
    app = routes()
    app.options_handler = None
    r = run(TestClient(app).put('/thing'))
    assert r.headers['Allow'] == 'GET, POST, HEAD'


def test_405_on_the_wire():
    async def client(port):
        from support import connect, send, read_response, close
        r, w = await connect(port)
        await send(w, b'PATCH /thing HTTP/1.1\r\nHost: t\r\n'
                   b'Connection: close\r\n\r\n')
        res = await read_response(r)
        await close(w)
        return res
    status, headers, body = serve(routes(), client)
    assert status == 405 and body == b'Method not allowed'
    assert headers['allow'] == 'GET, POST, HEAD, OPTIONS'


def test_date_line():
    import time
    if not hasattr(time, 'gmtime'):
        skip('this port has no time.gmtime (no clock): it sends no Date')
    assert date_line(1767225600) == 'Date: Thu, 01 Jan 2026 00:00:00 GMT'
    assert date_line(1767225600 + 86400 * 59 + 3723) == \
        'Date: Sun, 01 Mar 2026 01:02:03 GMT'
    # a board whose clock nobody set: 2000-01-01 (or 1970), so no Date
    assert date_line(946684800) is None
    assert date_line(0) is None
    assert date_line() is date_line()  # made once a second


def test_responses_carry_date():
    import time
    status, headers, body = serve(routes(), get)
    assert status == 404 and 'date' in headers
    status, headers, body = serve(routes(), lambda port: get(port, '/thing'))
    assert status == 200
    date = headers['date']
    assert date.endswith(' GMT') and len(date) == 29, date
    # the same second as this clock, give or take the round trip
    now = [date_line(int(time.time()) + d) for d in (-2, -1, 0, 1)]
    assert 'Date: ' + date in now, (date, now)


def test_no_date_while_the_clock_is_not_set():
    import microdot.response as response
    real = response.date_line
    response.date_line = lambda: date_line(946684800)
    try:
        status, headers, body = serve(routes(),
                                      lambda port: get(port, '/thing'))
    finally:
        response.date_line = real
    assert status == 200 and 'date' not in headers


def test_an_app_date_is_kept():
    app = Microdot()

    @app.get('/')
    async def index(req):
        return 'x', {'Date': 'Thu, 01 Jan 2026 00:00:00 GMT'}
    status, headers, body = serve(app, get)
    assert headers['date'] == 'Thu, 01 Jan 2026 00:00:00 GMT'


def openapi_app(validate=True, responses=None):
    app = Microdot()
    api = OpenAPI(app)

    @app.post('/zones/<int:zone>')
    @api.doc(body={'type': 'object'}, validate=validate,
             responses=responses)
    async def zone(req, zone):
        return {}

    @app.get('/status')
    async def status(req):
        return {}
    return app


def test_openapi_declares_what_validation_answers():
    doc = run(TestClient(openapi_app()).get('/openapi.json')).json
    zone = doc['paths']['/zones/{zone}']['post']['responses']
    assert set(zone) == {'200', '400', '404'}
    error = zone['400']['content']['application/json']['schema']
    assert error['properties'] == {'error': {'type': 'string'}}
    # without path parameters there is no 404; without checks, no 400
    assert set(doc['paths']['/status']['get']['responses']) == {'200'}
    doc = run(TestClient(openapi_app(validate=False)).get(
        '/openapi.json')).json
    assert set(doc['paths']['/zones/{zone}']['post']['responses']) == \
        {'200', '404'}


def test_openapi_keeps_the_apps_own_400():
    doc = run(TestClient(openapi_app(responses={
        201: 'Created', 400: 'Bad zone'})).get('/openapi.json')).json
    zone = doc['paths']['/zones/{zone}']['post']['responses']
    assert zone['400'] == {'description': 'Bad zone'}
    assert set(zone) == {'201', '400', '404'}


def test_response_write_alone_adds_no_date():
    # Date is the server's: Response.write() called by an app or a test
    # (as Microdot's own tests do, comparing bytes) writes what it did
    class Sink:
        def __init__(self):
            self.data = b''

        async def awrite(self, data):
            self.data += data
    sink = Sink()
    run(Response('hi').write(sink))
    assert b'Date:' not in sink.data and sink.data.endswith(b'\r\n\r\nhi')
    sink = Sink()
    run(Response('hi').write(sink, date=True))
    assert (b'Date:' in sink.data) == (date_line() is not None)
