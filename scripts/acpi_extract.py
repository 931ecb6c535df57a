#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extract ACPI tables from physical-memory dumps (used by capture_acpi.sh).

Each --region BASE:FILE says that FILE holds physical memory from BASE on.
The script finds the RSDP (EBDA first KiB, then 0xE0000-0xFFFFF on 16-byte
boundaries), walks the XSDT (if present) or RSDT, follows the FADT to the
DSDT and FACS, and writes every table as OUT/<SIG>.dat (OUT/<SIG><n>.dat for
repeated signatures) plus OUT/RSDP.dat and an index OUT/index.txt with one
line per blob: "<file> <sig> <phys-addr> <length> <checksum ok|bad|none>".
Exit status 2 when no RSDP is found (the firmware has not built it yet).
"""

import argparse
import os
import struct
import sys


class PhysMem:
    def __init__(self):
        self.regions = []  # (base, bytes)

    def add(self, base, data):
        self.regions.append((base, data))

    def read(self, pa, length):
        for base, data in self.regions:
            if base <= pa and pa + length <= base + len(data):
                return data[pa - base:pa - base + length]
        raise LookupError("0x%x+0x%x not in any dumped region" % (pa, length))

    def has(self, pa, length):
        try:
            self.read(pa, length)
            return True
        except LookupError:
            return False


def csum_ok(data):
    return sum(data) & 0xFF == 0


def find_rsdp(mem):
    cands = []
    if mem.has(0x40E, 2):
        ebda = struct.unpack("<H", mem.read(0x40E, 2))[0] << 4
        if ebda:
            cands.append((ebda, 1024))
    cands.append((0xE0000, 0x20000))
    for start, size in cands:
        for pa in range(start, start + size, 16):
            if not mem.has(pa, 20):
                continue
            head = mem.read(pa, 20)
            if head[:8] == b"RSD PTR " and csum_ok(head):
                return pa
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--region", action="append", required=True,
                    help="BASE:FILE (BASE in hex or decimal)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--probe", action="store_true",
                    help="only report whether an RSDP is present")
    args = ap.parse_args()

    mem = PhysMem()
    for r in args.region:
        base, path = r.split(":", 1)
        with open(path, "rb") as f:
            mem.add(int(base, 0), f.read())

    rsdp_pa = find_rsdp(mem)
    if rsdp_pa is None:
        print("acpi_extract: no RSDP found", file=sys.stderr)
        return 2
    if args.probe:
        print("RSDP at 0x%x" % rsdp_pa)
        return 0

    os.makedirs(args.out, exist_ok=True)
    index = []
    counts = {}

    def emit(sig, pa, data, has_csum=True):
        n = counts.get(sig, 0)
        counts[sig] = n + 1
        name = "%s%s.dat" % (sig, n if n else "")
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        ok = ("ok" if csum_ok(data) else "bad") if has_csum else "none"
        index.append("%s %s 0x%x %d %s" % (name, sig, pa, len(data), ok))
        print("  %-10s 0x%08x len %5d checksum %s" % (name, pa, len(data), ok))

    def table(pa):
        hdr = mem.read(pa, 36)
        sig = hdr[:4].decode("ascii", "replace")
        length = struct.unpack_from("<I", hdr, 4)[0]
        return sig, mem.read(pa, length)

    head = mem.read(rsdp_pa, 20)
    rev = head[15]
    rsdt_pa = struct.unpack_from("<I", head, 16)[0]
    xsdt_pa = 0
    if rev >= 2:
        length = struct.unpack_from("<I", mem.read(rsdp_pa, 24), 20)[0]
        full = mem.read(rsdp_pa, length)
        xsdt_pa = struct.unpack_from("<Q", full, 24)[0]
        emit("RSDP", rsdp_pa, full)
    else:
        emit("RSDP", rsdp_pa, head)
    print("RSDP rev %d at 0x%x: RSDT 0x%x XSDT 0x%x" %
          (rev, rsdp_pa, rsdt_pa, xsdt_pa))

    seen = set()
    ptrs = []
    for root_pa, width in ((xsdt_pa, 8), (rsdt_pa, 4)):
        if not root_pa:
            continue
        sig, data = table(root_pa)
        emit(sig, root_pa, data)
        for off in range(36, len(data) - width + 1, width):
            pa = int.from_bytes(data[off:off + width], "little")
            if pa not in ptrs:
                ptrs.append(pa)

    for pa in ptrs:
        if pa in seen:
            continue
        seen.add(pa)
        sig, data = table(pa)
        emit(sig, pa, data)
        if sig == "FACP":
            facs_pa = struct.unpack_from("<I", data, 36)[0]
            dsdt_pa = struct.unpack_from("<I", data, 40)[0]
            if len(data) >= 148:
                x_facs = struct.unpack_from("<Q", data, 132)[0]
                x_dsdt = struct.unpack_from("<Q", data, 140)[0]
                facs_pa = x_facs or facs_pa
                dsdt_pa = x_dsdt or dsdt_pa
            if dsdt_pa and dsdt_pa not in seen:
                seen.add(dsdt_pa)
                s, d = table(dsdt_pa)
                emit(s, dsdt_pa, d)
            if facs_pa and facs_pa not in seen:
                seen.add(facs_pa)
                flen = struct.unpack_from("<I", mem.read(facs_pa, 8), 4)[0]
                emit("FACS", facs_pa, mem.read(facs_pa, flen), has_csum=False)

    with open(os.path.join(args.out, "index.txt"), "w") as f:
        f.write("# file sig phys-addr length checksum "
                "(written by scripts/acpi_extract.py)\n")
        f.write("\n".join(index) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
