"""``multipart/form-data`` (HTML forms with file uploads), streamed.

The body is read through a buffer of ``FormDataIter.buffer_size`` bytes
plus the boundary: an upload of any size goes to a file without ever being
in RAM whole.  Remember to raise ``Request.max_content_length`` for big
uploads.
"""
from microdot.body import read_exactly, AsyncBytesIO
from microdot.http import ProtocolError
from microdot.helpers import READ_SIZE, wraps, invoke_handler, iscoroutine
from microdot.request import Request


class FormDataIter:
    """``async for name, value in FormDataIter(request)``: ``value`` is a
    str for a field, a ``FileUpload`` for a file (read it before the next
    iteration, or it is skipped)."""
    # small on a board: the parser allocates a few blocks of this size per
    # read, which a fragmented heap finds more easily than big ones
    buffer_size = READ_SIZE if READ_SIZE < 1024 else 1024
    #: Most header lines a part may have, and longest header line
    max_part_headers = 8
    max_line = 1024

    def __init__(self, request):
        self.stream = request.stream
        self.delim = None
        mime, _, params = (request.content_type or '').partition(';')
        if mime.strip().lower() != 'multipart/form-data':
            return
        boundary = _param(params, 'boundary')
        if not boundary or len(boundary) > 70:
            raise ProtocolError(400, 'Bad multipart boundary')
        self.delim = b'\r\n--' + boundary.encode()
        # a CRLF in front makes the first delimiter look like the others
        self.buf = b'\r\n'
        self.in_part = True  # the preamble counts as a part to skip

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.delim is None:
            raise StopAsyncIteration
        while await self._read(self.buffer_size):
            pass  # skip what is left of the previous part
        await self._fill(2)
        if self.buf[:2] == b'--':  # the closing delimiter
            self.delim = None
            raise StopAsyncIteration
        if (await self._line()).strip():
            raise ProtocolError(400, 'Bad multipart delimiter')
        name = filename = ctype = None
        for _ in range(self.max_part_headers + 1):
            line = await self._line()
            if not line:
                break
            try:
                key, _, value = line.decode().partition(':')
            except UnicodeError:
                raise ProtocolError(400, 'Bad multipart header')
            key = key.strip().lower()
            if key == 'content-disposition':
                kind, _, params = value.partition(';')
                if kind.strip().lower() != 'form-data':
                    raise ProtocolError(400, 'Bad multipart part')
                name = _param(params, 'name')
                filename = _param(params, 'filename')
            elif key == 'content-type':
                ctype = value.strip()
        else:
            raise ProtocolError(400, 'Too many multipart headers')
        if name is None:
            raise ProtocolError(400, 'Multipart part without a name')
        self.in_part = True
        if filename is None:
            value = b''
            while True:
                data = await self._read(self.buffer_size)
                if not data:
                    break
                value += data
                if len(value) > Request.max_body_length:
                    raise ProtocolError(413, 'Form field too large')
            try:
                return name, value.decode()
            except UnicodeError:
                raise ProtocolError(400, 'Bad UTF-8 in form field')
        return name, FileUpload(filename, ctype, self._read)

    async def _fill(self, n):
        while len(self.buf) < n:
            data = await self.stream.read(self.buffer_size)
            if not data:
                raise ProtocolError(400, 'Truncated multipart body')
            self.buf += data

    async def _line(self):
        while True:
            i = self.buf.find(b'\r\n')
            if i >= 0:
                line, self.buf = self.buf[:i], self.buf[i + 2:]
                return line
            if len(self.buf) > self.max_line:
                raise ProtocolError(400, 'Multipart header too long')
            await self._fill(len(self.buf) + 1)

    async def _read(self, n=-1):
        # up to n bytes of the current part; b'' at its end
        if n < 0:
            out = b''
            while True:
                data = await self._read(self.buffer_size)
                if not data:
                    return out
                out += data
        delim = self.delim
        while self.in_part and n:
            buf = self.buf
            i = buf.find(delim)
            if i == 0:
                self.buf = buf[len(delim):]
                self.in_part = False
                break
            # bytes that cannot be the start of a delimiter are part data
            safe = i if i > 0 else len(buf) - len(delim) + 1
            if safe > 0:
                take = min(safe, n)
                self.buf = buf[take:]
                return buf[:take]
            await self._fill(len(buf) + 1)
        return b''


def _param(params, key):
    # key="value" (or key=value) from a header's parameters
    rest = params
    while rest:
        item, rest = _split(rest)
        k, eq, v = item.partition('=')
        k = k.strip().lower()
        if eq and k == key:
            v = v.strip()
            if v[:1] == '"':
                v = v[1:-1].replace('\\"', '"').replace('\\\\', '\\')
            return v
        if eq and k == key + '*':  # RFC 5987: charset''percent-encoded
            from microdot.forms import urldecode
            return urldecode(v.strip().split("'", 2)[-1].replace('+', '%2B'))
    return None


