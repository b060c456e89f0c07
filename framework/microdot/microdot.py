"""Names that Microdot 2.x applications import from ``microdot.microdot``."""
from microdot import Microdot, HTTPException, abort, Request, Response, \
    URLPattern, MultiDict, NoCaseDict, iscoroutine, \
    redirect, send_file  # noqa: F401
from microdot.body import AsyncBytesIO  # noqa: F401
from microdot.forms import urldecode, urlencode  # noqa: F401
from microdot.helpers import invoke_handler, print_exception, \
    MUTED_SOCKET_ERRORS  # noqa: F401
from microdot.appextra import mro  # noqa: F401

urldecode_str = urldecode_bytes = urldecode
