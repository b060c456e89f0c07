"""URL patterns and converters."""
from microdot import URLPattern
from support import raises


def test_static():
    p = URLPattern('/a/b')
    assert p.match('/a/b') == {}
    assert p.match('/a/b/') is None and p.match('/a') is None


def test_string_and_int():
    p = URLPattern('/u/<name>/<int:id>')
    assert p.match('/u/bob/42') == {'name': 'bob', 'id': 42}
    assert p.match('/u/bob/-3') == {'name': 'bob', 'id': -3}
    assert p.match('/u/bob/x') is None
    assert p.match('/u//42') is None
    assert p.match('/u/a/b/42') is None
    assert URLPattern('/<string:s>/').match('/x/') == {'s': 'x'}


def test_path():
    p = URLPattern('/files/<path:p>')
    assert p.match('/files/a/b/c.txt') == {'p': 'a/b/c.txt'}
    assert p.match('/files/') is None
    p = URLPattern('/x/<path:p>/end')
    assert p.match('/x/a/b/end') == {'p': 'a/b'}


def test_regex():
    p = URLPattern('/r/<re:[a-c]+:v>')
    assert p.match('/r/abca') == {'v': 'abca'}
    assert p.match('/r/abd') is None


def test_special_characters_in_static_parts():
    p = URLPattern('/a.b/<x>')
    assert p.match('/a.b/1') == {'x': '1'}
    assert p.match('/aXb/1') is None


def test_custom_types():
    URLPattern.register_type('hex', '[0-9a-f]+', lambda v: int(v, 16))
    assert URLPattern('/h/<hex:n>').match('/h/ff') == {'n': 255}
    assert URLPattern('/h/<hex:n>').match('/h/fg') is None

    def even(v):
        v = int(v)
        return v if v % 2 == 0 else None
    URLPattern.register_type('even', '\\d+', even)
    assert URLPattern('/e/<even:n>').match('/e/4') == {'n': 4}
    assert URLPattern('/e/<even:n>').match('/e/3') is None


def test_invalid_patterns():
    raises(ValueError, URLPattern('/a/<b').compile)
    raises(ValueError, URLPattern('/a/<nosuchtype:b>').compile)
