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
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footprint  # noqa: E402

HERE = footprint.HERE
RESULTS = os.path.join(HERE, 'results')


def alternate(libs, runtime, heap, repeat, app, measure):
    """``repeat`` rounds in which each framework in ``libs`` takes its
    turn, so drift on the machine hits all alike: its app is started
    (``app(framework, folder)`` gives the script and its arguments, run in
    a scratch folder), ``measure(port, folder)`` returns a sample (a dict)
    and the server is stopped.  {framework: [sample, or None where the app
    did not start]}; each sample also says whether the server was still
    alive at the end."""
    samples = {fw: [] for fw in libs}
    for _ in range(repeat):
        for fw in libs:
            folder = tempfile.mkdtemp(dir=footprint.WORK)
            script, args = app(fw, folder)
            proc, port = footprint.launch(script, args, libs[fw][runtime],
                                          runtime, heap, cwd=folder)
            try:
                if proc is None:
                    samples[fw].append(None)
                    continue
                r = measure(port, folder)
                r['alive'] = proc.poll() is None
                samples[fw].append(r)
            finally:
                if proc is not None:
                    proc.kill()
                    proc.wait()
                shutil.rmtree(folder, ignore_errors=True)
    return samples


def wrk(port, conns, keep_alive, seconds, path='/', script=None):
    """Run wrk for ``seconds``; req/s counting 2xx answers only.  With a
    Lua ``script`` that checks every body, 'bad' counts wrong ones."""
    cmd = ['wrk', '-t1', '-c%d' % conns, '-d%ds' % seconds, '--timeout',
           '2s']
    if not keep_alive:
        cmd += ['-H', 'Connection: close']
    if script:
        cmd += ['-s', script]
    out = subprocess.run(cmd + ['http://127.0.0.1:%d%s' % (port, path)],
                         capture_output=True, text=True,
                         timeout=seconds + 30).stdout
    total = re.search(r'(\d+) requests in ([\d.]+)(m?s)', out)
    errors = re.search(r'Socket errors: connect (\d+), read (\d+), '
                       r'write (\d+), timeout (\d+)', out)
    non2xx = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    bad = re.search(r'BAD (\d+)', out)
    r = {'rps': 0.0, 'errors': sum(map(int, errors.groups())) if errors
         else 0, 'non2xx': int(non2xx.group(1)) if non2xx else 0,
         'bad': int(bad.group(1)) if bad else 0}
    if total:
        secs = float(total.group(2)) / (1000 if total.group(3) == 'ms'
                                        else 1)
        # only 2xx answers count: a quick 503 is not a request served
        r['rps'] = (int(total.group(1)) - r['non2xx']) / secs
    return r


def libraries():
    """{framework: {runtime: package dir}}: ours and Microdot 2.7.0 as .mpy
    for MicroPython and as source for CPython."""
    os.makedirs(footprint.WORK, exist_ok=True)
    ours, _ = footprint.compile_package(
        os.path.join(footprint.ROOT, 'framework', 'microdot'), 'ours')
    ref_src = footprint.reference_source()
    ref, _ = footprint.compile_package(ref_src, 'microdot-2.7.0')
    libs = {'ours': {'micropython': ours,
                     'cpython': os.path.join(footprint.ROOT, 'framework',
                                             'microdot')},
            'microdot-2.7.0': {'micropython': ref, 'cpython': ref_src}}
    # unix images with each framework frozen in, where both were built
    # (make firmware BOARD=UNIX; make bench-reference-image)
    if os.path.exists(footprint.FROZEN) and \
            os.path.exists(footprint.REF_FROZEN):
        libs['ours']['frozen'] = footprint.FROZEN
        libs['microdot-2.7.0']['frozen'] = footprint.REF_FROZEN
    return libs


def setups(libs):
    """(runtime, heap) pairs to measure; 'frozen' runs the unix images."""
    out = [('micropython', '256k'), ('micropython', '64k')]
    if 'frozen' in libs['ours']:
        out.append(('frozen', '64k'))
    else:
        print('no frozen rows: they need `make firmware BOARD=UNIX` and '
              '`make bench-reference-image` (a MicroPython tree)')
    return out + [('cpython', '')]


def label(runtime, heap):
    """How a row names its runtime: 'micropython 64k', 'micropython 64k,
    frozen', 'cpython'."""
    if runtime == 'frozen':
        return 'micropython %s, frozen' % heap
    return runtime + (' ' + heap if heap else '')


def machine():
    return '%s, %d cores, CPython %s' % (
        platform.machine(), os.cpu_count(), platform.python_version())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=int, default=2)
    ap.add_argument('--repeat', type=int, default=2)
    ap.add_argument('--conns', default='1,8,32')
    args = ap.parse_args()
    if not shutil.which('wrk'):
        sys.exit('needs wrk: apt-get install wrk')
    libs = libraries()
    # the bare server needs no framework: any package dir does for its path
    libs['bare asyncio'] = libs['ours']
    conns = [int(c) for c in args.conns.split(',')]
    results = []
    for runtime, heap in setups(libs):
        for keep_alive in (False, True):
            for c in conns:
                samples = alternate(
                    libs, runtime, heap, args.repeat,
                    lambda fw, folder: ('bare_asyncio.py' if fw ==
                                        'bare asyncio' else 'hello.py',
                                        ['PORT']),
                    lambda port, folder, c=c, keep_alive=keep_alive: wrk(
                        port, c, keep_alive, args.seconds))
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
    machine_ = machine()
    with open(os.path.join(RESULTS, 'throughput.json'), 'w') as f:
        json.dump({'machine': machine_, 'command':
                   'python3 bench/throughput.py --seconds %d --repeat %d' %
                   (args.seconds, args.repeat), 'results': results}, f,
                  indent=1)
    lines = ['# Hello world throughput', '',
             'Machine: %s (CPython for the client side and the CPython '
             'rows). Command: `python3 bench/throughput.py --seconds %d '
             '--repeat %d`. req/s, median of the repeats (min in '
             'brackets), counting 2xx answers only; "%% of ceiling" is ours '
             'over bare asyncio on the '
             'same runtime, heap and mode; errors are wrk socket errors and '
             'non-2xx answers, summed over the repeats.' % (
                 machine_, args.seconds, args.repeat), '',
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
            label(runtime, heap), 'on' if ka else 'off',
            c, cell(o), cell(m), cell(b),
            # (no ratio to a framework that answered under 1 req/s or
            # crashed: it would only say how soon it crashed)
            '%.2f' % (o['rps_median'] / m['rps_median'])
            if m['rps_median'] >= 1 and m['server_survived'] else '-',
            '%.0f%%' % (100 * o['rps_median'] / b['rps_median'])
            if b['rps_median'] else '-', o['errors'], m['errors']))
    with open(os.path.join(RESULTS, 'throughput.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
