"""HTTP/1.x protocol logic: parsing and checking of request heads, body
framing (Content-Length and chunked), URL coding and the containers for
headers and form data.

Nothing here opens, accepts or closes a socket.  ``Reader`` and ``Body`` read
from any object with an async ``read(n)`` method, so every rule can be tested
on plain bytes.
"""


class ProtocolError(ValueError):
    """A request that breaks HTTP; ``status`` is the 4xx/5xx to answer."""
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


# One string instead of a dict: frozen into flash, it costs no RAM.
_REASONS = ('\n100 Continue\n101 Switching Protocols\n201 Created'
            '\n204 No Content\n206 Partial Content\n301 Moved Permanently'
            '\n302 Found\n303 See Other\n304 Not Modified'
            '\n307 Temporary Redirect\n308 Permanent Redirect'
            '\n400 Bad Request\n401 Unauthorized\n403 Forbidden'
            '\n404 Not Found\n405 Method Not Allowed\n408 Request Timeout'
            '\n413 Content Too Large\n414 URI Too Long'
            '\n415 Unsupported Media Type\n416 Range Not Satisfiable'
            '\n429 Too Many Requests\n431 Request Header Fields Too Large'
            '\n500 Internal Server Error\n501 Not Implemented'
            '\n503 Service Unavailable\n505 HTTP Version Not Supported\n')


def reason_phrase(status):
    if status == 200:
        return 'OK'
    i = _REASONS.find('\n%d ' % status)
    if i < 0:
        return 'N/A'
    return _REASONS[i + 5:_REASONS.find('\n', i + 5)]


_HEX = b'0123456789abcdefABCDEF'


def is_token(s):
    """True for an RFC 9110 token (method and header names)."""
    for c in s:
        if c <= ' ' or c >= '\x7f' or c in '"(),/:;<=>?@[\\]{}':
            return False
    return s != ''


def urldecode(s):
    """Decode ``%XX`` escapes and ``+`` in a query string or form value.

    Like Microdot, a ``%`` not followed by anything (``%%``, or at the end)
    is kept as is; any other bad escape or invalid UTF-8 is a 400 error.
    """
    if isinstance(s, str):
        if '%' not in s and '+' not in s:
            return s
        s = s.encode()
    s = s.replace(b'+', b' ')
    if b'%' in s:
        parts = s.split(b'%')
        out = bytearray(parts[0])
        for p in parts[1:]:
            if not p:
                out += b'%'
            elif len(p) > 1 and p[0] in _HEX and p[1] in _HEX:
                out.append(int(p[:2], 16))
                out += p[2:]
            else:
                raise ProtocolError(400, 'Bad percent-encoding')
        s = bytes(out)
    try:
        return s.decode()
    except UnicodeError:
        raise ProtocolError(400, 'Bad UTF-8 in URL')


class NoCaseDict(dict):
    """A dict with case-insensitive string keys that remembers the spelling
    a key was first stored with (so it compares equal to a plain dict)."""
    def __init__(self, initial_dict=None):
        super().__init__()
        self.keymap = {}
        if initial_dict:
            self.update(initial_dict)

    def _key(self, key):
        return self.keymap.get(key.lower(), key)

    def __setitem__(self, key, value):
        kl = key.lower()
        key = self.keymap.setdefault(kl, key)
        super().__setitem__(key, value)

    def __getitem__(self, key):
        return super().__getitem__(self._key(key))

    def __delitem__(self, key):
        kl = key.lower()
        super().__delitem__(self.keymap.pop(kl, key))

    def __contains__(self, key):
        return self._key(key) in self.keys()

    def get(self, key, default=None):
        return super().get(self._key(key), default)

    def update(self, other):
        for key, value in other.items():
            self[key] = value


