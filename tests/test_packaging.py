"""What users install and run: the wheel and sdist (`python -m build`),
the version taken from one place, and the Makefile's set-up and demo.
CPython only: it builds packages and drives make."""
from support import MICROPYTHON, skip

if MICROPYTHON:
    def test_packaging():
        skip('builds wheels and drives make on the host')

if not MICROPYTHON:
    import asyncio
    import glob
    import os
    import signal
    import subprocess
    import sys
    import tarfile
    import zipfile
    import pytest
    import microdot
    from support import free_port, get, wait_listening

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.dirname(HERE)
    PKG = os.path.join(ROOT, 'framework', 'microdot')

    @pytest.fixture(scope='module')
    def dist(tmp_path_factory):
        out = tmp_path_factory.mktemp('dist')
        # as a release does it: the sdist, then the wheel from the sdist;
        # offline, with the pinned setuptools of the test dependencies
        subprocess.run([sys.executable, '-m', 'build', '--no-isolation',
                        '--outdir', str(out), ROOT], check=True,
                       stdout=subprocess.DEVNULL)
        wheel, = glob.glob(str(out / '*.whl'))
        sdist, = glob.glob(str(out / '*.tar.gz'))
        return wheel, sdist

    def package_files():
        return sorted(os.path.basename(p) for p in
                      glob.glob(os.path.join(PKG, '*.py')) +
                      glob.glob(os.path.join(PKG, '*.pyi')) +
                      [os.path.join(PKG, 'py.typed')])

    def test_version_comes_from_the_package(dist):
        wheel, sdist = dist
        v = microdot.__version__
        assert os.path.basename(wheel).startswith(
            'microdot_firmware-%s-py3-none-any' % v), wheel
        assert os.path.basename(sdist) == 'microdot_firmware-%s.tar.gz' % v
        # and the ROMFS image and release files are named with it
        out = subprocess.run(['make', '-n', '-s', 'romfs'], cwd=ROOT,
                             stdout=subprocess.PIPE).stdout.decode()
        assert 'microdot-%s.romfs' % v in out, out

    def test_wheel_holds_the_package_and_nothing_else(dist):
        wheel, _ = dist
        with zipfile.ZipFile(wheel) as z:
            names = z.namelist()
            meta = z.read([n for n in names if n.endswith('METADATA')][0])
        info = [n for n in names if '.dist-info/' in n]
        package = sorted(n[len('microdot/'):] for n in names
                         if n.startswith('microdot/'))
        assert package == package_files()
        assert sorted(set(names) - set(info)) == sorted(
            'microdot/' + n for n in package)
        assert any(n.endswith('/licenses/LICENSE') for n in info), info
        meta = meta.decode()
        assert 'License-Expression: MIT' in meta
        assert 'Version: ' + microdot.__version__ in meta
        assert 'Requires-Dist' not in meta.split('Provides-Extra')[0]

    def test_sdist_has_what_the_wheel_is_built_from(dist):
        _, sdist = dist
        with tarfile.open(sdist) as t:
            names = [n.split('/', 1)[1] for n in t.getnames() if '/' in n]
        for need in ('pyproject.toml', 'README.md', 'LICENSE'):
            assert need in names, need
        for n in package_files():
            assert 'framework/microdot/' + n in names, n
        # no tests, firmware, boards or benchmarks in it
        assert not [n for n in names if n.split('/')[0] in (
            'tests', 'firmware', 'boards', 'bench', 'examples', '.github')]

    def make(*args):
        return subprocess.run(['make', '-n', '-B'] + list(args), cwd=ROOT,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT).stdout.decode()

    def test_make_runs_every_tool_from_the_project_venv():
        venv = os.path.join(ROOT, '.venv', 'bin')
        # the venv is made with the interpreter given (the system's, say)
        out = make('setup', 'PYTHON=/usr/bin/python3')
        assert '/usr/bin/python3 -m venv .venv' in out, out
        assert venv + "/python -m pip install -q --disable-pip-version-" \
            "check -e '.[dev]'" in out, out
        for target, tool in (('test-cpython', '/python -m pytest'),
                             ('docs', '/python -m mkdocs'),
                             ('lint', '/ruff check'),
                             ('test-mpy', '/python tests/run_mpy.py')):
            out = make(target, 'PYTHON=/usr/bin/python3')
            assert venv + tool in out, (target, out)
            assert '/usr/bin/python3 -m pytest' not in out

    def test_make_demo_serves_on_the_port_it_names():
        port = free_port()
        proc = subprocess.Popen(['make', '-s', 'demo', 'PORT=%d' % port],
                                cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            line = proc.stdout.readline().decode()
            assert 'http://127.0.0.1:%d/' % port in line, line
            wait_listening(port, 20)
            status, headers, body = asyncio.run(get(port, '/'))
            assert status == 200 and body == b'Hello from Microdot!'
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
