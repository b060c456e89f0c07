from microdot import Microdot
from microdot.cors import CORS
from microdot.csrf import CSRF

app = Microdot()
cors = CORS(app, allowed_origins=['https://dashboard.example'],
            allow_credentials=True, max_age=600)
csrf = CSRF(app, cors)               # or CSRF(app, cors, token=True)


@app.post('/settings')
async def settings(request):
    return 'saved'


@app.post('/webhook')
@csrf.exempt
async def webhook(request):
    return 'ok'
