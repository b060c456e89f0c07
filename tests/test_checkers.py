"""HTTP checkers nobody here wrote, run against a real server on 127.0.0.1
(CPython and the MicroPython unix port): schemathesis with every check
against the OpenAPI example of the docs, and REDbot on a static file, a
JSON route and a streamed route.  Both are CPython programs that drive a
server from outside, so these tests run under pytest only."""
from support import MICROPYTHON, skip

if MICROPYTHON:
    def test_checkers():
        skip('schemathesis and REDbot are CPython programs driving a server')

if not MICROPYTHON:
    import json
    import os
    import shutil
    import subprocess
    import sys
    import pytest
    from support import free_port, framework_as_mpy, package_root, \
        start_ready

    HERE = os.path.dirname(os.path.abspath(__file__))
    APP = os.path.join(HERE, 'apps', 'checkers_app.py')

    def start(runtime, tmp, *args):
        port = free_port()
        if runtime == 'cpython':
            cmd = [sys.executable, APP, str(port)] + list(args)
            env = dict(os.environ, PYTHONPATH=package_root())
        else:
            lib = tmp / 'mpy'
            cmd = [framework_as_mpy(lib), '-X', 'heapsize=256k', APP,
                   str(port)] + list(args)
            env = dict(os.environ, MICROPYPATH=str(lib) + ':.frozen')
        proc, _ = start_ready(cmd, env, port)
        return proc, 'http://127.0.0.1:%d' % port

    def tool(name):
        # installed with the test dependencies, next to this interpreter
        path = shutil.which(name)
        assert path, name + ' is missing: make setup'
        return path

    @pytest.fixture(params=['cpython', 'micropython'])
    def runtime(request):
        return request.param

    def test_schemathesis_all_checks(runtime, tmp_path):
        proc, url = start(runtime, tmp_path, 'openapi')
        try:
            out = subprocess.run(
                [tool('schemathesis'), 'run', url + '/openapi.json',
                 '--checks', 'all', '--no-color'],
                cwd=str(tmp_path), stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, timeout=300)
        finally:
            proc.kill()
            proc.wait()
        text = out.stdout.decode(errors='replace')
        assert out.returncode == 0 and 'No issues found' in text, text
        # it did test the operation, not just read the document
        assert 'generated' in text and ' 0 generated' not in text, text

    def redbot(url):
        out = subprocess.run([tool('redbot'), '-o', 'har', url],
                             stdout=subprocess.PIPE, timeout=120)
        assert out.returncode == 0, out.stdout
        har = json.loads(out.stdout)
        return [(m['level'], m['note_id'], m['summary'])
                for e in har['log']['entries'] for m in e['_red_messages']]

    def test_redbot_finds_no_errors(runtime, tmp_path):
        (tmp_path / 'static').mkdir()
        (tmp_path / 'static' / 'page.html').write_text(
            '<!DOCTYPE html><title>t</title><p>' + 'Hello. ' * 300)
        proc, url = start(runtime, tmp_path, 'resources', str(tmp_path))
        try:
            for path in ('/static/page.html', '/json', '/stream'):
                notes = redbot(url + path)
                bad = [n for n in notes if n[0] == 'BAD']
                assert not bad, (path, bad)
                # the server's clock is set here: Date is there and right
                assert ('GOOD', 'DATE_CORRECT') in [n[:2] for n in notes], \
                    (path, notes)
        finally:
            proc.kill()
            proc.wait()
