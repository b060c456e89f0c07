# Served by the MicroPython unix port at a board-sized heap for
# test_small_heap.py:  micropython -X heapsize=64k small_heap_app.py PORT
import gc
import sys
from microdot import Microdot, Request

app = Microdot()
app.header_timeout = 1
app.idle_timeout = 2
app.body_timeout = 1
Request.max_content_length = 64 * 1024


@app.route('/')
async def index(req):
    return 'hello'


@app.route('/echo', methods=['POST'])
async def echo(req):
    return req.body


@app.route('/count', methods=['POST'])
async def count(req):
    n = 0
    while True:
        data = await req.stream.read(512)
        if not data:
            break
        n += len(data)
    return str(n)


@app.route('/stream')
async def stream(req):
    def gen():
        for i in range(100):
            yield 'line %d\n' % i
    return gen()


@app.route('/big')
async def big(req):
    def gen():
        for _ in range(64):
            yield b'x' * 1024
    return gen()


@app.route('/mem')
async def mem(req):
    gc.collect()
    return str(gc.mem_free())


@app.route('/hog')
async def hog(req):
    return bytearray(1024 * 1024)  # more than the heap: MemoryError


gc.collect()
print('READY', gc.mem_free())
app.run(host='127.0.0.1', port=int(sys.argv[1]))
