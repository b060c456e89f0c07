"""The board helpers: Wi-Fi settings and joining (against a stand-in
network module with MicroPython's WLAN API), the ready line, the
self-test."""
import json
import os
import sys
from microdot import board
from support import raises


class FakeWLAN:
    # MicroPython's network.WLAN, as far as connect_wifi uses it
    networks = {'home': 'pw'}
    joins = 0

    def __init__(self, iface):
        self._active = False
        self._status = FakeNetwork.STAT_IDLE

    def active(self, on=None):
        if on is not None:
            self._active = on
        return self._active

    def connect(self, ssid, password):
        FakeWLAN.joins += 1
        if ssid not in self.networks:
            self._status = FakeNetwork.STAT_NO_AP_FOUND
        elif self.networks[ssid] != password:
            self._status = FakeNetwork.STAT_WRONG_PASSWORD
        else:
            self._status = FakeNetwork.STAT_GOT_IP

    def disconnect(self):
        self._status = FakeNetwork.STAT_IDLE

    def isconnected(self):
        return self._status == FakeNetwork.STAT_GOT_IP

    def status(self):
        return self._status

    def ifconfig(self):
        return ('10.0.0.7', '255.255.255.0', '10.0.0.1', '10.0.0.1')


class FakeNetwork:
    STA_IF = 0
    STAT_IDLE = 0
    STAT_CONNECTING = 1
    STAT_WRONG_PASSWORD = -3
    STAT_NO_AP_FOUND = -2
    STAT_CONNECT_FAIL = -1
    STAT_GOT_IP = 3
    WLAN = FakeWLAN
    host = None

    @staticmethod
    def hostname(name):
        FakeNetwork.host = name


def with_network(f):
    def test():
        sys.modules['network'] = FakeNetwork
        try:
            f()
        finally:
            del sys.modules['network']
    return test


@with_network
def test_connect_wifi():
    FakeWLAN.joins = 0
    assert board.connect_wifi('home', 'pw', hostname='dev') == '10.0.0.7'
    assert FakeWLAN.joins == 1 and FakeNetwork.host == 'dev'


@with_network
def test_wrong_password_and_missing_network_say_why():
    FakeWLAN.joins = 0
    exc = raises(board.WifiError, board.connect_wifi, 'home', 'bad',
                 retries=2, timeout=1)
    assert 'wrong password' in str(exc) and 'bad' not in str(exc)
    assert FakeWLAN.joins == 2
    exc = raises(board.WifiError, board.connect_wifi, 'cafe', 'x',
                 retries=1, timeout=1)
    assert 'no access point' in str(exc)


@with_network
def test_settings_from_json_and_secrets():
    with open('_wifi_test.json', 'w') as f:
        json.dump({'ssid': 'home', 'password': 'pw'}, f)
    try:
        assert board.wifi_config('_wifi_test.json') == ('home', 'pw')
        assert board.connect_wifi(config='_wifi_test.json') == '10.0.0.7'
        with open('_wifi_test.json', 'w') as f:
            f.write('{"name": 1}')
        raises(board.WifiError, board.wifi_config, '_wifi_test.json')
    finally:
        os.remove('_wifi_test.json')
    exc = raises(board.WifiError, board.wifi_config, '_missing.json')
    assert 'secrets.py' in str(exc)


def test_announce_and_selftest():
    assert board.announce('10.0.0.7', 8080) == 'http://10.0.0.7:8080/'
    r = board.selftest(verbose=False)
    import hashlib
    assert r['features']['asyncio']
    assert r['features']['sha1'] == hasattr(hashlib, 'sha1')
    assert r['ok'] == (r['missing'] == [])
    assert ('sha1' in r['missing']) != r['features']['sha1']
    import microdot
    assert r['microdot'] == microdot.__version__


class FakePPPBase:
    def connect(self):
        self.polls = 0


class FakePPP(FakePPPBase):
    # MicroPython's network.PPP, as far as connect_ppp uses it: the peer
    # answers (or not) after a few polls
    answers = True

    def __init__(self, stream):
        self.stream = stream
        self.polls = 0
        self.closed = False

    def isconnected(self):
        self.polls += 1
        return self.answers and self.polls > 2

    def disconnect(self):
        self.closed = True

    def ifconfig(self):
        return ('10.5.0.6', '255.255.255.255', '10.5.0.5', '0.0.0.0')

    def status(self):
        return 0 if self.closed else 4


