# SPDX-License-Identifier: MIT
#
# The hypervisor's run-time monitor (vmm/monitor.c) under the Linux guest on
# QEMU: periodic STATS lines (stats_ms=) and the control port on COM2, which
# bed.py connects to a unix socket (case key ctl_keys). Keys are sent while
# the guest runs (on its "GUEST: peer" line, just before its traffic); the
# counters must appear on the console mid-run and again at shutdown, and the
# guest must not see COM2 (guest/tools/uarts.sh: /proc/tty/driver/serial
# shows it as uart:unknown; with ctl=off and a UART there, as a 16550A).
# Data for bed.py.

import re

from foundation import lit, req  # noqa: E402  (same directory)
from linux import BASE, GUEST_FORBID, MIB, QEMU_VIOMMU_COMMON  # noqa: E402

STATS_RX = re.compile(r"^STATS: t_ms=(\d+) heap_free_pages=(\d+) shadow_entries=(\d+) "
                      r"deferred=(\d+) shadow_tables=(\d+) maps=(\d+) unmaps=(\d+) "
                      r"revivals=(\d+) phys_flushes=(\d+)\b")


def ctl_check(lines, info):
    """Counters printed twice (the key mid-run, then shutdown), in order; the
    control port answered; STATS lines monotonic in time."""
    out = []
    idx = {k: [i for i, ln in enumerate(lines) if ln.startswith(k)]
           for k in ("CTL: counters at", "CTL: end of counters", "EXITS: total=",
                     "VIOMMU: descriptors", "GUEST: done", "HV: guest shutdown")}
    mid = idx["CTL: counters at"]
    end = idx["CTL: end of counters"]
    out.append((len(mid) == 1 and len(end) == 1 and mid[0] < end[0],
                "one 'CTL: counters' block, closed by 'CTL: end of counters'",
                f"starts at {mid}, ends at {end}"))
    inside = [i for i in idx["EXITS: total="] if mid and end and mid[0] < i < end[0]]
    vinside = [i for i in idx["VIOMMU: descriptors"] if mid and end and mid[0] < i < end[0]]
    out.append((len(inside) == 1 and len(vinside) == 1,
                "the block has the exit and vIOMMU counters",
                f"EXITS: total inside: {len(inside)}, VIOMMU: descriptors inside: {len(vinside)}"))
    done = idx["GUEST: done"]
    out.append((bool(mid and done) and mid[0] < done[0],
                "counters printed while the guest ran (before GUEST: done)",
                f"CTL block at line {mid}, GUEST: done at {done}"))
    out.append((len(idx["EXITS: total="]) == 2, "EXITS: total= twice (key, then shutdown)",
                f"{len(idx['EXITS: total='])} times"))
    reply = info.get("ctl_reply") or ""
    out.append(("counters printed on the console" in reply and "keys: s =" in reply
                and "unknown key" in reply, "the control port answered each key",
                f"reply: {reply!r}"))
    ts = [int(m.group(1)) for m in (STATS_RX.match(ln) for ln in lines) if m]
    out.append((len(ts) >= 3 and all(b > a for a, b in zip(ts, ts[1:])),
                "at least 3 STATS lines, t_ms increasing", f"t_ms: {ts[:8]}..."))
    return out


SUITES = {
    "qemu-monitor": [
        dict(name="qemu-ctl-keys", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True,
             hv_cmdline="viommu=sidecore teardown_ms=10 stats_ms=500",
             guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=tx"
                           f" sv.bytes={MIB} sv.tool=uarts",
             peer=dict(expect=MIB),
             ctl_keys=[(r"^GUEST: peer ", b"hxs")],
             require=QEMU_VIOMMU_COMMON + [
                 req("CTL: control port com2 (0x2f8), hidden from the guest"),
                 req("HV: a STATS line every 500 ms"),
                 req("CTL: keys: s = print the counters, h = this help"),
                 req("CTL: unknown key 0x78 ('h' for help)"),
                 ("CTL: counters at t_ms=N", r"^CTL: counters at t_ms=\d+$"),
                 ("guest: COM1 is a 16550A", r"^GUEST: uart 0: uart:16550A port:000003F8"),
                 ("guest: COM2 hidden (uart:unknown)",
                  r"^GUEST: uart 1: uart:unknown port:000002F8"),
                 req(f"GUEST: tx bytes={MIB}")],
             forbid=GUEST_FORBID,
             check=ctl_check),
        # ctl=off with a UART on COM2: neither probed nor hidden, the guest has it
        dict(name="qemu-ctl-off", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True,
             hv_cmdline="viommu=sidecore ctl=off",
             guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=tx"
                           f" sv.bytes={MIB} sv.tool=uarts",
             peer=dict(expect=MIB),
             qemu_extra=("-serial", "null"),
             require=QEMU_VIOMMU_COMMON + [
                 ("guest: COM2 visible (16550A)", r"^GUEST: uart 1: uart:16550A port:000002F8"),
                 req(f"GUEST: tx bytes={MIB}")],
             forbid=GUEST_FORBID + [("no control port", lit("CTL: control port")),
                                    ("no STATS lines (stats_ms=0)", r"^STATS: ")]),
    ],
}
