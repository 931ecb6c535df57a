#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Loopback network peer for the guest's NIC (python3 stdlib only). QEMU
# connects to it with -netdev stream (TCP on 127.0.0.1, each frame preceded by
# a 4-byte big-endian length) or -netdev dgram (UDP on 127.0.0.1, one frame per
# datagram). It answers ARP and ICMP echo for --ip, counts and checks UDP
# payload sent by the guest to --udp-port, and with --send-bytes sends a known
# number of UDP payload bytes back once the guest announces "SV-RX-READY".
# At the end (EOF, --timeout, --expect reached, SIGTERM/SIGINT) it writes a
# JSON summary (--json) and prints "PEER: rx bytes=N packets=M".
# It only ever listens on and talks to 127.0.0.1.
import argparse
import array
import json
import os
import select
import signal
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
RX_READY = b"SV-RX-READY"
LOOPBACK = "127.0.0.1"


def csum(data):
    """Internet checksum (RFC 1071). Summing native-order 16-bit words and
    swapping the folded result is equivalent (RFC 1071 section 2(B)) and
    much faster in Python than unpacking big-endian words."""
    if len(data) % 2:
        data += b"\0"
    s = sum(array.array("H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    if sys.byteorder == "little":
        s = ((s & 0xFF) << 8) | (s >> 8)
    return ~s & 0xFFFF


def mac_bytes(text):
    b = bytes(int(x, 16) for x in text.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC " + text)
    return b


def mac_text(b):
    return ":".join("%02x" % x for x in b)


PATTERN = bytes(range(256)) * 8


def pattern(seq, length):
    # Same payload as guest/udpsend.c: byte j of datagram seq is (seq + j) & 0xff.
    start = seq & 0xFF
    if start + length <= len(PATTERN):
        return PATTERN[start : start + length]
    reps = (start + length) // 256 + 1
    return (bytes(range(256)) * reps)[start : start + length]


class Peer:
    def __init__(self, args):
        self.a = args
        self.ip = socket.inet_aton(args.ip)
        self.mac = mac_bytes(args.mac)
        self.guest_ip = socket.inet_aton(args.guest_ip) if args.guest_ip else None
        self.guest_mac = None
        self.c = dict(
            frames=0, frame_bytes=0, runt=0, arp=0, arp_requests_answered=0,
            arp_other=0, ipv4=0, ipv4_bad=0, ipv4_fragments=0, ipv6=0, other_ethertype=0,
            icmp=0, icmp_echo_answered=0, udp=0, udp_bad=0, udp_bad_checksum=0,
            udp_other_port=0, udp_pattern_errors=0, udp_sequence_gaps=0, tcp=0, ip_other_proto=0,
            rx_ready=0, frames_sent=0,
        )
        self.udp_bytes = 0
        self.udp_packets = 0
        self.next_seq = 0
        self.gaps = []
        self.t_first = None
        self.t_last = None
        self.sent_bytes = 0
        self.sent_packets = 0
        self.send_state = "idle" if args.send_bytes else "off"
        self.send_dst_port = args.udp_port
        self.send_src_port = args.udp_port
        self.ip_id = 0
        self.out = []  # frames waiting to be sent
        self.t0 = time.monotonic()
        self.done_reason = None

    # ---- transmit ------------------------------------------------------------
    def eth(self, dst_mac, ethertype, payload):
        frame = dst_mac + self.mac + struct.pack("!H", ethertype) + payload
        if len(frame) < 60:
            frame += b"\0" * (60 - len(frame))
        return frame

    def ipv4(self, dst_ip, proto, payload):
        self.ip_id = (self.ip_id + 1) & 0xFFFF
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), self.ip_id, 0x4000,
                          64, proto, 0, self.ip, dst_ip)
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        return hdr + payload

    def udp(self, dst_ip, sport, dport, payload):
        length = 8 + len(payload)
        pseudo = self.ip + dst_ip + struct.pack("!BBH", 0, 17, length)
        hdr = struct.pack("!HHHH", sport, dport, length, 0)
        c = csum(pseudo + hdr + payload) or 0xFFFF
        return struct.pack("!HHHH", sport, dport, length, c) + payload

    def queue(self, frame):
        self.out.append(frame)
        self.c["frames_sent"] += 1

    def fill_send_queue(self):
        """Queue more of the --send-bytes stream (bounded batches)."""
        if self.send_state != "sending":
            return
        batch = 64
        while batch and self.sent_bytes < self.a.send_bytes:
            n = min(self.a.size, self.a.send_bytes - self.sent_bytes)
            payload = pattern(self.sent_packets, n)
            u = self.udp(self.guest_ip, self.send_src_port, self.send_dst_port, payload)
            self.queue(self.eth(self.guest_mac, ETH_P_IP, self.ipv4(self.guest_ip, 17, u)))
            self.sent_bytes += n
            self.sent_packets += 1
            batch -= 1
        if self.sent_bytes >= self.a.send_bytes:
            self.send_state = "sent"

    # ---- receive -------------------------------------------------------------
    def frame(self, f):
        c = self.c
        c["frames"] += 1
        c["frame_bytes"] += len(f)
        if len(f) < 14:
            c["runt"] += 1
            return
        dst, src, et = f[0:6], f[6:12], struct.unpack("!H", f[12:14])[0]
        body = f[14:]
        if et == ETH_P_ARP:
            self.arp(src, body)
        elif et == ETH_P_IP:
            self.ipv4_rx(src, body)
        elif et == ETH_P_IPV6:
            c["ipv6"] += 1
        else:
            c["other_ethertype"] += 1

    def arp(self, src, b):
        c = self.c
        c["arp"] += 1
        if len(b) < 28:
            c["arp_other"] += 1
            return
        htype, ptype, hlen, plen, op = struct.unpack("!HHBBH", b[:8])
        sha, spa, tha, tpa = b[8:14], b[14:18], b[18:24], b[24:28]
        if (htype, ptype, hlen, plen, op) != (1, ETH_P_IP, 6, 4, 1) or tpa != self.ip:
            c["arp_other"] += 1
            return
        reply = struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 2) + self.mac + self.ip + sha + spa
        self.queue(self.eth(sha, ETH_P_ARP, reply))
        c["arp_requests_answered"] += 1

    def ipv4_rx(self, src_mac, b):
        c = self.c
        c["ipv4"] += 1
        if len(b) < 20 or b[0] >> 4 != 4:
            c["ipv4_bad"] += 1
            return
        ihl = (b[0] & 0xF) * 4
        total = struct.unpack("!H", b[2:4])[0]
        if ihl < 20 or total < ihl or total > len(b) or csum(b[:ihl]) != 0:
            c["ipv4_bad"] += 1
            return
        frag = struct.unpack("!H", b[6:8])[0]
        if frag & 0x3FFF:
            c["ipv4_fragments"] += 1
            return
        proto, sip, dip = b[9], b[12:16], b[16:20]
        payload = b[ihl:total]
        if proto == 17:
            self.udp_rx(src_mac, sip, dip, payload)
        elif proto == 1:
            self.icmp(src_mac, sip, dip, payload)
        elif proto == 6:
            c["tcp"] += 1
        else:
            c["ip_other_proto"] += 1

    def icmp(self, src_mac, sip, dip, p):
        self.c["icmp"] += 1
        if dip != self.ip or len(p) < 8 or p[0] != 8 or csum(p) != 0:
            return
        reply = b"\0\0\0\0" + p[4:]
        reply = reply[:2] + struct.pack("!H", csum(reply)) + reply[4:]
        self.queue(self.eth(src_mac, ETH_P_IP, self.ipv4(sip, 1, reply)))
        self.c["icmp_echo_answered"] += 1

    def udp_rx(self, src_mac, sip, dip, p):
        c = self.c
        c["udp"] += 1
        if len(p) < 8:
            c["udp_bad"] += 1
            return
        sport, dport, length, cs = struct.unpack("!HHHH", p[:8])
        if length < 8 or length != len(p):
            c["udp_bad"] += 1
            return
        if cs and csum(sip + dip + struct.pack("!BBH", 0, 17, length) + p) != 0:
            c["udp_bad_checksum"] += 1
            return
        data = p[8:]
        if dport != self.a.udp_port or dip != self.ip:
            c["udp_other_port"] += 1
            return
        if data.startswith(RX_READY):
            c["rx_ready"] += 1
            if self.send_state == "idle":
                self.guest_mac = src_mac
                self.guest_ip = sip
                self.send_dst_port = sport
                self.send_state = "sending"
                self.log("rx-ready from %s (%s) port %d: sending %d bytes" %
                         (socket.inet_ntoa(sip), mac_text(src_mac), sport, self.a.send_bytes))
            return
        if self.guest_ip is not None and sip != self.guest_ip and self.a.guest_ip:
            c["udp_other_port"] += 1
            return
        # Content must follow the sender's pattern from its own first byte;
        # the first byte is the sequence number mod 256 (a gap means loss).
        if data and data != pattern(data[0], len(data)):
            c["udp_pattern_errors"] += 1
        if data:
            if data[0] != self.next_seq & 0xFF:
                c["udp_sequence_gaps"] += 1
                if len(self.gaps) < 32:  # [datagrams before, expected, got] (mod 256)
                    self.gaps.append([self.udp_packets, self.next_seq & 0xFF, data[0]])
                self.log("sequence gap after %d datagrams: expected %d, got %d" %
                         (self.udp_packets, self.next_seq & 0xFF, data[0]))
            self.next_seq = data[0] + 1
        now = time.monotonic()
        if self.t_first is None:
            self.t_first = now
        self.t_last = now
        self.udp_bytes += len(data)
        self.udp_packets += 1
        if self.guest_mac is None:
            self.guest_mac = src_mac

    # ---- reporting -----------------------------------------------------------
    def log(self, msg):
        if not self.a.quiet:
            print("peer: " + msg, file=sys.stderr, flush=True)

    def summary(self):
        dur = (self.t_last - self.t_first) if self.t_first is not None else 0.0
        return dict(
            reason=self.done_reason,
            transport=self.a.transport,
            port=self.a.port,
            udp_port=self.a.udp_port,
            bytes=self.udp_bytes,
            packets=self.udp_packets,
            frames=self.c["frames"],
            counts=self.c,
            gaps=self.gaps,
            guest_mac=mac_text(self.guest_mac) if self.guest_mac else None,
            rx_seconds=round(dur, 6),
            rx_mbit_s=round(self.udp_bytes * 8 / dur / 1e6, 3) if dur > 0 else None,
            sent_bytes=self.sent_bytes,
            sent_packets=self.sent_packets,
            send_state=self.send_state,
            elapsed=round(time.monotonic() - self.t0, 3),
        )


