"""``Set-Cookie`` headers (behind ``Response.set_cookie``)."""
from microdot.http import has_ctl


def set_cookie(res, cookie, value, path=None, domain=None, expires=None,
               max_age=None, secure=False, http_only=False,
               partitioned=False, same_site=None):
    """Add a cookie to response ``res``; refuses names and values that
    would break out of the header (``;``, CR, LF, NUL)."""
    value = str(value)
    for part in (value, path or '', domain or '',
                 expires if isinstance(expires, str) else ''):
        if ';' in part or has_ctl(part):
            raise ValueError('invalid cookie')
    if not cookie or has_ctl(cookie) or \
            [c for c in cookie if c in '=;, \t']:
        raise ValueError('invalid cookie name')
    c = cookie + '=' + value
    if path:
        c += '; Path=' + path
    if domain:
        c += '; Domain=' + domain
    if expires:
        if not isinstance(expires, str):
            expires = expires.strftime('%a, %d %b %Y %H:%M:%S GMT')
        c += '; Expires=' + expires
    if max_age is not None:
        c += '; Max-Age=' + str(max_age)
    if secure:
        c += '; Secure'
    if http_only:
        c += '; HttpOnly'
    if same_site:
        c += '; SameSite=' + same_site
    if partitioned:
        c += '; Partitioned'
    if 'Set-Cookie' in res.headers:
        res.headers['Set-Cookie'].append(c)
    else:
        res.headers['Set-Cookie'] = [c]
