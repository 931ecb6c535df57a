# SPDX-License-Identifier: MIT
#
# Isolation: a hostile NIC. The guest unbinds its NIC's driver and, through
# BAR0, points the NIC's DMA at memory it must not reach (guest/tools/nicdma.c
# run by sv.tool=nicdma): the hypervisor's image, an address beyond guest
# RAM, an IOVA the guest never mapped. The physical VT-d must block every
# access (one "VTD: fault" per target, nothing else); with the vIOMMU on, the
# fault must also reach the guest's own intel-iommu driver; then the rebound
# NIC moves an exact number of bytes. QEMU only: Bochs has no IOMMU, there
# the DMA would land. Data for bed.py (issue #7 case 2, issue #4).

from foundation import FATAL, req  # noqa: E402  (same directory)
from linux import BASE, GUEST_COMMON, QEMU_VIOMMU_COMMON  # noqa: E402

MIB = 1 << 20
HV_TEXT = 0x101000       # inside the hypervisor image (linked at 0x100000)
HV_DATA = 0x102000       # ditto, the target of the DMA write
BEYOND_RAM = 0x4000000000  # 256 GiB: inside the 39-bit width, far above the bed's 1 GiB
UNMAPPED_IOVA = 0x7ff0000  # the guest's DMA API allocates IOVAs near 4 GiB


def vtd_fault(addr, access):
    """The physical unit's line for one blocked access of the NIC. Not anchored
    at the start: the guest shares the console and may be mid-line."""
    reason = "0x06" if access == "read" else "0x05"  # not readable / not writable
    return (f"VTD: fault sid=00:02.0 addr={addr:#x} {access}",
            rf"VTD: fault sid=00:02\.0 addr={addr:#x} reason={reason} \(.*\) {access}$")


def only_faults(*addrs):
    """Forbid physical faults at any other address (the traffic must not fault)."""
    alt = "|".join(f"{a:#x}" for a in addrs)
    return ("no VTD: fault at another address",
            rf"VTD: fault (?!sid=00:02\.0 addr=(?:{alt}) )")


def guest_dmar_fault(addr, access):
    """The guest's intel-iommu driver logged the reflected fault (dmar_fault_do_one)."""
    kind = "DMA Read" if access == "read" else "DMA Write"
    reason = "0x06" if access == "read" else "0x05"
    return (f"guest: DMAR: [{kind}] device [00:02.0] fault addr {addr:#x}",
            rf"DMAR: \[{kind} NO_PASID\] Request device \[00:02\.0\] "
            rf"fault addr {addr:#x} \[fault reason {reason}\]")


def nicdma_ran(targets):
    """The tool's own lines: one per target, the NIC rebound and up again."""
    out = [req("GUEST: tool nicdma start"),
           ("GUEST: nicdma unbound 00:02.0 from e1000e",
            r"^GUEST: nicdma unbound 0000:00:02\.0 from e1000e$"),
           ("GUEST: nicdma command: memory + bus master on",
            r"^GUEST: nicdma command 0x[0-9a-f]{4} -> 0x[0-9a-f]{3}[67ef]$")]
    for kind, addr in targets:
        if kind == "tx":
            out.append((f"GUEST: nicdma tx-ring target={addr:#x} fetched",
                        rf"^GUEST: nicdma tx-ring target={addr:#x} tdh=1$"))
        else:
            # the frame came back through loopback and was "written" (desc DD)
            out.append((f"GUEST: nicdma rx-buffer target={addr:#x} received",
                        rf"^GUEST: nicdma rx-buffer target={addr:#x} rdh=1 "
                        r"desc-status=0x[0-9a-f][13579bdf] "))
    out += [("GUEST: nicdma rebound", r"^GUEST: nicdma rebound 0000:00:02\.0 to e1000e iface=eth0$"),
            req("GUEST: nicdma rc=0"),
            ("GUEST: nicdma link up eth0", r"^GUEST: nicdma link up eth0 after "),
            req("GUEST: tool nicdma rc=0")]
    return out


def args(targets):
    return ",".join(f"{k}:{a:#x}" for k, a in targets)


FORBID = FATAL + [("no GUEST: FAIL", r"GUEST: FAIL"),
                  ("no GUEST-CRASH", r"GUEST-CRASH"),
                  ("no guest kernel panic", r"Kernel panic"),
                  ("no lost faults (overflow)", r"^VTD: .*overflow"),
                  ("no invalidation errors", r"^VTD: invalidation error")]

# a) no vIOMMU: the NIC's physical domain is guest RAM, identity-mapped
OFF_TARGETS = [("tx", HV_TEXT), ("tx", BEYOND_RAM), ("rx", HV_DATA)]
QEMU_OFF = GUEST_COMMON + [
    req("HV: option viommu=off"),
    req("HV: launching guest: svm backend"),
    req("VTD: nic 00:02.0 domain 1 identity-mapped"),
    ("VTD: translation on", r"^VTD: nic 00:02\.0 domain 1 .*translation on$"),
    ("GUEST: nic e1000e", r"^GUEST: nic \w+ driver=e1000e\b"),
    req("GUEST: iommu eth0 none"),
]

