"""Firmware images built by ``make firmware`` from a MicroPython tree,
booted and tested: the unix image runs its self-test, the Pico W image
boots in the rp2040js emulator with microdot frozen in and passes the HIL
suite there (over PPP), the ESP32 image flashed with esptool into QEMU
passes it there (over the emulator's Wi-Fi), and the QEMU image (a
Cortex-M3 board) runs this test suite.

Each test skips, saying what is missing, where the image or the emulator
is not there: CI has no MicroPython tree to build from.
"""
from support import MICROPYTHON

if not MICROPYTHON:
    import json
    import os
    import re
    import shutil
    import subprocess
    import sys
    import pytest

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.dirname(HERE)
    BUILD = os.path.join(ROOT, 'firmware', 'build')

    def image(board, name):
        path = os.path.join(BUILD, board, name)
        if not os.path.exists(path):
            pytest.skip('no %s image: make firmware BOARD=%s '
                        'MICROPY_DIR=<MicroPython v1.28.0 tree>' % (
                            board, board))
        return path

    def selftest_line(output):
        m = re.search(r'MICRODOT-SELFTEST (\{.*\})', output)
        assert m, output[-2000:]
        return json.loads(m.group(1))

    def test_unix_image_selftest():
        mp = image('UNIX', 'micropython')
        out = subprocess.run(
            [mp, '-c', 'import microdot.board as b; b.selftest()'],
            capture_output=True, text=True, timeout=30,
            env=dict(os.environ, MICROPYPATH='.frozen')).stdout
        report = selftest_line(out)
        assert report['ok'] and report['frozen'], report
        assert report['micropython'] == '1.28.0'

    def test_images_have_checksums_and_size_reports():
        boards = [b for b in os.listdir(BUILD)] if os.path.isdir(BUILD) \
            else []
        if not boards:
            pytest.skip('no firmware built (make firmware BOARD=...)')
        import hashlib
        for b in boards:
            sums = os.path.join(BUILD, b, 'SHA256SUMS')
            if not os.path.exists(sums):
                continue
            with open(sums) as f:
                for line in f:
                    digest, name = line.split()
                    with open(os.path.join(BUILD, b, name), 'rb') as img:
                        assert hashlib.sha256(img.read()).hexdigest() == \
                            digest, (b, name)
            with open(os.path.join(BUILD, b, 'size.txt')) as f:
                report = f.read()
            assert 'compiler:' in report and 'frozen modules' in report

    def rp2js():
        """node (rp2040js installed) and the boot ROM, or a skip saying
        which is missing."""
        sys.path.insert(0, os.path.join(HERE, 'hil'))
        from emulated_board import ensure_rp2040js, find_bootrom
        try:
            return ensure_rp2040js(), find_bootrom()
        except RuntimeError as exc:
            pytest.skip(str(exc))

    def test_pico_w_boots_in_rp2js():
        uf2 = image('RPI_PICO_W', 'firmware.uf2')
        node, bootrom = rp2js()
        js = os.path.join(HERE, 'rp2js')
        proc = subprocess.run(
            [node, 'boot.mjs', '--bootrom', bootrom, '--image', uf2,
             '--run', 'import microdot.board; microdot.board.selftest()',
             '--expect', 'MICRODOT-SELFTEST', '--timeout', '120'],
            cwd=js, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stdout[-3000:]
        report = selftest_line(proc.stdout)
        assert report['ok'] and report['frozen'], report
        assert 'Pico W' in report['machine']

    def test_qemu_image_passes_the_suite():
        elf = image('QEMU', 'firmware.elf')
        if not shutil.which('qemu-system-arm'):
            pytest.skip('needs qemu-system-arm (apt-get install '
                        'qemu-system-arm)')
        try:
            from mpremote.transport_serial import SerialTransport
        except ImportError:
            pytest.skip('needs mpremote')
        proc = subprocess.Popen(
            ['qemu-system-arm', '-machine', 'mps2-an385', '-nographic',
             '-monitor', 'null', '-semihosting', '-serial', 'pty',
             '-kernel', elf], stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        out = []
        try:
            line = proc.stdout.readline().decode()
            dev = re.search(r'(/dev/pts/\d+)', line)
            assert dev, line
            t = SerialTransport(dev.group(1), baudrate=115200)
            t.enter_raw_repl(soft_reset=False)
            # the tests, their data and scratch files come from this folder
            # (the examples' tests skip: examples/ is outside the mount)
            t.mount_local(HERE)
            t.exec_raw_no_follow('import mpy_runner; mpy_runner.main([])')
            _, err = t.follow(timeout=600, data_consumer=lambda b: out.append(
                b.decode(errors='replace')))
            out.append(err.decode(errors='replace'))
            t.close()
        finally:
            proc.kill()
            proc.wait()
        text = ''.join(out)
        print(text[-3000:])
        m = re.search(r'(\d+) passed, (\d+) failed, (\d+) skipped', text)
        assert m, text[-3000:]
        passed, failed, _ = (int(x) for x in m.groups())
        fails = [line for line in text.splitlines()
                 if line.startswith('FAIL ')]
        assert failed == 0 and passed >= 50, (m.group(0), fails)

    def hil_suite(backend, board, timeout):
        """The HIL suite against ``backend``: every case passes or skips."""
        proc = subprocess.run(
            [sys.executable, '-m', 'pytest', '-q', '-rfEs', '-p',
             'no:cacheprovider', os.path.join(HERE, 'hil')],
            cwd=ROOT, capture_output=True, text=True, timeout=timeout,
            env=dict(os.environ, HIL_BACKEND=backend, HIL_BOARD=board))
        print(proc.stdout[-3000:])
        assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
        assert ' passed' in proc.stdout and ' failed' not in proc.stdout

    def test_pico_w_image_passes_the_hil_suite_in_rp2js():
        """The shipped Pico W image, in rp2040js, online over PPP: the
        whole HIL suite (``make hil-emulated``), about 6 minutes."""
        image('RPI_PICO_W', 'firmware.uf2')
        rp2js()
        if os.geteuid() != 0 or not os.path.exists('/dev/net/tun'):
            pytest.skip('the emulated board\'s network needs root and '
                        '/dev/net/tun')
        hil_suite('rp2040js', 'RPI_PICO_W', timeout=1800)

    def test_esp32_image_passes_the_hil_suite_in_qemu():
        """The shipped ESP32 image, written by ``make flash`` (esptool)
        into QEMU's ESP32 in download mode, booted on the machine with the
        Wi-Fi model: the whole HIL suite (``make hil-emulated
        BOARD=ESP32_GENERIC``), about 10 minutes.  QEMU: ESP32_QEMU, else
        qemu-system-xtensa on PATH; no root (user-mode networking)."""
        image('ESP32_GENERIC', 'firmware.bin')
        sys.path.insert(0, os.path.join(HERE, 'hil'))
        from esp32_qemu import find_qemu
        try:
            find_qemu()
        except RuntimeError as exc:
            pytest.skip(str(exc))
        hil_suite('esp32-qemu', 'ESP32_GENERIC', timeout=2400)
