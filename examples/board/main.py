# main.py for a board: join Wi-Fi, serve a page, say where.
# Put wifi.json beside it: {"ssid": "your network", "password": "..."}
import gc
from microdot import Microdot
from microdot.board import connect_wifi, announce

app = Microdot()


@app.route('/')
async def index(request):
    gc.collect()
    return '<h1>Hello from MicroPython</h1><p>%d bytes of RAM free</p>' % \
        gc.mem_free(), {'Content-Type': 'text/html'}


ip = connect_wifi()      # raises WifiError with the reason if it can't
announce(ip, 80)         # prints MICRODOT-READY http://<ip>:80/
app.run(port=80)
