"""Server-Sent Events: ``@with_sse`` handlers push events with
``await sse.send(...)`` for as long as the client listens."""
import asyncio
from microdot.helpers import wraps, json


class SSE:
    """The event stream of one client, handed to the handler as ``sse``."""
    #: Events queued for a client that reads slower than the handler
    #: sends; ``send()`` then waits, so a slow client holds back its own
    #: handler instead of filling the RAM.
    max_queue = 8
    #: Seconds of silence after which a comment line is sent, so proxies
    #: keep the connection and a client that left is noticed.
    keep_alive = 15

    def __init__(self):
        self.event = asyncio.Event()  # set when an event is queued
        self.room = asyncio.Event()   # set when queued events went out
        self.queue = []

    async def send(self, data, event=None, event_id=None, retry=None,
                   comment=False):
        """Queue one event: ``data`` is str, bytes, or a dict or list
        (sent as JSON); ``retry`` is the client's reconnection delay in
        seconds; ``comment`` sends ``data`` as a comment line only."""
        if isinstance(data, (dict, list)):
            data = json.dumps(data)
        elif not isinstance(data, (str, bytes)):
            data = str(data)
        if isinstance(data, bytes):
            data = data.decode()
        if comment:
            out = ': ' + data.replace('\n', '\n: ') + '\n\n'
        else:
            out = ''
            if event:
                out += 'event: ' + _line(event) + '\n'
            if event_id:
                out += 'id: ' + _line(event_id) + '\n'
            if retry:
                out += 'retry: %d\n' % int(retry * 1000)
            # a newline in the data would end the field: one data line each
            out += 'data: ' + data.replace('\r\n', '\n').replace(
                '\n', '\ndata: ') + '\n\n'
        while len(self.queue) >= self.max_queue:
            self.room.clear()
            await self.room.wait()
        self.queue.append(out.encode())
        self.event.set()


def _line(s):
    s = str(s)
    if '\n' in s or '\r' in s:
        raise ValueError('SSE event names and ids are one line')
    return s


class _Stream:
    # The response body: events as the handler task queues them, a comment
    # on silence, the end when the task ends.  Closing it (the client went
    # away) cancels the task.
    def __init__(self, sse, task):
        self.sse = sse
        self.task = task

    def __aiter__(self):
        return self

    async def __anext__(self):
        sse = self.sse
        while not sse.queue:
            if self.task.done():
                raise StopAsyncIteration
            sse.event.clear()
            try:
                await asyncio.wait_for(sse.event.wait(), sse.keep_alive)
            except asyncio.TimeoutError:
                return b': keep-alive\n\n'
        q = sse.queue
        if isinstance(q[0], Exception):
            raise q.pop(0)
        # what is queued goes out in one write
        n = 1
        while n < len(q) and not isinstance(q[n], Exception):
            n += 1
        out = q[0] if n == 1 else b''.join(q[:n])
        del q[:n]
        sse.room.set()
        return out

    async def aclose(self):
        self.task.cancel()


def sse_response(request, event_function, *args, **kwargs):
    """The response for an event stream fed by
    ``event_function(request, sse, *args, **kwargs)``, which runs as a task
    of its own."""
    sse = SSE()
    long_lived = getattr(request.sock[1], 'long_lived', None) \
        if request.sock else None
    if long_lived is not None:  # a server connection: long-lived from now
        long_lived(request.app.write_timeout)

    async def run():
        try:
            await event_function(request, sse, *args, **kwargs)
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            sse.queue.append(exc)  # raised where the response is written
        sse.event.set()

    return _Stream(sse, asyncio.create_task(run())), 200, {
        'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'}


def with_sse(f):
    """Decorator: the route becomes an event stream; the handler is called
    as ``f(request, sse, **url_args)``."""
    @wraps(f)
    async def handler(request, *args, **kwargs):
        return sse_response(request, f, *args, **kwargs)
    return handler
