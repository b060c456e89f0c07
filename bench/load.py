"""An exact-count HTTP/1.1 load client for the benchmarks (asyncio, 127.0.0.1
only): every answer's status and body are checked, keep-alive is used
where the server allows it, and a connection the server closes is opened
again."""
import asyncio
import time


async def _response(r):
    """(status, body, server keeps the connection) of one response."""
    line = await r.readline()
    if not line:
        raise EOFError('closed before answering')
    status = int(line.split()[1])
    length, keep = None, line.startswith(b'HTTP/1.1')
    while True:
        line = await r.readline()
        if line in (b'\r\n', b''):
            break
        name, _, value = line.decode().partition(':')
        name, value = name.strip().lower(), value.strip().lower()
        if name == 'content-length':
            length = int(value)
        elif name == 'connection':
            keep = value == 'keep-alive'
    body = await r.readexactly(length) if length is not None \
        else await r.read()
    return status, body, keep and length is not None


class _Client:
    def __init__(self, port):
        self.port = port
        self.conn = None

    async def get(self, path):
        if self.conn is None:
            self.conn = await asyncio.open_connection('127.0.0.1',
                                                      self.port)
        r, w = self.conn
        w.write(b'GET %s HTTP/1.1\r\nHost: bench\r\n\r\n' % path.encode())
        await w.drain()
        try:
            status, body, keep = await asyncio.wait_for(_response(r), 10)
        except BaseException:
            self.close()
            raise
        if not keep:
            self.close()
        return status, body

    def close(self):
        if self.conn is not None:
            self.conn[1].close()
            self.conn = None


async def run(port, path, expected, count, clients):
    """``count`` GETs of ``path`` from ``clients`` concurrent clients:
    {'ok', 'failed', 'seconds'}; a failure is a wrong status or body, or
    a connection error."""
    left = [count]
    tally = {'ok': 0, 'failed': 0}

    async def worker():
        c = _Client(port)
        while left[0] > 0:
            left[0] -= 1
            try:
                status, body = await c.get(path)
                ok = status == 200 and body == expected
            except (OSError, EOFError, ValueError, IndexError,
                    asyncio.TimeoutError, asyncio.IncompleteReadError):
                ok = False
            tally['ok' if ok else 'failed'] += 1
        c.close()
    start = time.monotonic()
    await asyncio.gather(*[worker() for _ in range(clients)])
    tally['seconds'] = time.monotonic() - start
    return tally


async def together(port, path, n):
    """``n`` requests sent at once on ``n`` connections: their bodies."""
    clients = [_Client(port) for _ in range(n)]
    try:
        results = await asyncio.gather(*[c.get(path) for c in clients],
                                       return_exceptions=True)
    finally:
        for c in clients:
            c.close()
    return [r[1].decode() for r in results if isinstance(r, tuple)]


async def free(port):
    c = _Client(port)
    try:
        return int((await c.get('/mem'))[1])
    finally:
        c.close()


async def idle_cost(port, n):
    """(free heap, free heap with ``n`` idle connections open, n); the
    second is None if the server closes connections after answering."""
    await free(port)
    base = await free(port)
    clients = [_Client(port) for _ in range(n)]
    try:
        for c in clients:
            await c.get('/')
        if any(c.conn is None for c in clients):
            return base, None, n
        await asyncio.sleep(0.2)
        return base, await free(port), n
    finally:
        for c in clients:
            c.close()


async def free_after(port, count, clients):
    """(free heap after a warm-up of 100 requests, free heap after
    ``count`` more, failures among them)."""
    await run(port, '/', b'hello', 100, clients)
    await asyncio.sleep(0.3)
    start = await free(port)
    r = await run(port, '/', b'hello', count, clients)
    await asyncio.sleep(0.3)
    return start, await free(port), r['failed']
