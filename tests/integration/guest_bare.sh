#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Validate the test guest (guest/build.sh) on the BARE emulators, without the
# hypervisor: QEMU 7.2 TCG (q35 + intel-iommu + e1000e/e1000, netdev stream or
# dgram to tests/peer/peer.py on 127.0.0.1) and Bochs 2.7 (GRUB ISO, e1000
# with ethmod=null). Judges runs by console markers and the peer's counts,
# never by exit codes. Prints each stage's time and "N passed, N failed".
#   tests/integration/guest_bare.sh [--qemu-only|--bochs-only] [--keep]
# Environment: BUILD (default build), GUEST_DIR (default $BUILD/guest),
#   BOCHS_TIMEOUT (s, default 400), QEMU_TIMEOUT (s, default 120).
# Logs: $BUILD/guest-bare/<case>/ (serial.log, peer.json, ...).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
gdir=${GUEST_DIR:-$build/guest}
work=$build/guest-bare
qemu_timeout=${QEMU_TIMEOUT:-120}
bochs_timeout=${BOCHS_TIMEOUT:-400}
py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3

do_qemu=1
do_bochs=1
keep=0
for a in "$@"; do
	case "$a" in
	--qemu-only) do_bochs=0 ;;
	--bochs-only) do_qemu=0 ;;
	--keep) keep=1 ;;
	*)
		echo "usage: $0 [--qemu-only|--bochs-only] [--keep]" >&2
		exit 2
		;;
	esac
done

passed=0
failed=0
pids=() # every background process this script started

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null && kill "$p" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

check() { # check CASE DESCRIPTION CONDITION-RESULT(0/1)
	if [ "$3" = 0 ]; then
		echo "  ok   $1: $2"
		passed=$((passed + 1))
	else
		echo "  FAIL $1: $2"
		failed=$((failed + 1))
	fi
}

# has FILE REGEX: a full console line matches (extended regex, CRs removed).
has() { tr -d '\r' <"$1" | grep -qE -- "^$2\$"; }
marker_value() { tr -d '\r' <"$1" | sed -n "s/^$2//p" | head -n1; }

