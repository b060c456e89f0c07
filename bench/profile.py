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
    os.makedirs(throughput.RESULTS, exist_ok=True)
    with open(os.path.join(throughput.RESULTS, 'profile.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
