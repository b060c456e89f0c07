"""WebSocket: the test client and a raw client on a real socket (masking,
fragments, ping/pong, close codes, limits)."""
import asyncio
from microdot import Microdot, Request
from microdot.websocket import with_websocket, websocket_upgrade, \
    WebSocket, WebSocketError
from microdot.test_client import TestClient
from support import run, serve, connect, send, close, read_response, \
    MICROPYTHON, needs

KEY = b'dGhlIHNhbXBsZSBub25jZQ=='
ACCEPT = b's3pPLMBiTxaQ9kYGzzhZRbK+xOo='


def make_app():
    app = Microdot()

    @app.route('/echo')
    @with_websocket
    async def echo(req, ws):
        while True:
            await ws.send(await ws.receive())

    @app.route('/boom')
    @with_websocket
    async def boom(req, ws):
        await ws.receive()
        1 / 0

    @app.route('/auth')
    async def auth(req):
        if req.args.get('token') != 'ok':
            return 'no', 401
        ws = await websocket_upgrade(req)
        await ws.send('welcome ' + await ws.receive())
        return 'ignored'

    return app


def talk(app, path, messages, **kw):
    got = []

    async def client():
        for m in messages:
            got.append((yield m))
    res = run(TestClient(app).websocket(path, client, **kw))
    return res, got


def test_echo_through_test_client():
    needs('sha1')
    # 64 KB + 1 needs the 8-byte length; too big for MicroPython's test heap
    big = b'+' * (4000 if MICROPYTHON else 65537)
    msgs = ['hello', b'bin', b'*' * 300, big, 'é']
    saved = WebSocket.max_message_length
    WebSocket.max_message_length = 70000
    try:
        res, got = talk(make_app(), '/echo', msgs)
    finally:
        WebSocket.max_message_length = saved
    assert res.body is None
    assert got == msgs


def test_message_over_limit_closes():
    needs('sha1')
    saved = Request.max_body_length
    Request.max_body_length = 10
    try:
        res, got = talk(make_app(), '/echo', ['0123456789abcdef'])
    finally:
        Request.max_body_length = saved
    assert got == []


def test_handler_error_and_upgrade_in_route():
    needs('sha1')
    app = make_app()
    res, got = talk(app, '/boom', ['x'])
    assert res.body is None
    r = run(TestClient(app).get('/auth'))
    assert r.status_code == 401

    async def client():
        got.append((yield 'hi'))
    got = []
    run(TestClient(app).websocket('/auth?token=ok', client))
    assert got == ['welcome hi']


def test_bad_upgrade_requests():
    app = make_app()
    c = TestClient(app)
    for headers in ({}, {'Connection': 'Upgrade'}, {'Upgrade': 'websocket'},
                    {'Connection': 'Upgrade', 'Upgrade': 'websocket'},
                    {'Sec-WebSocket-Key': 'xxx'}):
        assert run(c.get('/echo', headers=headers)).status_code == 400
    r = run(c.get('/echo', headers={
        'Connection': 'keep-alive, Upgrade', 'Upgrade': 'websocket',
        'Sec-WebSocket-Key': KEY.decode(), 'Sec-WebSocket-Version': '8'}))
    assert r.status_code == 426


def test_handshake_without_sha1_is_a_clear_501():
    import sys

    class NoSha1:
        pass
    saved = sys.modules.get('hashlib')
    sys.modules['hashlib'] = NoSha1  # an image built without SHA-1
    try:
        r = run(TestClient(make_app()).get('/echo', headers={
            'Connection': 'Upgrade', 'Upgrade': 'websocket',
            'Sec-WebSocket-Key': KEY.decode()}))
    finally:
        if saved is None:
            del sys.modules['hashlib']
        else:
            sys.modules['hashlib'] = saved
    assert r.status_code == 501 and 'sha1' in r.text


