"""Flash and RAM footprint of the framework on MicroPython, beside
Microdot 2.7.0 measured the same way in the same run.

    python3 bench/footprint.py        (or: make footprint)

Needs the MicroPython unix port and mpy-cross 1.28 (make setup).
Microdot 2.7.0 is installed into bench/work/ (git-ignored), never into the
repository.  Both frameworks are compiled with mpy-cross and loaded as
.mpy, as a board without frozen modules loads them.
"""
import collections
import glob
import os
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, 'work')
MP = shutil.which('micropython')
MPY_CROSS = shutil.which('mpy-cross')

# what "the core" is, for each framework: the modules a hello-world app
# has loaded once it has answered (measured: see loaded_by_hello())
HELLO_MODULES = '''
import sys, asyncio, microdot
app = microdot.Microdot()


@app.route('/')
async def index(req):
    return 'hello'


async def hello():
    server = asyncio.create_task(app.start_server(host='127.0.0.1',
                                                  port=int(sys.argv[1])))
    await asyncio.sleep(0.2)
    r, w = await asyncio.open_connection('127.0.0.1', int(sys.argv[1]))
    w.write(b'GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n')
    await w.drain()
    print('REPLY', (await r.read(200)).split(b'\\r\\n')[0])
    print(' '.join(sorted(m[9:] or '__init__' for m in sys.modules
                          if m == 'microdot' or m.startswith('microdot.'))))
    app.shutdown()
    server.cancel()
asyncio.run(hello())
'''


def loaded_by_hello(lib):
    """The package's modules loaded once hello world has answered one
    request (the core, as a board pays for it)."""
    out = mp_run(lib, HELLO_MODULES, args=[str(free_port())]).stdout
    lines = out.splitlines()
    assert lines and lines[0].startswith('REPLY') and b'200' in \
        lines[0].encode(), out
    return lines[1].split()


def reference_source():
    target = os.path.join(WORK, 'microdot-2.7.0')
    if not os.path.isdir(os.path.join(target, 'microdot')):
        subprocess.run([sys.executable, '-m', 'pip', 'install', '-q',
                        '--no-deps', '--target', target, 'microdot==2.7.0'],
                       check=True)
    return os.path.join(target, 'microdot')


def compile_package(src_dir, name):
    out = os.path.join(WORK, 'mpy', name, 'microdot')
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    sizes = {}
    for src in sorted(glob.glob(os.path.join(src_dir, '*.py'))):
        mod = os.path.basename(src)[:-3]
        dst = os.path.join(out, mod + '.mpy')
        # -s: the name tracebacks show, as when compiling inside the
        # package folder (a full path would be stored in every .mpy)
        subprocess.run([MPY_CROSS, '-s', 'microdot/' + mod + '.py', '-o',
                        dst, src], check=True)
        sizes[mod] = os.path.getsize(dst)
    return os.path.dirname(out), sizes


# the unix image with the framework frozen in (make firmware BOARD=UNIX)
FROZEN = os.path.join(ROOT, 'firmware', 'build', 'UNIX', 'micropython')


# Microdot 2.7.0 frozen into a unix image (make bench-reference-image)
REF_FROZEN = os.path.join(WORK, 'unix-microdot-2.7.0', 'micropython')

# runs an app with the package from a ROMFS image
ROMFS_RUN = os.path.join(HERE, 'apps', 'romfs.py')


def romfs_image(lib, name):
    """A ROMFS image of the compiled package in ``lib`` (its .mpy files as
    they are), as ``mpremote romfs build`` makes it for a board."""
    image = os.path.join(WORK, 'romfs', name + '.romfs')
    os.makedirs(os.path.dirname(image), exist_ok=True)
    subprocess.run([sys.executable, '-m', 'mpremote', 'romfs', '--no-mpy',
                    '-o', image, 'build', lib], check=True,
                   capture_output=True)
    return image


def romfs_supported():
    return mp_run(None, 'import vfs; print(hasattr(vfs, "VfsRom"))',
                  plain=True).stdout.strip() == 'True'


