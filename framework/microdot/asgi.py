"""Run an application under an ASGI server (uvicorn, hypercorn...):
CPython only.  ``from microdot.asgi import Microdot`` instead of
``from microdot import Microdot``; the rest of the app is unchanged,
WebSocket and server-sent events included."""
import asyncio
import os
import signal
# the names an app imports from here, as from Microdot's module
from microdot import Microdot as BaseMicrodot, Request, Response, abort, \
    redirect, send_file, URLPattern, iscoroutine, NoCaseDict, \
    HTTPException  # noqa: F401
from microdot.helpers import print_exception, MUTED_SOCKET_ERRORS  # noqa
from microdot.http import ProtocolError, add_header, check_host, NO_BODY
from microdot.body import AsyncBytesIO  # noqa: F401
from microdot.websocket import WebSocket as BaseWebSocket, WebSocketError, \
    with_websocket, websocket_upgrade, websocket_wrapper  # noqa: F401


class _Body:
    # the request body from ASGI ``http.request`` messages, as a stream
    def __init__(self, receive):
        self.receive = receive
        self.buf = b''
        self.more = True

    async def _pull(self):
        # one more http.request message into the buffer
        msg = await self.receive()
        if not msg or msg['type'] == 'http.disconnect':
            self.more = False
            return
        self.buf += msg.get('body', b'')
        self.more = msg.get('more_body', False)

    async def read(self, n=-1):
        while self.more and (n < 0 or len(self.buf) < n):
            await self._pull()
        if n < 0:
            n = len(self.buf)
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    async def readexactly(self, n):
        return await self.read(n)

    async def readline(self):
        while self.more and b'\n' not in self.buf:
            await self._pull()
        i = self.buf.find(b'\n') + 1 or len(self.buf)
        data, self.buf = self.buf[:i], self.buf[i:]
        return data


class WebSocket(BaseWebSocket):
    """A WebSocket carried by ASGI ``websocket.*`` messages."""
    def __init__(self, request):
        super().__init__(request)
        self.receive_msg, self.send_msg = request.sock

    async def handshake(self):
        msg = await self.receive_msg()  # websocket.connect comes first
        if msg['type'] != 'websocket.connect':
            raise WebSocketError('WebSocket closed by the client')
        await self.send_msg({'type': 'websocket.accept'})

    async def receive(self):
        msg = await self.receive_msg()
        if msg['type'] == 'websocket.disconnect':
            self.closed = True
            self.close_code = msg.get('code')
            raise WebSocketError('WebSocket closed by the client')
        return msg['text'] if msg.get('text') is not None else msg['bytes']

    async def send(self, data, opcode=None):
        if isinstance(data, (dict, list)):
            import json
            data = json.dumps(data)
        await self.send_msg({'type': 'websocket.send', 'text': data}
                            if isinstance(data, str) else
                            {'type': 'websocket.send', 'bytes': bytes(data)})

    async def close(self, code=1000, reason=''):
        if not self.closed:
            self.closed = True
            await self.send_msg({'type': 'websocket.close', 'code': code,
                                 'reason': reason})


