/* SPDX-License-Identifier: MIT */
/*
 * The guest's view of PCI configuration space through configuration
 * mechanism #1 (ports 0xcf8 and 0xcfc-0xcff, PCI30 3.2.2.3.2), the only
 * config mechanism the guest gets (the MCFG is not in its ACPI tables and
 * ECAM is left out of its EPT/NPT). It sees the assigned NIC, the host
 * bridges and ISA/LPC bridges on bus 0 and the PCI-to-PCI bridges above
 * the NIC; every other function reads as absent (all-ones). Pure: config
 * accesses go through struct pci_cfg_ops, so host tests use a fake.
 *
 * Write policy (thin passthrough: the guest drives its NIC directly):
 *   NIC: everything passes, BARs, expansion ROM and the MSI/MSI-X
 *     registers included (the guest programs its MSI address/data, no exit
 *     per interrupt; the hypervisor must keep whatever the guest maps at
 *     the NIC's BARs reachable). Its capability list is passed unchanged.
 *   other visible functions: BARs and the expansion ROM register are
 *     emulated (a shadow register with the BAR's real writable bits, so
 *     the guest's sizing probe sees the true size, but the hardware never
 *     moves); COMMAND's I/O and memory decode bits keep their host value
 *     (the hypervisor's own console and timers sit behind the LPC bridge);
 *     host bridges' device-specific registers (>= 0x40: ECAM base, SMRAM,
 *     PAM, memory map locks) are read-only; the rest passes.
 */
#ifndef VMM_VPCI_H
#define VMM_VPCI_H

#include "drivers/pci.h"
#include "lib/types.h"

#define VPCI_MAX_VISIBLE 32	/* AMD hosts list 8+ host bridges */
#define VPCI_NO_NIC 0xffffffffu /* nic_bdf when there is none */
#define VPCI_PORT_FIRST 0xcf8
#define VPCI_PORT_RESET 0xcf9 /* ICH/PIIX reset control: not ours */
#define VPCI_PORT_DATA 0xcfc
#define VPCI_PORT_LAST 0xcff

enum vpci_role {
	VPCI_ROLE_NIC = 0,
	VPCI_ROLE_HOST_BRIDGE, /* class 06.00 on bus 0 */
	VPCI_ROLE_ISA_BRIDGE,  /* class 06.01 on bus 0 */
	VPCI_ROLE_PATH_BRIDGE, /* PCI-to-PCI bridge whose buses hold the NIC */
};

/* One visible function. */
struct vpci_fn {
	u32 bdf;	  /* PCI_BDF(), segment 0 */
	u8 role;	  /* enum vpci_role */
	u8 nbars;	  /* BARs emulated (0 for the NIC) */
	u16 rom_off;	  /* expansion ROM register emulated, 0 if none */
	u32 bar[6];	  /* what the guest reads from each emulated BAR */
	u32 bar_wmask[6]; /* its writable bits: those of the sized host BAR */
	u32 rom;	  /* what the guest reads from the ROM register */
};

struct vpci {
	const struct pci_cfg_ops *host; /* real config access */
	u32 cf8;			/* the guest's last dword CF8 write */
	struct vpci_fn fns[VPCI_MAX_VISIBLE];
	unsigned int nr_visible;
	u32 nic_bdf;
	struct {
		u64 reads, writes;  /* guest accesses to our ports */
		u64 hidden_reads;   /* answered all-ones: no visible target */
		u64 blocked_writes; /* dropped or only shadowed */
	} stats;
};

/**
 * Decide what the guest sees: the NIC at nic_bdf (VPCI_NO_NIC: none), the
 * bridges above it, the host and ISA/LPC bridges on bus 0 of bus (may be
 * NULL: then the NIC alone, with nothing emulated). Reads the non-NIC
 * functions' BARs and ROM register through host to seed their shadows.
 * Warns if a visible function other than 0 has its function 0 hidden
 * (Linux does not scan past an absent function 0) and if more than
 * VPCI_MAX_VISIBLE functions qualify (the rest stay hidden).
 */
void vpci_init(struct vpci *v, const struct pci_cfg_ops *host, const struct pci_bus_info *bus,
	       u32 nic_bdf);

/**
 * Emulate the guest's port access: port, size 1/2/4, direction; *val is
 * the value written, or receives the value read (zero-extended; absent or
 * undecoded bytes read as all-ones). Returns false if the port is not ours
 * (anything outside 0xcf8-0xcff, and any access starting at 0xcf9, the
 * reset control register): the caller handles it. Semantics as mechanism
 * #1 on Intel chipsets: only dword accesses to 0xcf8 reach CONFIG_ADDRESS
 * (other accesses to 0xcf8-0xcfb read all-ones and are dropped); data port
 * accesses use CF8's bus, device, function and register (bits 7:2) plus
 * (port & 3), and are config cycles only with CF8 bit 31 set; bytes past
 * 0xcff read all-ones and are not written; unaligned accesses are split
 * into bytes; bits 30:24 of CF8 (the AMD extended-register field) are
 * ignored: only the first 256 bytes are reachable.
 */
bool vpci_io(struct vpci *v, u16 port, unsigned int size, bool write, u32 *val);

/** Is bdf (PCI_BDF encoding) visible to the guest? */
bool vpci_visible(const struct vpci *v, u32 bdf);

/** "VPCI: visible 00:02.0 nic, 00:00.0 host-bridge, ..." and the stats. */
void vpci_print(const struct vpci *v);

#endif /* VMM_VPCI_H */
