"""The sans-I/O protocol layer: parsing, limits, framing, URL coding."""
from microdot import AsyncBytesIO
from microdot.http import ProtocolError, Reader, NoCaseDict, \
    parse_request_line, check_head, check_host, add_header, parse_cookies, \
    reason_phrase
from microdot.body import Body, read_exactly
from microdot.forms import MultiDict, urldecode, parse_urlencoded
from support import run, raises, araises, Stream


def status_of(f, *args):
    return raises(ProtocolError, f, *args).status


def test_request_line():
    assert parse_request_line(b'GET /a?b=c HTTP/1.1') == \
        ('GET', '/a?b=c', '1.1')
    assert parse_request_line(b'OPTIONS * HTTP/1.0') == \
        ('OPTIONS', '*', '1.0')
    assert parse_request_line(b'GET http://h/x HTTP/1.1')[1] == 'http://h/x'
    assert parse_request_line(b'GET /a%20b?x=%2f%% HTTP/1.1')[1] == \
        '/a%20b?x=%2f%%'
    for bad in (b'GET /%zz HTTP/1.1', b'GET /%2 HTTP/1.1',
                b'GET /?a=%g0 HTTP/1.1'):
        assert status_of(parse_request_line, bad) == 400


def test_request_line_errors():
    for line in (b'GET /', b'GET  / HTTP/1.1', b'GET / HTTP/1.1 x',
                 b'G(T / HTTP/1.1', b'GET x HTTP/1.1', b'GET / HTTP/11',
                 'G\u00c9T / HTTP/1.1'.encode(), b'GET /\x7f HTTP/1.1',
                 b'GET / http/1.1', b'GET / HTTP/1.x', b'\x16\x03\x01',
                 b'GET /\xff HTTP/1.1', b'GET /a\x01 HTTP/1.1', b''):
        assert status_of(parse_request_line, line) == 400, line
    assert status_of(parse_request_line, b'GET / HTTP/2.0') == 505


def test_header_line():
    h = NoCaseDict()
    add_header(h, b'Content-Type:  text/html \t')
    add_header(h, b'X-Empty:')
    assert h == {'Content-Type': 'text/html', 'X-Empty': ''}
    for line in (b' folded: x', b'\tfolded: x', b'No colon', b'Bad name: x',
                 b'Bad : x', b': x', b'X: a\x00b', b'X: a\rb',
                 b'X: \xff\xfe', b'X\x80: y', b'(X): y',
                 'X\u00e9: y'.encode(), b'X\x7f: y', b'X\x01: y'):
        assert status_of(add_header, NoCaseDict(), line) == 400, line


def test_repeated_headers():
    h = NoCaseDict()
    add_header(h, b'Accept: a')
    add_header(h, b'accept: b')
    add_header(h, b'Cookie: x=1')
    add_header(h, b'Cookie: y=2')
    add_header(h, b'Content-Length: 5')
    add_header(h, b'Content-Length: 5')
    assert h['ACCEPT'] == 'a, b'
    assert h['cookie'] == 'x=1; y=2'
    assert status_of(add_header, h, b'content-length: 6') == 400
    add_header(h, b'Host: a')
    add_header(h, b'Host: b')  # merged: check_host refuses it
    assert check_host(h, '1.1') == 'Repeated Host'


def test_framing():
    def head(**kw):
        h = NoCaseDict()
        kw.setdefault('Host', 'example.com')
        for k, v in kw.items():
            h[k.replace('_', '-')] = v
        return h
    assert check_head(head(), '1.1') == (0, False)
    assert check_head(head(Content_Length='12'), '1.1') == (12, False)
    assert check_head(head(Transfer_Encoding='Chunked'), '1.1') == (0, True)
    for h, status in ((head(Content_Length='-1'), 400),
                      (head(Content_Length='1 2'), 400),
                      (head(Content_Length='0x10'), 400),
                      (head(Content_Length='1', Transfer_Encoding='chunked'),
                       400),
                      (head(Transfer_Encoding='gzip'), 501)):
        assert status_of(check_head, h, '1.1') == status
    assert status_of(check_head, head(Transfer_Encoding='chunked'),
                     '1.0') == 400
    assert check_head(NoCaseDict(), '1.0') == (0, False)


