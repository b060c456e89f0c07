"""multipart/form-data: fields, files, streaming through a small buffer,
and malformed bodies answered with 400."""
import os
from microdot import Microdot, Request
from microdot.multipart import with_form_data, FormDataIter, FileUpload
from microdot.test_client import TestClient
from support import run

B = 'XyZ123'
CT = {'Content-Type': 'multipart/form-data; boundary=' + B}


def body(*parts, end=True):
    out = b''
    for headers, data in parts:
        out += b'--' + B.encode() + b'\r\n' + headers.encode() + \
            b'\r\n\r\n' + data + b'\r\n'
    return out + (b'--' + B.encode() + b'--\r\n' if end else b'')


def field(name, value):
    return ('Content-Disposition: form-data; name="%s"' % name,
            value.encode())


def upload(name, filename, data, ctype='application/octet-stream'):
    return ('Content-Disposition: form-data; name="%s"; filename="%s"\r\n'
            'Content-Type: %s' % (name, filename, ctype), data)


def make_app():
    app = Microdot()

    @app.post('/form')
    @with_form_data
    async def form(req):
        out = {'form': req.form or {}}
        files = {}
        for k in req.files or {}:
            f = req.files[k]
            files[k] = [f.filename, f.content_type,
                        (await f.read()).decode()]
        out['files'] = files
        return out

    @app.post('/stream')
    async def stream(req):
        sizes = []
        async for name, value in FormDataIter(req):
            if isinstance(value, FileUpload):
                n = await value.save('_mp_test.bin')
                sizes.append([name, value.filename, n])
            else:
                sizes.append([name, value])
        return sizes
    return app


def post(path, data, headers=CT):
    return run(TestClient(make_app()).post(path, headers=headers, body=data))


def test_fields_and_files():
    r = post('/form', body(field('a', 'x'), field('a', 'é y'),
                           upload('f', 'dir/../notes.txt', b'hello\r\n--X'),
                           field('b', '')))
    assert r.status_code == 200, r.text
    # plain dicts, as in Microdot: the last of a repeated name wins
    assert r.json == {'form': {'a': 'é y', 'b': ''},
                      'files': {'f': ['notes.txt', 'application/octet-stream',
                                      'hello\r\n--X']}}


def test_boundary_split_across_reads_and_big_file():
    saved = Request.max_content_length
    Request.max_content_length = 1 << 20
    # data that almost contains the delimiter, at every buffer offset
    data = (b'\r\n--XyZ12' + bytes(range(256))) * 40
    try:
        for size in (7, 64, 512):
            FormDataIter.buffer_size = size
            r = post('/stream', body(field('x', 'y' * 600),
                                     upload('f', 'C:\\tmp\\a.bin', data)))
            assert r.json == [['x', 'y' * 600], ['f', 'a.bin', len(data)]]
            with open('_mp_test.bin', 'rb') as f:
                assert f.read() == data
    finally:
        FormDataIter.buffer_size = 512
        Request.max_content_length = saved
        os.remove('_mp_test.bin')


def test_quoted_and_encoded_names():
    r = post('/form', body(
        ('Content-Disposition: form-data; name="a;b"; '
         'filename*=UTF-8\'\'r%C3%A9sum%C3%A9.txt\r\n'
         'Content-Type: text/plain', b'cv'),
        ('Content-Disposition: form-data; name="q\\"uote"', b'1')))
    assert r.json == {'form': {'q"uote': '1'},
                      'files': {'a;b': ['résumé.txt', 'text/plain', 'cv']}}


def test_large_file_spools_to_a_temporary_file():
    if os.getcwd().startswith('/remote'):
        from support import skip
        # mpremote's mount of a host folder (the QEMU run) has no
        # read-write ('w+b') files to spool to
        skip('no read-write files on an mpremote mount')
    data = b'0123456789' * 500
    r = post('/form', body(upload('f', 'big.bin', data)))
    assert r.json['files']['f'][2] == data.decode()
    assert not [n for n in os.listdir('.') if n.startswith('_upload_')]


def spools():
    # where the spool file of a big upload is while the handler runs
    app = Microdot()

    @app.post('/form')
    @with_form_data
    async def form(req):
        f = req.files['f']
        name = [n for n in os.listdir(folder()) if n.startswith('_upload_')]
        here = [n for n in os.listdir('.') if n.startswith('_upload_')]
        return {'spooled': name, 'cwd': here,
                'data': (await f.read()).decode()}

    def folder():
        if FileUpload.spool_folder:
            return FileUpload.spool_folder
        from support import MICROPYTHON
        if MICROPYTHON:
            return '/tmp'  # the documented default on a board
        import tempfile
        return tempfile.gettempdir()
    data = b'0123456789' * 500
    r = run(TestClient(app).post('/form', headers=CT, body=body(
        upload('f', 'big.bin', data))))
    assert r.json['data'] == data.decode()
    assert r.json['cwd'] == []  # never the current folder
    assert len(r.json['spooled']) == 1, r.json['spooled']
    assert not [n for n in os.listdir(folder()) if n in r.json['spooled']]


def test_spool_files_go_to_the_temporary_folder():
    if os.getcwd().startswith('/remote'):
        from support import skip
        skip('no read-write files on an mpremote mount')
    spools()


def test_spool_folder_is_configurable():
    if os.getcwd().startswith('/remote'):
        from support import skip
        skip('no read-write files on an mpremote mount')
    folder = '_spool_test_%d' % id(spools)
    os.mkdir(folder)
    FileUpload.spool_folder = folder + '/'
    try:
        spools()
    finally:
        FileUpload.spool_folder = None
        os.rmdir(folder)


def test_bad_bodies():
    bad = [
        body(field('a', 'x'), end=False),                 # truncated
        b'--' + B.encode() + b'\r\n' + b'X' * 2000,       # endless header
        body(('Content-Type: text/plain', b'x')),         # no name
        body(('Content-Disposition: attachment; name="a"', b'x')),
        body(('X: 1\r\n' * 12 + 'Content-Disposition: form-data; name="a"',
              b'x')),
        b'--' + B.encode() + b'junk\r\n',
        body(field('a', '')).replace(b'\r\n\r\n', b'\r\n\r\n\xff', 1),
    ]
    for data in bad:
        r = post('/form', data)
        assert r.status_code == 400, (data[:60], r.status_code)
    r = post('/form', body(field('a', 'x')), headers={
        'Content-Type': 'multipart/form-data'})
    assert r.status_code == 400
    # not multipart at all: the handler runs with no form
    r = post('/form', b'a=1', headers={
        'Content-Type': 'text/plain'})
    assert r.json == {'form': {}, 'files': {}}
