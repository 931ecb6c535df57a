#!/bin/bash
# SPDX-License-Identifier: MIT
# Capture real multiboot2 information structures into tests/data/mbi/:
# boot dump_mbi.asm (a tiny multiboot2 kernel that prints the structure as
# hex on COM1) through the same GRUB ISO as the hypervisor (scripts/mkiso.sh,
# with two small modules and command lines), on each QEMU machine below.
# Writes <bed>.bin (the structure) and <bed>.txt (magic, address, QEMU
# arguments, GRUB command lines). Every QEMU run has a timeout.
#
#   tests/data/mbi/capture.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
DATA=$ROOT/tests/data/mbi
WORK=$(mktemp -d /tmp/capture_mbi.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

HV_CMDLINE="loglevel=3 sidecore=1 nic=00:02.0 hv_mem=64M"
GUEST_CMDLINE="console=ttyS0 quiet"

nasm -f elf32 -o "$WORK/dump.o" "$DATA/dump_mbi.asm"
cat >"$WORK/link.ld" <<-'LD'
	ENTRY(_start)
	SECTIONS {
		. = 0x200000;
		.text : { *(.multiboot2) *(.text) }
		.rodata : { *(.rodata) }
		.bss : { *(.bss) }
	}
LD
ld -m elf_i386 --no-warn-rwx-segments -T "$WORK/link.ld" -o "$WORK/dump.elf" "$WORK/dump.o"
head -c 70000 /dev/zero | tr '\0' 'K' >"$WORK/kernel"
head -c 12345 /dev/zero | tr '\0' 'I' >"$WORK/initrd"
"$ROOT/scripts/mkiso.sh" "$WORK/dump.iso" "$WORK/dump.elf" "$HV_CMDLINE" \
	"$WORK/kernel" "$WORK/initrd" "$GUEST_CMDLINE"

capture() { # bed qemu-args...
	local bed=$1 log=$WORK/$1.log
	shift
	timeout -k 5 60 qemu-system-x86_64 "$@" -cdrom "$WORK/dump.iso" \
		-device isa-debug-exit,iobase=0xf4,iosize=4 -display none \
		-serial "file:$log" -monitor none -no-reboot || true
	python3 - "$log" "$DATA/$bed.bin" <<-'PY'
		import sys
		lines = open(sys.argv[1], errors="replace").read().splitlines()
		lines = [l.strip() for l in lines]
		b = lines.index("MBI-BEGIN"); e = lines.index("MBI-END")
		data = bytes.fromhex("".join(lines[b + 1:e]))
		assert len(data) == int.from_bytes(data[:4], "little"), "short dump"
		open(sys.argv[2], "wb").write(data)
	PY
	{
		echo "# multiboot2 information structure captured by capture.sh"
		grep -oE "MBI-(MAGIC|ADDR) [0-9a-f]{8}" "$log"
		echo "qemu: $*"
		echo "hv cmdline: $HV_CMDLINE"
		echo "modules: bzImage (70000 bytes) \"$GUEST_CMDLINE\", initrd (12345 bytes) \"\""
		echo "grub: $(dpkg-query -W -f='${Version}' grub-pc-bin 2>/dev/null || echo unknown)"
	} >"$DATA/$bed.txt"
	echo "capture_mbi: $bed: $(stat -c %s "$DATA/$bed.bin") bytes"
}

capture qemu-q35 -M q35 -cpu max -smp 2 -m 1G -accel tcg -device intel-iommu
capture qemu-pc -M pc -cpu max -m 256M -accel tcg