class Microdot(BaseMicrodot):
    """An application that is also an ASGI callable."""
    def __init__(self, lifespan_startup=None, lifespan_shutdown=None):
        super().__init__()
        self.lifespan_startup = lifespan_startup
        self.lifespan_shutdown = lifespan_shutdown

    async def __call__(self, scope, receive, send):
        # through the attribute, so that middleware can wrap it:
        # app.asgi_app = Middleware(app.asgi_app)
        return await self.asgi_app(scope, receive, send)

    async def asgi_app(self, scope, receive, send):
        """The ASGI application."""
        kind = scope['type']
        if kind == 'lifespan':
            return await self.handle_lifespan(scope, receive, send)
        if kind not in ('http', 'websocket'):
            return
        try:
            req = await self._request(scope, receive, send)
        except ProtocolError as exc:
            res = await self.protocol_error_response(exc)
        else:
            res = await self.dispatch_request(req)
        if kind == 'websocket':
            if res is not Response.already_handled:
                # refused before the upgrade (400, 401...)
                await send({'type': 'websocket.close', 'code': 1008})
            return
        await self._send_response(res, receive, send)

    async def handle_lifespan(self, scope, receive, send):
        """Answer the ASGI lifespan messages, calling ``lifespan_startup``
        and ``lifespan_shutdown``."""
        while True:
            msg = await receive()
            step = msg['type'].rpartition('.')[2]  # startup, shutdown
            hook = getattr(self, 'lifespan_' + step, None)
            try:
                if hook:
                    await hook(scope)
            except Exception as exc:
                await send({'type': 'lifespan.%s.failed' % step,
                            'message': repr(exc)})
            else:
                await send({'type': 'lifespan.%s.complete' % step})
            if step == 'shutdown':
                return

    async def _request(self, scope, receive, send):
        headers = NoCaseDict()
        for name, value in scope.get('headers', ()):
            add_header(headers, name + b': ' + value)
        path = scope.get('raw_path') or scope['path'].encode()
        url = path.decode('latin-1')
        if scope.get('query_string'):
            url += '?' + scope['query_string'].decode('latin-1')
        client = scope.get('client') or ('0.0.0.0', 0)
        body, stream = b'', None
        if scope['type'] == 'http':
            stream = _Body(receive)
            cl = headers.get('Content-Length')
            limit = Request.max_body_length
            if cl is None or int(cl) <= limit:
                body = await stream.read(limit + 1)
                if len(body) > limit:
                    stream.buf, body = body + stream.buf, b''
                else:
                    stream = None
        # 'HTTP/1.1', as Microdot's ASGI requests have it
        req = Request(self, tuple(client), scope.get('method', 'GET'), url,
                      'HTTP/' + scope.get('http_version', '1.1'), headers,
                      body=body,
                      stream=stream, sock=(receive, send),
                      scheme=scope.get('scheme'))
        req.asgi_scope = scope
        # a repeated or malformed Host (the server answers for the rest:
        # HTTP/2 has no Host header at all)
        if Request.strict:
            req.refused = check_host(headers, '1.0')
        if scope['type'] == 'websocket':
            req.websocket_class = WebSocket
        return req

    async def _send_response(self, res, receive, send):
        framing = res.complete()
        head = []
        for name, value in res.headers.items():
            for v in value if isinstance(value, list) else (value,):
                head.append((name.lower().encode(), str(v).encode()))
        await send({'type': 'http.response.start',
                    'status': res.status_code, 'headers': head})
        if framing == NO_BODY:
            await send({'type': 'http.response.body', 'body': b''})
            await res.aclose()
            return
        writer = asyncio.current_task()
        gone = []

        async def watch():
            # the client may leave during an endless stream (events)
            while True:
                msg = await receive()
                if not msg:
                    return  # a server that does not tell
                if msg['type'] == 'http.disconnect':
                    break
            gone.append(True)
            writer.cancel()
        monitor = asyncio.ensure_future(watch())
        try:
            async for data in res.body_iter():
                if isinstance(data, str):
                    data = data.encode()
                await send({'type': 'http.response.body', 'body': data,
                            'more_body': True})
            await send({'type': 'http.response.body', 'body': b''})
        except asyncio.CancelledError:
            if not gone:
                raise
        except Exception as exc:
            print_exception(exc)
        finally:
            monitor.cancel()
            await res.aclose()

    def shutdown(self):
        """Ask the ASGI server to stop (it gets SIGTERM)."""
        os.kill(os.getpid(), signal.SIGTERM)

    def run(self, host='0.0.0.0', port=5000, debug=False, **options):
        """Serve with uvicorn (``pip install uvicorn``)."""
        import uvicorn
        options.setdefault('access_log', debug)
        uvicorn.run(self, host=host, port=port, **options)
