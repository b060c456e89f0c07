"""Run an application under a WSGI server (gunicorn, uWSGI, waitress...):
CPython only.  ``from microdot.wsgi import Microdot`` instead of
``from microdot import Microdot``.  WSGI has no WebSocket."""
import asyncio
import os
import signal
import threading
from microdot.app import Microdot as BaseMicrodot
from microdot.http import NoCaseDict, ProtocolError, add_header
from microdot.request import Request
from microdot.response import Response


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
        loop = self._loop()
        try:
            req = self._request(environ)
        except (ProtocolError, ValueError) as exc:
            req = None
            res = Response(getattr(exc, 'reason', 'Bad request'),
                           getattr(exc, 'status', 400))
        else:
            res = loop.run_until_complete(self.dispatch_request(req))
        res.complete()
        head = []
        for name, value in res.headers.items():
            for v in value if isinstance(value, list) else (value,):
                head.append((name, str(v)))
        from microdot.http import reason_phrase
        start_response('%d %s' % (res.status_code, res.reason or
                                  reason_phrase(res.status_code)), head)
        if res.is_head or res.status_code in (204, 304):
            loop.run_until_complete(res.aclose())
            return []
        return _Body(res, loop)

    def _request(self, environ):
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
        length = int(headers.get('Content-Length') or 0)
        stream = _Input(environ['wsgi.input'], length)
        body = b''
        if length <= Request.max_body_length:
            body = environ['wsgi.input'].read(length) if length else b''
            stream = None
        addr = (environ.get('REMOTE_ADDR', '0.0.0.0'),
                int(environ.get('REMOTE_PORT') or 0))
        version = environ.get('SERVER_PROTOCOL', 'HTTP/1.1')
        return Request(self, addr, environ['REQUEST_METHOD'], url, version,
                       headers, body=body, stream=stream,
                       scheme=environ.get('wsgi.url_scheme'))

    def shutdown(self):
        """Ask the WSGI server to stop (it gets SIGTERM)."""
        os.kill(os.getpid(), signal.SIGTERM)

    def run(self, host='0.0.0.0', port=5000, debug=False, **options):
        """Serve with the standard library's WSGI server (development
        only; use gunicorn or similar in production)."""
        from wsgiref.simple_server import make_server
        make_server(host, port, self).serve_forever()


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
