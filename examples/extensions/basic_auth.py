from microdot import Microdot
from microdot.auth import BasicAuth, TokenAuth
from microdot.signing import compare

app = Microdot()
USERS = {'susan': 'hello'}   # keep real passwords hashed, not like this
basic = BasicAuth()
tokens = TokenAuth()


@basic.authenticate
async def check(request, username, password):
    if username in USERS and compare(password, USERS[username]):
        return username            # becomes request.g.current_user


@tokens.authenticate
async def check_token(request, token):
    return 'device' if compare(token, 'secret-token') else None


@app.route('/admin')
@basic
async def admin(request):
    return 'hello ' + request.g.current_user


@app.route('/api/data')
@tokens
async def data(request):
    return {'for': request.g.current_user}