# b) the guest's own IOMMU (the emulated VT-d): the physical domain is the
# shadow of the guest's tables, the guest sees each fault in its own log
VI_TARGETS = [("tx", HV_TEXT), ("tx", UNMAPPED_IOVA), ("tx", BEYOND_RAM)]


def viommu_case(name, mode, extra_require=()):
    return dict(
        name=name, bed="qemu", guest="linux", timeout=240, settle=(1, 220),
        expect_exit=True, hv_cmdline=f"viommu={mode} teardown_ms=0",
        guest_cmdline=f"{BASE} intel_iommu=on iommu.strict=1 sv.nic=e1000e sv.mode=tx"
                      f" sv.bytes={MIB} sv.tool=nicdma sv.args={args(VI_TARGETS)}",
        peer=dict(expect=MIB),
        require=[r for r in QEMU_VIOMMU_COMMON if not r[0].startswith("VTD: stats faults=")]
        + nicdma_ran(VI_TARGETS)
        + [vtd_fault(a, "read") for _, a in VI_TARGETS]
        + [guest_dmar_fault(a, "read") for _, a in VI_TARGETS]
        + [(f"VTD: stats faults={len(VI_TARGETS)}", rf"^VTD: stats faults={len(VI_TARGETS)} "),
           (f"VIOMMU: faults_reflected={len(VI_TARGETS)}",
            rf"^VIOMMU: faults_reflected={len(VI_TARGETS)} "),
           req(f"GUEST: tx bytes={MIB}")] + list(extra_require),
        forbid=FORBID + [only_faults(*(a for _, a in VI_TARGETS))])


SUITES = {
    "qemu-isolation-dma": [
        # issue #4's acceptance test: DMA at the hypervisor (read and write)
        # and beyond RAM, blocked by the physical VT-d and reported
        dict(name="qemu-dma-hostile-noviommu", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=off",
             guest_cmdline=f"{BASE} intel_iommu=off sv.nic=e1000e sv.mode=tx sv.bytes={MIB}"
                           f" sv.tool=nicdma sv.args={args(OFF_TARGETS)}",
             peer=dict(expect=MIB),
             require=QEMU_OFF + nicdma_ran(OFF_TARGETS)
             + [vtd_fault(a, "read" if k == "tx" else "write") for k, a in OFF_TARGETS]
             + [(f"VTD: stats faults={len(OFF_TARGETS)}",
                 rf"^VTD: stats faults={len(OFF_TARGETS)} "),
                req(f"GUEST: tx bytes={MIB}")],
             forbid=FORBID + [only_faults(*(a for _, a in OFF_TARGETS)),
                              ("no emulated VT-d", r"^VIOMMU: unit at")]),
        # the default viommu=sidecore with the guest's IOMMU off: the NIC's
        # physical domain is the identity one, the faults are the
        # hypervisor's alone (real hardware would not fault: not reflected)
        dict(name="qemu-dma-hostile-viommu-identity", bed="qemu", guest="linux", timeout=240,
             settle=(1, 220), expect_exit=True, hv_cmdline="viommu=sidecore",
             guest_cmdline=f"{BASE} intel_iommu=off sv.nic=e1000e sv.mode=tx sv.bytes={MIB}"
                           f" sv.tool=nicdma sv.args={args(OFF_TARGETS)}",
             peer=dict(expect=MIB),
             require=[r for r in QEMU_OFF if r[0] != "HV: option viommu=off"]
             + nicdma_ran(OFF_TARGETS)
             + [("VIOMMU: unit at 0xfed90000 (sidecore)",
                 r"^VIOMMU: unit at 0xfed90000 .*sidecore")]
             + [vtd_fault(a, "read" if k == "tx" else "write") for k, a in OFF_TARGETS]
             + [(f"VTD: stats faults={len(OFF_TARGETS)}",
                 rf"^VTD: stats faults={len(OFF_TARGETS)} "),
                req("VIOMMU: faults_reflected=0"),
                req(f"GUEST: tx bytes={MIB}")],
             forbid=FORBID + [only_faults(*(a for _, a in OFF_TARGETS)),
                              ("no guest DMAR fault", r"DMAR: \[DMA")]),
        # the guest serviced every fault: no write-1-to-clear bit left, so
        # the register page is polled RAM again at the end
        viommu_case("qemu-dma-hostile-viommu-sidecore", "sidecore",
                    [("VIOMMU: sidecore page0 polled at the end",
                      r"^VIOMMU: sidecore page0 polled\b")]),
        viommu_case("qemu-dma-hostile-viommu-trap", "trap"),
    ],
}
