#!/bin/sh
# SPDX-License-Identifier: MIT
# ringaddr.sh: read the NIC's descriptor-ring base addresses from its own
# registers (BAR0: TDBAL/TDBAH 0x3800/0x3804, RDBAL/RDBAH 0x2800/0x2804, as
# e1000/e1000e lay them out) while its driver runs, and say whether each
# lies in guest RAM (System RAM in /proc/iomem). With the guest's IOMMU
# translating the NIC they are IOVAs (Linux allocates them below 4 GiB,
# top down: outside a 1 GiB guest's RAM); without, physical addresses.
# Needs iomem=relaxed (BAR0 is claimed by the driver). Prints
#   GUEST: ring tx=0x... rx=0x... tx_in_ram=0|1 rx_in_ram=0|1
dev=/sys/class/net/${IFACE:-eth0}/device
bar=$(awk 'NR == 1 { print $1 }' "$dev/resource") || exit 1
[ -n "$bar" ] || {
	echo "GUEST: ring cannot find BAR0"
	exit 1
}
rd() { devmem $((bar + $1)) 32; }
tx=$(printf '0x%x' $((($(rd 0x3804) << 32) | $(rd 0x3800))))
rx=$(printf '0x%x' $((($(rd 0x2804) << 32) | $(rd 0x2800))))

# in_ram ADDR: 1 if ADDR lies in a "System RAM" range of /proc/iomem
in_ram() {
	a=$(($1))
	grep 'System RAM' /proc/iomem | sed 's/^ *//; s/ .*//' | while IFS=- read -r lo hi; do
		if [ $a -ge $((0x$lo)) ] && [ $a -le $((0x$hi)) ]; then
			echo 1
			break
		fi
	done | grep -q 1 && echo 1 || echo 0
}
echo "GUEST: ring tx=$tx rx=$rx tx_in_ram=$(in_ram "$tx") rx_in_ram=$(in_ram "$rx")"
[ "$tx" != 0x0 ] && [ "$rx" != 0x0 ]