class MultiDict(dict):
    """A dict that keeps every value given for a key (query strings and
    forms); indexing returns the first, ``getlist()`` all of them."""
    def __init__(self, initial_dict=None):
        super().__init__()
        if initial_dict:
            for key, value in initial_dict.items():
                self[key] = value

    def __setitem__(self, key, value):
        if key in self:
            super().__getitem__(key).append(value)
        else:
            super().__setitem__(key, [value])

    def __getitem__(self, key):
        return super().__getitem__(key)[0]

    def get(self, key, default=None, type=None):
        if key not in self:
            return default
        value = self[key]
        return value if type is None else type(value)

    def getlist(self, key, type=None):
        if key not in self:
            return []
        values = super().__getitem__(key)
        return list(values) if type is None else [type(v) for v in values]


def parse_urlencoded(data):
    """Parse ``a=1&b=2&a=3`` (str or bytes) into a ``MultiDict``."""
    md = MultiDict()
    sep, eq = ('&', '=') if isinstance(data, str) else (b'&', b'=')
    for pair in data.split(sep):
        if pair:
            k, _, v = pair.partition(eq)
            md[urldecode(k)] = urldecode(v) if v else ''
    return md


def parse_cookies(header):
    cookies = {}
    for cookie in header.split(';'):
        name, _, value = cookie.strip().partition('=')
        cookies[name] = value
    return cookies


def parse_request_line(line):
    """``b'GET /path HTTP/1.1'`` -> ``('GET', '/path', '1.1')``."""
    try:
        line = line.decode()
    except UnicodeError:
        raise ProtocolError(400, 'Bad request line')
    parts = line.split(' ')
    if len(parts) != 3 or not is_token(parts[0]):
        raise ProtocolError(400, 'Bad request line')
    method, target, version = parts
    if not target or (target[0] != '/' and target != '*' and
                      not target.startswith(('http://', 'https://'))):
        raise ProtocolError(400, 'Bad request target')
    for c in target:
        if c <= ' ' or c == '\x7f':
            raise ProtocolError(400, 'Bad request target')
    if len(version) != 8 or not version.startswith('HTTP/') or \
            version[6] != '.' or not version[5].isdigit() or \
            not version[7].isdigit():
        raise ProtocolError(400, 'Bad HTTP version')
    if version[5] != '1':
        raise ProtocolError(505, 'HTTP version not supported')
    return method, target, version[5:]


def parse_header(line):
    """``b'Name: value'`` -> ``('Name', 'value')``; rejects obsolete line
    folding, whitespace before the colon and control characters."""
    if line[0] in b' \t':
        raise ProtocolError(400, 'Obsolete line folding')
    try:
        line = line.decode()
    except UnicodeError:
        raise ProtocolError(400, 'Bad header encoding')
    name, colon, value = line.partition(':')
    if not colon or not is_token(name):
        raise ProtocolError(400, 'Bad header')
    value = value.strip(' \t')
    if '\r' in value or '\x00' in value:
        raise ProtocolError(400, 'Bad header value')
    return name, value


def add_header(headers, name, value):
    """Store a header, merging repeats the way RFC 9110 allows; repeats that
    would make the request ambiguous are errors."""
    if name not in headers:
        headers[name] = value
        return
    ln = name.lower()
    if ln == 'content-length':
        if headers[name] != value:
            raise ProtocolError(400, 'Conflicting Content-Length')
    elif ln == 'host':
        raise ProtocolError(400, 'Repeated Host')
    elif ln == 'cookie':
        headers[name] += '; ' + value
    else:
        headers[name] += ', ' + value


def check_head(headers, version):
    """Validate framing headers; return ``(content_length, chunked)``."""
    host = headers.get('Host')
    if host is not None:
        for c in host:
            if c <= ' ' or c in '/\\@?#"<>{}|^`\x7f':
                raise ProtocolError(400, 'Bad Host')
    te = headers.get('Transfer-Encoding')
    cl = headers.get('Content-Length')
    if te is not None:
        if cl is not None:
            raise ProtocolError(400, 'Content-Length with Transfer-Encoding')
        if version == '1.0':
            raise ProtocolError(400, 'Transfer-Encoding in HTTP/1.0')
        if te.lower() != 'chunked':
            raise ProtocolError(501, 'Unsupported Transfer-Encoding')
        return 0, True
    if cl is None:
        return 0, False
    if not cl.isdigit() or len(cl) > 15:
        raise ProtocolError(400, 'Bad Content-Length')
    return int(cl), False


