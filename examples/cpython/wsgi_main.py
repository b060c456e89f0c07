from microdot.wsgi import Microdot

app = Microdot()


@app.route('/')
def index(request):
    return 'Hello from gunicorn'
