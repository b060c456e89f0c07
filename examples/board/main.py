# main.py for a board: get online, serve a page, say where.
# Put wifi.json beside it: {"ssid": "your network", "password": "..."}
# (or, for PPP over a UART, ppp.json: {"uart": 0, "baudrate": 115200})
import gc
from microdot import Microdot
from microdot.board import connect, announce

app = Microdot()


@app.route('/')
async def index(request):
    gc.collect()
    return '<h1>Hello from MicroPython</h1><p>%d bytes of RAM free</p>' % \
        gc.mem_free(), {'Content-Type': 'text/html'}


ip = connect()           # raises WifiError/PPPError, saying why, if it can't
announce(ip, 80)         # prints MICRODOT-READY http://<ip>:80/
app.run(port=80)
