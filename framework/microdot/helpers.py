"""Runtime differences between MicroPython and CPython, settled once here.

The MicroPython versions are defined here; CPython's live in ``cpython``,
which a board never loads.  Other modules import what they need from this
one and never test the runtime themselves.
"""
import sys
import json  # noqa: F401 (one place to swap the JSON codec)

CPYTHON = sys.implementation.name != 'micropython'

if CPYTHON:
    from microdot.cpython import wraps, print_exception, ticks_ms, \
        ticks_diff, ticks_add, iscoroutine, invoke_handler, call_handler, \
        room, sleep_ms, adapt_server  # noqa: F401
    #: bytes asked of a socket or a body at a time
    READ_SIZE = 4096
    #: ``Microdot.max_connections`` and ``max_streams`` by default
    MAX_CONNECTIONS = 100
    MAX_STREAMS = 1000
else:
    import gc
    from sys import print_exception  # noqa: F401
    from time import ticks_ms, ticks_diff, ticks_add  # noqa: F401
    from asyncio import sleep_ms  # noqa: F401
    # small on a board, where a bigger block may not be free in a
    # fragmented heap
    READ_SIZE = 256
    MAX_CONNECTIONS = 8
    MAX_STREAMS = 32

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

    def call_handler(handler, *args, **kwargs):
        # what the handler returned, or its coroutine for the caller to
        # await: a coroutine frame saved on every request
        return handler(*args, **kwargs)

    def adapt_server(cls):
        return cls

    _free = [0, 0]  # a gc.mem_free() reading less what room() granted
                    # since, and the ticks_ms of the reading

    def room(need):
        """True while ``need`` bytes of heap are free.  gc.mem_free() walks
        the heap's whole allocation table (about 25 us at 256 KB, a fifth
        of a small request), so a reading is reused: each yes counts
        ``need`` as spent (about what a request allocates), and the heap is
        read again once less than three times ``need`` is left of it, or a
        second later.  Counting by calls, not by time, keeps the cost per
        request the same however fast requests come.  mem_free() counts
        garbage as used: collect before saying no."""
        now = ticks_ms()
        left = _free[0] - need
        if left >= 3 * need and ticks_diff(now, _free[1]) < 1000:
            _free[0] = left
            return True
        free = gc.mem_free()
        if free < need:
            gc.collect()
            free = gc.mem_free()
        _free[0] = free - need
        _free[1] = now
        return free >= need


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
    request.ext('vary', set).add(name)

