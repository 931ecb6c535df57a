#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build the Sidevisor test guest: Debian's stock kernel (unmodified) plus a
# small initramfs (static busybox, guest/init, e1000/e1000e modules from the
# same kernel package, guest/udpsend). Packages come only from apt (the
# system's configured Debian archive) and are cached outside git.
#   guest/build.sh [OUTDIR]        default OUTDIR: <repo>/build/guest
# Outputs OUTDIR/bzImage, OUTDIR/initrd.cpio.gz, OUTDIR/kernel-version.
# Environment: SIDEVISOR_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/sidevisor/debs),
#   SIDEVISOR_KERNEL_PKG (pin a kernel package instead of linux-image-amd64's dependency).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out=${1:-$root/build/guest}
cache=${SIDEVISOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sidevisor/debs}
mkdir -p "$out" "$cache"
out=$(cd "$out" && pwd)
cache=$(cd "$cache" && pwd)

log() { echo "guest: $*" >&2; }
die() {
	echo "guest: error: $*" >&2
	exit 1
}

py=python3
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
for t in apt-cache apt-get dpkg dpkg-deb gcc "$py" gzip; do
	command -v "$t" >/dev/null || die "missing tool: $t"
done

apt_update_done=0
apt_update() {
	[ $apt_update_done = 1 ] && return 0
	apt_update_done=1
	log "apt-get update"
	local sudo=
	[ "$(id -u)" -ne 0 ] && sudo=sudo
	$sudo apt-get update -q >/dev/null || die "apt-get update failed"
}

# The kernel package linux-image-amd64 currently depends on.
resolve_kernel_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}

# Candidate versions of the packages we use, from one apt-cache call (it is slow).
declare -A cand=()
load_candidates() {
	local k v pkg=
	while IFS=': ' read -r k v; do
		case "$k" in
		Package) pkg=$v ;;
		Version) [ -n "$pkg" ] && [ -z "${cand[$pkg]:-}" ] && cand[$pkg]=$v ;;
		esac
	done < <(apt-cache show --no-all-versions "$@" 2>/dev/null)
}
candidate_version() {
	[ -n "${cand[$1]:-}" ] || load_candidates "$1"
	echo "${cand[$1]:-}"
}

# fetch PKG: print the path of PKG's candidate .deb in the cache, downloading
# it with apt-get download when missing.
fetch() {
	local pkg=$1 ver f
	ver=$(candidate_version "$pkg")
	if [ -z "$ver" ]; then
		apt_update
		load_candidates "$pkg"
		ver=${cand[$pkg]:-}
		[ -n "$ver" ] || die "apt knows no package $pkg"
	fi
	for f in "$cache/${pkg}"_*.deb; do
		[ -f "$f" ] || continue
		if [ "$(dpkg-deb -f "$f" Package)" = "$pkg" ] &&
			[ "$(dpkg-deb -f "$f" Version)" = "$ver" ]; then
			echo "$f"
			return 0
		fi
	done
	log "apt-get download $pkg=$ver"
	local err
	err=$(mktemp)
	if ! (cd "$cache" && apt-get download -q "$pkg=$ver") >"$err" 2>&1; then
		# A stale index can name a version the archive no longer has.
		if [ $apt_update_done = 0 ]; then
			apt_update
			rm -f "$err"
			unset "cand[$pkg]"
			fetch "$pkg"
			return
		fi
		cat "$err" >&2
		rm -f "$err"
		die "apt-get download $pkg failed"
	fi
	rm -f "$err"
	for f in "$cache/${pkg}"_*.deb; do
		if [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version)" = "$ver" ]; then
			echo "$f"
			return 0
		fi
	done
	die "downloaded $pkg but cannot find it in $cache"
}

# install_if_changed SRC DST [MODE]: keep DST's timestamp when content is equal.
install_if_changed() {
	if ! cmp -s "$1" "$2" 2>/dev/null; then
		cp "$1" "$2.tmp"
		chmod "${3:-0644}" "$2.tmp"
		mv "$2.tmp" "$2"
		log "wrote $2"
	fi
}

# ---- packages ------------------------------------------------------------------
kpkg=${SIDEVISOR_KERNEL_PKG:-$(resolve_kernel_pkg)}
if [ -z "$kpkg" ]; then
	apt_update
	kpkg=$(resolve_kernel_pkg)
	[ -n "$kpkg" ] || die "cannot resolve the dependency of linux-image-amd64"
