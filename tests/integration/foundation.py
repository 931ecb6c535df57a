# SPDX-License-Identifier: MIT
#
# Foundation suites: the hypervisor boots on both beds, brings up the sidecore,
# enumerates PCI/IOMMU and the CPU backend, and panics cleanly on request.
# Pure data, read by bed.py. Each case:
#   name, bed ("qemu"|"bochs"), timeout (s), settle (min, max s after
#   "HV: ready"), hv_cmdline, require [(label, regex)], forbid [(label, regex)]
#   (serial console), forbid_emu (emulator output/log), numeric [(label, regex
#   with two groups, "increase")], expect_exit ("debug-exit": the emulator
#   must exit by itself via isa-debug-exit with status (code<<1)|1 != 1; any
#   other true value: it must exit by itself), enabled=False with
#   disabled="reason" (listed and skipped, not counted).
# Regexes are matched per line (re.M); markers are the stable console strings.


def lit(s):
    """A literal marker that must end at a word boundary (cpus=2 != cpus=21)."""
    import re
    return re.escape(s) + (r"\b" if s[-1].isalnum() else "")


def req(s):
    return (s, lit(s))


FATAL = [("no PANIC:", r"PANIC:"), ("no FATAL:", r"FATAL:"),
         ("no EXCEPTION:", r"EXCEPTION:")]

COMMON = [
    req("HV: ready"),
    req("HV: cpus=2"),
    req("HV: cpu 0 apic=0 role=guest"),
    req("HV: cpu 1 apic=1 role=sidecore"),
    req("HV: sidecore online cpu=1"),
    req("HV: modules: 2"),
    # the placeholder modules are not a Linux kernel: a clear refusal, no fault
    req("GUEST: cannot start: bzImage header truncated"),
    req("HV: no guest running; halted"),
]
HEARTBEAT = [("sidecore heartbeat moved (B > A)",
              r"HV: sidecore heartbeat cpu=1 (\d+) -> (\d+)\b", "increase")]

QEMU = COMMON + [
    req("PCI: 00:02.0 8086:10d3 class 02.00.00"),
    req("HV: nic 00:02.0 8086:10d3"),
    req("VTD: drhd 0 base=0xfed90000"),
    ("VTD: cap=0x00d2008c22260206", r"VTD:.*\bcap=0x00d2008c22260206\b"),
    ("VTD: ecap=0x0000000000f00f4a", r"VTD:.*\becap=0x0000000000f00f4a\b"),
    ("SVM: rev=", r"SVM: .*\brev=\w+"),
    ("SVM: npt=1", r"SVM: .*\bnpt=1\b"),
]

BOCHS = COMMON + [
    req("PCI: 00:02.0 8086:100e class 02.00.00"),
    req("HV: nic 00:02.0 8086:100e"),
    ("VMX: ept=1", r"VMX: .*\bept=1\b"),
    ("VMX: unrestricted=1", r"VMX: .*\bunrestricted=1\b"),
    req("DMAR: none"),
]

SUITES = {
    "qemu-foundation": [
        dict(name="qemu-boot", bed="qemu", timeout=60, settle=(2, 10),
             require=QEMU, forbid=FATAL, numeric=HEARTBEAT),
        # The hypervisor panics on purpose (test_panic=1) and, with
        # panic=exit, leaves QEMU through isa-debug-exit (port 0xf4).
        dict(name="qemu-expected-panic", bed="qemu", timeout=60, settle=(0, 15),
             hv_cmdline="panic=exit test_panic=1",
             require=[("PANIC: (expected)", r"PANIC:"),
                      ("the panic is the deliberate one (names test_panic)",
                       r"PANIC:.*\btest_panic")],
             forbid=[("no FATAL:", r"FATAL:"), ("no EXCEPTION:", r"EXCEPTION:")],
             expect_exit="debug-exit"),
    ],
    "bochs-foundation": [
        dict(name="bochs-boot", bed="bochs", timeout=180, settle=(5, 40),
             require=BOCHS, forbid=FATAL, numeric=HEARTBEAT,
             forbid_emu=[("Bochs did not exit with an error",
                          r"Bochs is exiting with the following message|>>PANIC<<")]),
    ],
}
