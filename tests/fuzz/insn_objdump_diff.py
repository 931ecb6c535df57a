#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""
Differential check of vmm/insn_decode.c against GNU objdump: random
instruction-shaped byte strings (legacy prefixes, REX, the opcodes the
decoder knows, random ModRM/SIB/displacement/immediate bytes) are decoded by
both; wherever ours returns a length (0 or -ENOTSUP) it must equal
objdump's. objdump accepting LOCK MOV (which #UDs on hardware) and a few
prefixed 0F 09/0F 01 forms it calls "(bad)" are the known differences.
Usage: tests/fuzz/insn_objdump_diff.py [seed] [count per mode]
"""
import os
import random
import re
import subprocess
import sys
import tempfile

DRIVER = r"""
#include <stdio.h>
#include <stdlib.h>
#include "vmm/insn_decode.h"
int main(void)
{
	char line[256];

	while (fgets(line, sizeof(line), stdin)) {
		unsigned char b[32];
		unsigned int n = 0, len = 0;
		char *p = line;
		long m = strtol(p, &p, 10);
		enum insn_cpu_mode mode = m == 64 ? INSN_MODE_64 :
					  m == 32 ? INSN_MODE_32 : INSN_MODE_16;
		struct insn_mmio o;
		int r1, r2;

		while (*p && *p != '\n' && n < sizeof(b))
			b[n++] = (unsigned char)strtoul(p, &p, 16);
		r1 = insn_decode_mmio(b, n, mode, &o);
		r2 = insn_length(b, n, mode, &len);
		printf("%d %u %d %u\n", r1, o.len, r2, len);
	}
	return 0;
}
"""
LEGACY = [0x66, 0x67, 0xf2, 0xf3, 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0xf0]
OPS1 = [0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4,
        0xa5, 0xaa, 0xab, 0xac, 0xf4, 0x90, 0xe4, 0xe5, 0xe6, 0xe7, 0xec,
        0xed, 0xee, 0xef, 0x6c, 0x6d, 0x6e, 0x6f, 0x00, 0x01, 0x02, 0x03,
        0x09, 0x21, 0x31, 0x39, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86,
        0x87, 0xf6, 0xf7, 0xfe, 0xff]
OPS2 = [0xa2, 0x32, 0x30, 0x31, 0x33, 0x08, 0x09, 0x20, 0x21, 0x22, 0x23,
        0x01, 0xb6, 0xb7, 0xbe, 0xbf, 0xa3, 0xab, 0xb3, 0xbb, 0xba, 0xb0,
        0xb1, 0xc0, 0xc1]
ARCH = {64: "i386:x86-64", 32: "i386", 16: "i8086"}


def candidate(mode):
    b = [random.choice(LEGACY) for _ in range(random.choice([0, 0, 1, 2, 3]))]
    if mode == 64 and random.random() < 0.5:
        b.append(0x40 | random.randrange(16))
    if random.random() < 0.3:
        b += [0x0f, random.choice(OPS2)]
    else:
        b.append(random.choice(OPS1))
    b += [random.randrange(256) for _ in range(14)]
    return bytes(b[:15])


def objdump_lengths(blob, arch, tmp):
    """Start offset -> (length, text) of every instruction objdump shows."""
    path = os.path.join(tmp, "blob.bin")
    with open(path, "wb") as f:
        f.write(blob)
    out = subprocess.run(["objdump", "-D", "-b", "binary", "-m", arch, path],
                         capture_output=True, text=True, check=True).stdout
    starts = []
    for line in out.splitlines():
        m = re.match(r"^\s+([0-9a-f]+):\t[^\t]*\t(.*)$", line)
        if m and m.group(2).strip():  # continuation lines have no text
            starts.append((int(m.group(1), 16), m.group(2)))
    return {a: (starts[i + 1][0] - a, t)
            for i, (a, t) in enumerate(starts[:-1])}


def main():
    random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    checked = mismatches = 0
    with tempfile.TemporaryDirectory() as tmp:
        drv = os.path.join(tmp, "drv")
        with open(drv + ".c", "w") as f:
            f.write(DRIVER)
        subprocess.run(["gcc", "-O1", "-I", root, "-include",
                        os.path.join(root, "tests/unit/host_names.h"),
                        drv + ".c", os.path.join(root, "vmm/insn_decode.c"),
                        os.path.join(root, "lib/string.c"), "-o", drv],
                       check=True)
        for mode, arch in ARCH.items():
            cands = [candidate(mode) for _ in range(count)]
            # 32-byte slots padded with NOPs: objdump resynchronises at
            # every slot whatever it made of the previous one.
            blob = b"".join(c + b"\x90" * (32 - len(c)) for c in cands)
            theirs = objdump_lengths(blob, arch, tmp)
            inp = "".join(f"{mode} " + " ".join(f"{x:02x}" for x in c) + "\n"
                          for c in cands)
            ours = subprocess.run([drv], input=inp, capture_output=True,
                                  text=True, check=True).stdout.splitlines()
            for i, c in enumerate(cands):
                r1, l1, r2, l2 = map(int, ours[i].split())
                if i * 32 not in theirs:
                    continue
                olen, text = theirs[i * 32]
                if "(bad)" in text:
                    continue
                for r, n, what in ((r1, l1, "mmio"), (r2, l2, "length")):
                    if r not in (0, -95):
                        continue
                    checked += 1
                    if n != olen:
                        mismatches += 1
                        print(f"MISMATCH {what} mode {mode}: "
                              f"{c[:max(n, olen)].hex(' ')}: ours {n}, "
                              f"objdump {olen} ({text})")
    print(f"insn_objdump_diff: {checked} lengths compared, "
          f"{mismatches} mismatches")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
