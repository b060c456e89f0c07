"""Run every test file on MicroPython, each in its own interpreter (as a
board runs one app: a crash or a fragmented heap in one file cannot fail
the next), and print the total as ``N passed, N failed, N skipped``.

    MICROPYPATH=build/mpy:.frozen python3 tests/run_mpy.py [HEAP] [files]
"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main(argv):
    heap = argv[0] if argv else '256k'
    files = argv[1:] or sorted(
        f for f in os.listdir(HERE) if f.startswith('test_') and
        f.endswith('.py'))
    mp = os.environ.get('MICROPYTHON', 'micropython')
    totals = [0, 0, 0]
    for f in files:
        proc = subprocess.run(
            [mp, '-X', 'heapsize=' + heap, os.path.join(HERE, 'mpy_runner.py'),
             f], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = proc.stdout.decode(errors='replace')
        m = re.search(r'^(\d+) passed, (\d+) failed, (\d+) skipped$', out,
                      re.M)
        if m:
            counts = [int(x) for x in m.groups()]
            out = out[:m.start()] + out[m.end():]
        else:  # the interpreter died: the whole file counts as one failure
            counts = [0, 1, 0]
            out += '\nFAIL %s: MicroPython exited with %d\n' % (
                f, proc.returncode)
        if counts[1] or m is None:
            sys.stdout.write(out)
        else:  # only the skips of a passing file
            sys.stdout.write(''.join(line + '\n' for line in out.splitlines()
                                     if line.startswith('SKIP ')))
        print('%s: %d passed, %d failed, %d skipped' % (f, *counts))
        totals = [a + b for a, b in zip(totals, counts)]
    print('%d passed, %d failed, %d skipped' % tuple(totals))
    return 1 if totals[1] else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
