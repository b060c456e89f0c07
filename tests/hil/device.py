"""The host's side of a board on a serial port: mpremote's transport for
the raw REPL and files, plus a log of everything the board printed, and
the run of an app (soft reset into main.py, wait for its ready line)."""
import os
import re
import threading
import time

# the whole line: a console that delivers a byte at a time (a socket) must
# not yield the URL's first letters
READY = re.compile(rb'MICRODOT-READY (\S+)\r?\n')


class LoggedSerial:
    """The pyserial object mpremote uses, with every byte read kept."""
    def __init__(self, serial, log):
        self._serial = serial
        self._log = log

    def read(self, n=1):
        data = self._serial.read(n)
        self._log.append(data)
        return data

    def __getattr__(self, name):
        return getattr(self._serial, name)


class Device:
    def __init__(self, port, name='board'):
        try:
            from mpremote.transport_serial import SerialTransport
        except ImportError:
            raise RuntimeError('the HIL suite needs mpremote '
                               '(make setup)')
        if '://' not in port and not os.path.exists(port):
            raise RuntimeError('no serial port %s: is the board plugged in '
                               '(and --hil-port / HIL_PORT right)?' % port)
        self.name = name
        self.port = port
        self.log = []
        try:
            self.t = SerialTransport(port, baudrate=115200)
        except Exception as exc:
            raise RuntimeError('cannot open serial port %s: %s' % (port, exc))
        self.t.serial = LoggedSerial(self.t.serial, self.log)
        self._reader = None
        self.url = None
        self.announced = None

    def serial_log(self):
        return b''.join(self.log).decode('utf-8', 'replace')

    # --- raw REPL ---

    def raw(self):
        if self._reader:
            raise RuntimeError('an app is running: stop_app() first')
        if not self.t.in_raw_repl:
            try:
                self.t.enter_raw_repl(soft_reset=False)
            except Exception as exc:
                raise RuntimeError('no raw REPL on %s within the timeout: %s'
                                   % (self.port, exc))
        return self.t

    def exec(self, code, timeout=30):
        t = self.raw()
        t.exec_raw_no_follow(code)
        out, err = t.follow(timeout, None)
        if err:
            raise RuntimeError('board raised:\n' + err.decode(
                'utf-8', 'replace'))
        return out.decode('utf-8', 'replace')

    def eval(self, expr, timeout=30):
        return self.exec('print(repr(%s))' % expr, timeout).strip()

    def put(self, path, data):
        self.raw().fs_writefile(path, data)

    def mkdir(self, path):
        t = self.raw()
        if not t.fs_exists(path):
            t.fs_mkdir(path)

    # --- an app in main.py ---

    def start_app(self, timeout=60, reach=None):
        """Soft reset from the friendly REPL (the board runs boot.py, then
        main.py) and wait for ``MICRODOT-READY <url>``; return the url, or
        ``reach(url)`` where this machine reaches the board some other way
        (a forward); ``announced`` keeps the board's own."""
        t = self.t
        if t.in_raw_repl:
            t.exit_raw_repl()
        mark = len(self.log)
        t.serial.write(b'\x03\x03')
        time.sleep(0.1)
        t.serial.write(b'\x04')  # soft reset, as on a board
        deadline = time.time() + timeout
        seen = b''
        while time.time() < deadline:
            data = t.serial.read(t.serial.in_waiting or 1)
            seen = b''.join(self.log[mark:])
            m = READY.search(seen)
            if m:
                self.announced = m.group(1).decode()
                self.url = reach(self.announced) if reach else self.announced
                break
            if b'Traceback' in seen and seen.rstrip().endswith(b'>>>'):
                break
            if not data:
                time.sleep(0.05)
        else:
            m = None
        if not m:
            raise RuntimeError('the app did not report ready within %d s; '
                               'serial output:\n%s' % (
                                   timeout, seen.decode('utf-8', 'replace')))
        # keep reading what the app prints, so it never blocks on output
        self._stop = False
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()
        self._wait_listening(deadline)
        return self.url

    def _wait_listening(self, deadline):
        # the ready line comes just before app.run() binds its socket: a
        # slow board (the emulated one runs at a third of real speed) may
        # take a moment more to listen, as any client of a board that has
        # just booted finds
        import socket
        from urllib.parse import urlsplit
        # (a forward, an emulator's, accepts at once and hangs up when the
        # board does not: only an answer proves the app listens)
        u = urlsplit(self.url)
        while True:
            try:
                with socket.create_connection((u.hostname, u.port or 80),
                                              timeout=5) as s:
                    s.sendall(b'GET / HTTP/1.0\r\n\r\n')
                    if s.recv(5) == b'HTTP/':
                        return
                raise OSError('no answer')
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError('the app reported ready but does '
                                       'not accept connections at ' +
                                       self.url)
                time.sleep(0.2)

    def _drain(self):
        s = self.t.serial
        while not self._stop:
            try:
                if not s.read(s.in_waiting or 1):
                    time.sleep(0.02)
            except Exception:
                break

    def stop_app(self):
        """Interrupt the app (Ctrl-C) and get back to the REPL."""
        if self._reader:
            self._stop = True
            self._reader.join(3)
            self._reader = None
        t = self.t
        t.in_raw_repl = False
        for _ in range(3):
            t.serial.write(b'\x03')
            time.sleep(0.2)
        t.serial.write(b'\r')
        t.read_until(1, b'>>> ', timeout=10)
        self.url = None

    def close(self):
        if self._reader:
            self.stop_app()
        try:
            self.t.close()
        except Exception:
            pass
