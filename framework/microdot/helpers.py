"""Runtime differences between MicroPython and CPython, settled once here.

The MicroPython versions are defined here; CPython's live in ``cpython``,
which a board never loads.  Other modules import from this one and never
probe the runtime themselves.
"""
import sys
import json  # noqa: F401 (one place to swap the JSON codec)

CPYTHON = sys.implementation.name != 'micropython'

if CPYTHON:
    from microdot.cpython import wraps, print_exception, ticks_ms, \
        ticks_diff, ticks_add, iscoroutine, invoke_handler  # noqa: F401
else:
    from sys import print_exception  # noqa: F401
    from time import ticks_ms, ticks_diff, ticks_add  # noqa: F401

    def wraps(wrapped):
        # MicroPython has no functools.wraps; decorators still work
        return lambda wrapper: wrapper

    def iscoroutine(obj):
        # a coroutine is a generator object on MicroPython
        return hasattr(obj, 'send') and hasattr(obj, 'throw')

    async def invoke_handler(handler, *args, **kwargs):
        ret = handler(*args, **kwargs)
        if iscoroutine(ret):
            ret = await ret
        return ret


#: errno values that only mean the client went away (broken pipe,
#: connection reset, socket closed), as Microdot names them
MUTED_SOCKET_ERRORS = [32, 54, 104, 128]


def is_disconnect(exc):
    """True for the OSErrors that only mean the client went away."""
    a = exc.args[:1]
    return a == ('Connection lost',) or a and a[0] in MUTED_SOCKET_ERRORS


def vary(request, name):
    """Note that the response depends on request header ``name`` (the app
    adds it to the response's ``Vary``)."""
    g = request.g
    v = getattr(g, '_vary', None)
    if v is None:
        v = g._vary = set()
    v.add(name)


def mro(cls):
    """Classes to try, most specific first, when matching exception
    handlers."""
    if hasattr(cls, '__mro__'):
        return cls.__mro__
    # MicroPython: depth-first walk, keeping the last of any duplicates
    order = [cls]
    for base in cls.__bases__:
        order += mro(base)
    return [c for i, c in enumerate(order) if c not in order[i + 1:]]
