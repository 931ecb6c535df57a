#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Write the seed inputs of tests/fuzz/fuzz_guest_walk.c into
tests/fuzz/corpus/guest_walk/: a 48-byte header (CR0, CR3, CR4, EFER, gva
as u64; access, maxphyaddr, fetch max, pad as u8; image base page as u32)
followed by a guest memory image holding real page tables. Usage:
    tests/fuzz/mk_guest_walk_corpus.py [outdir]
"""
import os
import struct
import sys

PG, WP, PE = 1 << 31, 1 << 16, 1
PSE, PAE, LA57, SMEP = 1 << 4, 1 << 5, 1 << 12, 1 << 20
LMA, NXE = 1 << 10, 1 << 11
P, RW, US, PS, XD = 1, 2, 4, 0x80, 1 << 63
ALL = P | RW | US
WRITE, USER, FETCH = 1, 2, 4


class Image:
    def __init__(self, pages):
        self.b = bytearray(pages * 4096)

    def set64(self, off, v):
        self.b[off:off + 8] = struct.pack("<Q", v)

    def set32(self, off, v):
        self.b[off:off + 4] = struct.pack("<I", v)

    def code(self, off, data):
        self.b[off:off + len(data)] = data


def seed(name, cr0, cr3, cr4, efer, gva, img, access=0, maxphy=46,
         fmax=15, base_page=0, out="."):
    hdr = struct.pack("<QQQQQBBBBI", cr0, cr3, cr4, efer, gva, access,
                      maxphy, fmax, 0, base_page)
    assert len(hdr) == 48
    with open(os.path.join(out, name), "wb") as f:
        f.write(hdr + bytes(img.b))


def idx(gva, level):
    return (gva >> (12 + 9 * (level - 1))) & 511


CODE = bytes.fromhex("8b0789074c890cc8c74220785634120f")  # MOVs


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "guest_walk")
    os.makedirs(out, exist_ok=True)
    lm = PG | WP | PE

    # 4-level, 4K pages; the gva sits 6 bytes before a page boundary and
    # the next page is mapped too (fetch across pages).
    gva = 0x00007F8080604FFA
    im = Image(7)
    im.set64(0x0000 + idx(gva, 4) * 8, 0x1000 | ALL)
    im.set64(0x1000 + idx(gva, 3) * 8, 0x2000 | ALL)
    im.set64(0x2000 + idx(gva, 2) * 8, 0x3000 | ALL)
    im.set64(0x3000 + idx(gva, 1) * 8, 0x4000 | ALL)
    im.set64(0x3000 + (idx(gva, 1) + 1) * 8, 0x6000 | ALL)
    im.code(0x4FFA, CODE[:6])
    im.code(0x6000, CODE[6:])
    seed("lm4_4k_cross", lm, 0, PAE, LMA | NXE, gva, im, FETCH, out=out)
    # the second page NX, then not present
    im.set64(0x3000 + (idx(gva, 1) + 1) * 8, 0x6000 | ALL | XD)
    seed("lm4_4k_next_nx", lm, 0, PAE, LMA | NXE, gva, im, FETCH, out=out)
    im.set64(0x3000 + (idx(gva, 1) + 1) * 8, 0x6000)
    seed("lm4_4k_next_absent", lm, 0, PAE, LMA | NXE, gva, im, WRITE,
         out=out)

    # 4-level 2M and 1G pages at gpa 0; the image (at gpa 1M, base page
    # 0x100) holds the tables and the code at 0x102800
    base = 0x100000
    gva = 0x0000000040302800
    im = Image(3)
    im.code(0x2800, CODE)
    im.set64(0x0000 + idx(gva, 4) * 8, (base + 0x1000) | ALL)
    im.set64(0x1000 + idx(gva, 3) * 8, (base + 0x2000) | ALL)
    im.set64(0x2000 + idx(gva, 2) * 8, 0x0 | ALL | PS)
    seed("lm4_2m", lm, base, PAE, LMA | NXE, gva, im, USER | WRITE,
         base_page=base >> 12, out=out)
    im.set64(0x1000 + idx(gva, 3) * 8, 0x0 | ALL | PS)
    seed("lm4_1g", lm, base, PAE, LMA | NXE, gva, im, 0,
         base_page=base >> 12, out=out)

    # 5-level, read-only user page under SMEP
    gva = 0x0003000000001010
    im = Image(6)
    im.set64(0x0000 + idx(gva, 5) * 8, 0x1000 | ALL)
    im.set64(0x1000 + idx(gva, 4) * 8, 0x2000 | ALL)
    im.set64(0x2000 + idx(gva, 3) * 8, 0x3000 | ALL)
    im.set64(0x3000 + idx(gva, 2) * 8, 0x4000 | ALL)
    im.set64(0x4000 + idx(gva, 1) * 8, 0x5000 | P | US)
    im.code(0x5010, CODE)
    seed("lm5_4k_smep", lm, 0, PAE | LA57 | SMEP, LMA | NXE, gva, im,
         FETCH, maxphy=52, out=out)

    # self-referencing PML4 (every entry points at the PML4)
    im = Image(1)
    for i in range(512):
        im.set64(i * 8, 0x0 | ALL)
    seed("lm4_self_ref", lm, 0, PAE, LMA, 0x00007FFFFFFFFFF8, im, FETCH,
         out=out)

    # PAE: PDPT at CR3 0x20 (32-byte aligned), 4K and 2M
    gva = 0xC0A01123
    im = Image(4)
    im.set64(0x20 + 3 * 8, 0x1000 | P)
    im.set64(0x1000 + ((gva >> 21) & 511) * 8, 0x2000 | ALL)
    im.set64(0x2000 + ((gva >> 12) & 511) * 8, 0x3000 | ALL)
    im.code(0x3123, CODE)
    seed("pae_4k", lm, 0x20, PAE, NXE, gva, im, FETCH, maxphy=36, out=out)
    im.set64(0x1000 + ((gva >> 21) & 511) * 8, 0x0 | RW | P | PS)
    seed("pae_2m", lm, 0x20, PAE, NXE, gva, im, WRITE, maxphy=36, out=out)

    # 32-bit paging: 4K, and a 4M PSE-36 page
    gva = 0x80C03456
    im = Image(3)
    im.set32(0x0000 + (gva >> 22) * 4, 0x1000 | ALL)
    im.set32(0x1000 + ((gva >> 12) & 0x3FF) * 4, 0x2000 | ALL)
    im.code(0x2456, CODE)
    seed("x86_4k", lm, 0, PSE, 0, gva, im, USER, maxphy=40, out=out)
    im.set32(0x0000 + (gva >> 22) * 4, 0x80C00000 | (1 << 13) | ALL | PS)
    seed("x86_4m_pse36", lm, 0, PSE, 0, gva, im, 0, maxphy=40, out=out)

    # paging off: real-mode style fetch at 0x7c00
    im = Image(1)
    im.code(0xC00, CODE)
    seed("unpaged", PE, 0, 0, 0, 0x7C00, im, FETCH, base_page=7, out=out)


if __name__ == "__main__":
    main()
