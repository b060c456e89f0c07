"""Cross-Origin Resource Sharing: ``CORS(app, allowed_origins=[...])``
adds the ``Access-Control-*`` headers and answers preflight requests."""
from microdot.helpers import vary


class CORS:
    """``allowed_origins``: a list of origins (``'https://a.example'``) or
    ``'*'`` for any; ``allow_credentials`` lets those origins send cookies;
    ``allowed_methods`` / ``allowed_headers``: None allows what the client
    asks for; ``expose_headers``: response headers scripts may read;
    ``max_age``: seconds a browser may cache a preflight answer."""
    def __init__(self, app=None, allowed_origins=None,
                 allow_credentials=False, allowed_methods=None,
                 expose_headers=None, allowed_headers=None, max_age=None,
                 handle_cors=True):
        self.allowed_origins = allowed_origins
        self.allow_credentials = allow_credentials
        self.allowed_methods = allowed_methods
        self.expose_headers = expose_headers
        self.allowed_headers = None if allowed_headers is None else \
            [h.lower() for h in allowed_headers]
        self.max_age = max_age
        if app is not None:
            self.initialize(app, handle_cors=handle_cors)

    def initialize(self, app, handle_cors=True):
        self.default_options_handler = app.options_handler
        if handle_cors:
            app.options_handler = self.options_handler
            app.after_request(self.after_request)
            app.after_error_request(self.after_request)

    def options_handler(self, request):
        headers = self.default_options_handler(request)
        headers.update(self.get_cors_headers(request))
        return headers

    def get_cors_headers(self, request):
        """The CORS headers for the response to ``request``."""
        out = {}
        origin = request.headers.get('Origin')
        allowed = self.allowed_origins
        if allowed == '*':
            out['Access-Control-Allow-Origin'] = origin or '*'
        elif origin and origin in (allowed or ()):
            out['Access-Control-Allow-Origin'] = origin
        if origin and out:
            vary(request, 'Origin')
            if self.allow_credentials:
                out['Access-Control-Allow-Credentials'] = 'true'
        if self.expose_headers:
            out['Access-Control-Expose-Headers'] = ', '.join(
                self.expose_headers)
        if request.method == 'OPTIONS':
            if self.max_age:
                out['Access-Control-Max-Age'] = str(self.max_age)
            method = request.headers.get('Access-Control-Request-Method')
            if method:
                method = method.upper()
                if self.allowed_methods is None or \
                        method in self.allowed_methods:
                    out['Access-Control-Allow-Methods'] = method
            asked = request.headers.get('Access-Control-Request-Headers')
            if asked:
                if self.allowed_headers is not None:
                    asked = ', '.join(
                        h.strip() for h in asked.split(',')
                        if h.strip().lower() in self.allowed_headers)
                out['Access-Control-Allow-Headers'] = asked
        return out

    def after_request(self, request, response):
        if request:
            response.headers.update(self.get_cors_headers(request))
