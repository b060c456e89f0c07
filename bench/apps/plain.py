# A plain app of four routes (text, JSON echo, a generator stream, the free
# heap) for bench/footprint.py's limits check; the same file runs on either
# framework:  micropython bench/apps/plain.py PORT
import asyncio
import gc
import sys
from microdot import Microdot

app = Microdot()
app.header_timeout = 2  # (attributes Microdot 2.7 ignores) for a quick
app.body_timeout = 2    # check of the timeouts


@app.route('/')
async def index(req):
    return 'hello'


@app.post('/echo')
async def echo(req):
    return req.json


class Pieces:
    # ten pieces, a tenth of a second apart: clients stay in flight (an
    # async iterator class: MicroPython has no async generators)
    def __init__(self):
        self.i = 0

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i == 10:
            raise StopAsyncIteration
        await asyncio.sleep(0.1)
        self.i += 1
        return 'piece %d\n' % self.i


@app.route('/stream')
async def stream(req):
    return Pieces()


@app.route('/mem')
async def mem(req):
    gc.collect()
    return str(gc.mem_free())


gc.collect()
print('READY', gc.mem_free())
app.run(host='127.0.0.1', port=int(sys.argv[1]))
