"""Names that Microdot 2.x applications import from ``microdot.microdot``."""
from microdot import Microdot, HTTPException, abort, Request, Response, \
    URLPattern, MultiDict, NoCaseDict, iscoroutine, \
    redirect, send_file  # noqa: F401
from microdot.test_client import AsyncBytesIO  # noqa: F401
from microdot.forms import urldecode  # noqa: F401
from microdot.helpers import invoke_handler, print_exception, mro  # noqa: F401

urldecode_str = urldecode_bytes = urldecode


_SAFE = b'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~'


def urlencode(s):
    """Percent-encode a string for a query string (space becomes ``+``)."""
    out = []
    for c in s.encode():
        if c in _SAFE:
            out.append(chr(c))
        elif c == 32:
            out.append('+')
        else:
            out.append('%%%02X' % c)
    return ''.join(out)