def run_stream(peer, a, lsock):
    lsock.settimeout(None)
    deadline = peer.t0 + a.timeout
    r, _, _ = select.select([lsock], [], [], max(0.0, deadline - time.monotonic()))
    if not r:
        peer.done_reason = "timeout (no connection)"
        return
    conn, addr = lsock.accept()
    peer.log("connection from %s:%d" % addr)
    conn.setblocking(False)
    inbuf = bytearray()
    outbuf = bytearray()
    while True:
        if not outbuf:
            peer.fill_send_queue()
            for f in peer.out:
                outbuf += struct.pack("!I", len(f)) + f
            peer.out.clear()
        now = time.monotonic()
        if now >= deadline:
            peer.done_reason = "timeout"
            break
        if a.expect is not None and peer.udp_bytes >= a.expect and not outbuf:
            peer.done_reason = "expected bytes received"
            break
        r, w, _ = select.select([conn], [conn] if outbuf else [], [], min(1.0, deadline - now))
        if w:
            try:
                n = conn.send(outbuf)
                del outbuf[:n]
            except BlockingIOError:
                pass
            except OSError as e:
                peer.done_reason = "send error: %s" % e
                break
        if r:
            try:
                data = conn.recv(1 << 20)
            except BlockingIOError:
                continue
            except OSError as e:
                peer.done_reason = "recv error: %s" % e
                break
            if not data:
                peer.done_reason = "eof"
                break
            inbuf += data
            while len(inbuf) >= 4:
                n = struct.unpack("!I", inbuf[:4])[0]
                if n > 65536 + 18:
                    peer.done_reason = "bad frame length %d" % n
                    return
                if len(inbuf) < 4 + n:
                    break
                peer.frame(bytes(inbuf[4 : 4 + n]))
                del inbuf[: 4 + n]
    conn.close()


