"""The host's end of a PPP link to a board on a serial line (RFC 1661,
1662 and 1332), so a board with ``network.PPP`` gets onto a network of the
test's own without pppd or a kernel PPP driver.

``Peer`` is the protocol alone (no I/O): bytes from the serial line go in
with ``received()``, bytes for the line come out through ``send``, and IP
packets are handed over both ways.  It does what a board's lwIP client
needs and no more: async-HDLC framing with the FCS-16, LCP (options
acknowledged or rejected, echo, terminate, protocol-reject) and IPCP
(the board's address assigned by Configure-Nak, optionally a DNS server).
No authentication, no compression, no IPv6 (IPV6CP is protocol-rejected).

``Link`` runs a ``Peer`` between a socket to the serial line and a TUN
device (``open_tun``), in a thread.
"""
import os
import select
import struct
import threading
import time

FLAG, ESCAPE = 0x7e, 0x7d
LCP, IPCP, IPV4 = 0xc021, 0x8021, 0x0021
# control-protocol codes
CONF_REQ, CONF_ACK, CONF_NAK, CONF_REJ = 1, 2, 3, 4
TERM_REQ, TERM_ACK, CODE_REJ, PROTO_REJ = 5, 6, 7, 8
ECHO_REQ, ECHO_REPLY, DISCARD_REQ = 9, 10, 11
# LCP options we accept from the board: MRU, ACCM, magic number, protocol
# and address/control field compression (we read compressed frames and
# always send full ones, which every peer must take)
LCP_ACCEPTED = {1, 2, 5, 7, 8}
IPCP_ADDRESS, IPCP_DNS1, IPCP_DNS2 = 3, 129, 131
RETRY_S, RETRIES = 1.0, 10


def _fcs_table():
    table = []
    for b in range(256):
        v = b
        for _ in range(8):
            v = (v >> 1) ^ 0x8408 if v & 1 else v >> 1
        table.append(v)
    return table


_FCS = _fcs_table()


def fcs16(data, fcs=0xffff):
    """RFC 1662's frame check sequence, before the final complement."""
    for b in data:
        fcs = (fcs >> 8) ^ _FCS[(fcs ^ b) & 0xff]
    return fcs


def frame(protocol, payload):
    """One async-HDLC frame: flags, full address/control and protocol
    fields, the FCS, every control character and flag/escape escaped."""
    body = b'\xff\x03' + struct.pack('!H', protocol) + payload
    body += struct.pack('<H', fcs16(body) ^ 0xffff)
    out = bytearray([FLAG])
    for b in body:
        if b < 0x20 or b in (FLAG, ESCAPE):
            out += bytes((ESCAPE, b ^ 0x20))
        else:
            out.append(b)
    out.append(FLAG)
    return bytes(out)


class Deframer:
    """Bytes from the line in, ``(protocol, payload)`` out; frames with a
    bad FCS or too short are counted in ``dropped`` and skipped."""

    def __init__(self):
        self.buf = bytearray()
        self.escaped = False
        self.dropped = 0

    def feed(self, data):
        frames = []
        for b in data:
            if b == FLAG:
                if self.buf:
                    f = self._finish(bytes(self.buf))
                    if f:
                        frames.append(f)
                self.buf = bytearray()
                self.escaped = False
            elif b == ESCAPE:
                self.escaped = True
            else:
                if self.escaped:
                    b ^= 0x20
                    self.escaped = False
                self.buf.append(b)
        return frames

    def _finish(self, body):
        if len(body) < 4 or fcs16(body) != 0xf0b8:
            self.dropped += 1
            return None
        body = body[:-2]
        if body[:2] == b'\xff\x03':  # address/control, unless compressed
            body = body[2:]
        if body and body[0] & 1:     # a compressed one-byte protocol
            return body[0], body[1:]
        if len(body) < 2:
            self.dropped += 1
            return None
        return struct.unpack('!H', body[:2])[0], body[2:]


def packet(code, ident, data=b''):
    return struct.pack('!BBH', code, ident, 4 + len(data)) + data


def options(data):
    """(type, value) pairs of a Configure packet; ValueError if broken."""
    out = []
    while data:
        if len(data) < 2 or data[1] < 2 or data[1] > len(data):
            raise ValueError('malformed option')
        out.append((data[0], data[2:data[1]]))
        data = data[data[1]:]
    return out


def option(kind, value):
    return bytes((kind, 2 + len(value))) + value


