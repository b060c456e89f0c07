# One app, served by uvicorn (ASGI) and gunicorn (WSGI) in
# test_adapters.py:  uvicorn adapter_app:asgi   gunicorn adapter_app:wsgi
import os
from microdot import Request
from microdot.sse import with_sse
from microdot.websocket import with_websocket
from microdot.session import Session, with_session


def build(Microdot):
    app = Microdot()
    Request.max_content_length = 1 << 20
    Session(app, secret_key='adapter-test-key')

    @app.route('/')
    def index(req):
        return {'path': req.path, 'args': req.args.get('q'),
                'pid': os.getpid()}

    @app.post('/echo')
    async def echo(req):
        return req.body, {'Content-Type': 'application/octet-stream'}

    @app.post('/count')
    async def count(req):
        n = 0
        while True:
            data = await req.stream.read(4096)
            if not data:
                return str(n)
            n += len(data)

    @app.route('/stream')
    def stream(req):
        def gen():
            for i in range(3):
                yield 'part%d;' % i
        return gen()

    @app.route('/login')
    @with_session
    def login(req, session):
        session['user'] = 'ann'
        session.save()
        return 'ok'

    @app.route('/me')
    @with_session
    def me(req, session):
        return session.get('user', 'nobody')

    @app.route('/events')
    @with_sse
    async def events(req, sse):
        for i in range(3):
            await sse.send({'i': i})

    @app.route('/ws')
    @with_websocket
    async def ws(req, ws):
        while True:
            await ws.send(await ws.receive())

    @app.errorhandler(404)
    def nf(req):
        return 'nothing here', 404
    return app


if os.environ.get('ADAPTER') == 'wsgi':
    from microdot.wsgi import Microdot as WSGIMicrodot
    wsgi = build(WSGIMicrodot)
else:
    from microdot.asgi import Microdot as ASGIMicrodot
    asgi = build(ASGIMicrodot)
