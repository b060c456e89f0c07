# The app bench/soak.py drives: every kind of traffic the soak mixes.
#     micropython -X heapsize=64k bench/apps/soak.py PORT [with-ws]
import gc
import sys
from microdot import Microdot, Request

app = Microdot()
Request.max_content_length = 256 * 1024
# bodies up to 2 KB are read for the handler; bigger ones stream, as an app
# on a small board should set it (the default, 16 KB, is Microdot's)
Request.max_body_length = 2048
FULL = sys.argv[2:] == ['full']


@app.route('/')
async def index(req):
    return 'hello'


@app.post('/echo')
async def echo(req):
    return req.body


@app.post('/count')
async def count(req):
    n = 0
    while True:
        data = await req.stream.read(256)
        if not data:
            return str(n)
        n += len(data)


BLOCK = b'y' * 1024  # made once: streaming it allocates nothing


@app.route('/stream')
async def stream(req):
    def gen():
        for _ in range(16):
            yield BLOCK
    return gen()


@app.route('/mem')
async def mem(req):
    gc.collect()
    return str(gc.mem_free())


if FULL:
    from microdot.multipart import FormDataIter, FileUpload
    from microdot.websocket import with_websocket

    @app.post('/upload')
    async def upload(req):
        n = 0
        async for name, value in FormDataIter(req):
            if isinstance(value, FileUpload):
                while True:
                    data = await value.read(256)
                    if not data:
                        break
                    n += len(data)
        return str(n)

    @app.route('/ws')
    @with_websocket
    async def ws(req, ws):
        while True:
            await ws.send(await ws.receive())

gc.collect()
print('READY', gc.mem_free())
app.run(host='127.0.0.1', port=int(sys.argv[1]))
