"""An emulated Raspberry Pi Pico W running the real firmware image: the
rp2040js emulator (tests/rp2js/board.mjs) with the image in its flash, its
USB serial console on a pseudo-terminal that mpremote and pyserial open as
they would a board's, and UART0 carrying PPP to a peer on this side
(ppp_peer.py), whose TUN device sits in a network namespace of the run's
own.  The board gets its own address there, behind a router:

    host (pytest) --veth-- namespace --TUN/PPP-- UART0 of the emulated board

Run one by hand (root) and talk to it with mpremote:

    RP2040_BOOTROM=bootrom-b1.bin python3 tests/hil/emulated_board.py \\
        firmware/build/RPI_PICO_W/firmware.uf2
"""
import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JS = os.path.join(ROOT, 'tests', 'rp2js')
sys.path.insert(0, HERE)

import ppp_peer  # noqa: E402
from netns import Namespace, run  # noqa: E402
from virtual_board import run_until_interrupted, tty_raw  # noqa: E402


def find_bootrom():
    path = os.environ.get('RP2040_BOOTROM')
    if not path:
        raise RuntimeError('set RP2040_BOOTROM to the RP2040 B1 boot ROM '
                           '(16 KB, from raspberrypi/pico-bootrom)')
    if not os.path.exists(path):
        raise RuntimeError('RP2040_BOOTROM=%s: no such file' % path)
    return path


def ensure_rp2040js():
    """node, and rp2040js installed beside board.mjs (npm ci once)."""
    node = shutil.which('node')
    if not node:
        raise RuntimeError('the emulated board needs Node.js (node) for '
                           'rp2040js')
    if not os.path.isdir(os.path.join(JS, 'node_modules', 'rp2040js')):
        if not shutil.which('npm'):
            raise RuntimeError('the emulated board needs npm to install '
                               'rp2040js')
        subprocess.run(['npm', 'ci', '--silent', '--no-audit', '--no-fund'],
                       cwd=JS, check=True, timeout=600)
    return node


