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


def needs(*features):
    """Skip the test on a port that lacks a feature it needs: 'socket',
    'sha1' (hashlib), 'urandom' (os), 'time' (time.time)."""
    for f in features:
        try:
            if f == 'socket':
                import socket  # noqa: F401
                ok = True
            elif f == 'sha1':
                import hashlib
                ok = hasattr(hashlib, 'sha1')
            elif f == 'urandom':
                import os
                ok = hasattr(os, 'urandom')
            elif f == 'time':
                import time
                ok = hasattr(time, 'time')
            else:
                raise ValueError(f)
        except ImportError:
            ok = False
        if not ok:
            skip('this port has no ' + f)


def example(folder, name):
    """Import ``examples/<folder>/<name>.py`` (the code samples the docs
    show); skip where examples/ can't be reached (an emulated board with
    only tests/ mounted)."""
    import sys
    here = __file__.rpartition('/')[0] or '.'
    # the checkout's root, spelled without '..' (mounted file systems)
    root = here.rpartition('/')[0] if '/' in here else \
        ('..' if here == '.' else '.')
    path = root + '/examples/' + folder
    sys.path.insert(0, path)
    try:
        return __import__(name)
    except ImportError:
        import os
        try:
            os.stat(root + '/examples')
        except OSError:
            skip('examples/ is not reachable from here')
        raise
    finally:
        sys.path.remove(path)


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


# --- a raw HTTP client over asyncio streams, for the integration tests ---

_port = [0]


def free_port():
    """A port for a test server (a fresh one each call), below the range
    the OS hands out to outgoing connections."""
    needs('socket')
    if not _port[0]:
        import time
        _port[0] = 10000 + (int(time.time() * 1000) % 20000)
    _port[0] += 1
    return _port[0]


async def connect(port):
    needs('socket')
    return await asyncio.open_connection('127.0.0.1', port)


async def send(writer, data):
    writer.write(data)
    await writer.drain()


async def send_filler(writer, n, byte=b'x'):
    """Send n copies of a byte in 4 KB pieces (a small heap can't hold
    them all at once)."""
    piece = byte * 4096
    while n > 0:
        await send(writer, piece[:n])
        n -= 4096


async def close(writer):
    try:
        writer.close()
        await writer.wait_closed()
    except OSError:
        pass


async def read_response(reader, head=False, timeout=5):
    """Read one response: (status, headers with lower-case names, body);
    None if the server closed the connection first."""
    return await asyncio.wait_for(_read_response(reader, head), timeout)


async def _read_response(reader, head):
    line = await reader.readline()
    if not line:
        return None
    status = int(line.split()[1])
    headers = {}
    while True:
        line = (await reader.readline()).strip()
        if not line:
            break
        name, _, value = line.decode().partition(':')
        headers[name.strip().lower()] = value.strip()
    body = b''
    if head or status in (100, 204, 304):
        pass
    elif headers.get('transfer-encoding') == 'chunked':
        while True:
            size = int((await reader.readline()).strip(), 16)
            if not size:
                await reader.readline()
                break
            body += await reader.readexactly(size)
            await reader.readline()
    elif 'content-length' in headers:
        body = await reader.readexactly(int(headers['content-length']))
    else:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            body += data
    return status, headers, body


async def closed_by_server(reader, timeout=3):
    """True when the server closes the connection within ``timeout``."""
    try:
        while True:
            data = await asyncio.wait_for(reader.read(256), timeout)
            if not data:
                return True
    except asyncio.TimeoutError:
        return False
    except OSError:
        return True


def serve(app, client, **settings):
    """Run ``app`` on a real socket on 127.0.0.1, run ``await
    client(port)`` against it, then shut the server down."""
    needs('socket')
    for k, v in settings.items():
        setattr(app, k, v)
    port = free_port()

    async def main():
        server = asyncio.create_task(app.start_server('127.0.0.1', port))
        await asyncio.sleep(0.05)
        try:
            return await client(port)
        finally:
            app.shutdown()
            await asyncio.wait_for(server, 10)
    return run(main())


async def get(port, path='/', headers=b''):
    """One request on its own connection: (status, headers, body)."""
    r, w = await connect(port)
    await send(w, b'GET ' + path.encode() + b' HTTP/1.1\r\nHost: t\r\n' +
               headers + b'Connection: close\r\n\r\n')
    res = await read_response(r)
    await close(w)
    return res


def package_root():
    """The folder the tests import ``microdot`` from, for the PYTHONPATH of
    the CPython processes they start: the source tree's framework/, or
    site-packages when the installed wheel is tested (make test-wheel)."""
    import os
    import microdot
    return os.path.dirname(os.path.dirname(os.path.abspath(
        microdot.__file__)))


def framework_as_mpy(dest):
    """Compile framework/microdot with mpy-cross into ``dest``/microdot, as
    a board without frozen modules loads it; return the ``micropython``
    command.  Skips the test where the unix port or mpy-cross is missing.
    (CPython side of the tests that start MicroPython processes.)"""
    import glob
    import os
    import shutil
    import subprocess
    mp, mpc = shutil.which('micropython'), shutil.which('mpy-cross')
    if not mp or not mpc:
        skip('needs the MicroPython unix port and mpy-cross (make setup)')
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(os.path.join(str(dest), 'microdot'))
    for src in glob.glob(os.path.join(root, 'framework/microdot/*.py')):
        name = os.path.basename(src)[:-3] + '.mpy'
        subprocess.run([mpc, '-o', os.path.join(str(dest), 'microdot', name),
                        src], check=True)
    return mp


def steady_free(read, tries=3, pause=0.3):
    """The best of a few free-heap readings (``read()`` returns one), some
    time apart: one taken while an earlier connection is still being torn
    down is lower by its buffers."""
    import time
    best = 0
    for _ in range(tries):
        time.sleep(pause)
        best = max(best, read())
    return best


def start_ready(cmd, env, port):
    """Start a server process that prints a line starting READY once set
    up and then listens on 127.0.0.1:port; return (process, the lines it
    prints from then on, read in a thread so its pipe never fills)."""
    import subprocess
    import threading
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    line = proc.stdout.readline()
    assert line.startswith(b'READY'), line + proc.stdout.read()
    log = []
    threading.Thread(target=lambda: log.extend(proc.stdout),
                     daemon=True).start()
    wait_listening(port)
    return proc, log


def wait_listening(port, seconds=5):
    """Block until something accepts connections on 127.0.0.1:port (a
    server started in another process)."""
    import socket
    import time
    for _ in range(int(seconds * 10)):
        try:
            socket.create_connection(('127.0.0.1', port)).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError('nothing listens on port %d' % port)
