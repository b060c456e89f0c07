# The benchmark scenarios, one per server process so that each loads only
# what it needs; the same file runs on either framework, on MicroPython
# and CPython:  micropython bench/apps/scenarios.py SCENARIO PORT [DIR]
import gc
import sys
from microdot import Microdot

scenario = sys.argv[1]
app = Microdot()
KB = b'x' * 1024

if scenario == 'routing':
    # 20 routes, half of them with a path argument; the benchmark asks for
    # the last one, so every router walks the whole table
    def make(i):
        async def handler(req, id=None):
            return 'route %d %s' % (i, id)
        return handler
    for i in range(20):
        if i % 2:
            app.route('/api/v1/thing%d/<int:id>' % i)(make(i))
        else:
            app.route('/api/v1/thing%d' % i)(make(i))

elif scenario == 'json':
    @app.route('/echo', methods=['POST'])
    async def echo(req):
        return req.json

elif scenario == 'stream':
    @app.route('/stream')
    async def stream(req):
        def body():  # MicroPython has no async generators
            for _ in range(1024):
                yield KB
        return body()

elif scenario == 'upload':
    from microdot import Request
    from microdot.multipart import with_form_data
    folder = sys.argv[3]
    Request.max_content_length = 2 * 1024 * 1024  # streamed, not held

    @app.route('/upload', methods=['POST'])
    @with_form_data
    async def upload(req):
        f = req.files['file']
        await f.save(folder + '/upload.bin')
        return 'saved'

elif scenario == 'websocket':
    from microdot.websocket import with_websocket

    @app.route('/ws')
    @with_websocket
    async def ws(req, ws):
        while True:
            await ws.send(await ws.receive())

elif scenario == 'sse':
    from microdot.sse import with_sse

    @app.route('/sse/<int:n>')
    @with_sse
    async def sse(req, sse, n):
        for i in range(n):
            await sse.send('%d' % i)

gc.collect()
print('READY', gc.mem_free() if hasattr(gc, 'mem_free') else 0)
app.run(host='127.0.0.1', port=int(sys.argv[2]))
