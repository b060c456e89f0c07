"""WebSocket (RFC 6455) endpoints: ``@with_websocket`` or
``websocket_upgrade(request)``.

Frames are read straight from the connection, one at a time; a message is
held in RAM only once, up to ``WebSocket.max_message_length``.
"""
import binascii
from microdot.app import abort
from microdot.helpers import wraps, json, print_exception, \
    is_disconnect, iscoroutine, MUTED_SOCKET_ERRORS  # noqa: F401
from microdot.request import Request
from microdot.response import Response

_GUID = b'258EAFA5-E914-47DA-95CA-C5AB0DC85B11'


def encode_frame(opcode, payload, mask=None):
    """One final frame of ``opcode`` carrying ``payload`` (str or bytes),
    masked with the 4 bytes ``mask`` if given (a client's frames are)."""
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head = bytes((0x80 | opcode, bit | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, bit | 126)) + n.to_bytes(2, 'big')
    else:
        head = bytes((0x80 | opcode, bit | 127)) + n.to_bytes(8, 'big')
    if mask:
        payload = bytearray(payload)
        _unmask(payload, mask)
        return head + mask + payload
    return head + payload


class WebSocketError(Exception):
    """The connection is closed, or the peer broke the protocol."""


class WebSocket:
    """One WebSocket connection, handed to the handler as ``ws``."""
    CONT = 0
    TEXT = 1
    BINARY = 2
    CLOSE = 8
    PING = 9
    PONG = 10

    #: Largest message ``receive()`` accepts (fragments included); a larger
    #: one closes the connection with code 1009.  -1: use
    #: ``Request.max_body_length``; 0: no limit (then any client can make
    #: the server run out of memory).
    max_message_length = -1

    def __init__(self, request):
        self.request = request
        self.closed = False
        #: The close code the peer sent (or we sent on a protocol error).
        self.close_code = None
        self.close_reason = ''
        self.rd, self.w = request.sock if request else (None, None)

    async def handshake(self):
        """Check the upgrade request (400 if it is not one) and answer it
        with 101 Switching Protocols."""
        await self.w.awrite(
            b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'
            b'Connection: Upgrade\r\nSec-WebSocket-Accept: ' +
            self._handshake_response() + b'\r\n\r\n')
        # a server connection: long-lived now, each send bounded
        long_lived = getattr(self.w, 'long_lived', None)
        if long_lived is not None:
            long_lived(self.request.app.write_timeout)

    def _handshake_response(self):
        req = self.request
        h = req.headers
        key = h.get('Sec-WebSocket-Key', '')
        if req.method != 'GET' or \
                'upgrade' not in h.get('Connection', '').lower() or \
                h.get('Upgrade', '').lower() != 'websocket' or len(key) != 24:
            abort(400, 'Not a WebSocket request')
        if h.get('Sec-WebSocket-Version', '13') != '13':
            abort(426, 'WebSocket version 13 only')
        try:
            from hashlib import sha1
        except ImportError:
            print('WebSocket: this MicroPython image has no hashlib.sha1')
            abort(501, 'WebSocket needs hashlib.sha1, missing in this '
                  'firmware')
        return binascii.b2a_base64(
            sha1(key.encode() + _GUID).digest())[:-1]

    async def receive(self):
        """The next message: str for text, bytes for binary.  Pings are
        answered on the way.  Raises ``WebSocketError`` once the connection
        is closed."""
        limit = self.max_message_length
        if limit < 0:
            limit = Request.max_body_length
        msg = None
        kind = None
        while True:
            fin, opcode, payload = await self._read_frame(
                limit - len(msg) if msg and limit else limit)
            if opcode >= 8:
                send_opcode, data = self._process_websocket_frame(
                    opcode, payload)
                if send_opcode:
                    await self.send(data, send_opcode)
                continue
            if (opcode == self.CONT) != (msg is not None):
                await self._fail(1002, 'Unexpected continuation')
            if msg is None:
                kind, msg = opcode, payload
            else:
                msg += payload
            if fin:
                if kind == self.TEXT:
                    try:
                        return msg.decode()
                    except UnicodeError:
                        await self._fail(1007, 'Invalid UTF-8')
                return bytes(msg)

    def _process_websocket_frame(self, opcode, payload):
        # -> (opcode to answer with, data); CLOSE raises
        if opcode == self.TEXT:
            return None, payload.decode()
        if opcode == self.PING:
            return self.PONG, payload
        if opcode == self.CLOSE:
            code = int.from_bytes(payload[:2], 'big') if payload else 1005
            self.close_code = code
            self.close_reason = bytes(payload[2:]).decode('utf-8', 'ignore')
            raise WebSocketError('WebSocket closed by the client')
        if opcode == self.PONG:
            return None, None
        return None, payload

    async def send(self, data, opcode=None):
        """Send a message: str as text, bytes as binary, a dict or list as
        JSON text."""
        if isinstance(data, (dict, list)):
            data = json.dumps(data)
        if opcode is None:
            opcode = self.TEXT if isinstance(data, str) else self.BINARY
        frame = self._encode_websocket_frame(opcode, data)
        await self.w.awrite(frame)

    async def close(self, code=1000, reason=''):
        """Close the connection, telling the client why (once)."""
        if not self.closed:
            self.closed = True
            await self.send(code.to_bytes(2, 'big') + reason.encode(),
                            self.CLOSE)

    async def _fail(self, code, reason):
        self.close_code = code
        try:
            await self.close(code, reason)
        finally:
            raise WebSocketError(reason)

    @classmethod
    def _encode_websocket_frame(cls, opcode, payload, mask=None):
        # Microdot's name for it
        return encode_frame(opcode, payload, mask)

    async def _read_frame(self, limit):
        head = await self._read(2)
        b0, b1 = head[0], head[1]
        fin, opcode, n = b0 & 0x80, b0 & 0x0f, b1 & 0x7f
        if b0 & 0x70 or opcode in (3, 4, 5, 6, 7) or opcode > 10:
            await self._fail(1002, 'Unsupported frame')
        if opcode >= 8 and (not fin or n > 125):
            await self._fail(1002, 'Bad control frame')
        if not b1 & 0x80:
            await self._fail(1002, 'Client frames must be masked')
        if n >= 126:
            n = int.from_bytes(await self._read(2 if n == 126 else 8), 'big')
        if limit and n > limit and opcode < 8:
            await self._fail(1009, 'Message too large')
        mask = await self._read(4)
        payload = await self._read(n)
        _unmask(payload, mask)
        return fin, opcode, payload

    async def _read(self, n):
        buf = bytearray(n)  # the final size at once: no regrowth copies
        i = 0
        while i < n:
            data = await self.rd.read(n - i)
            if not data:
                self.closed = True
                raise WebSocketError('Connection lost')
            buf[i:i + len(data)] = data
            i += len(data)
        return buf