class FakeUART:
    def __init__(self, n, baudrate, **kw):
        self.n, self.baudrate, self.kw = n, baudrate, kw

    def __repr__(self):
        return 'UART(%d)' % self.n


class FakeMachine:
    UART = FakeUART


def with_ppp(f):
    def test():
        FakeNetwork.PPP = FakePPP
        sys.modules['machine'] = FakeMachine
        try:
            with_network(f)()
        finally:
            del FakeNetwork.PPP
            del sys.modules['machine']
            board._links.clear()
    return test


@with_ppp
def test_connect_ppp_over_a_uart_number_or_object():
    assert board.connect_ppp(0, 9600, tx=4) == '10.5.0.6'
    ppp = board._links[-1]  # kept, so no garbage collection closes it
    assert (ppp.stream.n, ppp.stream.baudrate) == (0, 9600)
    assert ppp.stream.kw == {'tx': 4, 'rxbuf': 1024}
    u = FakeUART(1, 115200)
    assert board.connect_ppp(u) == '10.5.0.6'
    assert board._links == [board._links[-1]], 'the old link released'
    assert ppp.closed and board._links[-1].stream is u


@with_ppp
def test_connect_ppp_without_a_peer_says_so():
    FakePPP.answers = False
    try:
        exc = raises(board.PPPError, board.connect_ppp, 1, timeout=0.3)
    finally:
        FakePPP.answers = True
    assert 'no PPP peer answered on UART(1)' in str(exc)
    assert board._links == []


@with_ppp
def test_connect_ppp_when_the_stack_has_no_link_left():
    def refuse(self):
        raise OSError('pppos_create failed')
    FakePPP.connect = refuse
    try:
        exc = raises(board.PPPError, board.connect_ppp, 0)
    finally:
        del FakePPP.connect
    assert 'earlier link' in str(exc) and 'machine.reset()' in str(exc)
    assert board._links == []


class IrqUART(FakeUART):
    IRQ_RXIDLE = 8

    def irq(self, handler, trigger):
        self.handler, self.trigger = handler, trigger


class FakePPPLock:
    # our rp2 images' _ppp_lock module: poll(ppp) under lwIP's lock
    polled = []

    @staticmethod
    def poll(ppp):
        FakePPPLock.polled.append(ppp)


@with_ppp
def test_connect_ppp_polls_under_the_lock_where_the_image_has_it():
    u = IrqUART(0, 115200)
    sys.modules['_ppp_lock'] = FakePPPLock
    try:
        assert board.connect_ppp(u) == '10.5.0.6'
    finally:
        del sys.modules['_ppp_lock']
    assert u.trigger == IrqUART.IRQ_RXIDLE
    u.handler(u)  # the UART's receive interrupt
    assert FakePPPLock.polled == [board._links[-1]]
    # other firmware: PPP's own handler stays
    u = IrqUART(0, 115200)
    assert board.connect_ppp(u) == '10.5.0.6'
    assert not hasattr(u, 'handler')


@with_network
def test_connect_ppp_on_firmware_without_ppp():
    exc = raises(board.PPPError, board.connect_ppp)
    assert 'no network.PPP' in str(exc)


@with_ppp
def test_connect_picks_ppp_when_configured_else_wifi():
    with open('_ppp_test.json', 'w') as f:
        json.dump({'uart': 1, 'baudrate': 57600}, f)
    with open('_wifi_test.json', 'w') as f:
        json.dump({'ssid': 'home', 'password': 'pw'}, f)
    try:
        assert board.connect('_ppp_test.json') == '10.5.0.6'
        assert board._links[-1].stream.baudrate == 57600
        assert board.connect('_none.json', '_wifi_test.json') == '10.0.0.7'
        with open('_ppp_test.json', 'w') as f:
            f.write('{bad')
        raises(board.PPPError, board.connect, '_ppp_test.json')
    finally:
        os.remove('_ppp_test.json')
        os.remove('_wifi_test.json')
