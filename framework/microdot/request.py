"""The ``Request`` object handlers receive."""
from microdot.helpers import json
from microdot.http import ProtocolError, NoCaseDict, Reader, \
    parse_request_line, add_header, check_head, check_host, parse_cookies


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
    max_headers = 64
    #: Most bytes in all header lines together (else 431): what one
    #: request's head may hold in RAM.
    max_head_length = 16 * 1024
    #: Refuse (400, through the app's ``errorhandler(400)``) a request that
    #: is well framed but has no Host (HTTP/1.1), a repeated or malformed
    #: Host, or raw UTF-8 in its URL.  False: serve it, as Microdot does.
    strict = True

    class G:
        pass

    # Defaults live on the class: an attribute is set on a request only when
    # it differs, which keeps each request's own dict small.
    scheme = 'http'
    url_prefix = ''
    subapp = None
    route = None
    url_args = None
    query_string = None
    content_length = 0
    content_type = None
    after_request_handlers = ()
    #: Why the framework refuses this request before the app sees it (a
    #: missing or bad Host, raw UTF-8 in the URL), or None.  The app's
    #: ``errorhandler(400)`` and ``after_error_request`` shape the answer.
    refused = None
    _args = None
    _json = None
    _form = None
    #: Uploaded files (set by the multipart extension).
    files = None
    _ext = None

    def __init__(self, app, client_addr, method, url, http_version, headers,
                 body=None, stream=None, sock=None, url_prefix='',
                 subapp=None, scheme=None, route=None):
        self.app = app
        self.client_addr = client_addr
        self.method = method
        if scheme:
            self.scheme = scheme
        self.url = url
        if url_prefix:
            self.url_prefix = url_prefix
        if subapp:
            self.subapp = subapp
        if route:
            self.route = route
        self.http_version = http_version
        self.headers = headers
        self.path, q, qs = url.partition('?')
        if q:
            self.query_string = qs
        cl = headers.get('Content-Length')
        if cl:
            self.content_length = int(cl)
        ct = headers.get('Content-Type')
        if ct:
            self.content_type = ct
        cookie = headers.get('Cookie')
        self.cookies = parse_cookies(cookie) if cookie else {}
        self.g = Request.G()
        #: The body as bytes (empty if it is larger than
        #: ``max_body_length``: then read ``stream``).
        self.body = body if body is not None else b''
        self._stream = stream
        self.sock = sock

    @staticmethod
    async def create(app, client_reader, client_writer, client_addr,
                     scheme=None):
        """Read one request from ``client_reader``; None at end of stream.

        Raises ``ProtocolError`` (a ``ValueError``) for malformed requests.
        """
        rd = client_reader if isinstance(client_reader, Reader) \
            else Reader(client_reader)
        limit = Request.max_readline
        if rd.buffered():
            # a request starts with a method name: bytes outside printable
            # ASCII (a TLS handshake on the HTTP port...) are refused now,
            # not after the header timeout
            c = rd.buf[rd.pos]
            if (c < 33 or c > 126) and c != 13 and c != 10:
                raise ProtocolError(400, 'Bad request line')
        line = rd.take_line(limit, 414)
        if line is None:
            line = await rd.line(limit, 414)
        if line == b'':  # RFC 9112: a stray CRLF before a request is ignored
            line = await rd.line(limit, 414)
        if not line:
            return None
        method, url, version = parse_request_line(line)
        first = line
        headers = NoCaseDict()
        n = size = 0
        try:
            while True:
                line = rd.take_line(limit, 431)
                if line is None:
                    line = await rd.line(limit, 431)
                    if line is None:
                        raise ProtocolError(400, 'Incomplete request head')
                if not line:
                    break
                n += 1
                size += len(line)
                if n > Request.max_headers or \
                        size > Request.max_head_length:
                    raise ProtocolError(431, 'Headers too large')
                add_header(headers, line)
        except MemoryError:
            # a head within the limits, but more than this board has free
            # now: too large all the same
            headers = None
            raise ProtocolError(431, 'Headers too large for free memory')
        length, chunked = check_head(headers, version)
        body = None
        data = b''
        if length or chunked:  # most requests have no body: no Body then
            from microdot.body import Body, read_exactly, expects_continue
            body = Body(rd, length, chunked, Request.max_content_length,
                        expects_continue(version, headers))
            most = Request.max_body_length
            if length > Request.max_content_length:
                pass  # dispatch answers 413 and the connection closes
            elif chunked:
                if most:
                    data = await read_exactly(body, most + 1, False)
                    if len(data) > most:
                        body.pre, data = data, b''
            elif length <= most:
                # (shorter if the client stopped early: the app decides)
                data = await read_exactly(body, length, False)
            if body.done and not body.pre:
                body = None
        req = Request(app, client_addr, method, url, version, headers,
                      body=data, stream=body, sock=(rd, client_writer),
                      scheme=scheme)
        if chunked and body is None:
            req.content_length = len(data)
        if Request.strict:
            why = check_host(headers, version, first)
            if why:
                req.refused = why
        return req

    @property
    def args(self):
        """The query string's arguments, as a ``MultiDict``."""
        if self._args is None:
            from microdot.forms import parse_urlencoded
            self._args = parse_urlencoded(self.query_string) \
                if self.query_string else {}
        return self._args

    @property
    def stream(self):
        """The body as an async stream (``await stream.read(n)``)."""
        if self._stream is None:
            from microdot.body import Body
            self._stream = Body(None)
            self._stream.pre = self.body
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
            from microdot.forms import parse_urlencoded
            self._form = parse_urlencoded(self.body)
        return self._form

    @form.setter
    def form(self, value):
        # a body parser of an extension (multipart) fills it in
        self._form = value

    def ext(self, name, make=None):
        """The framework's own state for this request under ``name``
        (``make()`` creates it when missing and ``make`` is given): what
        extensions keep per request, apart from ``g``, which is the app's.
        """
        d = self._ext
        if d is None:
            if make is None:
                return None
            d = self._ext = {}
        if name not in d and make is not None:
            d[name] = make()
        return d.get(name)

    def after_request(self, f):
        """Register ``f(request, response)`` to run after this request's
        handler (after the app's own after-request handlers)."""
        if not self.after_request_handlers:
            self.after_request_handlers = []
        self.after_request_handlers.append(f)
        return f