class _Side:
    """One control protocol (LCP or IPCP): our Configure-Request and
    whether each direction is acknowledged."""

    def __init__(self, protocol):
        self.protocol = protocol
        self.ours = []           # our options: [(type, value)]
        self.ident = 0
        self.acked = False       # the board acknowledged ours
        self.acking = False      # we acknowledged the board's
        self.sent_at = None
        self.tries = 0

    @property
    def opened(self):
        return self.acked and self.acking

    def reset(self):
        self.acked = self.acking = False
        self.sent_at = None
        self.tries = 0


class Peer:
    """The protocol state of the host's end.

    ``send(bytes)`` writes to the serial line; ``on_ip(packet)`` gets each
    IPv4 packet from the board; ``on_up(board_ip)`` and ``on_down()`` say
    when the network layer opens and closes.
    """

    def __init__(self, send, local_ip, board_ip, dns=None, on_ip=None,
                 on_up=None, on_down=None, clock=time.monotonic):
        self._send = send
        self.local_ip = local_ip
        self.board_ip = board_ip
        self.dns = dns
        self.on_ip = on_ip or (lambda p: None)
        self.on_up = on_up or (lambda ip: None)
        self.on_down = on_down or (lambda: None)
        self.clock = clock
        self.deframer = Deframer()
        self.magic = struct.unpack('!I', os.urandom(4))[0] | 1
        self.lcp = _Side(LCP)
        self.lcp.ours = [(5, struct.pack('!I', self.magic))]
        self.ipcp = _Side(IPCP)
        self.ipcp.ours = [(IPCP_ADDRESS, _ip(local_ip))]
        self.up = False
        self.log = []            # (direction, protocol, code) for tests

    # --- from the line ---

    def received(self, data):
        for protocol, payload in self.deframer.feed(data):
            self._dispatch(protocol, payload)

    def _dispatch(self, protocol, payload):
        if protocol == LCP:
            self._control(self.lcp, payload)
        elif not self.lcp.opened:
            return  # nothing but LCP before the link is up (RFC 1661 5.7)
        elif protocol == IPCP:
            self._control(self.ipcp, payload)
        elif protocol == IPV4:
            if self.up:
                self.on_ip(payload)
        else:  # IPV6CP, CCP, ...: not spoken here
            self._write(LCP, packet(PROTO_REJ, self._next(self.lcp),
                                    struct.pack('!H', protocol) + payload))

    def _control(self, side, payload):
        if len(payload) < 4:
            return
        code, ident, length = struct.unpack('!BBH', payload[:4])
        data = payload[4:length]
        self.log.append(('in', side.protocol, code))
        if code == CONF_REQ:
            self._configure_request(side, ident, data)
        elif code in (CONF_ACK, CONF_NAK, CONF_REJ):
            if ident != side.ident:
                return  # an answer to a request we no longer stand by
            if code == CONF_ACK:
                side.acked = True
            else:
                self._adjust(side, code, data)
        elif code == TERM_REQ:
            self._write(side.protocol, packet(TERM_ACK, ident))
            self._layer_down(side)
        elif code == TERM_ACK:
            self._layer_down(side)
        elif side is self.lcp and code == ECHO_REQ and self.lcp.opened:
            self._write(LCP, packet(ECHO_REPLY, ident,
                                    struct.pack('!I', self.magic) + data[4:]))
        elif code in (ECHO_REPLY, DISCARD_REQ, CODE_REJ, PROTO_REJ):
            pass
        else:
            self._write(side.protocol, packet(CODE_REJ, self._next(side),
                                              payload[:length]))
        self._progress()

    def _configure_request(self, side, ident, data):
        if side.opened:  # the board started over (a reset, a reconnect)
            self._layer_down(side)
        try:
            opts = options(data)
        except ValueError:
            return
        reject, nak = [], []
        for kind, value in opts:
            if side is self.lcp:
                if kind not in LCP_ACCEPTED:
                    reject.append((kind, value))
            elif kind == IPCP_ADDRESS:
                if value != _ip(self.board_ip):
                    nak.append((kind, _ip(self.board_ip)))
            elif kind in (IPCP_DNS1, IPCP_DNS2) and self.dns:
                if value != _ip(self.dns):
                    nak.append((kind, _ip(self.dns)))
            else:
                reject.append((kind, value))
        if reject:
            reply = packet(CONF_REJ, ident, b''.join(
                option(k, v) for k, v in reject))
        elif nak:
            reply = packet(CONF_NAK, ident, b''.join(
                option(k, v) for k, v in nak))
        else:
            reply = packet(CONF_ACK, ident, data)
            side.acking = True
        if side.sent_at is None:
            self._request(side)  # the board spoke first: answer with ours
        self._write(side.protocol, reply)

    def _adjust(self, side, code, data):
        try:
            got = dict(options(data))
        except ValueError:
            return
        if code == CONF_REJ:
            side.ours = [o for o in side.ours if o[0] not in got]
        else:
            side.ours = [(k, got.get(k, v)) for k, v in side.ours]
        self._request(side)

    def _request(self, side, again=False):
        if not again:  # a retransmission keeps its identifier
            side.ident = self._next(side)
        side.sent_at = self.clock()
        side.tries += 1
        self._write(side.protocol, packet(CONF_REQ, side.ident, b''.join(
            option(k, v) for k, v in side.ours)))

    def _next(self, side):
        side.ident = (side.ident + 1) & 0xff
        return side.ident

    def _layer_down(self, side):
        side.reset()
        if side is self.lcp:
            self.ipcp.reset()
        if self.up:
            self.up = False
            self.on_down()

    def _progress(self):
        if self.lcp.opened and self.ipcp.sent_at is None:
            self._request(self.ipcp)
        if self.lcp.opened and self.ipcp.opened and not self.up:
            self.up = True
            self.on_up(self.board_ip)

    # --- from the host ---

    def start(self):
        """Send our LCP Configure-Request (the board may also speak
        first: a board's lwIP sends its request once, so listen early)."""
        self._request(self.lcp)

    def tick(self):
        """Resend an unanswered Configure-Request, once a second."""
        now = self.clock()
        for side in (self.lcp, self.ipcp):
            if side.sent_at is not None and not side.acked and \
                    now - side.sent_at >= RETRY_S and side.tries < RETRIES:
                if side is self.ipcp and not self.lcp.opened:
                    continue
                self._request(side, again=True)

    def send_ip(self, data):
        if self.up:
            self._write(IPV4, data)

    def close(self):
        """End the link as a peer that hangs up does (Terminate-Request)."""
        if self.lcp.sent_at is not None or self.lcp.acking:
            self._write(LCP, packet(TERM_REQ, self._next(self.lcp)))
        self._layer_down(self.lcp)

    def _write(self, protocol, payload):
        if protocol != IPV4:
            self.log.append(('out', protocol, payload[0]))
        self._send(frame(protocol, payload))


