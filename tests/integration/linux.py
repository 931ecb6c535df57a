# SPDX-License-Identifier: MIT
#
# Linux guest suites: the unmodified Debian guest (guest/build.sh) boots under
# Sidevisor, owns the NIC, moves an exact number of UDP bytes to or from the
# project's loopback peer (QEMU) or into Bochs' frame log, and powers off;
# the hypervisor prints its exit counters at the S5 write. Data for bed.py.

from foundation import FATAL, lit, req  # noqa: E402  (same directory)

BASE = "console=ttyS0,115200 quiet cryptomgr.notests panic=-1"
MIB = 1 << 20

GUEST_COMMON = [
    req("HV: ready"),
    req("GUEST: up"),
    req("GUEST: cpus=1"),
    req("GUEST: vmx=0"),
    req("GUEST: svm=0"),
    req("GUEST: hypervisor=1"),
    ("GUEST: link up", r"^GUEST: link up \w+"),
    req("GUEST: done"),
    req("HV: guest shutdown"),
    ("EXITS: total=N", r"^EXITS: total=\d+"),
    ("EXITS: CPUID=N", r"^EXITS: CPUID=\d+"),
    ("EXITS: IO=N", r"^EXITS: IO=\d+"),
    req("HV: powering off"),
]
GUEST_FORBID = FATAL + [("no GUEST: FAIL", r"GUEST: FAIL"),
                        ("no VTD: fault", r"^VTD: fault"),
                        ("no GUEST-CRASH", r"GUEST-CRASH"),
                        ("no guest kernel panic", r"Kernel panic")]

QEMU_LINUX = GUEST_COMMON + [
    req("HV: launching guest: svm backend"),
    # the physical VT-d confines the NIC: its own domain, translation on,
    # and the NIC's DMA (all of the traffic) caused no fault
    req("VTD: nic 00:02.0 domain 1 identity-mapped"),
    ("VTD: translation on", r"^VTD: nic 00:02\.0 domain 1 .*translation on$"),
    ("VTD: stats faults=0", r"^VTD: stats faults=0 "),
    ("GUEST: nic e1000e", r"^GUEST: nic \w+ driver=e1000e\b"),
    req("VPCI: visible 00:02.0 nic"),
]
# The NIC's ring bases as its registers hold them (guest/tools/ringaddr.sh):
# IOVAs outside guest RAM with the guest's IOMMU on, guest RAM without.
RING_IOVA = ("NIC rings at IOVAs (not in guest RAM)",
             r"^GUEST: ring tx=0x[0-9a-f]+ rx=0x[0-9a-f]+ tx_in_ram=0 rx_in_ram=0$")
RING_PHYS = ("NIC rings at physical addresses (in guest RAM)",
             r"^GUEST: ring tx=0x[0-9a-f]+ rx=0x[0-9a-f]+ tx_in_ram=1 rx_in_ram=1$")
QEMU_VIOMMU_COMMON = GUEST_COMMON + [
    req("HV: launching guest: svm backend"),
    ("guest: DMAR: IOMMU enabled", r"DMAR: IOMMU enabled"),
    ("guest: DMAR: dmar0 at 0xfed90000", r"DMAR: dmar0: reg_base_addr fed90000"),
    ("guest: queued invalidation", r"DMAR: dmar0: Using Queued invalidation"),
    ("GUEST: iommu eth0 type=DMA", r"^GUEST: iommu eth0 group=\d+ type=DMA$"),
    ("VTD: stats faults=0", r"^VTD: stats faults=0 "),
    ("VIOMMU: descriptors iotlb>0", r"^VIOMMU: descriptors cc=\d+ iotlb=[1-9]"),
    ("VIOMMU: no bad descriptors", r"^VIOMMU: descriptors .* bad=0$"),
    ("VIOMMU: shadow maps>0", r"^VIOMMU: shadow maps=[1-9]"),
]
# trap: every register access exits (and is emulated)
QEMU_VIOMMU = QEMU_VIOMMU_COMMON + [
    ("VIOMMU: unit at 0xfed90000 (trap)", r"^VIOMMU: unit at 0xfed90000 .*trap"),
    ("register accesses exit (EXITS: NPF>0)", r"^EXITS: NPF=[1-9]"),
]
# Optimistic teardown's point: fewer physical invalidations than guest unmaps;
# strict (teardown 0) needs one per unmap invalidation.
_INV = r"^VIOMMU: guest unmap invalidations=(\d+) physical invalidations=(\d+)"
PHYS_FEWER = ("teardown: physical invalidations < guest unmap invalidations", _INV, "decrease")
PHYS_NOT_FEWER = ("strict: physical invalidations >= guest unmap invalidations", _INV,
                  "notdecrease")
