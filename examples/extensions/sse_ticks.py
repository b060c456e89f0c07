import asyncio
from microdot import Microdot
from microdot.sse import with_sse

app = Microdot()


@app.route('/events')
@with_sse
async def events(request, sse):
    for i in range(3):
        await sse.send({'count': i}, event='tick', event_id=str(i))
        await asyncio.sleep(0.01)
