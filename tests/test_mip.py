"""mip packages: package.json (the core) at the top of the repository and
framework/<extension>.json (one per extension, so a board installs only
what it uses) cover the board-side package as manifest.py freezes it, each
brings the modules it imports, and `mpremote mip install` puts them on
the virtual board from an HTTP server on 127.0.0.1, where they serve.
CPython only: mpremote and the virtual board are driven from the host."""
from support import MICROPYTHON, skip

if MICROPYTHON:
    def test_mip():
        skip('mpremote and the virtual board run on the host (CPython)')

if not MICROPYTHON:
    import ast
    import functools
    import glob
    import http.server
    import json
    import os
    import subprocess
    import sys
    import threading
    import pytest

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.dirname(HERE)
    sys.path.insert(0, os.path.join(ROOT, 'firmware'))
    from manifest_files import evaluate as evaluate_manifest

    def package(path):
        """The files a package.json installs, as framework/microdot
        names, checked to be where its relative URLs point."""
        with open(os.path.join(ROOT, path)) as f:
            data = json.load(f)
        assert set(data) == {'urls'}, path  # no deps: see docs/download.md
        base = os.path.dirname(path)
        out = []
        for dest, url in data['urls']:
            assert dest.startswith('microdot/') and '..' not in url, dest
            src = os.path.join(ROOT, base, url)
            assert os.path.isfile(src), (path, url)
            assert os.path.basename(src) == dest[9:], (path, dest, url)
            out.append(dest[9:])
        return out

    EXTENSIONS = sorted(glob.glob(os.path.join(ROOT, 'framework',
                                               '*.json')))

    def test_packages_match_the_manifest():
        (_, _, frozen), = evaluate_manifest()
        (_, _, core), = evaluate_manifest(core_only=True)
        assert sorted(package('package.json')) == sorted(core)
        covered = set()
        for path in EXTENSIONS:
            files = package(os.path.relpath(path, ROOT))
            assert not set(files) & set(core), path
            covered.update(files)
        extensions = set(frozen) - set(core)
        assert covered == extensions
        assert sorted(package('framework/extensions.json')) == \
            sorted(extensions)

    def imports(name):
        # microdot modules a file imports when it loads (a lazy import
        # in a function is the app's choice of feature)
        with open(os.path.join(ROOT, 'framework', 'microdot', name)) as f:
            tree = ast.parse(f.read())
        out = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and \
                    node.module.startswith('microdot.'):
                out.add(node.module[9:] + '.py')
        return out

    def test_each_package_brings_what_it_imports():
        (_, _, core), = evaluate_manifest(core_only=True)
        have = set(core)
        for name in core:
            assert imports(name) <= have | {'cpython.py'}, name
        for path in EXTENSIONS:
            files = set(package(os.path.relpath(path, ROOT)))
            for name in files:
                assert imports(name) <= have | files, (path, name)

    @pytest.fixture
    def server():
        # the repository as a web server would publish it
        handler = functools.partial(_Quiet, directory=ROOT)
        httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        yield 'http://127.0.0.1:%d' % httpd.server_address[1]
        httpd.shutdown()
        httpd.server_close()

    class _Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    @pytest.fixture
    def board(tmp_path):
        sys.path.insert(0, os.path.join(HERE, 'hil'))
        try:
            from virtual_board import VirtualBoard
        finally:
            sys.path.remove(os.path.join(HERE, 'hil'))
        b = VirtualBoard(flash_dir=str(tmp_path / 'flash'), netns='off')
        os.makedirs(b.flash)
        b.start()
        yield b
        b.stop()

    def mpremote(board, *args):
        out = subprocess.run(
            [sys.executable, '-m', 'mpremote', 'connect', board.port] +
            list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            timeout=120)
        text = out.stdout.decode(errors='replace')
        assert out.returncode == 0, text
        return text

    SERVE = '''
import os, sys
# a stock MicroPython board: the virtual board has the framework on its
# path already, as an image with it frozen in would; only lib/ may give it
for p in sys.path[:]:
    if p not in ('', LIB):
        try:
            os.stat(p + '/microdot')
            sys.path.remove(p)
        except OSError:
            pass
import microdot
from microdot import Microdot
from microdot.test_client import TestClient
from microdot.websocket import with_websocket
import asyncio
print('FROM', microdot.__file__)
app = Microdot()
@app.route('/hello/<name>')
async def hello(req, name):
    return {'hello': name}
r = asyncio.run(TestClient(app).get('/hello/mip'))
print('GOT', r.status_code, r.text)
'''

    def test_mpremote_mip_install_on_the_virtual_board(server, board):
        out = mpremote(board, 'mip', 'install', server + '/',
                       server + '/framework/websocket.json',
                       server + '/framework/test_client.json')
        assert 'Installing: ' in out, out
        lib = os.path.join(board.flash, 'lib', 'microdot')
        (_, _, core), = evaluate_manifest(core_only=True)
        # the core and the extensions asked for, nothing else
        assert sorted(os.listdir(lib)) == sorted(
            list(core) + ['websocket.py', 'test_client.py'])
        for name in os.listdir(lib):
            with open(os.path.join(lib, name), 'rb') as a, open(
                    os.path.join(ROOT, 'framework', 'microdot', name),
                    'rb') as b:
                assert a.read() == b.read(), name
        out = mpremote(board, 'exec', 'LIB = %r\n' % (
            board.flash + '/lib') + SERVE)
        # the board's lib folder comes first: the installed copy serves
        assert 'FROM ' + board.flash + '/lib/microdot/__init__.py' in out, \
            out
        assert 'GOT 200 {"hello": "mip"}' in out, out
