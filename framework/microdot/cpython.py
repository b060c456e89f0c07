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


def call_handler(handler, *args, **kwargs):
    return invoke_handler(handler, *args, **kwargs)


def room(need):
    return True  # CPython's heap grows as needed


async def sleep_ms(ms):
    await asyncio.sleep(ms / 1000)


def adapt_server(base):
    """``microdot.server.Server`` on asyncio's streams, with the API of the
    ``asyncio.Server`` it wraps, as Microdot's ``app.server`` is one:
    ``start_serving()``, ``sockets``, ``is_serving()``..."""
    class Server(base):
        watcher = None  # the task enforcing the deadlines
        aserver = None  # the asyncio.Server

        def __getattr__(self, name):
            # the rest of asyncio.Server's API (AttributeError before start)
            return getattr(self.__dict__.get('aserver'), name)

        async def start(self, host, port, ssl=None, start_serving=True):
            async def accepted(reader, writer):
                if not await self.admit():
                    writer.write(base.busy)
                    writer.close()
                    return
                await self.connection(reader, writer)
            self.listener = self.aserver = await asyncio.start_server(
                accepted, host, port, ssl=ssl, backlog=self.app.backlog,
                start_serving=False)
            if start_serving:
                await self.start_serving()

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
