"""CPython versions of the helpers that MicroPython provides natively.

Imported by ``helpers`` on CPython only; never frozen into a board image.
"""
import asyncio
import time
import traceback
from functools import partial, wraps  # noqa: F401
from inspect import iscoroutinefunction, iscoroutine


def print_exception(exc):
    traceback.print_exception(type(exc), exc, exc.__traceback__)


def ticks_ms():
    return int(time.monotonic() * 1000)


def ticks_diff(a, b):
    return a - b


def ticks_add(a, b):
    return a + b


async def invoke_handler(handler, *args, **kwargs):
    # As in Microdot 2.x on CPython: a plain function runs in a worker
    # thread, so blocking code in it does not stall the event loop.
    if iscoroutinefunction(handler):
        ret = await handler(*args, **kwargs)
    else:
        ret = await asyncio.get_running_loop().run_in_executor(
            None, partial(handler, *args, **kwargs))
    if iscoroutine(ret):
        ret = await ret
    return ret


async def listen(server, host, port, ssl, busy, start_serving=True):
    """Start asyncio's server for ``server`` (a ``microdot.server.Server``),
    refusing connections beyond the app's cap with ``busy``."""
    async def accepted(reader, writer):
        if server.closing or (server.full() and not server.evict()):
            writer.write(busy)
            writer.close()
            return
        await server.connection(reader, writer)
    return await asyncio.start_server(accepted, host, port, ssl=ssl,
                                      backlog=server.app.backlog,
                                      start_serving=start_serving)
