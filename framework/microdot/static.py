"""Serve a folder of files: ``static(app, '/static', 'static')``.

No request can reach outside the folder: the path is decoded once, and
any ``..``, ``.`` segment, backslash, NUL, or (on CPython) symbolic link
leading elsewhere is refused with 404.  Responses carry ``ETag`` and
``Last-Modified`` (a matching ``If-None-Match`` gets 304), a precompressed
``name.gz`` is sent to clients that accept gzip, and single byte ranges
(``Range: bytes=...``, for media players) get 206.
"""
import os
from microdot.helpers import vary
from microdot.http import http_date
from microdot.response import Response

_DIR = 0x4000  # S_IFDIR in st_mode


def static(app, url_prefix='/static', folder='static', index='index.html',
           max_age=None):
    """Serve ``folder`` under ``url_prefix`` (GET and HEAD); a folder's URL
    serves its ``index`` file.  ``max_age``: ``Cache-Control`` seconds."""
    url_prefix = url_prefix.rstrip('/')
    folder = folder.rstrip('/') or '/'

    async def serve(request, path=''):
        return serve_file(request, folder, path, index, max_age)
    app.route(url_prefix + '/')(serve)
    app.route(url_prefix + '/<path:path>')(serve)
    return serve


def _safe_path(folder, path):
    from microdot.forms import urldecode
    try:
        path = urldecode(path.replace('+', '%2B'))
    except ValueError:
        return None
    parts = path.split('/')
    for p in parts:
        if p in ('.', '..') or '\\' in p or '\x00' in p or ':' in p:
            return None
    return folder + '/' + '/'.join(p for p in parts if p)


def _stat(path):
    try:
        return os.stat(path)
    except OSError:
        return None


def serve_file(request, folder, path, index='index.html', max_age=None):
    """The response for ``path`` (as in the URL) inside ``folder``: the
    file, 304, 206/416 for ranges, or 404."""
    full = _safe_path(folder, path)
    st = _stat(full) if full else None
    if st and st[0] & _DIR:
        if path and not path.endswith('/'):
            # relative links in the index page need the trailing slash
            return Response.redirect(request.path + '/', 301)
        full = full.rstrip('/') + '/' + index
        st = _stat(full)
    if not st or st[0] & _DIR or not _inside(folder, full):
        return 'Not found', 404
    ctype = Response.types_map.get(full.rpartition('.')[2].lower(),
                                   'application/octet-stream')
    headers = {'Content-Type': ctype, 'Accept-Ranges': 'bytes'}
    accept = request.headers.get('Accept-Encoding', '')
    if 'gzip' in accept and not request.headers.get('Range'):
        gz = _stat(full + '.gz')
        if gz and not gz[0] & _DIR:
            full, st = full + '.gz', gz
            headers['Content-Encoding'] = 'gzip'
        vary(request, 'Accept-Encoding')
    size, mtime = st[6], st[8]
    etag = '"%x-%x"' % (size, mtime)
    headers['ETag'] = etag
    modified = http_date(mtime)
    if modified:  # ports without a calendar clock have no gmtime()
        headers['Last-Modified'] = modified
    if max_age is not None:
        headers['Cache-Control'] = 'max-age=%d' % max_age
    inm = request.headers.get('If-None-Match')
    if (inm and (inm == '*' or etag in inm)) or (
            not inm and modified and
            request.headers.get('If-Modified-Since') == modified):
        return Response(b'', 304, headers)
    start, end, status = 0, size, 200
    rng = request.headers.get('Range', '')
    if rng.startswith('bytes=') and ',' not in rng and \
            request.headers.get('If-Range', etag) == etag:
        a, _, b = rng[6:].strip().partition('-')
        try:
            if a:
                start = int(a)
                end = min(int(b) + 1, size) if b else size
            else:
                start = max(size - int(b), 0)
        except ValueError:
            start, end = 0, size  # not a range we understand: whole file
        else:
            if start >= end:
                headers['Content-Range'] = 'bytes */%d' % size
                return Response(b'', 416, headers)
            status = 206
            headers['Content-Range'] = 'bytes %d-%d/%d' % (start, end - 1,
                                                          size)
    headers['Content-Length'] = str(end - start)
    f = open(full, 'rb')
    if start:
        f.seek(start)
    return Response(_Part(f, end - start) if status == 206 else f, status,
                    headers)


def _inside(folder, full):
    # CPython: a symbolic link may point outside the folder
    p = getattr(os, 'path', None)
    if p is None:
        return True  # MicroPython: no symbolic links to follow
    return p.realpath(full).startswith(p.realpath(folder) + os.sep)


class _Part:
    # the first ``left`` bytes of an open file, for a range response
    def __init__(self, f, left):
        self.f = f
        self.left = left

    def read(self, n):
        data = self.f.read(min(n, self.left))
        self.left -= len(data)
        return data

    def close(self):
        self.f.close()
