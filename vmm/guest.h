/* SPDX-License-Identifier: MIT */
/*
 * Preparing and launching the one guest on the boot CPU: its memory map
 * (firmware map minus the hypervisor), its EPT/NPT, its ACPI and PCI views,
 * the Linux boot protocol, the CPUID policy, and the backend (VMX or SVM).
 */
#ifndef VMM_GUEST_H
#define VMM_GUEST_H

#include "boot/mbi.h"
#include "drivers/acpi.h"
#include "drivers/pci.h"
#include "drivers/vtd.h"

struct guest_platform {
	const struct mbi_info *mbi;
	const struct acpi_info *acpi;
	const struct pci_bus_info *pci;
	const struct pci_cfg_ops *pci_ops;
	const struct pci_dev *nic;
	hpa_t ecam_base; /* hidden from the guest (0: none) */
	u64 ecam_size;
	struct vtd_unit *vtd;	 /* the physical VT-d unit over the NIC, or NULL */
	const hpa_t *iommu_regs; /* physical VT-d register pages: hidden */
	const u64 *iommu_sizes;
	unsigned int nr_iommus;
	u32 guest_apic_id;
	u64 tsc_khz; /* measured, to judge CPUID 0x15/0x16 */
};

/**
 * Build everything and enter the guest; returns only on failure, after
 * printing why ("GUEST: cannot start: ..."): no kernel module, no initrd,
 * a bzImage too old for the 64-bit entry, a command line too long, no VMX
 * or SVM.
 */
int guest_launch(const struct guest_platform *p);

/**
 * Map (hpa != 0) or unmap one 4 KiB page of the guest-physical space at
 * run time, then make the guest CPU drop stale translations before it runs
 * guest code again (waits up to timeout_us). 0 or -errno.
 */
int __must_check guest_remap_page(gpa_t gpa, hpa_t hpa, u64 timeout_us);

/** The guest's nested page tables (to add or punch holes later). */
struct npt;
struct npt *guest_npt(void);

#endif /* VMM_GUEST_H */