def test_frame_helpers():
    ws = WebSocket(None)
    assert ws._process_websocket_frame(WebSocket.TEXT, b'foo') == (None,
                                                                   'foo')
    assert ws._process_websocket_frame(WebSocket.PING, b'p') == \
        (WebSocket.PONG, b'p')
    assert ws._process_websocket_frame(WebSocket.PONG, b'p') == (None, None)
    try:
        ws._process_websocket_frame(WebSocket.CLOSE, b'\x03\xe9bye')
        assert False
    except WebSocketError:
        pass
    assert ws.close_code == 1001 and ws.close_reason == 'bye'
    assert WebSocket._encode_websocket_frame(1, 'hi') == b'\x81\x02hi'
    masked = WebSocket._encode_websocket_frame(2, b'\x00' * 300, b'abcd')
    assert masked[:4] == b'\x82\xfe\x01\x2c' and masked[4:8] == b'abcd'
    assert masked[8:16] == b'abcdabcd'


# --- a raw client on a real socket ---

def frame(opcode, payload, fin=True, mask=b'\x01\x02\x03\x04'):
    return WebSocket._encode_websocket_frame(opcode, payload, mask) \
        if fin else bytes((opcode,)) + \
        WebSocket._encode_websocket_frame(opcode, payload, mask)[1:]


async def read_frame(r):
    head = await asyncio.wait_for(r.readexactly(2), 5)
    n = head[1] & 0x7f
    if n == 126:
        n = int.from_bytes(await r.readexactly(2), 'big')
    elif n == 127:
        n = int.from_bytes(await r.readexactly(8), 'big')
    return head[0] & 0x0f, await r.readexactly(n)


async def open_ws(port, path='/echo'):
    r, w = await connect(port)
    await send(w, b'GET ' + path.encode() + b' HTTP/1.1\r\nHost: t\r\n'
               b'Upgrade: websocket\r\nConnection: Upgrade\r\n'
               b'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ' + KEY +
               b'\r\n\r\n')
    line = await r.readline()
    assert line.startswith(b'HTTP/1.1 101 '), line
    headers = {}
    while True:
        line = (await r.readline()).strip()
        if not line:
            break
        k, _, v = line.partition(b':')
        headers[k.strip().lower()] = v.strip()
    assert headers[b'sec-websocket-accept'] == ACCEPT
    return r, w


def test_real_socket_protocol():
    async def client(port):
        r, w = await open_ws(port)
        await send(w, frame(1, 'hello'))
        assert await read_frame(r) == (1, b'hello')
        # fragmented, with a ping between the fragments
        await send(w, frame(2, b'ab', fin=False) + frame(9, b'p?') +
                   frame(0, b'cd'))
        assert await read_frame(r) == (10, b'p?')
        assert await read_frame(r) == (2, b'abcd')
        big = bytes(range(256)) * 40
        await send(w, frame(2, big))
        assert await read_frame(r) == (2, big)
        await send(w, frame(8, b'\x03\xe8'))
        assert await read_frame(r) == (8, b'\x03\xe8')
        await close(w)

        # protocol errors get a close frame with the code
        for bad, code in ((frame(1, 'x', mask=None), 1002),
                          (frame(0, b'x'), 1002),
                          (frame(1, b'\xff\xfe'), 1007),
                          (frame(2, b'x' * 20000), 1009),
                          (bytes((0xc1, 0x80)) + b'mask', 1002)):
            r, w = await open_ws(port)
            await send(w, bad)
            op, payload = await read_frame(r)
            assert op == 8 and int.from_bytes(payload[:2], 'big') == code, \
                (bad[:4], payload)
            await close(w)

        # the server still serves plain requests
        r, w = await connect(port)
        await send(w, b'GET /auth HTTP/1.1\r\nHost: t\r\n\r\n')
        status, _, body = await read_response(r)
        await close(w)
        return status
    assert serve(make_app(), client) == 401


def test_generator_handler():
    if MICROPYTHON:
        from support import skip
        skip('MicroPython has no async generators')
    app = Microdot()
    ns = {}
    exec('async def ticks(req, ws):\n'
         '    for i in range(3):\n'
         '        yield {"i": i}\n', ns)
    app.route('/ticks')(with_websocket(ns['ticks']))

    async def client(port):
        r, w = await open_ws(port, '/ticks')
        out = []
        for _ in range(4):
            out.append(await read_frame(r))
        await close(w)
        return out
    out = serve(app, client)
    assert out[:3] == [(1, b'{"i": 0}'), (1, b'{"i": 1}'), (1, b'{"i": 2}')]
    assert out[3] == (8, b'\x03\xe8')
