"""RAM on MicroPython as concurrency grows, per connection, after 5,000
requests, and the smallest heap that serves 8 concurrent clients: ours and
Microdot 2.7.0 as .mpy (and ours frozen, where the unix image is built),
in one run.

    python3 bench/memory.py

Live heap is read inside a handler after gc.collect() (bench/apps/probe.py:
/hold/N answers once N requests are in flight together; /mem reports free
heap).  Every load here is an exact number of requests with every answer
checked, from our own asyncio client (bench/load.py).  Results:
bench/results/memory.md and memory.json.
"""
import asyncio
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footprint  # noqa: E402
import load  # noqa: E402
import throughput  # noqa: E402

RESULTS = throughput.RESULTS
CONCURRENCY = [1, 2, 4, 8, 16, 32]
HEAP = '256k'


def measure(lib, client, heap=HEAP, cap=None, app='probe.py'):
    """Start ``app``, run ``client(port)`` (a coroutine function) against
    it and return its result; None if the server did not start or the
    client failed (the server ran out of memory, say)."""
    proc, port = footprint.launch(
        app, ['PORT'] + ([str(cap)] if cap else []), lib, 'micropython',
        heap)
    if proc is None:
        return None
    try:
        return asyncio.run(client(port))
    except Exception:
        return None
    finally:
        proc.kill()
        proc.wait()


def in_flight(lib, n):
    """Heap in use with ``n`` requests inside a handler at once."""
    async def client(port):
        bodies = await load.together(port, '/hold/%d' % n, n)
        numbers = [int(b) for b in bodies if b and b.isdigit()]
        if len(numbers) == 1 and len(bodies) == n:
            return numbers[0]
    return measure(lib, client, cap=64 if n > 8 else None)


def idle_connections(lib, n=7):
    """(free heap, free heap with ``n`` idle keep-alive connections open,
    n), or None."""
    return measure(lib, lambda port: load.idle_cost(port, n))


AFTER_HEAP = '128k'


def after_requests(lib, count=5000, clients=8):
    """(free heap at start, after ``count`` requests from ``clients``
    concurrent clients, failures among them), or None."""
    return measure(lib, lambda port: load.free_after(port, count, clients),
                   AFTER_HEAP)


def serves_8(lib, heap, count=400):
    """True if hello world at ``heap`` answers ``count`` requests from 8
    concurrent clients with no failure at all."""
    async def client(port):
        return (await load.run(port, '/', b'hello', count, 8))['failed']
    return measure(lib, client, heap, app='hello.py') == 0


def smallest_heap_8(lib, lo=16, hi=256):
    """Smallest heap (2 KB steps) at which 8 concurrent clients get no
    failure; checked twice at the answer, as a failure may be chance."""
    if not serves_8(lib, '%dk' % hi):
        return None
    while hi - lo > 2:
        mid = (lo + hi) // 4 * 2
        if serves_8(lib, '%dk' % mid):
            hi = mid
        else:
            lo = mid
    while not serves_8(lib, '%dk' % hi):
        hi += 2
    return hi


def main():
    libs = {}
    for fw, runtimes in throughput.libraries().items():
        libs[fw] = runtimes['micropython']
        if 'frozen' in runtimes:  # the unix images, where built
            libs[fw + ', frozen'] = runtimes['frozen']
    rows = {}
    for fw, lib in libs.items():
        r = rows[fw] = {}
        r['in_flight'] = {n: in_flight(lib, n) for n in CONCURRENCY}
        print(fw, 'in flight', r['in_flight'], flush=True)
        r['idle_free'] = idle_connections(lib)
        r['after_5000'] = after_requests(lib)
        print(fw, 'idle', r['idle_free'], 'after 5000', r['after_5000'],
              flush=True)
        r['smallest_heap_8'] = smallest_heap_8(lib)
        print(fw, 'smallest heap for 8 clients', r['smallest_heap_8'],
              'KB', flush=True)
    write(rows)


def write(rows):
    os.makedirs(RESULTS, exist_ok=True)
    data = {'machine': throughput.machine(), 'command':
            'python3 bench/memory.py', 'heap': HEAP, 'rows': rows}
    with open(os.path.join(RESULTS, 'memory.json'), 'w') as f:
        json.dump(data, f, indent=1)
    names = list(rows)
    lines = ['# Memory on MicroPython', '',
             'Machine: %s; MicroPython unix port (64-bit), the framework '
             'as .mpy from mpy-cross 1.28 unless "frozen". Command: '
             '`python3 bench/memory.py`.' % data['machine'], '',
             '**Live heap with N requests in flight (bytes, %s heap)**' %
             HEAP, '',
             'After gc.collect(), inside the handler of the last of N '
             'requests to arrive while the others wait in theirs: '
             'everything the server, the connections and the requests '
             'hold, with the framework itself (.mpy bytecode lives in the '
             'heap; frozen bytecode does not). For 16 and 32, ours runs '
             'with `max_connections` raised to 64: by default a MicroPython '
             'server admits 8 connections at once, and more clients wait '
             'or get a quick 503, which bounds its peak.', '',
             '| requests in flight | ' + ' | '.join(names) + ' |',
             '|---' * (len(names) + 1) + '|']
    for n in CONCURRENCY:
        lines.append('| %d | %s |' % (n, ' | '.join(
            fmt(rows[fw]['in_flight'][n]) for fw in names)))
    lines.append('| per request in flight (32 vs 1) | %s |' % ' | '.join(
        per(rows[fw]['in_flight'], 1, 32) for fw in names))
    lines += ['', '**Other figures**', '',
              '| | ' + ' | '.join(names) + ' |',
              '|---' * (len(names) + 1) + '|']
    lines.append('| RAM per idle keep-alive connection (7 open; 8 is the '
                 'cap on a board) | %s |' % ' | '.join(
                     idle(rows[fw]['idle_free']) for fw in names))
    lines.append('| free heap at start / after 5,000 requests, 8 clients, '
                 '%s heap (failed requests) | %s |' % (AFTER_HEAP, ' | '.join(
                     after(rows[fw]['after_5000']) for fw in names)))
    lines.append('| smallest heap with 0 failures for 8 concurrent clients '
                 '(400 requests, 2 KB steps) | %s |' % ' | '.join(
                     fmt(rows[fw]['smallest_heap_8'], ' KB')
                     for fw in names))
    lines += ['', 'Microdot 2.7.0 closes every connection after one '
              'response, so it holds no idle connection. "failed" means '
              'the server did not start or did not answer right.']
    with open(os.path.join(RESULTS, 'memory.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


def fmt(v, unit=''):
    return 'failed' if v is None else '{:,}'.format(v) + unit


def per(d, a, b):
    if d[a] is None or d[b] is None:
        return 'failed'
    return '{:,}'.format((d[b] - d[a]) // (b - a))


def idle(r):
    if not r or r[0] is None:
        return 'failed'
    base, with_idle, n = r
    return '{:,}'.format((base - with_idle) // n) if with_idle else \
        'closed by the server'


def after(r):
    if r is None:
        return 'failed'
    return '{:,} / {:,} ({} failed)'.format(*r)


if __name__ == '__main__':
    main()
