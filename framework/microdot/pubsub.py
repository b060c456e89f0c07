"""Publish/subscribe between handlers and live clients.

Any code publishes (``hub.publish('temp', 21.5)``, no await needed); a
WebSocket or event-stream handler subscribes to topics and forwards what
arrives (``await hub.forward(ws, 'temp')``).

Each subscriber has a queue of ``max_queue`` messages.  When a client reads
slower than messages arrive, the oldest queued message is dropped (and
counted in ``Subscription.dropped``): a stalled phone costs at most its
queue, never the board's RAM, and never delays the publisher or the other
subscribers.
"""
import asyncio


class Subscription:
    """Messages of some topics, as ``(topic, message)`` pairs:
    ``await sub.get()`` or ``async for topic, msg in sub``."""
    def __init__(self, hub, topics, max_queue):
        self.hub = hub
        self.topics = topics
        self.max_queue = max_queue
        self.queue = []
        self.dropped = 0
        self.event = asyncio.Event()
        self.closed = False

    def _put(self, item):
        if len(self.queue) >= self.max_queue:
            self.queue.pop(0)  # drop oldest: the newest state matters most
            self.dropped += 1
        self.queue.append(item)
        self.event.set()

    async def get(self):
        """The next ``(topic, message)``; raises ``EOFError`` once closed."""
        while not self.queue:
            if self.closed:
                raise EOFError('subscription closed')
            self.event.clear()
            await self.event.wait()
        return self.queue.pop(0)

    def __aiter__(self):
        return self

    async def __anext__(self):
        try:
            return await self.get()
        except EOFError:
            raise StopAsyncIteration

    def close(self):
        """Stop receiving (wakes a waiting ``get()``)."""
        if not self.closed:
            self.closed = True
            self.hub._remove(self)
            self.event.set()


class Hub:
    """Topics and their subscribers."""
    def __init__(self, max_queue=8):
        self.max_queue = max_queue
        self.subs = {}  # topic -> [Subscription]

    def subscribe(self, *topics, max_queue=None):
        """A new ``Subscription`` to ``topics`` (``'*'``: every topic)."""
        sub = Subscription(self, topics or ('*',),
                           max_queue or self.max_queue)
        for t in sub.topics:
            self.subs.setdefault(t, []).append(sub)
        return sub

    def _remove(self, sub):
        for t in sub.topics:
            lst = self.subs.get(t)
            if lst and sub in lst:
                lst.remove(sub)
                if not lst:
                    del self.subs[t]

    def publish(self, topic, message):
        """Queue ``message`` for every subscriber of ``topic`` (and of
        ``'*'``); returns how many got it."""
        n = 0
        for key in (topic, '*'):
            for sub in self.subs.get(key, ()):
                sub._put((topic, message))
                n += 1
        return n

    async def forward(self, client, *topics, event=False):
        """Send the messages of ``topics`` to ``client`` until it goes away:
        a ``WebSocket`` (``ws.send``) or an ``SSE`` (``sse.send``, with the
        topic as the event name when ``event`` is true).  Dicts and lists
        go as JSON."""
        sub = self.subscribe(*topics)
        watch = None
        if hasattr(client, 'receive'):
            # a WebSocket: notice the client leaving while nothing is sent
            async def drain():
                try:
                    while True:
                        await client.receive()
                except Exception:
                    sub.close()
            watch = asyncio.create_task(drain())
        try:
            async for topic, msg in sub:
                if event:
                    await client.send(msg, event=topic)
                else:
                    await client.send(msg)
        finally:
            sub.close()
            if watch is not None:
                watch.cancel()
