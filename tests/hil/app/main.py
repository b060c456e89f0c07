# The app the hardware-in-the-loop suite runs on the board (as main.py).
import gc
import hashlib
import json
import binascii
from microdot import Microdot, Request, Response
from microdot.board import connect, announce
from microdot.multipart import FormDataIter, FileUpload
from microdot.session import Session, with_session
from microdot.sse import with_sse
from microdot.static import static
from microdot.websocket import with_websocket

try:
    with open('hil.json') as f:
        PORT = json.load(f).get('port', 80)
except OSError:
    PORT = 80
try:
    # HTTPS beside HTTP: {"port": 443, "cert": "cert.der", "key": "key.der"}
    # (the suite's test certificate, made for the run)
    with open('tls.json') as f:
        TLS = json.load(f)
except OSError:
    TLS = None

Request.max_content_length = 2 * 1024 * 1024
app = Microdot()
Session(app, secret_key='hil-session-key-of-some-length')
static(app, '/static', 'static')


@app.route('/')
async def index(req):
    return 'hello from the board'


@app.route('/status/<int:code>')
async def status(req, code):
    return 'status %d' % code, code


@app.post('/json')
async def echo_json(req):
    return {'got': req.json, 'type': req.content_type}


@app.route('/query', methods=['GET', 'POST'])
async def query(req):
    form = req.form
    return {'args': {k: req.args.getlist(k) for k in req.args},
            'form': {k: form.getlist(k) for k in form} if form else None}


@app.route('/cookies')
async def cookies(req):
    res = Response({'cookies': req.cookies})
    res.set_cookie('visited', 'yes', http_only=True)
    return res


@app.route('/filesize/<name>')
async def filesize(req, name):
    import os
    return str(os.stat(name)[6])


@app.route('/session')
@with_session
async def session_view(req, session):
    n = session.get('n', 0) + 1
    session['n'] = n
    session.save()
    return {'n': n}


@app.post('/upload')
async def upload(req):
    out = {}
    async for name, value in FormDataIter(req):
        if isinstance(value, FileUpload):
            h = hashlib.sha256()
            size = 0
            with open('upload.bin', 'wb') as f:
                while True:
                    data = await value.read(1024)
                    if not data:
                        break
                    h.update(data)
                    f.write(data)
                    size += len(data)
            out[name] = {'size': size, 'filename': value.filename,
                         'sha256': binascii.hexlify(h.digest()).decode()}
        else:
            out[name] = value
    return out


@app.route('/download/<int:size>')
async def download(req, size):
    # a deterministic pattern, streamed 1 KB at a time
    block = bytes(range(256)) * 4

    def gen():
        left = size
        while left > 0:
            n = min(left, 1024)
            yield block[:n]
            left -= n
    return gen(), {'Content-Type': 'application/octet-stream'}


@app.route('/ws')
@with_websocket
async def ws(req, ws):
    while True:
        await ws.send(await ws.receive())


@app.route('/events')
@with_sse
async def events(req, sse):
    for i in range(int(req.args.get('n', 5))):
        await sse.send({'i': i}, event_id=str(i))


@app.route('/sleep')
async def sleep(req):
    import asyncio
    await asyncio.sleep(float(req.args.get('s', '0.2')))
    return 'slept'


@app.route('/rssi')
async def rssi(req):
    import network
    return str(network.WLAN(network.STA_IF).status('rssi'))


@app.route('/mem')
async def mem(req):
    gc.collect()
    if 'largest' not in req.args:
        return str(gc.mem_free())
    # and the largest block the heap can still give (a TLS session needs
    # about 17 KB in one piece): a search by trial allocations
    lo, hi = 0, gc.mem_free()
    while lo < hi:
        mid = (lo + hi + 1) // 2
        try:
            bytearray(mid)
            lo = mid
        except MemoryError:
            hi = mid - 1
    gc.collect()
    return '%d %d' % (gc.mem_free(), lo)


@app.route('/idfmem')
async def idfmem(req):
    # ESP32: the C heap, where mbedTLS keeps its sessions (not the GC's)
    try:
        import esp32
    except ImportError:
        return 'none'
    return str(sum(h[1] for h in esp32.idf_heap_info(esp32.HEAP_DATA)))


ip = connect()  # ppp.json, else wifi.json
announce(ip, PORT)
if TLS:
    import asyncio
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(TLS['cert'], TLS['key'])
    tls_app = Microdot()  # a server of its own, with its own connection cap

    @tls_app.route('/')
    async def tls_index(req):
        return 'hello over TLS'
    tls_app.route('/sleep')(sleep)
    tls_app.route('/mem')(mem)

    async def serve():
        await asyncio.gather(app.start_server(port=PORT),
                             tls_app.start_server(port=TLS['port'], ssl=ctx))
    print('TLS on port %d' % TLS['port'])
    asyncio.run(serve())
else:
    app.run(port=PORT)
