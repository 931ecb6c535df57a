# SPDX-License-Identifier: MIT
#
# Isolation, the CPU side (issue #7 cases 1 and 4). Case 1: the guest's CPU
# reads and writes the holes in its E820 (the hypervisor's image and page
# pool) and the physical VT-d register page through /dev/mem
# (guest/tools/cpuhole.sh): all-ones, writes lost, each access counted by
# the hypervisor. Case 4: the guest panics (sysrq c) and Linux resets, or it
# triple-faults, or it pokes the reset/A20 ports (guest/tools/crash.sh): the
# hypervisor prints GUEST-RESET / GUEST-CRASH with the vCPU dump, then acts
# per guest_crash=. Every case ends with the integrity self-check line.
# Data for bed.py.

import re

from foundation import FATAL, req  # noqa: E402  (same directory)

BASE = "console=ttyS0,115200 quiet cryptomgr.notests"
INTEGRITY_OK = ("HV: integrity image=ok heap=ok",
                r"^HV: integrity image=ok heap=ok \(text\+rodata crc=0x[0-9a-f]{8}, "
                r"[1-9]\d* free pages checked\)$")
NO_CRASH = [("no GUEST-CRASH", r"GUEST-CRASH"), ("no GUEST-RESET", r"GUEST-RESET")]
NO_FAIL = [("no GUEST: FAIL", r"GUEST: FAIL"), ("no GUEST: ... FAIL", r"^GUEST: .*\bFAIL\b")]
END_NORMAL = [req("GUEST: done"), req("HV: guest shutdown"), INTEGRITY_OK,
              req("HV: powering off")]


def counted_exactly(lines, info):
    """The hypervisor counted exactly the tool's reads and writes outside guest memory."""
    text = "\n".join(lines)
    tool = re.findall(r"^GUEST: hole total reads=(\d+) writes=(\d+)$", text, re.M)
    hv = re.findall(r"^HV: guest accesses outside its memory: reads=(\d+) writes=(\d+),",
                    text, re.M)
    if not tool or not hv:
        return [(False, "hypervisor counted the tool's accesses",
                 f"tool line {'found' if tool else 'missing'}, "
                 f"HV line {'found' if hv else 'missing'}")]
    t, h = tuple(map(int, tool[-1])), tuple(map(int, hv[-1]))
    return [(t[0] > 0 and t[1] > 0, "the tool read and wrote outside guest memory",
             f"reads={t[0]} writes={t[1]}"),
            (h == t, "hypervisor counted exactly the tool's reads and writes",
             f"tool reads={t[0]} writes={t[1]}, hypervisor reads={h[0]} writes={h[1]}")]


def cpuhole(vtd, holes):
    return [req("GUEST: tool cpuhole start"),
            req(f"GUEST: hole holes={holes}"),
            ("GUEST: hole1 at the image (0x100000)", r"^GUEST: hole found \[0x100000-"),
            ("hole read all-ones", r"^GUEST: hole hole1 r32 0x100000 = 0xffffffff ok$"),
            ("hole written", r"^GUEST: hole hole1 w32 0x100000 <- 0x5a5a1234$"),
            ("HV warned: read at 0x100000",
             r"^HV: guest read of 4 bytes at gpa 0x100000 outside its memory: reads all-ones$"),
            ("HV warned: write at 0x100000",
             r"^HV: guest write of 4 bytes at gpa 0x100000 outside its memory: dropped$"),
            ("EXITS: NPF > 0", r"^EXITS: NPF=[1-9]"),
            req("GUEST: hole ok"), req("GUEST: tool cpuhole rc=0")] + END_NORMAL + (
        [("VT-d page: VER all-ones", r"^GUEST: hole vtd-ver r32 0xfed90000 = 0xffffffff ok$"),
         ("VT-d page: CAP all-ones",
          r"^GUEST: hole vtd-cap r64 0xfed90008 = 0xffffffffffffffff ok$"),
         ("VT-d page: GSTS all-ones after GCMD write",
          r"^GUEST: hole vtd-gsts r32 0xfed9001c = 0xffffffff ok$"),
         ("HV warned: write at the VT-d page",
          r"^HV: guest write of 4 bytes at gpa 0xfed90018 outside its memory: dropped$")]
        if vtd == "hidden" else
        [("VT-d page is the emulated unit (VER 0x10, CM=1)",
          r"^GUEST: hole vtd emulated ver=0x10 cap=0x[0-9a-f]+ cm=1$")]
        if vtd == "emulated" else [])


