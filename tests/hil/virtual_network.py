# The virtual board's stand-in for MicroPython's network module (station
# interface only), following the API of the Pico W's: WLAN(STA_IF) with
# active(), connect(), disconnect(), isconnected(), status(), ifconfig(),
# ipconfig(), config(); the STAT_* codes; hostname().  Its one access point
# takes the SSID and password the virtual board was given; the address is
# the board's own (its network namespace's, or 127.0.0.1).
import os
import time

STA_IF = 0
AP_IF = 1
STAT_IDLE = 0
STAT_CONNECTING = 1
STAT_WRONG_PASSWORD = -3
STAT_NO_AP_FOUND = -2
STAT_CONNECT_FAIL = -1
STAT_GOT_IP = 3

_hostname = ['mpy-virtual']
_CONNECT_MS = 300  # the time a real join takes, roughly


def hostname(name=None):
    if name is None:
        return _hostname[0]
    _hostname[0] = name


def country(code=None):
    return 'XX'


class WLAN:
    def __init__(self, interface=STA_IF):
        if interface != STA_IF:
            raise ValueError('the virtual board has a station interface only')
        self._active = False
        self._status = STAT_IDLE
        self._ssid = None
        self._since = 0
        self._result = STAT_IDLE

    def active(self, on=None):
        if on is None:
            return self._active
        self._active = bool(on)
        if not on:
            self._status = STAT_IDLE

    def connect(self, ssid=None, key=None, **kwargs):
        if not self._active:
            raise OSError('WLAN not active')
        self._ssid = ssid
        self._since = time.ticks_ms()
        if ssid != os.getenv('VB_SSID'):
            self._result = STAT_NO_AP_FOUND
        elif (key or '') != (os.getenv('VB_PSK') or ''):
            self._result = STAT_WRONG_PASSWORD
        else:
            self._result = STAT_GOT_IP
        self._status = STAT_CONNECTING

    def _update(self):
        if self._status == STAT_CONNECTING and \
                time.ticks_diff(time.ticks_ms(), self._since) >= _CONNECT_MS:
            self._status = self._result

    def disconnect(self):
        self._status = STAT_IDLE

    def status(self, param=None):
        self._update()
        if param == 'rssi':
            return -42
        return self._status

    def isconnected(self):
        return self.status() == STAT_GOT_IP

    def ifconfig(self, *args):
        ip = os.getenv('VB_IP') or '127.0.0.1'
        if not self.isconnected():
            ip = '0.0.0.0'
        return (ip, '255.255.255.252', ip.rpartition('.')[0] + '.1',
                '8.8.8.8')

    def ipconfig(self, key):
        if key == 'addr4':
            return self.ifconfig()[0], self.ifconfig()[1]
        raise ValueError(key)

    def config(self, key=None, **kwargs):
        if key == 'ssid':
            return self._ssid
        if key == 'mac':
            return b'\x02\x00\x00\x00\x00\x01'
        if key == 'hostname':
            return _hostname[0]
        return None

    def scan(self):
        ssid = (os.getenv('VB_SSID') or '').encode()
        return [(ssid, b'\x02\x00\x00\x00\x00\x02', 6, -42, 3, False)]
