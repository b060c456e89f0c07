"""HTTP/1.x protocol logic: parsing and checking of request heads, body
framing (Content-Length and chunked), URL coding and the containers for
headers and form data.

Nothing here opens, accepts or closes a socket.  ``Reader`` and ``Body`` read
from any object with an async ``read(n)`` method, so every rule can be tested
on plain bytes.
"""
from microdot.helpers import CPYTHON


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


_HEXS = '0123456789abcdefABCDEF'
_HEX = _HEXS.encode()


def _any_of(chars, b):
    """True if the bytes ``b`` hold any of the bytes ``chars``."""
    for c in chars:
        if c in b:
            return True
    return False


def bad_token(b):
    """True unless the bytes ``b`` are an RFC 9110 token (a method, a header
    name).  Checked as bytes, before decoding: ``min``/``max`` of bytes and
    ``isalpha`` run in C without a str per character."""
    # the usual name of letters and dashes is settled by one C call
    if b.replace(b'-', b'a').isalpha():
        return False
    if not b or max(b) > 126 or min(b) < 33:
        return True
    return _any_of(_SEPARATORS, b)


_SEPARATORS = b'"(),/:;<=>?@[\\]{}'


class NoCaseDict(dict):
    """A dict with case-insensitive string keys that remembers the spelling
    a key was first stored with (so it compares equal to a plain dict).

    ``keymap`` maps each lowercased key to its stored spelling.  A key asked
    for as stored (``'Content-Type'``, as clients and code usually spell
    it) is found at once, without lowercasing anything.
    """
    def __init__(self, initial_dict=None):
        super().__init__()
        self.keymap = {}
        if initial_dict:
            self.update(initial_dict)

    def _key(self, key):
        if super().get(key, _NO) is not _NO:
            return key
        return self.keymap.get(key.lower(), key)

    def __setitem__(self, key, value):
        super().__setitem__(self.keymap.setdefault(key.lower(), key), value)

    def __getitem__(self, key):
        return super().__getitem__(self._key(key))

    def __delitem__(self, key):
        super().__delitem__(self.keymap.pop(key.lower(), key))

    def __contains__(self, key):
        return super().get(self._key(key), _NO) is not _NO

    def get(self, key, default=None):
        value = super().get(key, _NO)
        if value is _NO:
            value = super().get(self.keymap.get(key.lower(), key), default)
        return value

    def setdefault(self, key, default=None):
        key = self.keymap.setdefault(key.lower(), key)
        value = super().get(key, _NO)
        if value is _NO:
            super().__setitem__(key, default)
            return default
        return value

    def update(self, other):
        for key, value in other.items():
            self[key] = value


_NO = NoCaseDict  # a value no header holds: "absent" to super().get()


def parse_cookies(header):
    cookies = {}
    for cookie in header.split(';'):
        name, _, value = cookie.strip().partition('=')
        cookies[name] = value  # "a=1;" gives '' too, as in Microdot
    return cookies


def parse_request_line(line):
    """``b'GET /path HTTP/1.1'`` -> ``('GET', '/path', '1.1')``."""
    parts = line.split(b' ')
    if len(parts) != 3:
        raise ProtocolError(400, 'Bad request line')
    method, target, version = parts
    # no controls or spaces in a target (raw UTF-8 is let through here:
    # check_host refuses it before the app, through its error handler)
    if (not method.isalpha() and bad_token(method)) or not target or \
            min(target) < 33 or 127 in target or (
                target[0] != 47 and target != b'*' and  # 47: '/'
                not target.startswith((b'http://', b'https://'))):
        raise ProtocolError(400, 'Bad request line')
    if len(version) != 8 or version[:5] != b'HTTP/' or version[6] != 46 \
            or not (version[5:6] + version[7:]).isdigit():
        raise ProtocolError(400, 'Bad HTTP version')
    if version[5] != 49:  # '1'
        raise ProtocolError(505, 'HTTP version not supported')
    try:
        target = target.decode()
    except UnicodeError:
        raise ProtocolError(400, 'Bad request line')
    if '%' in target:  # a % starts two hex digits (or, as in Microdot, a %)
        for p in target.split('%')[1:]:
            if p and p[0] != '%' and (len(p) < 2 or p[0] not in _HEXS or
                                      p[1] not in _HEXS):
                raise ProtocolError(400, 'Bad percent-encoding')
    return method.decode(), target, '1.1' if version[7] == 49 else \
        version[5:].decode()


def add_header(headers, line):
    """Parse ``b'Name: value'`` into ``headers``.  Refuses obsolete line
    folding, space before the colon and control characters; merges repeats
    the way RFC 9110 allows, refusing those that make a request ambiguous."""
    i = line.find(b':')
    name = line[:i]
    if i <= 0 or bad_token(name):
        raise ProtocolError(400, 'Bad header')
    value = line[i + 1:].strip(b' \t')
    if b'\r' in value or b'\x00' in value:
        raise ProtocolError(400, 'Bad header')
    try:
        name = name.decode()
        value = value.decode()
    except UnicodeError:
        raise ProtocolError(400, 'Bad header encoding')
    n = len(headers)
    old = headers.setdefault(name, value)
    if len(headers) > n:
        return  # the first of that name
    ln = name.lower()
    if ln == 'content-length':
        if old != value:
            raise ProtocolError(400, 'Conflicting Content-Length')
    else:  # a repeated Host too: check_host refuses the ", "
        headers[name] = old + ('; ' if ln == 'cookie' else ', ') + value


