"""Request bodies as streams: Content-Length and chunked (RFC 9112,
section 7.1) framing, read from a ``microdot.http.Reader``.

Loaded with the first request that has a body: most requests have none.
Nothing here writes or keeps time.  A body that the client sends only
after ``100 Continue`` says so in ``expects_continue`` until the first read
that needs the client's bytes; the reader it reads from (the server's
connection) writes the interim answer and bounds each read with its own
deadline.
"""
import io
from microdot.http import ProtocolError, HEXDIGITS

_HEX = HEXDIGITS.encode()


def expects_continue(version, headers):
    """True when the client waits for ``100 Continue`` before it sends the
    body (RFC 9110, section 10.1.1; an HTTP/1.0 client never waits)."""
    return version != '1.0' and \
        headers.get('Expect', '').lower() == '100-continue'


async def read_exactly(stream, n, strict=True):
    """``n`` bytes from ``stream`` (async ``read(n)``).  Strict: EOFError if
    it ends first; else what came before the end."""
    data = await stream.read(n)
    if len(data) == n or not data:
        if strict and len(data) < n:
            raise EOFError('connection closed')
        return data  # the usual case: one read, nothing to join
    # pieces joined once at the end: no quadratic copying, and no buffer
    # of the most that may come (a chunked body's limit) allocated ahead
    pieces = [data]
    got = len(data)
    while got < n:
        data = await stream.read(n - got)
        if not data:
            if strict:
                raise EOFError('connection closed')
            break
        pieces.append(data)
        got += len(data)
    return b''.join(pieces)


class Body:
    """A request body as a stream: reads stop at the end of the body and
    chunked coding is decoded.  ``limit``: most bytes a chunked body may
    carry (else 413)."""
    max_chunk_line = 256

    def __init__(self, reader, length=0, chunked=False, limit=0,
                 expect=False):
        self.rd = reader
        self.left = length      # bytes left in the body, or in this chunk
        self.chunked = chunked
        self.limit = limit
        self.total = 0
        self.done = not chunked and not length
        #: the client waits for ``100 Continue`` before sending the body
        self.expects_continue = expect
        self.pre = b''          # bytes already read ahead
        self.pre_pos = 0        # how many of them were handed out
        if reader is not None:
            reader.body = self

    async def read(self, n=-1):
        if n < 0:
            out = b''
            while True:
                data = await self.read(4096)
                if not data:
                    return out
                out += data
        if self.pre:
            # hand out the read-ahead bytes from a position, without
            # copying what is left on every read
            i = self.pre_pos
            data = self.pre[i:i + n]
            i += len(data)
            if i >= len(self.pre):
                self.pre, i = b'', 0
            self.pre_pos = i
            return data
        if self.chunked and not self.left and not self.done:
            await self._next_chunk()
        if self.done or not n:
            return b''
        data = await self.rd.read(min(n, self.left))
        self.expects_continue = False  # (the reader answered it)
        if not data:
            if self.chunked:  # no length to tell the app it's short
                raise ProtocolError(400, 'Incomplete chunked body')
            # the client sent less than it announced and stopped: the
            # app gets what came, then the end (as in Microdot)
            self.left, self.done = 0, True
            return data
        self.left -= len(data)
        self.done = not self.left and not self.chunked
        return data

    async def readexactly(self, n):
        return await read_exactly(self, n)

    async def readline(self):
        out = b''
        while out[-1:] != b'\n':
            data = await self.read(1)
            if not data:
                break
            out += data
        return out

    async def drain(self, most):
        """Read and drop what the app left unread; False when more than
        ``most`` bytes remain, or the client still waits for ``100
        Continue`` (the connection must then close)."""
        if self.expects_continue:
            return False
        while not self.done:
            most -= len(await self.read(1024))
            if most < 0:
                return False
        return True

    async def _next_chunk(self):
        # the next chunk-size line; the last chunk marks the body done
        rd = self.rd
        if self.total and await rd.line(1, 400) != b'':
            raise ProtocolError(400, 'Bad chunk ending')
        line = await rd.line(self.max_chunk_line, 400)
        self.expects_continue = False
        size = line.split(b';', 1)[0].strip() if line else b''
        if not size or len(size) > 8 or \
                [c for c in size if c not in _HEX]:
            raise ProtocolError(400, 'Bad chunk size')
        self.left = size = int(size, 16)
        self.total += size
        if self.total > self.limit:
            raise ProtocolError(413, 'Payload too large')
        if not size:
            while await rd.line(self.max_chunk_line, 400):
                pass  # trailers are read and dropped
            self.done = True


class AsyncBytesIO:
    """An in-memory byte stream with the async read API of a socket."""
    def __init__(self, data):
        self.stream = io.BytesIO(data)

    async def read(self, n=-1):
        return self.stream.read(n)

    async def readexactly(self, n):
        return self.stream.read(n)

    async def readline(self):
        return self.stream.readline()

    async def readuntil(self, separator=b'\n'):
        # BytesIO has no readuntil(): a line for b'\n', else byte by byte
        if separator == b'\n':
            return self.stream.readline()
        out = b''
        while not out.endswith(separator):
            c = self.stream.read(1)
            if not c:
                break
            out += c
        return out

    async def awrite(self, data):
        self.stream.write(data)

    async def aclose(self):
        pass
