# A TLS server for test_tls.py:
#   micropython tls_app.py PORT CERT.der KEY.der
import ssl
import sys
from microdot import Microdot

app = Microdot()


@app.route('/')
async def index(req):
    return 'secure ' + req.scheme


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
print('READY')
app.run(host='127.0.0.1', port=int(sys.argv[1]), ssl=ctx)
