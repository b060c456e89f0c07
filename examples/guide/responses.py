"""The ways a handler answers."""
from microdot import Microdot, Response, redirect

app = Microdot()


@app.route('/text')
async def text(request):
    return 'plain text'                            # 200, text/plain


@app.route('/json')
async def json_body(request):
    return {'temperature': 21.5}                   # a dict or list is JSON


@app.route('/created')
async def created(request):
    return 'made it', 201, {'X-Item': '42'}         # body, status, headers


@app.route('/page')
async def page(request):
    return '<h1>Hi</h1>', {'Content-Type': 'text/html'}


@app.route('/old')
async def old(request):
    return redirect('/new')                        # 302 to /new


@app.route('/login')
async def login(request):
    res = Response('welcome')
    res.set_cookie('user', 'ann', http_only=True, same_site='Lax')
    return res


@app.route('/gone')
async def gone(request):
    return Response(status_code=410, reason='Gone for good')

if __name__ == '__main__':
    app.run(port=5000)
