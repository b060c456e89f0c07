from microdot import Microdot
from microdot.static import static

HERE = __file__.rpartition('/')[0] or '.'
app = Microdot()
static(app, '/static', HERE + '/static', max_age=3600)
