"""Hardware-in-the-loop suite: a board on a serial port (or the virtual
board, or the emulated Pico W), its network, an app on it, and HTTP
against the address it reports.

Backends (``--hil-backend``):
  virtual    the unix port behind a pty, a stand-in Wi-Fi (CI)
  rp2040js   the real Pico W image in the rp2040js emulator, online over
             PPP on UART0 through a peer on this machine (root)
  esp32-qemu the real ESP32 image flashed with esptool into QEMU, online
             over its Wi-Fi model, reached through a forward on 127.0.0.1
  serial     a board on a serial port, on its Wi-Fi

Options (each with an environment variable as its default):

  --hil-backend NAME       HIL_BACKEND    (virtual)
  --hil-port PORT          HIL_PORT       device path or pyserial URL
                                          (socket://host:port, rfc2217://)
  --hil-board NAME         HIL_BOARD      board name (RPI_PICO_W...)
  --hil-firmware FILE      HIL_FIRMWARE   flash this image first (rp2040js:
                                          the image to load; by default
                                          firmware/build/<board>/firmware.uf2;
                                          esp32-qemu: the image make flash
                                          writes, by default firmware.bin)
  --hil-wifi-ssid SSID     HIL_WIFI_SSID
  --hil-wifi-psk PSK       HIL_WIFI_PSK   (environment only; never logged)
  --hil-netns auto|on|off  HIL_NETNS      virtual board's own address (auto)
  --hil-heap SIZE          HIL_HEAP       virtual board's heap (192k)

Markers: ``hil`` (every test here), ``hardware_only`` (skipped on the
virtual and emulated boards, with the reason), ``boards('RPI_PICO_W',
...)`` (only on those boards), ``network('wifi')`` / ``network('ppp')``
(only where the board gets online that way).
"""
import json
import os
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REPORTS = os.path.join(HERE, 'reports')
sys.path.insert(0, HERE)

from device import Device  # noqa: E402
from emulators import flash_command  # noqa: E402


def pytest_addoption(parser):
    g = parser.getgroup('hil', 'hardware-in-the-loop')
    env = os.environ.get
    g.addoption('--hil-backend', default=env('HIL_BACKEND', 'virtual'),
                choices=('virtual', 'rp2040js', 'esp32-qemu', 'serial'))
    g.addoption('--hil-port', default=env('HIL_PORT'))
    g.addoption('--hil-board', default=env('HIL_BOARD'))
    g.addoption('--hil-firmware', default=env('HIL_FIRMWARE'))
    g.addoption('--hil-wifi-ssid', default=env('HIL_WIFI_SSID'))
    g.addoption('--hil-wifi-psk', default=env('HIL_WIFI_PSK'),
                help='better set HIL_WIFI_PSK in the environment')
    g.addoption('--hil-netns', default=env('HIL_NETNS', 'auto'),
                choices=('auto', 'on', 'off'))
    g.addoption('--hil-heap', default=env('HIL_HEAP', '192k'))


def pytest_configure(config):
    config.addinivalue_line('markers', 'hil: hardware-in-the-loop test')
    config.addinivalue_line('markers', 'hardware_only: needs a physical '
                            'board (skipped on the virtual board)')
    config.addinivalue_line('markers', 'boards(*names): only on these '
                            'boards')
    config.addinivalue_line('markers', 'network(kind): only where the '
                            'board gets online that way (wifi, ppp)')


def board_name(config):
    backend = config.getoption('hil_backend')
    if backend == 'virtual':
        return 'VIRTUAL'
    if backend == 'rp2040js':
        return config.getoption('hil_board') or 'RPI_PICO_W'
    if backend == 'esp32-qemu':
        return config.getoption('hil_board') or 'ESP32_GENERIC'
    return config.getoption('hil_board') or 'UNKNOWN'


def network_kind(config):
    return 'ppp' if config.getoption('hil_backend') == 'rp2040js' else 'wifi'


