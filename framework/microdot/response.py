"""The ``Response`` object and how it goes on the wire."""
from microdot.helpers import json, iscoroutine
from microdot.http import NoCaseDict, reason_phrase, date_line, \
    response_framing, has_ctl, NO_BODY, LENGTH, CHUNKED


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
    _closed = False

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

    def _framing(self, version, keep):
        body = self.body
        if body is None or isinstance(body, (bytes, bytearray)):
            size = len(body) if body else 0
        else:
            from microdot.stream import size_of
            # a file's length (looked up only where framing needs it, as
            # Microdot sends a file on a closing connection), None for a
            # stream
            size = size_of(body, keep)
        return response_framing(version, self.status_code, self.is_head,
                                self.headers, size, keep)

    def complete(self):
        """Fill in ``Content-Length`` (when the body's length is known) and
        ``Content-Type``, as the wire would show them; returns how the
        body is framed (``microdot.http.NO_BODY``...).  For front ends that
        frame the body themselves (the test client, ASGI, WSGI)."""
        lines, framing, _ = self._framing('1.1', True)
        h = self.headers
        for line in lines:  # (the framing's hop-by-hop lines stay out)
            if line.startswith('Content-Length: '):
                h['Content-Length'] = line[16:]
        if 'Content-Type' not in h:
            h['Content-Type'] = self._content_type_line()[14:]  # the value
        return framing

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
        NUL, or the body is of a type that cannot be sent.
        """
        self.started = False  # (the same object may be sent again)
        # what complete() would add and the framing go on the wire only,
        # not into self.headers: an app may send the same Response again
        lines, framing, keep = self._framing(http_version, keep_alive)
        h = self.headers
        if 'Content-Type' not in h:
            lines.append(self._content_type_line())
        if date and 'Date' not in h:
            d = date_line()
            if d:
                lines.append(d)
        head = self._head(http_version, lines)
        self.started = True
        body = self.body
        if framing == NO_BODY or not body:
            await stream.awrite(head)
            await self.aclose()
        elif isinstance(body, bytes) and len(body) < 1024:
            await stream.awrite(head + body)
        else:
            await stream.awrite(head)  # at once: an event stream's client
            from microdot.stream import send_body  # waits for it
            sent = await send_body(self, stream, framing == CHUNKED)
            if framing == LENGTH and str(sent) != str(
                    h.get('Content-Length', sent)):
                keep = False  # fewer or more bytes than the app announced
        return keep

    def body_iter(self):
        """An async iterator over the body's pieces (bytes or str)."""
        from microdot.stream import BodyIter
        return BodyIter(self)

    async def aclose(self):
        """Close a streamed body (file or generator) once."""
        b = self.body
        if not isinstance(b, (bytes, bytearray, str)) and b is not None \
                and not self._closed:
            self._closed = True
            close = getattr(b, 'aclose', None) or getattr(b, 'close', None)
            if close is not None:
                r = close()
                if iscoroutine(r):
                    await r

    @classmethod
    def redirect(cls, location, status_code=302):
        """A redirect response; refuses a location containing CR or LF."""
        if has_ctl(location):
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


Response.already_handled = Response()
