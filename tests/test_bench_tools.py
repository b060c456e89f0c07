"""The benchmark's own load client (bench/load.py) counts what it is told
to and catches wrong answers: figures from it can be trusted."""
import os
import sys
from microdot import Microdot
from support import serve, MICROPYTHON, skip


def load_module():
    if MICROPYTHON:
        skip('bench/load.py is the CPython side of the benchmarks')
    sys.path.insert(0, os.path.join(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__))), 'bench'))
    import load
    return load


def app():
    app = Microdot()
    app.max_keep_alive_requests = 7  # the client must reconnect now and then

    @app.route('/')
    async def index(req):
        return 'hello'

    @app.route('/mem')
    async def mem(req):
        return '12345'
    return app


def test_exact_count_and_body_check():
    load = load_module()

    async def client(port):
        good = await load.run(port, '/', b'hello', 50, 4)
        wrong = await load.run(port, '/', b'other', 10, 2)
        missing = await load.run(port, '/nothing', b'hello', 5, 1)
        return good, wrong, missing
    good, wrong, missing = serve(app(), client)
    assert (good['ok'], good['failed']) == (50, 0)
    assert (wrong['ok'], wrong['failed']) == (0, 10)
    assert (missing['ok'], missing['failed']) == (0, 5)


def test_requests_sent_together_and_idle_connections():
    load = load_module()

    async def client(port):
        bodies = await load.together(port, '/', 5)
        idle = await load.idle_cost(port, 3)
        return bodies, idle
    bodies, idle = serve(app(), client)
    assert bodies == ['hello'] * 5
    assert idle == (12345, 12345, 3)  # kept open: our server keeps them