def pytest_collection_modifyitems(config, items):
    name = board_name(config)
    backend = config.getoption('hil_backend')
    for item in items:
        item.add_marker('hil')
        if item.get_closest_marker('hardware_only') and backend != 'serial':
            item.add_marker(pytest.mark.skip(
                reason='needs a physical board: the %s board cannot '
                'prove it' % ('virtual' if backend == 'virtual'
                              else 'emulated')))
        m = item.get_closest_marker('network')
        if m and network_kind(config) not in m.args:
            item.add_marker(pytest.mark.skip(
                reason='needs a board online over %s (this one uses %s)' % (
                    ' or '.join(m.args), network_kind(config))))
        m = item.get_closest_marker('boards')
        if m and name not in m.args:
            item.add_marker(pytest.mark.skip(
                reason='only on %s (this is %s)' % (', '.join(m.args),
                                                    name)))


def _flash(config, port):
    firmware = config.getoption('hil_firmware')
    board = config.getoption('hil_board')
    if not firmware:
        return
    if not board:
        pytest.exit('--hil-firmware needs --hil-board (HIL_BOARD) to know '
                    'how to flash', 2)
    out = os.path.join(ROOT, 'firmware', 'build', board)
    os.makedirs(out, exist_ok=True)
    # make flash takes the image from firmware/build/<BOARD>
    target = os.path.join(out, os.path.basename(firmware))
    if os.path.abspath(firmware) != os.path.abspath(target):
        import shutil
        shutil.copy(firmware, target)
    r = subprocess.run(flash_command(ROOT, board, port))
    if r.returncode:
        pytest.exit('flashing %s failed (see above)' % board, 2)
    time.sleep(3)  # the board reboots and its USB port comes back


@pytest.fixture(scope='session')
def board(request):
    """The board for the whole run: the virtual one started, or the
    physical one flashed (if asked) and its serial port opened."""
    config = request.config
    os.makedirs(REPORTS, exist_ok=True)
    vb = None
    backend = config.getoption('hil_backend')
    if backend in ('rp2040js', 'esp32-qemu'):
        vb = _emulated(config)
        port = vb.port
    elif backend == 'virtual':
        from virtual_board import VirtualBoard
        vb = VirtualBoard(heap=config.getoption('hil_heap'),
                          ssid=config.getoption('hil_wifi_ssid') or
                          'hil-network',
                          psk=config.getoption('hil_wifi_psk') or
                          'hil-password',
                          netns=config.getoption('hil_netns'))
        try:
            vb.start()
        except RuntimeError as exc:
            pytest.skip(str(exc))
        port = vb.port
    else:
        port = config.getoption('hil_port')
        if not port:
            pytest.exit('the serial backend needs --hil-port (HIL_PORT): '
                        'the board\'s serial device or a pyserial URL', 2)
        _flash(config, port)
    try:
        dev = Device(port, board_name(config))
    except RuntimeError as exc:
        if vb:
            vb.stop()
        pytest.exit(str(exc), 2)
    dev.backend = vb  # None for a board on a bench
    setup = getattr(vb, 'console_setup', None)
    if setup:  # what the backend's board needs before the cases
        dev.exec(setup)
    dev.virtual = vb if backend == 'virtual' else None
    dev.network = network_kind(config)
    dev.info_start = _info(dev)
    yield dev
    try:
        dev.info_end = _info(dev)
    except Exception:
        dev.info_end = None
    config._hil_summary = _summary(dev)
    dev.close()
    if vb:
        vb.stop()


def _emulated(config):
    board = board_name(config)
    log = open(os.path.join(REPORTS, 'emulator-%s.log' % board), 'w')
    if config.getoption('hil_backend') == 'esp32-qemu':
        from esp32_qemu import Esp32Qemu
        eb = Esp32Qemu(board, image=config.getoption('hil_firmware'),
                       log=log)
    else:
        from emulated_board import EmulatedBoard
        image = config.getoption('hil_firmware') or os.path.join(
            ROOT, 'firmware', 'build', board, 'firmware.uf2')
        eb = EmulatedBoard(image, log=log)
    try:
        eb.start()
    except RuntimeError as exc:
        eb.stop()
        pytest.skip('emulated %s: %s' % (board, exc))
    return eb


def _info(dev):
    out = dev.exec('import sys, gc\ngc.collect()\n'
                   'print(repr((sys.implementation.version, '
                   'getattr(sys.implementation, "_machine", ""), '
                   'gc.mem_free())))', timeout=20)
    version, machine, free = eval(out.strip())
    return {'micropython': '.'.join(str(v) for v in version[:3]),
            'machine': machine, 'mem_free': free}


