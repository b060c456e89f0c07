from microdot import Microdot
from microdot.websocket import with_websocket

app = Microdot()


@app.route('/echo')
@with_websocket
async def echo(request, ws):
    while True:
        message = await ws.receive()   # str (text) or bytes (binary)
        await ws.send(message)
