"""Fault injection on a real server: clients that reset or vanish
mid-request and mid-response, bodies shorter than declared, handlers that
raise or return what cannot be sent.  After each, the server answers the
next client.  (The heap's return to baseline after these, and after a
MemoryError, is checked on MicroPython at a small heap in
test_small_heap.py.)"""
import asyncio
from microdot import Microdot
from support import serve, connect, send, close, read_response, \
    MICROPYTHON

H = b'Host: t\r\n'
CUT = getattr(asyncio, 'IncompleteReadError', EOFError)


def make_app():
    app = Microdot()

    @app.route('/')
    async def index(req):
        return 'ok'

    @app.post('/upload')
    async def upload(req):
        n = 0
        while True:
            data = await req.stream.read(512)
            if not data:
                return str(n)
            n += len(data)

    @app.route('/big')
    async def big(req):
        def gen():
            for _ in range(2000):
                yield b'x' * 1024
        return gen()

    @app.route('/raise')
    async def boom(req):
        raise RuntimeError('secret internal detail')

    @app.route('/object')
    async def obj(req):
        return object()

    @app.route('/float')
    async def flt(req):
        return 3.5

    @app.route('/badgen')
    async def badgen(req):
        def gen():
            yield b'first part'
            raise ValueError('broken stream')
        return gen()
    return app


async def reset(w):
    """Close with an RST instead of a FIN (SO_LINGER 0)."""
    try:
        sock = w.get_extra_info('socket')
    except KeyError:  # MicroPython's streams: a plain close
        sock = None
    if sock is not None and not MICROPYTHON:
        import socket
        import struct
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack('ii', 1, 0))
    w.close()
    await asyncio.sleep(0.05)


async def ok(port):
    r, w = await connect(port)
    await send(w, b'GET / HTTP/1.1\r\n' + H + b'\r\n')
    res = await read_response(r)
    await close(w)
    return res[0] == 200 and res[2] == b'ok'


def test_clients_that_vanish():
    async def client(port):
        checks = []
        # reset in the middle of a request body
        r, w = await connect(port)
        await send(w, b'POST /upload HTTP/1.1\r\n' + H +
                   b'Content-Length: 100000\r\n\r\n' + b'x' * 3000)
        await reset(w)
        checks.append(await ok(port))
        # reset in the middle of a response
        r, w = await connect(port)
        await send(w, b'GET /big HTTP/1.1\r\n' + H + b'\r\n')
        await r.read(5000)
        await reset(w)
        checks.append(await ok(port))
        # a body shorter than declared, then a clean close
        r, w = await connect(port)
        await send(w, b'POST /upload HTTP/1.1\r\n' + H +
                   b'Content-Length: 1000\r\n\r\n' + b'x' * 10)
        w.write_eof() if hasattr(w, 'write_eof') else None
        await asyncio.sleep(0.1)
        await close(w)
        checks.append(await ok(port))
        # half a request head, then gone
        r, w = await connect(port)
        await send(w, b'GET / HTTP/1.1\r\nHo')
        await close(w)
        checks.append(await ok(port))
        return checks
    assert serve(make_app(), client) == [True, True, True, True]


def test_handlers_that_fail():
    async def client(port):
        out = {}
        for path in ('/raise', '/object', '/float', '/badgen'):
            r, w = await connect(port)
            await send(w, b'GET ' + path.encode() + b' HTTP/1.1\r\n' + H +
                       b'\r\n')
            try:
                out[path] = await read_response(r)
            except (EOFError, CUT, ValueError, OSError):
                out[path] = 'cut'  # a stream that broke half-way
            await close(w)
        out['after'] = await ok(port)
        return out
    out = serve(make_app(), client)
    for path in ('/raise', '/object', '/float'):
        status, headers, body = out[path]
        assert status == 500, path
        assert b'secret' not in body and b'Traceback' not in body
    # a generator that fails after the head went out: the connection is
    # closed, which the client sees as a cut response, never a hang
    assert out['/badgen'] == 'cut' or out['/badgen'][0] == 200
    assert out['after']
