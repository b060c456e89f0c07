"""The ``Request`` object handlers receive."""
from microdot.helpers import json
from microdot.http import ProtocolError, NoCaseDict, Reader, \
    Body, parse_request_line, parse_header, add_header, check_head, \
    parse_urlencoded, parse_cookies


class Request:
    """An HTTP request.

    The class attributes are limits, shared by all requests; change them on
    the class (``Request.max_content_length = 64 * 1024``) before serving.
    """
    #: Largest body accepted at all; a larger one gets 413.
    max_content_length = 16 * 1024
    #: Largest body read into ``body``; larger bodies are only available as
    #: ``stream``.
    max_body_length = 16 * 1024
    #: Longest request line (else 414) or header line (else 431).
    max_readline = 2 * 1024
    #: Most header lines in a request (else 431).
    max_headers = 32

    class G:
        pass

    def __init__(self, app, client_addr, method, url, http_version, headers,
                 body=None, stream=None, sock=None, url_prefix='',
                 subapp=None, scheme=None, route=None):
        self.app = app
        self.client_addr = client_addr
        self.method = method
        self.scheme = scheme or 'http'
        self.url = url
        self.url_prefix = url_prefix
        self.subapp = subapp
        self.route = route
        self.http_version = http_version
        self.headers = headers
        self.path, q, qs = url.partition('?')
        self.query_string = qs if q else None
        self.args = parse_urlencoded(qs) if q else {}
        self.content_length = 0
        cl = headers.get('Content-Length')
        if cl:
            self.content_length = int(cl)
        self.content_type = headers.get('Content-Type')
        cookie = headers.get('Cookie')
        self.cookies = parse_cookies(cookie) if cookie else {}
        self.g = Request.G()
        self.url_args = None
        self._body = body if body is not None else b''
        self._stream = stream
        self.sock = sock
        self._json = None
        self._form = None
        self._files = None
        self.after_request_handlers = []

    @staticmethod
    async def create(app, client_reader, client_writer, client_addr,
                     scheme=None):
        """Read one request from ``client_reader``; None at end of stream.

        Raises ``ProtocolError`` (a ``ValueError``) for malformed requests.
        """
        rd = client_reader if isinstance(client_reader, Reader) \
            else Reader(client_reader)
        limit = Request.max_readline
        line = await rd.line(limit, 414)
        if line == b'':  # RFC 9112: a stray CRLF before a request is ignored
            line = await rd.line(limit, 414)
        if not line:
            return None
        method, url, version = parse_request_line(line)
        headers = NoCaseDict()
        n = 0
        while True:
            line = await rd.line(limit, 431)
            if line is None:
                raise ProtocolError(400, 'Incomplete request head')
            if not line:
                break
            n += 1
            if n > Request.max_headers:
                raise ProtocolError(431, 'Too many headers')
            add_header(headers, *parse_header(line))
        length, chunked = check_head(headers, version)
        writer = None
        if version != '1.0' and \
                headers.get('Expect', '').lower() == '100-continue':
            writer = client_writer
        body = Body(rd, length, chunked, Request.max_content_length, writer)
        data = b''
        if length > Request.max_content_length:
            pass  # dispatch answers 413 and the connection closes
        elif chunked:
            if Request.max_body_length:
                data = await _read_upto(body, Request.max_body_length + 1)
                if len(data) > Request.max_body_length:
                    body.pre, data = data, b''
        elif length <= Request.max_body_length:
            data = await body.readexactly(length)
        req = Request(app, client_addr, method, url, version, headers,
                      body=data, stream=None if body.done else body,
                      sock=(rd, client_writer), scheme=scheme)
        if chunked and body.done:
            req.content_length = len(data)
        req._body_stream = body
        return req

    @property
    def body(self):
        """The body as bytes (empty if it is larger than
        ``max_body_length``: then read ``stream``)."""
        return self._body

    @property
    def stream(self):
        """The body as an async stream (``await stream.read(n)``)."""
        if self._stream is None:
            self._stream = Body(None)
            self._stream.pre = self._body
        return self._stream

    def _mime(self):
        ct = self.content_type
        return ct.split(';')[0].strip().lower() if ct else None

    @property
    def json(self):
        """The body parsed as JSON, or None if it is not JSON."""
        if self._json is None and self._mime() == 'application/json':
            try:
                self._json = json.loads(self.body.decode())
            except (ValueError, UnicodeError):
                raise ProtocolError(400, 'Bad JSON body')
        return self._json

    @property
    def form(self):
        """The URL-encoded form body as a ``MultiDict``, or None."""
        if self._form is None and \
                self._mime() == 'application/x-www-form-urlencoded':
            self._form = parse_urlencoded(self.body)
        return self._form

    @property
    def files(self):
        """Uploaded files (set by the multipart extension)."""
        return self._files

    def after_request(self, f):
        """Register ``f(request, response)`` to run after this request's
        handler (after the app's own after-request handlers)."""
        self.after_request_handlers.append(f)
        return f


async def _read_upto(body, n):
    out = b''
    while len(out) < n:
        data = await body.read(n - len(out))
        if not data:
            break
        out += data
    return out
