// A writable flash chip for rp2040js.  rp2040js serves execute-in-place
// reads from its flash array but models no flash commands, so a firmware
// that erases or programs its flash (MicroPython formatting and writing
// its filesystem) silently writes nothing.  This adds the chip's side of
// the serial commands that the RP2040 boot ROM's and the Pico SDK's flash
// routines send, in the way they send them: chip select forced through
// the IO_QSPI SS override, then 8-bit frames through the SSI's data
// register, one byte back for each byte out.
//
// Commands (Winbond W25Q16JV, the Pico's chip, as far as firmware uses
// them): write enable/disable, read status 1/2, page program, 4/32/64 KB
// and chip erase, read, fast read, JEDEC ID, unique ID, release power-down.
// Transfers with chip select under the SSI's own control (the boot stage 2
// setting up quad XIP) read zeros, as rp2040js has them.
const SECTOR = 4096;
const PAGE = 256;
const SSI_SSIENR = 0x08;
const SSI_TXFLR = 0x20;
const SSI_SR = 0x28;
const SSI_RXFLR = 0x24;
const SSI_DR0 = 0x60;
const SR_TFNF = 0x02;
const SR_TFE = 0x04;
const SR_RFNE = 0x08;
const QSPI_SS_CTRL = 0x0c;
const OUTOVER_LOW = 2;

export const JEDEC_ID = [0xef, 0x40, 0x15];

export class SpiFlash {
  constructor(memory, size = 2 * 1024 * 1024, uniqueId = [0xe6, 0x61, 0x38, 0x97, 0x63, 0x1d, 0x4b, 0x2a]) {
    this.memory = memory;
    this.size = size; // the chip's size; addresses wrap at it
    this.uniqueId = uniqueId;
    this.writeEnabled = false;
    this.selected = false;
    this.count = { erase: 0, program: 0 };
    this.end();
  }

  select() {
    this.selected = true;
    this.end();
  }

  deselect() {
    this.selected = false;
    this.end();
  }

  end() {
    this.command = null;
    this.n = 0; // bytes of the command after its opcode
    this.address = 0;
  }

  // one byte out on the bus, one byte back
  transfer(byte) {
    if (this.command === null) {
      this.command = byte;
      this.n = 0;
      return this.start(byte);
    }
    const i = this.n++;
    switch (this.command) {
      case 0x05: // read status register 1: never busy
        return this.writeEnabled ? 0x02 : 0x00;
      case 0x35: // status register 2: quad enable set
        return 0x02;
      case 0x9f:
        return JEDEC_ID[i] ?? 0;
      case 0x4b: // unique ID after four dummy bytes
        return i < 4 ? 0 : this.uniqueId[i - 4] ?? 0;
      case 0x02: // page program: AND into the page, wrapping within it
        if (i < 3) {
          this.addressByte(byte);
        } else if (this.writeEnabled) {
          const page = this.address - (this.address % PAGE);
          const at = page + ((this.address + i - 3) % PAGE);
          this.memory[at] &= byte;
          if (i === 3) {
            this.count.program++;
          }
        }
        return 0;
      case 0x20:
      case 0x52:
      case 0xd8: {
        if (i < 3) {
          this.addressByte(byte);
          if (i === 2) {
            this.erase({ 0x20: SECTOR, 0x52: 32768, 0xd8: 65536 }[this.command]);
          }
        }
        return 0;
      }
      case 0x03: // read
      case 0x0b: // fast read (one dummy byte)
        if (i < 3) {
          this.addressByte(byte);
          return 0;
        }
        if (this.command === 0x0b && i === 3) {
          return 0;
        }
        return this.memory[(this.address + i - (this.command === 0x0b ? 4 : 3)) % this.size];
      default:
        return 0;
    }
  }

  start(opcode) {
    switch (opcode) {
      case 0x06:
        this.writeEnabled = true;
        break;
      case 0x04:
        this.writeEnabled = false;
        break;
      case 0xc7:
      case 0x60:
        if (this.writeEnabled) {
          this.memory.fill(0xff, 0, this.size);
          this.writeEnabled = false;
        }
        break;
    }
    return 0;
  }

  addressByte(byte) {
    this.address = ((this.address << 8) | byte) % this.size;
  }

  erase(length) {
    if (!this.writeEnabled) {
      return;
    }
    const start = this.address - (this.address % length);
    this.memory.fill(0xff, start, start + length);
    this.writeEnabled = false;
    this.count.erase++;
  }
}

// Wire a SpiFlash into an RP2040.  The SSI's receive FIFO gets one entry
// for every frame written, as on the chip (the boot ROM's transfer loop
// counts them); while IO_QSPI's override holds chip select low, the chip
// answers, otherwise the bus reads as zero (rp2040js's answer throughout).
// Disabling the SSI empties the FIFO.
export function attachFlash(mcu, flash = new SpiFlash(mcu.flash)) {
  const ssi = mcu.peripherals[0x18000];
  const rx = [];
  const ssiRead = ssi.readUint32.bind(ssi);
  const ssiWrite = ssi.writeUint32.bind(ssi);
  ssi.readUint32 = (offset) => {
    switch (offset) {
      case SSI_SR:
        return SR_TFNF | SR_TFE | (rx.length ? SR_RFNE : 0);
      case SSI_TXFLR:
        return 0;
      case SSI_RXFLR:
        return rx.length;
      case SSI_DR0:
        return rx.length ? rx.shift() : 0;
    }
    return ssiRead(offset);
  };
  ssi.writeUint32 = (offset, value) => {
    if (offset === SSI_DR0) {
      if (rx.length < 16) {
        rx.push(flash.selected ? flash.transfer(value & 0xff) : 0);
      }
      return;
    }
    if (offset === SSI_SSIENR) {
      rx.length = 0;
    }
    ssiWrite(offset, value);
  };

  // IO_QSPI: the pins' control registers are kept (the ROM checks them
  // before it erases or programs, and the SDK writes them through the
  // atomic aliases, which read them back first); the status registers
  // read as rp2040js has them.  SS's output override drives the chip.
  const ioQspi = mcu.peripherals[0x40018];
  const ioRead = ioQspi.readUint32.bind(ioQspi);
  const ioWrite = ioQspi.writeUint32.bind(ioQspi);
  const ctrl = new Map();
  const isCtrl = (offset) => offset < 0x30 && offset % 8 === 4;
  ioQspi.readUint32 = (offset) => (isCtrl(offset) ? ctrl.get(offset) ?? 0 : ioRead(offset));
  ioQspi.writeUint32 = (offset, value) => {
    if (!isCtrl(offset)) {
      ioWrite(offset, value);
      return;
    }
    ctrl.set(offset, value >>> 0);
    if (offset === QSPI_SS_CTRL) {
      const low = ((value >>> 8) & 3) === OUTOVER_LOW;
      if (low && !flash.selected) {
        flash.select();
      } else if (!low && flash.selected) {
        flash.deselect();
      }
    }
  };
  return flash;
}
