#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Capture PCI config spaces for tests/unit/test_pci.c:
#   scripts/capture_pci.sh [qemu] [bochs] [monitor]      (default: all three)
#   qemu     boot the hypervisor (HV_CMDLINE=dump=pci) on the QEMU q35 bed;
#            its PCIDUMP lines -> tests/data/pci/qemu-q35/, BAR sizes from
#            QEMU's "info pci"; the same config spaces read through QEMU's
#            monitor (xp of ECAM) must be identical (checks our ECAM path).
#   bochs    the same on the Bochs i440fx + e1000 bed (CF8/CFC, 256 B)
#            -> tests/data/pci/bochs-i440fx/, BAR sizes from the hypervisor's
#            report, checked against the device model's known sizes.
#   monitor  no hypervisor: QEMU q35 after SeaBIOS, ECAM read with "xp"
#            -> tests/data/pci/qemu-q35-monitor/.
# The machines come from tests/integration/bed.py (network: loopback only).
# Builds into $BUILD/capture-pci (default build/capture-pci). Every emulator
# run has a timeout and is stopped by the PID this script's helper started.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}/capture-pci
data=tests/data/pci
beds=("$@")
[ ${#beds[@]} -gt 0 ] || beds=(qemu bochs monitor)
py=scripts/capture_pci.py

need_iso() {
	[ -n "${iso:-}" ] && return
	make -s BUILD="$build" HV_CMDLINE="dump=pci" GUEST_KERNEL= GUEST_INITRD= iso
	iso=$build/sidevisor.iso
}

for bed in "${beds[@]}"; do
	case "$bed" in
	qemu)
		need_iso
		rm -rf "$build/qemu"
		python3 "$py" boot qemu "$iso" "$build/qemu" --timeout "${QEMU_TIMEOUT:-120}"
		python3 "$py" dump "$build/qemu/serial.log" "$data/qemu-q35" --bed qemu-q35 \
			--sizes "$build/qemu/info-pci.txt" \
			--header "QEMU 7.2 q35 bed of tests/integration/bed.py (TCG, intel-iommu, e1000e)" \
			--header "config spaces: the hypervisor's own dump (dump=pci, ECAM)"
		# the hypervisor's ECAM reads must match QEMU's view byte for byte
		python3 "$py" compare "$data/qemu-q35" "$build/qemu/xp"
		;;
	bochs)
		need_iso
		rm -rf "$build/bochs"
		python3 "$py" boot bochs "$iso" "$build/bochs" --timeout "${BOCHS_TIMEOUT:-600}"
		python3 "$py" dump "$build/bochs/serial.log" "$data/bochs-i440fx" --bed bochs-i440fx \
			--header "Bochs 2.7 bed of tests/integration/bed.py (i440fx, slot1=e1000)" \
			--header "config spaces: the hypervisor's own dump (dump=pci, CF8/CFC)"
		;;
	monitor)
		rm -rf "$build/monitor"
		mkdir -p "$build/monitor"
		sock=$build/monitor/qmp.sock
		timeout 60 qemu-system-x86_64 -M q35 -cpu max -smp 2 -m 1G -accel tcg \
			-device intel-iommu -device e1000e,netdev=n0 \
			-netdev hubport,id=n0,hubid=0 -display none -no-reboot \
			-serial "file:$build/monitor/serial.log" -monitor none \
			-qmp "unix:$sock,server=on,wait=off" >"$build/monitor/qemu.out" 2>&1 &
		qpid=$!
		sleep 3 # SeaBIOS has assigned BARs by then
		rc=0
		python3 "$py" qmp "$sock" "$build/monitor/info-pci.txt" \
			--ecam 0xb0000000 --xp-dir "$data/qemu-q35-monitor" || rc=$?
		kill "$qpid" 2>/dev/null || true
		wait "$qpid" 2>/dev/null || true
		[ "$rc" -eq 0 ] || exit "$rc"
		;;
	*)
		echo "capture_pci: unknown bed '$bed' (qemu, bochs, monitor)" >&2
		exit 2
		;;
	esac
done
