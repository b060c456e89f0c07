// An emulated Raspberry Pi Pico (W) for the hardware-in-the-loop suite:
// the firmware image loaded into rp2040js's flash, the USB serial console
// on this process's stdin/stdout, and UART0 on a socket inherited as a
// file descriptor (the HIL suite's PPP peer is at its other end).
//
//   node board.mjs --bootrom B1.bin --image firmware.uf2 [--uart-fd 3]
//       [--flash-state FILE] [--flash-size BYTES] [--no-realtime]
//
// SIGUSR1 prints the CPU's registers and the top of its stack, whose words
// include its callers' return addresses (for a board that hangs:
// arm-none-eabi-addr2line -f -e firmware.elf ADDRESS...).
//
// --flash-state keeps the whole flash (image and filesystem) in FILE
// across runs: loaded at start if present, written when the process is
// told to stop (SIGTERM/SIGINT), as a board keeps its flash over a reset.
// Emulated time never runs ahead of the wall clock (unless --no-realtime),
// so the board's timeouts mean what they say to the host.
// Diagnostics go to stderr, one line each, prefixed "rp2js:".
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { Simulator, USBCDC, ConsoleLogger, LogLevel } from 'rp2040js';
import { fixUart, UartFeed, CdcFeed } from './uart.mjs';
import { loadImage } from './image.mjs';
import { attachFlash, SpiFlash } from './flash.mjs';

function option(name, fallback) {
  const i = process.argv.indexOf('--' + name);
  if (i < 0) {
    if (fallback === undefined) {
      console.error(`rp2js: missing --${name}`);
      process.exit(2);
    }
    return fallback;
  }
  return process.argv[i + 1];
}

const say = (text) => process.stderr.write(`rp2js: ${text}\n`);
const flag = (name) => process.argv.includes('--' + name);

const simulator = new Simulator();
const mcu = simulator.rp2040;
const bootrom = readFileSync(option('bootrom'));
mcu.loadBootrom(new Uint32Array(bootrom.buffer, bootrom.byteOffset, bootrom.length / 4));
mcu.logger = new ConsoleLogger(LogLevel.Error);

const state = option('flash-state', '');
if (state && existsSync(state)) {
  mcu.flash.set(readFileSync(state).subarray(0, mcu.flash.length));
  say(`flash restored from ${state}`);
} else {
  mcu.flash.fill(0xff); // a new chip is erased
  const { bytes } = loadImage(mcu.flash, readFileSync(option('image')));
  say(`flashed ${bytes} bytes`);
}

// the chip's 2 MB take erase and program commands (the filesystem)
const chip = attachFlash(mcu, new SpiFlash(mcu.flash, Number(option('flash-size', String(2 * 1024 * 1024)))));

// the serial console: USB CDC <-> stdin/stdout
const cdc = new USBCDC(mcu.usbCtrl);
const console_ = new CdcFeed(cdc);
cdc.onDeviceConnected = () => say('usb serial connected');
cdc.onSerialData = (data) => process.stdout.write(Buffer.from(data));
process.stdin.on('data', (data) => console_.push(data));
process.stdin.on('end', () => stop('console closed'));

// UART0 <-> the inherited socket
// both UARTs get the fixes: a driver on either would otherwise hang
fixUart(mcu.uart[1]);
const uart = fixUart(mcu.uart[0]);
const feed = new UartFeed(uart);
const fd = option('uart-fd', '');
let line = null;
if (fd) {
  line = new net.Socket({ fd: Number(fd), readable: true, writable: true });
  line.on('data', (data) => feed.push(data));
  line.on('error', (err) => say(`uart line: ${err.message}`));
  let out = [];
  uart.onByte = (byte) => {
    out.push(byte);
    if (out.length === 1) {
      setImmediate(() => {
        line.write(Buffer.from(out));
        out = [];
      });
    }
  };
}

// every 100 us of emulated time: move the host's bytes in, and hold
// emulated time back to the wall clock
const TICK_NS = 100_000;
const realtime = !flag('no-realtime');
const start = performance.now();
const tick = mcu.clock.createAlarm(() => {
  feed.pump();
  console_.pump();
  tick.schedule(TICK_NS);
  const ahead = mcu.clock.nanos / 1e6 - (performance.now() - start);
  if (realtime && ahead > 5) {
    simulator.stop();
    setTimeout(() => simulator.execute(), ahead);
  }
});
tick.schedule(TICK_NS);

function stop(why) {
  simulator.stop();
  if (state) {
    writeFileSync(state, mcu.flash);
  }
  say(`flash: ${chip.count.erase} erases, ${chip.count.program} page programs`);
  say(`stopped (${why}) after ${(mcu.clock.nanos / 1e9).toFixed(1)} s emulated, ` +
      `${((performance.now() - start) / 1e3).toFixed(1)} s real`);
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGUSR1', () => {
  const c = mcu.core;
  const hex = (v) => '0x' + (v >>> 0).toString(16);
  const stack = [];
  // up to 64 words, not past the end of SRAM (0x20042000)
  for (let a = c.SP; a < 0x20042000 && stack.length < 64; a += 4) {
    stack.push(hex(mcu.readUint32(a)));
  }
  say(`cpu: pc ${hex(c.PC)} lr ${hex(c.LR)} sp ${hex(c.SP)} ipsr ${c.IPSR}`);
  say(`stack: ${stack.join(' ')}`);
});

mcu.core.PC = 0x10000000;
simulator.execute();