def _split(s):
    # the first ';'-separated item, respecting quotes
    quoted = False
    i = 0
    for i, c in enumerate(s):
        if c == '"' and (i == 0 or s[i - 1] != '\\'):
            quoted = not quoted
        elif c == ';' and not quoted:
            return s[:i], s[i + 1:]
    return s, ''


class FileUpload:
    """An uploaded file: ``filename`` (the name without any folder part the
    client sent; ``raw_filename`` has it), ``content_type``, and the data
    through ``read()``, ``save()`` or ``copy_to()``."""
    #: ``copy()`` keeps files up to this size in RAM, bigger ones in a
    #: temporary file
    max_memory_size = 1024
    #: Folder of those temporary files.  None: the system's temporary
    #: folder on CPython (``tempfile.gettempdir()``), ``/tmp`` on a board
    #: (made if missing).  Set it to put them elsewhere, an SD card say.
    spool_folder = None

    def __init__(self, filename, content_type, read):
        self.raw_filename = filename
        self.filename = filename.replace('\\', '/').rpartition('/')[2] \
            .replace('\x00', '')
        if self.filename in ('.', '..'):
            self.filename = ''
        self.content_type = content_type
        self._read = read
        self._close = None

    async def read(self, n=-1):
        """Up to ``n`` bytes (all with -1); b'' at the end."""
        return await self._read(n)

    async def copy_to(self, f):
        """Write the rest of the file to the open file ``f`` (anything with
        ``write()``, sync or async) and return the number of bytes."""
        # pieces gathered to 1 KB before each write (flash, and a remote
        # file system, take few big writes better than many small ones),
        # in one buffer allocated once for the whole file
        buf = bytearray(1024)
        view = memoryview(buf)
        size = n = 0
        while True:
            data = await self.read(1024 - n)
            if data:
                buf[n:n + len(data)] = data
                n += len(data)
            if n and (n == 1024 or not data):
                r = f.write(view[:n])
                if iscoroutine(r):
                    await r
                size += n
                n = 0
            if not data:
                return size

    async def save(self, path_or_file):
        """Store the file at a path (never use ``filename`` unchecked in
        it) or in an open file; returns the number of bytes."""
        if not isinstance(path_or_file, str):
            return await self.copy_to(path_or_file)
        with open(path_or_file, 'wb') as f:
            return await self.copy_to(f)

    async def copy(self, max_memory_size=None):
        """Read the file now (into RAM if small, else into a temporary
        file), so it stays readable after the request body moves on."""
        limit = max_memory_size or self.max_memory_size
        data = await read_exactly(self, limit, False)  # to limit, or end
        if len(data) < limit:
            self._read = AsyncBytesIO(data).read
            return self
        import os
        from microdot.helpers import ticks_ms
        # unique within this process, which is all a spool file needs
        name = '%s/_upload_%x_%x.tmp' % (
            (self.spool_folder or _spool_folder()).rstrip('/'), id(self),
            ticks_ms())
        f = open(name, 'w+b')
        f.write(data)
        await self.copy_to(f)
        f.seek(0)

        async def read(n=-1):
            return f.read(n)

        async def close():
            f.close()
            os.remove(name)
        self._read, self._close = read, close
        return self

    async def close(self):
        """Release a temporary file made by ``copy()``."""
        if self._close:
            close, self._close = self._close, None
            await close()


def _spool_folder():
    try:
        import tempfile  # CPython
        return tempfile.gettempdir()
    except ImportError:
        pass
    import os
    try:
        os.mkdir('/tmp')
    except OSError:
        pass  # there already (a read-only root: open() will say so)
    return '/tmp'


def with_form_data(f):
    """Decorator: before the handler runs, a ``multipart/form-data`` body
    is parsed into ``request.form`` (fields) and ``request.files``
    (``FileUpload``s, copied so they can be read in any order)."""
    @wraps(f)
    async def wrapper(request, *args, **kwargs):
        # plain dicts, as Microdot: a repeated name keeps its last value
        form = {}
        files = {}
        async for name, value in FormDataIter(request):
            if isinstance(value, FileUpload):
                files[name] = await value.copy()
            else:
                form[name] = value
        if form or files:
            request.form = form
            request.files = files
        try:
            return await invoke_handler(f, request, *args, **kwargs)
        finally:
            for file in files.values():
                await file.close()
    return wrapper
