"""Property-based tests (hypothesis): arbitrary input to every parser
raises nothing but the documented errors (ProtocolError with a 4xx/5xx
status, EOFError at the end of a stream, HTTPException 400/413 from
multipart, WebSocketError), and valid input round-trips.

CPython only (hypothesis); the seeded mutation test in test_garbage.py
covers the request parser on MicroPython too.  HYPOTHESIS_EXAMPLES sets
how many cases each property gets (default 200).
"""
from support import MICROPYTHON

if not MICROPYTHON:
    import asyncio
    import html
    import os
    from urllib.parse import quote, urlencode
    import pytest
    hypothesis = pytest.importorskip('hypothesis')
    from hypothesis import given, settings, strategies as st, HealthCheck

    from microdot import Microdot
    from microdot.app import HTTPException
    from microdot.http import ProtocolError, parse_request_line, \
        add_header, NoCaseDict, parse_cookies, Reader
    from microdot.body import Body
    from microdot.forms import urldecode, parse_urlencoded
    from microdot.request import Request
    from microdot.multipart import FormDataIter, FileUpload
    from microdot.template import escape
    from microdot.websocket import WebSocket, WebSocketError
    from support import Stream

    N = int(os.environ.get('HYPOTHESIS_EXAMPLES', '200'))
    fuzz = settings(max_examples=N, deadline=None, suppress_health_check=[
        HealthCheck.too_slow, HealthCheck.filter_too_much])

    def run(coro):
        return asyncio.run(coro)

    def protocol_error(exc):
        assert isinstance(exc, ProtocolError), repr(exc)
        assert 400 <= exc.status < 600

    TOKEN = st.text(alphabet='abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^_`|~', min_size=1, max_size=12)  # noqa: E501
    PATH = st.text(alphabet='abcdefghijklmnopqrstuvwxyz0123456789-._~/', max_size=40).map(lambda s: '/' + s)  # noqa: E501

    # --- request line and headers ---

    @fuzz
    @given(st.binary(max_size=200))
    def test_request_line_arbitrary_bytes(data):
        try:
            parse_request_line(data)
        except Exception as exc:
            protocol_error(exc)

    @fuzz
    @given(TOKEN, PATH, st.sampled_from(['1.0', '1.1']))
    def test_request_line_round_trip(method, path, version):
        line = ('%s %s HTTP/%s' % (method, path, version)).encode()
        assert parse_request_line(line) == (method, path, version)

    @fuzz
    @given(st.binary(max_size=120))
    def test_header_line_arbitrary_bytes(data):
        h = NoCaseDict()
        try:
            add_header(h, data)
        except Exception as exc:
            protocol_error(exc)

    @fuzz
    @given(st.binary(max_size=600))
    def test_whole_request_arbitrary_bytes(data):
        async def parse():
            return await Request.create(Microdot(), Stream(data, 13),
                                        Stream(b''), ('1.2.3.4', 5))
        try:
            run(parse())
        except EOFError:
            pass
        except Exception as exc:
            protocol_error(exc)

    # --- URLs, forms, cookies ---

    @fuzz
    @given(st.text(max_size=60))
    def test_urldecode_arbitrary_text(s):
        try:
            urldecode(s)
        except Exception as exc:
            protocol_error(exc)

    @fuzz
    @given(st.text(max_size=60))
    def test_urldecode_round_trip(s):
        assert urldecode(quote(s, safe='')) == s

    @fuzz
    @given(st.dictionaries(st.text(min_size=1, max_size=10),
                           st.text(max_size=20), max_size=6))
    def test_form_round_trip(d):
        parsed = parse_urlencoded(urlencode(d))
        assert {k: parsed[k] for k in parsed} == d

    @fuzz
    @given(st.binary(max_size=100))
    def test_form_arbitrary_bytes(data):
        try:
            parse_urlencoded(data)
        except Exception as exc:
            protocol_error(exc)

    @fuzz
    @given(st.text(max_size=100))
    def test_cookies_arbitrary_text(s):
        assert isinstance(parse_cookies(s), dict)

    @fuzz
    @given(st.dictionaries(TOKEN, st.text(
        alphabet='abcdefghijklmnopqrstuvwxyz0123456789-_.', max_size=10),
        max_size=5))
    def test_cookies_round_trip(d):
        header = '; '.join('%s=%s' % kv for kv in d.items())
        parsed = parse_cookies(header)
        parsed.pop('', None)  # an empty header names '' (as Microdot)
        assert parsed == d

    # --- chunked bodies ---

    def read_chunked(data, limit=1 << 20):
        async def go():
            rd = Reader(Stream(data, 7))
            return await Body(rd, 0, True, limit).read()
        return run(go())

    @fuzz
    @given(st.lists(st.binary(min_size=1, max_size=50), max_size=8),
           st.booleans())
    def test_chunked_round_trip(chunks, ext):
        wire = b''.join(b'%x%s\r\n%s\r\n' % (len(c), b';x=y' if ext else b'',
                                            c) for c in chunks)
        assert read_chunked(wire + b'0\r\n\r\n') == b''.join(chunks)

    @fuzz
    @given(st.binary(max_size=200))
    def test_chunked_arbitrary_bytes(data):
        try:
            read_chunked(data, 1000)
        except EOFError:
            pass
        except Exception as exc:
            protocol_error(exc)

    # --- multipart ---

    class FakeRequest:
        def __init__(self, body, ctype):
            self.content_type = ctype
            self.stream = Body(None)
            self.stream.pre = body

    def parse_multipart(body, ctype='multipart/form-data; boundary=BB'):
        async def go():
            out = []
            async for name, value in FormDataIter(FakeRequest(body, ctype)):
                if isinstance(value, FileUpload):
                    value = ('file', value.filename, await value.read())
                out.append((name, value))
            return out
        return run(go())

    FIELD = st.text(alphabet=st.characters(
        blacklist_categories=('Cs',), blacklist_characters='"\r\n\\'),
        min_size=1, max_size=10)

    @fuzz
    @given(st.lists(st.tuples(FIELD, st.binary(max_size=300),
                              st.booleans()), max_size=4),
           st.sampled_from([1, 7, 64, 512]))
    def test_multipart_round_trip(parts, bufsize):
        body = b''
        expected = []
        for name, data, is_file in parts:
            if b'--BB' in data:
                continue
            disp = 'form-data; name="%s"' % name
            if is_file:
                disp += '; filename="f.bin"'
                expected.append((name, ('file', 'f.bin', data)))
            else:
                try:
                    expected.append((name, data.decode()))
                except UnicodeError:
                    continue
            body += b'--BB\r\nContent-Disposition: ' + disp.encode() + \
                b'\r\n\r\n' + data + b'\r\n'
        body += b'--BB--\r\n'
        saved = FormDataIter.buffer_size
        FormDataIter.buffer_size = bufsize
        try:
            assert parse_multipart(body) == expected
        finally:
            FormDataIter.buffer_size = saved

    @fuzz
    @given(st.binary(max_size=400))
    def test_multipart_arbitrary_bytes(data):
        try:
            parse_multipart(b'--BB\r\n' + data)
        except HTTPException as exc:
            assert exc.status_code in (400, 413)
        except Exception as exc:
            protocol_error(exc)

    # --- WebSocket frames ---

    class FakeWSRequest:
        def __init__(self, data):
            self.sock = (Reader(Stream(data, 5)), Stream(b''))
            self.app = None

    def read_messages(data):
        async def go():
            ws = WebSocket(FakeWSRequest(data))
            out = []
            try:
                while True:
                    out.append(await ws.receive())
            except WebSocketError:
                pass
            return out, ws
        return run(go())

    @fuzz
    @given(st.lists(st.one_of(st.binary(max_size=300),
                              st.text(max_size=100)), max_size=5),
           st.binary(min_size=4, max_size=4))
    def test_websocket_round_trip(messages, mask):
        wire = b''.join(WebSocket._encode_websocket_frame(
            1 if isinstance(m, str) else 2, m, mask) for m in messages)
        got, _ = read_messages(wire)
        assert got == messages

    @fuzz
    @given(st.binary(max_size=300))
    def test_websocket_arbitrary_bytes(data):
        # only WebSocketError may end it (read_messages lets others out)
        got, ws = read_messages(data)
        assert ws.closed or not data

    # --- templates ---

    @fuzz
    @given(st.text(max_size=100))
    def test_escape_is_safe_and_reversible(s):
        e = escape(s)
        for c in '<>"\'':
            assert c not in e
        assert html.unescape(e) == s
