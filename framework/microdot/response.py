"""The ``Response`` object and how it goes on the wire."""
from microdot.helpers import json, iscoroutine
from microdot.http import NoCaseDict, reason_phrase, date_line


def _bad(s):
    return '\r' in s or '\n' in s or '\x00' in s


class Response:
    """An HTTP response.

    ``body`` may be str, bytes, a dict or list (sent as JSON), a file-like
    object, or a sync or async generator (streamed).
    """
    types_map = {
        'css': 'text/css',
        'gif': 'image/gif',
        'html': 'text/html',
        'jpg': 'image/jpeg',
        'js': 'application/javascript',
        'json': 'application/json',
        'png': 'image/png',
        'svg': 'image/svg+xml',
        'txt': 'text/plain',
    }
    #: Size of the reads used to stream a file body.
    send_file_buffer_size = 1024
    #: Content type of responses that set none.
    default_content_type = 'text/plain'
    #: ``Cache-Control: max-age`` for ``send_file`` (None: no header).
    default_send_file_max_age = None
    #: Return this from a handler that wrote its own response (WebSocket).
    already_handled = None
    is_head = False     # set by the app for a HEAD request
    started = False     # set once write() has sent part of the response

    def __init__(self, body=b'', status_code=200, headers=None, reason=None):
        if body is None and status_code == 200:
            body = b''
            status_code = 204
        self.status_code = status_code
        self.headers = NoCaseDict(headers)
        self.reason = reason
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            self.headers['Content-Type'] = 'application/json; charset=UTF-8'
        self.body = body.encode() if isinstance(body, str) else body

    # Cookies and files live in modules of their own, loaded on first use,
    # so that an app that needs neither doesn't hold them in RAM.
    def set_cookie(self, cookie, value, *args, **kwargs):
        """Add a ``Set-Cookie`` header: ``set_cookie(name, value, path=None,
        domain=None, expires=None, max_age=None, secure=False,
        http_only=False, partitioned=False, same_site=None)``."""
        from microdot.cookies import set_cookie
        set_cookie(self, cookie, value, *args, **kwargs)

    def delete_cookie(self, cookie, **kwargs):
        """Tell the client to drop a cookie (takes ``set_cookie``'s
        options; ``expires`` and ``max_age`` are ignored)."""
        kwargs.pop('expires', None)
        kwargs.pop('max_age', None)
        self.set_cookie(cookie, '', expires='Thu, 01 Jan 1970 00:00:01 GMT',
                        max_age=0, **kwargs)

    def complete(self):
        """Fill in ``Content-Length`` and ``Content-Type``."""
        h = self.headers
        if isinstance(self.body, bytes) and 'Content-Length' not in h:
            h['Content-Length'] = str(len(self.body))
        if 'Content-Type' not in h:
            h['Content-Type'] = self._content_type_line()[14:]  # the value

    _ct = (None, None)  # default_content_type and its header line

    def _content_type_line(self):
        ct = self.default_content_type
        if self._ct[0] is not ct:  # made once, not on every response
            Response._ct = (ct, 'Content-Type: ' + (
                ct if 'charset=' in ct else ct + '; charset=UTF-8'))
        return self._ct[1]

    def _head(self, version, lines):
        reason = self.reason if self.reason is not None \
            else reason_phrase(self.status_code)
        lines.insert(0, 'HTTP/%s %d %s' % (version, self.status_code, reason))
        for name, value in self.headers.items():
            if ':' in name or not name:
                raise ValueError('invalid response header ' + repr(name))
            if isinstance(value, list):
                for v in value:
                    lines.append(name + ': ' + str(v))
            else:
                lines.append(name + ': ' + str(value))
        lines.append('\r\n')
        head = '\r\n'.join(lines)
        # A CR, LF or NUL in any header or the reason would let an app's
        # input split the response: counting the separators finds one
        # without a check per header.
        n = len(lines)
        if head.count('\n') != n or head.count('\r') != n or \
                '\x00' in head:
            raise ValueError('invalid response header or reason')
        return head.encode()

    async def write(self, stream, http_version='1.0', keep_alive=False,
                    date=False):
        """Write the response to ``stream`` (async ``awrite()``).

        With ``keep_alive`` the body is framed (Content-Length, or chunked
        on HTTP/1.1) so the connection can carry another request; returns
        whether it can.  With ``date`` (the server's own answers) a
        ``Date`` header is added while the clock is set.  Raises
        ``ValueError`` before writing anything if a header holds CR, LF or
        NUL.
        """
        if self.started:
            self.started = False  # the same object, sent again
        h = self.headers
        code = self.status_code
        body = self.body
        if body is not None and not isinstance(body, (bytes, bytearray)) \
                and not hasattr(body, 'read') and \
                not hasattr(body, '__next__') and \
                not hasattr(body, '__anext__'):
            # refused before the head goes out: the client gets a 500
            raise ValueError('unsupported response body type: ' +
                             type(body).__name__)
        bodyless = self.is_head or code in (204, 304) or code < 200
        framed = keep_alive and not bodyless
        chunked = False
        size = len(body) if isinstance(body, bytes) else None
        # What complete() would add, and the framing, go on the wire only,
        # not into self.headers: that spares a header dict update or two on
        # every response, and an app may send the same Response object
        # again on another connection.
        framing = []
        cl = h.get('Content-Length')
        if cl is None:
            if size is None and framed:
                size = _size(body)
            if size is not None:
                framing.append('Content-Length: %d' % size)
            elif framed and http_version != '1.0':
                framing.append('Transfer-Encoding: chunked')
                chunked = True
            elif framed:
                keep_alive = False
        elif framed and size is not None and str(size) != str(cl):
            keep_alive = False  # the app's length is wrong: don't trust it
        if 'Content-Type' not in h:
            framing.append(self._content_type_line())
        if date and 'Date' not in h:
            d = date_line()
            if d:
                framing.append(d)
        if 'Connection' not in h:
            if http_version != '1.0' and not keep_alive:
                framing.append('Connection: close')
            elif http_version == '1.0' and keep_alive:
                framing.append('Connection: keep-alive')
        head = self._head(http_version, framing)
        self.started = True
        if bodyless or not body:
            await stream.awrite(head)
            await self.aclose()
            return keep_alive
        if size is not None and isinstance(body, bytes) and len(body) < 1024:
            await stream.awrite(head + body)
            return keep_alive
        await stream.awrite(head)  # at once: an event stream's client waits
        sent = 0
        tail = b''  # the previous chunk's CRLF, sent with the next head
        try:
            async for data in self.body_iter():
                if isinstance(data, str):
                    data = data.encode()
                if not data:
                    continue
                if chunked:
                    # the piece itself goes out as it is, never copied: a
                    # copy per piece keeps a small heap's collector busy
                    await stream.awrite(b'%s%x\r\n' % (tail, len(data)))
                    tail = b'\r\n'
                sent += len(data)
                await stream.awrite(data)
            if chunked:
                await stream.awrite(tail + b'0\r\n\r\n')
        finally:
            await self.aclose()
        if size is not None and sent != size:
            keep_alive = False
        return keep_alive

    def body_iter(self):
        """An async iterator over the body's pieces (the response itself)."""
        self._it = 0 if self.body else -1  # -1: done
        return self

    def __aiter__(self):
        return self

    async def __anext__(self):
        b = self.body
        if self._it < 0:
            await self.aclose()
            raise StopAsyncIteration
        if isinstance(b, (bytes, bytearray, str)):
            self._it = -1
            return b
        if hasattr(b, 'read'):
            size = self.send_file_buffer_size
            data = b.read(size)
            if iscoroutine(data):
                data = await data
            if data:  # a short read may be a stream's: only b'' ends it
                return data
        elif hasattr(b, '__anext__'):
            try:
                return await b.__anext__()
            except StopAsyncIteration:
                pass
        else:
            try:
                return next(b)
            except StopIteration:
                pass
        await self.aclose()
        raise StopAsyncIteration

    async def aclose(self):
        """Close a streamed body (file or generator) once."""
        b = self.body
        self._it = -1
        if not isinstance(b, (bytes, bytearray, str)) and b is not None \
                and not getattr(self, '_closed', False):
            self._closed = True
            close = getattr(b, 'aclose', None) or getattr(b, 'close', None)
            if close is not None:
                r = close()
                if iscoroutine(r):
                    await r

    @classmethod
    def redirect(cls, location, status_code=302):
        """A redirect response; refuses a location containing CR or LF."""
        if _bad(location):
            raise ValueError('invalid redirect URL')
        return cls(status_code=status_code, headers={'Location': location})

    @classmethod
    def send_file(cls, filename, *args, **kwargs):
        """A response that streams a file: ``send_file(filename,
        status_code=200, content_type=None, stream=None, max_age=None,
        compressed=False, file_extension='')``.  The type comes from the
        extension (after ``.gz`` when ``compressed``).  The filename is
        trusted: never pass one taken from the request unchecked."""
        from microdot.files import send_file
        return send_file(cls, filename, *args, **kwargs)


def _size(body):
    """Bytes left in a seekable file body, or None if unknown."""
    if not hasattr(body, 'seek') or not hasattr(body, 'tell'):
        return None
    try:
        pos = body.tell()
        end = body.seek(0, 2)
        body.seek(pos)
        return end - pos
    except Exception:
        return None


Response.already_handled = Response()
