#!/bin/sh
# SPDX-License-Identifier: MIT
# sv.tool=crash (issue #7 case 4): the guest ends badly, or tries to reach
# the machine's reset and A20 controls. sv.args=KIND:
#   panic        echo c > /proc/sysrq-trigger (a kernel panic; with panic=-1
#                Linux then resets: ACPI reset register, 8042, ..., or with
#                reboot=t a triple fault)
#   cf9          reset control register 0xcf9 <- 0x06
#   kbc-pulse    8042 command 0xf0 (pulse output port bits 3:0, bit 0 = reset)
#   kbc-outport  8042 command 0xd1 + data 0xfc (output port, reset bit low)
#   port92       System Control Port A 0x92 <- bit 0 (fast reset)
#   a20          try to mask A20 (0x92 bit 1, 8042 0xdd), the emulators'
#                exit ports (0xf4, 0xf5, 0x8900) and a reset through a word
#                write at 0x91 that reaches 0x92; must all be ignored: the
#                guest goes on and powers off normally
# A kind that should end the guest prints "GUEST: crash FAIL still running"
# if it comes back. Lines: "GUEST: crash ...".

say() { echo "GUEST: crash $*"; }
kind=${1:-panic}
say "kind=$kind"
sync
case "$kind" in
panic)
	echo 1 >/proc/sys/kernel/sysrq
	echo c >/proc/sysrq-trigger
	;;
cf9) physpoke outb 0xcf9 0x06 ;;
kbc-pulse) physpoke outb 0x64 0xf0 ;;
kbc-outport) physpoke outb 0x64 0xd1 outb 0x60 0xfc ;;
port92) physpoke outb 0x92 0x01 ;;
a20)
	before=$(physpoke inb 0x92) || exit 1
	b=${before##* }
	physpoke outb 0x92 $((b & ~3)) || exit 1
	after=$(physpoke inb 0x92) || exit 1
	physpoke outb 0x64 0xdd || exit 1
	physpoke outb 0xf4 0 outb 0xf5 0 outb 0x8900 0x53 || exit 1
	physpoke outw 0x91 0x0300 || exit 1
	a=${after##* }
	say "a20 port92 before=$b after=$a"
	[ $((a & 2)) = 2 ] || { say "FAIL A20 masked (port 0x92 bit 1 clear)"; exit 1; }
	# memory above 1 MiB with bit 20 set must still be itself
	say "a20 ok"
	exit 0
	;;
*)
	say "FAIL unknown kind $kind"
	exit 1
	;;
esac
sleep 5
say "FAIL still running"
exit 1
