"""The emulated ESP32 backend's pieces that need no emulator (CI): QEMU
found, its command lines, the URL the host reaches the board at, and the
flash recipe's esptool line for a port with and without reset lines."""
from support import MICROPYTHON

if not MICROPYTHON:
    import os
    import stat
    import subprocess
    import sys

    import pytest

    HERE = os.path.dirname(os.path.abspath(__file__))
    ROOT = os.path.dirname(HERE)
    sys.path.insert(0, os.path.join(HERE, 'hil'))
    import esp32_qemu as q
    from emulators import flash_command

    def test_qemu_from_the_variable_else_path(tmp_path):
        exe = tmp_path / 'qemu-system-xtensa'
        exe.write_text('#!/bin/sh\n')
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
        assert q.find_qemu({'ESP32_QEMU': str(exe)}) == str(exe)
        assert q.find_qemu({'PATH': str(tmp_path)}) == str(exe)
        with pytest.raises(RuntimeError, match='ESP32_QEMU'):
            q.find_qemu({'PATH': str(tmp_path / 'none')})
        with pytest.raises(RuntimeError, match='not an executable'):
            q.find_qemu({'ESP32_QEMU': str(tmp_path / 'missing')})

    def test_the_wifi_machine_is_looked_for():
        listing = ('Supported machines are:\n'
                   'esp32                Espressif ESP32 machine\n'
                   'esp32-picsimlab      Espressif ESP32 machine (PICSimLab)'
                   '\nnone                 empty machine\n')
        assert q.has_wifi_machine(listing)
        assert not q.has_wifi_machine(listing.replace('esp32-picsimlab',
                                                      'esp32s3'))

    def test_download_mode_command():
        cmd = q.download_command('qemu', '/t/flash.bin', 5555)
        line = ' '.join(cmd)
        assert cmd[cmd.index('-machine') + 1] == 'esp32'
        assert 'file=/t/flash.bin,if=mtd,format=raw' in cmd
        # GPIO0 low at reset: the ROM waits for esptool
        assert 'driver=esp32.gpio,property=strap_mode,value=0x0f' in cmd
        assert 'tcp:127.0.0.1:5555,server=on,wait=off' in cmd
        assert '-nic none' in line

    def test_boot_command_forwards_the_boards_port_80():
        cmd = q.boot_command('qemu', '/t/flash.bin', 5556,
                             {80: 18080, 443: 18443})
        assert cmd[cmd.index('-machine') + 1] == 'esp32-picsimlab'
        assert 'strap_mode' not in ' '.join(cmd)
        # the first console client starts the CPU: no boot output lost
        assert 'tcp:127.0.0.1:5556,server=on,wait=on' in cmd
        nic = cmd[cmd.index('-nic') + 1]
        assert nic == ('user,model=esp32_wifi,net=192.168.4.0/24,'
                       'hostfwd=tcp:127.0.0.1:18080-192.168.4.15:80,'
                       'hostfwd=tcp:127.0.0.1:18443-192.168.4.15:443')

    def test_the_announced_url_maps_to_the_forward():
        fw = {80: 18080, 443: 18443}
        assert q.map_url('http://192.168.4.15:80/', fw) == \
            'http://127.0.0.1:18080/'
        assert q.map_url('http://192.168.4.15/', fw) == \
            'http://127.0.0.1:18080/'
        assert q.map_url('https://192.168.4.15/x?y=1', fw) == \
            'https://127.0.0.1:18443/x?y=1'
        # another port or host is not forwarded: left as it is
        assert q.map_url('http://192.168.4.15:8765/', fw) == \
            'http://192.168.4.15:8765/'
        assert q.map_url('http://10.0.0.2:80/', fw) == \
            'http://10.0.0.2:80/'
        b = q.Esp32Qemu()
        b.forwards = {80: 4242}
        assert b.host_port == 4242
        assert b.public_url('http://192.168.4.15:80/') == \
            'http://127.0.0.1:4242/'

    def test_the_backend_says_what_it_offers():
        b = q.Esp32Qemu()
        assert (b.name, b.network, b.ip, b.netns) == (
            'esp32-qemu', 'wifi', '192.168.4.15', None)
        assert (b.ssid, b.psk, b.app_port, b.tls_port) == (
            'Espressif', '', 80, 443)
        assert 'open access points' in b.cannot['wrong-password']
        assert b.image.endswith('firmware/build/ESP32_GENERIC/firmware.bin')
        with pytest.raises(RuntimeError, match='no firmware image'):
            q.Esp32Qemu(image='/nonexistent/firmware.bin').start()

    def test_flash_command():
        assert flash_command('/r', 'ESP32_GENERIC', 'socket://127.0.0.1:9') \
            == ['make', '-C', '/r', '--no-print-directory', 'flash',
                'BOARD=ESP32_GENERIC', 'SERIAL_PORT=socket://127.0.0.1:9']
        assert flash_command('/r', 'B', None, image='x.bin')[-1] == \
            'FLASH_IMAGE=' + os.path.abspath('x.bin')

    def esptool_line(port, tmp_path):
        # make -n with an image in place: the recipe's esptool line
        out = subprocess.run(
            ['make', '-s', '-n', '-C', ROOT, 'flash', 'BOARD=ESP32_GENERIC',
             'SERIAL_PORT=' + port, 'FLASH_IMAGE=' + str(tmp_path / 'f.bin'),
             'SETUP_STAMP='], capture_output=True, text=True)
        return ' '.join(line.strip(' \\') for line in out.stdout.splitlines()
                        if 'esptool' in line or 'write_flash' in line)

    def test_flash_recipe_resets_only_where_there_are_lines(tmp_path):
        (tmp_path / 'f.bin').write_bytes(b'\xff')
        sock = esptool_line('socket://127.0.0.1:5555', tmp_path)
        assert '--before no_reset --after no_reset' in sock, sock
        assert 'write_flash -z 0x1000 ' + str(tmp_path / 'f.bin') in sock
        tty = esptool_line('/dev/ttyUSB0', tmp_path)
        assert '--port /dev/ttyUSB0' in tty and 'no_reset' not in tty, tty