def _unmask(buf, mask):
    # XOR in place, 256 bytes at a time as big integers: C speed on both
    # runtimes, with allocations of a few hundred bytes at most.
    m = int.from_bytes(bytes(mask) * 64, 'big')
    n = len(buf)
    for i in range(0, n, 256):
        k = min(256, n - i)
        buf[i:i + k] = (int.from_bytes(buf[i:i + k], 'big') ^
                        (m >> (8 * (256 - k)))).to_bytes(k, 'big')


async def websocket_upgrade(request):
    """Accept a WebSocket upgrade from inside a route (for example after
    checking credentials) and return the ``WebSocket``; whatever the route
    then returns is not sent."""
    ws = getattr(request, 'websocket_class', WebSocket)(request)
    await ws.handshake()

    @request.after_request
    def _handled(request, response):
        return Response.already_handled

    return ws


def websocket_wrapper(f, upgrade_function):
    @wraps(f)
    async def wrapper(request, *args, **kwargs):
        ws = await upgrade_function(request)
        try:
            ret = f(request, ws, *args, **kwargs)
            if hasattr(ret, '__anext__'):  # an async generator: send each
                async for msg in ret:
                    await ws.send(msg)
            elif iscoroutine(ret):
                await ret
            elif hasattr(ret, '__next__'):  # a generator (CPython)
                for msg in ret:
                    await ws.send(msg)
        except WebSocketError:
            pass
        except OSError as exc:
            if not is_disconnect(exc):
                print_exception(exc)
        except Exception as exc:
            print_exception(exc)
            ws.close_code = 1011
        try:
            await ws.close(ws.close_code or 1000)
        except Exception:
            pass
        return Response.already_handled
    return wrapper


def with_websocket(f):
    """Decorator: the route becomes a WebSocket endpoint; the handler is
    called as ``f(request, ws, **url_args)``.  An async generator handler
    sends each value it yields."""
    return websocket_wrapper(f, websocket_upgrade)
