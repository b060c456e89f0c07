"""`make romfs`: a ROMFS image of the board-side package as .mpy, as
`mpremote romfs build` makes it.  The MicroPython unix port mounts it with
vfs.VfsRom (it has no ROM partition, so from a buffer: bench/apps/romfs.py)
and serves from it, with less RAM than the same .mpy files loaded from a
file system.  CPython only: it drives make and MicroPython."""
from support import MICROPYTHON, skip

if MICROPYTHON:
    def test_romfs():
        skip('builds the image with make and mpremote on the host')

if not MICROPYTHON:
    import os
    import subprocess
    import pytest
    from support import framework_as_mpy

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.dirname(HERE)
    RUN = os.path.join(ROOT, 'bench', 'apps', 'romfs.py')
    CPYTHON_ONLY = ('cpython', 'asgi', 'wsgi', 'jinja')

    SERVE = '''
import gc, asyncio
gc.collect(); a = gc.mem_free()
import microdot
gc.collect(); print('IMPORT', a - gc.mem_free())
print('FROM', microdot.__file__)
from microdot.test_client import TestClient
import microdot.websocket
app = microdot.Microdot()
@app.route('/hello/<name>')
async def hello(req, name):
    return {'hello': name}
r = asyncio.run(TestClient(app).get('/hello/romfs'))
print('GOT', r.status_code, r.text)
'''

    @pytest.fixture(scope='module')
    def image(tmp_path_factory):
        out = tmp_path_factory.mktemp('romfs')
        subprocess.run(['make', '-s', 'romfs', 'ROMFS_DIR=' + str(out)],
                       cwd=ROOT, check=True, stdout=subprocess.PIPE)
        images = [f for f in os.listdir(str(out)) if f.endswith('.romfs')]
        assert len(images) == 1, images
        return os.path.join(str(out), images[0])

    def run(mp, args, micropypath):
        out = subprocess.run(
            [mp, '-X', 'heapsize=256k'] + args, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=60,
            env=dict(os.environ, MICROPYPATH=micropypath))
        text = out.stdout.decode(errors='replace')
        assert out.returncode == 0, text
        return text

    def test_image_holds_the_board_side_package_as_mpy(image):
        with open(image, 'rb') as f:
            data = f.read()
        assert data[:3] == b'\xd2\xcd\x31'  # the ROMFS header
        for name in os.listdir(os.path.join(ROOT, 'framework', 'microdot')):
            if name.endswith('.py'):
                mod = name[:-3].encode()
                # names are stored in the image; CPython-only ones are not
                assert ((mod + b'.mpy') in data) != (
                    name[:-3] in CPYTHON_ONLY), name

    def test_serves_from_romfs_with_less_ram_than_mpy(image, tmp_path):
        lib = tmp_path / 'lib'
        mp = framework_as_mpy(lib)
        app = tmp_path / 'serve.py'
        app.write_text(SERVE)
        out = run(mp, [RUN, image, str(app)], '.frozen')
        assert 'FROM /rom/microdot/__init__.mpy' in out, out
        assert 'GOT 200 {"hello": "romfs"}' in out, out
        romfs = int(out.split('IMPORT ')[1].split()[0])
        out = run(mp, [str(app)], str(lib) + ':.frozen')
        assert 'FROM ' + str(lib) in out, out
        mpy = int(out.split('IMPORT ')[1].split()[0])
        # the bytecode stays in the image instead of being loaded into RAM
        assert romfs < mpy * 0.8, (romfs, mpy)
