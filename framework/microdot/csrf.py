"""Cross-Site Request Forgery protection: ``CSRF(app, cors)``.

A state-changing request (not GET, HEAD or OPTIONS) is refused with 403
when the browser says it comes from another site: ``Sec-Fetch-Site``
(modern browsers) or, failing that, an ``Origin`` outside the CORS allowed
origins.  Requests that carry neither header come from non-browser clients
or very old browsers; they pass, unless ``token=True``: then they must
send the CSRF token (double-submit: the ``csrf_token`` cookie equals the
``X-CSRF-Token`` header or the ``csrf_token`` form field).
"""
from microdot.app import abort
from microdot.helpers import vary
from microdot.signing import compare


class CSRF:
    SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS']
    #: Cookie, header and form field names of token mode
    cookie_name = 'csrf_token'
    header_name = 'X-CSRF-Token'
    form_field = 'csrf_token'

    def __init__(self, app=None, cors=None, protect_all=True,
                 allow_subdomains=False, token=False):
        self.cors = None
        self.protect_all = protect_all
        self.allow_subdomains = allow_subdomains
        self.use_token = token
        self.exempt_routes = []
        self.protected_routes = []
        if app is not None:
            self.initialize(app, cors)

    def initialize(self, app, cors=None):
        self.cors = cors
        app.before_request(self._check)
        if self.use_token:
            app.after_request(self._set_token)

    def _origin_allowed(self, origin):
        allowed = self.cors.allowed_origins if self.cors else None
        if not allowed or allowed == '*':
            return False
        if origin in allowed:
            return True
        if self.allow_subdomains:
            scheme, _, host = origin.partition('://')
            for a in allowed:
                ascheme, _, ahost = a.partition('://')
                if scheme == ascheme and host.endswith('.' + ahost):
                    return True
        return False

    async def _check(self, request):
        route = request.route
        if route in self.protected_routes or (
                self.protect_all and route not in self.exempt_routes and
                request.method not in self.SAFE_METHODS):
            sfs = request.headers.get('Sec-Fetch-Site')
            origin = request.headers.get('Origin')
            if sfs:
                ok = sfs in ('same-origin', 'none') or (
                    sfs == 'same-site' and self.allow_subdomains)
                if ok:
                    vary(request, 'Sec-Fetch-Site')
            else:
                ok = False
            if not ok and origin:
                ok = self._origin_allowed(origin)
            if not ok and not sfs and not origin:
                ok = not self.use_token or self._token_ok(request)
            if not ok:
                abort(403, 'Forbidden')

    def _token_ok(self, request):
        expected = request.cookies.get(self.cookie_name)
        if not expected:
            return False
        sent = request.headers.get(self.header_name)
        if not sent and request.form:
            sent = request.form.get(self.form_field)
        return bool(sent) and compare(sent, expected)

    def token(self, request):
        """The request's CSRF token (token mode), to put in forms as the
        ``csrf_token`` field or in scripts' ``X-CSRF-Token`` header."""
        tok = request.cookies.get(self.cookie_name) or \
            request.ext('csrf_token')
        if not tok:
            import os
            from microdot.signing import b64url
            if not hasattr(os, 'urandom'):
                raise RuntimeError('CSRF tokens need os.urandom, which this '
                                   'port lacks')
            tok = b64url(os.urandom(18)).decode()
            request.ext('csrf_token', lambda: tok)
        return tok

    def _set_token(self, request, response):
        if self.cookie_name not in request.cookies:
            # readable by scripts (no HttpOnly): they send it back
            response.set_cookie(self.cookie_name, self.token(request),
                                path='/', same_site='Strict',
                                secure=request.scheme == 'https')

    def exempt(self, f):
        """Decorator: never check this route."""
        self.exempt_routes.append(f)
        return f

    def protect(self, f):
        """Decorator: always check this route, even for safe methods or
        with ``protect_all=False``."""
        self.protected_routes.append(f)
        return f