def crash_case(name, bed, kind, action, end, hv="", guest_extra="", timeout=120):
    """One guest that ends badly (kind: crash.sh argument), guest_crash=action."""
    c = dict(name=name, bed=bed, guest="linux", timeout=timeout,
             settle=(1, timeout - 20), hv_cmdline=f"guest_crash={action} {hv}".strip(),
             guest_cmdline=f"{BASE} panic=-1 sysrq_always_enabled {guest_extra} "
                           f"sv.mode=none sv.tool=crash sv.args={kind}",
             require=[req("HV: ready"), req(f"GUEST: crash kind={kind}")] + end + [
                 ("vCPU dump follows", r"^  rip=[0-9a-f]{16} rsp="),
                 ("EXITS: total=N", r"^EXITS: total=\d+"), INTEGRITY_OK],
             forbid=FATAL + NO_FAIL + [("no GUEST: done", r"GUEST: done")])
    if action == "poweroff":
        c["require"] += [req("HV: guest shutdown"), req("HV: powering off")]
        c["expect_exit"] = True
    elif action == "reset":
        c["require"] += [req("HV: resetting the machine (guest_crash=reset)")]
        c["forbid"] = c["forbid"] + [("reset took effect", r"HV: reset did not happen")]
        c["expect_exit"] = True  # QEMU -no-reboot: the machine reset ends it
    else:
        c["require"] += [req("HV: guest crashed; halted (guest_crash=halt)")]
    return c


PANIC = [("guest: Kernel panic (sysrq)", r"Kernel panic - not syncing: sysrq triggered crash")]


def reset_req(port):
    return (f"GUEST-RESET: reset request: port {port}",
            rf"^GUEST-RESET: reset request: port {port} value 0x[0-9a-f]+ at rip 0x[0-9a-f]+$")


RESET_ANY = ("GUEST-RESET: reset request (0xcf9 or 0x64)",
             r"^GUEST-RESET: reset request: port 0x(cf9|64) value 0x[0-9a-f]+ at rip 0x[0-9a-f]+$")
TRIPLE = ("GUEST-CRASH: triple fault", r"^GUEST-CRASH: triple fault at rip 0x[0-9a-f]+$")
NOT_TRIPLE = ("no GUEST-CRASH", r"GUEST-CRASH")
NOT_RESET = ("no GUEST-RESET", r"GUEST-RESET")


def with_forbid(c, *extra):
    c["forbid"] = c["forbid"] + list(extra)
    return c


HOLE_ARGS = f"{BASE} panic=-1 iomem=relaxed intel_iommu=off sv.mode=none sv.tool=cpuhole"

