"""What a handler can read from the request."""
from microdot import Microdot, Request

Request.max_content_length = 64 * 1024  # accept bodies up to 64 KB

app = Microdot()


@app.route('/search')
async def search(request):
    # /search?q=pico&tag=a&tag=b
    return {'q': request.args.get('q'),
            'tags': request.args.getlist('tag'),
            'agent': request.headers.get('User-Agent')}


@app.post('/settings')
async def settings(request):
    if request.json is not None:          # Content-Type: application/json
        return {'json': request.json}
    if request.form is not None:          # an HTML form
        return {'form': request.form.get('name')}
    return {'bytes': len(request.body)}


@app.post('/firmware')
async def firmware(request):
    # a large body: read it in pieces instead of holding it whole
    size = 0
    while True:
        data = await request.stream.read(512)
        if not data:
            break
        size += len(data)
    return {'received': size}


@app.route('/whoami')
async def whoami(request):
    return {'cookie': request.cookies.get('user'),
            'client': request.client_addr[0]}

if __name__ == '__main__':
    app.run(port=5000)
