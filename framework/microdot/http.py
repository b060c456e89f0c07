"""HTTP/1.x protocol logic: parsing and checking of request heads, the
framing of responses and the keep-alive decision, as functions of bytes and
headers.

Nothing here opens, accepts or closes a socket.  ``Reader`` (and the
request ``Body`` of ``microdot.body``) read from any object with an async
``read(n)`` method, so every rule can be tested on plain bytes.
"""
from microdot.helpers import READ_SIZE


class ProtocolError(ValueError):
    """A request that breaks HTTP; ``status`` is the 4xx/5xx to answer."""
    def __init__(self, status, reason):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def reason_phrase(status):
    if status == 200:
        return 'OK'
    try:
        from microdot.reasons import reason  # the table loads on first use
    except MemoryError:
        return 'Error'  # no room for the table now; the status says it
    return reason(status)


#: the characters of a hexadecimal number (percent-encoding, chunk sizes)
HEXDIGITS = '0123456789abcdefABCDEF'


def _any_of(chars, b):
    """True if the bytes ``b`` hold any of the bytes ``chars``."""
    for c in chars:
        if c in b:
            return True
    return False


def has_ctl(s):
    """True if the str ``s`` holds CR, LF or NUL: in a header value, it
    would let the text end the header and start another."""
    return '\r' in s or '\n' in s or '\x00' in s


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

    def __setitem__(self, key, value):
        super().__setitem__(self.keymap.setdefault(key.lower(), key), value)

    def __getitem__(self, key):
        value = super().get(key, _NO)
        if value is _NO:
            return super().__getitem__(self.keymap.get(key.lower(), key))
        return value

    def __delitem__(self, key):
        super().__delitem__(self.keymap.pop(key.lower(), key))

    def __contains__(self, key):
        return self.get(key, _NO) is not _NO

    def get(self, key, default=None):
        value = super().get(key, _NO)
        if value is _NO:
            if not self:
                return default  # (a response's own headers, often)
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
            if p and p[0] != '%' and (len(p) < 2 or p[0] not in HEXDIGITS or
                                      p[1] not in HEXDIGITS):
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
    elif host:
        b = host.encode()
        if min(b) < 33 or max(b) > 126:
            return 'Bad Host'
        r = b.replace(b'.', b'').replace(b':', b'')
        # the usual address or name is settled in C
        if not r.isdigit() and not r.isalpha() and \
                _any_of(b'/\\@?#"<>{}|^`', b):
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


def connection_tokens(headers):
    value = headers.get('Connection')
    return [t.strip().lower() for t in value.split(',')] if value else ()


def wants_keep_alive(version, headers):
    """Whether the client asks to keep the connection open after this
    request: HTTP/1.1 unless it says ``close``, HTTP/1.0 only when it says
    ``keep-alive``."""
    tokens = connection_tokens(headers)
    return 'close' not in tokens and \
        (version != '1.0' or 'keep-alive' in tokens)


# How a response body goes on the wire (``response_framing``).
NO_BODY = 0      # nothing after the head (HEAD, 1xx, 204, 304)
LENGTH = 1       # exactly Content-Length bytes
CHUNKED = 2      # chunked transfer coding
UNTIL_CLOSE = 3  # the body ends when the connection closes


def response_framing(version, status, head, headers, size, keep):
    """Decide how a response goes on the wire, from facts alone (after
    h11's ``_body_framing``).  ``version``: the request's ``'1.0'`` or
    ``'1.1'``; ``head``: the request was HEAD; ``headers``: the response's
    own; ``size``: the body's length when known, else None; ``keep``:
    whether the request and the server allow the connection to stay open.

    Returns ``(lines, framing, keep)``: the header lines to add to the
    response's own (Content-Length, Transfer-Encoding, Connection), one of
    ``NO_BODY``, ``LENGTH``, ``CHUNKED``, ``UNTIL_CLOSE``, and whether the
    connection stays open after it."""
    lines = []
    cl = headers.get('Content-Length')
    conn = headers.get('Connection')
    if keep and conn and 'close' in connection_tokens(headers):
        keep = False
    if head or status < 200 or status == 204 or status == 304:
        framing = NO_BODY
        # a HEAD answer shows the length a GET would get (RFC 9110, 8.6);
        # 1xx and 204 never carry one
        if head and cl is None and size is not None and status != 304:
            lines.append('Content-Length: %d' % size)
    elif cl is not None:
        framing = LENGTH
        if size is not None and str(size) != str(cl):
            # the app's length is wrong: send what there is, then close
            framing, keep = UNTIL_CLOSE, False
    elif size is not None:
        framing = LENGTH
        lines.append('Content-Length: %d' % size)
    elif keep and version != '1.0':
        framing = CHUNKED
        lines.append('Transfer-Encoding: chunked')
    else:
        framing, keep = UNTIL_CLOSE, False
    if conn is None:
        if version != '1.0' and not keep:
            lines.append('Connection: close')
        elif version == '1.0' and keep:
            lines.append('Connection: keep-alive')
    return lines, framing, keep


class Reader:
    """Buffered reader for one connection.

    Lines are checked against their limit as bytes arrive, so an endless
    line costs at most ``limit`` bytes of RAM before it is refused.  Bytes
    read past the current request stay buffered for the next one
    (pipelining).  ``body`` is the request body being read from it, if
    any (a ``microdot.body.Body``).
    """
    chunk = READ_SIZE   # bytes asked of the stream at a time
    body = None

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


_date = [None, None]  # the second the Date line below was made for, and it
_now = getattr(__import__('time'), 'time', None)  # looked up once


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
    if t is None:
        if _now is None:
            return None  # a port with no clock at all (QEMU's)
        t = int(_now())
    if t != _date[0]:
        import time
        _date[0] = t
        t = time.gmtime(t) if hasattr(time, 'gmtime') else (0,)
        _date[1] = _date_line(t) if t[0] >= 2025 else None
    return _date[1]
