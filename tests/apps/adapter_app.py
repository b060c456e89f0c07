# One app, served by uvicorn (ASGI) and gunicorn (WSGI) in
# test_adapters.py:  uvicorn adapter_app:asgi   gunicorn adapter_app:wsgi
# It takes every name it can from the adapter module, as a Microdot 2.x
# application for ASGI or WSGI does.
import os
from microdot.sse import with_sse
from microdot.session import Session, with_session

if os.environ.get('ADAPTER') == 'wsgi':
    from microdot.wsgi import Microdot, Request, abort, redirect, \
        send_file, with_websocket
else:
    from microdot.asgi import Microdot, Request, abort, redirect, \
        send_file, with_websocket

HERE = os.path.dirname(os.path.abspath(__file__))


def build():
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

    @app.route('/file')
    def file(req):
        return send_file(os.path.join(HERE, '..', 'templates', 'hello.txt'))

    @app.route('/go')
    def go(req):
        return redirect('/')

    @app.route('/secret')
    def secret(req):
        abort(403)

    @app.errorhandler(404)
    def nf(req):
        return 'nothing here', 404

    @app.errorhandler(400)
    def bad(req):
        return 'shaped 400 for %s' % (req.path if req else None), 400

    @app.after_error_request
    def after(req, res):
        res.headers['X-Seen'] = 'yes'
        return res
    return app


if os.environ.get('ADAPTER') == 'wsgi':
    wsgi = build()
else:
    asgi = build()
