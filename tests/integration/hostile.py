# SPDX-License-Identifier: MIT
#
# Hostile-guest suites (issue #7 case 3, issue #5's page-0 poll->trap->poll):
# the Linux guest boots with intel_iommu=off, so guest/tools/vtdhostile owns
# the emulated VT-d unit and drives it like a hostile driver (bad descriptors,
# bad tails, queues/root tables/status writes aimed at hypervisor memory and
# MMIO, bad contexts, looping page tables, read-only flips, bad FEADDR, a
# seeded random register storm). Every subtest prints "GUEST: vtd NAME ok";
# the hypervisor must stay up and count the errors. Data for bed.py.
# Debugging: VTDHOSTILE_EXTRA="only=ctx-te-on+pt-sparse,storm=0" appends
# tool arguments (commas between them) to every case.

import os

from foundation import FATAL, req  # noqa: E402  (same directory)

BASE = "console=ttyS0,115200 quiet cryptomgr.notests panic=-1 intel_iommu=off iomem=relaxed"


# Known deviations whose fix is pending ("+"-separated subtest names): they
# print "xfail" instead of "FAIL" and are not counted. None at present
# (iqe-qi-toggle was one until viommu/core.c kept the queue stopped under IQE).
XFAIL = ""


def tool(mode, phys, storm, seed):
    return (f"{BASE} sv.mode=none sv.tool=vtdhostile"
            f" sv.args=mode={mode},phys={phys},storm={storm},seed={seed},xfail={XFAIL}"
            + ("," + os.environ["VTDHOSTILE_EXTRA"] if os.environ.get("VTDHOSTILE_EXTRA")
               else ""))


HOSTILE_COMMON = [
    req("HV: ready"),
    req("GUEST: up"),
    req("GUEST: tool vtdhostile start"),
    ("GUEST: vtd summary failed=0", r"^GUEST: vtd summary passed=[1-9]\d* failed=0$"),
    req("GUEST: vtd alive ok"),
    req("GUEST: vtd storm ok"),
    req("GUEST: tool vtdhostile rc=0"),
    req("GUEST: done"),
    req("HV: guest shutdown"),
    req("HV: powering off"),
    # hypervisor image checksum and heap poison check at guest shutdown
    ("HV: integrity image=ok heap=ok", r"^HV: integrity image=ok heap=ok\b"),
    ("VIOMMU: bad descriptors > 0", r"^VIOMMU: descriptors .* bad=[1-9]\d*$"),
    ("VIOMMU: iq_errors > 0", r"^VIOMMU: invalidations .* iq_errors=[1-9]\d*$"),
]
HOSTILE_FORBID = FATAL + [("no GUEST: FAIL", r"GUEST: FAIL"),
                          ("no vtd subtest FAIL", r"^GUEST: vtd \S+ FAIL"),
                          ("no GUEST-CRASH", r"GUEST-CRASH"),
                          ("no guest kernel panic", r"Kernel panic"),
                          ("no guest oops", r"\bOops\b|BUG: |general protection")]
SIDECORE = [
    ("VIOMMU: unit at 0xfed90000 (sidecore)", r"^VIOMMU: unit at 0xfed90000 .*sidecore"),
]
# issue #5: page 0 went from polled to trapped and back, more than once
SIDECORE_NUMERIC = [
    ("page 0 switched to trap N>0 times",
     r"^VIOMMU: sidecore page0 \w+, switched to trap (\d+) times", "nonzero"),
    ("page 0 back to polling M>0 times",
     r"^VIOMMU: sidecore page0 \w+, switched to trap \d+ times, back to polling (\d+) times",
     "nonzero"),
]
# every interrupt the tool provokes is masked, aimed at the hypervisor's CPU
# or has an illegal vector: none may reach a CPU
NO_MSI = [("no MSI sent (msis=0)", r"^VIOMMU: faults_reflected=.* msis=(\d+)", "zero")]
QEMU_NUMERIC = [
    # the self-referencing page table ran the walk out of its budget
    ("walk_faults > 0 (looping table)", r"^VIOMMU: shadow .* walk_faults=(\d+)", "nonzero"),
]

SUITES = {
    "qemu-hostile": [
        dict(name="qemu-hostile-sidecore", bed="qemu", guest="linux", timeout=300,
             settle=(1, 280), expect_exit=True, hv_cmdline="viommu=sidecore",
             guest_cmdline=tool("sidecore", 1, 15, 7),
             require=HOSTILE_COMMON + SIDECORE + [req("VIOMMU: sidecore page0 polled")],
             numeric=SIDECORE_NUMERIC + QEMU_NUMERIC + NO_MSI,
             forbid=HOSTILE_FORBID),
        dict(name="qemu-hostile-trap", bed="qemu", guest="linux", timeout=300,
             settle=(1, 280), expect_exit=True, hv_cmdline="viommu=trap",
             guest_cmdline=tool("trap", 1, 15, 11),
             require=HOSTILE_COMMON + [
                 ("VIOMMU: unit at 0xfed90000 (trap)", r"^VIOMMU: unit at 0xfed90000 .*trap"),
                 ("register accesses exit (EXITS: NPF>0)", r"^EXITS: NPF=[1-9]")],
             numeric=QEMU_NUMERIC + NO_MSI,
             forbid=HOSTILE_FORBID),
    ],
    "bochs-hostile": [
        dict(name="bochs-hostile", bed="bochs", guest="linux", timeout=600,
             settle=(1, 590), expect_exit=True, hv_cmdline="viommu=sidecore",
             guest_cmdline=tool("sidecore", 0, 5, 3),
             require=HOSTILE_COMMON + SIDECORE + [
                 req("HV: no physical IOMMU: the NIC's DMA is unprotected")],
             numeric=SIDECORE_NUMERIC + NO_MSI,
             forbid=HOSTILE_FORBID),
    ],
}
