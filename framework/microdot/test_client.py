"""Drive an application in-process, without sockets, for tests."""
import asyncio
from microdot.helpers import json
from microdot.body import AsyncBytesIO  # noqa: F401 (Microdot's place)
from microdot.http import ProtocolError, NO_BODY
from microdot.request import Request
from microdot.response import Response


class TestResponse:
    """What the test client got back: ``status_code``, ``reason``,
    ``headers``, ``body`` (bytes), ``text``, ``json`` and, for
    ``text/event-stream`` responses, ``events``."""
    def __init__(self):
        self.status_code = None
        self.reason = None
        self.headers = {}
        self.body = None
        self.text = None
        self.json = None
        self.events = None

    def _mime(self):
        return self.headers.get('Content-Type', '').split(';')[0].strip()

    @classmethod
    async def create(cls, res, bodyless=False):
        r = cls()
        r.status_code = res.status_code
        r.reason = res.reason
        r.headers = res.headers
        if bodyless:  # HEAD, 1xx, 204, 304: what the wire would carry
            await res.aclose()
            if not res.is_head:
                r.body, r.text = b'', ''
            return r
        pieces = []
        it = res.body_iter()
        try:
            async for data in it:
                pieces.append(data.encode() if isinstance(data, str)
                              else data)
        except asyncio.CancelledError:
            pass
        await it.aclose()
        r.body = b''.join(pieces)  # joined once: no quadratic copying
        try:
            r.text = r.body.decode()
        except ValueError:
            pass
        mime = r._mime()
        if mime == 'application/json' and r.text is not None:
            r.json = json.loads(r.text)
        elif mime == 'text/event-stream':
            r.events = _parse_events(r.body)
        return r


def _parse_events(body):
    events = []
    for block in body.split(b'\n\n'):
        ev = {'data': None, 'data_json': None, 'event': None,
              'event_id': None, 'retry': None}
        for line in block.split(b'\n'):
            name, _, value = line.partition(b':')
            value = value.strip()
            if name == b'data':
                ev['data'] = value if ev['data'] is None \
                    else ev['data'] + b'\n' + value
            elif name == b'event':
                ev['event'] = value.decode()
            elif name == b'id':
                ev['event_id'] = value.decode()
            elif name == b'retry':
                ev['retry'] = int(value) / 1000
        if ev['data']:
            try:
                ev['data_json'] = json.loads(ev['data'])
            except ValueError:
                pass
            events.append(ev)
    return events


