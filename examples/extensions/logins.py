from microdot import Microdot
from microdot.login import Login
from microdot.session import Session
from microdot.signing import compare

app = Microdot()
Session(app, secret_key='another long random string')
login = Login()                      # needs a Session on the app


class User:
    def __init__(self, id, name, password):
        self.id, self.name, self.password = id, name, password


USERS = {1: User(1, 'ann', 'pw')}


@login.user_loader
async def load_user(user_id):
    return USERS.get(user_id)


@app.post('/login')
async def do_login(request):
    form = request.form or {}
    for user in USERS.values():
        if user.name == form.get('name') and \
                compare(form.get('password', ''), user.password):
            return await login.login_user(request, user, remember=30)
    return 'bad credentials', 401


@app.route('/dashboard')
@login                               # or @login.login_required
async def dashboard(request):
    return 'hi ' + request.g.current_user.name
