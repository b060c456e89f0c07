"""Beyond hello world: routing, JSON, a 1 MB streamed response, a 1 MB
upload, WebSocket round trips and SSE events, for ours and Microdot 2.7.0
side by side and alternating, in one run.

    python3 bench/scenarios.py [--seconds 2] [--repeat 3]

Every answer is checked: wrk runs a Lua script that compares each body with
the one expected (bodies that differ count as errors), and the WebSocket and
SSE clients check every message.  Results: bench/results/scenarios.md and
scenarios.json.
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import footprint  # noqa: E402
import throughput  # noqa: E402

RESULTS = throughput.RESULTS
PAYLOAD = {'sensor': 'greenhouse-1', 'readings': [
    # 1 KB as JSON
    {'t': 1700000000 + i, 'temp': 21.5, 'hum': 40 + i} for i in range(22)]}
MB = 1024 * 1024

# wrk sums what every connection saw: each thread counts wrong bodies and
# done() adds them up (threads have Lua states of their own)
LUA = '''
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
%s
response = function(status, headers, body)
  if status == 200 and not ok(body) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("bad") end
  io.write("BAD " .. n .. "\\n")
end
'''


def lua(work, name, body):
    path = os.path.join(work, name + '.lua')
    with open(path, 'w') as f:
        f.write(LUA % body)
    return path


def http(port, method, path, body=b'', headers=b''):
    """One request on its own connection: (status, body)."""
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    s.sendall(b'%s %s HTTP/1.1\r\nHost: b\r\nConnection: close\r\n%s'
              b'Content-Length: %d\r\n\r\n' % (method, path, headers,
                                               len(body)) + body)
    head, _, rest = footprint.recv_all(s).partition(b'\r\n\r\n')
    if b'transfer-encoding: chunked' in head.lower():
        out = b''
        while rest:
            size, _, rest = rest.partition(b'\r\n')
            n = int(size, 16)
            out, rest = out + rest[:n], rest[n + 2:]
            if not n:
                break
        rest = out
    return int(head.split()[1]), rest


def multipart(work):
    """A 1 MB file upload body (random letters, so Lua takes it as it is)
    and its Content-Type."""
    import random
    data = ''.join(random.choice('abcdefghijklmnopqrstuvwxyz')
                   for _ in range(MB)).encode()
    body = (b'--BENCHBOUNDARY\r\nContent-Disposition: form-data; '
            b'name="file"; filename="fw.bin"\r\nContent-Type: '
            b'application/octet-stream\r\n\r\n' + data +
            b'\r\n--BENCHBOUNDARY--\r\n')
    path = os.path.join(work, 'upload.body')
    with open(path, 'wb') as f:
        f.write(body)
    return path, data, 'multipart/form-data; boundary=BENCHBOUNDARY'


def http_scenarios(work):
    """name -> (server args, clients, wrk path, Lua, check(port, folder)):
    check makes one request by hand and says whether it was answered
    right."""
    body = json.dumps(PAYLOAD).encode()
    upload, data, ctype = multipart(work)

    def routing(port, folder):
        return http(port, b'GET', b'/api/v1/thing19/42') == \
            (200, b'route 19 42')

    def echo(port, folder):
        status, got = http(port, b'POST', b'/echo', body,
                           b'Content-Type: application/json\r\n')
        return status == 200 and json.loads(got) == PAYLOAD

    def stream(port, folder):
        return http(port, b'GET', b'/stream') == (200, b'x' * MB)

    def saved(port, folder):
        with open(upload, 'rb') as f:
            status, got = http(port, b'POST', b'/upload', f.read(),
                               b'Content-Type: ' + ctype.encode() + b'\r\n')
        with open(os.path.join(folder, 'upload.bin'), 'rb') as f:
            return (status, got) == (200, b'saved') and f.read() == data
    return {
        'routing (20 routes)': (
            ['routing', 'PORT'], 8, '/api/v1/thing19/42',
            lua(work, 'routing', 'function ok(b) return b == "route 19 42" '
                'end'), routing),
        'JSON echo (1 KB)': (
            ['json', 'PORT'], 8, '/echo', lua(
                work, 'json',
                'wrk.method = "POST"\nwrk.body = [==[%s]==]\n'
                'wrk.headers["Content-Type"] = "application/json"\n'
                'function ok(b) return #b > 800 and b:find('
                '"greenhouse%%-1", 1) ~= nil end' % body.decode()),
            echo),
        'streamed response (1 MB)': (
            ['stream', 'PORT'], 2, '/stream',
            lua(work, 'stream', 'function ok(b) return #b == %d end' % MB),
            stream),
        'upload to a file (1 MB multipart)': (
            ['upload', 'PORT', 'FOLDER'], 2, '/upload', lua(
                work, 'upload',
                'local f = io.open("%s", "rb")\nwrk.method = "POST"\n'
                'wrk.body = f:read("*a")\nf:close()\n'
                'wrk.headers["Content-Type"] = "%s"\n'
                'function ok(b) return b == "saved" end' % (upload, ctype)),
            saved),
    }


def ws_round_trips(port, seconds):
    """Sequential echo round trips per second on one WebSocket; None if
    an echo came back wrong."""
    from websockets.sync.client import connect
    n = 0
    with connect('ws://127.0.0.1:%d/ws' % port, open_timeout=5,
                 close_timeout=1) as ws:
        end = time.monotonic() + seconds
        start = time.monotonic()
        while time.monotonic() < end:
            msg = 'message %d' % n
            ws.send(msg)
            if ws.recv(timeout=5) != msg:
                return None
            n += 1
        return n / (time.monotonic() - start)


def sse_events(port, count=5000):
    """Events per second of one SSE stream of ``count`` events; None if
    any is missing or out of order."""
    s = socket.create_connection(('127.0.0.1', port), timeout=30)
    start = time.monotonic()
    s.sendall(b'GET /sse/%d HTTP/1.1\r\nHost: b\r\nConnection: close\r\n'
              b'\r\n' % count)
    data = footprint.recv_all(s)
    elapsed = time.monotonic() - start
    got = [line[6:] for line in data.split(b'\n')
           if line.startswith(b'data: ')]
    if got != [b'%d' % i for i in range(count)]:
        return None
    return count / elapsed


# scenarios measured by a client of ours: (name, app, unit, client), where
# client(port, seconds) returns the rate, or None if an answer was wrong
CLIENTS = [
    ('WebSocket echo', 'websocket', 'round trips/s', ws_round_trips),
    ('SSE events', 'sse', 'events/s', lambda port, seconds: sse_events(port)),
]


def http_measure(check, conns, path, script, seconds):
    """measure(port, folder) for an HTTP scenario: the request checked by
    hand, then wrk with the scenario's Lua script."""
    def measure(port, folder):
        try:
            right = check(port, folder)
        except OSError:
            right = False
        r = throughput.wrk(port, conns, True, seconds, path, script)
        r['checked'] = right
        return r
    return measure


