/* SPDX-License-Identifier: MIT */
/*
 * The guest's ACPI tables: a new RSDP, XSDT and RSDT over copies of the
 * firmware's tables, with the MADT cut down to the guest's one CPU, the
 * firmware DMAR (the physical IOMMU) always dropped, the MCFG dropped unless
 * asked for (the guest reaches PCI config space through the filtered
 * CF8/CFC only: vmm/vpci.h) and tables of the hypervisor's own added (the
 * emulated VT-d's DMAR). Pure: firmware tables are read through struct
 * acpi_mem, the result is written into a caller's buffer that the
 * hypervisor places in guest RAM (E820 ACPI-reclaimable; the RSDP address
 * goes to Linux in boot_params.acpi_rsdp_addr).
 */
#ifndef VMM_VACPI_H
#define VMM_VACPI_H

#include "drivers/acpi.h"
#include "lib/types.h"

#define VACPI_ALIGN 16	   /* guest-physical alignment of every table */
#define VACPI_MAX_EXTRA 16 /* tables the hypervisor may add */

struct vacpi_input {
	const struct acpi_info *fw; /* the firmware's tables, from acpi_init() */
	const struct acpi_mem *mem; /* to read the firmware tables' bytes */
	u32 guest_apic_id;	    /* the only CPU the guest may see */
	/* Whole tables to add (e.g. the vIOMMU's DMAR), each header + body of
	 * its header's length; the copies get their checksum recomputed. */
	const void *const *extra_tables;
	unsigned int nr_extra;
	bool keep_mcfg; /* default false: the guest uses CF8/CFC */
};

/**
 * Lay out the guest's tables at guest-physical base_gpa into buf (buf_len
 * bytes), every table at a VACPI_ALIGN-aligned guest address:
 *   RSDP (revision 2, 36 bytes; OEM id of the firmware's RSDP), XSDT,
 *   RSDT (only when everything ends below 4 GiB; else RsdtAddress is 0),
 *   then, in firmware order, the firmware's root tables, each copied
 *   unchanged except:
 *     MADT (the first valid one) rewritten: the guest's LAPIC or x2APIC
 *       entry only (the first one with guest_apic_id, marked enabled),
 *       IOAPICs, interrupt source overrides, NMI sources and the LAPIC
 *       address override kept, (x2)APIC NMI entries kept if they name all
 *       processors or the guest's UID; all other entries dropped (other
 *       CPUs, multiprocessor wakeup, unknown types);
 *     DMAR dropped, MCFG dropped unless keep_mcfg, further MADTs and
 *     misplaced RSDT/XSDT/DSDT/FACS root entries dropped;
 *   the FADT is copied as is: its DSDT and FACS pointers still point into
 *   firmware memory, which the guest must keep;
 *   then the extra tables in order.
 * Every checksum is recomputed. Nothing is written unless the whole layout
 * fits. Returns 0 with *rsdp_gpa and *used (bytes of buf used, from its
 * start); -E2BIG if buf_len is too small; -ENOENT if the firmware has no
 * valid MADT or it has no LAPIC/x2APIC entry for guest_apic_id; -EINVAL on
 * bad arguments (NULLs, more than VACPI_MAX_EXTRA extra tables, an extra
 * table with a length below 36 or above ACPI_TABLE_MAX_LEN, base_gpa not
 * below 2^52).
 */
int __must_check vacpi_build(const struct vacpi_input *in, gpa_t base_gpa, void *buf,
			     size_t buf_len, gpa_t *rsdp_gpa, size_t *used);

/**
 * Two console lines on a successful build (buf/used/base_gpa/rsdp_gpa as
 * vacpi_build() left them):
 *   "VACPI: RSDP 0x... tables: FACP APIC(1 cpu) HPET WAET DMAR(viommu)"
 *   "VACPI: hidden: DMAR MCFG, cpus apic=1"
 * An added table prints as SIG(added), an added DMAR as DMAR(viommu).
 */
void vacpi_print(const struct vacpi_input *in, const void *buf, size_t used, gpa_t base_gpa,
		 gpa_t rsdp_gpa);

#endif /* VMM_VACPI_H */