# wait_for_file FILE SECONDS PID: until FILE is non-empty or PID died.
wait_for_file() {
	local i=0
	while [ $i -lt $(($2 * 20)) ]; do
		[ -s "$1" ] && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# stop_pid PID SECONDS: wait for PID to end by itself, else TERM, then KILL.
stop_pid() {
	local pid=$1 i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt $(($2 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		sleep 2
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

# ---- build ---------------------------------------------------------------------
t=$(now)
if ! "$root/guest/build.sh" "$gdir"; then
	echo "guest build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
echo "stage build: $(elapsed "$t") s"
kernel=$gdir/bzImage
initrd=$gdir/initrd.cpio.gz
rm -rf "$work"
mkdir -p "$work"

# ---- QEMU ----------------------------------------------------------------------
# qemu_case NAME NIC TRANSPORT PEER-ARGS APPEND CHECKS...
# CHECKS: tx-exact | rx-exact | dmar
qemu_case() {
	local name=$1 nic=$2 transport=$3 peer_args=$4 append=$5
	shift 5
	local dir=$work/$name t0 peer_pid qpid port netdev log rc
	mkdir -p "$dir"
	log=$dir/serial.log
	echo "case $name ($nic, $transport)"
	t0=$(now)
	# shellcheck disable=SC2086
	"$py" "$root/tests/peer/peer.py" --transport "$transport" --port 0 \
		--port-file "$dir/peer.port" --json "$dir/peer.json" --timeout $((qemu_timeout + 30)) \
		$peer_args >"$dir/peer.out" 2>"$dir/peer.err" &
	peer_pid=$!
	pids+=("$peer_pid")
	if ! wait_for_file "$dir/peer.port" 10 "$peer_pid"; then
		check "$name" "peer started" 1
		stop_pid "$peer_pid" 0
		return
	fi
	port=$(cat "$dir/peer.port")
	if [ "$transport" = stream ]; then
		netdev="stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=$port"
	else
		# QEMU's own end: a free port picked by the kernel for us.
		local qport
		qport=$("$py" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		netdev="dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port=$qport"
		netdev+=",remote.type=inet,remote.host=127.0.0.1,remote.port=$port"
	fi
	timeout -k 5 "$qemu_timeout" qemu-system-x86_64 \
		-M q35 -cpu max -smp 2 -m 1G -accel tcg,thread=multi \
		-device intel-iommu -device "$nic,netdev=n0,mac=52:54:00:12:34:56" -netdev "$netdev" \
		-kernel "$kernel" -initrd "$initrd" -append "$append" \
		-display none -monitor none -serial "file:$log" -no-reboot \
		>"$dir/qemu.out" 2>&1 &
	qpid=$!
	pids+=("$qpid")
	wait "$qpid"
	rc=$?
	local secs
	secs=$(elapsed "$t0")
	# stream: QEMU's exit closes the connection; dgram: the peer needs a nudge.
	if [ "$transport" = dgram ]; then
		kill -TERM "$peer_pid" 2>/dev/null
	fi
	stop_pid "$peer_pid" 10
	echo "  qemu rc=$rc after $secs s; guest $(marker_value "$log" 'GUEST: uptime ') s uptime"
	[ "$rc" = 124 ] && echo "  (timeout after $qemu_timeout s)"
	tr -d '\r' <"$log" | grep -E '^GUEST: (FAIL|tx|rx|link|nic|iommu|cpus)' | sed 's/^/    /'
	grep -h '^PEER:' "$dir/peer.out" | sed 's/^/    /'

	has "$log" 'GUEST: up'
	check "$name" "GUEST: up" $?
	has "$log" 'GUEST: cpus=2'
	check "$name" "GUEST: cpus=2" $?
	has "$log" "GUEST: link up [a-z0-9]+"
	check "$name" "GUEST: link up" $?
	has "$log" "GUEST: nic [a-z0-9]+ driver=$nic mac=52:54:00:12:34:56"
	check "$name" "GUEST: nic ... driver=$nic" $?
	! has "$log" 'GUEST: FAIL.*'
	check "$name" "no GUEST: FAIL" $?
	has "$log" 'GUEST: done'
	check "$name" "GUEST: done" $?

	local c bytes pbytes
	for c in "$@"; do
		case "$c" in
		tx-exact)
			bytes=$(marker_value "$log" 'GUEST: tx bytes=' | cut -d' ' -f1)
			pbytes=$(sed -n 's/^PEER: rx bytes=\([0-9]*\) .*/\1/p' "$dir/peer.out")
			[ -n "$bytes" ] && [ "$bytes" = "$pbytes" ] &&
				[ "$(json_get "$dir/peer.json" counts.udp_pattern_errors)" = 0 ] &&
				[ "$(json_get "$dir/peer.json" counts.udp_sequence_gaps)" = 0 ] &&
				[ "$(json_get "$dir/peer.json" counts.udp_bad_checksum)" = 0 ]
			check "$name" "guest tx bytes ($bytes) == peer rx bytes ($pbytes), payload intact" $?
			;;
		rx-exact)
			bytes=$(marker_value "$log" 'GUEST: rx bytes=' | cut -d' ' -f1)
			pbytes=$(sed -n 's/^PEER: tx bytes=\([0-9]*\) .*/\1/p' "$dir/peer.out")
			[ -n "$bytes" ] && [ "$bytes" = "$pbytes" ] &&
				has "$log" 'GUEST: rx-stats received .* bad=0 .*'
			check "$name" "guest rx bytes ($bytes) == peer tx bytes ($pbytes), payload intact" $?
			;;
		arp)
			[ "$(json_get "$dir/peer.json" counts.arp_requests_answered)" -ge 1 ]
			check "$name" "peer answered the guest's ARP" $?
			;;
		noiommu)
			has "$log" 'GUEST: iommu [a-z0-9]+ none'
			check "$name" "GUEST: iommu ... none (no IOMMU group)" $?
			;;
		dmar)
			# Informative: what the guest kernel says about the IOMMU.
			if has "$log" 'GUEST-DMESG: .*DMAR: IOMMU enabled'; then
				echo "  info $name: DMAR: IOMMU enabled (guest dmesg)"
			else
				echo "  info $name: no 'DMAR: IOMMU enabled' in the guest dmesg"
			fi
			tr -d '\r' <"$log" | grep -E '^GUEST: iommu' | sed 's/^/    /'
			;;
		esac
	done
}

json_get() { # json_get FILE dotted.key
	"$py" -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[k]
print(v)' "$1" "$2" 2>/dev/null || echo "?"
}

