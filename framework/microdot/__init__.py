"""Microdot: a small web framework for MicroPython and CPython."""
from microdot.app import Microdot, HTTPException, abort  # noqa: F401
from microdot.request import Request  # noqa: F401
from microdot.response import Response  # noqa: F401
from microdot.routing import URLPattern  # noqa: F401
from microdot.http import NoCaseDict  # noqa: F401
from microdot.helpers import iscoroutine  # noqa: F401

__version__ = '0.1.0'

redirect = Response.redirect
send_file = Response.send_file


def __getattr__(name):
    # rarely used names load on first use, so a board pays for them only then
    if name == 'AsyncBytesIO':
        from microdot.body import AsyncBytesIO
        return AsyncBytesIO
    if name == 'MultiDict':
        from microdot.forms import MultiDict
        return MultiDict
    # MicroPython asks here before looking for a submodule: let
    # ``from microdot import websocket`` find it
    try:
        return __import__('microdot.' + name, None, None, [name])
    except ImportError:
        raise AttributeError(name)
