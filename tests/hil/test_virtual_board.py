"""The virtual board behaves like a board on a serial port: unmodified
mpremote drives it (exec, raw-paste, files, soft reset into main.py,
Ctrl-C).  Runs with the virtual backend only."""
import os
import shutil
import subprocess
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope='module')
def vboard(request):
    if request.config.getoption('hil_backend') != 'virtual':
        pytest.skip('checks the virtual board itself')
    if not shutil.which('mpremote'):
        pytest.skip('needs the mpremote command')
    from virtual_board import VirtualBoard
    b = VirtualBoard(netns='off')
    try:
        b.start()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield b
    b.stop()


def mpremote(board, *args, timeout=60):
    r = subprocess.run(['mpremote', 'connect', board.port] + list(args),
                       capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, (args, r.stdout, r.stderr)
    return r.stdout


def test_exec_and_eval(vboard):
    out = mpremote(vboard, 'exec', 'import sys; print(sys.platform, 6 * 7)')
    assert out.strip() == 'linux 42'
    assert mpremote(vboard, 'eval', '1 + 1').strip() == '2'


def test_files_and_a_long_script(vboard, tmp_path):
    # a script longer than one raw-paste window
    script = tmp_path / 'long.py'
    script.write_text(''.join('x%d = %d\n' % (i, i) for i in range(400)) +
                      'print("sum", x399)\n')
    assert mpremote(vboard, 'run', str(script)).strip() == 'sum 399'
    src = tmp_path / 'data.txt'
    src.write_bytes(b'board data\n' * 100)
    mpremote(vboard, 'fs', 'cp', str(src), ':data.txt')
    assert os.path.getsize(os.path.join(vboard.flash, 'data.txt')) == 1100
    out = mpremote(vboard, 'fs', 'cat', ':data.txt')
    assert out.count('board data') == 100
    mpremote(vboard, 'fs', 'rm', ':data.txt')
    assert not os.path.exists(os.path.join(vboard.flash, 'data.txt'))


def test_soft_reset_runs_boot_then_main(vboard, tmp_path):
    with open(os.path.join(vboard.flash, 'boot.py'), 'w') as f:
        f.write('print("boot ran")\n')
    with open(os.path.join(vboard.flash, 'main.py'), 'w') as f:
        f.write('import time\nprint("main ran")\n'
                'while True:\n    time.sleep(0.1)\n')
    try:
        import serial
        s = serial.Serial(vboard.port, 115200, timeout=0.2)
        s.write(b'\x03\x03\x02')  # interrupt, friendly REPL
        time.sleep(0.5)
        s.read(10000)
        s.write(b'\x04')  # soft reset: boot.py, then main.py
        out = b''
        deadline = time.time() + 20
        while b'main ran' not in out and time.time() < deadline:
            out += s.read(1000)
        assert b'MPY: soft reboot' in out and b'boot ran' in out
        assert out.index(b'boot ran') < out.index(b'main ran')
        s.write(b'\x03')  # Ctrl-C stops main.py, back to the REPL
        deadline = time.time() + 10
        while not out.rstrip().endswith(b'>>>') and time.time() < deadline:
            out += s.read(1000)
        assert b'KeyboardInterrupt' in out and out.rstrip().endswith(b'>>>')
        s.close()
        # in the raw REPL, a soft reset runs boot.py but not main.py
        out = mpremote(vboard, 'soft-reset', 'exec', 'print("after")')
        assert 'after' in out and 'main ran' not in out
    finally:
        os.remove(os.path.join(vboard.flash, 'boot.py'))
        os.remove(os.path.join(vboard.flash, 'main.py'))


def test_wifi_stand_in_follows_the_wlan_api(vboard):
    out = mpremote(vboard, 'exec', '''
import network, time
w = network.WLAN(network.STA_IF)
w.active(True)
w.connect("hil-network", "nope")
time.sleep(0.5)
print(w.status() == network.STAT_WRONG_PASSWORD, w.isconnected())
w.connect("other", "x")
time.sleep(0.5)
print(w.status() == network.STAT_NO_AP_FOUND)
w.connect("hil-network", "hil-password")
print(w.status() == network.STAT_CONNECTING)
time.sleep(0.5)
print(w.isconnected(), w.ifconfig()[0])
''')
    assert out.split() == ['True', 'False', 'True', 'True', 'True',
                           vboard.ip]


def test_the_quick_start_steps(request, tmp_path):
    """docs/quickstart/virtual.md, command by command: wifi.json and the
    example main.py copied with mpremote, a soft reset from the REPL, the
    ready line, the page."""
    if request.config.getoption('hil_backend') != 'virtual':
        pytest.skip('checks the virtual board itself')
    if not shutil.which('mpremote'):
        pytest.skip('needs the mpremote command')
    import json
    import serial
    import requests
    from virtual_board import VirtualBoard
    b = VirtualBoard(netns=request.config.getoption('hil_netns'))
    try:
        b.start()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        if not b.netns and os.geteuid() != 0:
            pytest.skip('the example serves on port 80: needs root or a '
                        'network namespace')
        wifi = tmp_path / 'wifi.json'
        wifi.write_text(json.dumps({'ssid': 'hil-network',
                                    'password': 'hil-password'}))
        root = os.path.dirname(os.path.dirname(HERE))
        mpremote(b, 'fs', 'cp', str(wifi), ':wifi.json')
        mpremote(b, 'fs', 'cp', os.path.join(root, 'examples', 'board',
                                             'main.py'), ':main.py')
        s = serial.Serial(b.port, 115200, timeout=0.2)
        s.write(b'\x03\x03\x02')
        time.sleep(0.5)
        s.read(10000)
        s.write(b'\x04')  # Ctrl-D at the REPL: soft reset, main.py runs
        out = b''
        deadline = time.time() + 30
        while b'MICRODOT-READY' not in out and time.time() < deadline:
            out += s.read(1000)
        while not out.endswith(b'\n') and time.time() < deadline:
            out += s.read(100)
        assert b'MICRODOT-READY http://%s:80/' % b.ip.encode() in out, out
        r = requests.get('http://%s/' % b.ip, timeout=10)
        assert 'Hello from MicroPython' in r.text
        s.write(b'\x03')
        s.close()
    finally:
        b.stop()
