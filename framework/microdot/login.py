"""Logins kept in the session: ``Login`` with ``login_user()``,
``logout_user()``, ``@login`` (also ``@login.login_required``) and
remember-me cookies.  Needs ``microdot.session.Session``."""
import time
from microdot.helpers import invoke_handler, wraps
from microdot.response import Response
from microdot.session import session_of


class Login:
    """User logins; unauthenticated visitors of protected routes are sent
    to ``login_url`` with the page they wanted in ``?next=``."""
    #: The remember-me cookie
    remember_cookie = '_remember'

    def __init__(self, login_url='/login'):
        self.login_url = login_url
        self.user_loader_callback = None

    def user_loader(self, f):
        """Decorator: ``f(user_id)`` returns the user, or None."""
        self.user_loader_callback = f
        return f

    def _session(self, request):
        return session_of(request.app).get(request)

    def _remember(self, request, days, user_id=None):
        store = session_of(request.app)
        value = store.encode({'user_id': user_id, 'days': days,
                              'exp': time.time() + days * 86400})

        @request.after_request
        def _set(request, response):
            response.set_cookie(self.remember_cookie, value,
                                max_age=days * 86400,
                                **store.options_for(request))
            return response

    def _user_id(self, request):
        session = self._session(request)
        if '_user_id' in session:
            return session['_user_id']
        cookie = request.cookies.get(self.remember_cookie)
        if cookie:
            payload = session_of(request.app).decode(cookie)
            user_id = payload.get('user_id')
            if user_id:
                # a new session from the cookie, marked not fresh
                self._remember(request, payload.get('days', 30), user_id)
                session['_user_id'] = user_id
                session['_fresh'] = False
                session.save()
                return user_id

    def _redirect_to_login(self, request):
        from microdot.forms import urlencode
        return Response.redirect(self.login_url + '?next=' +
                                 urlencode(request.url))

    async def login_user(self, request, user, remember=False,
                         redirect_url='/'):
        """Log ``user`` (an object with an ``id``) in, after the app has
        checked the credentials.  ``remember``: days (``True``: 30) for a
        cookie that logs the user back in after the session ends.  Returns
        a redirect to ``?next=`` (same-site paths only) or
        ``redirect_url``."""
        session = self._session(request)
        session['_user_id'] = user.id
        session['_fresh'] = True
        session.save()
        request.g.current_user = user
        if remember:
            self._remember(request, 30 if remember is True else
                           int(remember), user.id)
        next_url = request.args.get('next', redirect_url)
        # '/x' only: '//host' and 'http://host' would leave the site
        if not next_url.startswith('/') or next_url.startswith('//') or \
                '\\' in next_url:
            next_url = redirect_url
        return Response.redirect(next_url)

    async def logout_user(self, request):
        """Log the current user out (and forget the remember-me cookie)."""
        session = self._session(request)
        session.pop('_user_id', None)
        session.pop('_fresh', None)
        session.save()
        request.g.current_user = None
        if self.remember_cookie in request.cookies:
            self._remember(request, 0)

    async def get_current_user(self, request):
        """The logged-in user, or None."""
        g = request.g
        if not hasattr(g, 'current_user'):
            user_id = self._user_id(request)
            g.current_user = await invoke_handler(
                self.user_loader_callback, user_id) if user_id else None
        return g.current_user

    def __call__(self, f):
        """Decorator: the route is for logged-in users only."""
        @wraps(f)
        async def wrapper(request, *args, **kwargs):
            if not await self.get_current_user(request):
                return self._redirect_to_login(request)
            return await invoke_handler(f, request, *args, **kwargs)
        return wrapper

    login_required = __call__

    def fresh(self, f):
        """Decorator: logged-in users only, and only if they logged in with
        their credentials in this session (not from a remember-me
        cookie)."""
        inner = self(f)

        @wraps(f)
        async def wrapper(request, *args, **kwargs):
            if self._session(request).get('_fresh'):
                return await inner(request, *args, **kwargs)
            return self._redirect_to_login(request)
        return wrapper
