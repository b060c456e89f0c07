from microdot import Microdot
from microdot.session import Session, with_session

app = Microdot()
Session(app, secret_key='a long random string, kept out of the source')


@app.route('/visit')
@with_session
async def visit(request, session):
    session['visits'] = session.get('visits', 0) + 1
    session.save()                 # or session.delete()
    return 'visit %d' % session['visits']
