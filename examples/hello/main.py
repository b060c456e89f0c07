# The hello-world app: copy this file to a board as main.py.
from microdot import Microdot

app = Microdot()


@app.route('/')
async def index(request):
    return 'Hello from Microdot!'


@app.route('/hello/<name>')
async def hello(request, name):
    return {'hello': name}


if __name__ == '__main__':  # as main.py on a board, or run directly
    app.run(port=5000, debug=True)
