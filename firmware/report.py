"""Size report of a firmware build: image sizes, the frozen modules' bytes,
program flash used and left, and the compiler that made them.

    python3 firmware/report.py BOARD firmware/build/BOARD
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def board_settings(board):
    """The NAME = value settings of boards/<board>/microdot.mk."""
    out = {}
    with open(os.path.join(ROOT, 'boards', board, 'microdot.mk')) as f:
        for line in f:
            m = re.match(r'^([A-Z_]+)\s*=\s*(.*)$', line.strip())
            if m:
                out[m.group(1)] = m.group(2)
    return out


def run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ''


def sections(tool, elf):
    """{section: size} from ``size -A``."""
    out = {}
    for line in run([tool, '-A', elf]).splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


def main(board, out_dir):
    s = board_settings(board)
    port = s['PORT_NAME']
    build = os.path.join(out_dir, 'build')
    # the compiler the port used: the ESP32-S3 has a toolchain of its own
    prefix = '' if port == 'unix' else (
        'xtensa-%s-elf-' % s.get('CHIP', 'esp32') if port == 'esp32'
        else 'arm-none-eabi-')
    size_tool = prefix + 'size'
    cc = (run([prefix + 'gcc', '--version']).splitlines() or ['?'])[0]
    print('board: %s (%s port, upstream %s)' % (board, port,
                                                s['UPSTREAM_BOARD']))
    print('compiler: ' + cc)
    for image in s['IMAGES'].split():
        path = os.path.join(out_dir, image)
        if os.path.exists(path):
            print('image: %s %d bytes' % (image, os.path.getsize(path)))
    mpy_cross = os.environ.get('MPY_CROSS')
    if mpy_cross and os.path.exists(mpy_cross):
        import tempfile
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from manifest_files import paths
        total = 0
        with tempfile.TemporaryDirectory() as tmp:
            for src in paths():
                out = os.path.join(tmp, os.path.basename(src) + '.mpy')
                subprocess.run([mpy_cross, '-o', out, src], check=True)
                total += os.path.getsize(out)
        print('microdot bytecode (.mpy, as frozen): %d bytes' % total)
    frozen = glob.glob(os.path.join(build, '**', 'frozen_content*.o*'),
                       recursive=True)
    if frozen:
        fz = sections(size_tool, frozen[0])
        total = sum(v for k, v in fz.items()
                    if k.startswith(('.text', '.rodata', '.data')))
        print('frozen modules (all, with the port\'s own): %d bytes' % total)
    elf = ([p for p in glob.glob(os.path.join(out_dir, '*.elf'))] or
           [os.path.join(out_dir, 'micropython')])[0]
    sec = sections(size_tool, elf)
    if port == 'esp32':
        esp32_report(build, out_dir)
    elif 'FLASH_APP_KB' in s:
        internal = sum(v for k, v in sec.items() if k in (
            '.isr_vector', '.text', '.data', '.rodata', '.boot2',
            '.binary_info', '.ARM.exidx', '.ARM', '.flash_begin',
            '.flash_end', '.boot_loader', '.embedded_block',
            '.embedded_end_block'))
        bins = [p for p in glob.glob(os.path.join(out_dir, '*.bin'))]
        if port == 'rp2' and bins:
            internal = os.path.getsize(bins[0])
        app = int(s['FLASH_APP_KB']) * 1024
        print('program flash: %d of %d bytes used, %d free (%.1f%%)' % (
            internal, app, app - internal, 100.0 * (app - internal) / app))
    if 'FLASH_EXT_KB' in s:
        ext = sum(v for k, v in sec.items() if k.startswith('.text_ext'))
        extk = int(s['FLASH_EXT_KB']) * 1024
        print('external QSPI flash: %d of %d bytes used, %d free' % (
            ext, extk, extk - ext))


def app_partition(table):
    """(offset, size) of the first app partition of an ESP-IDF partition
    table image (32-byte entries: magic 0xAA50, type, subtype, offset,
    size, label, flags)."""
    for i in range(0, len(table) - 31, 32):
        e = table[i:i + 32]
        if e[:2] != b'\xaa\x50':
            break
        if e[2] == 0:  # type app: factory or ota_0
            return (int.from_bytes(e[4:8], 'little'),
                    int.from_bytes(e[8:12], 'little'))
    return None


def esp32_report(build, out_dir):
    """Program flash of an ESP32 image: the app (micropython.bin) against
    its partition, and where esptool writes each part."""
    import json
    app = os.path.join(out_dir, 'micropython.bin')
    table = os.path.join(build, 'partition_table', 'partition-table.bin')
    if os.path.exists(app) and os.path.exists(table):
        with open(table, 'rb') as f:
            part = app_partition(f.read())
        if part:
            used = os.path.getsize(app)
            print('program flash: %d of %d bytes used, %d free (%.1f%%)' % (
                used, part[1], part[1] - used,
                100.0 * (part[1] - used) / part[1]))
    args = os.path.join(build, 'flasher_args.json')
    if os.path.exists(args):
        with open(args) as f:
            files = json.load(f).get('flash_files', {})
        parts = ', '.join('%s at %s' % (os.path.basename(v), k)
                          for k, v in sorted(files.items(),
                                             key=lambda kv: int(kv[0], 16)))
        first = min(files, key=lambda k: int(k, 16)) if files else None
        print('flash: firmware.bin at %s (it holds %s)' % (first, parts))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
