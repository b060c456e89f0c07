# Type stubs for editors and type checkers (CPython); never installed on a
# board.  The package's own modules carry no annotations: they would cost
# bytes there.
from typing import Any

from microdot.app import HTTPException as HTTPException
from microdot.app import Microdot as Microdot
from microdot.app import abort as abort
from microdot.http import NoCaseDict as NoCaseDict
from microdot.request import Request as Request
from microdot.response import Response as Response
from microdot.routing import URLPattern as URLPattern

__version__: str

redirect = Response.redirect
send_file = Response.send_file

def iscoroutine(object: object) -> bool: ...
def __getattr__(name: str) -> Any: ...
