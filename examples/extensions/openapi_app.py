from microdot import Microdot
from microdot.openapi import OpenAPI

app = Microdot()
api = OpenAPI(app, title='Thermostat', version='1.0')   # /openapi.json
ZONES = {}


@app.post('/zones/<int:zone>')
@api.doc(summary='Set a zone', body={
    'type': 'object', 'required': ['temp'],
    'properties': {'temp': {'type': 'number', 'minimum': 5, 'maximum': 30}}})
async def set_zone(request, zone):
    ZONES[zone] = request.json['temp']
    return {'zone': zone, 'temp': ZONES[zone]}
