"""A small test runner for MicroPython, which has no unittest or pytest.

Runs the same test files as pytest: module-level ``test_*`` functions and
``test_*`` methods of ``Test*`` classes.  Prints one line per failure with
its traceback, then ``N passed, N failed, N skipped``; exits 1 on failure.

    micropython -X heapsize=256k tests/mpy_runner.py [test_file.py ...]
"""
import gc
import os
import sys

here = __file__.rpartition('/')[0] or '.'
sys.path.insert(0, here)

import support  # noqa: E402


def tests_of(module):
    for name in sorted(dir(module)):
        obj = getattr(module, name)
        if name.startswith('test_') and callable(obj):
            yield name, obj
        elif name.startswith('Test') and isinstance(obj, type):
            for mname in sorted(dir(obj)):
                if mname.startswith('test_'):
                    yield name + '.' + mname, getattr(obj(), mname)


def main(argv):
    verbose = '-v' in argv
    argv = [a for a in argv if a != '-v']
    files = argv or sorted(f for f in os.listdir(here)
                           if f.startswith('test_') and f.endswith('.py'))
    passed = failed = skipped = 0
    for f in files:
        modname = f.rpartition('/')[2][:-3]
        try:
            module = __import__(modname)
        except Exception as exc:
            failed += 1
            print('FAIL', modname, '(import)')
            sys.print_exception(exc)
            continue
        for name, test in tests_of(module):
            gc.collect()
            if verbose:
                print(modname + '::' + name)
            try:
                test()
                passed += 1
            except support.Skipped as exc:
                skipped += 1
                print('SKIP %s::%s: %s' % (modname, name, exc))
            except Exception as exc:
                failed += 1
                print('FAIL %s::%s' % (modname, name))
                sys.print_exception(exc)
        del sys.modules[modname]
        gc.collect()
    print('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return failed


if __name__ == '__main__':
    sys.exit(1 if main(sys.argv[1:]) else 0)
