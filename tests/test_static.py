"""Static files: traversal refused, validators and 304, gzip, ranges."""
import os
from microdot import Microdot
from microdot.static import static
from microdot.test_client import TestClient
from support import run, MICROPYTHON, skip

HERE = __file__.rpartition('/')[0] or '.'
SITE = HERE + '/files/site'
try:
    from time import gmtime  # noqa: F401
    CLOCK = True
except ImportError:
    CLOCK = False  # a port without a calendar clock: no Last-Modified


def client(**kw):
    app = Microdot()
    static(app, '/static', SITE, **kw)
    return TestClient(app)


def get(c, path, **headers):
    return run(c.get(path, headers=headers))


def test_files_and_index():
    c = client(max_age=60)
    r = get(c, '/static/style.css')
    assert r.status_code == 200 and r.text == 'body{}'
    assert r.headers['Content-Type'] == 'text/css'
    assert r.headers['Cache-Control'] == 'max-age=60'
    assert r.headers['Last-Modified'].endswith(' GMT') if CLOCK \
        else 'Last-Modified' not in r.headers
    assert get(c, '/static/').text == '<h1>home</h1>'
    assert get(c, '/static/sub/').text == 'in sub'
    r = get(c, '/static/sub')
    assert r.status_code == 301 and r.headers['Location'] == '/static/sub/'
    assert get(c, '/static/st%79le.css').text == 'body{}'
    assert get(c, '/static/missing.css').status_code == 404


def test_traversal_is_impossible():
    c = client()
    for path in ('/static/../secret.txt', '/static/%2e%2e/secret.txt',
                 '/static/%2E%2E%2Fsecret.txt', '/static/sub/../../secret.txt',
                 '/static/..%5csecret.txt', '/static/%2fetc%2fpasswd',
                 '/static//etc/passwd', '/static/style.css%00.png',
                 '/static/%zz', '/static/./style.css', '/static/C:/x'):
        r = get(c, path)
        assert r.status_code in (400, 404), (path, r.status_code)
        assert r.text != 'secret'


def test_symlink_escape():
    if MICROPYTHON:
        skip('symbolic links are a CPython concern')
    link = SITE + '/link.txt'
    try:
        os.symlink(os.path.abspath(HERE + '/files/secret.txt'), link)
    except OSError:
        skip('cannot make a symbolic link here')
    try:
        assert get(client(), '/static/link.txt').status_code == 404
    finally:
        os.remove(link)


def test_etag_and_304():
    c = client()
    r = get(c, '/static/style.css')
    etag = r.headers['ETag']
    r2 = get(c, '/static/style.css', **{'If-None-Match': etag})
    assert r2.status_code == 304 and r2.body == b''
    assert get(c, '/static/style.css',
               **{'If-None-Match': '"other"'}).status_code == 200
    if CLOCK:
        assert get(c, '/static/style.css', **{
            'If-Modified-Since': r.headers['Last-Modified']}
        ).status_code == 304


def test_precompressed():
    c = client()
    r = get(c, '/static/big.txt', **{'Accept-Encoding': 'br, gzip'})
    assert r.headers['Content-Encoding'] == 'gzip'
    assert r.headers['Vary'] == 'Accept-Encoding'
    assert r.body[:2] == b'\x1f\x8b'
    r = get(c, '/static/big.txt')
    assert 'Content-Encoding' not in r.headers and len(r.body) == 1000


def test_ranges():
    c = client()
    r = get(c, '/static/big.txt', Range='bytes=10-19')
    assert r.status_code == 206 and r.body == b'0123456789'
    assert r.headers['Content-Range'] == 'bytes 10-19/1000'
    assert r.headers['Content-Length'] == '10'
    r = get(c, '/static/big.txt', Range='bytes=-5')
    assert r.body == b'56789' and r.headers['Content-Range'] == \
        'bytes 995-999/1000'
    r = get(c, '/static/big.txt', Range='bytes=990-')
    assert r.body == b'0123456789'
    r = get(c, '/static/big.txt', Range='bytes=2000-')
    assert r.status_code == 416
    assert r.headers['Content-Range'] == 'bytes */1000'
    r = get(c, '/static/big.txt', Range='bytes=x-y')
    assert r.status_code == 200 and len(r.body) == 1000
