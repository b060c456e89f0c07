"""Real clients against real servers: the ``websockets`` package, an
event-stream reader (httpx) and ``requests`` multipart uploads, each
against the app in tests/apps/ext_app.py served by CPython and by the
MicroPython unix port (the framework as .mpy).  The app with all three
extensions runs at a 100 KB heap (96 KB until the Date header, which
costs about 0.8 KB as .mpy, tipped WebSocket messages into MemoryError
there): on the 64-bit unix port their bytecode
alone takes about 20 KB of it, which a board with frozen modules doesn't
pay.  The 1 MB upload is repeated with the upload-only app as .mpy at an
84 KB heap (UPLOAD_HEAP to change it).  The upload itself streams through a
few small buffers; the app starts below 80 KB, but that close to the edge
a fragmented heap fails some runs: at 80 KB the core's .mpy had less than
1 KB to spare (half the runs failed at 79 KB), and the Date header took
about 0.8 KB of it (as .mpy; frozen, its code stays in flash).
With the framework frozen, as on a board (the unix image that
``make firmware BOARD=UNIX`` builds from a MicroPython tree), the same
upload passes at 64 KB; that test skips where the image is missing.

CPython only (it starts the servers as subprocesses); each runtime is
skipped when missing, as is each client package.
"""
from support import MICROPYTHON

if not MICROPYTHON:
    import asyncio
    import hashlib
    import json
    import os
    import sys
    import pytest
    from support import free_port, framework_as_mpy, steady_free, \
        package_root, start_ready

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.join(HERE, '..')
    HEAP = os.environ.get('EXT_HEAP', '100k')

    FROZEN = os.environ.get('MICRODOT_UNIX_FIRMWARE') or os.path.join(
        ROOT, 'firmware', 'build', 'UNIX', 'micropython')

    def start(runtime, tmp_path_factory, heap=HEAP, *args):
        folder = tmp_path_factory.mktemp('uploads')
        port = free_port()
        app = os.path.join(HERE, 'apps', 'ext_app.py')
        if runtime == 'cpython':
            cmd = [sys.executable, app, str(port), str(folder)]
            env = dict(os.environ, PYTHONPATH=package_root())
        elif runtime == 'frozen':
            if not os.path.exists(FROZEN):
                pytest.skip('needs the unix image with microdot frozen in: '
                            'make firmware BOARD=UNIX MICROPY_DIR=<tree>')
            cmd = [FROZEN, '-X', 'heapsize=' + heap, app, str(port),
                   str(folder)] + list(args)
            env = dict(os.environ, MICROPYPATH='.frozen')
        else:
            lib = tmp_path_factory.mktemp('mpy')
            mp = framework_as_mpy(lib)
            cmd = [mp, '-X', 'heapsize=' + heap, app, str(port),
                   str(folder)] + list(args)
            env = dict(os.environ, MICROPYPATH=str(lib) + ':.frozen')
        proc, log = start_ready(cmd, env, port)
        return proc, log, ('http://127.0.0.1:%d' % port, folder, runtime)

    def stop(proc, log):
        proc.kill()
        proc.wait()
        if log:
            print(b''.join(log).decode(errors='replace')[-3000:])

    @pytest.fixture(scope='module', params=['cpython', 'micropython'])
    def server(request, tmp_path_factory):
        proc, log, info = start(request.param, tmp_path_factory)
        yield info
        stop(proc, log)

    @pytest.fixture(scope='module')
    def upload_board(tmp_path_factory):
        proc, log, info = start('micropython', tmp_path_factory,
                                os.environ.get('UPLOAD_HEAP', '84k'),
                                'upload')
        yield info
        stop(proc, log)

    # sizes a sensor dashboard sends; a 100 KB unix-port heap with this app
    # loaded has no 6 KB block left to hold a bigger message
    MESSAGES = ['hello', b'\x00\x01' * 700, 'é' * 700]

    def test_websockets_package(server):
        pytest.importorskip('websockets')
        from websockets.asyncio.client import connect
        url = server[0].replace('http', 'ws') + '/ws'

        async def talk():
            got = []
            async with connect(url, max_size=None) as ws:
                for msg in MESSAGES:
                    await ws.send(msg)
                    got.append(await ws.recv())
                await ws.ping()
            return got
        got = asyncio.run(talk())
        assert got == MESSAGES

    def test_sse_client(server):
        httpx = pytest.importorskip('httpx')
        events = []
        with httpx.stream('GET', server[0] + '/events', timeout=10) as r:
            assert r.headers['content-type'] == 'text/event-stream'
            ev = {}
            for line in r.iter_lines():
                if not line:
                    if ev:
                        events.append(ev)
                    ev = {}
                    continue
                k, _, v = line.partition(': ')
                ev[k] = v
        assert events == [{'event': 'tick', 'id': str(i),
                           'data': json.dumps({'n': i})} for i in range(5)]

    def test_one_megabyte_upload_with_requests(server):
        upload_megabyte(server)

    def test_one_megabyte_upload_as_mpy(upload_board):
        upload_megabyte(upload_board)

    @pytest.fixture(scope='module')
    def frozen_board(tmp_path_factory):
        proc, log, info = start('frozen', tmp_path_factory, '64k', 'upload')
        yield info
        stop(proc, log)

    def test_one_megabyte_upload_frozen_at_64k(frozen_board):
        upload_megabyte(frozen_board)

    def upload_megabyte(server):
        requests = pytest.importorskip('requests')
        url, folder, runtime = server
        data = os.urandom(1024 * 1024)
        # the first upload leaves about 1 KB for good (asyncio's and the
        # runtime's tables grow once); after it, an upload leaves nothing
        close = {'Connection': 'close'}

        def free_heap():
            return steady_free(lambda: int(requests.get(
                url + '/mem', headers=close).text))
        requests.post(url + '/upload', data={'note': 'warm'},
                      files={'f': ('warm.bin', data)}, headers=close)
        free_heap()  # the first /mem requests may also grow a table once
        mem0 = free_heap()
        r = requests.post(url + '/upload', data={'note': 'firmware'},
                          files={'f': ('fw.bin', data)}, timeout=60,
                          headers=close)
        assert r.status_code == 200, r.text
        assert r.json() == [['note', 'firmware'],
                            ['f', 'fw.bin', len(data)]]
        with open(os.path.join(str(folder), 'fw.bin'), 'rb') as f:
            assert hashlib.sha256(f.read()).digest() == \
                hashlib.sha256(data).digest()
        mem1 = free_heap()
        assert mem1 >= mem0 - 1024  # nothing of the upload stays in RAM
