"""An emulated ESP32 running the real firmware image: QEMU's ``esp32``
machine in download mode, flashed by ``make flash`` (esptool, over the
emulated UART0 on a TCP socket, exactly as over a USB-serial chip), then
the flashed image booted on the ``esp32-picsimlab`` machine, whose Wi-Fi
model has a few open access points.  The board joins one with
``microdot.board.connect_wifi()`` (the real ``network.WLAN`` path) and gets
192.168.4.15 behind QEMU's user-mode network; a forward from 127.0.0.1
reaches its port 80:

    host (pytest) -- 127.0.0.1:N --hostfwd-- Wi-Fi model -- 192.168.4.15:80
    mpremote/pyserial -- socket://127.0.0.1:M -- UART0 (the console)

QEMU is the one whose ``qemu-system-xtensa`` has the ``esp32-picsimlab``
machine and the ``esp32_wifi`` NIC model: ``ESP32_QEMU`` names it, else it
is looked up on PATH.  No root is needed (user-mode networking).

Run one by hand and talk to it with mpremote:

    ESP32_QEMU=/path/to/qemu-system-xtensa python3 tests/hil/esp32_qemu.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from emulators import (flash_command, free_port, read_until,  # noqa: E402
                       stop_process, wait_listening)

FLASH_SIZE = 4 * 1024 * 1024
# the Wi-Fi model's network (QEMU's slirp) and the address it gives the
# board's station
NET = '192.168.4.0/24'
GUEST_IP = '192.168.4.15'
# the board's ports the host reaches through forwards: the app's HTTP and
# HTTPS
GUEST_PORT = 80
TLS_PORT = 443
# the model's access points are open: any of PICSimLabWifi, Espressif,
# MasseyWifi; the password is empty
SSID = 'Espressif'
PSK = ''
# ESP32 strapping pins for "download boot" (GPIO0 low): the ROM waits for
# esptool on UART0
DOWNLOAD_STRAP = '0x0f'


def find_qemu(environ=None):
    """qemu-system-xtensa: ``ESP32_QEMU``, else PATH; RuntimeError saying
    what is missing."""
    environ = os.environ if environ is None else environ
    path = environ.get('ESP32_QEMU')
    if path:
        if not os.access(path, os.X_OK):
            raise RuntimeError('ESP32_QEMU=%s: not an executable' % path)
        return path
    path = shutil.which('qemu-system-xtensa', path=environ.get('PATH'))
    if not path:
        raise RuntimeError('no qemu-system-xtensa: set ESP32_QEMU to a QEMU '
                           'with the esp32-picsimlab machine (Wi-Fi model), '
                           'or put it on PATH')
    return path


def has_wifi_machine(machines):
    """True if ``qemu-system-xtensa -machine help`` lists the machine with
    the Wi-Fi model."""
    return any(line.split()[:1] == ['esp32-picsimlab']
               for line in machines.splitlines())


def download_command(qemu, flash, serial_port):
    """QEMU's ESP32 in download mode, UART0 on a TCP port on 127.0.0.1,
    the flash chip backed by ``flash`` (written in place)."""
    return [qemu, '-nographic', '-machine', 'esp32',
            '-drive', 'file=%s,if=mtd,format=raw' % flash,
            '-global', 'driver=esp32.gpio,property=strap_mode,value=' +
            DOWNLOAD_STRAP,
            '-serial', 'tcp:127.0.0.1:%d,server=on,wait=off' % serial_port,
            '-monitor', 'none', '-nic', 'none']


def boot_command(qemu, flash, serial_port, forwards):
    """The flashed image booted normally on the machine with the Wi-Fi
    model; ``forwards`` maps the board's ports to ports on 127.0.0.1.  QEMU
    waits for the console's first client before it starts the CPU, so no
    boot output is lost."""
    nic = 'user,model=esp32_wifi,net=' + NET + ''.join(
        ',hostfwd=tcp:127.0.0.1:%d-%s:%d' % (host, GUEST_IP, guest)
        for guest, host in sorted(forwards.items()))
    return [qemu, '-nographic', '-machine', 'esp32-picsimlab',
            '-drive', 'file=%s,if=mtd,format=raw' % flash,
            '-serial', 'tcp:127.0.0.1:%d,server=on,wait=on' % serial_port,
            '-monitor', 'none', '-nic', nic]


def map_url(url, forwards, guest_ip=GUEST_IP):
    """A URL on the board's own Wi-Fi address as the host reaches it:
    through the forward of its port on 127.0.0.1.  Other URLs are left
    alone (a port that is not forwarded is not reachable either)."""
    u = urlsplit(url)
    port = u.port or {'https': 443, 'wss': 443}.get(u.scheme, 80)
    if u.hostname != guest_ip or port not in forwards:
        return url
    return urlunsplit(u._replace(netloc='127.0.0.1:%d' % forwards[port]))


class Esp32Qemu:
    """``start()`` flashes and boots it; then ``port`` is the console (a
    pyserial URL), ``ip`` the board's own address on its Wi-Fi and
    ``public_url()`` maps the app's announced URL to the forward."""

    name = 'esp32-qemu'
    network = 'wifi'
    netns = None
    ip = GUEST_IP
    ssid, psk = SSID, PSK
    app_port = GUEST_PORT
    tls_port = TLS_PORT
    sizes = {}  # the 1 MB cases fit: the filesystem is 2 MB
    # Wi-Fi power saving off: waking the modem runs PHY code from flash,
    # and in the emulator that can coincide with the other core's flash read
    # (an import, a file) and panic ("Cache disabled but cached memory
    # region accessed"; seen in the 1,000-request case)
    console_setup = ('import network\n'
                     'wlan = network.WLAN(network.STA_IF)\n'
                     'wlan.active(True)\n'
                     'wlan.config(pm=wlan.PM_NONE)\n')
    # what the Wi-Fi model cannot do, by case
    cannot = {'wrong-password': 'the emulator\'s Wi-Fi model has open '
              'access points only: a password is not checked (the station '
              'reports status 210, no AP with compatible security, rather '
              'than a wrong password)'}

    def __init__(self, board='ESP32_GENERIC', image=None, log=None,
                 workdir=None):
        self.board = board
        self.image = image or os.path.join(ROOT, 'firmware', 'build', board,
                                           'firmware.bin')
        self.log = log or sys.stderr
        self.workdir = workdir
        self.child = None
        self.port = None
        self.forwards = {}
        self.flash_seconds = self.boot_seconds = None
        self._tmp = None

    @property
    def host_port(self):
        """Where 127.0.0.1 reaches the board's port 80."""
        return self.forwards.get(GUEST_PORT)

    def public_url(self, url):
        return map_url(url, self.forwards)

    def start(self, boot_timeout=60, flash_timeout=600):
        if not os.path.exists(self.image):
            raise RuntimeError('no firmware image %s: make firmware BOARD=%s '
                               'MICROPY_DIR=...' % (self.image, self.board))
        qemu = find_qemu()
        out = subprocess.run([qemu, '-machine', 'help'], capture_output=True,
                             text=True).stdout
        if not has_wifi_machine(out):
            raise RuntimeError('%s has no esp32-picsimlab machine (the ESP32 '
                               'with the Wi-Fi model)' % qemu)
        if self.workdir is None:
            self._tmp = tempfile.mkdtemp(prefix='esp32-qemu-')
            self.workdir = self._tmp
        flash = os.path.join(self.workdir, 'flash.bin')
        with open(flash, 'wb') as f:
            f.write(b'\xff' * FLASH_SIZE)  # an erased chip
        self._flash(qemu, flash, flash_timeout)
        self._boot(qemu, flash, boot_timeout)
        return self

    def _spawn(self, cmd):
        self.log.write('$ %s\n' % ' '.join(cmd))
        self.log.flush()
        self.child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                      stdout=self.log, stderr=self.log,
                                      start_new_session=True)

    def _flash(self, qemu, flash, timeout):
        """Download mode, then ``make flash`` against its UART: esptool
        writes bootloader, partition table and app as on a board."""
        port = free_port()
        self._spawn(download_command(qemu, flash, port))
        try:
            wait_listening('127.0.0.1', port, 10, self.child)
            t0 = time.time()
            r = subprocess.run(flash_command(
                ROOT, self.board, 'socket://127.0.0.1:%d' % port,
                image=self.image), stdout=self.log, stderr=subprocess.STDOUT,
                timeout=timeout)
            if r.returncode:
                raise RuntimeError('make flash into the emulated ESP32 failed '
                                   '(exit %d; see the emulator log)' %
                                   r.returncode)
            self.flash_seconds = time.time() - t0
        finally:
            stop_process(self.child)
            self.child = None

    def _boot(self, qemu, flash, timeout):
        console = free_port()
        self.forwards = {GUEST_PORT: free_port(), TLS_PORT: free_port()}
        self._spawn(boot_command(qemu, flash, console, self.forwards))
        # the first client the console takes starts the CPU (wait=on):
        # read_until connects as soon as it listens
        t0 = time.time()
        try:
            seen = read_until(('127.0.0.1', console), b'>>> ', timeout,
                              poke=b'\r\n', alive=self.child)
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError('no REPL prompt from the emulated ESP32: %s'
                               % exc)
        self.log.write(seen.decode(errors='replace') + '\n')
        self.log.flush()
        self.boot_seconds = time.time() - t0
        self.port = 'socket://127.0.0.1:%d' % console

    def stop(self):
        stop_process(self.child)
        self.child = None
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = self.workdir = None


if __name__ == '__main__':
    from virtual_board import run_until_interrupted
    board = Esp32Qemu(image=sys.argv[1] if len(sys.argv) > 1
                      else None).start()
    print('emulated ESP32 flashed in %.0f s, booted in %.1f s; console %s; '
          'after microdot.board.connect_wifi(%r, %r) its port 80 is '
          'http://127.0.0.1:%d/' % (board.flash_seconds, board.boot_seconds,
                                    board.port, SSID, PSK, board.host_port))
    run_until_interrupted(board)
