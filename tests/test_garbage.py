"""Arbitrary bytes never make the parser raise anything but a
``ProtocolError`` (answered with its 4xx/5xx) or end of stream.

Seeded, so every run and both runtimes try the same inputs; the thorough,
coverage-guided fuzzing is the reliability issue's job."""
import random
from microdot import Request
from microdot.http import ProtocolError
from support import run, Stream

VALID = [
    b'GET /a/b?x=1&y=%20z HTTP/1.1\r\nHost: example.com\r\n'
    b'Cookie: a=1; b=2\r\n\r\n',
    b'POST /f HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n'
    b'Content-Length: 7\r\n\r\n{"a":1}',
    b'PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n'
    b'3\r\nabc\r\n0\r\n\r\n',
]
BYTES = b'\x00\r\n \t:;,%/?=&\x7f\x80\xff0123456789aAzZ-_."\\<>'


def mutate(rnd, data):
    # bytes slicing only: MicroPython's bytearray has no item deletion
    for _ in range(rnd.getrandbits(3) + 1):
        op = rnd.getrandbits(2)
        i = rnd.getrandbits(16) % (len(data) + 1)
        if op == 0:  # drop a byte
            data = data[:i] + data[i + 1:]
        elif op == 1:  # insert a troublesome byte
            data = data[:i] + \
                bytes([BYTES[rnd.getrandbits(6) % len(BYTES)]]) + data[i:]
        elif op == 2:  # replace with any byte
            data = data[:i] + bytes([rnd.getrandbits(8)]) + data[i + 1:]
        else:
            data = data[:i]  # truncated
    return data


async def parse(data):
    req = await Request.create('app', Stream(data, step=5), None, None)
    if req is not None:
        req.args  # query parsing happens on first use
        req.cookies
        try:
            await req.stream.read()
        except EOFError:
            pass


def test_mutated_requests_only_raise_protocol_errors():
    rnd = random.Random(12345) if hasattr(random, 'Random') else random
    if rnd is random:
        random.seed(12345)
    counts = {'ok': 0, 'error': 0, 'eof': 0}
    for n in range(2000):
        data = mutate(rnd, VALID[n % len(VALID)])

        async def one():
            try:
                await parse(data)  # noqa: B023 (awaited in this iteration)
                counts['ok'] += 1
            except ProtocolError as exc:
                assert 400 <= exc.status < 600, exc.status
                counts['error'] += 1
            except EOFError:
                counts['eof'] += 1
        run(one())
    # the mutations hit both sides of the parser
    assert counts['ok'] > 30 and counts['error'] > 30, counts