def mp_command(lib, heap):
    """(argv start, environment) to run MicroPython with ``lib``: a folder
    holding the .mpy package, a ROMFS image of it (``*.romfs``), or a unix
    image with a framework frozen in (None: ours, FROZEN)."""
    if lib and lib.endswith('.romfs'):
        return [MP, '-X', 'heapsize=' + heap, ROMFS_RUN, lib], dict(
            os.environ, MICROPYPATH='.frozen')
    if lib is None or os.path.isfile(lib):
        return [lib or FROZEN, '-X', 'heapsize=' + heap], dict(
            os.environ, MICROPYPATH='.frozen')
    return [MP, '-X', 'heapsize=' + heap], dict(
        os.environ, MICROPYPATH=lib + ':.frozen')


def mp_run(lib, code, heap='256k', args=(), plain=False):
    """Run ``code`` on MicroPython with ``lib`` (see mp_command; ``plain``:
    the pip-installed unix port, no framework)."""
    cmd, env = ([MP], dict(os.environ)) if plain else mp_command(lib, heap)
    if lib and lib.endswith('.romfs') and not plain:
        # the code as a file: the unix port crashes (uncaught NLR) running
        # some code when a long argument is on its command line
        path = os.path.join(WORK, 'romfs', '_code.py')
        with open(path, 'w') as f:
            f.write(code)
        return subprocess.run(cmd + [path] + list(args), env=env,
                              capture_output=True, text=True, timeout=60)
    return subprocess.run(cmd + ['-c', code] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)


IMPORT_RAM = '''
import gc, asyncio
gc.collect(); a = gc.mem_free()
import microdot
gc.collect(); b = gc.mem_free()
print(a - b)
'''


EXT_RAM = '''
import gc, asyncio, microdot, sys
gc.collect(); a = gc.mem_free()
try:
    __import__('microdot.' + sys.argv[1])
    gc.collect(); print(a - gc.mem_free())
except ImportError as exc:
    print('n/a')
'''

EXTENSIONS = ['websocket', 'sse', 'pubsub', 'session', 'auth', 'login',
              'cors', 'csrf', 'multipart', 'utemplate', 'static', 'openapi']


def extension_rows(libs, sizes):
    """(name, {framework: (.mpy bytes incl. our helper modules, import
    RAM)}) for every extension."""
    # modules an extension needs beyond the core, counted with it
    extra = {'session': ['signing'], 'login': [], 'csrf': ['signing'],
             'utemplate': ['template']}
    rows = []
    for ext in EXTENSIONS:
        cells = {}
        for name, lib in libs.items():
            if ext not in sizes[name]:
                cells[name] = None
                continue
            size = sizes[name][ext] + sum(
                sizes[name].get(m, 0) for m in extra.get(ext, [])
                if name == 'ours')
            ram = mp_run(lib, EXT_RAM, args=[ext]).stdout.strip()
            cells[name] = (size, ram)
        rows.append((ext, cells))
    return rows


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def keep_reading(proc, lines=None):
    """Read what ``proc`` prints from now on, in a thread, into ``lines``
    (by default its last 20 lines): a pipe nobody reads fills up, and a
    server that logs every refused request would then block."""
    if lines is None:
        lines = collections.deque(maxlen=20)
    threading.Thread(target=lambda: lines.extend(proc.stdout),
                     daemon=True).start()
    return lines


def recv_all(s):
    """Everything a socket receives until the peer closes; then close."""
    data = b''
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    return data


def http_get(port, path, timeout=3):
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    s.sendall(b'GET ' + path.encode() + b' HTTP/1.0\r\nHost: x\r\n\r\n')
    head, _, body = recv_all(s).partition(b'\r\n\r\n')
    return int(head.split()[1]), body


def launch(script, args, lib, runtime, heap, cwd=None):
    """Start ``bench/apps/<script>`` with ``args`` (PORT: the port) on
    MicroPython (``lib``: see mp_command) or on CPython (``lib``: the
    package's source folder); return (process, port), process None if it
    did not come up."""
    port = free_port()
    path = os.path.join(HERE, 'apps', script)
    args = [a if a != 'PORT' else str(port) for a in args]
    if runtime == 'cpython':
        env = dict(os.environ, PYTHONPATH=os.path.dirname(lib))
        cmd = [sys.executable, path] + args
    else:
        cmd, env = mp_command(lib, heap)
        cmd += [path] + args
    # run in a scratch folder: what an app writes (uploads, spooled
    # files) stays out of the repository
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT,
                            cwd=cwd or WORK)
    line = proc.stdout.readline()
    if not line.startswith(b'READY'):
        proc.kill()
        proc.wait()
        return None, port
    proc.ready_free = int(line.split()[1])  # the app prints its free heap
    proc.tail = keep_reading(proc)
    wait_listening(port)
    return proc, port


