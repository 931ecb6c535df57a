#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Helper for scripts/capture_pci.sh: turn captured PCI config spaces into
test blobs under tests/data/pci/<bed>/ (one <bus>_<dev>.<fn>.bin per function
plus manifest.txt, read by tests/unit/test_pci.c).

Subcommands
  boot qemu|bochs ISO WORKDIR [--timeout S]
        Boot ISO (built with HV_CMDLINE=dump=pci) on the bed as defined in
        tests/integration/bed.py; the console goes to WORKDIR/serial.log.
        QEMU also gets a QMP socket: once the hypervisor has printed its NIC
        line, "info pci" is saved to WORKDIR/info-pci.txt and the ECAM window
        is read into WORKDIR/xp/ (see qmp).
  dump LOG OUTDIR [--bed NAME] [--sizes FILE] [--header TEXT]
        Convert the hypervisor's "PCIDUMP bb:dd.f off: xx ..." console lines
        (option dump=pci) into blobs. BAR sizes for the manifest come from a
        QEMU "info pci" text (--sizes) or, without it, from the hypervisor's
        own "PCI:   barN ... size S" lines, checked against KNOWN_SIZES.
  qmp SOCKET OUT_INFO [--ecam BASE --xp-dir DIR]
        Ask a running QEMU over QMP for "info pci" (saved to OUT_INFO); with
        --ecam also read every listed function's 4 KiB of ECAM with "xp"
        and write blobs to DIR (an independent capture to cross-check the
        hypervisor's dump).
  compare DIR_A DIR_B
        Report functions whose blobs differ (exit 1 on difference).
"""
import argparse
import json
import os
import re
import socket
import sys
import time

DUMP_RE = re.compile(
    r"PCIDUMP ((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) ([0-9a-f]{3}):((?: [0-9a-f]{2}){16})")
BAR_RE = re.compile(r"PCI:   bar([0-5]) (io|mem32|mem64)(?: pref)? 0x[0-9a-f]+ size 0x([0-9a-f]+)")
DEV_RE = re.compile(r"PCI: ((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) [0-9a-f]{4}:[0-9a-f]{4} ")
INFO_FN_RE = re.compile(r"Bus\s+(\d+), device\s+(\d+), function (\d+):")
INFO_BAR_RE = re.compile(r"BAR([0-5]): .* at 0x([0-9a-f]+) \[0x([0-9a-f]+)\]")


def blob_name(bdf):
    bus, rest = bdf.split(":")[-2:]
    return f"{bus}_{rest}.bin"


def parse_dump(text):
    """{bdf: bytearray} from PCIDUMP lines; checks each dump is complete."""
    data = {}
    for m in DUMP_RE.finditer(text):
        bdf, off, hexbytes = m.group(1), int(m.group(2), 16), m.group(3)
        buf = data.setdefault(bdf, {})
        buf[off] = bytes(int(x, 16) for x in hexbytes.split())
    out = {}
    for bdf, lines in data.items():
        size = 4096 if max(lines) >= 0x100 else 256
        missing = [o for o in range(0, size, 16) if o not in lines]
        if missing:
            sys.exit(f"capture_pci: {bdf}: dump incomplete, {len(missing)} lines missing "
                     f"(first at 0x{missing[0]:x})")
        out[bdf] = bytearray(b"".join(lines[o] for o in range(0, size, 16)))
    return out


def sizes_from_info(text):
    """{bdf: {bar: size}} from QEMU's "info pci" (BAR6 = ROM is skipped)."""
    sizes, cur = {}, None
    for line in text.splitlines():
        m = INFO_FN_RE.search(line)
        if m:
            bus, dev, fn = (int(x) for x in m.groups())
            cur = f"{bus:02x}:{dev:02x}.{fn}"
            sizes[cur] = {}
            continue
        m = INFO_BAR_RE.search(line)
        if m and cur:
            start, end = int(m.group(2), 16), int(m.group(3), 16)
            sizes[cur][int(m.group(1))] = end - start + 1
    return sizes


def sizes_from_log(text):
    sizes, cur = {}, None
    for line in text.splitlines():
        m = DEV_RE.match(line)
        if m:
            cur = m.group(1)
            sizes[cur] = {}
            continue
        m = BAR_RE.match(line)
        if m and cur:
            sizes[cur][int(m.group(1))] = int(m.group(3), 16)
    return sizes


def write_bed(outdir, blobs, sizes, header):
    os.makedirs(outdir, exist_ok=True)
    for name in os.listdir(outdir):
        if name.endswith(".bin"):
            os.unlink(os.path.join(outdir, name))
    lines = [f"# {h}" for h in header]
    lines.append("# BB:DD.F file [barN=size (hex) ...]")
    for bdf in sorted(blobs):
        with open(os.path.join(outdir, blob_name(bdf)), "wb") as f:
            f.write(blobs[bdf])
        bars = " ".join(f"bar{i}=0x{s:x}" for i, s in sorted(sizes.get(bdf, {}).items()))
        lines.append(f"{bdf} {blob_name(bdf)} {bars}".rstrip())
    with open(os.path.join(outdir, "manifest.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"capture_pci: {len(blobs)} functions -> {outdir}")


class Qmp:
    def __init__(self, path, timeout=30):
        self.sock = socket.socket(socket.AF_UNIX)
        deadline = time.time() + timeout
        while True:
            try:
                self.sock.connect(path)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.2)
        self.sock.settimeout(timeout)
        self.buf = b""
        self._recv()  # greeting
        self.cmd("qmp_capabilities")

    def _recv(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        self.sock.sendall(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        while True:
            msg = self._recv()
            if "return" in msg:
                return msg["return"]
            if "error" in msg:
                raise RuntimeError(msg["error"])

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})


def xp_read(qmp, addr, size):
    out = bytearray()
    text = qmp.hmp(f"xp /{size // 4}wx 0x{addr:x}")
    for line in text.splitlines():
        _, _, words = line.partition(":")
        for w in words.split():
            out += int(w, 16).to_bytes(4, "little")
    if len(out) != size:
        sys.exit(f"capture_pci: xp at 0x{addr:x} returned {len(out)} bytes")
    return out


def cmd_qmp(a):
    qmp = Qmp(a.socket)
    info = qmp.hmp("info pci")
    with open(a.out_info, "w") as f:
        f.write(info)
    if a.ecam is not None:
        blobs = {}
        for bdf in sizes_from_info(info):
            bus, dev, fn = int(bdf[0:2], 16), int(bdf[3:5], 16), int(bdf[6])
            addr = a.ecam + (bus << 20 | dev << 15 | fn << 12)
            blobs[bdf] = xp_read(qmp, addr, 4096)
        write_bed(a.xp_dir, blobs, sizes_from_info(info),
                  ["read from ECAM through QEMU's monitor (xp), not by the hypervisor"])


def cmd_dump(a):
    with open(a.log, errors="replace") as f:
        text = f.read()
    blobs = parse_dump(text)
    if not blobs:
        sys.exit(f"capture_pci: no PCIDUMP lines in {a.log}")
    header = [l for l in a.header or []]
    if a.sizes:
        with open(a.sizes) as f:
            sizes = sizes_from_info(f.read())
        header.append(f"BAR sizes: QEMU 'info pci' ({os.path.basename(a.sizes)})")
    else:
        sizes = sizes_from_log(text)
        header.append("BAR sizes: the hypervisor's own report, each one equal to "
                      "KNOWN_SIZES in scripts/capture_pci.py")
        known = KNOWN_SIZES.get(a.bed, {})
        for bdf, bars in sizes.items():
            for bar, got in bars.items():
                want = known.get((bdf, bar))
                if want != got:
                    sys.exit(f"capture_pci: {bdf} bar{bar}: size 0x{got:x}, expected "
                             + (f"0x{want:x}" if want else "no BAR (not in KNOWN_SIZES)"))
    write_bed(a.outdir, blobs, sizes, header)


# Where no emulator reports BAR sizes (Bochs), every size the hypervisor
# reports must equal one of these facts about the device, or the capture fails.
KNOWN_SIZES = {
    "bochs-i440fx": {
        ("00:01.1", 4): 0x10,     # PIIX3 IDE: bus-master DMA registers, 16 B
        ("00:01.2", 4): 0x20,     # PIIX3 UHCI: 32 B I/O space (UHCI 1.1, 2.1)
        ("00:02.0", 0): 0x20000,  # 8254x (e1000): 128 KiB register window
        ("00:02.0", 1): 0x40,     # Bochs e1000: IOADDR/IODATA window, 64 B
    },
}


def cmd_compare(a):
    bad = 0
    for name in sorted(os.listdir(a.a)):
        if not name.endswith(".bin"):
            continue
        pa, pb = os.path.join(a.a, name), os.path.join(a.b, name)
        if not os.path.exists(pb):
            print(f"compare: {name} only in {a.a}")
            bad += 1
            continue
        da, db = open(pa, "rb").read(), open(pb, "rb").read()
        n = min(len(da), len(db))
        diffs = [o for o in range(n) if da[o] != db[o]]
        if diffs:
            print(f"compare: {name}: {len(diffs)} bytes differ, first at 0x{diffs[0]:x}")
            bad += 1
    print(f"compare: {'differences found' if bad else 'identical'}")
    return 1 if bad else 0


# ---- booting the hypervisor ------------------------------------------------------

DONE_RE = re.compile(r"^HV: (nic |ready)")
FATAL = ("PANIC:", "FATAL:", "EXCEPTION:")


def load_bed():
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "..", "tests", "integration", "bed.py")
    spec = importlib.util.spec_from_file_location("bed", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def cmd_boot(a):
    bed = load_bed()
    work = os.path.abspath(a.workdir)
    os.makedirs(work, exist_ok=True)
    raw = os.path.join(work, "com1.raw")
    for f in (raw, os.path.join(work, "qmp.sock")):
        if os.path.exists(f):
            os.unlink(f)
    iso = os.path.abspath(a.iso)
    env = dict(os.environ)
    if a.bed == "qemu":
        sock = os.path.join(work, "qmp.sock")
        argv = bed.qemu_argv(iso, raw, accel="tcg",
                             extra=("-qmp", f"unix:{sock},server=on,wait=off"))
    else:
        with open(os.path.join(work, "bochsrc"), "w") as f:
            f.write(bed.render_bochsrc(iso, raw, os.path.join(work, "bochs.log")))
        with open(os.path.join(work, "bochs.rc"), "w") as f:
            f.write(bed.BOCHS_RC)
        argv = [bed.BOCHS, "-q", "-f", "bochsrc", "-rc", "bochs.rc"]
        env["TERM"] = "xterm"
    emu = bed.Emulator(a.bed, argv, work, os.path.join(work, "emulator.out"), env)
    tail = bed.SerialTail(raw, os.path.join(work, "serial.log"))
    t0, why, done = time.monotonic(), "timeout", False
    try:
        while emu.running() and time.monotonic() - t0 < a.timeout:
            time.sleep(0.1)
            for ln in tail.poll():
                if DONE_RE.match(ln):
                    done, why = True, ln.strip()
                if any(m in ln for m in FATAL):
                    why = ln.strip()
            if done or why != "timeout":
                break
        if not emu.running():
            why = f"emulator exited ({emu.proc.returncode})"
        if done and a.bed == "qemu":
            time.sleep(0.5)
            a.socket, a.out_info = sock, os.path.join(work, "info-pci.txt")
            a.xp_dir = os.path.join(work, "xp")
            cmd_qmp(a)
    finally:
        emu.stop()
        tail.close()
    print(f"capture_pci: {a.bed}: {time.monotonic() - t0:.1f} s, {why}")
    if not done:
        sys.exit(f"capture_pci: {a.bed}: no 'HV: nic' line; see {work}/serial.log")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("boot")
    b.add_argument("bed", choices=("qemu", "bochs"))
    b.add_argument("iso")
    b.add_argument("workdir")
    b.add_argument("--timeout", type=float, default=120)
    b.add_argument("--ecam", type=lambda s: int(s, 0), default=0xb0000000)
    d = sub.add_parser("dump")
    d.add_argument("log")
    d.add_argument("outdir")
    d.add_argument("--bed", default="")
    d.add_argument("--sizes")
    d.add_argument("--header", action="append")
    q = sub.add_parser("qmp")
    q.add_argument("socket")
    q.add_argument("out_info")
    q.add_argument("--ecam", type=lambda s: int(s, 0))
    q.add_argument("--xp-dir")
    c = sub.add_parser("compare")
    c.add_argument("a")
    c.add_argument("b")
    a = p.parse_args()
    if a.cmd == "boot":
        cmd_boot(a)
    elif a.cmd == "dump":
        cmd_dump(a)
    elif a.cmd == "qmp":
        cmd_qmp(a)
    else:
        sys.exit(cmd_compare(a))


if __name__ == "__main__":
    main()
