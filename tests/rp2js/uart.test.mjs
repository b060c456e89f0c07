// Unit tests of the UART fixes and feeds (no firmware needed):
//   node --test tests/rp2js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RP2040, USBCDC } from 'rp2040js';
import { fixUart, UartFeed, CdcFeed, RXINTR, TXINTR, RTINTR } from './uart.mjs';
import { loadImage } from './image.mjs';

const DR = 0x0, IMSC = 0x38, RIS = 0x3c, ICR = 0x44;

function uartWithIrqLog() {
  const mcu = new RP2040();
  const raised = [];
  const setInterrupt = mcu.setInterrupt.bind(mcu);
  mcu.setInterrupt = (irq, value) => {
    raised.push(value);
    setInterrupt(irq, value);
  };
  return { uart: fixUart(mcu.uart[0]), raised };
}

function writeReg(uart, offset, value) {
  uart.writeUint32Atomic(offset, value, 0);
}

test('TXINTR is raised once per data write and stays cleared', () => {
  const { uart, raised } = uartWithIrqLog();
  writeReg(uart, IMSC, TXINTR | RXINTR | RTINTR);
  assert.equal(uart.readUint32(RIS) & TXINTR, 0, 'not raised by enabling it');
  writeReg(uart, DR, 0x41);
  assert.ok(uart.readUint32(RIS) & TXINTR);
  assert.equal(raised.at(-1), true);
  writeReg(uart, ICR, TXINTR);
  // any number of register reads must not bring it back (the stock model does)
  for (let i = 0; i < 10; i++) {
    uart.readUint32(0x18);
    uart.readUint32(RIS);
  }
  assert.equal(uart.readUint32(RIS) & TXINTR, 0);
  assert.equal(raised.at(-1), false);
});

test('bytes the UART writes reach the host', () => {
  const { uart } = uartWithIrqLog();
  const out = [];
  uart.onByte = (b) => out.push(b);
  for (const b of [1, 2, 0x7e]) {
    writeReg(uart, DR, b);
  }
  assert.deepEqual(out, [1, 2, 0x7e]);
});

test('the feed never overflows the 32-entry FIFO, and nothing is lost', () => {
  const { uart } = uartWithIrqLog();
  const feed = new UartFeed(uart);
  const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => i & 0xff));
  feed.push(data.subarray(0, 600));
  feed.push(data.subarray(600));
  const got = [];
  while (got.length < data.length) {
    feed.pump();
    assert.ok(uart.rxFIFO.itemCount <= 32);
    // the firmware reads a few bytes each time round
    for (let i = 0; i < 7 && !uart.rxFIFO.empty; i++) {
      got.push(uart.readUint32(DR) & 0xff);
    }
  }
  assert.deepEqual(Buffer.from(got), data);
  assert.equal(feed.pending, 0);
});

test('RTIM is raised when the line goes quiet with data waiting', () => {
  const { uart } = uartWithIrqLog();
  writeReg(uart, IMSC, RXINTR | RTINTR);
  const feed = new UartFeed(uart);
  feed.push(Buffer.from('abc'));
  feed.pump();
  assert.ok(uart.readUint32(RIS) & RTINTR, 'queue drained: receive timeout');
  // the driver clears it and reads everything: it stays clear
  writeReg(uart, ICR, RXINTR | RTINTR);
  uart.readUint32(DR);
  uart.readUint32(DR);
  uart.readUint32(DR);
  feed.pump();
  assert.equal(uart.readUint32(RIS) & RTINTR, 0, 'nothing waiting, no timeout');
});

test('RTIM is raised when the FIFO is full and the host has to wait', () => {
  const { uart } = uartWithIrqLog();
  const feed = new UartFeed(uart);
  feed.push(Buffer.alloc(100, 0x55));
  feed.pump();
  assert.ok(uart.rxFIFO.full);
  assert.ok(uart.readUint32(RIS) & RTINTR);
  assert.equal(feed.pending, 68);
});

test('reading the FIFO empty clears RTIM, as the PL011 does', () => {
  const { uart } = uartWithIrqLog();
  const feed = new UartFeed(uart);
  feed.push(Buffer.from('x'));
  feed.pump();
  assert.ok(uart.readUint32(RIS) & RTINTR);
  uart.readUint32(DR);
  assert.equal(uart.readUint32(RIS) & RTINTR, 0);
});

test('the console feed keeps the 512-byte USB buffer from overflowing', () => {
  const mcu = new RP2040();
  const cdc = new USBCDC(mcu.usbCtrl);
  const feed = new CdcFeed(cdc);
  feed.push(Buffer.alloc(2000, 0x61));
  feed.pump();
  assert.equal(cdc.txFIFO.itemCount, 512);
  assert.equal(feed.queue.length, 2000 - 512);
  for (let i = 0; i < 100; i++) cdc.txFIFO.pull();
  feed.pump();
  assert.equal(cdc.txFIFO.itemCount, 512);
  assert.equal(feed.queue.length, 2000 - 612);
});

test('images load as UF2 blocks or as a raw bin', () => {
  const flash = new Uint8Array(4096);
  const block = Buffer.alloc(512);
  block.writeUInt32LE(0x0a324655, 0);
  block.writeUInt32LE(0x9e5d5157, 4);
  block.writeUInt32LE(0x10000100, 12);
  block.writeUInt32LE(4, 16);
  block.set([1, 2, 3, 4], 32);
  assert.deepEqual(loadImage(flash, block), { format: 'uf2', bytes: 4 });
  assert.deepEqual([...flash.subarray(0x100, 0x104)], [1, 2, 3, 4]);
  assert.deepEqual(loadImage(flash, Buffer.from([9, 8])), { format: 'bin', bytes: 2 });
  assert.deepEqual([...flash.subarray(0, 2)], [9, 8]);
  const bad = Buffer.from(block);
  bad.writeUInt32LE(0, 512 - 512 + 4);
  assert.throws(() => loadImage(flash, bad), /not a UF2 block/);
});
