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


def asyncio_server(base):
    """``microdot.server.Server`` with the API of the ``asyncio.Server`` it
    wraps, as Microdot's ``app.server`` is one: ``start_serving()``,
    ``sockets``, ``is_serving()``..."""
    class Server(base):
        watcher = None  # the task enforcing the deadlines
        aserver = None  # the asyncio.Server

        def __getattr__(self, name):
            # the rest of asyncio.Server's API (AttributeError before start)
            return getattr(self.__dict__.get('aserver'), name)

        async def start_serving(self):
            """Start accepting connections, and enforcing their deadlines,
            in the background."""
            if self.watcher is None and self.listener is not None:
                await self.listener.start_serving()
                self.watcher = asyncio.create_task(base.serve_forever(self))

        async def serve_forever(self):
            await self.start_serving()
            if self.watcher is not None:
                await self.watcher
    return Server