def _ip(text):
    return bytes(int(p) for p in text.split('.'))


# --- I/O: a socket to the serial line, a TUN device to the host ---

TUNSETIFF = 0x400454ca
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000


def open_tun(name):
    """A TUN device (IP packets, no header) named ``name``; its fd."""
    import fcntl
    fd = os.open('/dev/net/tun', os.O_RDWR)
    try:
        fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH', name.encode(),
                                               IFF_TUN | IFF_NO_PI))
    except OSError:
        os.close(fd)
        raise
    return fd


class Link:
    """A ``Peer`` between ``line`` (a connected socket carrying the serial
    bytes) and the TUN device ``tun_fd``, run in a thread by ``start()``.
    ``pause()`` makes the host go silent (a cable pulled); ``resume()``
    brings it back."""

    def __init__(self, line, tun_fd, local_ip, board_ip, dns=None):
        self.line = line
        self.tun = tun_fd
        self.peer = Peer(self._to_line, local_ip, board_ip, dns=dns,
                         on_ip=self._to_tun, on_up=self._up,
                         on_down=self._down)
        self.connected = threading.Event()
        self.paused = False
        self.stats = {'frames_in': 0, 'bytes_in': 0, 'bytes_out': 0,
                      'ups': 0, 'downs': 0}
        self._stop = False
        self._thread = None

    def _to_line(self, data):
        if not self.paused:
            self.stats['bytes_out'] += len(data)
            self.line.sendall(data)

    def _to_tun(self, data):
        try:
            os.write(self.tun, data)
        except OSError:
            pass  # a packet the host's stack refuses is just lost

    def _up(self, ip):
        self.stats['ups'] += 1
        self.connected.set()

    def _down(self):
        self.stats['downs'] += 1
        self.connected.clear()

    def start(self):
        self.peer.start()
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name='ppp-peer')
        self._thread.start()

    def _run(self):
        while not self._stop:
            try:
                ready, _, _ = select.select([self.line, self.tun], [], [],
                                            0.2)
            except (OSError, ValueError):
                break
            if self.line in ready:
                try:
                    data = self.line.recv(65536)
                except OSError:
                    break
                if not data:
                    break
                if not self.paused:
                    self.stats['bytes_in'] += len(data)
                    self.peer.received(data)
            if self.tun in ready:
                try:
                    data = os.read(self.tun, 65536)
                except OSError:
                    break
                if not self.paused:
                    self.peer.send_ip(data)
            self.peer.tick()

    def pause(self):
        self.paused = True

    def resume(self):
        self.paused = False

    def close(self):
        try:
            self.peer.close()
        except OSError:
            pass
        self._stop = True
        if self._thread:
            self._thread.join(2)