fi
load_candidates "$kpkg" busybox-static
kdeb=$(fetch "$kpkg")
bdeb=$(fetch busybox-static)
kver=${kpkg#linux-image-}

# Unpack once per package version (dpkg -x), keep only what the guest needs.
unpacked=$cache/unpacked
kdir=$unpacked/$(basename "$kdeb" .deb)
bdir=$unpacked/$(basename "$bdeb" .deb)
if [ ! -f "$kdir/.done" ]; then
	log "unpacking $(basename "$kdeb")"
	mkdir -p "$unpacked"
	tmp=$(mktemp -d "$unpacked/tmp.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	dpkg -x "$kdeb" "$tmp"
	rm -rf "$kdir"
	mkdir -p "$kdir/modules"
	cp "$tmp/boot/vmlinuz-$kver" "$kdir/vmlinuz"
	cp "$tmp/boot/config-$kver" "$kdir/config"
	for m in e1000 e1000e; do
		src=$(find "$tmp/lib/modules/$kver/kernel/drivers/net/ethernet/intel/$m" \
			-name "$m.ko*" | head -n1)
		[ -n "$src" ] || die "$kpkg has no $m module"
		case "$src" in
		*.ko) cp "$src" "$kdir/modules/$m.ko" ;;
		*.ko.xz) xz -dc "$src" >"$kdir/modules/$m.ko" ;;
		*.ko.zst) zstd -qdc "$src" >"$kdir/modules/$m.ko" ;;
		*.ko.gz) gzip -dc "$src" >"$kdir/modules/$m.ko" ;;
		*) die "unknown module format: $src" ;;
		esac
	done
	echo "$kver" >"$kdir/kernel-version"
	rm -rf "$tmp"
	trap - EXIT
	touch "$kdir/.done"
fi
if [ ! -f "$bdir/.done" ]; then
	log "unpacking $(basename "$bdeb")"
	rm -rf "$bdir"
	mkdir -p "$bdir"
	dpkg -x "$bdeb" "$bdir"
	[ -x "$bdir/bin/busybox" ] || die "busybox-static has no /bin/busybox"
	touch "$bdir/.done"
fi

# ---- static tools ---------------------------------------------------------------
# udpsend plus every guest/tools/*.c and every guest/tools/NAME/ directory of
# .c files (with its headers): one static binary each, same name.
build_tool() {
	local src=$1 name f stale=0
	local files=("$src")
	if [ -d "$src" ]; then
		name=$(basename "$src")
		files=("$src"/*.c)
		[ -f "${files[0]}" ] || die "no .c files in $src"
	else
		name=$(basename "$src" .c)
	fi
	[ -x "$out/tools/$name" ] || stale=1
	for f in "${files[@]}" "$src"/*.h; do
		[ -f "$f" ] && [ "$f" -nt "$out/tools/$name" ] && stale=1
	done
	if [ $stale = 1 ]; then
		log "cc $name (static)"
		gcc -static -O2 -s -Wall -Wextra -Werror -o "$out/tools/$name.tmp" "${files[@]}" ||
			die "cannot build a static $name (is libc6-dev installed?)"
		mv "$out/tools/$name.tmp" "$out/tools/$name"
	fi
}
mkdir -p "$out/tools"
build_tool "$here/udpsend.c"
for src in "$here"/tools/*.c "$here"/tools/*/; do
	src=${src%/}
	[ -e "$src" ] && build_tool "$src"
done

# ---- initramfs -----------------------------------------------------------------
rootfs=$out/rootfs
rm -rf "$rootfs"
mkdir -p "$rootfs"/{bin,dev,proc,sys,tmp,root,etc,lib/modules/"$kver"}
chmod 1777 "$rootfs/tmp"
cp "$bdir/bin/busybox" "$rootfs/bin/busybox"
# Applet symlinks (one process: forking ln 270 times is slow here).
"$bdir/bin/busybox" --list | "$py" -c '
import os, sys
for a in sys.stdin.read().split():
    if a != "busybox":
        os.symlink("busybox", os.path.join(sys.argv[1], a))' "$rootfs/bin"
ln -s bin "$rootfs/sbin"
for t in "$out"/tools/*; do
	case "$t" in *.tmp) continue ;; esac
	cp "$t" "$rootfs/bin/"
	chmod 0755 "$rootfs/bin/${t##*/}"
done
# Test scripts run by /init with sv.tool=NAME (guest/tools/NAME.sh).
mkdir -p "$rootfs/tools"
for t in "$here"/tools/*.sh; do
	[ -f "$t" ] || continue
	cp "$t" "$rootfs/tools/"
	chmod 0755 "$rootfs/tools/${t##*/}"
done
cp "$here/init" "$rootfs/init"
chmod 0755 "$rootfs/init" "$rootfs/bin/busybox"
cp "$kdir"/modules/*.ko "$rootfs/lib/modules/$kver/"
"$py" "$here/mkcpio.py" "$rootfs" "$out/initrd.cpio.gz.new" \
	--dev dev/console:c:5:1:0600 --dev dev/null:c:1:3:0666 --dev dev/ttyS0:c:4:64:0600
install_if_changed "$out/initrd.cpio.gz.new" "$out/initrd.cpio.gz"
rm -f "$out/initrd.cpio.gz.new"

install_if_changed "$kdir/vmlinuz" "$out/bzImage"
echo "$kver" >"$out/kernel-version.new"
install_if_changed "$out/kernel-version.new" "$out/kernel-version"
rm -f "$out/kernel-version.new"

log "kernel $kver ($(stat -c %s "$out/bzImage") bytes), initrd $(stat -c %s "$out/initrd.cpio.gz") bytes in $out"
