#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Write the seed inputs of tests/fuzz/fuzz_viommu_regs.c into
tests/fuzz/corpus/viommu_regs/: a 4-byte header (levels, MGAW, SLLPS, fault
record layout) and 12-byte operations (kind, size, u16 offset, u64 value).
The seeds are what Linux's intel-iommu driver does to a unit (VT-d spec
ch. 11): root pointer, queued invalidation, global invalidations,
translation on, page invalidations through the queue tail, a fault and its
write-1-to-clear, once trapped and once through sidecore scans.
Usage: tests/fuzz/mk_viommu_regs_corpus.py [corpus dir]
"""
import os
import struct
import sys

READ, WRITE, SCAN, CCMD_DONE, IOTLB_DONE, FAULT, IQE, IWC, HEAD = range(9)
GCMD, GSTS, RTADDR, CCMD, FSTS, FECTL, IQH, IQT, IQA, ICS, IECTL = (
    0x18, 0x1c, 0x20, 0x28, 0x34, 0x38, 0x80, 0x88, 0x90, 0x9c, 0xa0)
IOTLB = 0x208
TE, SRTP, QIE = 1 << 31, 1 << 30, 1 << 26


def op(kind, size=0, off=0, val=0):
    return struct.pack("<BBHQ", kind, size, off, val & (2**64 - 1))


def linux_init(scan=False):
    """Linux's order: SRTP, QI on, global context + IOTLB via the queue, TE."""
    w = (lambda off, size, val: op(SCAN, 0x80 if size == 8 else 0, off, val)) if scan else \
        (lambda off, size, val: op(WRITE, size, off, val))
    ops = [op(READ, 8, 0x08), op(READ, 8, 0x10), op(READ, 4, GSTS),
           w(RTADDR, 8, 0x1000), w(GCMD, 4, SRTP), op(READ, 4, GSTS),
           w(IQA, 8, 0x2000), w(GCMD, 4, QIE), op(READ, 4, GSTS)]
    for t in (1, 2, 3, 4):
        ops += [w(IQT, 8, t * 16), op(HEAD, 0, 0, t), op(READ, 8, IQH)]
    ops += [w(GCMD, 4, QIE | TE), op(READ, 4, GSTS)]
    return ops


def fault_cycle(fro):
    return [op(WRITE, 4, FECTL, 1 << 31), op(FAULT, 6, 0x0010, 0x12345000),
            op(READ, 4, FSTS), op(READ, 8, fro + 8), op(WRITE, 4, FECTL, 0),
            op(WRITE, 8, fro + 8, 1 << 63), op(WRITE, 4, FSTS, 0x7f),
            op(IQE, 1), op(WRITE, 4, FSTS, 0x10), op(IWC), op(WRITE, 4, ICS, 1)]


def register_invalidation():
    return [op(WRITE, 8, CCMD, (1 << 63) | (1 << 61)), op(CCMD_DONE, 1),
            op(WRITE, 8, IOTLB, (1 << 63) | (1 << 60)), op(IOTLB_DONE, 1),
            op(WRITE, 4, CCMD + 4, 0xa0000000), op(CCMD_DONE, 2)]


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "viommu_regs")
    os.makedirs(out, exist_ok=True)
    seeds = {
        "linux-trap-3level": bytes([0, 0, 1, 0]) + b"".join(linux_init()),
        "linux-trap-4level": bytes([1, 0, 3, 0]) + b"".join(linux_init()),
        "linux-sidecore": bytes([0, 0, 1, 0]) + b"".join(linux_init(scan=True)),
        "fault-page1": bytes([0, 0, 0, 0]) + b"".join(linux_init() + fault_cycle(0x1000)),
        "fault-page0": bytes([0, 0, 0, 1]) + b"".join(linux_init() + fault_cycle(0x220)),
        "register-inv": bytes([0, 0, 1, 0]) + b"".join(register_invalidation()),
        "odd-accesses": bytes([0, 7, 0, 0]) + b"".join(
            [op(READ, 3, 0x1001), op(WRITE, 2, 0x33, 5), op(WRITE, 8, 0x1ff8, 1),
             op(READ, 8, 0xfff8), op(WRITE, 4, 0x2000, 7)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(seeds)} seeds in {out}")


if __name__ == "__main__":
    main()
