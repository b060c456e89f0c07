"""manifest.py freezes exactly the package's board-side modules, each of
them compiles with mpy-cross 1.28, and the frozen bytecode stays within its
budget.  CPython only (it runs mpy-cross and reads files)."""
from support import MICROPYTHON, skip

# Frozen bytecode budgets, in bytes of .mpy.  Frozen code costs flash, not
# RAM.  The core (what every app loads), for boards short of flash, stays
# within 31 KB: it only shrinks.  Core and every extension stay within
# 68 KB, about 4.5% of a 1.5 MB firmware partition; extensions grow with
# the features they add (the board helpers' Wi-Fi and PPP support, an
# OpenAPI checker...), and this bound makes each growth a decision.
BUDGET = 68 * 1024
CORE_BUDGET = 31 * 1024
CPYTHON_ONLY = {'cpython.py', 'asgi.py', 'wsgi.py', 'jinja.py'}

if not MICROPYTHON:
    import glob
    import os
    import shutil
    import subprocess
    import pytest

    ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

    import sys
    sys.path.insert(0, os.path.join(ROOT, 'firmware'))
    from manifest_files import evaluate as evaluate_manifest
    from report import board_settings

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
            pytest.skip('needs mpy-cross (make setup)')
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

if not MICROPYTHON:
    def test_board_definitions():
        """Each board folder says how to build and flash it, freezes our
        manifest on top of its upstream board's, and pins the features the
        framework needs where the port could leave them out."""
        boards = os.path.join(ROOT, 'boards')
        names = sorted(os.listdir(boards))
        assert {'RPI_PICO_W', 'RPI_PICO2_W', 'PYBD_SF2', 'ESP32_GENERIC',
                'ESP32_GENERIC_S3', 'UNIX', 'QEMU'} <= set(names)
        for b in names:
            d = os.path.join(boards, b)
            mk = board_settings(b)  # as the size report reads it
            for key in ('PORT_NAME', 'UPSTREAM_BOARD', 'IMAGES',
                        'FLASH_METHOD'):
                assert key in mk, (b, key)
            with open(os.path.join(d, 'manifest.py')) as f:
                manifest = f.read()
            assert '/../../manifest.py")' in manifest, b
            port = mk['PORT_NAME']
            if port in ('rp2', 'esp32', 'stm32'):
                # esp32 boards take the port's standard manifest
                assert ('boards/manifest.py' if port == 'esp32' else
                        'boards/%s/manifest.py' % mk['UPSTREAM_BOARD']) in \
                    manifest, b
                with open(os.path.join(d, 'mpconfigboard.h')) as f:
                    h = f.read()
                assert '#define MICROPY_PY_HASHLIB_SHA1 (1)' in h, b
                assert '"boards/%s/mpconfigboard.h"' % mk['UPSTREAM_BOARD'] \
                    in h, b
            if port in ('rp2', 'esp32'):
                with open(os.path.join(d, 'mpconfigboard.cmake')) as f:
                    assert 'boards/%s/mpconfigboard.cmake' % \
                        mk['UPSTREAM_BOARD'] in f.read(), b
            if mk['FLASH_METHOD'] == 'esptool':
                assert mk['FLASH_OFFSET'] == (
                    '0x1000' if mk['CHIP'] == 'esp32' else '0x0'), b