def run_dgram(peer, a, sock):
    deadline = peer.t0 + a.timeout
    qemu_addr = None
    sock.setblocking(False)
    while True:
        now = time.monotonic()
        if now >= deadline:
            peer.done_reason = "timeout"
            break
        if a.expect is not None and peer.udp_bytes >= a.expect and not peer.out:
            peer.done_reason = "expected bytes received"
            break
        if qemu_addr is not None:
            peer.fill_send_queue()
            while peer.out:
                try:
                    sock.sendto(peer.out[0], qemu_addr)
                except BlockingIOError:
                    break
                peer.out.pop(0)
        r, _, _ = select.select([sock], [], [], min(0.2 if peer.out else 1.0, deadline - now))
        if r:
            try:
                data, addr = sock.recvfrom(65536 + 18)
            except BlockingIOError:
                continue
            if addr[0] != LOOPBACK:
                continue
            qemu_addr = addr
            peer.frame(data)


def read_bochs_txdump(path):
    """Frames from Bochs' ethmod=null readable log (eth_null-txdump.txt):
    "a packet from guest to host, length N" then hex lines of 16 bytes."""
    frames = []
    cur = None
    want = 0
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("a packet from guest to host, length "):
                if cur is not None:
                    frames.append(bytes(cur))
                want = int(line.rsplit(" ", 1)[1])
                cur = bytearray()
            elif cur is not None and line.startswith("--"):
                frames.append(bytes(cur))
                cur = None
            elif cur is not None and len(cur) < want:
                hexpart = line[:48].split()
                try:
                    cur += bytes(int(h, 16) for h in hexpart)
                except ValueError:
                    pass
    if cur is not None:
        frames.append(bytes(cur))
    return frames


