"""Run an application under a WSGI server (gunicorn, uWSGI, waitress...):
CPython only.  ``from microdot.wsgi import Microdot`` instead of
``from microdot import Microdot``.  WSGI itself has no WebSocket: under
gunicorn, a WebSocket runs on the connection's own socket."""
import asyncio
import os
import signal
import threading
# the names an app imports from here, as from Microdot's module
from microdot import Microdot as BaseMicrodot, Request, Response, abort, \
    redirect, send_file, URLPattern, iscoroutine, NoCaseDict, \
    HTTPException  # noqa: F401
from microdot.helpers import MUTED_SOCKET_ERRORS  # noqa: F401
from microdot.http import ProtocolError, add_header, check_host, \
    NO_BODY
from microdot.body import AsyncBytesIO  # noqa: F401
from microdot.websocket import WebSocket, with_websocket, \
    websocket_upgrade  # noqa: F401


class _Input:
    def __init__(self, f, left):
        self.f = f
        self.left = left

    async def read(self, n=-1):
        n = self.left if n < 0 else min(n, self.left)
        data = self.f.read(n) if n else b''
        self.left -= len(data)
        return data

    async def readexactly(self, n):
        return await self.read(n)

    async def readline(self):
        data = self.f.readline(self.left)
        self.left -= len(data)
        return data


class Microdot(BaseMicrodot):
    """An application that is also a WSGI callable."""
    def __init__(self):
        super().__init__()
        self._local = threading.local()

    def _loop(self):
        # each server thread runs the app's coroutines on a loop of its own
        loop = getattr(self._local, 'loop', None)
        if loop is None:
            loop = self._local.loop = asyncio.new_event_loop()
        return loop

    def __call__(self, environ, start_response):
        # through the attribute, so that middleware can wrap it:
        # app.wsgi_app = Middleware(app.wsgi_app)
        return self.wsgi_app(environ, start_response)

    def wsgi_app(self, environ, start_response):
        """The WSGI application."""
        loop = self._loop()
        try:
            req = self._request(environ, loop)
        except ProtocolError as exc:
            res = loop.run_until_complete(self.protocol_error_response(exc))
        else:
            try:
                res = loop.run_until_complete(self.dispatch_request(req))
            finally:
                if req.sock[1] is not None:
                    loop.run_until_complete(_end_raw(
                        req.sock[1], environ['gunicorn.socket'],
                        res is Response.already_handled))
        if res is Response.already_handled:
            # the WebSocket ran and ended on the socket: the server's own
            # answer now goes nowhere (the socket is shut down)
            start_response('101 Switching Protocols', [])
            return []
        framing = res.complete()
        head = []
        for name, value in res.headers.items():
            for v in value if isinstance(value, list) else (value,):
                head.append((name, str(v)))
        from microdot.http import reason_phrase
        start_response('%d %s' % (res.status_code, res.reason or
                                  reason_phrase(res.status_code)), head)
        if framing == NO_BODY:
            loop.run_until_complete(res.aclose())
            return []
        return _Body(res, loop)

    def _request(self, environ, loop):
        headers = NoCaseDict()
        for key, value in environ.items():
            if key.startswith('HTTP_'):
                name = key[5:].replace('_', '-')
            elif key in ('CONTENT_TYPE', 'CONTENT_LENGTH') and value:
                name = key.replace('_', '-')
            else:
                continue
            add_header(headers, (name + ': ' + value).encode('latin-1'))
        url = environ.get('RAW_URI') or environ.get('REQUEST_URI')
        if not url:
            from urllib.parse import quote
            url = quote(environ.get('SCRIPT_NAME', '') +
                        environ.get('PATH_INFO', '/'))
            if environ.get('QUERY_STRING'):
                url += '?' + environ['QUERY_STRING']
        length = headers.get('Content-Length') or '0'
        if not length.isdigit():
            raise ProtocolError(400, 'Bad Content-Length')
        length = int(length)
        stream = _Input(environ['wsgi.input'], length)
        body = b''
        if length <= Request.max_body_length:
            body = environ['wsgi.input'].read(length) if length else b''
            stream = None
        addr = (environ.get('REMOTE_ADDR', '0.0.0.0'),
                int(environ.get('REMOTE_PORT') or 0))
        version = environ.get('SERVER_PROTOCOL', 'HTTP/1.1')
        sock = (None, None)
        raw = environ.get('gunicorn.socket')
        if raw is not None and 'HTTP_UPGRADE' in environ:
            # a WebSocket talks on the client's socket itself, as in
            # Microdot (gunicorn hands it over in the environ)
            sock = loop.run_until_complete(_open_raw(raw))
        req = Request(self, addr, environ['REQUEST_METHOD'], url, version,
                      headers, body=body, stream=stream, sock=sock,
                      scheme=environ.get('wsgi.url_scheme'))
        req.environ = environ
        # a repeated or malformed Host (the server answers for the rest)
        if Request.strict:
            req.refused = check_host(headers, '1.0')
        return req

    def shutdown(self):
        """Ask the WSGI server to stop (it gets SIGTERM)."""
        os.kill(os.getpid(), signal.SIGTERM)

    def run(self, host='0.0.0.0', port=5000, debug=False, **options):
        """Serve with the standard library's WSGI server (development
        only; use gunicorn or similar in production)."""
        from wsgiref.simple_server import make_server
        make_server(host, port, self).serve_forever()


async def _open_raw(raw):
    # a duplicate of the socket, so closing ours leaves gunicorn's open
    from microdot.streams import StreamConn
    reader, writer = await asyncio.open_connection(sock=raw.dup())
    conn = StreamConn(reader, writer, 0)
    return conn, conn


async def _end_raw(conn, raw, upgraded):
    await conn.aclose()
    if upgraded:
        import socket
        try:
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    else:
        # asyncio made the shared socket non-blocking: gunicorn writes
        # the answer to a refused upgrade as usual
        raw.settimeout(raw.gettimeout())


class _Body:
    # the response body as the WSGI iterable, pulled through the loop
    def __init__(self, res, loop):
        self.it = res.body_iter()
        self.res = res
        self.loop = loop

    def __iter__(self):
        return self

    def __next__(self):
        try:
            data = self.loop.run_until_complete(self.it.__anext__())
        except StopAsyncIteration:
            raise StopIteration
        return data.encode() if isinstance(data, str) else data

    def close(self):
        self.loop.run_until_complete(self.res.aclose())