def connection_tokens(headers):
    return [t.strip().lower()
            for t in headers.get('Connection', '').split(',')]


async def _exactly(stream, n):
    # readexactly() for Reader and Body
    out = b''
    while len(out) < n:
        data = await stream.read(n - len(out))
        if not data:
            raise EOFError('connection closed')
        out += data
    return out


class Reader:
    """Buffered reader for one connection.

    Lines are checked against their limit as bytes arrive, so an endless
    line costs at most ``limit`` bytes of RAM before it is refused.  Bytes
    read past the current request stay buffered for the next one
    (pipelining).  ``conn`` (optional) is the server's connection, whose
    ``read_timeout`` bounds each body read.
    """
    chunk = 512

    def __init__(self, stream, conn=None):
        self.s = stream
        self.buf = b''
        self.pos = 0
        self.conn = conn

    async def fill(self):
        data = await self.s.read(self.chunk)
        if not data:
            return False
        self.buf = self.buf[self.pos:] + data if self.buffered() else data
        self.pos = 0
        return True

    def buffered(self):
        return len(self.buf) - self.pos

    async def line(self, limit, status):
        """Next line without its line ending (CRLF or bare LF), or None at
        end of stream; a line over ``limit`` raises ``status``."""
        while True:
            buf, pos = self.buf, self.pos
            i = buf.find(b'\n', pos)
            if i >= 0 and i - pos <= limit:
                self.pos = i + 1
                return buf[pos:i - 1 if i > pos and buf[i - 1] == 13 else i]
            if i >= 0 or len(buf) - pos > limit:
                raise ProtocolError(status, 'Line too long')
            if not await self.fill():
                if self.buffered():
                    raise ProtocolError(400, 'Incomplete line')
                return None

    async def read(self, n):
        if not self.buffered():
            return await self.s.read(n)  # large reads bypass the buffer
        start = self.pos
        self.pos = min(start + n, len(self.buf))
        return self.buf[start:self.pos]

    readexactly = _exactly


class Body:
    """A request body as a stream: reads stop at the end of the body, chunked
    coding is decoded, and ``Expect: 100-continue`` is answered on the first
    read."""
    max_chunk_line = 256

    def __init__(self, reader, length=0, chunked=False, limit=0, writer=None):
        self.rd = reader
        self.left = length      # bytes left in the body, or in this chunk
        self.chunked = chunked
        self.limit = limit      # most bytes a chunked body may carry
        self.total = 0
        self.done = not chunked and not length
        self.writer = writer    # set while a 100 Continue is owed
        self.pre = b''          # bytes already read ahead

    async def read(self, n=-1):
        if n < 0:
            out = b''
            while True:
                data = await self.read(4096)
                if not data:
                    return out
                out += data
        c = self.rd and self.rd.conn
        if not c:
            return await self._read(n)
        c.arm(c.read_timeout)  # the server's watchdog enforces it
        try:
            return await self._read(n)
        finally:
            c.deadline = None

    async def _read(self, n):
        if self.pre:
            data, self.pre = self.pre[:n], self.pre[n:]
            return data
        if self.writer is not None:
            w, self.writer = self.writer, None
            await w.awrite(b'HTTP/1.1 100 Continue\r\n\r\n')
        rd = self.rd
        if self.chunked and not self.left and not self.done:
            if self.total and await rd.line(1, 400) != b'':
                raise ProtocolError(400, 'Bad chunk ending')
            line = await rd.line(self.max_chunk_line, 400)
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
        if self.done or not n:
            return b''
        data = await rd.read(min(n, self.left))
        if not data:
            raise EOFError('connection closed')
        self.left -= len(data)
        self.done = not self.left and not self.chunked
        return data

    readexactly = _exactly

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
        ``most`` bytes remain (the connection must then close)."""
        if self.writer is not None:
            return False  # the client waits for 100 Continue: never sent
        while not self.done:
            most -= len(await self.read(1024))
            if most < 0:
                return False
        return True
