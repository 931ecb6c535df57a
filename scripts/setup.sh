#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Install the Debian 12 packages Sidevisor needs to build, test and lint,
# but only those that are missing. Silent when everything is present.
# Works unattended (CI=true, no stdin); needs root (or sudo) only when
# something has to be installed.
set -euo pipefail

PACKAGES=(
	# build
	gcc make binutils libc6-dev nasm
	# ISO
	grub-pc-bin grub-common xorriso mtools
	# emulators (bochs needs vgabios: its dependency is also satisfied by
	# seabios, which leaves /usr/share/bochs/VGABIOS-lgpl-latest dangling)
	qemu-system-x86 bochs bochsbios bochs-term vgabios
	# guest userland
	busybox-static
	# host unit tests, lint, fuzzing (libFuzzer runtime for clang 14)
	libcmocka-dev cppcheck clang clang-tidy clang-format libclang-rt-14-dev
	# runners and plots
	python3 gnuplot-nox
)

# One dpkg-query call: "<package> <status>" for each package dpkg knows.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
	awk '$2 == "install" && $3 == "ok" && $4 == "installed" { print $1 }' || true)
missing=()
for p in "${PACKAGES[@]}"; do
	grep -qx -- "$p" <<<"$installed" || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || {
		echo "setup: need root to install: ${missing[*]}" >&2
		exit 1
	}
	SUDO="sudo"
fi
apt_opts=(-y -q -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 --no-install-recommends)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt=($SUDO env DEBIAN_FRONTEND=noninteractive apt-get)
if ! { "${apt[@]}" update -q && "${apt[@]}" install "${apt_opts[@]}" "${missing[@]}"; } \
	</dev/null >"$log" 2>&1; then
	tail -40 "$log" >&2
	echo "setup: apt-get failed" >&2
	exit 1
fi
echo "setup: done"
