"""Helpers for an app on a board (optional): get onto the network from a
config file (Wi-Fi, or PPP over a UART), announce the address when the
app is up, and check the image.

    from microdot.board import connect, announce
    ip = connect()                      # ppp.json, else wifi.json/secrets.py
    announce(ip, 80)                    # MICRODOT-READY http://<ip>:80/
    app.run(port=80)

``selftest()`` prints and returns what the firmware has: the framework and
MicroPython versions, free RAM, and the features the framework needs.
"""
import gc
import sys
import time
from microdot.helpers import ticks_ms, ticks_add, ticks_diff

READY = 'MICRODOT-READY'
SELFTEST = 'MICRODOT-SELFTEST'

# network.WLAN.status() codes, by name, for messages people can act on
_STATUS = (
    ('STAT_WRONG_PASSWORD', 'wrong password'),
    ('STAT_NO_AP_FOUND', 'no access point with that name answered'),
    ('STAT_CONNECT_FAIL', 'the connection failed'),
    ('STAT_IDLE', 'the radio is idle'),
    ('STAT_CONNECTING', 'still connecting'),
)


class WifiError(OSError):
    """Wi-Fi could not be joined; the message says why."""


class PPPError(OSError):
    """The PPP link did not come up; the message says why."""


def wifi_config(path='wifi.json'):
    """(ssid, password) from ``wifi.json`` (``{"ssid": ..., "password":
    ...}``) or, failing that, ``secrets.py`` (``WIFI_SSID``,
    ``WIFI_PASSWORD``)."""
    try:
        import json
        with open(path) as f:
            cfg = json.load(f)
        return cfg['ssid'], cfg.get('password', '')
    except OSError:
        pass
    except (ValueError, KeyError):
        raise WifiError('%s must be {"ssid": "...", "password": "..."}' %
                        path)
    try:
        import secrets
        return secrets.WIFI_SSID, getattr(secrets, 'WIFI_PASSWORD', '')
    except (ImportError, AttributeError):
        raise WifiError('no Wi-Fi settings: write %s or secrets.py '
                        '(WIFI_SSID, WIFI_PASSWORD)' % path)


def _reason(network, wlan):
    code = wlan.status()
    for name, text in _STATUS:
        if getattr(network, name, None) == code:
            return '%s (status %s)' % (text, code)
    return 'status %s' % code


def connect_wifi(ssid=None, password=None, config='wifi.json', retries=3,
                 timeout=15, hostname=None):
    """Join a Wi-Fi network as a station and return the IP address.

    Without ``ssid``, the settings come from ``wifi_config(config)``.  Each
    attempt waits up to ``timeout`` seconds; after ``retries`` failed
    attempts a ``WifiError`` says why (wrong password, no access point...).
    The password is never printed.
    """
    import network
    if ssid is None:
        ssid, password = wifi_config(config)
    if hostname:
        network.hostname(hostname)
    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    reason = 'not tried'
    for attempt in range(1, retries + 1):
        if wlan.isconnected():
            break
        print('Wi-Fi: joining %r (attempt %d of %d)' % (ssid, attempt,
                                                         retries))
        wlan.connect(ssid, password)
        start = ticks_ms()
        deadline = ticks_add(start, int(timeout * 1000))
        connecting = getattr(network, 'STAT_CONNECTING', 1)
        failed = (getattr(network, 'STAT_WRONG_PASSWORD', -3),
                  getattr(network, 'STAT_NO_AP_FOUND', -2))
        seen = False  # this attempt's own status seen
        while not wlan.isconnected() and \
                ticks_diff(deadline, ticks_ms()) > 0:
            st = wlan.status()
            seen = seen or st == connecting
            # a failure says waiting longer will not help, once it is this
            # attempt's: the ESP32 reports the previous attempt's reason
            # until it is connecting again
            if st in failed and (seen or ticks_diff(ticks_ms(),
                                                    start) > 3000):
                break
            time.sleep(0.1)
        if wlan.isconnected():
            break
        reason = _reason(network, wlan)
        print('Wi-Fi: failed: ' + reason)
        wlan.disconnect()
        time.sleep(0.5)
    else:
        raise WifiError('could not join Wi-Fi %r: %s' % (ssid, reason))
    ip = wlan.ifconfig()[0]
    print('Wi-Fi: connected to %r, address %s' % (ssid, ip))
    return ip


# the PPP links brought up here (a PPP object that is garbage collected
# closes its link)
_links = []


def _release(ppp, wait=8):
    # lwIP has one PPP link, and a closing link gives it back only after
    # its terminate exchange; True once it has
    ppp.disconnect()
    deadline = ticks_add(ticks_ms(), wait * 1000)
    while ppp.status():
        if ticks_diff(deadline, ticks_ms()) <= 0:
            return False
        time.sleep(0.1)
    return True


