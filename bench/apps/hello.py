# Hello world for the throughput benchmark; the same file runs on either
# framework, on MicroPython and CPython:  micropython bench/apps/hello.py PORT
import gc
import sys
from microdot import Microdot

app = Microdot()


@app.route('/')
async def index(req):
    return 'hello'


gc.collect()
print('READY', gc.mem_free() if hasattr(gc, 'mem_free') else 0)
app.run(host='127.0.0.1', port=int(sys.argv[1]))
