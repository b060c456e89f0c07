"""The asyncio server: accepts connections, admits or refuses them, runs
the keep-alive loop of each and enforces the timeouts.

All protocol decisions live in ``http``, ``request`` and ``response``;
this module only moves bytes and keeps time.
"""
import asyncio
import gc
from microdot.helpers import CPYTHON, ticks_ms, ticks_add, ticks_diff, \
    print_exception, is_disconnect
from microdot.http import ProtocolError, Reader, connection_tokens
from microdot.request import Request
from microdot.response import Response

_BUSY = b'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n' \
    b'Connection: close\r\nRetry-After: 1\r\n\r\n'


class Conn:
    """One client connection: its streams and its current deadline."""
    def __init__(self, reader, writer):
        self.r = reader
        self.w = writer
        self.deadline = None    # ticks_ms after which the watchdog cancels
        self.read_timeout = 0   # ms allowed for each body read
        self.write_timeout = 0
        self.task = None
        self.timed_out = False
        self.idle = True        # waiting for (the head of) a request

    def arm(self, ms):
        self.deadline = ticks_add(ticks_ms(), int(ms))

    def get_extra_info(self, name, default=None):
        try:
            return self.w.get_extra_info(name)
        except (AttributeError, KeyError):
            return default

    async def awrite(self, data):
        if self.write_timeout:
            self.arm(self.write_timeout)
        w = self.w
        if hasattr(w, 'drain'):
            w.write(data)
            await w.drain()
        else:
            await w.awrite(data)
        if self.write_timeout:
            self.deadline = None

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


