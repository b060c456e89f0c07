"""The HIL suite's PPP peer (tests/hil/ppp_peer.py) against a scripted
board: framing, LCP and IPCP as a board's lwIP client speaks them, IP both
ways, a board that starts over, and the host hanging up.

Host-side tooling of the test suite, so CPython only: no board runs it.
"""
from support import MICROPYTHON

if not MICROPYTHON:
    import os
    import socket
    import struct
    import sys

    import pytest

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), 'hil'))
    import ppp_peer as pp

    class Board:
        """The board's side, scripted: frames to the peer, and what the
        peer sent back, decoded."""

        def __init__(self, **kw):
            self.wire = []
            self.ip_in = []
            self.events = []
            self.now = [0.0]
            self.peer = pp.Peer(self.wire.append, '10.9.0.1', '10.9.0.2',
                                on_ip=self.ip_in.append,
                                on_up=lambda ip: self.events.append(('up',
                                                                     ip)),
                                on_down=lambda: self.events.append('down'),
                                clock=lambda: self.now[0], **kw)
            self.deframer = pp.Deframer()

        def send(self, protocol, payload, compress=False):
            f = pp.frame(protocol, payload)
            if compress:  # ACFC and PFC, as lwIP sends once negotiated
                body = struct.pack('!B', protocol) + payload
                body += struct.pack('<H', pp.fcs16(body) ^ 0xffff)
                f = b'\x7e' + bytes(body).replace(b'\x7d', b'\x7d\x5d') \
                    .replace(b'\x7e', b'\x7d\x5e') + b'\x7e'
            self.peer.received(f)

        def replies(self):
            data = b''.join(self.wire)
            self.wire.clear()
            return self.deframer.feed(data)

        def control(self):
            return [(proto, p[0], p[1], pp.options(p[4:])) for proto, p in
                    self.replies() if proto in (pp.LCP, pp.IPCP)]

        def bring_up(self):
            self.peer.start()
            (_, code, ident, opts), = self.control()
            assert code == pp.CONF_REQ
            self.send(pp.LCP, pp.packet(pp.CONF_ACK, ident, b''.join(
                pp.option(k, v) for k, v in opts)))
            lcp = pp.option(2, b'\0\0\0\0') + pp.option(5, b'\1\2\3\4') + \
                pp.option(7, b'') + pp.option(8, b'')
            self.send(pp.LCP, pp.packet(pp.CONF_REQ, 1, lcp))
            out = self.control()
            assert (pp.LCP, pp.CONF_ACK, 1) == out[0][:3]
            assert out[1][:2] == (pp.IPCP, pp.CONF_REQ)
            self.send(pp.IPCP, pp.packet(pp.CONF_ACK, out[1][2], b''.join(
                pp.option(k, v) for k, v in out[1][3])))
            self.send(pp.IPCP, pp.packet(pp.CONF_REQ, 1, pp.option(
                3, b'\0\0\0\0')))
            (proto, code, ident, opts), = self.control()
            assert (proto, code, opts) == (pp.IPCP, pp.CONF_NAK,
                                           [(3, bytes((10, 9, 0, 2)))])
            self.send(pp.IPCP, pp.packet(pp.CONF_REQ, 2, pp.option(
                3, bytes((10, 9, 0, 2)))))
            assert self.control()[0][:2] == (pp.IPCP, pp.CONF_ACK)
            assert self.events[-1] == ('up', '10.9.0.2')

    def test_fcs_and_framing_round_trip():
        # RFC 1662's check: the FCS over data plus its own FCS is the
        # magic 0xf0b8
        data = b'\xff\x03\xc0\x21' + bytes(range(40))
        fcs = pp.fcs16(data) ^ 0xffff
        assert pp.fcs16(data + struct.pack('<H', fcs)) == 0xf0b8
        payload = bytes(range(256)) + b'\x7e\x7d' * 10
        f = pp.frame(pp.IPV4, payload)
        assert f[0] == f[-1] == 0x7e and 0x7e not in f[1:-1]
        assert not any(b < 0x20 for b in f)  # every control char escaped
        d = pp.Deframer()
        # split anywhere, even inside an escape
        got = d.feed(f[:7]) + d.feed(f[7:8]) + d.feed(f[8:])
        assert got == [(pp.IPV4, payload)]

    def test_bad_fcs_and_runts_are_dropped():
        d = pp.Deframer()
        f = bytearray(pp.frame(pp.LCP, pp.packet(pp.ECHO_REQ, 1, b'abcd')))
        f[5] ^= 1
        assert d.feed(bytes(f) + b'\x7e\x01\x7e') == []
        assert d.dropped == 2
        # and the next good frame still comes through
        assert d.feed(pp.frame(pp.LCP, b'\x09\x01\x00\x04')) == [
            (pp.LCP, b'\x09\x01\x00\x04')]

    def test_lcp_and_ipcp_as_a_board_negotiates():
        b = Board()
        b.bring_up()
        assert b.peer.up

    def test_board_speaking_first_is_answered_with_our_request():
        b = Board()
        b.send(pp.LCP, pp.packet(pp.CONF_REQ, 7, pp.option(5, b'\1\2\3\4')))
        out = b.control()
        assert [o[:2] for o in out] == [(pp.LCP, pp.CONF_REQ),
                                        (pp.LCP, pp.CONF_ACK)]

    def test_unknown_lcp_options_are_rejected_not_acked():
        b = Board()
        b.peer.start()
        b.control()
        req = pp.option(3, b'\xc0\x23') + pp.option(5, b'\1\2\3\4') + \
            pp.option(13, b'\x06')
        b.send(pp.LCP, pp.packet(pp.CONF_REQ, 3, req))
        (_, code, ident, opts), = b.control()
        assert (code, ident) == (pp.CONF_REJ, 3)
        assert [k for k, _ in opts] == [3, 13]  # auth and callback

    def test_ip_both_ways_and_compressed_frames():
        b = Board()
        b.bring_up()
        b.send(pp.IPV4, b'E\x00packet-from-board', compress=True)
        assert b.ip_in == [b'E\x00packet-from-board']
        b.peer.send_ip(b'E\x00packet-to-board')
        assert b.replies() == [(pp.IPV4, b'E\x00packet-to-board')]

    def test_echo_and_protocol_reject():
        b = Board()
        b.bring_up()
        b.send(pp.LCP, pp.packet(pp.ECHO_REQ, 9, b'\1\2\3\4hello'))
        (proto, p), = b.replies()
        assert p[:2] == bytes((pp.ECHO_REPLY, 9)) and p[8:] == b'hello'
        assert p[4:8] == struct.pack('!I', b.peer.magic)
        b.send(0x8057, pp.packet(pp.CONF_REQ, 1, b''))  # IPV6CP
        (proto, p), = b.replies()
        assert (proto, p[0], p[4:6]) == (pp.LCP, pp.PROTO_REJ, b'\x80\x57')

    def test_nothing_but_lcp_before_the_link_is_up():
        b = Board()
        b.send(pp.IPV4, b'E\x00early')
        b.send(pp.IPCP, pp.packet(pp.CONF_REQ, 1, pp.option(3, b'\0' * 4)))
        assert b.ip_in == [] and b.replies() == []

    def test_board_starting_over_renegotiates():
        b = Board()
        b.bring_up()
        # a soft reset: the board's new lwIP sends a fresh LCP request
        b.send(pp.LCP, pp.packet(pp.CONF_REQ, 1, pp.option(5, b'\5\6\7\x08')))
        assert 'down' in b.events and not b.peer.up
        assert [o[:2] for o in b.control()] == [(pp.LCP, pp.CONF_REQ),
                                                (pp.LCP, pp.CONF_ACK)]
        b.peer.send_ip(b'E\x00lost')  # nothing goes out while down
        assert b.replies() == []

    def test_unanswered_requests_are_resent_then_given_up():
        b = Board()
        b.peer.start()
        b.control()
        for _ in range(pp.RETRIES + 3):
            b.now[0] += pp.RETRY_S
            b.peer.tick()
        assert len(b.control()) == pp.RETRIES - 1

    def test_stale_answers_are_ignored_and_resends_keep_their_id():
        b = Board()
        b.peer.start()
        (_, _, first, _), = b.control()
        b.now[0] += pp.RETRY_S
        b.peer.tick()
        (_, _, again, _), = b.control()
        assert again == first
        b.send(pp.LCP, pp.packet(pp.CONF_ACK, first + 1, b''))
        assert b.control() == [] and not b.peer.lcp.acked  # no Code-Reject
        b.send(pp.LCP, pp.packet(pp.CONF_ACK, first, b''))
        assert b.peer.lcp.acked

    def test_terminate_both_ways():
        b = Board()
        b.bring_up()
        b.send(pp.LCP, pp.packet(pp.TERM_REQ, 4))
        (_, code, ident, _), = b.control()
        assert (code, ident) == (pp.TERM_ACK, 4)
        assert b.events[-1] == 'down'
        b.bring_up()
        b.peer.close()
        assert b.control()[0][1] == pp.TERM_REQ and not b.peer.up

    def test_link_carries_frames_between_a_socket_and_a_fd():
        # the threaded runner, with a socketpair for the serial line and a
        # pipe standing in for the TUN device; the far end is a second
        # Peer playing the board
        line, board_end = socket.socketpair()
        tun_r, tun_w = os.pipe()
        link = pp.Link(line, tun_r, '10.9.0.1', '10.9.0.2')
        got = []
        board = pp.Peer(board_end.sendall, '10.9.0.2', '10.9.0.1',
                        on_ip=got.append)
        board_end.settimeout(0.2)
        link.start()
        try:
            board.start()
            for _ in range(50):
                try:
                    board.received(board_end.recv(4096))
                except socket.timeout:
                    board.tick()
                if board.up and link.connected.is_set():
                    break
            assert link.connected.wait(5) and board.up
            os.write(tun_w, b'E\x00from-the-host')  # the host's stack sends
            for _ in range(25):
                try:
                    board.received(board_end.recv(4096))
                except socket.timeout:
                    pass
                if got:
                    break
            assert got == [b'E\x00from-the-host']
        finally:
            link.close()
            line.close()
            board_end.close()
            os.close(tun_r)
            os.close(tun_w)

    def test_open_tun_names_the_device():
        if not os.path.exists('/dev/net/tun') or os.geteuid() != 0:
            pytest.skip('needs /dev/net/tun and root')
        fd = pp.open_tun('mdtest%d')
        try:
            assert fd >= 0
        finally:
            os.close(fd)
