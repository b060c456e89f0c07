"""Streamed response bodies (files, generators, async generators): loaded
with the first response whose body is not bytes."""
from microdot.helpers import iscoroutine


def size_of(body, files=True):
    """Bytes left in a seekable file body (unless not ``files``), None for
    a stream of unknown length; ValueError for a body that cannot be sent
    (refused before the head goes out, so the client gets a 500)."""
    if not isinstance(body, str) and not hasattr(body, 'read') and \
            not hasattr(body, '__next__') and \
            not hasattr(body, '__anext__'):
        raise ValueError('unsupported response body type: ' +
                         type(body).__name__)
    if isinstance(body, str):
        return len(body.encode())
    if not files or not hasattr(body, 'seek') or not hasattr(body, 'tell'):
        return None
    try:
        pos = body.tell()
        end = body.seek(0, 2)
        body.seek(pos)
        return end - pos
    except Exception:
        return None


class BodyIter:
    """The pieces of a response's body, as an async iterator; the body is
    closed when they run out."""
    def __init__(self, res):
        self.res = res
        self.done = not res.body

    def __aiter__(self):
        return self

    async def __anext__(self):
        res = self.res
        b = res.body
        if not self.done:
            if isinstance(b, (bytes, bytearray, str)):
                self.done = True
                return b
            if hasattr(b, 'read'):
                data = b.read(res.send_file_buffer_size)
                if iscoroutine(data):
                    data = await data
                if data:  # a short read may be a stream's: only b'' ends
                    return data
            elif hasattr(b, '__anext__'):
                try:
                    return await b.__anext__()
                except StopAsyncIteration:
                    pass
            else:
                try:
                    return next(b)
                except StopIteration:
                    pass
        self.done = True
        await res.aclose()
        raise StopAsyncIteration

    async def aclose(self):
        self.done = True
        await self.res.aclose()


async def send_body(res, stream, chunked):
    """Write the body of ``res`` to ``stream`` piece by piece, chunked or
    as it is; returns the bytes of body sent."""
    sent = 0
    tail = b''  # the previous chunk's CRLF, sent with the next chunk's size
    try:
        async for data in BodyIter(res):
            if isinstance(data, str):
                data = data.encode()
            if not data:
                continue
            if chunked:
                # the piece itself goes out as it is, never copied: a
                # copy per piece keeps a small heap's collector busy
                await stream.awrite(b'%s%x\r\n' % (tail, len(data)))
                tail = b'\r\n'
            sent += len(data)
            await stream.awrite(data)
        if chunked:
            await stream.awrite(tail + b'0\r\n\r\n')
    finally:
        await res.aclose()
    return sent
