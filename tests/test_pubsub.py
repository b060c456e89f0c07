"""The pub/sub hub: fan-out, topic filters, drop-oldest for slow
subscribers, and forwarding to WebSocket and SSE clients."""
import asyncio
from microdot import Microdot
from microdot.pubsub import Hub
from microdot.sse import with_sse
from microdot.websocket import with_websocket
from support import run, serve, connect, send, close


def test_fan_out_and_topics():
    async def main():
        hub = Hub()
        a = hub.subscribe('temp')
        b = hub.subscribe('temp', 'door')
        every = hub.subscribe()
        assert hub.publish('temp', 21) == 3
        assert hub.publish('door', 'open') == 2
        assert hub.publish('nobody', 1) == 1
        assert await a.get() == ('temp', 21)
        assert [await b.get(), await b.get()] == [('temp', 21),
                                                  ('door', 'open')]
        assert len(every.queue) == 3
        a.close()
        assert hub.publish('temp', 22) == 2
        try:
            await a.get()
            assert False
        except EOFError:
            pass
        b.close()
        every.close()
        assert hub.subs == {}
    run(main())


def test_slow_subscriber_drops_oldest():
    async def main():
        hub = Hub(max_queue=3)
        sub = hub.subscribe('t')
        for i in range(10):
            hub.publish('t', i)
        assert sub.dropped == 7
        out = []
        for _ in range(3):
            out.append((await sub.get())[1])
        assert out == [7, 8, 9]
    run(main())


def test_waiting_subscriber_wakes():
    async def main():
        hub = Hub()
        sub = hub.subscribe('t')
        got = []

        async def reader():
            async for topic, msg in sub:
                got.append(msg)
        task = asyncio.create_task(reader())
        await asyncio.sleep(0)
        hub.publish('t', 'x')
        await asyncio.sleep(0.01)
        sub.close()
        await asyncio.wait_for(task, 1)
        return got
    assert run(main()) == ['x']


def make_app(hub):
    app = Microdot()

    @app.route('/ws')
    @with_websocket
    async def ws(req, ws):
        await hub.forward(ws, 'temp')

    @app.route('/events')
    @with_sse
    async def events(req, sse):
        await hub.forward(sse, 'temp', 'door', event=True)

    @app.post('/publish/<topic>')
    def publish(req, topic):
        return str(hub.publish(topic, req.json))
    return app


def test_forward_to_sse_over_a_socket():
    hub = Hub()
    app = make_app(hub)

    async def client(port):
        r, w = await connect(port)
        await send(w, b'GET /events HTTP/1.1\r\nHost: t\r\n\r\n')
        for _ in range(50):
            if hub.subs:
                break
            await asyncio.sleep(0.02)
        hub.publish('temp', {'c': 21})
        hub.publish('door', 'open')
        data = b''
        while data.count(b'data: ') < 2:
            data += await asyncio.wait_for(r.read(512), 5)
        await close(w)
        for _ in range(50):  # the subscription ends with the client
            hub.publish('temp', 0)
            await asyncio.sleep(0.02)
            if not hub.subs:
                break
        return data
    data = serve(app, client)
    assert b'event: temp\ndata: {"c": 21}\n\n' in data
    assert b'event: door\ndata: open\n\n' in data
    assert hub.subs == {}


def test_forward_to_websocket_over_a_socket():
    from test_websocket import open_ws, read_frame
    hub = Hub()
    app = make_app(hub)

    async def client(port):
        r, w = await open_ws(port, '/ws')
        for _ in range(50):
            if hub.subs:
                break
            await asyncio.sleep(0.02)
        hub.publish('temp', [1, 2])
        hub.publish('door', 'not for this one')
        hub.publish('temp', 'x')
        out = [await read_frame(r), await read_frame(r)]
        await close(w)
        return out
    assert serve(app, client) == [(1, b'[1, 2]'), (1, b'x')]