# The last heartbeat line is the one printed at guest shutdown.
SIDECORE_ALIVE = ("sidecore still running at guest shutdown",
                  r"^HV: sidecore heartbeat cpu=\d+ (\d+) -> (\d+)$", "increase")
BOCHS_VIOMMU_PT = [
    ("VIOMMU: unit at 0xfed90000 (sidecore), pass-through only",
     r"^VIOMMU: unit at 0xfed90000 .*sidecore.*pass-through only, DMA unprotected"),
    req("VIOMMU: sidecore page0 polled"),
    ("guest: DMAR: dmar0 at 0xfed90000", r"DMAR: dmar0: reg_base_addr fed90000"),
    ("guest: queued invalidation", r"DMAR: dmar0: Using Queued invalidation"),
    ("GUEST: iommu eth0 type=identity", r"^GUEST: iommu eth0 group=\d+ type=identity$"),
    ("VIOMMU: descriptors processed", r"^VIOMMU: descriptors cc=[1-9]"),
]
BOCHS_INIT = [
    req("HV: cpu 1: INIT from the guest blocked (VMX root operation)"),
    req("GUEST: initattack sent INIT and SIPI to apic id=1"),
    req("GUEST: tool initattack rc=0"),
]
BOCHS_LINUX = GUEST_COMMON + [
    req("HV: launching guest: vmx backend"),
    req("HV: no physical IOMMU: the NIC's DMA is unprotected"),
    ("GUEST: nic e1000", r"^GUEST: nic \w+ driver=e1000\b"),
    ("EXITS: raw IO_INSTRUCTION", r"^EXITS: raw IO_INSTRUCTION\(30\)=\d+"),
]

