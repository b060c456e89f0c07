"""URL patterns: ``/users/<int:id>``, ``<path:p>``, ``<re:[a-z]+:name>`` and
custom types.

A pattern with no ``<...>`` part is matched by string comparison; others
are compiled to a regular expression the first time they are matched.
"""
import re


class URLPattern:
    segment_patterns = {
        'string': '[^/]+',
        'int': '-?\\d+',
        'path': '.+',
    }
    segment_parsers = {
        'int': int,
    }

    @classmethod
    def register_type(cls, type_name, pattern='[^/]+', parser=None):
        """Add a segment type usable as ``<type_name:name>``; ``parser``
        converts the matched text and may return None to reject it."""
        cls.segment_patterns[type_name] = pattern
        cls.segment_parsers[type_name] = parser

    def __init__(self, url_pattern):
        self.url_pattern = url_pattern
        # a pattern without <...> is compared as a string; as in Microdot,
        # its leading slashes don't matter and '' is '/'
        self.static = None if '<' in url_pattern else \
            '/' + url_pattern.lstrip('/')
        self.regex = None
        self.segments = []      # (name, type) of each dynamic segment

    def compile(self):
        regex = ''
        self.segments = []
        for part in self.url_pattern.lstrip('/').split('/'):
            if part[:1] != '<':
                regex += '/' + _re_escape(part)
                continue
            if part[-1:] != '>':
                raise ValueError('invalid URL pattern')
            type_, _, name = part[1:-1].rpartition(':')
            type_ = type_ or 'string'
            if type_.startswith('re:'):
                sub = type_[3:]
            elif type_ in self.segment_patterns:
                sub = self.segment_patterns[type_]
            else:
                raise ValueError('invalid URL segment type')
            regex += '/(' + sub + ')'
            self.segments.append((name, type_))
        self.regex = re.compile('^' + regex + '$')
        return self.regex

    def match(self, path):
        """Dict of the path arguments if ``path`` matches, else None."""
        if self.static:
            return {} if path == self.static else None
        m = (self.regex or self.compile()).match(path)
        if not m:
            return None
        args = {}
        i = 1
        for name, type_ in self.segments:
            value = m.group(i)
            parser = self.segment_parsers.get(type_)
            if parser is not None:
                value = parser(value)
                if value is None:
                    return None
            args[name] = value
            i += 1
        return args

    def __repr__(self):
        return 'URLPattern: ' + self.url_pattern


def _re_escape(s):
    # MicroPython's re has no escape(); static parts are rarely special
    for c in '\\.^$*+?{}[]|()':
        if c in s:
            s = s.replace(c, '\\' + c)
    return s
