#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Interactive boot of build/hv.elf (make run):   run.sh [BED] [HV_CMDLINE]
#   BED=qemu (default): q35 + intel-iommu + e1000e; KVM -cpu host (nested VMX)
#                       when /dev/kvm works and the host has VMX, else TCG
#                       -cpu max (SVM). Serial console on this terminal;
#                       COM2 (the hypervisor's control port, keys s and h) on
#                       the unix socket build/run/qemu/ctl.sock:
#                       socat - UNIX-CONNECT:build/run/qemu/ctl.sock
#   BED=bochs:          Bochs 2.7, corei7_haswell_4770 x2 (VMX), i440fx + e1000.
# The machines are defined once, in tests/integration/bed.py. The ISO for the
# run is build/run/sidevisor.iso (with this HV_CMDLINE).
set -euo pipefail
cd "$(dirname "$0")/.."

bed=${1:-qemu}
hv_cmdline=${2:-}
build=${BUILD:-build}
case "$bed" in
qemu | bochs) ;;
*)
	echo "run: unknown BED '$bed' (qemu or bochs)" >&2
	exit 2
	;;
esac
[ -f "$build/hv.elf" ] || {
	echo "run: $build/hv.elf missing (run make)" >&2
	exit 1
}
iso=$build/run/sidevisor.iso
scripts/mkiso.sh "$iso" "$build/hv.elf" "$hv_cmdline" \
	"${GUEST_KERNEL:-$build/guest/bzImage}" \
	"${GUEST_INITRD:-$build/guest/initrd.cpio.gz}" \
	"${GUEST_CMDLINE:-console=ttyS0,115200 quiet cryptomgr.notests panic=-1}"
exec python3 tests/integration/bed.py --interactive "$bed" --iso "$iso"
