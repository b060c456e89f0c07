"""The user guide's code samples (examples/guide/, shown in docs/guide.md)
do what the guide says, on both runtimes."""
import asyncio
import sys
from microdot.test_client import TestClient
from support import run, example



def load(name):
    return example('guide', name)


def client(name):
    return TestClient(load(name).app)


def test_routing():
    c = client('routing')
    assert run(c.get('/')).text == 'home'
    assert run(c.get('/users/42')).json == {'id': 42}
    assert run(c.get('/users/x')).status_code == 404
    assert run(c.get('/files/a/b.txt')).text == 'a/b.txt'
    assert run(c.post('/items')).text == 'created'
    assert run(c.get('/items')).text == 'list'
    assert run(c.delete('/items/x')).status_code == 204
    assert run(c.put('/items')).status_code == 405
    assert run(c.get('/color/ff')).text == '255'
    assert run(c.get('/api/status')).json == {'ok': True}


def test_requests():
    c = client('request_data')
    r = run(c.get('/search?q=pico&tag=a&tag=b',
                  headers={'User-Agent': 'test'}))
    assert r.json == {'q': 'pico', 'tags': ['a', 'b'], 'agent': 'test'}
    assert run(c.post('/settings', body={'a': 1})).json == {'json': {'a': 1}}
    r = run(c.post('/settings', body='name=Ann', headers={
        'Content-Type': 'application/x-www-form-urlencoded'}))
    assert r.json == {'form': 'Ann'}
    assert run(c.post('/settings', body=b'xyz')).json == {'bytes': 3}
    assert run(c.post('/firmware', body=b'x' * 40000)).json == \
        {'received': 40000}
    r = run(c.get('/whoami', headers={'Cookie': 'user=ann'}))
    assert r.json['cookie'] == 'ann'


def test_responses():
    c = client('responses')
    r = run(c.get('/text'))
    assert r.text == 'plain text' and \
        r.headers['Content-Type'].startswith('text/plain')
    assert run(c.get('/json')).json == {'temperature': 21.5}
    r = run(c.get('/created'))
    assert (r.status_code, r.text, r.headers['X-Item']) == \
        (201, 'made it', '42')
    assert run(c.get('/page')).headers['Content-Type'] == 'text/html'
    r = run(c.get('/old'))
    assert r.status_code == 302 and r.headers['Location'] == '/new'
    assert 'HttpOnly' in run(c.get('/login')).headers['Set-Cookie'][0]
    r = run(c.get('/gone'))
    assert r.status_code == 410 and r.reason == 'Gone for good'


def test_streaming():
    c = client('streaming')
    assert run(c.get('/numbers')).text == '0\n1\n2\n3\n4\n'
    assert len(run(c.get('/big')).body) == 100000
    assert b'Streaming responses' in run(c.get('/readme')).body


def test_errors():
    c = client('errors')
    r = run(c.get('/sensors/kitchen'))
    assert r.json == {'name': 'kitchen', 'value': 21.5}
    assert r.headers['X-Served-By'] == 'microdot'
    r = run(c.get('/sensors/attic'))
    assert (r.status_code, r.json) == (404, {'error': 'no such thing'})
    assert run(c.get('/admin/reset')).status_code == 403
    assert run(c.get('/admin/reset', headers={
        'X-Key': 'letmein'})).text == 'reset done'
    r = run(c.get('/broken'))
    assert (r.status_code, r.json) == (500, {'error': 'bad arithmetic'})


def test_background_task():
    mod = load('background')

    async def main():
        task = asyncio.create_task(mod.sample(0.01))
        await asyncio.sleep(0.1)
        r = await TestClient(mod.app).get('/reading')
        task.cancel()
        return r.json
    out = run(main())
    assert out['samples'] >= 3 and 20 <= out['reading'] < 25


def test_testing_sample():
    run(load('testing').test_user())


def test_hello_example():
    mod = example('hello', 'main')
    c = TestClient(mod.app)
    assert run(c.get('/')).text == 'Hello from Microdot!'
    assert run(c.get('/hello/pico')).json == {'hello': 'pico'}
    del sys.modules['main']
