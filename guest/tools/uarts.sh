#!/bin/sh
# SPDX-License-Identifier: MIT
# sv.tool=uarts: the guest's view of the legacy serial ports, one
# "GUEST: uart N: uart:TYPE port:PPPPPPPP irq:N ..." line per port from
# /proc/tty/driver/serial. Under Sidevisor the hypervisor's control UART
# (COM2, 0x2f8) must show as uart:unknown: its ports read all-ones.

f=/proc/tty/driver/serial
[ -r "$f" ] || { echo "GUEST: uart FAIL no $f"; exit 1; }
grep '^[0-9]' "$f" | while read -r line; do
	echo "GUEST: uart $line"
done
