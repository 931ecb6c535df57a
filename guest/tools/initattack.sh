#!/bin/sh
# SPDX-License-Identifier: MIT
# initattack.sh [APIC_ID...]: the guest owns CPU0's LAPIC; use it to send
# INIT and a start-up IPI to other APIC ids (default 1: where the hidden
# sidecore usually is), as an OS would to start a CPU. The hypervisor must
# keep those CPUs: on Intel they sit in VMX root operation, where INIT is
# blocked. Needs iomem=relaxed (the LAPIC page through /dev/mem) and xAPIC
# mode. Prints "GUEST: initattack ..." lines; the verdict is the
# hypervisor's (its sidecore heartbeat at shutdown).
apic=0xfee00000
icr_lo=$((apic + 0x300))
icr_hi=$((apic + 0x310))

id0=$(devmem $((apic + 0x20)) 32) || {
	echo "GUEST: initattack cannot read the LAPIC through /dev/mem"
	exit 1
}
echo "GUEST: initattack own apic id=$((id0 >> 24))"
[ $# -gt 0 ] || set -- 1
for id in "$@"; do
	devmem $icr_hi 32 $((id << 24))
	devmem $icr_lo 32 0x00004500 # INIT, level assert (SDM Vol. 3A 11.6.1)
	usleep 10000
	devmem $icr_hi 32 $((id << 24))
	devmem $icr_lo 32 0x0000469f # start-up IPI, vector 0x9f (0x9f000), not the trampoline
	usleep 1000
	devmem $icr_hi 32 $((id << 24))
	devmem $icr_lo 32 0x0000469f
	echo "GUEST: initattack sent INIT and SIPI to apic id=$id"
done
usleep 200000
echo "GUEST: initattack done"
