"""Runtime differences between MicroPython and CPython, detected once here.

Every other module imports what it needs from this one instead of probing the
runtime itself.
"""
import asyncio

try:
    from functools import wraps
except ImportError:  # MicroPython has no functools.wraps
    def wraps(wrapped):
        def decorator(wrapper):
            return wrapper
        return decorator

try:
    from sys import print_exception
except ImportError:
    import traceback

    def print_exception(exc):
        traceback.print_exception(type(exc), exc, exc.__traceback__)

try:
    from time import ticks_ms, ticks_diff, ticks_add
except ImportError:
    from time import monotonic as _monotonic

    def ticks_ms():
        return int(_monotonic() * 1000)

    def ticks_diff(a, b):
        return a - b

    def ticks_add(a, b):
        return a + b

try:
    from inspect import iscoroutinefunction, iscoroutine
    from functools import partial
    CPYTHON = True

    async def invoke_handler(handler, *args, **kwargs):
        # Like Microdot 2.x on CPython: a plain function runs in a worker
        # thread so that blocking code in it does not stall the event loop.
        if iscoroutinefunction(handler):
            ret = await handler(*args, **kwargs)
        else:
            ret = await asyncio.get_running_loop().run_in_executor(
                None, partial(handler, *args, **kwargs))
        if iscoroutine(ret):
            ret = await ret
        return ret
except ImportError:
    CPYTHON = False

    def iscoroutine(obj):
        # On MicroPython a coroutine is a generator object.
        return hasattr(obj, 'send') and hasattr(obj, 'throw')

    async def invoke_handler(handler, *args, **kwargs):
        ret = handler(*args, **kwargs)
        if iscoroutine(ret):
            ret = await ret
        return ret

import json  # noqa: F401 (re-exported: one place to swap the encoder)

# errno values that only mean "the client went away"
DISCONNECT_ERRORS = (32, 54, 104, 128)


def is_disconnect(exc):
    return (exc.args and exc.args[0] in DISCONNECT_ERRORS) or \
        getattr(exc, 'errno', None) in DISCONNECT_ERRORS or \
        exc.args == ('Connection lost',)


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
