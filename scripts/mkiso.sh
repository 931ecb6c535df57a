#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Build the GRUB (BIOS, i386-pc) rescue ISO that boots Sidevisor over a serial
# console:
#   mkiso.sh OUT_ISO HV_ELF HV_CMDLINE GUEST_KERNEL GUEST_INITRD GUEST_CMDLINE
# The guest kernel and initrd become multiboot2 modules when the files exist;
# without a guest kernel, two small placeholder modules ("guest-kernel-
# placeholder", "guest-initrd-placeholder") keep the module inventory testable.
# Deterministic (fixed dates), quiet on success, and a no-op when nothing
# changed since the last build of OUT_ISO (inputs hashed into OUT_ISO.inputs).
set -euo pipefail

if [ $# -ne 6 ]; then
	echo "usage: $0 OUT_ISO HV_ELF HV_CMDLINE GUEST_KERNEL GUEST_INITRD GUEST_CMDLINE" >&2
	exit 2
fi
out=$1 hv=$2 hv_cmdline=$3 kernel=$4 initrd=$5 guest_cmdline=$6
GRUB_DIR=/usr/lib/grub/i386-pc
# Every date in the image (volume, files, GRUB's volume UUID) comes from this.
ISO_DATE=2024010100000000

die() {
	echo "mkiso: $*" >&2
	exit 1
}
[ -f "$hv" ] || die "$hv not found (run make first)"
[ -d "$GRUB_DIR" ] || die "$GRUB_DIR missing (install grub-pc-bin: scripts/setup.sh)"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue missing (scripts/setup.sh)"
command -v xorriso >/dev/null || die "xorriso missing (scripts/setup.sh)"

# GRUB script quoting: plain words stay as they are, anything else is
# single-quoted so GRUB passes it through literally.
grub_quote() {
	local w words out=()
	read -r -a words <<<"$1"
	for w in "${words[@]}"; do
		if [[ "$w" =~ ^[A-Za-z0-9_.,:/=+@%-]+$ ]]; then
			out+=("$w")
		else
			out+=("'${w//\'/\'\\\'\'}'")
		fi
	done
	echo "${out[*]}"
}

# Module list: "iso-path|source-file|module-string"
modules=()
if [ -n "$kernel" ] && [ -f "$kernel" ]; then
	modules+=("/boot/bzImage|$kernel|$(grub_quote "$guest_cmdline")")
	if [ -n "$initrd" ] && [ -f "$initrd" ]; then
		modules+=("/boot/initrd|$initrd|")
	fi
else
	modules+=("/boot/module0.txt|@sidevisor-test-module-0|guest-kernel-placeholder")
	modules+=("/boot/module1.txt|@sidevisor-test-module-1|guest-initrd-placeholder")
fi

cfg="serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry \"Sidevisor\" {
	multiboot2 /boot/hv.elf $(grub_quote "$hv_cmdline")"
for m in "${modules[@]}"; do
	IFS='|' read -r iso_path _ str <<<"$m"
	cfg+="
	module2 $iso_path${str:+ $str}"
done
cfg+="
}"

# Up to date? Hash the configuration, this script and every input file.
inputs() {
	echo "$cfg"
	sha256sum "$0" "$hv"
	for m in "${modules[@]}"; do
		IFS='|' read -r _ src _ <<<"$m"
		case "$src" in
		@*) echo "$src" ;;
		*) sha256sum "$src" ;;
		esac
	done
}
stamp="$out.inputs"
digest=$(inputs | sha256sum)
if [ -f "$out" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
	exit 0
fi

mkdir -p "$(dirname "$out")"
stage=$(mktemp -d "$(dirname "$out")/.iso-stage.XXXXXX")
log="$stage.log"
trap 'rm -rf "$stage" "$log" "$out.tmp"' EXIT
mkdir -p "$stage/boot/grub"
printf '%s\n' "$cfg" >"$stage/boot/grub/grub.cfg"
# Hard links are free when build/ shares the file system; else copy.
put() { ln -f "$1" "$2" 2>/dev/null || cp "$1" "$2"; }
put "$hv" "$stage/boot/hv.elf"
for m in "${modules[@]}"; do
	IFS='|' read -r iso_path src _ <<<"$m"
	case "$src" in
	@*) echo "${src#@}" >"$stage$iso_path" ;;
	*) put "$src" "$stage$iso_path" ;;
	esac
done

# Only the i386-pc platform, only the modules grub.cfg needs, uncompressed,
# no fonts/locales/themes: about 0.2 s. The trailing options go to xorriso
# and pin every timestamp so identical inputs give an identical image.
if ! SOURCE_DATE_EPOCH=1704067200 grub-mkrescue -o "$out.tmp" -d "$GRUB_DIR" \
	--compress=no --fonts= --locales= --themes= \
	--install-modules="normal serial terminal multiboot2" \
	"$stage" --modification-date="$ISO_DATE" \
	--set_all_file_dates "$ISO_DATE" >"$log" 2>&1; then
	cat "$log" >&2
	die "grub-mkrescue failed"
fi
mv "$out.tmp" "$out"
echo "$digest" >"$stamp"
