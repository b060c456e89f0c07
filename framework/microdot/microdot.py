"""Names that Microdot 2.x applications import from ``microdot.microdot``."""
from microdot import Microdot, HTTPException, abort, Request, Response, \
    URLPattern, AsyncBytesIO, MultiDict, NoCaseDict, iscoroutine, \
    redirect, send_file  # noqa: F401
from microdot.http import urlencode, urldecode  # noqa: F401
from microdot.helpers import invoke_handler, print_exception, mro  # noqa: F401

urldecode_str = urldecode_bytes = urldecode
