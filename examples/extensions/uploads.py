from microdot import Microdot, Request
from microdot.multipart import with_form_data, FormDataIter, FileUpload

Request.max_content_length = 2 * 1024 * 1024     # allow 2 MB uploads
app = Microdot()


@app.post('/firmware')
async def firmware(request):
    size = 0
    async for name, value in FormDataIter(request):
        if isinstance(value, FileUpload):
            size = await value.save('update.bin')  # streamed to flash
    return {'saved': size}


@app.post('/settings')
@with_form_data
async def settings(request):
    return {'name': request.form['name'],
            'file': request.files['logo'].filename}
