"""Helpers shared by the tests on both runtimes (pytest on CPython, our
runner on MicroPython)."""
import asyncio
import sys

MICROPYTHON = sys.implementation.name == 'micropython'

try:
    import pytest

    def skip(reason):
        pytest.skip(reason)
except ImportError:
    class Skipped(Exception):
        pass

    def skip(reason):
        raise Skipped(reason)


def run(coro):
    """Run a coroutine to completion on a fresh event loop."""
    return asyncio.run(coro)


def raises(exc_class, f, *args, **kwargs):
    """Call f and return the exception it raised, which must be an
    ``exc_class``."""
    try:
        f(*args, **kwargs)
    except exc_class as exc:
        return exc
    raise AssertionError('%s not raised' % exc_class.__name__)


async def araises(exc_class, coro):
    try:
        await coro
    except exc_class as exc:
        return exc
    raise AssertionError('%s not raised' % exc_class.__name__)


class Stream:
    """A byte source with the async read API of a socket stream that hands
    out at most ``step`` bytes per read, to exercise partial reads."""
    def __init__(self, data, step=7):
        self.data = data
        self.pos = 0
        self.step = step
        self.written = b''

    async def read(self, n=-1):
        n = self.step if n < 0 else min(n, self.step)
        out = self.data[self.pos:self.pos + n]
        self.pos += len(out)
        return out

    async def awrite(self, data):
        self.written += data