def pcap_udp_sequence(path, udp_port):
    """What the NIC model emitted, from a QEMU filter-dump pcap (frames may be
    cut short): the guest's UDP datagrams to udp_port, in order, as
    (count, gaps [datagrams before, expected, got] mod 256)."""
    count, gaps, nxt = 0, [], 0
    with open(path, "rb") as f:
        hdr = f.read(24)
        if len(hdr) < 24:
            return 0, []
        endian = "<" if struct.unpack("<I", hdr[:4])[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            incl = struct.unpack(endian + "IIII", rec)[2]
            fr = f.read(incl)
            if len(fr) < 14 + 20 + 8 + 1 or fr[12:14] != b"\x08\x00" or fr[23] != 17:
                continue
            ihl = (fr[14] & 0xF) * 4
            if len(fr) < 14 + ihl + 9:
                continue
            if struct.unpack("!H", fr[14 + ihl + 2:14 + ihl + 4])[0] != udp_port:
                continue
            seq = fr[14 + ihl + 8]
            if seq != nxt & 0xFF and len(gaps) < 32:
                gaps.append([count, nxt & 0xFF, seq])
            nxt = seq + 1
            count += 1
    return count, gaps


def main():
    ap = argparse.ArgumentParser(description="loopback test peer for the guest NIC")
    ap.add_argument("--port", type=int, default=0,
                    help="127.0.0.1 port to listen on (0: pick a free one and print it)")
    ap.add_argument("--transport", choices=("stream", "dgram"), default="stream")
    ap.add_argument("--ip", default="169.254.10.1", help="the peer's IPv4 address")
    ap.add_argument("--mac", default="02:00:00:00:00:01", help="the peer's MAC")
    ap.add_argument("--guest-ip", default=None,
                    help="only count UDP from this source (default: any)")
    ap.add_argument("--udp-port", type=int, default=9000, help="UDP port to count")
    ap.add_argument("--send-bytes", type=int, default=0,
                    help="after SV-RX-READY, send this many UDP payload bytes to the guest")
    ap.add_argument("--size", type=int, default=1472, help="payload bytes per sent datagram")
    ap.add_argument("--expect", type=int, default=None,
                    help="stop once this many UDP payload bytes arrived")
    ap.add_argument("--timeout", type=float, default=120.0, help="overall seconds")
    ap.add_argument("--json", default=None, help="write the summary here")
    ap.add_argument("--port-file", default=None, help="write the listening port here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--bochs-txdump", default=None, metavar="FILE",
                    help="offline: analyse the frames in a Bochs ethmod=null "
                         "eth_null-txdump.txt instead of listening")
    ap.add_argument("--pcap", default=None, metavar="FILE",
                    help="offline: count the UDP datagrams (and sequence gaps) in a "
                         "QEMU filter-dump pcap and exit")
    a = ap.parse_args()
    if a.pcap:
        n, gaps = pcap_udp_sequence(a.pcap, a.udp_port)
        print(f"PEER: pcap {a.pcap}: {n} UDP datagrams to port {a.udp_port}, "
              f"gaps [before, expected, got] {gaps}")
        return 0
    if not 1 <= a.size <= 1472:
        ap.error("--size must be 1..1472 (no IP fragmentation)")

    peer = Peer(a)
    if a.bochs_txdump:
        a.transport = "bochs-txdump"
        for fr in read_bochs_txdump(a.bochs_txdump):
            peer.frame(fr)
        peer.out.clear()
        peer.done_reason = "end of file"
        return report(peer, a)

    if a.transport == "stream":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((LOOPBACK, a.port))
        sock.listen(1)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        sock.bind((LOOPBACK, a.port))
    a.port = sock.getsockname()[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % a.port)
        os.replace(a.port_file + ".tmp", a.port_file)
    print("PEER: listening port=%d transport=%s" % (a.port, a.transport), flush=True)

    def stop(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        if a.transport == "stream":
            run_stream(peer, a, sock)
        else:
            run_dgram(peer, a, sock)
    except KeyboardInterrupt:
        peer.done_reason = "signal"
    sock.close()
    return report(peer, a)


def report(peer, a):
    s = peer.summary()
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump(s, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(a.json + ".tmp", a.json)
    peer.log("end: %s" % peer.done_reason)
    if a.send_bytes:
        print("PEER: tx bytes=%d packets=%d" % (peer.sent_bytes, peer.sent_packets), flush=True)
    print("PEER: rx bytes=%d packets=%d" % (peer.udp_bytes, peer.udp_packets), flush=True)
    bad = peer.c["udp_pattern_errors"] + peer.c["udp_bad_checksum"] + peer.c["udp_bad"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
