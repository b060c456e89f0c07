"""Errors, hooks and error handlers."""
from microdot import Microdot, abort

app = Microdot()
SENSORS = {'kitchen': 21.5}


@app.before_request
async def check_key(request):
    if request.path.startswith('/admin') and \
            request.headers.get('X-Key') != 'letmein':
        return 'forbidden', 403                 # the handler won't run


@app.after_request
async def add_header(request, response):
    response.headers['X-Served-By'] = 'microdot'
    return response


@app.route('/sensors/<name>')
async def sensor(request, name):
    if name not in SENSORS:
        abort(404)                              # ends the request now
    return {'name': name, 'value': SENSORS[name]}


@app.route('/admin/reset')
async def reset(request):
    return 'reset done'


@app.route('/broken')
async def broken(request):
    return 1 / 0                                # an unexpected error


@app.errorhandler(404)
async def not_found(request):
    return {'error': 'no such thing'}, 404


@app.errorhandler(ZeroDivisionError)
async def division(request, exc):
    return {'error': 'bad arithmetic'}, 500

if __name__ == '__main__':
    app.run(port=5000)
