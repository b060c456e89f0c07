"""Server-Sent Events through the test client and a real socket."""
import asyncio
from microdot import Microdot
from microdot.sse import with_sse, SSE
from microdot.test_client import TestClient
from support import run, serve, connect, send, close


def test_event_format():
    app = Microdot()

    @app.route('/sse')
    @with_sse
    async def events(req, sse):
        await sse.send('foo')
        await sse.send('bar', event='test', event_id='id42')
        await sse.send('bar', retry=2.5)
        await sse.send({'foo': 'bar'})
        await sse.send('ping', comment=True)
        await sse.send(b'two\nlines')
        await sse.send(42)

    r = run(TestClient(app).get('/sse'))
    assert r.status_code == 200
    assert r.headers['Content-Type'] == 'text/event-stream'
    assert r.text == ('data: foo\n\n'
                      'event: test\nid: id42\ndata: bar\n\n'
                      'retry: 2500\ndata: bar\n\n'
                      'data: {"foo": "bar"}\n\n'
                      ': ping\n\n'
                      'data: two\ndata: lines\n\n'
                      'data: 42\n\n')
    assert len(r.events) == 6
    assert r.events[1]['event'] == 'test' and r.events[1]['event_id'] == 'id42'
    assert r.events[2]['retry'] == 2.5
    assert r.events[3]['data_json'] == {'foo': 'bar'}
    assert r.events[4]['data'] == b'two\nlines'


def test_handler_error_reaches_the_response():
    app = Microdot()

    @app.route('/sse')
    @with_sse
    async def events(req, sse):
        await sse.send('foo')
        1 / 0

    try:
        run(TestClient(app).get('/sse'))
        assert False
    except ZeroDivisionError:
        pass


def test_real_socket_keep_alive_and_disconnect():
    app = Microdot()
    state = {'sent': 0, 'ended': False}
    saved = SSE.keep_alive
    SSE.keep_alive = 0.2

    @app.route('/ticks')
    @with_sse
    async def ticks(req, sse):
        try:
            await sse.send('first', event_id='1')
            while True:
                await asyncio.sleep(0.05)
                state['sent'] += 1
                if state['sent'] == 3:
                    await asyncio.sleep(0.5)  # silence: a comment goes out
                await sse.send(state['sent'])
        finally:
            state['ended'] = True

    async def client(port):
        r, w = await connect(port)
        await send(w, b'GET /ticks HTTP/1.1\r\nHost: t\r\n\r\n')
        data = b''
        while b': keep-alive' not in data or data.count(b'data: ') < 5:
            chunk = await asyncio.wait_for(r.read(1024), 5)
            assert chunk
            data += chunk
        await close(w)
        for _ in range(50):  # the next send notices the client is gone
            await asyncio.sleep(0.05)
            if state['ended']:
                break
        return data
    try:
        data = serve(app, client)
    finally:
        SSE.keep_alive = saved
    assert b'Transfer-Encoding: chunked' in data
    assert b'id: 1\ndata: first\n\n' in data
    assert state['ended']
