#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Write the seed inputs of tests/fuzz/fuzz_viommu_walk.c and fuzz_viommu_iq.c
into tests/fuzz/corpus/viommu_walk/ and viommu_iq/ (layouts: the header
structs of those harnesses, then guest pages at gpa 0, 4K, ...). Tables and
descriptors are encoded from the VT-d spec (9.1, 9.3, 9.8, 6.5.2).
Usage: tests/fuzz/mk_viommu_corpus.py [corpus dir]
"""
import os
import struct
import sys

PG = 4096
R, W, PS, SNP, TM = 1, 2, 0x80, 0x800, 1 << 62
RW = R | W


class Image:
    def __init__(self, pages):
        self.b = bytearray(pages * PG)

    def q(self, page, idx, v):
        off = page * PG + idx * 8
        self.b[off:off + 8] = struct.pack("<Q", v & (2**64 - 1))

    def desc(self, idx, lo, hi, base_page=0):
        self.q(base_page, idx * 2, lo)
        self.q(base_page, idx * 2 + 1, hi)


def write(out, name, hdr, img):
    with open(os.path.join(out, name), "wb") as f:
        f.write(hdr + bytes(img.b))


# ---- walk -------------------------------------------------------------------
# Pages: 0 root, 1 context, 2..5 tables, 6 data, 7 not guest RAM.
ROOT, CTX, T2, T3, T4, T5, DATA, HV = range(8)
RAM = 0x7F  # page 7 is not guest RAM


def walk_hdr(iova, start, pages, maxp=64, ram=RAM, flags=3, mgaw=48,
             bus=0, devfn=8, levels=0x18, slpt=T2):
    return struct.pack("<QQIHBBBBBBBB2x", iova, start, pages, maxp, ram,
                       flags, mgaw, ROOT, bus, devfn, levels, slpt)


def context(img, bus, devfn, slpt_page, aw, tt=0, did=1):
    img.q(ROOT, bus * 2, CTX * PG | 1)
    img.q(CTX, devfn * 2, slpt_page * PG | tt << 2 | 1)
    img.q(CTX, devfn * 2 + 1, did << 8 | aw)


def idx(iova, level):
    return (iova >> (12 + 9 * (level - 1))) & 511


def walk_seeds(out):
    # 4 levels, 4K leaves with holes and mixed permissions.
    img = Image(8)
    context(img, 0, 8, T2, 2)
    img.q(T2, 0, T3 * PG | RW)
    img.q(T3, 0, T4 * PG | RW)
    img.q(T4, 0, T5 * PG | RW)
    img.q(T5, 1, DATA * PG | RW)
    img.q(T5, 2, DATA * PG | R)
    img.q(T5, 5, DATA * PG | W)
    img.q(T5, 6, DATA * PG | RW | TM)
    img.q(T5, 7, HV * PG | RW)
    write(out, "w4_4k_holes", walk_hdr(0x1234, 0, 16), img)
    write(out, "w4_4k_fn_stop", walk_hdr(0x1234, 0, 16, maxp=6, flags=0x13),
          img)
    write(out, "w4_4k_fn_fail", walk_hdr(0x1234, 0, 16, maxp=6, flags=0x23),
          img)

    # 3 levels.
    img = Image(8)
    context(img, 0, 8, T3, 1)
    iova = (2 << 30) | (5 << 21) | (7 << 12) | 0x123
    img.q(T3, idx(iova, 3), T4 * PG | RW)
    img.q(T4, idx(iova, 2), T5 * PG | RW)
    img.q(T5, idx(iova, 1), DATA * PG | W)
    write(out, "w3_4k", walk_hdr(iova, iova - 0x3000, 8, levels=0x08), img)

    # 2M and 1G leaves over guest RAM at gpa 0 (pages 0..6 are RAM).
    img = Image(8)
    context(img, 0, 8, T2, 2)
    img.q(T2, 0, T3 * PG | RW)
    img.q(T3, 0, T4 * PG | RW)
    img.q(T3, 1, 0 | PS | R)                 # 1G at 1G -> gpa 0
    img.q(T4, 1, 0 | PS | RW | SNP)          # 2M at 2M -> gpa 0
    img.q(T4, 2, 0x1000 | PS | RW)           # reserved low address bits
    write(out, "w4_2m", walk_hdr(0x203456, 0x1ff000, 16), img)
    write(out, "w4_1g", walk_hdr((1 << 30) + 0x5678, 1 << 30, 12), img)
    write(out, "w4_2m_no_sllps", walk_hdr(0x203456, 0x1ff000, 16, flags=0), img)

    # Pass-through context.
    img = Image(8)
    context(img, 3, 0x10, 0, 2, tt=2)
    write(out, "w_passthrough",
          walk_hdr(0x5123, 0, 8, bus=3, devfn=0x10), img)

    # A top table that points at itself, and a two-table cycle.
    img = Image(8)
    context(img, 0, 8, T2, 2)
    for i in range(512):
        img.q(T2, i, T2 * PG | RW)
    write(out, "w_selfref", walk_hdr(0x7123, 0, 600, maxp=700), img)
    img = Image(8)
    context(img, 0, 8, T2, 2)
    img.q(T2, 0, T3 * PG | RW)
    img.q(T3, 0, T2 * PG | RW)
    write(out, "w_cycle", walk_hdr(0x10, 0, 64), img)

    # Tables and leaves in memory that is not guest RAM.
    img = Image(8)
    context(img, 0, 8, T2, 2)
    img.q(T2, 0, T3 * PG | RW)
    img.q(T3, 0, HV * PG | RW)
    img.q(T3, 1, T4 * PG | RW)
    img.q(T4, 0, HV * PG | PS | RW)
    img.q(HV, 0, T5 * PG | RW)
    img.q(T5, 0, DATA * PG | RW)
    write(out, "w_not_ram", walk_hdr(0x10, 0, 1 << 20, maxp=1000), img)

    # Root/context faults: reserved bits, bad AW, TT=1.
    img = Image(8)
    context(img, 0, 8, T2, 2)
    img.q(ROOT, 1, 1)                       # root hi reserved
    write(out, "w_root_rsvd", walk_hdr(0, 0, 1), img)
    img = Image(8)
    context(img, 0, 8, T2, 3)               # 5-level: not supported
    write(out, "w_ctx_aw", walk_hdr(0, 0, 1, flags=8), img)
    img = Image(8)
    context(img, 0, 8, T2, 2, tt=1)
    write(out, "w_ctx_tt1", walk_hdr(0, 0, 1), img)

    # Present non-leaf entries everywhere, no leaf: the range budget.
    img = Image(8)
    context(img, 0, 8, T2, 2)
    for i in range(512):
        img.q(T2, i, T3 * PG | RW)
        img.q(T3, i, T4 * PG | RW)
        img.q(T4, i, T5 * PG | RW)
    write(out, "w_budget", walk_hdr(0, 0, (1 << 24) - 1, maxp=100), img)
    write(out, "w_bad_ctx", walk_hdr(0, 0, 4, flags=0x43), img)


# ---- iq ---------------------------------------------------------------------
Q, ST, HVQ = 0, 1, 7  # queue page, status page, a page that is not RAM


def iq_hdr(iqa=0, tails=(0, 0, 0, 0), ram=0x7F, clear=0, fail=0, scribble=0,
           calls=0):
    return struct.pack("<Q4IBBBBB3x", iqa, *[t << 4 for t in tails], ram,
                       clear, fail, scribble, calls)


def cc(g, did=0, sid=0, fm=0):
    return (1 | g << 4 | did << 16 | sid << 32 | fm << 48, 0)


def iotlb(g, did=0, addr=0, am=0, ih=0, drdw=0):
    return (2 | g << 4 | drdw << 6 | did << 16, addr | ih << 6 | am)


def wait(data, addr, iflag=1, sw=1, fn=1):
    return (5 | iflag << 4 | sw << 5 | fn << 6 | data << 32, addr)


def queue(descs, pages=8, base_page=Q):
    img = Image(pages)
    for i, d in enumerate(descs):
        page, slot = base_page + i // 256, i % 256
        img.desc(slot, d[0], d[1], page)
    return img


def iq_seeds(out):
    mixed = [cc(1), cc(2, 5), cc(3, 5, 0x0810, 2), iotlb(1), iotlb(2, 5),
             iotlb(3, 5, 0x12345000, 3, 1, 3), wait(0x600D, ST * PG + 8)]
    write(out, "iq_mixed", iq_hdr(tails=(len(mixed), 0, 0, 0)), queue(mixed))

    bad = [iotlb(2, 1), cc(2, 1), (3, 0), iotlb(3, 1, 0x3000),
           wait(0x77, ST * PG)]
    write(out, "iq_bad_middle",
          iq_hdr(tails=(5, 5, 5, 0), clear=0b0100, calls=2), queue(bad))

    ring = [iotlb(2, i) for i in range(256)]
    write(out, "iq_wrap", iq_hdr(tails=(250, 4, 3, 0), calls=2), queue(ring))

    two = [iotlb(3, 7, i << 12) for i in range(300)] + [wait(1, ST * PG)]
    write(out, "iq_qs1", iq_hdr(iqa=2 * PG | 1, tails=(301, 0, 0, 0)),
          queue(two, base_page=2))

    write(out, "iq_status_not_ram",
          iq_hdr(tails=(2, 2, 0, 0), clear=0b10, calls=1),
          queue([wait(0xABCD, HVQ * PG), iotlb(1)]))

    write(out, "iq_tail_oob", iq_hdr(tails=(256, 1, 1, 0), clear=0b100,
                                     calls=2), queue([iotlb(1)]))

    write(out, "iq_retry",
          iq_hdr(tails=(4, 4, 4, 0), fail=0b011011, calls=2),
          queue([iotlb(2, 1), wait(0x99, ST * PG), cc(1), iotlb(1)]))

    write(out, "iq_scribble", iq_hdr(tails=(len(mixed), 0, 0, 0),
                                     scribble=0x5A), queue(mixed))

    write(out, "iq_dw", iq_hdr(iqa=1 << 11, tails=(1, 0, 0, 0)),
          queue([iotlb(1)]))

    types = [(t, 0) for t in range(16)]
    write(out, "iq_types", iq_hdr(tails=(16, 16, 16, 16), clear=0xE,
                                  calls=3), queue(types))

    write(out, "iq_queue_not_ram", iq_hdr(iqa=HVQ * PG, tails=(3, 0, 0, 0)),
          queue([iotlb(1)] * 3, base_page=HVQ))


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus")
    for name, fn in (("viommu_walk", walk_seeds), ("viommu_iq", iq_seeds)):
        d = os.path.join(root, name)
        os.makedirs(d, exist_ok=True)
        fn(d)


if __name__ == "__main__":
    main()
