from microdot import Microdot
from microdot.utemplate import Template      # or microdot.template

HERE = __file__.rpartition('/')[0] or '.'
Template.initialize(HERE + '/templates')
app = Microdot()
ITEMS = ['<b>escaped</b>', 'plain']


@app.route('/')
async def index(request):
    return Template('index.html').generate(title='Home', items=ITEMS), \
        {'Content-Type': 'text/html'}
