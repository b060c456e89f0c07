"""Requests per second of hello world: ours, Microdot 2.7.0 and a bare
asyncio responder (the ceiling), side by side and alternating, in one run.

    python3 bench/throughput.py [--seconds 2] [--repeat 2]

Load comes from wrk (Debian package) on 127.0.0.1 only, one client thread,
for a fixed time per measurement.  Results: bench/results/throughput.md and
throughput.json.  Server and wrk share the machine's cores: on a 2-core
machine each gets about one, so these are relative figures.
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footprint  # noqa: E402

HERE = footprint.HERE
RESULTS = os.path.join(HERE, 'results')


def start(kind, lib, runtime, heap):
    """Start a server; return (process, port) or (None, port)."""
    port = footprint.free_port()
    script = os.path.join(HERE, 'bare_asyncio.py' if kind == 'bare'
                          else 'hello_app.py')
    if runtime == 'cpython':
        env = dict(os.environ, PYTHONPATH=os.path.dirname(lib))
        cmd = [sys.executable, script, str(port)]
    else:
        env = dict(os.environ, MICROPYPATH=lib + ':.frozen')
        cmd = [footprint.MP, '-X', 'heapsize=' + heap, script, str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    if not proc.stdout.readline().startswith(b'READY'):
        proc.kill()
        return None, port
    footprint.wait_listening(port)
    return proc, port


def wrk(port, conns, keep_alive, seconds):
    cmd = ['wrk', '-t1', '-c%d' % conns, '-d%ds' % seconds, '--timeout',
           '2s']
    if not keep_alive:
        cmd += ['-H', 'Connection: close']
    out = subprocess.run(cmd + ['http://127.0.0.1:%d/' % port],
                         capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    total = re.search(r'(\d+) requests in ([\d.]+)(m?s)', out)
    errors = re.search(r'Socket errors: connect (\d+), read (\d+), '
                       r'write (\d+), timeout (\d+)', out)
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    bad = int(non2xx.group(1)) if non2xx else 0
    if not total:
        return {'rps': 0.0, 'errors': 0, 'non2xx': bad}
    secs = float(total.group(2)) / (1000 if total.group(3) == 'ms' else 1)
    # only 2xx answers count: a quick 503 is not a request served
    return {'rps': (int(total.group(1)) - bad) / secs,
            'errors': sum(map(int, errors.groups())) if errors else 0,
            'non2xx': bad}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=int, default=2)
    ap.add_argument('--repeat', type=int, default=2)
    ap.add_argument('--conns', default='1,8,32')
    args = ap.parse_args()
    if not shutil.which('wrk'):
        sys.exit('needs wrk: apt-get install wrk')
    os.makedirs(footprint.WORK, exist_ok=True)
    ours, _ = footprint.compile_package(
        os.path.join(footprint.ROOT, 'framework', 'microdot'), 'ours')
    ref_src = footprint.reference_source()
    ref, _ = footprint.compile_package(ref_src, 'microdot-2.7.0')
    setups = [('micropython', '256k'), ('micropython', '64k'),
              ('cpython', '')]
    libs = {'ours': {'micropython': ours,
                     'cpython': os.path.join(footprint.ROOT, 'framework',
                                             'microdot')},
            'microdot-2.7.0': {'micropython': ref, 'cpython': ref_src},
            'bare asyncio': {'micropython': ours, 'cpython': ref_src}}
    conns = [int(c) for c in args.conns.split(',')]
    results = []
    for runtime, heap in setups:
        for keep_alive in (False, True):
            for c in conns:
                samples = {name: [] for name in libs}
                for _ in range(args.repeat):
                    for name in libs:  # alternate, so drift hits all
                        kind = 'bare' if name == 'bare asyncio' else 'app'
                        proc, port = start(kind, libs[name][runtime],
                                           runtime, heap)
                        if proc is None:
                            samples[name].append(None)
                            continue
                        r = wrk(port, c, keep_alive, args.seconds)
                        r['alive'] = proc.poll() is None
                        proc.kill()
                        proc.wait()
                        samples[name].append(r)
                for name, runs in samples.items():
                    ok = [r for r in runs if r]
                    rps = [r['rps'] for r in ok]
                    results.append({
                        'runtime': runtime, 'heap': heap,
                        'keep_alive': keep_alive, 'conns': c,
                        'framework': name,
                        'rps_median': statistics.median(rps) if rps else 0,
                        'rps_min': min(rps) if rps else 0,
                        'errors': sum(r['errors'] + r['non2xx'] for r in ok),
                        'server_survived': all(r['alive'] for r in ok) and
                        len(ok) == len(runs)})
                print(runtime, heap, 'keep-alive' if keep_alive else
                      'close', c, ' '.join(
                          '%s=%.0f' % (r['framework'], r['rps_median'])
                          for r in results[-len(libs):]), flush=True)
    write(results, args)


def write(results, args):
    os.makedirs(RESULTS, exist_ok=True)
    machine = '%s, %d cores, %s' % (platform.machine(), os.cpu_count(),
                                    platform.python_version())
    with open(os.path.join(RESULTS, 'throughput.json'), 'w') as f:
        json.dump({'machine': machine, 'command':
                   'python3 bench/throughput.py --seconds %d --repeat %d' %
                   (args.seconds, args.repeat), 'results': results}, f,
                  indent=1)
    lines = ['# Hello world throughput', '',
             'Machine: %s (CPython for the client side and the CPython '
             'rows). Command: `python3 bench/throughput.py --seconds %d '
             '--repeat %d`. req/s, median of the repeats (min in '
             'brackets), counting 2xx answers only; "%% of ceiling" is ours over '
             'bare asyncio on the '
             'same runtime, heap and mode; errors are wrk socket errors and '
             'non-2xx answers, summed over the repeats.' % (
                 machine, args.seconds, args.repeat), '',
             '| runtime | keep-alive | clients | ours | Microdot 2.7.0 | '
             'bare asyncio | ours / Microdot | % of ceiling | errors '
             '(ours / Microdot) |', '|---|---|---|---|---|---|---|---|---|']
    by = {}
    for r in results:
        by.setdefault((r['runtime'], r['heap'], r['keep_alive'],
                       r['conns']), {})[r['framework']] = r
    for (runtime, heap, ka, c), fw in by.items():
        o, m, b = fw['ours'], fw['microdot-2.7.0'], fw['bare asyncio']

        def cell(r):
            s = '%.0f (%.0f)' % (r['rps_median'], r['rps_min'])
            return s if r['server_survived'] else s + ' crashed'
        lines.append('| %s | %s | %d | %s | %s | %s | %s | %s | %d / %d |' % (
            runtime + (' ' + heap if heap else ''), 'on' if ka else 'off',
            c, cell(o), cell(m), cell(b),
            '%.2f' % (o['rps_median'] / m['rps_median'])
            if m['rps_median'] else '-',
            '%.0f%%' % (100 * o['rps_median'] / b['rps_median'])
            if b['rps_median'] else '-', o['errors'], m['errors']))
    with open(os.path.join(RESULTS, 'throughput.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