def _summary(dev):
    lines = ['board: %s on %s' % (dev.name, dev.port)]
    if dev.backend:
        lines.append('%s board address: %s' % (dev.backend.name,
                                               dev.backend.ip))
        for what in ('flash', 'boot'):
            seconds = getattr(dev.backend, what + '_seconds', None)
            if seconds is not None:
                lines.append('%s: %.1f s' % (what, seconds))
    link = getattr(dev.backend, 'link_stats', None)
    if link:
        lines.append('PPP link: %s' % link())
    s, e = dev.info_start, getattr(dev, 'info_end', None)
    lines.append('firmware: MicroPython %s, %s' % (s['micropython'],
                                                   s['machine']))
    lines.append('free RAM at start: %d' % s['mem_free'])
    if e:
        lines.append('free RAM at end: %d' % e['mem_free'])
    text = '\n'.join(lines)
    with open(os.path.join(REPORTS, 'summary-%s.txt' % dev.name), 'w') as f:
        f.write(text + '\n')
    with open(os.path.join(REPORTS, 'serial-%s.log' % dev.name), 'w') as f:
        f.write(dev.serial_log())
    return text


def pytest_terminal_summary(terminalreporter, config):
    text = getattr(config, '_hil_summary', None)
    if text:
        terminalreporter.section('hardware-in-the-loop')
        terminalreporter.write_line(text)


@pytest.fixture(scope='session')
def repl(board):
    """The board's raw REPL (``exec``, ``eval``, ``put``)."""
    return board


@pytest.fixture(scope='session')
def wifi_settings(request, board):
    """(ssid, password): the run's, else the backend's own network (the
    emulated ESP32's open access point), else the virtual board's."""
    c = request.config
    own = (getattr(board.backend, 'ssid', None),
           getattr(board.backend, 'psk', None))
    if own[0] is not None:
        return (c.getoption('hil_wifi_ssid') or own[0],
                c.getoption('hil_wifi_psk') or own[1])
    return (c.getoption('hil_wifi_ssid') or 'hil-network',
            c.getoption('hil_wifi_psk') or 'hil-password')


PPP_CONFIG = {'uart': 0, 'baudrate': 115200}


@pytest.fixture(scope='session')
def network(repl, wifi_settings):
    """Get the board online the way it is set up (Wi-Fi from wifi.json, or
    PPP from ppp.json) and return its IP address; on failure the test
    fails with the reason (the WLAN status, never the password)."""
    ssid, psk = wifi_settings
    repl.put('wifi.json', json.dumps({'ssid': ssid,
                                      'password': psk}).encode())
    if repl.network == 'ppp':
        # main.py brings the link up after its soft reset: a link opened
        # here would not survive it (MicroPython 1.28 loses lwIP's one PPP
        # link when a soft reset finalises it while open)
        repl.put('ppp.json', json.dumps(PPP_CONFIG).encode())
        return repl.backend.ip
    else:
        repl.exec('import os\ntry:\n    os.remove("ppp.json")\n'
                  'except OSError:\n    pass')
    try:
        out = repl.exec('from microdot.board import connect\n'
                        'print("IP", connect())', timeout=60)
    except RuntimeError as exc:
        msg = str(exc)
        pytest.fail('getting online failed: %s' % (
            msg.replace(psk, '***') if psk else msg))
    return out.split('IP', 1)[1].strip()


@pytest.fixture(scope='session')
def wifi(network):
    return network


def _size(board, case):
    """1 MB, or what the backend says this case can have (the reason
    printed): a board whose filesystem is smaller, a slow link."""
    size, reason = getattr(board.backend, 'sizes', {}).get(
        case, (1024 * 1024, None))
    if reason:
        print('%s size %d bytes, not 1 MB: %s' % (case, size, reason))
    return size


@pytest.fixture
def upload_size(board):
    return _size(board, 'upload')


@pytest.fixture
def download_size(board):
    return _size(board, 'download')


APP_DIR = os.path.join(HERE, 'app')


