# SPDX-License-Identifier: MIT
#
# Soak (issue #7 case 5): the Linux guest sends a fixed volume of UDP through
# the emulated VT-d in sidecore mode with optimistic teardown, strict guest
# invalidation; the hypervisor prints a STATS line every stats_ms; the peer
# counts every byte (no byte lost, no gap, no bad pattern) and
# soak_check.check() demands flat heap, shadow page-table pages, shadow
# entries and deferred entries after warm-up (criteria in soak_check.py).
#   qemu-soak-short  32 MiB (SOAK_SHORT_BYTES=), part of the regular tests
#   qemu-soak        1 GiB (SOAK_BYTES=), `make soak`
# Data for bed.py.

import os

import soak_check  # noqa: E402  (same directory)
from foundation import req  # noqa: E402
from linux import BASE, GUEST_FORBID, MIB, QEMU_VIOMMU_COMMON  # noqa: E402

TEARDOWN_CAP = 4096
# Slowest transmit rate seen under TCG on a 2-core host running other
# emulators at the same time (~0.13 MB/s, load 8-10);
# typical is 2-4 MB/s. Timeouts allow for the slow case.
SLOW_BYTES_PER_S = 64 * 1024


def soak_hook(lines, info):
    cap = info["case"].get("teardown_cap", TEARDOWN_CAP)
    for ln in soak_check.report(lines):
        print(ln, flush=True)
    return soak_check.check(lines, cap) + soak_check.peer_clean(info.get("peer"))


def soak_case(name, nbytes, stats_ms):
    secs = 240 + nbytes // SLOW_BYTES_PER_S
    return dict(
        name=name, bed="qemu", guest="linux", timeout=secs, settle=(1, secs - 20),
        expect_exit=True,
        hv_cmdline=f"viommu=sidecore teardown_ms=10 teardown_cap={TEARDOWN_CAP} "
                   f"stats_ms={stats_ms}",
        guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=tx"
                      f" sv.bytes={nbytes}",
        peer=dict(expect=nbytes),
        teardown_cap=TEARDOWN_CAP,
        require=QEMU_VIOMMU_COMMON + [
            ("VIOMMU: unit at 0xfed90000 (sidecore)",
             r"^VIOMMU: unit at 0xfed90000 .*sidecore"),
            req(f"HV: a STATS line every {stats_ms} ms"),
            req(f"GUEST: tx bytes={nbytes}")],
        numeric=[("revivals > 0 with teardown", r"^VIOMMU: teardown revivals=(\d+)",
                  "nonzero"),
                 ("expired > 0 (entries torn down)", r"^VIOMMU: teardown .*expired=(\d+)",
                  "nonzero")],
        forbid=GUEST_FORBID + [("no register-access exits (EXITS: NPF)", r"^EXITS: NPF=")],
        check=soak_hook)


SHORT_BYTES = int(os.environ.get("SOAK_SHORT_BYTES", 32 * MIB))
LONG_BYTES = int(os.environ.get("SOAK_BYTES", 1024 * MIB))

SUITES = {
    "qemu-soak-short": [soak_case("qemu-soak-short", SHORT_BYTES, 250)],
    "qemu-soak": [soak_case("qemu-soak", LONG_BYTES, 1000)],
}
