# What the external checkers of test_checkers.py look at, served on a real
# socket by CPython or the MicroPython unix port:
#     checkers_app.py PORT openapi          the OpenAPI example of the docs
#     checkers_app.py PORT resources FOLDER a static file (FOLDER/static),
#                                           a JSON route, a streamed route
import sys

port, mode = int(sys.argv[1]), sys.argv[2]
if mode == 'openapi':
    here = __file__.rpartition('/')[0] or '.'
    sys.path.insert(0, here + '/../../examples/extensions')
    from openapi_app import app
else:
    from microdot import Microdot
    from microdot.static import static

    app = Microdot()
    static(app, '/static', sys.argv[3] + '/static')

    @app.get('/json')
    async def reading(req):
        return {'sensor': 'greenhouse', 'temp': 21.5}

    @app.get('/stream')
    async def stream(req):
        def lines():  # a generator: streamed in chunks, length unknown
            for i in range(50):
                yield 'line %d of a long log\n' % i
        return lines(), {'Content-Type': 'text/plain; charset=UTF-8'}

print('READY')
app.run(host='127.0.0.1', port=port)