class Server:
    def __init__(self, app):
        self.app = app
        self.conns = []
        self.closing = False
        self.listener = None
        self.tasks = []
        self.stopped = asyncio.Event()

    async def serve(self, host, port, ssl=None):
        app = self.app
        if CPYTHON:
            self.listener = await asyncio.start_server(
                self._accepted, host, port, ssl=ssl, backlog=app.backlog)
        else:
            import socket
            ai = socket.getaddrinfo(host, port)[0]
            s = socket.socket(ai[0], socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(ai[-1])
            s.listen(app.backlog)
            s.setblocking(False)
            self.listener = s
            self.tasks.append(asyncio.create_task(self._accept_loop(s, ssl)))
        self.tasks.append(asyncio.create_task(self._watchdog()))
        try:
            await self.stopped.wait()
        finally:
            self._stop_listening()
            # let requests in progress finish (bounded), then stop the rest
            for _ in range(50):
                if all(c.idle for c in self.conns):
                    break
                await asyncio.sleep(0.1)
            for c in self.conns:
                if c.task is not None:
                    c.task.cancel()
            for t in self.tasks:
                t.cancel()
            await asyncio.sleep(0)

    def _stop_listening(self):
        if self.listener is not None:
            self.listener.close()
            self.listener = None

    def close(self):
        """Stop accepting; idle keep-alive connections are closed."""
        self.closing = True
        for c in self.conns:
            if c.idle and c.task is not None:
                c.task.cancel()  # waiting for a next request: end it now
        self.stopped.set()

    async def wait_closed(self):
        while self.listener is not None or self.conns:
            await asyncio.sleep(0.05)

    async def _accept_loop(self, s, ssl):
        # MicroPython: our own accept loop, so that a MemoryError while
        # admitting a client costs that client, not the whole server.
        from asyncio import core
        while True:
            yield core._io_queue.queue_read(s)
            try:
                c, addr = s.accept()
            except OSError:
                continue
            except MemoryError:
                gc.collect()
                continue
            try:
                if self.closing or len(self.conns) >= self.app.max_connections:
                    _refuse(c)
                    continue
                if ssl:
                    c = ssl.wrap_socket(c, server_side=True,
                                        do_handshake_on_connect=False)
                c.setblocking(False)
                st = asyncio.StreamWriter(c, {'peername': _peer(addr)})
                asyncio.create_task(self.connection(st, st))
            except MemoryError:
                c.close()
                gc.collect()
            except Exception as exc:
                c.close()
                print_exception(exc)

    async def _accepted(self, reader, writer):
        # CPython: asyncio accepted the connection; admit or refuse it
        if self.closing or len(self.conns) >= self.app.max_connections:
            try:
                writer.write(_BUSY)
                await writer.drain()
                writer.close()
            except Exception:
                pass
            return
        await self.connection(reader, writer)

    async def _watchdog(self):
        while True:
            await asyncio.sleep(0.25)
            now = ticks_ms()
            for c in self.conns:
                if c.deadline is not None and \
                        ticks_diff(now, c.deadline) >= 0:
                    c.deadline = None
                    c.timed_out = True
                    if c.task is not None:
                        c.task.cancel()

    async def connection(self, reader, writer):
        """Serve every request of one connection, then close it."""
        app = self.app
        conn = Conn(reader, writer)
        conn.read_timeout = app.body_timeout * 1000
        conn.task = asyncio.current_task()
        self.conns.append(conn)
        rd = Reader(reader, conn)
        addr = conn.get_extra_info('peername')
        scheme = 'https' if app.ssl else 'http'
        count = 0
        try:
            while not self.closing:
                if not await self._request(conn, rd, addr, scheme, count):
                    break
                count += 1
        except asyncio.CancelledError:
            if app.debug and conn.timed_out:
                print('Connection from %s timed out' % (addr,))
        except OSError as exc:
            if not is_disconnect(exc):
                print_exception(exc)
        except MemoryError:
            gc.collect()
            await _try_write(conn, _BUSY)
        except Exception as exc:
            print_exception(exc)
        finally:
            conn.deadline = None
            try:
                self.conns.remove(conn)
            except ValueError:
                pass
            await conn.aclose()

    async def _request(self, conn, rd, addr, scheme, count):
        """Serve one request; return whether the connection stays open."""
        app = self.app
        conn.idle = True
        if count and not rd.buffered():
            conn.arm(app.idle_timeout * 1000)
            if not await rd.fill():
                return False
        conn.arm(app.header_timeout * 1000)
        try:
            req = await Request.create(app, rd, conn, addr, scheme)
        except ProtocolError as exc:
            conn.deadline = None
            print('%d %s from %s' % (exc.status, exc.reason, addr))
            res = await app.dispatch_request(None) if exc.status == 400 \
                else Response(exc.reason, exc.status)
            await self._write(conn, res, '1.1', False)
            return False
        except EOFError:
            return False
        conn.deadline = None
        conn.idle = False
        if req is None:
            return False
        res = await app.dispatch_request(req)
        if res is Response.already_handled:
            return False
        body = req._body_stream
        tokens = connection_tokens(req.headers)
        keep = not self.closing and \
            'close' not in tokens and \
            (req.http_version != '1.0' or 'keep-alive' in tokens) and \
            (not app.max_keep_alive_requests or
             count + 1 < app.max_keep_alive_requests) and \
            'close' not in connection_tokens(res.headers) and \
            (body.done or body.writer is None and
             (body.chunked or body.left <= app.max_drain))
        keep = await self._write(conn, res, req.http_version, keep)
        if app.debug:
            print('%s %s %d' % (req.method, req.path, res.status_code))
        if keep and not body.done:
            try:
                keep = await body.drain(app.max_drain)
            except (ProtocolError, EOFError):
                keep = False
        return keep

    async def _write(self, conn, res, version, keep):
        conn.write_timeout = self.app.write_timeout * 1000
        try:
            return await res.write(conn, version, keep)
        except ValueError as exc:
            if getattr(res, 'started', False):
                raise  # part of it is out: all we can do is close
            print_exception(exc)  # e.g. a header with CR/LF set by the app
            await _try_write(conn, b'HTTP/1.1 500 Internal Server Error\r\n'
                             b'Content-Length: 0\r\nConnection: close\r\n'
                             b'\r\n')
            return False
        finally:
            conn.write_timeout = 0


async def _try_write(conn, data):
    try:
        await conn.awrite(data)
    except Exception:
        pass


def _peer(addr):
    # the unix port gives a raw sockaddr; boards give (ip, port)
    if isinstance(addr, (bytes, bytearray)):
        try:
            import socket
            family, ip, port = socket.sockaddr(addr)
            return socket.inet_ntop(family, ip), port
        except Exception:
            pass
    return addr


def _refuse(sock):
    try:
        sock.setblocking(False)
        sock.send(_BUSY)
    except Exception:
        pass
    sock.close()
