"""OpenAPI 3.1 for an app: routes described with ``@api.doc(...)``, the
document served as JSON, and request bodies checked against their schema.

    api = OpenAPI(app, title='Thermostat', version='1.0')

    @app.post('/zones/<int:zone>')
    @api.doc(summary='Set a zone', body={
        'type': 'object', 'required': ['temp'],
        'properties': {'temp': {'type': 'number', 'minimum': 5}}})
    async def set_zone(request, zone):
        ...

The schema checker knows the JSON Schema keywords a device API needs:
``type``, ``properties``, ``required``, ``additionalProperties`` (false),
``items``, ``enum``, ``minimum``/``maximum``, ``minLength``/``maxLength``,
``minItems``/``maxItems``.
"""
from microdot.helpers import invoke_handler, wraps

_TYPES = {'integer': 'integer', 'int': 'integer', 'string': 'string',
          'path': 'string'}


class OpenAPI:
    """Describe ``app``'s routes and serve the document at ``path``."""
    def __init__(self, app, title='API', version='1.0', path='/openapi.json',
                 description=None):
        self.app = app
        self.info = {'title': title, 'version': version}
        if description:
            self.info['description'] = description
        self.docs = {}  # handler -> operation fields
        if path:
            app.route(path)(self._serve)

    def _serve(self, request):
        return self.spec()

    def doc(self, summary=None, description=None, body=None,
            responses=None, tags=None, validate=True):
        """Decorator (below the route decorator): describe the route; with a
        ``body`` schema, a request whose JSON does not match gets 400 with
        ``{"error": "..."}`` before the handler runs (unless
        ``validate=False``)."""
        def decorator(f):
            op = {}
            if summary:
                op['summary'] = summary
            if description:
                op['description'] = description
            if tags:
                op['tags'] = list(tags)
            if body is not None:
                op['requestBody'] = {'required': True, 'content': {
                    'application/json': {'schema': body}}}
            if responses:
                op['responses'] = {str(code): _response(r)
                                   for code, r in responses.items()}
            handler = f
            if body is not None and validate:
                handler = _validating(f, body)
                # the document declares the 400 the check answers
                op.setdefault('responses', {'200': {'description': 'OK'}})
                op['responses'].setdefault('400', _INVALID)
            self.docs[handler] = op
            return handler
        return decorator

    def spec(self):
        """The OpenAPI document, as a dict."""
        paths = {}
        for methods, pattern, handler, _, _ in self.app.url_map:
            if handler == self._serve:
                continue
            path, params = _path(pattern.url_pattern)
            item = paths.setdefault(path, {})
            for m in methods:
                op = dict(self.docs.get(handler, {}))
                op.setdefault('operationId', '%s_%s' % (
                    m.lower(), getattr(handler, '__name__', 'handler')))
                op['responses'] = dict(op.get('responses') or {
                    '200': {'description': 'OK'}})
                if params:
                    op['parameters'] = params
                    # a value its converter refuses matches no route
                    op['responses'].setdefault('404', _NO_ROUTE)
                item[m.lower()] = op
        return {'openapi': '3.1.0', 'info': self.info, 'paths': paths}


_NO_ROUTE = {'description': 'No such resource: a path parameter of the '
             'wrong type or form'}
_INVALID = {'description': 'The body is not JSON or does not match the '
            'schema', 'content': {'application/json': {'schema': {
                'type': 'object', 'required': ['error'],
                'properties': {'error': {'type': 'string'}}}}}}


def _validating(f, schema):
    # the handler, behind a check of the request's JSON against ``schema``
    @wraps(f)
    async def handler(request, *args, **kwargs):
        try:
            data = request.json
        except ValueError:
            data = None
        if data is None and request.body:
            return {'error': 'body is not JSON'}, 400
        err = check(data, schema)
        if err:
            return {'error': err}, 400
        return await invoke_handler(f, request, *args, **kwargs)
    return handler


def _response(r):
    if isinstance(r, str):
        return {'description': r}
    return {'description': 'OK', 'content': {
        'application/json': {'schema': r}}}


def _path(pattern):
    # /zones/<int:zone> -> /zones/{zone} and its parameter description
    parts = []
    params = []
    for seg in pattern.split('/'):
        if seg[:1] == '<' and seg[-1:] == '>':
            kind, _, name = seg[1:-1].rpartition(':')
            parts.append('{' + name + '}')
            params.append({'name': name, 'in': 'path', 'required': True,
                           'schema': {'type': _TYPES.get(kind or 'string',
                                                         'string')}})
        else:
            parts.append(seg)
    return '/'.join(parts), params


def _is(value, kind):
    if kind == 'null':
        return value is None
    if kind == 'boolean':
        return value is True or value is False
    if value is True or value is False:
        return False
    if kind == 'integer':
        return isinstance(value, int) or (
            isinstance(value, float) and value == int(value))
    return isinstance(value, {'number': (int, float), 'string': str,
                              'array': list, 'object': dict}.get(kind, ()))


def check(value, schema, where='body'):
    """The first way ``value`` breaks ``schema``, as a message, or None."""
    kind = schema.get('type')
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not [k for k in kinds if _is(value, k)]:
            return '%s: must be %s' % (where, ' or '.join(kinds))
    if 'enum' in schema and value not in schema['enum']:
        return '%s: must be one of %s' % (where, schema['enum'])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 'minimum' in schema and value < schema['minimum']:
            return '%s: must be >= %s' % (where, schema['minimum'])
        if 'maximum' in schema and value > schema['maximum']:
            return '%s: must be <= %s' % (where, schema['maximum'])
    if isinstance(value, str):
        if len(value) < schema.get('minLength', 0):
            return '%s: too short' % where
        if 'maxLength' in schema and len(value) > schema['maxLength']:
            return '%s: too long' % where
    if isinstance(value, list):
        if len(value) < schema.get('minItems', 0):
            return '%s: too few items' % where
        if 'maxItems' in schema and len(value) > schema['maxItems']:
            return '%s: too many items' % where
        items = schema.get('items')
        if items:
            for i, v in enumerate(value):
                err = check(v, items, '%s[%d]' % (where, i))
                if err:
                    return err
    if isinstance(value, dict):
        props = schema.get('properties', {})
        for name in schema.get('required', ()):
            if name not in value:
                return '%s.%s: required' % (where, name)
        for name, v in value.items():
            if name in props:
                err = check(v, props[name], where + '.' + name)
                if err:
                    return err
            elif schema.get('additionalProperties') is False:
                return '%s.%s: not allowed' % (where, name)
    return None
