"""Routing: URL patterns, methods, sub-applications."""
from microdot import Microdot, URLPattern

app = Microdot()


@app.route('/')
async def index(request):
    return 'home'


@app.route('/users/<int:user_id>')           # 'int' converts: an int
async def user(request, user_id):
    return {'id': user_id}


@app.route('/files/<path:path>')             # 'path' matches slashes too
async def files(request, path):
    return path


@app.route('/items', methods=['GET', 'POST'])
async def items(request):
    return 'created' if request.method == 'POST' else 'list'


@app.delete('/items/<name>')                 # get/post/put/patch/delete
async def delete_item(request, name):
    return '', 204


# a custom segment type: hex numbers
URLPattern.register_type('hex', '[0-9a-fA-F]+', lambda s: int(s, 16))


@app.route('/color/<hex:value>')
async def color(request, value):
    return str(value)


# a sub-application mounted under a prefix
api = Microdot()


@api.route('/status')
async def status(request):
    return {'ok': True}


app.mount(api, url_prefix='/api')

if __name__ == '__main__':
    app.run(port=5000)
