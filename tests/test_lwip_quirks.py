"""What a board's lwIP stack does that Linux's does not, found by the HIL
suite on the real Pico W image (rp2040js, PPP), and how the server copes.

These drive MicroPython's own connection class (``SocketConn``: the raw
non-blocking socket and asyncio's poller), so they run on MicroPython;
CPython serves through asyncio streams instead."""
import io

from support import MICROPYTHON, run, skip


class OutOfBuffers(io.IOBase):
    """A non-blocking socket whose stack runs out of segments: ``write``
    raises ENOMEM while still writable, as lwIP's tcp_write does under
    load, then takes a little at a time."""

    def __init__(self, failures, take=7):
        self.failures = failures
        self.take = take
        self.got = b''

    def write(self, data):
        if self.failures:
            self.failures -= 1
            raise OSError(12)  # ENOMEM
        n = min(self.take, len(data))
        self.got += bytes(data[:n])
        return n

    def ioctl(self, request, arg):
        # MicroPython's stream poll: always writable, as lwIP says while
        # it still has send window but no buffers
        return arg & 4 if request == 3 else 0


def test_enomem_on_write_is_waited_out_not_fatal():
    if not MICROPYTHON:
        skip('SocketConn is the MicroPython connection')
    from microdot.server import SocketConn
    sock = OutOfBuffers(failures=3)
    data = b'0123456789' * 5

    async def send():
        # the first write fails at once, then again after it has waited
        await SocketConn(sock, ('10.0.0.1', 1), 1000).awrite(data)
    run(send())
    assert sock.got == data and sock.failures == 0


def test_other_write_errors_still_end_the_connection():
    if not MICROPYTHON:
        skip('SocketConn is the MicroPython connection')
    from microdot.server import SocketConn

    class Reset(OutOfBuffers):
        def write(self, data):
            raise OSError(104)  # ECONNRESET
    async def send():
        await SocketConn(Reset(0), ('10.0.0.1', 1), 1000).awrite(b'x')
    try:
        run(send())
    except OSError as exc:
        assert exc.errno == 104
    else:
        assert False, 'a reset connection must raise'
