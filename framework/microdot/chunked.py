"""Chunked transfer coding of request bodies (RFC 9112 section 7.1).

Loaded by ``Body`` when the first chunked request arrives.
"""
from microdot.http import ProtocolError, _HEX


async def next_chunk(body):
    """Read the next chunk-size line of ``body`` (a ``microdot.http.Body``)
    and set up reading that chunk; the last chunk marks the body done."""
    rd = body.rd
    if body.total and await rd.line(1, 400) != b'':
        raise ProtocolError(400, 'Bad chunk ending')
    line = await rd.line(body.max_chunk_line, 400)
    size = line.split(b';', 1)[0].strip() if line else b''
    if not size or len(size) > 8 or \
            [c for c in size if c not in _HEX]:
        raise ProtocolError(400, 'Bad chunk size')
    body.left = size = int(size, 16)
    body.total += size
    if body.total > body.limit:
        raise ProtocolError(413, 'Payload too large')
    if not size:
        while await rd.line(body.max_chunk_line, 400):
            pass  # trailers are read and dropped
        body.done = True