def check_host(headers, version, line=b''):
    """Why a well-framed request is refused before the app, or None: a
    missing (HTTP/1.1), repeated or malformed ``Host`` (RFC 9112, section
    3.2), or raw bytes outside ASCII in the request ``line`` (a URL
    is ASCII; browsers send UTF-8 percent-encoded)."""
    host = headers.get('Host')
    if host is None:
        if version != '1.0':
            return 'Missing Host'
    elif ', ' in host:
        return 'Repeated Host'
    elif host and _bad_host(host.encode()):
        return 'Bad Host'
    if line and max(line) > 126:
        return 'Bad request target'


def check_head(headers, version):
    """Validate framing headers; return ``(content_length, chunked)``."""
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


def _bad_host(b):
    if min(b) < 33 or max(b) > 126:
        return True
    r = b.replace(b'.', b'').replace(b':', b'')
    if r.isdigit() or r.isalpha():
        return False  # the usual address or name, settled in C
    return _any_of(b'/\\@?#"<>{}|^`', b)


def connection_tokens(headers):
    value = headers.get('Connection')
    return [t.strip().lower() for t in value.split(',')] if value else ()


async def _exactly(stream, n, strict=True):
    # readexactly() for Reader and Body; not strict: may end early at EOF
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


class Reader:
    """Buffered reader for one connection.

    Lines are checked against their limit as bytes arrive, so an endless
    line costs at most ``limit`` bytes of RAM before it is refused.  Bytes
    read past the current request stay buffered for the next one
    (pipelining).  The server's connection is a ``Reader`` whose
    ``read_timeout`` bounds each body read.
    """
    # Bytes asked of the socket at a time: small on a board, where a bigger
    # block may not be free in a fragmented heap.
    chunk = 4096 if CPYTHON else 256

    read_timeout = 0  # a server connection sets it (and has arm())

    def __init__(self, stream):
        self.s = stream
        self.buf = b''
        self.pos = 0

    async def _recv(self, n):
        return await self.s.read(n)

    async def fill(self, status=400):
        data = await self._recv(self.chunk)
        if not data:
            return False
        try:
            self.buf = self.buf[self.pos:] + data if self.buffered() \
                else data
        except MemoryError:
            # no room for a line this long: refuse it as too long
            raise ProtocolError(status, 'Line too long')
        self.pos = 0
        return True

    def buffered(self):
        return len(self.buf) - self.pos

    def take_line(self, limit, status):
        """The next buffered line without its line ending (CRLF or bare LF),
        or None until a whole one has arrived; a line over ``limit`` raises
        ``status``.  Not a coroutine: a request head usually arrives in one
        read, and its lines are taken without a coroutine each."""
        buf, pos = self.buf, self.pos
        i = buf.find(b'\n', pos)
        if i >= 0 and i - pos <= limit:
            self.pos = i + 1
            return buf[pos:i - 1 if i > pos and buf[i - 1] == 13 else i]
        if i >= 0 or len(buf) - pos > limit:
            raise ProtocolError(status, 'Line too long')

    async def line(self, limit, status):
        """Like ``take_line``, reading until a line is complete; None at
        end of stream."""
        while True:
            line = self.take_line(limit, status)
            if line is not None:
                return line
            if not await self.fill(status):
                if self.buffered():
                    raise ProtocolError(400, 'Incomplete line')
                return None

    async def read(self, n):
        if not self.buffered():  # large reads bypass the buffer
            return await self._recv(min(n, self.chunk))
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
        self.pre_pos = 0        # how many of them were handed out

    async def read(self, n=-1):
        if n < 0:
            out = b''
            while True:
                data = await self.read(4096)
                if not data:
                    return out
                out += data
        c = self.rd if self.rd and self.rd.read_timeout else None
        if c:
            c.arm(c.read_timeout)  # the server's watchdog enforces it
        try:
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
            if self.writer is not None:
                w, self.writer = self.writer, None
                await w.awrite(b'HTTP/1.1 100 Continue\r\n\r\n')
            if self.chunked and not self.left and not self.done:
                from microdot.chunked import next_chunk  # loaded when needed
                await next_chunk(self)
            if self.done or not n:
                return b''
            data = await self.rd.read(min(n, self.left))
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
        finally:
            if c:
                c.deadline = None

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


_date = [None, None]  # the second the Date line below was made for, and it


def _date_line(t):
    # 'Date: Sun, 06 Nov 1994 08:49:37 GMT' for a gmtime() tuple, made in
    # one allocation
    w, m = t[6] * 3, t[1] * 3
    return 'Date: %s, %02d %s %d %02d:%02d:%02d GMT' % (
        'MonTueWedThuFriSatSun'[w:w + 3], t[2],
        'JanFebMarAprMayJunJulAugSepOctNovDec'[m - 3:m], t[0], t[3], t[4],
        t[5])


def http_date(t):
    """``t`` (seconds since the epoch) as an HTTP date, ``Sun, 06 Nov 1994
    08:49:37 GMT``; None on a port without a calendar (no ``gmtime``)."""
    import time
    return _date_line(time.gmtime(t))[6:] if hasattr(time, 'gmtime') \
        else None


def date_line(t=None):
    """The ``Date`` header line for now (or time ``t``), made once a second;
    None before 2025: that is a clock nobody set (a board reads 2000-01-01
    until NTP or the app sets it), and no Date is better than a wrong one
    (RFC 9110, section 6.6.1)."""
    import time
    if t is None:
        if not hasattr(time, 'time'):
            return None  # a port with no clock at all (QEMU's)
        t = int(time.time())
    if t != _date[0]:
        _date[0] = t
        t = time.gmtime(t) if hasattr(time, 'gmtime') else (0,)
        _date[1] = _date_line(t) if t[0] >= 2025 else None
    return _date[1]
