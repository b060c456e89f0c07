"""The ASGI and WSGI adapters under real servers: uvicorn and gunicorn.

CPython only; skipped when the server or client package is missing."""
from support import MICROPYTHON

if not MICROPYTHON:
    import asyncio
    import os
    import shutil
    import subprocess
    import sys
    import pytest
    from support import wait_listening, free_port, package_root

    HERE = os.path.dirname(os.path.abspath(__file__))

    @pytest.fixture(scope='module', params=['uvicorn', 'gunicorn'])
    def server(request):
        pytest.importorskip(request.param)
        pytest.importorskip('requests')
        port = free_port()
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [package_root(),
             os.path.join(HERE, 'apps')]))
        if request.param == 'uvicorn':
            cmd = [sys.executable, '-m', 'uvicorn', 'adapter_app:asgi',
                   '--port', str(port), '--log-level', 'warning']
        else:
            if not shutil.which('gunicorn'):
                pytest.skip('gunicorn not installed')
            env['ADAPTER'] = 'wsgi'
            cmd = ['gunicorn', '-b', '127.0.0.1:%d' % port, '-w', '2',
                   '--log-level', 'warning', 'adapter_app:wsgi']
        proc = subprocess.Popen(cmd, env=env)
        try:
            wait_listening(port, 20)
            yield request.param, 'http://127.0.0.1:%d' % port
        finally:
            proc.terminate()
            proc.wait(10)

    def test_requests(server):
        import requests
        name, url = server
        r = requests.get(url + '/caf%C3%A9?q=a%20b')
        assert r.status_code == 404 and r.text == 'nothing here'
        r = requests.get(url + '/?q=a%20b')
        assert r.json()['args'] == 'a b' and r.json()['path'] == '/'
        data = os.urandom(5000)
        assert requests.post(url + '/echo', data=data).content == data
        big = os.urandom(200000)
        assert requests.post(url + '/count', data=big).text == '200000'
        assert requests.get(url + '/stream').text == 'part0;part1;part2;'
        assert requests.head(url + '/').text == ''
        s = requests.Session()
        r = s.get(url + '/login')
        assert 'HttpOnly' in r.headers['Set-Cookie']
        assert s.get(url + '/me').text == 'ann'
        r = requests.get(url + '/events', stream=True)
        assert r.headers['Content-Type'] == 'text/event-stream'
        assert r.text == ''.join('data: {"i": %d}\n\n' % i for i in range(3))

    def test_websocket(server):
        # under gunicorn too: on the connection's own socket, as Microdot
        name, url = server
        from websockets.asyncio.client import connect

        async def talk():
            async with connect(url.replace('http', 'ws') + '/ws') as ws:
                await ws.send('hi')
                a = await ws.recv()
                await ws.send(b'\x00\x01' * 1000)
                b = await ws.recv()
            return a, b
        assert asyncio.run(talk()) == ('hi', b'\x00\x01' * 1000)
        # the server still answers plain requests afterwards
        import requests
        assert requests.get(url + '/?q=x').json()['args'] == 'x'

    def test_websocket_refused_before_the_upgrade(server):
        import requests
        name, url = server
        if name != 'gunicorn':
            pytest.skip('the WSGI path (ASGI refuses with a close code)')
        r = requests.get(url + '/ws', headers={
            'Upgrade': 'websocket', 'Connection': 'Upgrade',
            'Sec-WebSocket-Key': 'short', 'Sec-WebSocket-Version': '13'})
        assert r.status_code == 400 and r.headers['X-Seen'] == 'yes'
        assert r.text == 'shaped 400 for /ws'

    def test_names_from_the_adapter_module(server):
        # the app takes send_file, redirect, abort... from microdot.asgi
        # or microdot.wsgi
        import requests
        name, url = server
        r = requests.get(url + '/file')
        assert r.status_code == 200 and r.text == 'Hello, {{ name }}!\n'
        assert requests.get(url + '/go', allow_redirects=False).headers[
            'Location'] == '/'
        assert requests.get(url + '/secret').status_code == 403

    def test_asgi_body_stream_reads_lines_across_messages():
        from microdot.asgi import _Body
        msgs = [{'type': 'http.request', 'body': b'ab', 'more_body': True},
                {'type': 'http.request', 'body': b'c\nd', 'more_body': True},
                {'type': 'http.request', 'body': b'e', 'more_body': False}]

        async def receive():
            return msgs.pop(0)

        async def go():
            body = _Body(receive)
            return [await asyncio.wait_for(body.readline(), 2),
                    await asyncio.wait_for(body.readline(), 2),
                    await body.read()]
        assert asyncio.run(go()) == [b'abc\n', b'de', b'']
