"""The emulated board's pieces that run in Node.js, without a firmware
image: the UART fixes and paced feeds, the flash chip model, the image
loader (tests/rp2js/*.test.mjs, Node's own test runner).

Host-side tooling, so CPython only (it drives node)."""
from support import MICROPYTHON

if not MICROPYTHON:
    import os
    import subprocess
    import sys

    import pytest

    HERE = os.path.dirname(os.path.abspath(__file__))
    JS = os.path.join(HERE, 'rp2js')
    sys.path.insert(0, os.path.join(HERE, 'hil'))
    from emulated_board import ensure_rp2040js  # noqa: E402

    def test_node_unit_tests_pass():
        try:
            node = ensure_rp2040js()
        except RuntimeError as exc:
            pytest.skip(str(exc))
        files = sorted(f for f in os.listdir(JS) if f.endswith('.test.mjs'))
        proc = subprocess.run([node, '--test'] + files, cwd=JS,
                              capture_output=True, text=True, timeout=300)
        tail = proc.stdout[-3000:] + proc.stderr[-2000:]
        assert proc.returncode == 0, tail
        assert '# fail 0' in proc.stdout, tail
        print(''.join(line + '\n' for line in proc.stdout.splitlines()
                      if line.startswith('# ')))
