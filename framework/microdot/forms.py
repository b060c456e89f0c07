"""Query strings and URL-encoded forms.

Loaded the first time a request's ``args`` or ``form`` is read, so an app
that uses neither never holds this code in RAM.
"""
from microdot.http import ProtocolError, HEXDIGITS

_HEX = HEXDIGITS.encode()


def urldecode(s):
    """Decode ``%XX`` escapes and ``+`` in a query string or form value.

    Like Microdot, a ``%`` not followed by anything (``%%``, or at the end)
    is kept as is; any other bad escape or invalid UTF-8 is a 400 error.
    """
    if isinstance(s, str):
        if '%' not in s and '+' not in s:
            return s
        s = s.encode()
    s = s.replace(b'+', b' ')
    if b'%' in s:
        parts = s.split(b'%')
        out = bytearray(parts[0])
        for p in parts[1:]:
            if not p:
                out += b'%'
            elif len(p) > 1 and p[0] in _HEX and p[1] in _HEX:
                out.append(int(p[:2], 16))
                out += p[2:]
            else:
                raise ProtocolError(400, 'Bad percent-encoding')
        s = bytes(out)
    try:
        return s.decode()
    except UnicodeError:
        raise ProtocolError(400, 'Bad UTF-8 in URL')


def urlencode(s):
    """Escape what would end or split a query-string value (``%``, ``+``,
    space, ``?``, ``#``, ``&``, ``=``); other characters stay as they are,
    as in Microdot."""
    out = []
    for c in s:
        if c == ' ':
            c = '+'
        elif c in '%+?#&=':
            c = '%%%02X' % ord(c)
        out.append(c)
    return ''.join(out)


class MultiDict(dict):
    """A dict that keeps every value given for a key (query strings and
    forms); indexing returns the first, ``getlist()`` all of them."""
    def __init__(self, initial_dict=None):
        super().__init__()
        if initial_dict:
            for key, value in initial_dict.items():
                self[key] = value

    def __setitem__(self, key, value):
        if key in self:
            super().__getitem__(key).append(value)
        else:
            super().__setitem__(key, [value])

    def __getitem__(self, key):
        return super().__getitem__(key)[0]

    def get(self, key, default=None, type=None):
        if key not in self:
            return default
        value = self[key]
        return value if type is None else type(value)

    def getlist(self, key, type=None):
        if key not in self:
            return []
        values = super().__getitem__(key)
        return list(values) if type is None else [type(v) for v in values]


def parse_urlencoded(data):
    """Parse ``a=1&b=2&a=3`` (str or bytes) into a ``MultiDict``."""
    md = MultiDict()
    sep, eq = ('&', '=') if isinstance(data, str) else (b'&', b'=')
    for pair in data.split(sep):
        if pair:
            k, _, v = pair.partition(eq)
            md[urldecode(k)] = urldecode(v) if v else ''
    return md
