"""OpenAPI: the generated document and request-body validation."""
from microdot import Microdot
from microdot.openapi import OpenAPI, check
from microdot.test_client import TestClient
from support import run

ZONE = {'type': 'object', 'required': ['temp'],
        'additionalProperties': False,
        'properties': {'temp': {'type': 'number', 'minimum': 5,
                                'maximum': 30},
                       'mode': {'enum': ['heat', 'off']},
                       'tags': {'type': 'array', 'maxItems': 2,
                                'items': {'type': 'string',
                                          'maxLength': 3}}}}


def make_app():
    app = Microdot()
    api = OpenAPI(app, title='Thermostat', version='2.1')

    @app.post('/zones/<int:zone>')
    @api.doc(summary='Set a zone', body=ZONE, tags=['zones'],
             responses={200: {'type': 'object'}, 400: 'Invalid body'})
    async def set_zone(req, zone):
        return {'zone': zone, 'temp': req.json['temp']}

    @app.get('/zones/<name>/info')
    def info(req, name):
        return name
    return app


def test_document():
    r = run(TestClient(make_app()).get('/openapi.json'))
    doc = r.json
    assert doc['openapi'] == '3.1.0'
    assert doc['info'] == {'title': 'Thermostat', 'version': '2.1'}
    assert set(doc['paths']) == {'/zones/{zone}', '/zones/{name}/info'}
    op = doc['paths']['/zones/{zone}']['post']
    assert op['summary'] == 'Set a zone' and op['tags'] == ['zones']
    assert op['parameters'] == [{'name': 'zone', 'in': 'path',
                                 'required': True,
                                 'schema': {'type': 'integer'}}]
    assert op['requestBody']['content']['application/json']['schema'] == \
        ZONE
    assert op['responses']['400'] == {'description': 'Invalid body'}
    get = doc['paths']['/zones/{name}/info']['get']
    assert get['operationId'] == 'get_info'
    # a path parameter that does not fit matches no route: 404
    assert set(get['responses']) == {'200', '404'}


def test_validation():
    c = TestClient(make_app())

    def post(body, **kw):
        return run(c.post('/zones/3', body=body, **kw))
    r = post({'temp': 21})
    assert r.status_code == 200 and r.json == {'zone': 3, 'temp': 21}
    for body, msg in (({}, 'body.temp: required'),
                      ({'temp': 'hot'}, 'body.temp: must be number'),
                      ({'temp': 2}, 'body.temp: must be >= 5'),
                      ({'temp': 9, 'x': 1}, 'body.x: not allowed'),
                      ({'temp': 9, 'mode': 'cool'},
                       "body.mode: must be one of ['heat', 'off']"),
                      ({'temp': 9, 'tags': ['a', 'b', 'c']},
                       'body.tags: too many items'),
                      ({'temp': 9, 'tags': ['abcd']},
                       'body.tags[0]: too long'),
                      ([1], 'body: must be object')):
        r = post(body)
        assert r.status_code == 400 and r.json == {'error': msg}, body
    r = post('{not json', headers={'Content-Type': 'application/json'})
    assert r.status_code == 400


def test_check_types():
    assert check(True, {'type': 'integer'}) == 'body: must be integer'
    assert check(1, {'type': 'boolean'}) == 'body: must be boolean'
    assert check(None, {'type': ['string', 'null']}) is None
    assert check(2.0, {'type': 'integer'}) is None