class EmulatedBoard:
    """``start()`` boots it; then ``port`` is the console's pty and ``ip``
    the board's address once ``connect_ppp()`` has run on it."""

    name = 'rp2040js'
    network = 'ppp'
    # the 1 MB cases: the download is whole; the upload is stored on the
    # board, whose filesystem (as on a real Pico W) is 848 KB in all
    sizes = {'upload': (512 * 1024, 'the Pico W\'s filesystem holds '
                        '848 KB')}

    def __init__(self, image, bootrom=None, flash_state=None,
                 log=None):
        self.image = image
        self.bootrom = bootrom
        self.flash_state = flash_state
        self.port = None
        self.ip = None
        self.netns = None
        self.child = None
        self.link = None
        self.tun = None
        self.log = log or sys.stderr
        self._threads = []
        self._stop = False
        self._seen = b''
        self._usb = threading.Event()
        self._prompt = threading.Event()

    def start(self, boot_timeout=180):
        if not os.path.exists(self.image):
            raise RuntimeError('no firmware image %s: make firmware '
                               'BOARD=RPI_PICO_W MICROPY_DIR=...' % self.image)
        self.bootrom = self.bootrom or find_bootrom()
        node = ensure_rp2040js()
        if os.geteuid() != 0 or not os.path.exists('/dev/net/tun'):
            raise RuntimeError('the emulated board\'s network needs root '
                               'and /dev/net/tun (a TUN device in a network '
                               'namespace)')
        self._network()
        line, board_end = socket.socketpair()
        self.link = ppp_peer.Link(line, self.tun, self.ppp_local,
                                  self.ppp_board)
        # listening before the board boots: lwIP asks only once
        self.link.start()
        master, slave = pty.openpty()
        tty_raw(slave)
        tty_raw(master)
        self._host_slave = slave  # kept open: the pty lives while we do
        self._master = master
        self.port = os.ttyname(slave)
        cmd = [node, os.path.join(JS, 'board.mjs'), '--bootrom',
               self.bootrom, '--image', self.image, '--uart-fd',
               str(board_end.fileno())]
        if self.flash_state:
            cmd += ['--flash-state', self.flash_state]
        self.child = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, pass_fds=(board_end.fileno(),),
            start_new_session=True)
        board_end.close()
        self._line = line
        for target in (self._to_console, self._from_console,
                       self._diagnostics):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self._threads.append(t)
        self._wait_for_repl(boot_timeout)
        return self

    def _wait_for_repl(self, timeout):
        """Until the board's REPL answers on the console (the first boot
        formats the filesystem, which takes a while in the emulator)."""
        t0 = time.time()
        if not self._usb.wait(timeout):
            self.stop()
            raise RuntimeError('the emulated board\'s USB serial port did '
                               'not come up within %d s' % timeout)
        while not self._prompt.wait(2):
            if time.time() - t0 > timeout or self.child.poll() is not None:
                tail = self._seen[-500:].decode(errors='replace')
                self.stop()
                raise RuntimeError('no REPL prompt from the emulated board '
                                   'within %d s; it printed: %r' % (
                                       timeout, tail))
            self.child.stdin.write(b'\r\n')
            self.child.stdin.flush()
        self.boot_seconds = time.time() - t0

    def link_stats(self):
        if not self.link:
            return None
        st = dict(self.link.stats)
        st['dropped_frames'] = self.link.peer.deframer.dropped
        return st

    def _network(self):
        ns = Namespace('mdrp', 215).create()
        self.netns = ns
        base = ns.ns_ip.rpartition('.')[0]
        self.ppp_local, self.ppp_board = base + '.5', base + '.6'
        tun_name = ns.name + 'p'
        try:
            self.tun = ppp_peer.open_tun(tun_name)
            run(['ip', 'link', 'set', tun_name, 'netns', ns.name])
            ns.ip('addr', 'add', self.ppp_local, 'peer', self.ppp_board,
                  'dev', tun_name)
            ns.ip('link', 'set', tun_name, 'up')
            run(['ip', 'netns', 'exec', ns.name, 'sysctl', '-qw',
                 'net.ipv4.ip_forward=1'])
            run(['ip', 'route', 'replace', self.ppp_board + '/32', 'via',
                 ns.ns_ip])
        except (OSError, subprocess.CalledProcessError) as exc:
            self.stop()
            raise RuntimeError('cannot set up the PPP network: %s %s' % (
                exc, getattr(exc, 'stderr', b'') or b''))
        self.ip = self.ppp_board

    # --- the console: pty <-> the emulator's stdin/stdout ---

    def _to_console(self):
        while not self._stop:
            r, _, _ = select.select([self._master], [], [], 0.2)
            if not r:
                continue
            try:
                data = os.read(self._master, 4096)
            except OSError:
                break
            try:
                self.child.stdin.write(data)
                self.child.stdin.flush()
            except (OSError, ValueError):
                break

    def _from_console(self):
        out = self.child.stdout
        while not self._stop:
            data = out.read1(4096) if hasattr(out, 'read1') else out.read(1)
            if not data:
                break
            if not self._prompt.is_set():
                self._seen += data
                if b'>>> ' in self._seen:
                    self._prompt.set()
            try:
                os.write(self._master, data)
            except OSError:
                break

    def _diagnostics(self):
        for line in self.child.stderr:
            if b'usb serial connected' in line:
                self._usb.set()
            self.log.write(line.decode(errors='replace'))
            self.log.flush()

    # --- the link, for cases that take it away ---

    def link_down(self):
        """The peer goes silent, as a pulled cable or a dead modem."""
        self.link.pause()

    def link_up(self):
        self.link.resume()

    def stop(self):
        self._stop = True
        if self.link:
            self.link.close()
            self.link = None
        if self.child and self.child.poll() is None:
            self.child.send_signal(signal.SIGTERM)
            try:
                self.child.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.child.pid, signal.SIGKILL)
                self.child.wait()
        for t in self._threads:
            t.join(2)
        for name in ('_master', '_host_slave', 'tun'):
            fd = getattr(self, name, None)
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
                setattr(self, name, None)
        if getattr(self, '_line', None):
            self._line.close()
            self._line = None
        if self.netns:
            if self.ip:
                run(['ip', 'route', 'del', self.ip + '/32'], check=False)
            self.netns.delete()
            self.netns = None


if __name__ == '__main__':
    board = EmulatedBoard(sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, 'firmware', 'build', 'RPI_PICO_W', 'firmware.uf2')).start()
    print('emulated Pico W on %s; after microdot.board.connect_ppp() it is '
          'at %s' % (board.port, board.ip))
    run_until_interrupted(board)
