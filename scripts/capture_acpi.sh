#!/bin/bash
# SPDX-License-Identifier: MIT
# Capture the firmware ACPI tables of the test beds into tests/data/acpi/<bed>/
# without the hypervisor: boot the emulator with no OS, let the BIOS build its
# tables, dump physical memory (low 1 MiB + the top of RAM) and extract the
# tables with scripts/acpi_extract.py. See tests/data/acpi/README.md.
#
#   scripts/capture_acpi.sh [bed...]    beds: qemu-q35-iommu qemu-q35-testbed
#                                             qemu-pc bochs (default: all)
# Every emulator run has a timeout; only the processes started here are killed.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA=$ROOT/tests/data/acpi
EXTRACT=$ROOT/scripts/acpi_extract.py
WORK=$(mktemp -d /tmp/capture_acpi.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

log() { echo "capture_acpi: $*" >&2; }

# Replace tests/data/acpi/<bed> with freshly extracted tables.
extract() { # bed region...
	local bed=$1 out=$WORK/$1.out
	shift
	local args=()
	for r in "$@"; do args+=(--region "$r"); done
	python3 "$EXTRACT" "${args[@]}" --out "$out"
	rm -rf "${DATA:?}/$bed"
	mkdir -p "$DATA"
	mv "$out" "$DATA/$bed"
	log "$bed: $(grep -vc '^#' "$DATA/$bed/index.txt") blobs in tests/data/acpi/$bed"
}

# QEMU: SeaBIOS builds the tables, finds nothing to boot and waits; the
# monitor on stdio then saves low memory and the top 4 MiB of the 1 GiB RAM
# (where SeaBIOS puts its tables). Retried with a longer delay if the RSDP
# is not there yet.
capture_qemu() { # bed qemu-args...
	local bed=$1
	shift
	local dir=$WORK/$bed delay
	mkdir -p "$dir"
	for delay in 3 8 20; do
		rm -f "$dir"/*.bin
		{
			sleep "$delay"
			echo "pmemsave 0 0x100000 \"$dir/low.bin\""
			echo "pmemsave 0x3fc00000 0x400000 \"$dir/top.bin\""
			sleep 1
			echo "quit"
		} | timeout -k 5 $((delay + 30)) qemu-system-x86_64 "$@" \
			-m 1G -display none -monitor stdio >"$dir/qemu.out" 2>&1 || true
		if [[ -s $dir/low.bin && -s $dir/top.bin ]] &&
			python3 "$EXTRACT" --probe --region "0:$dir/low.bin" \
				--out "$dir" >/dev/null 2>&1; then
			extract "$bed" "0:$dir/low.bin" "0x3fc00000:$dir/top.bin"
			return 0
		fi
		log "$bed: no RSDP after ${delay}s, retrying"
	done
	log "$bed: FAILED (see QEMU output below)"
	cat "$dir/qemu.out" >&2
	return 1
}

# Bochs: the BIOS (rombios32) builds its tables, then boots a one-sector
# floppy that spins at 0x7c00. A debugger breakpoint there stops the run
# deterministically; writemem dumps low memory and the top 1 MiB of the
# 256 MiB RAM (rombios32 puts the tables just below the top). Runs in its
# own directory: ethmod=null writes frame logs into the cwd.
capture_bochs() {
	local dir=$WORK/bochs pid cpid pts="" i
	mkdir -p "$dir"
	python3 -c 'import sys
b = bytearray(1474560)
b[0:2] = b"\xeb\xfe"        # jmp $
b[510:512] = b"\x55\xaa"
open(sys.argv[1], "wb").write(b)' "$dir/boot.img"
	cat >"$dir/bochsrc" <<-EOF
		megs: 256
		cpu: count=2, ips=50000000, reset_on_triple_fault=0
		cpu: model=corei7_haswell_4770
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/seabios/vgabios-isavga.bin
		display_library: term
		pci: enabled=1, chipset=i440fx, slot1=e1000
		e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=null
		boot: floppy
		floppya: 1_44=boot.img, status=inserted
		log: bochs.log
		panic: action=fatal
		clock: sync=none, time0=1
	EOF
	cat >"$dir/cmds" <<-EOF
		lb 0x7c00
		c
		writemem "$dir/low.bin" 0 0x100000
		writemem "$dir/top.bin" 0xff00000 0x100000
		quit
	EOF
	(cd "$dir" && TERM=xterm exec bochs -q -f bochsrc -rc cmds \
		>bochs.out 2>&1 </dev/null) &
	pid=$!
	# The term display opens its own pty: drain it or Bochs stalls.
	for i in $(seq 100); do
		pts=$(grep -ao 'connected to screen "[^"]*"' "$dir/bochs.out" 2>/dev/null |
			cut -d'"' -f2) || true
		[[ -n $pts ]] && break
		sleep 0.1
	done
	cpid=""
	if [[ -n $pts ]]; then
		timeout 120 cat "$pts" >/dev/null 2>&1 &
		cpid=$!
	fi
	for i in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		log "bochs: timeout, interrupting"
		kill -INT "$pid" 2>/dev/null || true
		sleep 3
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
	[[ -n $cpid ]] && { kill "$cpid" 2>/dev/null || true; wait "$cpid" 2>/dev/null || true; }
	if [[ ! -s $dir/low.bin || ! -s $dir/top.bin ]]; then
		log "bochs: FAILED, no memory dump (see output below)"
		tail -20 "$dir/bochs.out" "$dir/bochs.log" >&2 || true
		return 1
	fi
	extract bochs "0:$dir/low.bin" "0xff00000:$dir/top.bin"
}

beds=("$@")
[[ ${#beds[@]} -gt 0 ]] || beds=(qemu-q35-iommu qemu-q35-testbed qemu-pc bochs)
for bed in "${beds[@]}"; do
	case $bed in
	qemu-q35-iommu) # the brief's machine, no default devices (e1000e lands at 00:01.0)
		capture_qemu "$bed" -M q35 -cpu max -smp 2 -accel tcg \
			-device intel-iommu -device e1000e -nodefaults ;;
	qemu-q35-testbed) # TESTBEDS.md machine: default VGA at 00:01.0, e1000e at 00:02.0 (-nic none
		# stands for its -netdev, which also suppresses the default NIC)
		capture_qemu "$bed" -M q35 -cpu max -smp 2 -accel tcg \
			-device intel-iommu -device e1000e -nic none -no-reboot ;;
	qemu-pc) # i440fx, no IOMMU
		capture_qemu "$bed" -M pc -cpu max -smp 2 -accel tcg \
			-device e1000 -nodefaults ;;
	bochs) capture_bochs ;;
	*) log "unknown bed $bed"; exit 2 ;;
	esac
done