def test_host_and_target_checks():
    # refused before the app, through its errorhandler(400): a reason
    h = NoCaseDict()
    assert check_host(h, '1.1') == 'Missing Host'
    assert check_host(h, '1.0') is None
    for bad in ('a b', 'evil/x', 'user@host', 'a, b'):
        h['Host'] = bad
        assert check_host(h, '1.1') is not None, bad
    for good in ('example.com:8080', '[::1]:80', '10.0.0.1', ''):
        h['Host'] = good
        assert check_host(h, '1.1') is None, good
    line = 'GET /caf\u00e9 HTTP/1.1'.encode()
    assert parse_request_line(line)[1] == '/caf\u00e9'
    assert check_host(h, '1.1', line) == 'Bad request target'
    assert check_host(h, '1.1', b'GET /cafe HTTP/1.1') is None


def test_urldecode():
    assert urldecode('a+b%20c%2F') == 'a b c/'
    assert urldecode(b'dot%e2%80%a2dot') == 'dot\u2022dot'
    assert urldecode('100%%') == '100%%'
    assert urldecode('plain') == 'plain'
    for bad in ('%zz', '%2', '%e2%80'):
        assert status_of(urldecode, bad) == 400


def test_urlencoded_and_cookies():
    md = parse_urlencoded('a=1&b=&a=2&c&&d=x%3Dy')
    assert md['a'] == '1' and md.getlist('a') == ['1', '2']
    assert md['b'] == '' and md['c'] == '' and md['d'] == 'x=y'
    assert parse_urlencoded(b'k=v+w')['k'] == 'v w'
    assert parse_cookies('a=1; b=x=y;c') == {'a': '1', 'b': 'x=y', 'c': ''}


def test_multidict():
    d = MultiDict({'a': '1'})
    d['a'] = '2'
    assert d['a'] == '1' and d.getlist('a') == ['1', '2']
    assert d.get('a', type=int) == 1 and d.getlist('a', type=int) == [1, 2]
    assert d.get('zz', 'dflt') == 'dflt' and d.getlist('zz') == []
    assert 'a' in d and 'b' not in d


def test_nocasedict():
    d = NoCaseDict({'Content-Type': 'x'})
    assert d['content-type'] == 'x' and 'CONTENT-TYPE' in d
    d['CONTENT-TYPE'] = 'y'
    assert d == {'Content-Type': 'y'}
    assert d.get('content-TYPE') == 'y' and d.get('nope', 1) == 1
    del d['content-type']
    assert d == {} and 'Content-Type' not in d


def test_reason_phrases():
    assert reason_phrase(200) == 'OK'
    assert reason_phrase(404) == 'Not Found'
    assert reason_phrase(431) == 'Request Header Fields Too Large'
    assert reason_phrase(299) == 'N/A'


def test_reader_lines_across_partial_reads():
    async def go():
        rd = Reader(Stream(b'line one\r\nline two\nrest', step=3))
        assert await rd.line(100, 400) == b'line one'
        assert await rd.line(100, 400) == b'line two'
        assert await read_exactly(rd, 4) == b'rest'
        assert await rd.line(100, 400) is None
    run(go())


def test_reader_limit_is_enforced_while_reading():
    class Endless:
        reads = 0

        async def read(self, n):
            self.reads += 1
            return b'a' * n
    src = Endless()

    async def go():
        exc = await araises(ProtocolError, Reader(src).line(2048, 414))
        assert exc.status == 414
    run(go())
    assert src.reads <= 2048 // Reader.chunk + 2  # stopped early


def test_reader_incomplete_line_at_eof():
    async def go():
        rd = Reader(Stream(b'no newline'))
        exc = await araises(ProtocolError, rd.line(100, 400))
        assert exc.status == 400
    run(go())


def chunked_body(data, limit=1000, step=5):
    rd = Reader(Stream(data, step=step))
    return rd, Body(rd, 0, True, limit)


def test_chunked_body():
    async def go():
        rd, body = chunked_body(
            b'5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nTrailer: x\r\n\r\n'
            b'NEXT')
        assert await body.read() == b'hello, world'
        assert body.done and await body.read() == b''
        assert await read_exactly(rd, 4) == b'NEXT'  # next request is intact
    run(go())


def test_chunked_body_errors():
    async def status(data, limit=1000):
        rd, body = chunked_body(data, limit)
        return (await araises(ProtocolError, body.read())).status

    async def go():
        assert await status(b'zz\r\n') == 400
        assert await status(b'-1\r\n') == 400
        assert await status(b'5\r\nhelloXX\r\n0\r\n\r\n') == 400
        assert await status(b'1' * 300 + b'\r\n') == 400
        assert await status(b'100000000\r\n') == 400
        assert await status(b'a\r\n0123456789\r\n0\r\n\r\n', limit=5) == 413
        rd, body = chunked_body(b'5\r\nhel')  # the client stopped
        assert (await araises(ProtocolError, body.read())).status == 400
    run(go())