@pytest.fixture(scope='session')
def tls_files(tmp_path_factory):
    """A self-signed test certificate and its key (EC P-256, DER), made
    for the run with openssl: (cert, key) bytes, or the reason there are
    none."""
    import shutil
    if not shutil.which('openssl'):
        return 'needs openssl to make a test certificate'
    d = tmp_path_factory.mktemp('tls')
    key, cert = str(d / 'key.der'), str(d / 'cert.der')
    try:
        subprocess.run(['openssl', 'req', '-x509', '-newkey', 'ec',
                        '-pkeyopt', 'ec_paramgen_curve:prime256v1',
                        '-nodes', '-days', '2', '-subj', '/CN=hil-board',
                        '-keyout', str(d / 'key.pem'), '-out',
                        str(d / 'cert.pem')], check=True,
                       capture_output=True)
        subprocess.run(['openssl', 'x509', '-in', str(d / 'cert.pem'),
                        '-outform', 'DER', '-out', cert], check=True,
                       capture_output=True)
        subprocess.run(['openssl', 'pkey', '-in', str(d / 'key.pem'),
                        '-outform', 'DER', '-out', key], check=True,
                       capture_output=True)
    except subprocess.CalledProcessError as exc:
        return 'openssl could not make a test certificate: %s' % (
            exc.stderr.decode(errors='replace').strip()[-200:])
    with open(cert, 'rb') as c, open(key, 'rb') as k:
        return c.read(), k.read()


def _setup_tls(board, tls_files, own_address):
    """Put the certificate on the board and ask the app for HTTPS; the
    port, or the reason there is no HTTPS."""
    if isinstance(tls_files, str):
        return None, tls_files
    try:
        board.exec('import ssl\nssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)')
    except RuntimeError:
        return None, 'this image has no ssl module (server side)'
    port = getattr(board.backend, 'tls_port', None) or (
        443 if own_address else 8443)
    board.put('cert.der', tls_files[0])
    board.put('key.der', tls_files[1])
    board.put('tls.json', json.dumps({'port': port, 'cert': 'cert.der',
                                      'key': 'key.der'}).encode())
    return port, None


@pytest.fixture(scope='session')
def app(board, network, tls_files):
    """Upload the test app (main.py, its static files) with the Wi-Fi
    settings, soft reset, wait for its ready line; yield the base URL."""
    board.mkdir('static')
    for name in ('main.py', 'static/index.html'):
        with open(os.path.join(APP_DIR, name), 'rb') as f:
            board.put(name, f.read())
    own_address = board.backend is None or board.backend.netns
    port = getattr(board.backend, 'app_port', None) or (
        80 if own_address else 8765)
    board.put('hil.json', json.dumps({'port': port}).encode())
    tls_port, board.no_tls = _setup_tls(board, tls_files, own_address)
    # the URL the app announces, as this machine reaches it (an emulator's
    # forward on 127.0.0.1 for the board's own address)
    reach = getattr(board.backend, 'public_url', None)
    url = board.start_app(timeout=60, reach=reach)
    board.tls_url = None
    if tls_port:
        from urllib.parse import urlsplit
        tls_url = 'https://%s:%d' % (urlsplit(board.announced).hostname,
                                     tls_port)
        board.tls_url = reach(tls_url) if reach else tls_url
    yield url.rstrip('/')
    board.stop_app()
    board.exec('import os\nfor f in ("main.py", "tls.json"):\n'
               '    try:\n        os.remove(f)\n'
               '    except OSError:\n        pass')


@pytest.fixture
def tls(app, board):
    """The app's HTTPS base URL (its own server, test certificate)."""
    if not board.tls_url:
        pytest.skip(board.no_tls)
    return board.tls_url.rstrip('/')


@pytest.fixture
def http(app):
    """A requests session for the app, with a timeout on every call."""
    requests = pytest.importorskip('requests')

    class Session(requests.Session):
        def request(self, method, url, **kw):
            kw.setdefault('timeout', 30)
            return super().request(method, app + url, **kw)
    s = Session()
    yield s
    s.close()


@pytest.fixture
def slowdown(http):
    """Seconds of this machine's clock that one second of the board's
    takes: 1 for a board, more for an emulator, whose clock follows the
    instructions it has run (rp2040js: 3 to 4 under load).  A case that
    waits here for a timeout the board keeps (its header timeout, a held
    request) waits this much longer."""
    t0 = time.time()
    http.get('/sleep?s=2')
    return max(1.0, (time.time() - t0) / 2)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        dev = getattr(item, 'funcargs', {}).get('board')
        if dev is not None:
            rep.sections.append(('serial log (last 3000 characters)',
                                 dev.serial_log()[-3000:]))