SUITES = {
    "qemu-isolation-cpu": [
        # case 1, physical VT-d hidden: viommu=off, so 0xfed90000 is the
        # physical unit's page, absent from the NPT like the holes
        dict(name="qemu-iso-cpuhole-hidden", bed="qemu", guest="linux", timeout=120,
             settle=(1, 100), expect_exit=True, hv_cmdline="viommu=off",
             guest_cmdline=f"{HOLE_ARGS} sv.args=vtd=hidden",
             require=[req("HV: ready")] + cpuhole("hidden", 2),
             forbid=FATAL + NO_CRASH + NO_FAIL, check=counted_exactly),
        # case 1 with the emulated VT-d (sidecore): the same guest-physical
        # page now holds our unit; the holes stay holes
        dict(name="qemu-iso-cpuhole-emulated", bed="qemu", guest="linux", timeout=120,
             settle=(1, 100), expect_exit=True, hv_cmdline="viommu=sidecore",
             guest_cmdline=f"{HOLE_ARGS} sv.args=vtd=emulated",
             require=[req("HV: ready")] + cpuhole("emulated", 2),
             forbid=FATAL + NO_CRASH + NO_FAIL, check=counted_exactly),
        # case 4: a kernel panic, Linux resets through the FADT reset register
        with_forbid(crash_case("qemu-iso-panic-poweroff", "qemu", "panic", "poweroff",
                               PANIC + [RESET_ANY]), NOT_TRIPLE),
        # ... and with reboot=t, by a triple fault
        with_forbid(crash_case("qemu-iso-triple-poweroff", "qemu", "panic", "poweroff",
                               PANIC + [TRIPLE], guest_extra="reboot=t"), NOT_RESET),
        # the machine's reset controls, poked directly: each one ends the
        # guest, none reaches the hardware (QEMU would reset and exit); the
        # 8042 paths are in qemu-isolation-cpu-more
        with_forbid(crash_case("qemu-iso-reset-port92", "qemu", "port92", "poweroff",
                               [reset_req("0x92")]), NOT_TRIPLE),
        # A20 (would alias the hypervisor's memory above 1 MiB onto guest RAM)
        # and the emulators' exit ports: ignored, the guest goes on
        dict(name="qemu-iso-a20", bed="qemu", guest="linux", timeout=120,
             settle=(1, 100), expect_exit=True,
             guest_cmdline=f"{BASE} panic=-1 sv.mode=none sv.tool=crash sv.args=a20",
             require=[req("HV: ready"), req("GUEST: crash a20 ok"),
                      req("GUEST: tool crash rc=0"),
                      req("HV: guest platform-port writes dropped=6")] + END_NORMAL,
             forbid=FATAL + NO_CRASH + NO_FAIL),
        # the self-check itself: test_integrity=1 changes a rodata word and
        # a free page on purpose; both must be reported
        dict(name="qemu-iso-integrity-selftest", bed="qemu", guest="linux", timeout=120,
             settle=(1, 100), expect_exit=True, hv_cmdline="test_integrity=1",
             guest_cmdline=f"{BASE} panic=-1 sv.mode=none",
             require=[req("HV: ready"),
                      ("HV: integrity recorded",
                       r"^HV: integrity recorded: text\+rodata \d+ KiB crc=0x[0-9a-f]{8}, "
                       r"[1-9]\d* free pages poisoned in \d+ ms$"),
                      req("GUEST: done"),
                      ("HV: integrity image=CHANGED heap=CORRUPT",
                       r"^HV: integrity image=CHANGED heap=CORRUPT first=0x[0-9a-f]+ "
                       r"\(text\+rodata crc=0x[0-9a-f]{8}, [1-9]\d* free pages checked\)$"),
                      req("HV: integrity 1 free pages changed"),
                      req("HV: powering off")],
             forbid=FATAL + NO_CRASH + NO_FAIL + [("no integrity ok", r"image=ok")]),
    ],
    # make test-full: the other crash actions and reset paths
    "qemu-isolation-cpu-more": [
        with_forbid(crash_case("qemu-iso-triple-reset", "qemu", "panic", "reset",
                               PANIC + [TRIPLE], guest_extra="reboot=t"), NOT_RESET),
        with_forbid(crash_case("qemu-iso-panic-halt", "qemu", "panic", "halt",
                               PANIC + [RESET_ANY]), NOT_TRIPLE),
        with_forbid(crash_case("qemu-iso-reset-kbc-pulse", "qemu", "kbc-pulse", "poweroff",
                               [reset_req("0x64")]), NOT_TRIPLE),
        with_forbid(crash_case("qemu-iso-reset-kbc-outport", "qemu", "kbc-outport", "poweroff",
                               [reset_req("0x60")]), NOT_TRIPLE),
    ],
    "bochs-isolation-cpu": [
        # VMX/EPT; no IOMMU on Bochs, so no VT-d page to test
        # ~4 min on an idle machine, 9 min with two other emulators running
        dict(name="bochs-iso-cpuhole", bed="bochs", guest="linux", timeout=900,
             settle=(1, 880), expect_exit=True,
             guest_cmdline=f"{HOLE_ARGS} sv.args=vtd=none",
             require=[req("HV: ready"), req("HV: launching guest: vmx backend")] +
             cpuhole("none", 2),
             forbid=FATAL + NO_CRASH + NO_FAIL, check=counted_exactly),
        # Linux resets through the 8042 here (Bochs' FADT has no reset register)
        with_forbid(crash_case("bochs-iso-panic-poweroff", "bochs", "panic", "poweroff",
                               PANIC + [reset_req("0x64")], timeout=900), NOT_TRIPLE),
        with_forbid(crash_case("bochs-iso-triple-poweroff", "bochs", "panic", "poweroff",
                               PANIC + [TRIPLE], guest_extra="reboot=t", timeout=900),
                    NOT_RESET),
    ],
}
