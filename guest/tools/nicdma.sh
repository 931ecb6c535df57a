#!/bin/sh
# SPDX-License-Identifier: MIT
# sv.tool=nicdma: run /bin/nicdma (guest/tools/nicdma.c) on $IFACE with the
# targets from sv.args (e.g. sv.args=0x101000,rx:0x102000), then bring the
# rebound NIC back as /init had it (address, link, static ARP entry), so
# init's traffic afterwards shows the NIC still works. Prints
# "GUEST: nicdma ..." lines; non-zero status on any failure.

say() { echo "GUEST: nicdma $*"; }

[ -n "$IFACE" ] || { say "FAIL no IFACE (sv.mode=tx|rx|nic)"; exit 1; }
[ $# -gt 0 ] || { say "FAIL no targets (sv.args=ADDR,...)"; exit 1; }

# the settings /init used (same defaults, same sv.* parameters)
ip=169.254.10.2
prefix=16
peer=169.254.10.1
peermac=02:00:00:00:00:01
mtu=
linkwait=30
# shellcheck disable=SC2013 # words, not lines
for w in $(cat /proc/cmdline); do
	case "$w" in
	sv.ip=*) ip=${w#*=} ;;
	sv.prefix=*) prefix=${w#*=} ;;
	sv.peer=*) peer=${w#*=} ;;
	sv.peermac=*) peermac=${w#*=} ;;
	sv.mtu=*) mtu=${w#*=} ;;
	sv.linkwait=*) linkwait=${w#*=} ;;
	esac
done

# the IOMMU's fault interrupt (a guest IOMMU reports the blocked DMA there)
irqs() { grep -i -e dmar -e dmr /proc/interrupts | tr -s ' ' | sed "s/^ */GUEST: nicdma irq $1 /"; }
irqs before

# options for nicdma come first in sv.args (e.g. -w,300,0x101000)
nicdma -i "$IFACE" "$@"
rc=$?
[ $rc = 0 ] || { say "FAIL nicdma rc=$rc"; exit 1; }

sleep 1
irqs after

# the driver probed again: same interface name expected (init keeps using it)
i=0
while [ ! -e "/sys/class/net/$IFACE" ] && [ $i -lt 100 ]; do
	usleep 100000
	i=$((i + 1))
done
[ -e "/sys/class/net/$IFACE" ] || { say "FAIL $IFACE did not come back"; exit 1; }

[ -n "$mtu" ] && { ip link set "$IFACE" mtu "$mtu" || { say "FAIL mtu $mtu"; exit 1; }; }
ip addr add "$ip/$prefix" dev "$IFACE" || { say "FAIL ip addr $ip"; exit 1; }
ip link set "$IFACE" up || { say "FAIL link set up $IFACE"; exit 1; }
i=0
while [ $i -lt $((linkwait * 10)) ]; do
	[ "$(cat "/sys/class/net/$IFACE/carrier" 2>/dev/null)" = 1 ] && break
	usleep 100000
	i=$((i + 1))
done
[ "$(cat "/sys/class/net/$IFACE/carrier" 2>/dev/null)" = 1 ] ||
	{ say "FAIL link down after rebind"; exit 1; }
say "link up $IFACE after $((i / 10)).$((i % 10)) s"
if [ "$peermac" != arp ]; then
	arp -i "$IFACE" -s "$peer" "$peermac" || { say "FAIL static arp $peer $peermac"; exit 1; }
else
	i=0
	while [ $i -lt 10 ]; do
		ping -c 1 -W 1 "$peer" >/dev/null 2>&1
		arp -n -i "$IFACE" | grep -q "($peer) at [0-9a-f]*:" && break
		i=$((i + 1))
	done
	[ $i -lt 10 ] || { say "FAIL no ARP reply from $peer"; exit 1; }
fi
say "done"
exit 0
