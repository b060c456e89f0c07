"""Soak: 10,000 mixed requests against the framework on the MicroPython
unix port at a 64 KB heap; a report, not a timed test.

    python3 bench/soak.py [--requests N] [--heap 64k]     (or: make soak)

The mix: keep-alive and single-request connections, small and streamed
uploads (Content-Length and chunked), streamed downloads, and, with the
unix image that has the framework frozen in (make firmware BOARD=UNIX),
multipart uploads and WebSocket round trips (as .mpy, those two modules
do not fit beside the rest in 64 KB on the 64-bit unix port).  Four
clients at a time.  Counted: failed requests (anything but the expected
answer), server crashes, and free heap after gc at the start and the end.
Writes bench/results/soak.md.
"""
import argparse
import glob
import os
import random
import shutil
import subprocess
import sys
import threading
import time

from footprint import free_port, wait_listening, keep_reading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
FROZEN = os.path.join(ROOT, 'firmware', 'build', 'UNIX', 'micropython')


def start(heap):
    port = free_port()
    app = os.path.join(HERE, 'apps', 'soak.py')
    if os.path.exists(FROZEN):
        cmd = [FROZEN, '-X', 'heapsize=' + heap, app, str(port), 'full']
        env = dict(os.environ, MICROPYPATH='.frozen')
        how = 'frozen (firmware/build/UNIX)'
    else:
        lib = os.path.join(HERE, 'work', 'soak-mpy')
        os.makedirs(os.path.join(lib, 'microdot'), exist_ok=True)
        for src in glob.glob(os.path.join(ROOT, 'framework/microdot/*.py')):
            subprocess.run([shutil.which('mpy-cross'), '-o', os.path.join(
                lib, 'microdot', os.path.basename(src)[:-3] + '.mpy'), src],
                check=True)
        cmd = [shutil.which('micropython'), '-X', 'heapsize=' + heap, app,
               str(port)]
        env = dict(os.environ, MICROPYPATH=lib + ':.frozen')
        how = '.mpy (no multipart or WebSocket in the mix)'
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    line = proc.stdout.readline()
    if not line.startswith(b'READY'):
        sys.exit('the soak app did not start: %r' %
                 (line + proc.stdout.read()))
    log = keep_reading(proc, [])
    wait_listening(port)
    return proc, port, how, log, os.path.exists(FROZEN)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--requests', type=int, default=10000)
    p.add_argument('--heap', default='64k')
    p.add_argument('--clients', type=int, default=4)
    p.add_argument('--warmup', type=int, default=1000)
    args = p.parse_args()
    import requests
    proc, port, how, log, full = start(args.heap)
    base = 'http://127.0.0.1:%d' % port
    close = {'Connection': 'close'}

    def best_free():
        best = 0
        for _ in range(3):
            time.sleep(0.3)
            best = max(best, int(requests.get(base + '/mem',
                                              headers=close).text))
        return best

    kinds = ['get', 'get-close', 'echo', 'count', 'chunked', 'stream']
    if full:
        kinds += ['upload', 'ws']
    payload = os.urandom(20000)

    def one(session, kind, rnd):
        # a well-behaved client: a 503 (the board is short of RAM or at
        # its connection cap) is retried after its Retry-After
        for attempt in range(5):
            ok = one_try(session, kind, rnd)
            if ok != 503:
                return ok
            retries[0] += 1
            time.sleep(0.05 * (attempt + 1))
        return False

    retries = [0]

    def check(r, expected):
        if r.status_code == 503:
            return 503
        return r.status_code == 200 and expected

    def one_try(session, kind, rnd):
        if kind == 'get':
            r = session.get(base + '/')
            return check(r, r.text == 'hello')
        if kind == 'get-close':
            r = requests.get(base + '/', headers=close)
            return check(r, r.text == 'hello')
        if kind == 'echo':
            data = payload[:rnd.randint(0, 2000)]
            r = session.post(base + '/echo', data=data)
            return check(r, r.content == data)
        if kind == 'count':
            n = rnd.randint(0, 20000)
            r = session.post(base + '/count', data=payload[:n])
            return check(r, r.text == str(n))
        if kind == 'chunked':
            n = rnd.randint(1, 20000)

            def gen():
                for i in range(0, n, 3000):
                    yield payload[i:min(i + 3000, n)]
            r = session.post(base + '/count', data=gen())
            return check(r, r.text == str(n))
        if kind == 'stream':
            r = session.get(base + '/stream')
            return check(r, r.content == b'y' * 16384)
        if kind == 'upload':
            n = rnd.randint(1, 20000)
            r = session.post(base + '/upload',
                             files={'f': ('f.bin', payload[:n])})
            return check(r, r.text == str(n))
        if kind == 'ws':
            from websockets.sync.client import connect
            with connect(base.replace('http', 'ws') + '/ws') as ws:
                for i in range(3):
                    msg = 'm%d' % i * rnd.randint(1, 50)
                    ws.send(msg)
                    if ws.recv(timeout=10) != msg:
                        return False
            return True

    counts = {k: 0 for k in kinds}
    failures = []
    lock = threading.Lock()

    def worker(seed):
        rnd = random.Random(seed)
        session = requests.Session()
        while True:
            with lock:
                if todo[0] <= 0:
                    break
                todo[0] -= 1
            kind = rnd.choice(kinds)
            try:
                ok = one(session, kind, rnd)
            except Exception as exc:
                ok = False
                kind += ' (%s)' % type(exc).__name__
                session = requests.Session()
            with lock:
                counts[kind.split()[0]] += 1
                if not ok:
                    failures.append(kind)
        session.close()
    def phase(n, seed):
        todo[0] = n
        threads = [threading.Thread(target=worker, args=(seed + i,))
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # warm-up: the mix itself, until the runtime's tables (poller, dicts)
    # have grown to this load; its results are not counted
    todo = [0]
    phase(args.warmup, 1000)
    for k in kinds:
        counts[k] = 0
    del failures[:]
    retries[0] = 0
    start_free = best_free()
    t0 = time.time()
    phase(args.requests, 0)
    elapsed = time.time() - t0
    crashed = proc.poll() is not None
    end_free = None if crashed else best_free()
    proc.kill()
    proc.wait()
    tracebacks = b''.join(log).count(b'Traceback')
    os.makedirs(os.path.join(HERE, 'work'), exist_ok=True)
    with open(os.path.join(HERE, 'work', 'soak-server.log'), 'wb') as f:
        f.write(b''.join(log))
    version = subprocess.run(
        [FROZEN if full else shutil.which('micropython'), '-c',
         'import sys; print(sys.version)'], capture_output=True,
        text=True).stdout.strip()
    lines = [
        '# Soak',
        '',
        'Command: `python3 bench/soak.py --requests %d --heap %s` '
        '(make soak)' % (args.requests, args.heap),
        '',
        'MicroPython %s (unix port, 64-bit), heap %s, framework %s; '
        '%d clients at a time on this machine\'s 2 cores.' % (
            version, args.heap, how, args.clients),
        '',
        '| | |',
        '|---|---|',
        '| requests | %d in %.1f s, after %d of warm-up |' % (
            sum(counts.values()), elapsed, args.warmup),
        '| mix | %s |' % ', '.join('%s %d' % kv for kv in counts.items()),
        '| 503 answers retried (the board short of RAM or at its cap) '
        '| %d |' % retries[0],
        '| failed requests | %d %s |' % (
            len(failures), sorted(set(failures)) if failures else ''),
        '| server crashes | %d |' % (1 if crashed else 0),
        '| tracebacks in the server log | %d |' % tracebacks,
        '| free heap after gc, start | %d B |' % start_free,
        '| free heap after gc, end | %s |' % (
            '%d B' % end_free if end_free is not None else 'n/a'),
        '| change | %s |' % ('%+d B' % (end_free - start_free)
                             if end_free is not None else 'n/a'),
    ]
    report = '\n'.join(lines) + '\n'
    print(report)
    os.makedirs(os.path.join(HERE, 'results'), exist_ok=True)
    with open(os.path.join(HERE, 'results', 'soak.md'), 'w') as f:
        f.write(report)
    ok = not failures and not crashed and end_free is not None and \
        end_free >= start_free - 1024
    sys.exit(0 if ok else 1)


if __name__ == '__main__':
    main()
