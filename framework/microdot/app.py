"""``Microdot``: route registration, hooks, error handlers, dispatch."""
import asyncio
from microdot.helpers import invoke_handler, call_handler, iscoroutine, \
    MAX_CONNECTIONS, MAX_STREAMS
from microdot.http import ProtocolError
from microdot.response import Response
from microdot.routing import URLPattern


class HTTPException(Exception):
    """Raised by ``abort()``; answered with ``status_code``."""
    def __init__(self, status_code, reason=None):
        super().__init__(status_code)
        self.status_code = status_code
        self.reason = reason or ('Method not allowed' if status_code == 405
                                 else str(status_code) + ' error')

    def __repr__(self):
        return 'HTTPException: %d' % self.status_code


class Microdot:
    """A web application.

    Server settings (change them before ``run()``/``start_server()``):
    """
    #: Most connections served at once.  Beyond it, the connection idle for
    #: longest is closed to make room, or, if none is idle, the newcomer
    #: gets a quick 503.
    max_connections = MAX_CONNECTIONS
    #: Long-lived connections (a WebSocket, an event stream) counted apart
    #: from ``max_connections``: up to this many don't count towards it.
    #: On MicroPython ``reserve_ram`` still bounds them: each holds RAM.
    max_streams = MAX_STREAMS
    #: MicroPython: bytes of heap kept free; while less is free, new
    #: connections get a quick 503 instead of failing half-way.
    reserve_ram = 2048
    #: Listen backlog: connections the OS queues before we accept them.
    backlog = 16
    #: Seconds a client has to send a complete request head (slow-loris).
    header_timeout = 10
    #: Seconds a body read may wait for the next bytes.
    body_timeout = 10
    #: Seconds an idle keep-alive connection stays open.
    idle_timeout = 5
    #: Seconds a response write may wait for the client to read.
    write_timeout = 10
    #: Requests served on one connection before it is closed (0: no cap).
    max_keep_alive_requests = 100
    #: Unread request body bytes the server reads and drops so a
    #: connection can be reused; a bigger leftover closes the connection.
    max_drain = 16 * 1024

    def __init__(self):
        self.url_map = []
        self.before_request_handlers = []
        self.after_request_handlers = []
        self.after_error_request_handlers = []
        self.error_handlers = {}
        self.options_handler = self.default_options_handler
        self.ssl = False
        self.debug = False
        self.server = None

    def route(self, url_pattern, methods=None):
        """Decorator: ``f(request, **path_args)`` handles ``url_pattern`` for
        ``methods`` (default ``['GET']``)."""
        pattern = URLPattern(url_pattern)
        if not pattern.static:
            pattern.compile()  # report a bad pattern now, not on a request

        def decorated(f):
            self.url_map.append(
                ([m.upper() for m in (methods or ['GET'])], pattern, f, '',
                 None))
            return f
        return decorated

    def before_request(self, f):
        """Decorator: ``f(request)`` runs before each handler; a non-None
        return value becomes the response and the handler is skipped."""
        self.before_request_handlers.append(f)
        return f

    def after_request(self, f):
        """Decorator: ``f(request, response)`` runs after each handler and
        may return a replacement response."""
        self.after_request_handlers.append(f)
        return f

    def after_error_request(self, f):
        """Decorator: like ``after_request``, for error responses."""
        self.after_error_request_handlers.append(f)
        return f

    def errorhandler(self, status_code_or_exception_class):
        """Decorator: ``f(request)`` answers a status code, or
        ``f(request, exc)`` an exception class (and its subclasses)."""
        def decorated(f):
            self.error_handlers[status_code_or_exception_class] = f
            return f
        return decorated

    def mount(self, subapp, url_prefix='', local=False):
        """Serve ``subapp``'s routes under ``url_prefix``.  Unless ``local``,
        its hooks and error handlers become the whole app's."""
        from microdot.appextra import mount
        mount(self, subapp, url_prefix, local)

    @staticmethod
    def abort(status_code, reason=None):
        """End the request now with an error response."""
        raise HTTPException(status_code, reason)

    async def start_server(self, host='0.0.0.0', port=5000, debug=False,
                           ssl=None, start_serving=True):
        """Serve until ``shutdown()``.  A coroutine, so it can run as a task
        beside the application's own tasks.  With ``start_serving=False``
        (CPython only) it returns ``app.server`` once listening, not yet
        accepting: then await its ``start_serving()`` or
        ``serve_forever()``."""
        from microdot.server import Server
        self.debug = debug
        self.ssl = ssl
        self.server = Server(self)
        if debug:
            print('Starting async server on %s:%d...' % (host, port))
        await self.server.start(host, port, ssl, start_serving)
        if not start_serving:
            return self.server
        await self.server.serve_forever()

    def run(self, host='0.0.0.0', port=5000, debug=False, ssl=None):
        """Serve until ``shutdown()`` (blocks)."""
        asyncio.run(self.start_server(host=host, port=port, debug=debug,
                                      ssl=ssl))

    def shutdown(self):
        """Stop serving once the current requests are answered; safe to
        call from a handler."""
        if self.server is not None:
            self.server.close()

    async def handle_request(self, reader, writer):
        """Serve one client connection (all its requests)."""
        from microdot.server import Server
        if self.server is None:
            self.server = Server(self)
        await self.server.connection(reader, writer)

    def find_route(self, req):
        method = req.method.upper()
        if method == 'OPTIONS' and self.options_handler:
            return self.options_handler(req), '', None
        if method == 'HEAD':
            method = 'GET'
        found, prefix, subapp = 404, '', None
        path = req.path
        for methods, pattern, handler, url_prefix, sub in self.url_map:
            args = pattern.match(path)
            if args is not None:
                req.url_args = args
                prefix, subapp = url_prefix, sub
                if method in methods:
                    return handler, prefix, subapp
                found = 405
        return found, prefix, subapp

    def default_options_handler(self, req):
        from microdot.appextra import allow
        return {'Allow': allow(self, req.path)}

    def get_request_handlers(self, req, attr, local_first=True):
        # the list's name without building a string on every request
        name = _HANDLER_LISTS.get(attr) or attr + '_handlers'
        handlers = getattr(self, name)
        if not req or not req.subapp:
            return handlers  # the usual case: no list to build
        local = getattr(req.subapp, name)
        return local + handlers if local_first else handlers + local

    async def error_response(self, req, status_code, reason=None):
        if req and req.subapp and status_code in req.subapp.error_handlers:
            return await invoke_handler(
                req.subapp.error_handlers[status_code], req)
        if status_code in self.error_handlers:
            return await invoke_handler(self.error_handlers[status_code], req)
        return reason or 'N/A', status_code

    async def protocol_error_response(self, exc, req=None):
        """The response to a request that cannot be served as it is:
        ``exc`` is a ``microdot.http.ProtocolError`` (a request that could
        not be parsed or read, a body over the limit, a check of ours).
        The app's ``errorhandler(exc.status)`` shapes it, then its
        ``after_error_request`` handlers; ``req`` is None when the request
        could not be parsed.  The server, the test client, ASGI and WSGI
        all answer such requests here."""
        return await self._after_error(req, await self.error_response(
            req, exc.status, exc.reason))

    async def dispatch_request(self, req):
        """Run hooks, the route handler and error handling for ``req``
        (None means the request could not be parsed) and return the
        ``Response``."""
        if req is None or req.refused:
            # refused before the app (unparseable, or a check of ours)
            res = await self.protocol_error_response(ProtocolError(
                400, req.refused if req else 'Bad request'), req)
        elif req.content_length > req.max_content_length:
            res = await self.protocol_error_response(
                ProtocolError(413, 'Payload too large'), req)
        else:
            try:
                res = await self._handle(req)
                if isinstance(res, dict):  # an automatic OPTIONS answer
                    res = await self._after_error(req, Response(headers=res))
            except HTTPException as exc:
                res = await self._after_error(req, await self.error_response(
                    req, exc.status_code, exc.reason))
            except Exception as exc:
                from microdot.appextra import handle_exception
                res = await self._after_error(
                    req, await handle_exception(self, req, exc))
        if req is not None and res is not Response.already_handled:
            res.is_head = req.method == 'HEAD'
            if res.status_code == 405 and 'Allow' not in res.headers:
                from microdot.appextra import allow
                res.headers['Allow'] = allow(self, req.path)
            vary = req.ext('vary')
            old = getattr(req.g, '_vary', None)  # Microdot 2.x apps set it
            if old:
                vary = old | vary if vary else old
            if vary:
                have = res.headers.get('Vary')
                names = [v.strip() for v in have.split(',')] if have else []
                names += [v for v in vary if v not in names]
                res.headers['Vary'] = ', '.join(names)
        return res

    async def _after_error(self, req, res):
        res = _to_response(res)
        for handler in self.get_request_handlers(req, 'after_error_request'):
            res = await invoke_handler(handler, req, res) or res
        return res

    async def _handle(self, req):
        f, prefix, subapp = self.find_route(req)
        if prefix:
            req.url_prefix = prefix
        if subapp:
            req.subapp = subapp
        if isinstance(f, dict):
            return f  # the headers of an automatic OPTIONS answer
        if not callable(f):
            raise HTTPException(f, 'Not found' if f == 404 else None)
        req.route = f
        res = None
        for handler in self.get_request_handlers(req, 'before_request',
                                                 False):
            res = await invoke_handler(handler, req)
            if res:
                break
        if res is None:
            res = call_handler(f, req, **req.url_args)
            if iscoroutine(res):
                res = await res
        res = _to_response(res)
        if res is Response.already_handled:
            return res  # the handler answered on the socket (WebSocket)
        for handler in self.get_request_handlers(req, 'after_request'):
            res = await invoke_handler(handler, req, res) or res
        for handler in req.after_request_handlers:
            res = await invoke_handler(handler, req, res) or res
        return res

_HANDLER_LISTS = {name: name + '_handlers' for name in (
    'before_request', 'after_request', 'after_error_request')}


def _method_route(method):
    def decorator(self, url_pattern):
        return self.route(url_pattern, [method])
    return decorator


# app.get('/x'), app.post('/x'), ...: one function shared by six closures
for _m in ('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'QUERY'):
    setattr(Microdot, _m.lower(), _method_route(_m))


def _to_response(res):
    """Turn what a handler returned into a ``Response``."""
    if isinstance(res, Response):
        return res
    if isinstance(res, int):
        return Response('', res)
    if isinstance(res, tuple):
        if isinstance(res[0], int):  # (status,) or (status, headers)
            return Response('', res[0], res[1] if len(res) > 1 else {})
        if len(res) > 1 and not isinstance(res[1], int):
            return Response(res[0], 200, res[1])  # (body, headers)
        return Response(*res)
    return Response(res)


abort = Microdot.abort
