// The host's end of an RP2040 UART in rp2040js: two fixes to its PL011
// model that MicroPython's UART driver needs, and a paced feed of the
// host's bytes into the 32-entry receive FIFO.
//
// 1. TXINTR.  rp2040js raises the transmit interrupt again on every
//    register access, so a driver that leaves TXIM enabled (MicroPython's
//    does) never leaves its interrupt handler.  The PL011 raises it when
//    the transmit FIFO drains; our transmit is instant, so: once per
//    write to the data register, cleared by UARTICR as on the chip.
// 2. RTIM.  rp2040js has no receive-timeout interrupt, which
//    UART.IRQ_RXIDLE, and so network.PPP, wait for.  The PL011 raises it
//    when the receive FIFO holds data and the line has gone quiet; here
//    the line goes quiet when the host has nothing more to send, or
//    cannot send because the FIFO is full.
//
// The receive FIFO drops what overflows it, so the feed never pushes
// into a full FIFO: bytes wait in the host's queue instead.
const UARTDR = 0x0;
export const RXINTR = 1 << 4;
export const TXINTR = 1 << 5;
export const RTINTR = 1 << 6;

export function fixUart(uart) {
  const write = uart.writeUint32.bind(uart);
  const read = uart.readUint32.bind(uart);
  uart.checkInterrupts = function () {
    this.rp2040.setInterrupt(this.irq, !!(this.interruptStatus & this.interruptMask));
  };
  uart.writeUint32 = (offset, value) => {
    write(offset, value);
    if (offset === UARTDR) {
      uart.interruptStatus |= TXINTR;
      uart.checkInterrupts();
    }
  };
  uart.readUint32 = (offset) => {
    const value = read(offset);
    if (offset === UARTDR && uart.rxFIFO.empty && uart.interruptStatus & RTINTR) {
      // the PL011 clears the timeout once the FIFO is empty
      uart.interruptStatus &= ~RTINTR;
      uart.checkInterrupts();
    }
    return value;
  };
  return uart;
}

// Bytes from the host into a (fixed) UART, paced on the FIFO's fill level.
export class UartFeed {
  constructor(uart) {
    this.uart = uart;
    this.queue = [];
    this.offset = 0; // into queue[0]
    this.pending = 0;
    this.fed = 0;
  }

  push(data) {
    if (data.length) {
      this.queue.push(data);
      this.pending += data.length;
    }
  }

  // Move what fits into the FIFO; raise the receive timeout when the line
  // is quiet with data still waiting in the FIFO.  Call it often.
  pump() {
    const { uart } = this;
    while (this.queue.length && !uart.rxFIFO.full) {
      const head = this.queue[0];
      uart.feedByte(head[this.offset++]);
      this.pending--;
      this.fed++;
      if (this.offset === head.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    if (!uart.rxFIFO.empty && !(uart.interruptStatus & RTINTR)) {
      uart.interruptStatus |= RTINTR;
      uart.checkInterrupts();
    }
  }
}

// Bytes from the host into the USB CDC serial port: rp2040js keeps at most
// 512 of them and drops the rest, so they wait here until there is room.
export class CdcFeed {
  constructor(cdc) {
    this.cdc = cdc;
    this.queue = [];
  }

  push(data) {
    for (const byte of data) {
      this.queue.push(byte);
    }
  }

  pump() {
    let i = 0;
    const fifo = this.cdc.txFIFO;
    while (i < this.queue.length && !fifo.full) {
      this.cdc.sendSerialByte(this.queue[i++]);
    }
    if (i) {
      this.queue.splice(0, i);
    }
  }
}