class TestClient:
    """Send requests straight to ``app``; cookies set by responses are
    kept and sent back, as a browser would."""
    __test__ = False  # not a pytest test class

    def __init__(self, app, cookies=None, scheme=None, host=None):
        self.app = app
        self.cookies = cookies or {}
        self.scheme = scheme
        self.host = host or 'example.com:1234'

    def _cookie_header(self, path):
        out = []
        for name, value in self.cookies.items():
            if isinstance(value, tuple):
                value, cpath = value
                if not path.startswith(cpath):
                    continue
            out.append(name + '=' + value)
        return '; '.join(out)

    def _update_cookies(self, res):
        for cookie in res.headers.get('Set-Cookie', []):
            name, _, rest = cookie.partition('=')
            parts = rest.split(';')
            path, delete = '/', False
            for opt in parts[1:]:
                key, _, val = opt.strip().lower().partition('=')
                if key == 'max-age':
                    try:
                        delete = int(val) <= 0
                    except ValueError:
                        delete = True
                elif key == 'expires' and '1 jan 1970' in val:
                    delete = True
                elif key == 'path':
                    path = val
            if delete:
                old = self.cookies.get(name)
                if old is not None and \
                        (old[1] if isinstance(old, tuple) else '/') == path:
                    del self.cookies[name]
            else:
                self.cookies[name] = parts[0] if path == '/' \
                    else (parts[0], path)

    def _render_request(self, method, path, headers, body):
        # the request as bytes on the wire (Microdot's name: some test
        # helpers override it)
        lines = [method + ' ' + path + ' HTTP/1.0']
        if 'Host' not in headers:
            lines.append('Host: ' + self.host)
        for name, value in headers.items():
            lines.append(name + ': ' + str(value))
        return ('\r\n'.join(lines) + '\r\n\r\n').encode() + body

    async def request(self, method, path, headers=None, body=None,
                      sock=None):
        headers = dict(headers or {})
        if body is None:
            body = b''
        elif isinstance(body, (dict, list)):
            body = json.dumps(body)
            headers.setdefault('Content-Type', 'application/json')
        if isinstance(body, str):
            body = body.encode()
        if body and 'Content-Length' not in headers:
            headers['Content-Length'] = str(len(body))
        cookies = self._cookie_header(path)
        if cookies:
            headers['Cookie'] = headers['Cookie'] + '; ' + cookies \
                if 'Cookie' in headers else cookies
        raw = self._render_request(method, path, headers, body)
        if sock:
            reader, writer = sock
            reader.buffer = raw
        else:
            reader, writer = AsyncBytesIO(raw), AsyncBytesIO(b'')
        try:
            req = await Request.create(self.app, reader, writer,
                                       ('127.0.0.1', 1234),
                                       scheme=self.scheme)
        except ProtocolError as exc:
            res = await self.app.protocol_error_response(exc)
        else:
            res = await self.app.dispatch_request(req)
        if res is Response.already_handled:
            return TestResponse()
        framing = res.complete()
        self._update_cookies(res)
        return await TestResponse.create(res, framing == NO_BODY)

    async def get(self, path, headers=None):
        return await self.request('GET', path, headers=headers)

    async def post(self, path, headers=None, body=None):
        return await self.request('POST', path, headers=headers, body=body)

    async def put(self, path, headers=None, body=None):
        return await self.request('PUT', path, headers=headers, body=body)

    async def patch(self, path, headers=None, body=None):
        return await self.request('PATCH', path, headers=headers, body=body)

    async def delete(self, path, headers=None):
        return await self.request('DELETE', path, headers=headers)

    async def query(self, path, headers=None, body=None):
        return await self.request('QUERY', path, headers=headers, body=body)

    async def websocket(self, path, client, headers=None):
        """Open a WebSocket on ``path`` and talk to it through ``client``,
        a generator function (sync or async) whose every yield sends one
        message and receives the server's next one; when it returns, the
        client closes the connection."""
        ws_headers = {
            'Upgrade': 'websocket',
            'Connection': 'Upgrade',
            'Sec-WebSocket-Version': '13',
            'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        }
        ws_headers.update(headers or {})
        sock = _WebSocketPeer(client())
        return await self.request('GET', path, headers=ws_headers,
                                  sock=(sock, sock))


class _WebSocketPeer:
    """The client end of a test WebSocket: it reads the request, then
    masked frames made from the client generator's messages."""
    def __init__(self, gen):
        self.gen = gen
        self.buffer = b''
        self.upgraded = False
        self.started = False
        self.done = False

    async def _next(self, data=None):
        from microdot.websocket import WebSocket, encode_frame
        if not self.started:
            self.started, data = True, None
        try:
            gen = self.gen
            msg = await gen.asend(data) if hasattr(gen, 'asend') \
                else gen.send(data)
        except (StopIteration, StopAsyncIteration):
            self.done = True
            return encode_frame(WebSocket.CLOSE, b'\x03\xe8', b'mask')
        return encode_frame(
            WebSocket.TEXT if isinstance(msg, str) else WebSocket.BINARY,
            msg, b'mask')

    async def read(self, n=-1):
        if not self.buffer and self.upgraded and not self.done:
            self.buffer = await self._next()
        data = self.buffer[:n]
        self.buffer = self.buffer[n:]
        return data

    async def awrite(self, data):
        if not self.upgraded:
            self.upgraded = data.startswith(b'HTTP/1.1 101 ')
            return
        opcode, n = data[0] & 0x0f, data[1] & 0x7f
        if opcode not in (1, 2) or self.done:
            return
        start = 2 if n < 126 else 4 if n == 126 else 10
        msg = data[start:]
        self.buffer += await self._next(msg.decode() if opcode == 1
                                        else bytes(msg))

    async def aclose(self):
        pass


def __getattr__(name):
    # Microdot's test_client module has the WebSocket class in its
    # namespace; loaded only when asked for
    if name == 'WebSocket':
        from microdot.websocket import WebSocket
        return WebSocket
    raise AttributeError(name)
