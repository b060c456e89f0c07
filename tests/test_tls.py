"""TLS (``start_server(ssl=...)``) on CPython and on the MicroPython unix
port, with keep-alive.  CPython only (it makes certificates with the
``openssl`` command and drives MicroPython as a subprocess)."""
from support import MICROPYTHON, skip

if not MICROPYTHON:
    import asyncio
    import os
    import shutil
    import ssl
    import subprocess
    import pytest
    from microdot import Microdot
    from support import free_port, wait_listening

    @pytest.fixture(scope='module')
    def certs(tmp_path_factory):
        if not shutil.which('openssl'):
            pytest.skip('needs the openssl command to make a certificate')
        d = tmp_path_factory.mktemp('certs')
        key, cert = str(d / 'key.pem'), str(d / 'cert.pem')
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048',
                        '-keyout', key, '-out', cert, '-days', '1', '-nodes',
                        '-subj', '/CN=localhost'], check=True,
                       capture_output=True)
        # MicroPython's ssl module loads DER files
        subprocess.run(['openssl', 'rsa', '-in', key, '-outform', 'DER',
                        '-out', key[:-3] + 'der'], check=True,
                       capture_output=True)
        subprocess.run(['openssl', 'x509', '-in', cert, '-outform', 'DER',
                        '-out', cert[:-3] + 'der'], check=True)
        return cert, key

    async def two_requests(port):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        r, w = await asyncio.open_connection('127.0.0.1', port, ssl=ctx)
        out = []
        for close in (b'', b'Connection: close\r\n'):
            w.write(b'GET / HTTP/1.1\r\nHost: x\r\n' + close + b'\r\n')
            await w.drain()
            head = await r.readuntil(b'\r\n\r\n')
            length = int(head.split(b'Content-Length: ')[1].split(b'\r')[0])
            out.append(await r.readexactly(length))
        w.close()
        return out

    def test_tls_cpython(certs):
        cert, key = certs
        app = Microdot()

        @app.route('/')
        async def index(req):
            return 'secure ' + req.scheme

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        port = free_port()

        async def main():
            server = asyncio.create_task(
                app.start_server('127.0.0.1', port, ssl=ctx))
            await asyncio.sleep(0.1)
            try:
                assert await two_requests(port) == [b'secure https'] * 2
            finally:
                app.shutdown()
                await server
        asyncio.run(main())

    def test_tls_micropython(certs, tmp_path):
        mp = shutil.which('micropython')
        if not mp:
            pytest.skip('needs the MicroPython unix port')
        cert, key = certs
        root = os.path.join(os.path.dirname(__file__), '..', 'framework')
        port = free_port()
        proc = subprocess.Popen(
            [mp, '-X', 'heapsize=256k',
             os.path.join(os.path.dirname(__file__), 'apps', 'tls_app.py'),
             str(port), cert[:-3] + 'der', key[:-3] + 'der'],
            env=dict(os.environ, MICROPYPATH=root + ':.frozen'),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            assert proc.stdout.readline().strip() == b'READY'
            wait_listening(port)
            assert asyncio.run(two_requests(port)) == [b'secure https'] * 2
        finally:
            proc.kill()
            proc.wait()

if MICROPYTHON:
    def test_tls():
        skip('makes certificates with openssl and drives MicroPython '
             'from CPython')
