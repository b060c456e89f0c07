"""The emulated board's pieces that run in Node.js, without a firmware
image: the UART fixes and paced feeds, the flash chip model, the image
loader (tests/rp2js/*.test.mjs, Node's own test runner).

Host-side tooling, so CPython only (it drives node)."""
from support import MICROPYTHON

if not MICROPYTHON:
    import os
    import shutil
    import subprocess

    import pytest

    JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'rp2js')

    def test_node_unit_tests_pass():
        node, npm = shutil.which('node'), shutil.which('npm')
        if not node or not npm:
            pytest.skip('needs Node.js and npm (the emulated board runs in '
                        'rp2040js)')
        if not os.path.isdir(os.path.join(JS, 'node_modules', 'rp2040js')):
            subprocess.run([npm, 'ci', '--silent', '--no-audit',
                            '--no-fund'], cwd=JS, check=True, timeout=600)
        files = sorted(f for f in os.listdir(JS) if f.endswith('.test.mjs'))
        proc = subprocess.run([node, '--test'] + files, cwd=JS,
                              capture_output=True, text=True, timeout=300)
        tail = proc.stdout[-3000:] + proc.stderr[-2000:]
        assert proc.returncode == 0, tail
        assert '# fail 0' in proc.stdout, tail
        print(''.join(line + '\n' for line in proc.stdout.splitlines()
                      if line.startswith('# ')))
