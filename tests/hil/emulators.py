"""Small pieces the emulated boards and the suite share: free TCP ports,
waiting for a socket, reading a console until a prompt, stopping an
emulator, and the ``make flash`` command line."""
import os
import signal
import socket
import subprocess
import time


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on (now)."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_listening(host, port, timeout, child=None):
    """Until something accepts on host:port (connect, then close);
    RuntimeError if ``child`` exits or time runs out."""
    deadline = time.time() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=2).close()
            return
        except OSError:
            if child is not None and child.poll() is not None:
                raise RuntimeError('the emulator exited (%s) before it '
                                   'listened on %d' % (child.returncode,
                                                       port))
            if time.time() > deadline:
                raise RuntimeError('nothing listens on %s:%d after %d s' % (
                    host, port, timeout))
            time.sleep(0.1)


def read_until(address, marker, timeout, poke=None, alive=None):
    """Connect to a console on ``address`` (retrying until it listens) and
    read until ``marker``, sending ``poke`` every second of silence; return
    what was read.  RuntimeError (with the tail) on timeout or if the
    process ``alive`` exits."""
    deadline = time.time() + timeout
    seen = b''
    s = None
    try:
        while True:
            if alive is not None and alive.poll() is not None:
                raise RuntimeError('the emulator exited (%s); it printed: %r'
                                   % (alive.returncode, seen[-500:]))
            if time.time() > deadline:
                raise RuntimeError('not within %d s; it printed: %r' % (
                    timeout, seen[-500:]))
            if s is None:
                try:
                    s = socket.create_connection(address, timeout=1)
                except OSError:
                    time.sleep(0.1)
                    continue
            try:
                data = s.recv(4096)
            except socket.timeout:
                if poke:
                    s.sendall(poke)
                continue
            if not data:
                raise RuntimeError('the console closed; it printed: %r' %
                                   seen[-500:])
            seen += data
            if marker in seen:
                return seen
    finally:
        if s is not None:
            s.close()


def stop_process(child, wait=10):
    """SIGTERM, then SIGKILL to its process group; None is fine."""
    if child is None or child.poll() is not None:
        return
    child.send_signal(signal.SIGTERM)
    try:
        child.wait(wait)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()


def flash_command(root, board, port, image=None):
    """``make flash`` for a board on ``port`` (a device or a pyserial URL);
    ``image``: another file than the one make firmware left."""
    cmd = ['make', '-C', root, '--no-print-directory', 'flash',
           'BOARD=' + board, 'SERIAL_PORT=' + (port or '')]
    if image:
        cmd.append('FLASH_IMAGE=' + os.path.abspath(image))
    return cmd
