# The extensions served on a real socket for test_real_clients.py, by
# CPython or by the MicroPython unix port at a board-sized heap:
#     micropython -X heapsize=96k ext_app.py PORT FOLDER [upload]
# With "upload", only the upload route (and only its extension) is loaded.
import gc
import sys
from microdot import Microdot, Request
from microdot.multipart import FormDataIter, FileUpload

app = Microdot()
Request.max_content_length = 4 * 1024 * 1024
FOLDER = sys.argv[2]

if sys.argv[3:] != ['upload']:
    from microdot.websocket import with_websocket
    from microdot.sse import with_sse

    @app.route('/ws')
    @with_websocket
    async def ws(req, ws):
        while True:
            msg = await ws.receive()
            await ws.send(msg)

    @app.route('/events')
    @with_sse
    async def events(req, sse):
        for i in range(5):
            await sse.send({'n': i}, event='tick', event_id=str(i))


@app.post('/upload')
async def upload(req):
    out = []
    async for name, value in FormDataIter(req):
        if isinstance(value, FileUpload):
            size = await value.save(FOLDER + '/' + value.filename)
            out.append([name, value.filename, size])
        else:
            out.append([name, value])
    gc.collect()
    return out


@app.route('/mem')
async def mem(req):
    gc.collect()
    return str(gc.mem_free()) if hasattr(gc, 'mem_free') else '0'


gc.collect()
print('READY')
app.run(host='127.0.0.1', port=int(sys.argv[1]))