SUITES = {
    "qemu-linux": [
        dict(name="qemu-linux-tx", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True,
             guest_cmdline=f"{BASE} intel_iommu=off iomem=relaxed sv.nic=e1000e sv.mode=tx"
                           f" sv.bytes={MIB} sv.tool=ringaddr",
             peer=dict(expect=MIB),
             require=QEMU_LINUX + [RING_PHYS, req(f"GUEST: tx bytes={MIB}")],
             forbid=GUEST_FORBID),
        # viommu=off: no emulated unit at all, the NIC's domain maps guest RAM
        dict(name="qemu-linux-rx", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=off",
             guest_cmdline=f"{BASE} intel_iommu=off sv.nic=e1000e sv.mode=rx sv.bytes={MIB}"
                           " sv.timeout=120",
             peer=dict(send=MIB),
             require=QEMU_LINUX + [req(f"GUEST: rx bytes={MIB}")], forbid=GUEST_FORBID),
    ],
    # The emulated VT-d, trapped: the guest's own intel-iommu driver uses it
    # (queued invalidation, strict), the NIC's DMA goes through the shadow.
    "qemu-viommu": [
        # sidecore: the register page is RAM polled by CPU1: no register exits
        dict(name="qemu-viommu-sidecore-teardown", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=sidecore teardown_ms=10",
             guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 iomem=relaxed sv.nic=e1000e"
                           f" sv.mode=tx sv.bytes={MIB} sv.tool=ringaddr",
             peer=dict(expect=MIB),
             require=QEMU_VIOMMU_COMMON + [
                 ("VIOMMU: unit at 0xfed90000 (sidecore)",
                  r"^VIOMMU: unit at 0xfed90000 .*sidecore"),
                 req("VIOMMU: sidecore page0 polled"),
                 RING_IOVA,
                 req(f"GUEST: tx bytes={MIB}")],
             numeric=[("revivals > 0 with teardown", r"^VIOMMU: teardown revivals=(\d+)",
                       "nonzero"), PHYS_FEWER],
             forbid=GUEST_FORBID + [("no register-access exits (EXITS: NPF)", r"^EXITS: NPF=")]),
        dict(name="qemu-viommu-sidecore-strict", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=sidecore teardown_ms=0",
             guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=rx"
                           f" sv.bytes={MIB} sv.timeout=120",
             peer=dict(send=MIB),
             require=QEMU_VIOMMU_COMMON + [req(f"GUEST: rx bytes={MIB}"),
                                           req("VIOMMU: teardown revivals=0 deferred=0")],
             numeric=[PHYS_NOT_FEWER],
             forbid=GUEST_FORBID + [("no register-access exits (EXITS: NPF)", r"^EXITS: NPF=")]),
        dict(name="qemu-viommu-trap-teardown", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=trap teardown_ms=10",
             guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=tx"
                           f" sv.bytes={MIB}",
             peer=dict(expect=MIB),
             require=QEMU_VIOMMU + [req(f"GUEST: tx bytes={MIB}")],
             numeric=[("revivals > 0 with teardown", r"^VIOMMU: teardown revivals=(\d+)",
                       "nonzero"), PHYS_FEWER],
             forbid=GUEST_FORBID),
        dict(name="qemu-viommu-trap-strict", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=trap teardown_ms=0",
             guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=rx"
                           f" sv.bytes={MIB} sv.timeout=120",
             peer=dict(send=MIB),
             require=QEMU_VIOMMU + [req(f"GUEST: rx bytes={MIB}"),
                                    req("VIOMMU: teardown revivals=0 deferred=0")],
             numeric=[PHYS_NOT_FEWER],
             forbid=GUEST_FORBID),
    ],
    "qemu-linux-errors": [
        # GRUB gave the kernel but no initramfs: a clear refusal, no fault
        dict(name="qemu-guest-no-initrd", bed="qemu", guest="linux", timeout=60,
             settle=(1, 20), guest_initrd="/nonexistent",
             require=[req("HV: modules: 1"),
                      req("GUEST: cannot start: no initrd"),
                      req("HV: no guest running; halted")],
             forbid=FATAL),
    ],
    # One Bochs boot (~3-4 min idle) carries the VMX end-to-end checks:
    # the guest's own intel-iommu driver on the emulated unit (sidecore mode):
    # no physical IOMMU, so the unit offers pass-through only and says DMA is
    # unprotected, the NIC sits in an identity group; the guest also sends
    # INIT and SIPI from its LAPIC to the hidden sidecore
    # (guest/tools/initattack.sh), which sits in VMX root operation where INIT
    # is blocked: it keeps running (and keeps serving the unit).
    "bochs-linux": [
        dict(name="bochs-linux-viommu-pt", bed="bochs", guest="linux", timeout=600,
             settle=(1, 590), expect_exit=True, hv_cmdline="viommu=sidecore",
             guest_cmdline=f"{BASE} intel_iommu=on iommu=pt iomem=relaxed sv.nic=e1000"
                           " sv.mode=tx sv.bytes=65536 sv.linkwait=60 sv.tool=initattack",
             peer=dict(expect=65536),
             require=BOCHS_LINUX + BOCHS_VIOMMU_PT + BOCHS_INIT + [req("GUEST: tx bytes=65536")],
             numeric=[SIDECORE_ALIVE],
             forbid=GUEST_FORBID + [("no register-access exits (EXITS: NPF/EPT)",
                                     r"^EXITS: (NPF=|raw EPT_VIOLATION)")]),
    ],
    # make test-full: the same without the guest's IOMMU driver
    "bochs-linux-more": [
        dict(name="bochs-linux-tx", bed="bochs", guest="linux", timeout=600,
             settle=(1, 590), expect_exit=True,
             guest_cmdline=f"{BASE} intel_iommu=off iomem=relaxed sv.nic=e1000 sv.mode=tx"
                           " sv.bytes=65536 sv.linkwait=60 sv.tool=initattack",
             peer=dict(expect=65536),
             require=BOCHS_LINUX + BOCHS_INIT + [req("GUEST: tx bytes=65536")],
             numeric=[SIDECORE_ALIVE],
             forbid=GUEST_FORBID),
    ],
}
