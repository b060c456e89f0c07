"""The asyncio server: accepts connections, admits or refuses them, runs
the keep-alive loop of each and enforces the timeouts.

Protocol decisions live in ``http``, ``request`` and ``response``; this
module only moves bytes and keeps time.
"""
import asyncio
import gc
from microdot.helpers import ticks_ms, ticks_add, ticks_diff, \
    print_exception, is_disconnect, room, sleep_ms, adapt_server
from microdot.http import ProtocolError, Reader, wants_keep_alive
from microdot.request import Request
from microdot.response import Response

_BUSY = b'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n' \
    b'Connection: close\r\nRetry-After: 1\r\n\r\n'
_ERROR = b'HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n' \
    b'Connection: close\r\n\r\n'
CONTINUE = b'HTTP/1.1 100 Continue\r\n\r\n'


class Conn(Reader):
    """One client connection: buffered reads, writes, and the deadline the
    server enforces on whatever it is waiting for.  Subclasses move the
    bytes: ``SocketConn`` (MicroPython's sockets) and
    ``microdot.streams.StreamConn`` (asyncio streams).

    While a request body is being read (``body`` is set), each wait for the
    client's bytes is bounded by ``read_timeout``, and a ``100 Continue``
    the body says is owed is written before the first wait."""
    deadline = None     # ticks_ms; past it the task is cancelled
    write_timeout = 0   # ms allowed for each write
    sent = False        # bytes of the current request's answer went out
    #: A long-lived stream (a WebSocket, an event stream): counted apart
    #: from ``max_connections``, up to ``max_streams``.
    streaming = False

    def __init__(self, reader, writer, read_timeout):
        super().__init__(reader)
        self.w = writer
        self.read_timeout = read_timeout  # ms allowed for each body read
        self.task = asyncio.current_task()
        self.idle = ticks_ms() or 1  # waiting for a request since; 0: busy

    def arm(self, ms):
        self.deadline = ticks_add(ticks_ms(), int(ms))

    def long_lived(self, write_timeout):
        """Called by an extension that keeps the connection for a stream
        (WebSocket, event stream): it no longer counts as one of
        ``max_connections``, and each write may wait ``write_timeout``
        seconds."""
        self.streaming = True
        self.write_timeout = write_timeout * 1000

    async def awrite(self, data):
        self.sent = True
        if self.write_timeout:
            self.arm(self.write_timeout)
        await self._send(data)
        self.deadline = None


class SocketConn(Conn):
    """MicroPython: a connection on the raw non-blocking socket, waiting on
    asyncio's poller directly; this spares the stream objects and the
    ``asyncio.stream`` module, which a small heap feels."""
    def __init__(self, sock, addr, read_timeout):
        super().__init__(None, None, read_timeout)
        self.sock = sock
        self.addr = addr

    # Plain generators, not coroutines: MicroPython awaits them the same
    # way, and a yield to the poller here saves a frame per socket call.
    def _recv(self, n):
        # Read at once: the bytes are usually there already (a body, the
        # next pipelined request); the poller is waited on only when not.
        data = self.sock.read(n)
        if data is not None:
            return data
        b = self.body
        if b is not None:
            if b.expects_continue:
                b.expects_continue = False
                yield from self._send(CONTINUE)
            self.arm(self.read_timeout)
        q = _io_queue()
        while True:
            yield q.queue_read(self.sock)
            data = self.sock.read(n)
            if data is not None:  # None: nothing yet, or TLS wants more
                if b is not None:
                    self.deadline = None
                return data

    def _write(self, data):
        try:
            return self.sock.write(data) or 0
        except OSError as exc:
            # ENOMEM: lwIP queued the bytes but had no buffer to send them
            # at once (MicroPython 1.28 reports that as an error; resending
            # duplicated bytes on the real Pico W).  It sends them later:
            # count them written and give it time.
            if exc.errno == _ENOMEM:
                return -len(data)
            raise

    def _send(self, data):
        # Write at once: a non-blocking socket takes what fits, usually all
        # of it, and waiting on the poller first would cost a round trip
        # through the event loop per response.
        n = self._write(data)
        if n == len(data):
            return  # the usual case, without a memoryview to allocate
        q = _io_queue()
        mv = memoryview(data)[abs(n):]
        while True:
            if n < 0:  # queued, not sent: let lwIP catch up first
                yield from sleep_ms(10)
            if not mv:
                return
            if n >= 0:
                yield q.queue_write(self.sock)
            n = self._write(mv)
            mv = mv[abs(n):]

    def get_extra_info(self, name, default=None):
        return self.addr if name == 'peername' else default

    async def aclose(self):
        self.sock.close()


