// Unit tests of the flash chip model (no firmware needed):
//   node --test tests/rp2js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RP2040 } from 'rp2040js';
import { SpiFlash, attachFlash, JEDEC_ID } from './flash.mjs';

function command(chip, bytes, reply = 0) {
  chip.select();
  const out = bytes.map((b) => chip.transfer(b));
  for (let i = 0; i < reply; i++) {
    out.push(chip.transfer(0));
  }
  chip.deselect();
  return out;
}

test('erase needs write enable, then sets its sector to 0xff', () => {
  const mem = new Uint8Array(64 * 1024);
  const chip = new SpiFlash(mem, mem.length);
  command(chip, [0x20, 0x00, 0x10, 0x00]);
  assert.equal(mem[0x1000], 0, 'no erase without WREN');
  command(chip, [0x06]);
  assert.deepEqual(command(chip, [0x05], 1).at(-1), 0x02, 'WEL set');
  command(chip, [0x20, 0x00, 0x10, 0x20]); // any address in the sector
  assert.equal(mem[0x0fff], 0);
  assert.ok(mem.subarray(0x1000, 0x2000).every((b) => b === 0xff));
  assert.equal(mem[0x2000], 0);
  assert.equal(command(chip, [0x05], 1).at(-1), 0, 'WEL cleared');
});

test('page program ANDs bytes in and wraps within its page', () => {
  const mem = new Uint8Array(4096).fill(0xff);
  const chip = new SpiFlash(mem, mem.length);
  command(chip, [0x06]);
  command(chip, [0x02, 0x00, 0x00, 0xfe, 0x11, 0x22, 0x33]);
  assert.deepEqual([...mem.subarray(0xfe, 0x100)], [0x11, 0x22]);
  assert.equal(mem[0x00], 0x33, 'wrapped to the start of the page');
  assert.equal(mem[0x100], 0xff);
  command(chip, [0x06]);
  command(chip, [0x02, 0x00, 0x00, 0xfe, 0xf0]);
  assert.equal(mem[0xfe], 0x10, 'programming only clears bits');
});

test('reads, JEDEC ID and unique ID', () => {
  const mem = new Uint8Array(4096);
  mem.set([1, 2, 3], 0x10);
  const chip = new SpiFlash(mem, mem.length);
  assert.deepEqual(command(chip, [0x03, 0, 0, 0x10], 3).slice(4), [1, 2, 3]);
  assert.deepEqual(command(chip, [0x0b, 0, 0, 0x10, 0], 2).slice(5), [1, 2]);
  assert.deepEqual(command(chip, [0x9f], 3).slice(1), JEDEC_ID);
  assert.equal(command(chip, [0x4b, 0, 0, 0, 0], 8).slice(5).length, 8);
});

test('the SSI and IO_QSPI registers drive the chip as the boot ROM does', () => {
  const mcu = new RP2040();
  mcu.flash.fill(0);
  const chip = attachFlash(mcu);
  const ssi = mcu.peripherals[0x18000];
  const io = mcu.peripherals[0x40018];
  const SS_CTRL = 0x0c, DR0 = 0x60, RXFLR = 0x24, SSIENR = 0x08;
  // connect_internal_flash: every pin's control register to 0, read back
  io.writeUint32Atomic(0x1c, 0, 0);
  assert.equal(io.readUint32(0x1c), 0);
  const csLow = () => io.writeUint32Atomic(SS_CTRL, 2 << 8, 0);
  const csHigh = () => io.writeUint32Atomic(SS_CTRL, 3 << 8, 0);
  const put = (bytes) => bytes.map((b) => ssi.writeUint32(DR0, b));
  // bytes clocked with chip select high read back as zeros, one each
  put([1, 2, 3]);
  assert.equal(ssi.readUint32(RXFLR), 3);
  ssi.writeUint32(SSIENR, 0); // disabling the SSI empties its FIFO
  assert.equal(ssi.readUint32(RXFLR), 0);
  csLow(); put([0x06]); csHigh();
  csLow(); put([0x20, 0x00, 0x30, 0x00]); csHigh();
  assert.equal(chip.count.erase, 1);
  assert.equal(mcu.flash[0x3000], 0xff);
  ssi.writeUint32(SSIENR, 0);
  csLow(); put([0x9f, 0, 0, 0]);
  const id = [0, 1, 2, 3].map(() => ssi.readUint32(DR0));
  csHigh();
  assert.deepEqual(id.slice(1), JEDEC_ID);
  // the SS override through the XOR alias, as the SDK's hw_write_masked does
  io.writeUint32Atomic(SS_CTRL, (io.readUint32(SS_CTRL) ^ (2 << 8)) & 0x300, 1);
  assert.ok(chip.selected);
});
