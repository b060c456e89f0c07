"""What a board's lwIP stack does that Linux's does not, found by the HIL
suite on the real Pico W image (rp2040js, PPP), and how the server copes.

These drive MicroPython's own connection class (``SocketConn``: the raw
non-blocking socket and asyncio's poller), so they run on MicroPython;
CPython serves through asyncio streams instead."""
import io

from support import MICROPYTHON, run, skip


class OutOfBuffers(io.IOBase):
    """A non-blocking socket on lwIP under load: ``write`` queues the bytes
    and then raises ENOMEM because lwIP had no buffer to send them at once
    (MicroPython 1.28's socket does that), or takes a little at a time."""

    def __init__(self, failures, take=7):
        self.failures = failures
        self.take = take
        self.got = b''

    def write(self, data):
        if self.failures:
            self.failures -= 1
            self.got += bytes(data)  # queued all the same
            raise OSError(12)  # ENOMEM
        n = min(self.take, len(data))
        self.got += bytes(data[:n])
        return n

    def ioctl(self, request, arg):
        # MicroPython's stream poll: always writable
        return arg & 4 if request == 3 else 0


def test_enomem_on_write_is_not_sent_twice():
    # the HIL suite's 1 MB download from the real Pico W image came back
    # 6 KB long when ENOMEM was taken for "nothing written"
    if not MICROPYTHON:
        skip('SocketConn is the MicroPython connection')
    from microdot.server import SocketConn
    async def send(sock, data):
        conn = SocketConn(sock, ('10.0.0.1', 1), 1000)
        await conn.awrite(data)
        await conn.awrite(b'next')
    for failures in (1, 3):
        sock = OutOfBuffers(failures)
        data = b'0123456789' * 5
        run(send(sock, data))
        assert sock.got == data + b'next', (failures, sock.got)


def test_enomem_after_a_partial_write():
    if not MICROPYTHON:
        skip('SocketConn is the MicroPython connection')
    from microdot.server import SocketConn

    class PartThenFull(OutOfBuffers):
        calls = 0

        def write(self, data):
            self.calls += 1
            if self.calls == 1:  # takes 7, then lwIP runs short
                self.got += bytes(data[:7])
                return 7
            return OutOfBuffers.write(self, data)
    sock = PartThenFull(failures=1)
    data = b'abcdefghij' * 3

    async def send():
        await SocketConn(sock, ('10.0.0.1', 1), 1000).awrite(data)
    run(send())
    assert sock.got == data


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
