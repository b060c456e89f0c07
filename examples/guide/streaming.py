"""Streaming responses: generators and files, sent piece by piece."""
from microdot import Microdot, send_file

app = Microdot()
CHUNK = b'0123456789' * 100                         # made once, sent often


@app.route('/numbers')
async def numbers(request):
    def generate():                                  # a plain generator...
        for i in range(5):
            yield '%d\n' % i
    return generate()


@app.route('/big')
async def big(request):
    def generate():
        for _ in range(100):                         # 100 KB, 1 KB in RAM
            yield CHUNK
    return generate(), {'Content-Type': 'application/octet-stream'}


@app.route('/readme')
async def readme(request):
    return send_file(__file__, content_type='text/plain')

if __name__ == '__main__':
    app.run(port=5000)
