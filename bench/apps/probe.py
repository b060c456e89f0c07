# Hello world with probes for the memory benchmarks (bench/memory.py,
# bench/profile.py, bench/footprint.py); the same file runs on either
# framework:  micropython bench/apps/probe.py PORT [MAX_CONNECTIONS]
import asyncio
import gc
import sys
from microdot import Microdot

app = Microdot()
if len(sys.argv) > 2:  # bench/memory.py: more in flight than the default cap
    app.max_connections = int(sys.argv[2])  # (an attribute Microdot ignores)


@app.route('/')
async def index(req):
    return 'hello'


# bench/memory.py: /mem reports the free heap; /hold/N answers once N
# requests are inside it at once, and the last to arrive reports the heap
# in use then (N requests in flight), after a collection.
@app.route('/mem')
async def mem(req):
    gc.collect()
    return str(gc.mem_free())


held = [0]


@app.route('/hold/<int:n>')
async def hold(req, n):
    held[0] += 1
    if held[0] == n:
        gc.collect()
        return str(gc.mem_alloc())
    while held[0] < n:
        await asyncio.sleep(0.002)
    return ''


# bench/profile.py: bytes allocated between /alloc/start and /alloc/stop,
# with the collector off (MicroPython)
@app.route('/alloc/start')
async def alloc_start(req):
    gc.collect()
    gc.disable()
    return str(gc.mem_alloc())


@app.route('/alloc/stop')
async def alloc_stop(req):
    n = gc.mem_alloc()
    gc.enable()
    return str(n)


gc.collect()
print('READY', gc.mem_free() if hasattr(gc, 'mem_free') else 0)
app.run(host='127.0.0.1', port=int(sys.argv[1]))
