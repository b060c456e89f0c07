from microdot.asgi import Microdot  # instead of: from microdot import Microdot

app = Microdot()


@app.route('/')
async def index(request):
    return 'Hello from uvicorn'