def serve(lib, heap, app='probe.py'):
    """Start ``app`` (hello world, and with probe.py its /mem route) on
    MicroPython at ``heap``; return (process, port, free heap after
    setup)."""
    proc, port = launch(app, ['PORT'], lib, 'micropython', heap)
    return proc, port, proc and proc.ready_free


def wait_listening(port):
    for _ in range(50):
        try:
            socket.create_connection(('127.0.0.1', port)).close()
            return
        except OSError:
            time.sleep(0.05)


def serves(lib, heap, n=20):
    """True if hello world at ``heap`` answers n requests in a row."""
    proc, port, _ = serve(lib, heap, 'hello.py')
    if proc is None:
        return False
    try:
        for _ in range(n):
            if http_get(port, '/') != (200, b'hello'):
                return False
        return True
    except OSError:
        return False
    finally:
        proc.kill()
        proc.wait()


def smallest_heap(lib, lo=16, hi=256):
    """Smallest heap (KB, 1 KB steps) at which hello world serves 20
    requests."""
    if not serves(lib, '%dk' % hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if serves(lib, '%dk' % mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def in_request_free(lib):
    proc, port, ready = serve(lib, '256k')
    try:
        http_get(port, '/mem')
        return ready, int(http_get(port, '/mem')[1])
    finally:
        proc.kill()
        proc.wait()


# The size ledger: what each part of our framework costs.  Modules are
# measured as they load (a module's import RAM is what importing it adds
# after the modules before it in this order); parts inside the core modules
# are their functions compiled one by one (bytes of .mpy, and the RAM a
# module of just those functions takes to import, their share of
# interned names included).
LEDGER_MODULES = [
    ('helpers', 'runtime switch, admission RAM check'),
    ('http', 'parsing, framing, keep-alive decision, Date'),
    ('routing', 'URL patterns'),
    ('response', 'Response, writing a response'),
    ('request', 'Request, reading a request head'),
    ('app', 'Microdot: registration, dispatch, hooks'),
    ('server', 'connections, keep-alive loop, timeouts, admission'),
    ('body', 'lazy: request bodies, chunked, 100-continue'),
    ('stream', 'lazy: streamed response bodies'),
    ('reasons', 'lazy: reason phrases (any status but 200)'),
    ('appextra', 'lazy: mount, OPTIONS/Allow, exception handlers'),
    ('cookies', 'lazy: Set-Cookie'),
    ('forms', 'lazy: query strings and URL-encoded forms'),
    ('files', 'lazy: send_file'),
    ('streams', 'lazy: asyncio-stream connections (handle_request)'),
]
LEDGER_PARTS = [
    ('request line and header parsing', [
        'http.bad_token', 'http._any_of', 'http.parse_request_line',
        'http.add_header', 'http.check_head', 'http.check_host',
        'http._bad_host', 'request.Request.create']),
    ('cookies (parsing)', ['http.parse_cookies']),
    ('header dict (NoCaseDict)', ['http.NoCaseDict.*']),
    ('buffered reader (lines, limits, pipelining)', ['http.Reader.*']),
    ('response framing and keep-alive decision', [
        'http.response_framing', 'http.wants_keep_alive',
        'http.connection_tokens', 'http.expects_continue',
        'response.Response._framing', 'response.Response.complete']),
    ('response head and write', [
        'response.Response.write', 'response.Response._head',
        'response.Response._content_type_line']),
    ('Date header', ['http.date_line', 'http._date_line', 'http.http_date']),
    ('keep-alive loop', ['server.Server.connection',
                         'server.Server._request', 'server.Server._write']),
    ('timeouts (deadlines, watchdog)', [
        'server.Conn.arm', 'server.Server.serve_forever']),
    ('admission (cap, eviction, RAM)', [
        'server.Server.admit', 'server.Server.full', 'server.Server.evict',
        'helpers.room']),
    ('socket I/O (MicroPython)', ['server.SocketConn.*', 'server._io_queue',
                                  'server._peer', 'server.Server._accept_loop',
                                  'server.Server.start']),
    ('dispatch, hooks, error responses', [
        'app.Microdot.dispatch_request', 'app.Microdot._handle',
        'app.Microdot._after_error', 'app.Microdot.error_response',
        'app.Microdot.protocol_error_response',
        'app.Microdot.get_request_handlers', 'app._to_response',
        'app.Microdot.find_route']),
    ('Request properties (args, json, form, stream...)', [
        'request.Request.args', 'request.Request.body',
        'request.Request.stream', 'request.Request._mime',
        'request.Request.json', 'request.Request.form',
        'request.Request.files', 'request.Request.ext',
        'request.Request.after_request']),
]


def _functions(src_dir):
    """{'module.Class.name' or 'module.name': source} of every function."""
    import ast
    import textwrap
    out = {}
    for mod, _ in LEDGER_MODULES:
        path = os.path.join(src_dir, mod + '.py')
        text = open(path).read()
        lines = text.splitlines(True)
        for node in ast.parse(text).body:
            items = [(mod, node)]
            if isinstance(node, ast.ClassDef):
                items = [(mod + '.' + node.name, n) for n in node.body]
            for prefix, n in items:
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out[prefix + '.' + n.name] = textwrap.dedent(''.join(
                        lines[n.lineno - 1:n.end_lineno]))
    return out


LEDGER_RAM = '''
import gc, sys
gc.collect(); a = gc.mem_free()
__import__(sys.argv[1])
gc.collect(); print(a - gc.mem_free())
'''


def ledger(src_dir, lib):
    """Rows (part, note, .mpy bytes, import RAM) of the size ledger."""
    import fnmatch
    rows = []
    # modules: the package with an empty __init__, imported in order
    pkg = os.path.join(WORK, 'ledger', 'microdot')
    shutil.rmtree(os.path.dirname(pkg), ignore_errors=True)
    shutil.copytree(os.path.join(lib, 'microdot'), pkg)
    empty = os.path.join(WORK, 'ledger', 'empty.py')
    open(empty, 'w').close()
    subprocess.run([MPY_CROSS, '-o', os.path.join(pkg, '__init__.mpy'),
                    empty], check=True)
    code = 'import gc, asyncio\nimport microdot\n'
    for mod, note in LEDGER_MODULES:
        code += ('gc.collect(); a = gc.mem_free()\nimport microdot.%s\n'
                 'gc.collect(); print(a - gc.mem_free())\n' % mod)
    rams = mp_run(os.path.dirname(pkg), code).stdout.split()
    for (mod, note), ram in zip(LEDGER_MODULES, rams):
        rows.append(('module ' + mod, note, os.path.getsize(
            os.path.join(pkg, mod + '.mpy')), int(ram)))
    # parts: their functions, compiled and imported as one module
    funcs = _functions(src_dir)
    work = os.path.join(WORK, 'ledger', 'parts')
    os.makedirs(work)
    for i, (part, names) in enumerate(LEDGER_PARTS):
        chosen = [k for k in funcs if any(fnmatch.fnmatch(k, n)
                                          for n in names)]
        src = os.path.join(work, 'part%d.py' % i)
        with open(src, 'w') as f:
            f.write('\n\n'.join(funcs[k] for k in chosen))
        subprocess.run([MPY_CROSS, src], check=True)
        ram = mp_run(work, LEDGER_RAM, args=['part%d' % i]).stdout.strip()
        rows.append(('part: ' + part, ', '.join(chosen).replace(
            'microdot.', ''), os.path.getsize(src[:-3] + '.mpy'), int(ram)))
    return rows


def _exchange(port, data, timeout=8):
    """Send ``data``, then the status the server answers with (None: it
    closed without one, 'timeout': it neither answered nor closed)."""
    s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except OSError:
            pass  # it may refuse before reading all of it
        got = b''
        while b'\r\n' not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        return 'timeout'
    except OSError:
        return None
    finally:
        s.close()
    return int(got.split()[1]) if got.startswith(b'HTTP/') else None


LIMIT_CASES = [
    # (what, request, the answer that limit gives)
    ('request line of 3 KB', b'GET /' + b'a' * 3000 + b' HTTP/1.1\r\n'
     b'Host: x\r\n\r\n', 414),
    ('header line of 3 KB', b'GET / HTTP/1.1\r\nHost: x\r\nX-A: ' +
     b'a' * 3000 + b'\r\n\r\n', 431),
    ('65 header lines', b'GET / HTTP/1.1\r\nHost: x\r\n' + b''.join(
        b'X-H%d: 1\r\n' % i for i in range(65)) + b'\r\n', 431),
    ('2,000 header lines of 40 B', b'GET / HTTP/1.1\r\nHost: x\r\n' +
     b''.join(b'X-Header-%04d: %s\r\n' % (i, b'v' * 23)
              for i in range(2000)) + b'\r\n', 431),
    ('head of 20 KB (60 lines)', b'GET / HTTP/1.1\r\nHost: x\r\n' +
     b''.join(b'X-L%d: %s\r\n' % (i, b'v' * 330) for i in range(60)) +
     b'\r\n', 431),
    ('body of 20 KB announced', b'POST /echo HTTP/1.1\r\nHost: x\r\n'
     b'Content-Type: application/json\r\nContent-Length: 20000\r\n\r\n',
     413),
    ('malformed request line', b'GET  / HTTP/1.1\r\nHost: x\r\n\r\n', 400),
    ('bad JSON body', b'POST /echo HTTP/1.1\r\nHost: x\r\n'
     b'Content-Type: application/json\r\nContent-Length: 3\r\n\r\n{{{',
     400),
    ('head never finished (header timeout)', b'GET / HTTP/1.1\r\nHo',
     None),
    ('body never sent (body timeout)', b'POST /echo HTTP/1.1\r\nHost: x\r\n'
     b'Content-Type: application/json\r\nContent-Length: 10\r\n\r\n{',
     None),
]


def limits_at(lib, heap):
    """[(case, expected, got)] for the four-route app at ``heap``; None if
    the app does not start there."""
    proc, port = launch('plain.py', ['PORT'], lib, 'micropython', heap)
    if proc is None:
        return None
    rows = []
    try:
        for what, data, want in LIMIT_CASES:
            rows.append((what, want, _exchange(port, data)))
        # more clients in flight than max_connections (8): the rest 503
        socks = []
        for _ in range(12):
            s = socket.create_connection(('127.0.0.1', port), timeout=8)
            s.sendall(b'GET /stream HTTP/1.1\r\nHost: x\r\n\r\n')
            socks.append(s)
        codes = []
        for s in socks:
            got = b''
            try:
                while b'\r\n' not in got:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    got += chunk
            except OSError:
                pass
            s.close()
            codes.append(int(got.split()[1]) if got.startswith(b'HTTP/')
                         else None)
        rows.append(('12 clients in flight at once', 503,
                     503 if 503 in codes and codes.count(200) >= 8 else
                     ' '.join(map(str, codes))))
        time.sleep(1.5)  # the streams that were answered end
        rows.append(('still serving after all that', 200,
                     http_get(port, '/')[0]))
    finally:
        proc.kill()
        proc.wait()
    return rows


def main():
    if not MP or not MPY_CROSS:
        sys.exit('needs micropython and mpy-cross: run it with make '
                 'footprint (or make setup first)')
    os.makedirs(WORK, exist_ok=True)
    frameworks = {
        'ours': os.path.join(ROOT, 'framework', 'microdot'),
        'microdot-2.7.0': reference_source(),
    }
    version = subprocess.run([MP, '-c', 'import sys; print(sys.version)'],
                             capture_output=True, text=True).stdout.strip()
    import platform
    print('Machine: %s, %d cores. Command: `make footprint` (`python3 '
          'bench/footprint.py`). %s (unix port, 64-bit); mpy-cross: %s.' % (
              platform.machine(), os.cpu_count(), version.split('; ')[-1],
              subprocess.run([MPY_CROSS, '--version'], capture_output=True,
                             text=True).stdout.strip()))
    print()
    rows = []
    libs, all_sizes, core_modules = {}, {}, {}
    for name, src in frameworks.items():
        lib, sizes = compile_package(src, name)
        libs[name], all_sizes[name] = lib, sizes
        core_modules[name] = loaded_by_hello(lib)
        core = sum(sizes[m] for m in core_modules[name])
        imp = int(mp_run(lib, IMPORT_RAM).stdout.strip())
        ready, during = in_request_free(lib)
        rows.append((name, core, sum(sizes.values()), imp, ready - during,
                     smallest_heap(lib), sizes))
    print('| framework | core .mpy | all .mpy | import RAM | '
          'server+request RAM | smallest heap for hello world |')
    print('|---|---|---|---|---|---|')
    for name, core, total, imp, run, heap, _ in rows:
        print('| %s | %d B | %d B | %d B | %d B | %s KB |' % (
            name, core, total, imp, run, heap))
    for name, image in (('ours', FROZEN), ('microdot-2.7.0', REF_FROZEN)):
        if os.path.exists(image):  # built from a MicroPython tree
            ready, during = in_request_free(image)
            print('| %s, frozen (unix image) | in flash | in flash | %d B | '
                  '%d B | %s KB |' % (name, int(mp_run(image, IMPORT_RAM)
                                                .stdout), ready - during,
                                      smallest_heap(image)))
    romfs = romfs_supported()
    for name in frameworks if romfs else ():
        image = romfs_image(libs[name], name)
        size = os.path.getsize(image)
        ready, during = in_request_free(image)
        heap = smallest_heap(image, hi=256 + size // 1024)
        print('| %s, ROMFS (unix port, image %d B) | in ROMFS | in ROMFS | '
              '%d B | %d B | %s KB |' % (
                  name, size, int(mp_run(image, IMPORT_RAM).stdout),
                  ready - during,
                  heap and heap - (size + 1023) // 1024))
    print()
    print('The four-route app (bench/apps/plain.py) as .mpy at a 64 KB heap:'
          ' the answer to each limit of the README\'s table (None: the '
          'connection is closed, as for the timeouts):')
    print()
    print('| case | expected | %s |' % ' | '.join(frameworks))
    print('|---|---|%s' % ('---|' * len(frameworks)))
    results = {name: limits_at(libs[name], '64k') for name in frameworks}
    for i, (what, _, want) in enumerate(LIMIT_CASES + [
            ('12 clients in flight at once', None, 503),
            ('still serving after all that', None, 200)]):
        print('| %s | %s | %s |' % (what, want, ' | '.join(
            'does not start' if results[n] is None else
            str(results[n][i][2]) for n in frameworks)))
    print()
    print('Size ledger (ours; .mpy bytes and import RAM of each part):')
    print()
    print('| part | what | .mpy | import RAM |')
    print('|---|---|---|---|')
    for part, note, size, ram in ledger(frameworks['ours'], libs['ours']):
        print('| %s | %s | %d B | %d B |' % (part, note, size, ram))
    print()
    print('Per module (.mpy bytes):')
    for name, *_, sizes in rows:
        print('  ' + name + ': ' + ', '.join(
            '%s %d' % kv for kv in sorted(sizes.items())))
    print()
    print('Extensions (.mpy bytes / import RAM after the core, bytes):')
    print()
    print('| extension | ours | microdot-2.7.0 |')
    print('|---|---|---|')
    for ext, cells in extension_rows(libs, all_sizes):
        print('| %s | %s | %s |' % (ext, *[
            '%d B / %s B' % cells[n] if cells[n] else '(none)'
            for n in frameworks]))
    print()
    print('core: the modules hello world has loaded once it answered '
          '(ours: %s; Microdot: %s).' % (', '.join(core_modules['ours']),
                                         ', '.join(core_modules[
                                             'microdot-2.7.0'])))
    print('Extensions: our session and csrf count signing.py, utemplate '
          'counts template.py; n/a: the module imports a package the unix '
          'port lacks (Microdot: jwt for sessions, utemplate).  Import RAM '
          'of one extension alone includes any new block of MicroPython\'s '
          'interned-name pool it triggers (up to about 4 KB, then shared '
          'by the next imports), so figures move with import order.')
    print('import RAM: heap used by `import microdot` after gc.collect().')
    print('server+request RAM: heap in use while a handler runs, minus '
          'that after app setup (server module, sockets, one request).')
    print('smallest heap: 1 KB steps; bench/apps/hello.py answers 20 '
          'sequential requests, all 200.')
    if romfs:
        print('ROMFS: the .mpy files above in an image made by `mpremote '
              'romfs build`, mounted with vfs.VfsRom; bytecode runs in '
              'place from the image.  This unix port has VfsRom but no ROM '
              'partition (no vfs.rom_ioctl), so the image is read into the '
              'heap first (bench/apps/romfs.py): import and server+request '
              'RAM are measured after that, and the smallest heap is the '
              'one found minus the image\'s size, rounded up to 1 KB, as '
              'a board holding the image in flash would need.')
    else:
        print('ROMFS: not measured, this MicroPython has no vfs.VfsRom.')


if __name__ == '__main__':
    main()
