"""The application's paths that most requests never take: mounting
sub-applications, the methods allowed on a path (OPTIONS, 405) and the
exception handlers.  Loaded on first use."""
import gc
from microdot.helpers import invoke_handler, print_exception, \
    is_disconnect
from microdot.http import ProtocolError
from microdot.routing import URLPattern


def mount(app, subapp, url_prefix, local):
    for methods, pattern, handler, prefix, sub in subapp.url_map:
        p = URLPattern(url_prefix + pattern.url_pattern)
        if not p.static:
            p.compile()
        app.url_map.append((methods, p, handler, url_prefix + prefix,
                            sub or subapp))
    if not local:
        for name in ('before_request_handlers', 'after_request_handlers',
                     'after_error_request_handlers'):
            getattr(app, name).extend(getattr(subapp, name))
            setattr(subapp, name, [])
        app.error_handlers.update(subapp.error_handlers)
        subapp.error_handlers = {}


def allow(app, path):
    """The methods routed for ``path``: an OPTIONS answer, and the Allow
    every 405 must carry (RFC 9110, section 15.5.6)."""
    out = []
    for methods, pattern, _, _, _ in app.url_map:
        if pattern.match(path) is not None:
            out.extend(m for m in methods if m not in out)
    if 'GET' in out and 'HEAD' not in out:
        out.append('HEAD')
    if app.options_handler:
        out.append('OPTIONS')
    return ', '.join(out)


def mro(cls):
    """Classes to try, most specific first, when matching exception
    handlers."""
    if hasattr(cls, '__mro__'):
        return cls.__mro__
    # MicroPython: depth-first walk, keeping the last of any duplicates
    order = [cls]
    for base in cls.__bases__:
        order += mro(base)
    return [c for i, c in enumerate(order) if c not in order[i + 1:]]


def _exception_handler(app, req, exc):
    tables = [req.subapp.error_handlers] if req.subapp else []
    tables.append(app.error_handlers)
    for cls in mro(type(exc)):
        for table in tables:
            if cls in table:
                return table[cls]


async def handle_exception(app, req, exc):
    """What a handler's exception becomes.  A malformed body (bad JSON or
    form, a ``ProtocolError`` 400, which is a ValueError) is seen by the
    app's handlers for ValueError, Exception or 500, as in Microdot;
    without one it gets its 400.  Other protocol errors (413...) are
    answered as they are."""
    bad = isinstance(exc, ProtocolError)
    if bad and exc.status != 400:
        return await app.error_response(req, exc.status, exc.reason)
    if isinstance(exc, EOFError) or (
            isinstance(exc, OSError) and is_disconnect(exc)):
        raise exc  # the client left mid-request: nobody to answer
    if isinstance(exc, MemoryError):
        gc.collect()
    if not bad:  # the client's mistake is no traceback
        print_exception(exc)
    handler = _exception_handler(app, req, exc)
    if handler is not None:
        try:
            res = await invoke_handler(handler, req, exc)
            if res is not None:
                return res
        except Exception as exc2:
            print_exception(exc2)
    if bad and 500 not in app.error_handlers and not (
            req.subapp and 500 in req.subapp.error_handlers):
        return await app.error_response(req, 400, exc.reason)
    return await app.error_response(req, 500, 'Internal server error')