base="console=ttyS0,115200 quiet cryptomgr.notests panic=-1"
if [ $do_qemu = 1 ]; then
	t=$(now)
	qemu_case qemu-e1000e-tx-iommu e1000e stream "" \
		"$base intel_iommu=on sv.nic=e1000e sv.mode=tx sv.bytes=1048576 sv.peermac=arp" \
		tx-exact arp dmar
	# Debian's kernel turns the IOMMU on by default (INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF):
	# intel_iommu=off gives the no-IOMMU baseline.
	qemu_case qemu-e1000e-tx-noiommu e1000e stream "" \
		"$base intel_iommu=off sv.nic=e1000e sv.mode=tx sv.bytes=1000000 sv.size=1000" \
		tx-exact noiommu
	qemu_case qemu-e1000e-rx-iommu e1000e stream "--send-bytes 1048576" \
		"$base intel_iommu=on sv.nic=e1000e sv.mode=rx sv.bytes=1048576 sv.timeout=60" \
		rx-exact dmar
	qemu_case qemu-e1000-tx-dgram e1000 dgram "" \
		"$base sv.nic=e1000 sv.mode=tx sv.bytes=262144" \
		tx-exact
	echo "stage qemu: $(elapsed "$t") s"
fi

# ---- Bochs ---------------------------------------------------------------------
bochs_case() {
	local name=bochs-e1000-tx dir=$work/bochs-e1000-tx t0 iso bpid drain_pid='' i pty
	local bytes=16384
	mkdir -p "$dir/iso/boot/grub"
	echo "case $name (bare Bochs, GRUB ISO, e1000 ethmod=null)"
	t0=$(now)
	cp "$kernel" "$dir/iso/bzImage"
	cp "$initrd" "$dir/iso/initrd.cpio.gz"
	cat >"$dir/iso/boot/grub/grub.cfg" <<-EOF
		serial --unit=0 --speed=115200
		terminal_input serial
		terminal_output serial
		set timeout=0
		menuentry "sidevisor test guest (bare)" {
		  linux /bzImage console=ttyS0,115200 quiet cryptomgr.notests panic=-1 sv.nic=e1000 sv.mode=tx sv.bytes=$bytes sv.linkwait=60
		  echo "grub: kernel loaded"
		  initrd /initrd.cpio.gz
		  echo "grub: initrd loaded"
		}
	EOF
	iso=$dir/guest.iso
	if ! grub-mkrescue -o "$iso" "$dir/iso" >"$dir/grub-mkrescue.log" 2>&1; then
		check "$name" "grub-mkrescue" 1
		return
	fi
	echo "  iso $(stat -c %s "$iso") bytes in $(elapsed "$t0") s"
	cat >"$dir/bochsrc" <<-EOF
		megs: 256
		cpu: model=corei7_haswell_4770, count=1, ips=100000000, quantum=16, reset_on_triple_fault=0
		romimage: file=/usr/share/bochs/BIOS-bochs-latest
		vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
		pci: enabled=1, chipset=i440fx, slot1=e1000
		e1000: enabled=1, mac=52:54:00:12:34:57, ethmod=null
		ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
		ata0-master: type=cdrom, path="$iso", status=inserted
		boot: cdrom
		com1: enabled=1, mode=file, dev="$dir/serial.log"
		display_library: term
		clock: sync=none, time0=946684800
		speaker: enabled=0
		mouse: enabled=0
		panic: action=fatal
		error: action=report
		info: action=report
		debug: action=ignore
		log: "$dir/bochs.log"
	EOF
	printf 'c\nr\nsreg\ncreg\nquit\n' >"$dir/rc"
	t0=$(now)
	(cd "$dir" && exec env TERM=xterm bochs -q -f bochsrc -rc rc) </dev/null >"$dir/bochs.out" 2>&1 &
	bpid=$!
	pids+=("$bpid")
	# The term display opens its own pty; drain it or Bochs stalls.
	for i in $(seq 1 100); do
		pty=$(sed -n 's/.*connected to screen "\{0,1\}\(\/dev\/pts\/[0-9]*\).*/\1/p' "$dir/bochs.out" | head -n1)
		[ -n "$pty" ] && break
		kill -0 "$bpid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -n "$pty" ]; then
		cat "$pty" >/dev/null 2>&1 &
		drain_pid=$!
		pids+=("$drain_pid")
	else
		echo "  warning: no Bochs screen pty found"
	fi
	local t_grub='' t_loaded='' t_kernel='' t_up='' t_link='' secs
	i=0
	while kill -0 "$bpid" 2>/dev/null; do
		if [ -z "$t_loaded" ] && [ -f "$dir/serial.log" ] &&
			grep -q 'grub: initrd loaded' "$dir/serial.log"; then
			t_loaded=$(elapsed "$t0")
		fi
		if [ -z "$t_grub" ] && [ -f "$dir/serial.log" ] && grep -q 'Booting `' "$dir/serial.log"; then
			t_grub=$(elapsed "$t0")
		fi
		if [ -z "$t_kernel" ] && [ -f "$dir/serial.log" ] &&
			grep -qE '^\[ *[0-9]+\.[0-9]+\]' "$dir/serial.log"; then
			t_kernel=$(elapsed "$t0")
		fi
		if [ -z "$t_up" ] && [ -f "$dir/serial.log" ] && has "$dir/serial.log" 'GUEST: up'; then
			t_up=$(elapsed "$t0")
		fi
		if [ -z "$t_link" ] && [ -f "$dir/serial.log" ] && has "$dir/serial.log" 'GUEST: link up.*'; then
			t_link=$(elapsed "$t0")
		fi
		if [ $i -ge $((bochs_timeout * 2)) ]; then
			echo "  timeout after $bochs_timeout s: SIGINT (state dump), then SIGKILL"
			kill -INT "$bpid" 2>/dev/null
			sleep 10
			kill -0 "$bpid" 2>/dev/null && kill -KILL "$bpid" 2>/dev/null
			break
		fi
		sleep 0.5
		i=$((i + 1))
	done
	wait "$bpid" 2>/dev/null
	secs=$(elapsed "$t0")
	[ -n "$drain_pid" ] && kill "$drain_pid" 2>/dev/null && wait "$drain_pid" 2>/dev/null
	# Virtual time: the last log line's tick count over ips.
	local ticks
	ticks=$(tail -n1 "$dir/bochs.log" | sed -n 's/^\([0-9]*\)[a-z].*/\1/p')
	echo "  bochs ended after $secs s wall (GRUB boots the entry at ${t_grub:-?} s, has loaded" \
		"kernel and initrd at ${t_loaded:-?} s, first kernel" \
		"line at ${t_kernel:-?} s, GUEST: up at ${t_up:-?} s, link up at ${t_link:-?} s);" \
		"$(awk -v t="${ticks:-0}" 'BEGIN { printf "%.1f", t / 1e8 }') s" \
		"virtual; guest uptime $(marker_value "$dir/serial.log" 'GUEST: uptime ') s"
	grep -h 'Bochs is exiting' -A1 "$dir/bochs.out" "$dir/bochs.log" 2>/dev/null | head -n2 | sed 's/^/    /'
	tr -d '\r' <"$dir/serial.log" | grep -E '^GUEST: (FAIL|tx|link|nic|cpus|vmx)' | sed 's/^/    /'

	has "$dir/serial.log" 'GUEST: up'
	check "$name" "GUEST: up" $?
	has "$dir/serial.log" 'GUEST: link up [a-z0-9]+'
	check "$name" "GUEST: link up" $?
	has "$dir/serial.log" "GUEST: tx bytes=$bytes packets=[0-9]+"
	check "$name" "GUEST: tx bytes=$bytes" $?
	has "$dir/serial.log" 'GUEST: done'
	check "$name" "GUEST: done" $?
	# ethmod=null logs every transmitted frame in the working directory.
	local flog=$dir/eth_null-txdump.txt pbytes
	if [ -f "$flog" ]; then
		"$py" "$root/tests/peer/peer.py" --bochs-txdump "$flog" --json "$dir/frames.json" \
			>"$dir/frames.out" 2>&1
		pbytes=$(sed -n 's/^PEER: rx bytes=\([0-9]*\) .*/\1/p' "$dir/frames.out")
		echo "  frame log: $(grep '^PEER: rx' "$dir/frames.out")," \
			"$(json_get "$dir/frames.json" frames) frames"
		[ "$pbytes" = "$bytes" ] &&
			[ "$(json_get "$dir/frames.json" counts.udp_pattern_errors)" = 0 ] &&
			[ "$(json_get "$dir/frames.json" counts.udp_sequence_gaps)" = 0 ] &&
			[ "$(json_get "$dir/frames.json" counts.udp_bad_checksum)" = 0 ]
		check "$name" "frame log holds the UDP payload ($bytes bytes), intact" $?
	else
		check "$name" "frame log eth_null-txdump.txt present" 1
	fi
}

if [ $do_bochs = 1 ]; then
	t=$(now)
	bochs_case
	echo "stage bochs: $(elapsed "$t") s"
fi

[ $keep = 1 ] || rm -rf "$work"/*/iso "$work"/*/guest.iso
echo "$passed passed, $failed failed"
[ $failed = 0 ]
