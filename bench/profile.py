"""Where a request's time and RAM go on MicroPython: each stage of a
hello-world request in our framework (bench/apps/stages.py, no sockets),
then the bytes allocated per request through the real server, ours beside
Microdot 2.7.0, in one run.

    python3 bench/profile.py

Allocation counts are exact (the collector is off between two readings);
times are the fastest of five rounds, as other work on the machine only
ever adds to them.  Results: bench/results/profile.md.
"""
import asyncio
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footprint  # noqa: E402
import load  # noqa: E402
import throughput  # noqa: E402


def stages(lib):
    cmd, env = footprint.mp_command(lib, '8m')  # the collector is off
    out = subprocess.run(cmd + [os.path.join(footprint.HERE, 'apps',
                                             'stages.py')],
                         env=env, capture_output=True, text=True,
                         timeout=120).stdout
    return [line.split('|')[1:] for line in out.splitlines()
            if line.startswith('STAGE|')]


async def allocated(port, keep_alive, n=100):
    """Bytes allocated per request over ``n`` requests on one client."""
    c = load._Client(port)
    try:
        a = int((await c.get('/alloc/start'))[1])
        for _ in range(n):
            if keep_alive:
                assert await c.get('/') == (200, b'hello')
            else:
                c.close()
                assert await c.get('/') == (200, b'hello')
                c.close()
        b = int((await c.get('/alloc/stop'))[1])
    finally:
        c.close()
    return (b - a) // n


def _hello_client(port, n, keep_alive):
    """``n`` hello-world requests on one connection, or one each.  As any
    client, it sends again on a new connection when the server closed a
    kept connection before answering (Microdot 2.7 closes after every
    request without saying so)."""
    import socket
    s = None
    for _ in range(n):
        for again in (True, False):
            if s is None:
                s = socket.create_connection(('127.0.0.1', port),
                                             timeout=60)
                again = False  # a new connection: no second try
            s.sendall(b'GET / HTTP/1.1\r\nHost: x\r\n%s\r\n' % (
                b'' if keep_alive else b'Connection: close\r\n'))
            data = b''
            try:
                while not data.endswith(b'hello'):
                    chunk = s.recv(4096)
                    assert chunk, data
                    data += chunk
                break
            except (OSError, AssertionError):
                s.close()
                s = None
                if data or not again:
                    raise
        if not keep_alive or b'close' in data.lower():
            s.close()
            s = None
    if s is not None:
        s.close()


def _instructions(lib, n, keep_alive):
    """Instructions callgrind counts for a whole run of hello world on the
    unix port: start, 20 requests to warm up, ``n`` requests, exit."""
    import signal
    import tempfile
    import time
    out = tempfile.mktemp(suffix='.callgrind')
    log = tempfile.TemporaryFile()  # what the app prints, for an error
    port = footprint.free_port()
    cmd, env = footprint.mp_command(lib, '256k')
    # the interpreter itself, not a launcher script that starts it (a
    # pyenv shim would be counted)
    here = os.path.join(os.path.dirname(sys.executable), 'micropython')
    if cmd[0] == footprint.MP and os.path.exists(here):
        cmd[0] = here
    proc = subprocess.Popen(
        ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + out] +
        cmd + [os.path.join(footprint.HERE, 'apps', 'hello.py'), str(port)],
        env=env, stdout=log, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):  # valgrind starts slowly
            try:
                _hello_client(port, 20, keep_alive)
                break
            except (OSError, AssertionError):
                time.sleep(0.1)
        try:
            _hello_client(port, n, keep_alive)
        except (OSError, AssertionError) as exc:
            log.seek(0)
            raise AssertionError('%r; the app printed: %s' % (
                exc, log.read()[-2000:].decode(errors='replace')))
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
        log.close()
    with open(out) as f:
        total = [line for line in f
                 if line.startswith(('summary:', 'totals:'))][-1]
    os.remove(out)
    return int(total.split()[1])


def instructions_per_request(lib, keep_alive):
    """CPU instructions per hello-world request in steady state (callgrind
    on the unix port): the difference of two runs that differ only in the
    number of requests, so start-up, warm-up and exit cancel out."""
    counts = []
    for n in (100, 300):
        for attempt in range(3):
            try:
                counts.append(_instructions(lib, n, keep_alive))
                break
            except AssertionError:
                if attempt == 2:  # (a run under valgrind can stall)
                    raise
    return (counts[1] - counts[0]) // 200


def main():
    libs = {fw: r['micropython'] for fw, r in throughput.libraries().items()}
    lines = ['# Profile of a hello-world request on MicroPython', '',
             'Machine: %s; MicroPython unix port, the framework as .mpy. '
             'Command: `python3 bench/profile.py`.' % throughput.machine(),
             '', '**Stages** (ours; a browser-like head of 5 header lines, '
             'no sockets)', '', '| stage | µs | bytes allocated |',
             '|---|---|---|']
    for name, us, nbytes in stages(libs['ours']):
        lines.append('| %s | %s | %s |' % (name, us, nbytes))
    lines += ['', '**Allocated per request through the server** (bytes; '
              'request line and Host only, as wrk sends)', '',
              '| | ours | Microdot 2.7.0 |', '|---|---|---|']
    cells = {}
    for fw, lib in libs.items():
        proc, port = footprint.launch('probe.py', ['PORT'], lib,
                                       'micropython', '8m')
        try:
            cells[fw] = [asyncio.run(allocated(port, ka))
                         for ka in (True, False)]
        finally:
            proc.kill()
            proc.wait()
    lines.append('| keep-alive | {:,} | {:,} (closes: no keep-alive) |'
                 .format(cells['ours'][0], cells['microdot-2.7.0'][0]))
    lines.append('| a connection per request | {:,} | {:,} |'.format(
        cells['ours'][1], cells['microdot-2.7.0'][1]))
    if shutil.which('valgrind'):
        lines += ['', '**CPU instructions per request** (valgrind\'s '
                  'callgrind, the unix port, the framework as .mpy; the '
                  'difference of a 300-request and a 100-request run after '
                  '20 to warm up, so start-up and exit cancel out. '
                  'Instructions, unlike seconds, do not grow with the '
                  'machine\'s other load, except for work done per second '
                  'of run: our server checks deadlines 4 times a second, '
                  'so a run slowed by other load counts a little more. '
                  'The free heap is read again after a number of '
                  'admissions, not of milliseconds, so that reading no '
                  'longer grows with the run\'s slowness)', '',
                  '| | ours | Microdot 2.7.0 | ratio |', '|---|---|---|---|']
        for ka, label in ((True, 'keep-alive'),
                          (False, 'a connection per request')):
            ours = instructions_per_request(libs['ours'], ka)
            ref = instructions_per_request(libs['microdot-2.7.0'], ka)
            lines.append('| {} | {:,} | {:,} | {:.2f} |'.format(
                label, ours, ref, ours / ref))
    else:
        lines += ['', 'CPU instructions per request: not measured '
                  '(needs valgrind: apt-get install valgrind).']
    os.makedirs(throughput.RESULTS, exist_ok=True)
    with open(os.path.join(throughput.RESULTS, 'profile.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