class Server:
    """``app.server`` (on CPython, with more of asyncio.Server's API: see
    ``microdot.cpython.adapt_server``)."""
    busy = _BUSY  # the quick answer to a connection that is not admitted

    def __init__(self, app):
        self.app = app
        self.conns = []
        self.closing = False
        self.listener = None
        self.accept_task = None

    async def start(self, host, port, ssl=None, start_serving=True):
        """Bind and listen (CPython: accept only from ``start_serving()``
        or ``serve_forever()`` when ``start_serving`` is false)."""
        app = self.app
        if not start_serving:
            raise ValueError('start_serving must be True on MicroPython')
        import socket
        ai = socket.getaddrinfo(host, port)[0]
        s = socket.socket(ai[0], socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(ai[-1])
        s.listen(app.backlog)
        s.setblocking(False)
        self.listener = s
        self.accept_task = asyncio.create_task(self._accept_loop(s, ssl))

    async def serve_forever(self):
        """Serve until ``close()``, enforcing the connections' deadlines."""
        app = self.app
        try:
            while not self.closing:
                await asyncio.sleep(0.25)
                now = ticks_ms()
                for c in self.conns:
                    if c.deadline is not None and \
                            ticks_diff(now, c.deadline) >= 0:
                        if app.debug:
                            print('Timeout: closing', c.get_extra_info(
                                'peername'))
                        c.deadline = None
                        c.task.cancel()
        finally:
            self.close()
            if self.accept_task is not None:
                self.accept_task.cancel()
            # requests in progress may finish (for at most 5 s)
            for _ in range(50):
                if all(c.idle for c in self.conns):
                    break
                await asyncio.sleep(0.1)
            for c in self.conns:
                c.task.cancel()
            await asyncio.sleep(0)

    def close(self):
        """Stop accepting; connections waiting for a request are closed,
        requests in progress are answered."""
        self.closing = True
        if self.listener is not None:
            self.listener.close()
            self.listener = None
        for c in self.conns:
            if c.idle:
                c.task.cancel()

    def full(self):
        """True when ``max_connections`` request/response connections are
        open.  Up to ``max_streams`` long-lived streams don't count: browser
        tabs holding event streams or WebSockets leave room for requests."""
        app = self.app
        n = len(self.conns)
        if n >= app.max_connections:
            streams = 0
            for c in self.conns:
                streams += c.streaming
            n -= min(streams, app.max_streams)
        return n >= app.max_connections

    def evict(self):
        """Close the connection that has waited longest (over a second) for
        a request, to make room for a new one: silent clients can't lock
        others out.  False if there is none."""
        now = ticks_ms()
        old = None
        for c in self.conns:
            if c.idle and ticks_diff(now, c.idle) > 1000 and \
                    (old is None or ticks_diff(old.idle, c.idle) > 0):
                old = c
        if old is None:
            return False
        old.idle = 0  # not again
        old.task.cancel()
        return True

    async def admit(self):
        """Whether a new connection may be served: there is room among
        ``max_connections`` and (MicroPython) heap for it and a request,
        made by evicting idle connections if need be.  The one admission
        policy of both backends."""
        if self.closing:
            return False
        full = self.full()
        while full or not room(2 * self.app.reserve_ram):
            if not self.evict():
                return False
            full = False
            await sleep_ms(1)  # let it go and free its RAM
        return True

    async def wait_closed(self):
        while self.listener is not None or self.conns:
            await asyncio.sleep(0.05)

    async def _accept_loop(self, s, ssl):
        # MicroPython: our own accept loop, so that running out of memory
        # while admitting a client costs that client, not the server.
        q = _io_queue()
        while True:
            c = None
            try:
                yield q.queue_read(s)
                c, addr = s.accept()
                ok = await self.admit()
                if ok and ssl:
                    try:
                        c = ssl.wrap_socket(c, server_side=True,
                                            do_handshake_on_connect=False)
                    except (OSError, MemoryError):
                        # no heap for one more TLS session (mbedTLS:
                        # ENOMEM): the client is told so in plain text,
                        # before any handshake, as over the cap
                        ok = False
                c.setblocking(False)
                if not ok:
                    c.send(_BUSY)
                    c.close()
                    continue
                asyncio.create_task(
                    self.connection(c, _peer(addr), SocketConn))
            except Exception as exc:
                if c is not None:
                    c.close()
                if isinstance(exc, MemoryError):
                    # the poller may hold a half-made registration of ours
                    q.remove(asyncio.current_task())
                    gc.collect()
                    await sleep_ms(20)  # let connections finish
                elif not isinstance(exc, OSError):
                    print_exception(exc)

    async def connection(self, reader, writer, kind=None):
        """Serve every request of one connection, then close it.  Takes
        asyncio streams, or (``kind=SocketConn``) a socket and its address.
        """
        app = self.app
        if kind is None:
            from microdot.streams import StreamConn as kind
        try:
            conn = kind(reader, writer, app.body_timeout * 1000)
            self.conns.append(conn)
        except MemoryError:
            (reader if kind is SocketConn else writer).close()
            return
        count = 0
        try:
            while not self.closing:
                # Wait for a request's first bytes here, in this frame, so an
                # idle connection holds as few coroutine frames as possible.
                conn.idle = ticks_ms() or 1
                if count:
                    if not conn.buffered():
                        conn.buf = b''  # an idle connection keeps no bytes
                        conn.arm(app.idle_timeout * 1000)
                        if not await conn.fill():
                            break
                    conn.arm(app.header_timeout * 1000)
                else:
                    conn.arm(app.header_timeout * 1000)
                    if not await conn.fill():
                        break
                # Short of RAM (MicroPython), a request waits its turn, as
                # parsing them all at once would fail them all; after 0.2 s
                # it gets a 503, which frees its share for the others.
                for _ in range(40):
                    if room(app.reserve_ram):
                        break
                    await sleep_ms(5)
                else:
                    await conn.awrite(_BUSY)
                    break
                conn.sent = False
                conn.body = None
                if not await self._request(conn, count):
                    break
                count += 1
        except asyncio.CancelledError:
            pass
        except MemoryError:
            gc.collect()
            print('MemoryError: connection from %s dropped' % (
                conn.get_extra_info('peername'),))
            if not conn.sent:  # a 503 only where no answer has begun
                await _try_write(conn, _BUSY)
        except EOFError:
            pass  # the client closed in the middle of a request
        except Exception as exc:
            if not isinstance(exc, OSError) or not is_disconnect(exc):
                print_exception(exc)
                if not conn.sent:  # (a failing error handler...) a 500
                    await _try_write(conn, _ERROR)
        finally:
            conn.deadline = None
            self.conns.remove(conn)
            await conn.aclose()

    async def _request(self, conn, count):
        """Serve one request; return whether the connection stays open."""
        app = self.app
        addr = conn.get_extra_info('peername')
        try:
            req = await Request.create(app, conn, conn, addr,
                                       'https' if app.ssl else 'http')
        except ProtocolError as exc:
            conn.deadline = None
            conn.body = None
            print('%d %s from %s' % (exc.status, exc.reason, addr))
            await self._write(conn, await app.protocol_error_response(exc),
                              '1.1', False)
            # Read and drop what the client still sends, for a second at
            # most: closing with unread bytes makes the OS reset the
            # connection, and the client would lose our answer.
            conn.arm(1000)
            for _ in range(256):
                if not await conn._recv(conn.chunk):
                    break
            return False
        except EOFError:
            return False
        conn.deadline = None
        conn.idle = 0
        if req is None:
            return False
        if req.refused:
            print('400 %s from %s' % (req.refused, addr))
        res = await app.dispatch_request(req)
        if res is Response.already_handled:
            return False
        body = conn.body
        keep = not self.closing and \
            wants_keep_alive(req.http_version, req.headers) and \
            count + 1 != app.max_keep_alive_requests and \
            (body is None or body.done or not body.expects_continue and
             (body.chunked or body.left <= app.max_drain)) and \
            room(2 * app.reserve_ram)
        # (short of RAM, an idle connection kept open would hold what the
        # next request needs: the client reconnects when there is room)
        keep = await self._write(conn, res, req.http_version, keep)
        conn.streaming = False  # an event stream ended: a connection again
        if app.debug:
            print('%s %s %d' % (req.method, req.path, res.status_code))
        if keep and body is not None and not body.done:
            try:
                keep = await body.drain(app.max_drain)
            except (ProtocolError, EOFError):
                keep = False
        return keep

    async def _write(self, conn, res, version, keep):
        conn.write_timeout = self.app.write_timeout * 1000
        try:
            return await res.write(conn, version, keep, True)
        except ValueError as exc:
            if getattr(res, 'started', False):
                raise  # part of it is out: all we can do is close
            print_exception(exc)  # e.g. a header with CR/LF set by the app
            await _try_write(conn, _ERROR)
            return False
        finally:
            conn.write_timeout = 0


Server = adapt_server(Server)  # CPython: on asyncio's streams


async def _try_write(conn, data):
    try:
        await conn.awrite(data)
    except Exception:
        pass


_core = []
_ENOMEM = 12


def _io_queue():
    # MicroPython: the poller asyncio itself uses (looked up each time, as
    # a new event loop brings a new one)
    if not _core:
        from asyncio import core
        _core.append(core)
    return _core[0]._io_queue


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
