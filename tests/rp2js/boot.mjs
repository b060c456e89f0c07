// Boot an RP2040 firmware image (UF2) in the rp2040js emulator, type
// commands at the MicroPython REPL on its USB serial port, and pass when
// an expected line appears.
//
//   node boot.mjs --bootrom B1.bin --image firmware.uf2 \
//       --run "import microdot.board; microdot.board.selftest()" \
//       --expect MICRODOT-SELFTEST [--timeout 120]
//
// The bootrom is the RP2040's mask ROM (revision B1), built from
// raspberrypi/pico-bootrom; it is not part of this project.
import { readFileSync } from 'node:fs';
import { Simulator, USBCDC, ConsoleLogger, LogLevel } from 'rp2040js';
import { loadImage } from './image.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) {
    if (fallback === undefined) {
      console.error(`missing --${name}`);
      process.exit(2);
    }
    return fallback;
  }
  return process.argv[i + 1];
}

const bootrom = readFileSync(option('bootrom'));
const image = readFileSync(option('image'));
const commands = option('run', '').split('\n').filter((c) => c);
const expect = option('expect', '>>> ');
const timeout = Number(option('timeout', '120'));

const simulator = new Simulator();
const mcu = simulator.rp2040;
mcu.loadBootrom(new Uint32Array(bootrom.buffer, bootrom.byteOffset,
                                bootrom.length / 4));
mcu.logger = new ConsoleLogger(LogLevel.Error);

try {
  loadImage(mcu.flash, image);
} catch (err) {
  console.error(err.message);
  process.exit(2);
}

const cdc = new USBCDC(mcu.usbCtrl);
let output = '';
let line = '';
let sent = false;
let failed = false;

function type(text) {
  for (const byte of Buffer.from(text)) {
    cdc.sendSerialByte(byte);
  }
}

cdc.onDeviceConnected = () => type('\r\n');
cdc.onSerialData = (data) => {
  const text = Buffer.from(data).toString('latin1');
  process.stdout.write(text);
  output += text;
  for (const ch of text) {
    if (ch === '\n') {
      if (sent && line.startsWith('Traceback')) {
        failed = true;
      }
      if (sent && line.includes(expect)) {
        console.log('\nBOOT-TEST PASSED: found ' + JSON.stringify(expect));
        process.exit(0);
      }
      line = '';
    } else {
      line += ch;
    }
  }
  if (failed && line === '>>> ') {
    console.log('\nBOOT-TEST FAILED: the command raised');
    process.exit(1);
  }
  if (!sent && output.includes('>>> ')) {
    sent = true;
    for (const c of commands) {
      type(c + '\r');
    }
    if (!commands.length && expect === '>>> ') {
      console.log('\nBOOT-TEST PASSED: REPL prompt');
      process.exit(0);
    }
  }
};

setTimeout(() => {
  console.log(`\nBOOT-TEST FAILED: ${JSON.stringify(expect)} not seen in ${timeout} s`);
  process.exit(1);
}, timeout * 1000);

mcu.core.PC = 0x10000000;
simulator.execute();