def client_measure(client, seconds):
    """measure(port, folder) for a scenario with a client of ours."""
    def measure(port, folder):
        try:
            v = client(port, seconds)
        except Exception:
            v = None
        return {'rps': v or 0.0, 'errors': 0, 'non2xx': 0, 'bad': 0,
                'checked': bool(v)}
    return measure


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seconds', type=int, default=2)
    ap.add_argument('--repeat', type=int, default=3)
    args = ap.parse_args()
    if not shutil.which('wrk'):
        sys.exit('needs wrk: apt-get install wrk')
    libs = throughput.libraries()
    work = tempfile.mkdtemp(prefix='microdot-bench-')
    scenarios = http_scenarios(work)
    results = []
    for runtime, heap in throughput.setups(libs):
        for name, (argv, conns, path, script, check) in scenarios.items():
            samples = throughput.alternate(
                libs, runtime, heap, args.repeat,
                lambda fw, folder, argv=argv: ('scenarios.py', [
                    folder if a == 'FOLDER' else a for a in argv]),
                http_measure(check, conns, path, script, args.seconds))
            results += summarize(runtime, heap, name, conns, 'req/s',
                                 samples)
        for name, app, unit, client in CLIENTS:
            samples = throughput.alternate(
                libs, runtime, heap, args.repeat,
                lambda fw, folder, app=app: ('scenarios.py', [app, 'PORT']),
                client_measure(client, args.seconds))
            results += summarize(runtime, heap, name, 1, unit, samples)
    shutil.rmtree(work, ignore_errors=True)
    write(results, args)


def summarize(runtime, heap, name, conns, unit, samples):
    rows = []
    for fw, runs in samples.items():
        ok = [r for r in runs if r]
        rps = [r['rps'] for r in ok]
        rows.append({
            'runtime': runtime, 'heap': heap, 'scenario': name,
            'conns': conns, 'unit': unit, 'framework': fw,
            'median': statistics.median(rps) if rps else 0,
            'min': min(rps) if rps else 0,
            # wrong answers: non-2xx, bodies that differ, a failed check
            'failures': sum(r['non2xx'] + r['bad'] + (not r['checked'])
                            for r in ok),
            'socket_errors': sum(r['errors'] for r in ok),
            'started': len(ok) == len(runs)})
    print(runtime, heap, name, ' '.join('%s=%.0f' % (r['framework'],
                                                     r['median'])
                                        for r in rows), flush=True)
    return rows


def write(results, args):
    os.makedirs(RESULTS, exist_ok=True)
    command = 'python3 bench/scenarios.py --seconds %d --repeat %d' % (
        args.seconds, args.repeat)
    with open(os.path.join(RESULTS, 'scenarios.json'), 'w') as f:
        json.dump({'machine': throughput.machine(), 'command': command,
                   'results': results}, f, indent=1)
    lines = ['# Scenarios', '',
             'Machine: %s. Command: `%s`. The clients ask for keep-alive; '
             'median of the repeats (min in brackets). Wrong answers: '
             'non-2xx, bodies that differ from the expected one, and the '
             'check made by hand before each run, summed over the repeats. '
             'Socket errors are what wrk counts, mostly connections the '
             'server closed (Microdot closes after every response). '
             '"did not start": the app did not fit the heap; "failed": no '
             'right answer at all (a server that ran out of memory on its '
             'first request, say).' % (throughput.machine(), command), '',
             '| runtime | scenario | clients | unit | ours | Microdot 2.7.0 '
             '| ours / Microdot | wrong answers (ours / Microdot) | socket '
             'errors (ours / Microdot) |',
             '|---|---|---|---|---|---|---|---|---|']
    by = {}
    for r in results:
        by.setdefault((r['runtime'], r['heap'], r['scenario']),
                      {})[r['framework']] = r
    for (runtime, heap, name), fw in by.items():
        o, m = fw['ours'], fw['microdot-2.7.0']

        def cell(r):
            if not r['median']:
                return 'failed' if r['started'] else 'did not start'
            return '%.0f (%.0f)' % (r['median'], r['min'])
        lines.append('| %s | %s | %d | %s | %s | %s | %s | %d / %d | '
                     '%d / %d |' % (
                         throughput.label(runtime, heap), name, o['conns'],
                         o['unit'], cell(o), cell(m), '%.2f' % (
                             o['median'] / m['median']) if m['median']
                         else '-', o['failures'], m['failures'],
                         o['socket_errors'], m['socket_errors']))
    with open(os.path.join(RESULTS, 'scenarios.md'), 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
