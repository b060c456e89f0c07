"""Connections over asyncio streams (``StreamReader``/``StreamWriter``, or
Microdot-style streams with ``awrite()``): what CPython serves with, and
``Microdot.handle_request()`` anywhere.  A board's own server uses
sockets (``microdot.server.SocketConn``) and never loads this."""
import asyncio
from microdot.server import Conn, CONTINUE


class StreamConn(Conn):
    """A server connection on a pair of asyncio streams."""
    async def _recv(self, n):
        b = self.body
        if b is None:
            return await self.s.read(n)
        if b.expects_continue:
            b.expects_continue = False
            await self._send(CONTINUE)
        self.arm(self.read_timeout)
        try:
            return await self.s.read(n)
        finally:
            self.deadline = None

    def get_extra_info(self, name, default=None):
        try:
            return self.w.get_extra_info(name)
        except (AttributeError, KeyError):
            return default

    async def _send(self, data):
        w = self.w
        if hasattr(w, 'drain'):
            w.write(data)
            await w.drain()
        else:  # a Microdot-style stream with only awrite()
            await w.awrite(data)

    async def aclose(self):
        w = self.w
        try:
            if hasattr(w, 'wait_closed'):
                w.close()
                await w.wait_closed()
            else:
                await w.aclose()
        except (OSError, asyncio.CancelledError):
            pass
