"""Request smuggling, injection and protocol abuse against a real server,
on both runtimes: each attack with the answer it must get, and the server
still serving afterwards.  The table is the one in SECURITY.md."""
from microdot import Microdot, Request, Response
from support import serve, connect, send, close, read_response

H = b'Host: t\r\n'

# (name, bytes sent, expected status or None for "no response, closed")
ATTACKS = [
    ('Content-Length with Transfer-Encoding',
     b'POST /echo HTTP/1.1\r\n' + H + b'Content-Length: 4\r\n'
     b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400),
    ('two different Content-Length values',
     b'POST /echo HTTP/1.1\r\n' + H + b'Content-Length: 4\r\n'
     b'Content-Length: 5\r\n\r\nabcd', 400),
    ('Content-Length with a sign', b'POST /echo HTTP/1.1\r\n' + H +
     b'Content-Length: +4\r\n\r\nabcd', 400),
    ('Transfer-Encoding other than chunked', b'POST /echo HTTP/1.1\r\n' +
     H + b'Transfer-Encoding: gzip, chunked\r\n\r\n', 501),
    ('Transfer-Encoding in HTTP/1.0', b'POST /echo HTTP/1.0\r\n'
     b'Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400),
    ('obsolete line folding', b'GET / HTTP/1.1\r\n' + H +
     b'X-A: 1\r\n  folded\r\n\r\n', 400),
    ('space before the colon', b'GET / HTTP/1.1\r\nHost : t\r\n\r\n', 400),
    ('NUL in a header value', b'GET / HTTP/1.1\r\n' + H +
     b'X-A: a\x00b\r\n\r\n', 400),
    ('bare CR in a header value', b'GET / HTTP/1.1\r\n' + H +
     b'X-A: a\rb\r\n\r\n', 400),
    ('two Host headers', b'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
     400),
    ('Host with a path', b'GET / HTTP/1.1\r\nHost: a/b\r\n\r\n', 400),
    ('HTTP/1.1 without Host', b'GET / HTTP/1.1\r\n\r\n', 400),
    ('chunk-size line of 300 bytes', b'POST /echo HTTP/1.1\r\n' + H +
     b'Transfer-Encoding: chunked\r\n\r\n' + b'0' * 299 + b'1\r\nx\r\n'
     b'0\r\n\r\n', 400),
    ('chunk size of 12 hex digits', b'POST /echo HTTP/1.1\r\n' + H +
     b'Transfer-Encoding: chunked\r\n\r\nffffffffffff\r\n', 400),
    ('chunk size beyond the body limit', b'POST /echo HTTP/1.1\r\n' + H +
     b'Transfer-Encoding: chunked\r\n\r\n10001\r\n', 413),
    ('chunk size not hex', b'POST /echo HTTP/1.1\r\n' + H +
     b'Transfer-Encoding: chunked\r\n\r\nzz\r\n', 400),
    ('chunk data without its CRLF', b'POST /echo HTTP/1.1\r\n' + H +
     b'Transfer-Encoding: chunked\r\n\r\n2\r\nabXX0\r\n\r\n', 400),
    ('method outside the token grammar', b'G(T / HTTP/1.1\r\n' + H +
     b'\r\n', 400),
    ('HTTP/2.0 request line', b'GET / HTTP/2.0\r\n' + H + b'\r\n', 505),
    ('version HTTP/1.10', b'GET / HTTP/1.10\r\n' + H + b'\r\n', 400),
    ('scheme other than HTTP', b'GET / HTTPS/1.1\r\n' + H + b'\r\n', 400),
    ('NUL in the target', b'GET /a\x00b HTTP/1.1\r\n' + H + b'\r\n', 400),
    ('raw non-ASCII in the target', b'GET /\xc3\xa9 HTTP/1.1\r\n' + H +
     b'\r\n', 400),
    ('bad percent escape', b'GET /a%zz HTTP/1.1\r\n' + H + b'\r\n', 400),
    ('request line of 10 KB', b'GET /' + b'a' * 10000 +
     b' HTTP/1.1\r\n' + H + b'\r\n', 414),
    ('header line of 10 KB', b'GET / HTTP/1.1\r\n' + H + b'X: ' +
     b'a' * 10000 + b'\r\n\r\n', 431),
    ('100 header lines', b'GET / HTTP/1.1\r\n' + H +
     b''.join(b'X-%d: 1\r\n' % i for i in range(100)) + b'\r\n', 431),
    ('body over max_content_length', b'POST /echo HTTP/1.1\r\n' + H +
     b'Content-Length: 999999\r\n\r\n', 413),
    ('TLS handshake on the HTTP port', b'\x16\x03\x01\x00\xa5\x01\x00',
     400),
    ('header injection by the app', b'GET /inject HTTP/1.1\r\n' + H +
     b'\r\n', 500),
    ('redirect to a location with CRLF', b'GET /redirect HTTP/1.1\r\n' + H +
     b'\r\n', 500),
]


def make_app():
    app = Microdot()

    @app.route('/')
    async def index(req):
        return 'ok'

    @app.post('/echo')
    async def echo(req):
        return req.body

    @app.route('/inject')
    async def inject(req):
        return 'x', {'X-A': 'a\r\nSet-Cookie: stolen=1'}

    @app.route('/redirect')
    async def redirect(req):
        return Response.redirect('/x\r\nSet-Cookie: stolen=1')

    @app.route('/secret')
    async def secret(req):
        return 'SECRET'
    return app


def test_attacks_get_their_answer_and_the_server_keeps_serving():
    results = []

    async def client(port):
        for name, data, expected in ATTACKS:
            r, w = await connect(port)
            await send(w, data)
            res = await read_response(r)
            await close(w)
            got = res[0] if res else None
            body = res[2] if res else b''
            results.append((name, expected, got, body))
        r, w = await connect(port)
        await send(w, b'GET / HTTP/1.1\r\n' + H + b'\r\n')
        final = await read_response(r)
        await close(w)
        return final
    saved = Request.max_content_length
    Request.max_content_length = 64 * 1024
    try:
        final = serve(make_app(), client)
    finally:
        Request.max_content_length = saved
    wrong = [(n, e, g) for n, e, g, b in results if e != g]
    assert not wrong, wrong
    for name, expected, got, body in results:
        assert b'Traceback' not in body and b'stolen' not in body, name
    assert final[0] == 200 and final[2] == b'ok'


def test_a_request_hidden_in_a_body_is_not_served():
    """The body of a request is never parsed as a request of its own."""
    smuggled = b'GET /secret HTTP/1.1\r\n' + H + b'\r\n'

    async def client(port):
        r, w = await connect(port)
        await send(w, b'POST /echo HTTP/1.1\r\n' + H +
                   b'Content-Length: %d\r\n\r\n' % len(smuggled) + smuggled +
                   b'GET / HTTP/1.1\r\n' + H + b'Connection: close\r\n\r\n')
        first = await read_response(r)
        second = await read_response(r)
        await close(w)
        return first, second
    first, second = serve(make_app(), client)
    assert first[0] == 200 and first[2] == smuggled  # echoed, not run
    assert second[2] == b'ok'  # the next real request, not /secret
