#!/bin/sh
# SPDX-License-Identifier: MIT
# sv.tool=cpuhole (issue #7 case 1): the guest's CPU touches memory it does
# not own. Finds the holes in its E820 (/sys/firmware/memmap: the gaps
# between 1 MiB and the top of RAM below 4 GiB, i.e. the hypervisor's image
# and page pool), reads them, writes a pattern and reads back: every read
# must return all-ones. First the VT-d register page at 0xfed90000:
#   sv.args=vtd=hidden    the physical unit (viommu=off): all-ones, writes lost
#   sv.args=vtd=emulated  our emulated unit is there: VER 0x10, CAP.CM=1
#   sv.args=vtd=none      skip (no IOMMU on the bed)
# Needs iomem=relaxed. Lines: "GUEST: hole ..."; the total counts of reads
# and writes outside guest memory go to "GUEST: hole total reads=N writes=M"
# for comparison with the hypervisor's counters. Non-zero status on failure.

say() { echo "GUEST: hole $*"; }
vtd=hidden
for a in "$@"; do
	case "$a" in
	vtd=*) vtd=${a#vtd=} ;;
	*) say "FAIL bad argument $a"; exit 1 ;;
	esac
done

ONES32=0xffffffff
ONES64=0xffffffffffffffff
reads=0
writes=0
bad=0

# peek OP ADDR: one read, its value on stdout (also counted)
peek() {
	v=$(physpoke "$1" "$2") || { say "FAIL physpoke $1 $2"; exit 1; }
	echo "${v##* }"
}
# expect_ones WIDTH ADDR WHAT
expect_ones() {
	v=$(peek "r$1" "$2")
	reads=$((reads + 1))
	want=$ONES32
	[ "$1" = 64 ] && want=$ONES64
	if [ "$v" = "$want" ]; then
		say "$3 r$1 $2 = $v ok"
	else
		say "$3 r$1 $2 = $v FAIL (want $want)"
		bad=$((bad + 1))
	fi
}
poke() {
	physpoke "w$1" "$2" "$3" || { say "FAIL physpoke w$1 $2"; exit 1; }
	writes=$((writes + 1))
	say "$4 w$1 $2 <- $3"
}

# ---- the VT-d register page -------------------------------------------------
VTD=0xfed90000
case "$vtd" in
hidden)
	# VER, CAP, then GCMD := 0 (on the physical unit this would turn the
	# NIC's translation off), then GSTS
	expect_ones 32 $VTD vtd-ver
	expect_ones 64 0xfed90008 vtd-cap
	poke 32 0xfed90018 0 vtd-gcmd
	expect_ones 32 0xfed9001c vtd-gsts
	;;
emulated)
	ver=$(peek r32 $VTD)
	cap=$(peek r64 0xfed90008)
	cm=$(((cap >> 7) & 1))
	say "vtd emulated ver=$ver cap=$cap cm=$cm"
	if [ "$ver" != 0x10 ] || [ $cm != 1 ]; then
		say "vtd FAIL: not the emulated unit (VER 0x10, CAP.CM=1)"
		bad=$((bad + 1))
	fi
	;;
none) ;;
*) say "FAIL bad vtd=$vtd"; exit 1 ;;
esac

# ---- holes in the E820 ------------------------------------------------------
[ -d /sys/firmware/memmap ] || { say "FAIL no /sys/firmware/memmap"; exit 1; }
map=$(for d in /sys/firmware/memmap/*; do
	printf '%d %d %s\n' "$(cat "$d/start")" "$(cat "$d/end")" "$(cat "$d/type" | tr ' ' _)"
done | sort -n)
top=0
echo "$map" | while read -r s e t; do
	printf 'GUEST: hole e820 [%#x-%#x] %s\n' "$s" "$e" "$t"
done
for l in $(echo "$map" | awk '$3 == "System_RAM" && $2 < 4294967296 { print $2 + 1 }'); do
	[ "$l" -gt "$top" ] && top=$l
done
holes=$(echo "$map" | awk -v top="$top" '
	NR > 1 && $1 > prev && prev >= 1048576 && $1 <= top { printf "%d %d\n", prev, $1 }
	{ if ($2 + 1 > prev) prev = $2 + 1 }')
[ -n "$holes" ] || { say "FAIL no hole between 1 MiB and $(printf %#x "$top")"; exit 1; }
n=0
while read -r s e; do
	n=$((n + 1))
	hs=$(printf '%#x' "$s")
	last=$(printf '%#x' $((e - 8)))
	say "found [$hs-$(printf '%#x' "$e")) $(((e - s) >> 10)) KiB"
	expect_ones 32 "$hs" "hole$n"
	expect_ones 64 "$(printf '%#x' $((s + 8)))" "hole$n"
	poke 32 "$hs" 0x5a5a1234 "hole$n"
	expect_ones 32 "$hs" "hole$n"
	poke 64 "$last" 0x0123456789abcdef "hole$n"
	expect_ones 64 "$last" "hole$n"
done <<EOF2
$holes
EOF2
say "holes=$n"

say "total reads=$reads writes=$writes"
[ $bad = 0 ] || { say "FAIL $bad accesses saw memory that is not all-ones"; exit 1; }
say "ok"