def test_content_length_body_and_drain():
    async def go():
        rd = Reader(Stream(b'0123456789GET'))
        body = Body(rd, 10, False, 100)
        assert await body.read(4) == b'0123'
        assert await body.drain(100)
        assert await read_exactly(rd, 3) == b'GET'
        rd = Reader(Stream(b'0123456789'))
        body = Body(rd, 10, False, 100)
        assert not await body.drain(5)  # too much left: close instead
    run(go())


def test_expect_continue_is_reported_not_written():
    # the body says a 100 Continue is owed; writing it is the connection's
    async def go():
        src = Stream(b'abc')
        rd = Reader(src)
        body = Body(rd, 3, False, 100, True)
        assert rd.body is body and body.expects_continue
        assert not await Body(Reader(Stream(b'abc')), 3, False, 100,
                              True).drain(100)  # never answered: close
        assert await body.read() == b'abc'
        assert not body.expects_continue
        assert src.written == b''
    run(go())


def test_async_bytes_io():
    async def go():
        s = AsyncBytesIO(b'ab\ncd')
        assert await s.readline() == b'ab\n'
        assert await s.read(1) == b'c'
        assert await s.read() == b'd'
        assert await s.read() == b''
    run(go())


def test_response_framing_matrix():
    from microdot.http import response_framing, NO_BODY, LENGTH, CHUNKED, \
        UNTIL_CLOSE

    def frame(version='1.1', status=200, head=False, headers=None, size=5,
              keep=True):
        return response_framing(version, status, head,
                                NoCaseDict(headers or {}), size, keep)
    # known length: Content-Length, the connection stays if it may
    assert frame() == (['Content-Length: 5'], LENGTH, True)
    assert frame(keep=False) == (['Content-Length: 5', 'Connection: close'],
                                 LENGTH, False)
    # HTTP/1.0 keeps the connection only when asked, and says so
    assert frame('1.0') == (['Content-Length: 5', 'Connection: keep-alive'],
                            LENGTH, True)
    assert frame('1.0', keep=False) == (['Content-Length: 5'], LENGTH, False)
    # unknown length: chunked on 1.1 when the connection stays, else the
    # body ends with the connection
    assert frame(size=None) == (['Transfer-Encoding: chunked'], CHUNKED,
                                True)
    assert frame(size=None, keep=False) == (['Connection: close'],
                                            UNTIL_CLOSE, False)
    assert frame('1.0', size=None) == ([], UNTIL_CLOSE, False)
    # no body: HEAD shows the length a GET would get; 1xx, 204, 304 none
    assert frame(head=True) == (['Content-Length: 5'], NO_BODY, True)
    assert frame(head=True, size=None) == ([], NO_BODY, True)
    for status in (101, 204, 304):
        assert frame(status=status, size=0) == ([], NO_BODY, True)
        assert frame(status=status, size=0, keep=False) == (
            ['Connection: close'], NO_BODY, False)
    # the app's own Content-Length: trusted when it matches, else the
    # connection closes after the body
    assert frame(headers={'Content-Length': '5'}) == ([], LENGTH, True)
    assert frame(headers={'Content-Length': '9'}) == (
        ['Connection: close'], UNTIL_CLOSE, False)
    assert frame(headers={'Content-Length': '9'}, size=None) == (
        [], LENGTH, True)
    # the app's Connection: close ends the connection, and is not repeated
    assert frame(headers={'Connection': 'close'}) == (
        ['Content-Length: 5'], LENGTH, False)


def test_keep_alive_asked_or_refused():
    from microdot.http import wants_keep_alive

    def wants(version, connection=None):
        h = NoCaseDict({'Connection': connection} if connection else {})
        return wants_keep_alive(version, h)
    assert wants('1.1') and not wants('1.1', 'close')
    assert not wants('1.1', 'Keep-Alive, Close')
    assert not wants('1.0') and wants('1.0', 'keep-alive')
    assert wants('1.0', 'Keep-Alive, Upgrade')


def test_expects_continue():
    from microdot.body import expects_continue
    h = NoCaseDict({'Expect': '100-Continue'})
    assert expects_continue('1.1', h)
    assert not expects_continue('1.0', h)  # an HTTP/1.0 client never waits
    assert not expects_continue('1.1', NoCaseDict())