def connect_ppp(uart=0, baudrate=115200, timeout=30, **uart_args):
    """Bring up PPP over a UART (a cellular modem, or a serial line to a
    host running a PPP peer) and return the IP address the peer gave.

    ``uart`` is a UART number or a ``machine.UART``; other keyword
    arguments (``tx``, ``rx``, ``rxbuf``...) go to ``machine.UART``.  The
    peer must be listening: a board asks once, then waits up to
    ``timeout`` seconds before raising ``PPPError``.
    """
    import network
    if not hasattr(network, 'PPP'):
        raise PPPError('this firmware has no network.PPP')
    line = uart
    if isinstance(uart, int):
        from machine import UART
        line = 'UART(%d)' % uart
        uart_args.setdefault('rxbuf', 1024)  # a whole frame while busy
        uart = UART(uart, baudrate, **uart_args)
    while _links:  # connecting again: the old link goes first
        _release(_links.pop())
    ppp = network.PPP(uart)
    try:
        ppp.connect()
    except OSError as exc:
        # lwIP has one PPP link; MicroPython 1.28 loses it when a soft
        # reset finalises an open link, and keeps it while a link that
        # never opened is closing
        raise PPPError('cannot start PPP (%s): an earlier link on this '
                       'board has not closed; machine.reset() frees it' % exc)
    _links.append(ppp)
    try:
        # our rp2 images: PPP input under lwIP's lock (see
        # boards/RPI_PICO_W/ppp_lock.c), in place of PPP's own handler
        from _ppp_lock import poll
        uart.irq(lambda u: poll(ppp), uart.IRQ_RXIDLE)
    except (ImportError, AttributeError):
        pass
    deadline = ticks_add(ticks_ms(), int(timeout * 1000))
    while not ppp.isconnected():
        if ticks_diff(deadline, ticks_ms()) <= 0:
            _links.remove(ppp)
            why = 'no PPP peer answered on %s within %d s' % (line, timeout)
            if not _release(ppp):
                # MicroPython 1.28 on rp2: lwIP's timers stand still while
                # no link is up, so a link that never opened cannot close
                why += ' (the link could not be closed: machine.reset() ' \
                    'before connecting again)'
            raise PPPError(why)
        time.sleep(0.1)
    ip = ppp.ifconfig()[0]
    print('PPP: connected, address %s' % ip)
    return ip


def connect(config='ppp.json', wifi_config='wifi.json'):
    """Get onto the network the board is set up for: PPP if ``config``
    exists (``{"uart": 0, "baudrate": 115200}``, any ``connect_ppp``
    argument), else Wi-Fi from ``wifi_config`` or ``secrets.py``.
    Returns the IP address."""
    import json
    try:
        with open(config) as f:
            cfg = json.load(f)
    except OSError:
        return connect_wifi(config=wifi_config)
    except ValueError:
        raise PPPError('%s is not valid JSON' % config)
    return connect_ppp(**cfg)


def announce(ip, port=80, scheme='http'):
    """Print the line that says the app is up, for people and for the
    hardware-in-the-loop suite: ``MICRODOT-READY http://<ip>:<port>/``.
    Called just before ``app.run()``, it comes a moment before the server
    listens: a client retries a refused first connection."""
    url = '%s://%s:%d/' % (scheme, ip, port)
    print(READY + ' ' + url)
    return url


def _has(module, name=None):
    try:
        m = __import__(module)
        return name is None or hasattr(m, name)
    except ImportError:
        return False


def selftest(verbose=True):
    """Check the image has what the framework needs; print one
    ``MICRODOT-SELFTEST {...}`` line (JSON) and return the report, whose
    ``ok`` is False if a required feature is missing."""
    import json
    import microdot
    gc.collect()
    impl = sys.implementation
    features = {
        'asyncio': _has('asyncio', 'start_server'),
        'sha1': _has('hashlib', 'sha1'),        # WebSocket handshake
        'sha256': _has('hashlib', 'sha256'),    # sessions
        'ssl': _has('ssl') or _has('tls'),
        'network': _has('network'),
        'ppp': _has('network', 'PPP'),
        'socket': _has('socket'),
    }
    required = ('asyncio', 'sha1', 'sha256', 'socket')
    missing = [f for f in required if not features[f]]
    report = {
        'microdot': microdot.__version__,
        'micropython': '.'.join(str(v) for v in impl.version[:3])
        if impl.name == 'micropython' else None,
        'machine': getattr(impl, '_machine', sys.platform),
        'mem_free': gc.mem_free() if hasattr(gc, 'mem_free') else None,
        'frozen': _frozen(microdot),
        'features': features,
        'missing': missing,
        'ok': not missing,
    }
    if verbose:
        print(SELFTEST + ' ' + json.dumps(report))
    return report


def _frozen(module):
    # a frozen module has no file behind its __file__
    path = getattr(module, '__file__', None)
    if path is None:
        return True
    try:
        open(path).close()
        return False
    except OSError:
        return True
