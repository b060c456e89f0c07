# Time and allocations of each stage of one hello-world request in our
# framework, without sockets (bench/profile.py runs it on MicroPython):
#   micropython bench/apps/stages.py
import gc
import time
from microdot import Microdot, Response
from microdot.http import NoCaseDict, Reader, parse_request_line, \
    add_header, check_head
from microdot.request import Request

app = Microdot()


@app.route('/')
async def index(req):
    return 'hello'


# what a browser-like client sends (wrk sends only the request line and Host)
HEAD = (b'GET / HTTP/1.1\r\nHost: 192.168.4.1\r\nUser-Agent: Mozilla/5.0\r\n'
        b'Accept: text/html\r\nAccept-Language: en\r\nConnection: '
        b'keep-alive\r\n\r\n')
LINES = HEAD.split(b'\r\n')[1:-2]


class Source:
    # the whole head arrives in one read, as it usually does
    def __init__(self):
        self.sent = False

    async def read(self, n):
        if self.sent:
            return b''
        self.sent = True
        return HEAD


class Sink:
    async def awrite(self, data):
        pass


def run(coro):
    try:
        coro.send(None)
    except StopIteration as e:
        return e.value
    raise RuntimeError('stage waited')


def headers():
    h = NoCaseDict()
    for line in LINES:
        add_header(h, line)
    return h


def request():
    return run(Request.create(app, Reader(Source()), None, ('1.2.3.4', 5)))


REQ = request()
RES = run(app.dispatch_request(REQ))
HDRS = headers()

STAGES = [
    ('request line', lambda: parse_request_line(b'GET / HTTP/1.1')),
    ('5 header lines', headers),
    ('framing checks', lambda: check_head(HDRS, '1.1')),
    ('whole request head (Request.create)', request),
    ('routing (find_route)', lambda: app.find_route(REQ)),
    ('dispatch (hooks, handler, Response)',
     lambda: run(app.dispatch_request(REQ))),
    ('response head and write', lambda: run(
        Response('hello').write(Sink(), '1.1', True))),
    ('all of it', lambda: run(run(app.dispatch_request(request())).write(
        Sink(), '1.1', True))),
]


def measure(fn, n=200):
    gc.collect()
    gc.disable()
    a = gc.mem_alloc()
    for _ in range(n):
        fn()
    b = gc.mem_alloc()
    gc.enable()
    best = None
    for _ in range(5):  # the fastest of 5 rounds: the least disturbed
        gc.collect()
        t = time.ticks_us()
        for _ in range(n):
            fn()
        t = time.ticks_diff(time.ticks_us(), t)
        best = t if best is None or t < best else best
    return best / n, (b - a) // n


for name, fn in STAGES:
    us, nbytes = measure(fn)
    print('STAGE|%s|%.1f|%d' % (name, us, nbytes))
