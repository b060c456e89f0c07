from microdot import Microdot
from microdot.pubsub import Hub
from microdot.sse import with_sse
from microdot.websocket import with_websocket

app = Microdot()
hub = Hub(max_queue=8)


@app.post('/temperature')
async def temperature(request):
    hub.publish('temp', request.json)    # no await: callable from anywhere
    return '', 204


@app.route('/live')
@with_websocket
async def live(request, ws):
    await hub.forward(ws, 'temp')        # until the client leaves


@app.route('/live-events')
@with_sse
async def live_events(request, sse):
    await hub.forward(sse, 'temp', 'door', event=True)  # topic = event name
