"""Signed-cookie sessions: ``Session(app, secret_key=...)`` and the
``@with_session`` decorator.

The session is a dict stored in the client's ``session`` cookie as an
HS256 JSON Web Token: the client can read it but not change it.  Don't put
secrets in it.
"""
from microdot.helpers import invoke_handler, wraps, vary
from microdot.signing import jwt_encode, jwt_decode


class SessionDict(dict):
    """The session of one request: a dict with ``save()`` and
    ``delete()``."""
    def __init__(self, request, session_dict):
        super().__init__(session_dict)
        self.request = request

    def save(self):
        """Send the session back to the client with the response."""
        session_of(self.request.app).update(self.request, self)

    def delete(self):
        """Remove the session cookie from the client."""
        session_of(self.request.app).delete(self.request)


class Session:
    """Sessions for ``app``.  ``cookie_options`` are ``set_cookie()``
    arguments; by default the cookie is ``HttpOnly``, ``SameSite=Lax``,
    path ``/``, and ``Secure`` on HTTPS requests."""
    secret_key = None
    cookie_name = 'session'

    def __init__(self, app=None, secret_key=None, cookie_options=None):
        self.secret_key = secret_key
        self.cookie_options = cookie_options or {}
        if app is not None:
            self.initialize(app)

    def initialize(self, app, secret_key=None, cookie_options=None):
        if secret_key is not None:
            self.secret_key = secret_key
        if cookie_options is not None:
            self.cookie_options = cookie_options
        opts = self.cookie_options
        opts.setdefault('path', '/')
        opts.setdefault('http_only', True)
        opts.setdefault('same_site', 'Lax')
        app._session = self

    def _key(self, key=None):
        key = key or self.secret_key
        if not key:
            raise ValueError('Session needs a secret key: '
                             'Session(app, secret_key=...)')
        return key

    def options_for(self, request):
        """The cookie options for ``request``: ``cookie_options``, with
        ``secure`` on an HTTPS request unless they say otherwise."""
        opts = self.cookie_options
        if 'secure' not in opts and request.scheme == 'https':
            opts = dict(opts, secure=True)
        return opts

    def get(self, request):
        """The request's session (a ``SessionDict``; empty if there is none
        or its signature is wrong)."""
        self._key()
        s = request.ext('session')
        if s is None:
            vary(request, 'Cookie')
            cookie = request.cookies.get(self.cookie_name)
            s = SessionDict(request, self.decode(cookie) if cookie else {})
            request.ext('session', lambda: s)
        return s

    def update(self, request, session):
        """Set the session cookie to ``session`` on this request's
        response."""
        value = self.encode(session)

        @request.after_request
        def _set(request, response):
            response.set_cookie(self.cookie_name, value,
                                **self.options_for(request))
            return response

    def delete(self, request):
        """Delete the session cookie with this request's response."""
        @request.after_request
        def _delete(request, response):
            response.delete_cookie(self.cookie_name,
                                   **self.options_for(request))
            return response

    def encode(self, payload, secret_key=None):
        """``payload`` as a signed token."""
        return jwt_encode({k: v for k, v in payload.items()},
                          self._key(secret_key))

    def decode(self, session, secret_key=None):
        """The payload of a token, or ``{}`` if it is invalid or expired."""
        return jwt_decode(session, self._key(secret_key)) or {}


def session_of(app):
    """The ``Session`` that ``app`` was initialised with."""
    store = getattr(app, '_session', None)  # Microdot's attribute for it
    if store is None:
        raise RuntimeError('no Session for this app: Session(app, '
                           'secret_key=...)')
    return store


def with_session(f):
    """Decorator: the handler is called as ``f(request, session, ...)``."""
    @wraps(f)
    async def wrapper(request, *args, **kwargs):
        return await invoke_handler(
            f, request, session_of(request.app).get(request), *args, **kwargs)
    return wrapper
