"""HTTP authentication for routes: ``BasicAuth`` (user name and password)
and ``TokenAuth`` (bearer tokens or an API-key header).

The application checks the credentials in its ``@auth.authenticate``
callback and returns the user (anything true) or None.  Compare secrets
there with ``microdot.signing.compare``, which takes constant time.
"""
import binascii
from microdot.app import abort
from microdot.helpers import invoke_handler, wraps


class BaseAuth:
    def __init__(self):
        self.auth_callback = None
        self.error_callback = None

    async def _user(self, request):
        auth = self._get_auth(request)
        user = None
        if auth:
            user = await invoke_handler(self.auth_callback, request, *auth)
        request.g.current_user = user
        return user

    def __call__(self, f):
        """Decorator: the route answers only authenticated requests
        (``request.g.current_user`` is the user); others get the error
        response."""
        @wraps(f)
        async def wrapper(request, *args, **kwargs):
            if not await self._user(request):
                return await invoke_handler(self.error_callback, request)
            return await invoke_handler(f, request, *args, **kwargs)
        return wrapper

    def optional(self, f):
        """Decorator: like the auth object itself, but unauthenticated
        requests reach the route too, with ``current_user`` None."""
        @wraps(f)
        async def wrapper(request, *args, **kwargs):
            await self._user(request)
            return await invoke_handler(f, request, *args, **kwargs)
        return wrapper

    def authenticate(self, f):
        """Decorator for the credential check: ``f(request, username,
        password)`` (basic) or ``f(request, token)`` returns the user or
        None."""
        self.auth_callback = f
        return f


class BasicAuth(BaseAuth):
    """HTTP Basic authentication (send it over TLS only: the password is
    in clear)."""
    def __init__(self, realm='Please login', charset='UTF-8', scheme='Basic',
                 error_status=401):
        super().__init__()
        self.realm = realm
        self.charset = charset
        self.scheme = scheme
        self.error_status = error_status
        self.error_callback = self.authentication_error

    def _get_auth(self, request):
        auth = request.headers.get('Authorization', '')
        if auth[:6].lower() == 'basic ':
            try:
                user, sep, pw = binascii.a2b_base64(
                    auth[6:].strip()).decode().partition(':')
            except (ValueError, UnicodeError):
                return None
            if sep:
                return user, pw

    async def authentication_error(self, request):
        return '', self.error_status, {
            'WWW-Authenticate': '%s realm="%s", charset="%s"' % (
                self.scheme, self.realm, self.charset)}


class TokenAuth(BaseAuth):
    """A token in ``Authorization: Bearer <token>``, or, with another
    ``header``, the whole header value."""
    def __init__(self, header='Authorization', scheme='Bearer',
                 error_status=401):
        super().__init__()
        self.header = header
        self.scheme = scheme.lower()
        self.error_status = error_status
        self.error_callback = self.authentication_error

    def _get_auth(self, request):
        auth = request.headers.get(self.header)
        if not auth:
            return None
        if self.header.lower() != 'authorization':
            return (auth,)
        scheme, _, token = auth.partition(' ')
        if scheme.lower() == self.scheme and token.strip():
            return (token.strip(),)

    def errorhandler(self, f):
        """Decorator: ``f(request)`` makes the response to a failed
        authentication."""
        self.error_callback = f
        return f

    async def authentication_error(self, request):
        abort(self.error_status)
