// SPDX-License-Identifier: MIT
/*
 * Guest DMAR table for the emulated unit: DMAR header (8.1) + one DRHD
 * (8.3) covering every PCI device of segment 0 (INCLUDE_PCI_ALL), so the
 * NIC, the only DMA-capable device the guest sees, is behind it.
 */
#include "viommu/dmar.h"
#include "drivers/acpi_tables.h"
#include "lib/bitops.h"
#include "lib/string.h"

size_t viommu_dmar_build(void *buf, size_t len, gpa_t reg_gpa, unsigned int size_log2,
			 unsigned int haw_bits)
{
	struct acpi_dmar_raw *d = buf;
	struct acpi_dmar_drhd *u;
	u8 sum = 0;

	if (!buf || len < VIOMMU_DMAR_LEN || !IS_ALIGNED(reg_gpa, PAGE_SIZE) || size_log2 > 15 ||
	    haw_bits < 32 || haw_bits > 64)
		return 0;
	u = (struct acpi_dmar_drhd *)((u8 *)buf + sizeof(*d));
	memset(buf, 0, VIOMMU_DMAR_LEN);
	memcpy(d->hdr.signature, ACPI_SIG_DMAR, 4);
	d->hdr.length = VIOMMU_DMAR_LEN;
	d->hdr.revision = 1;
	memcpy(d->hdr.oem_id, "SIDEVR", 6);
	memcpy(d->hdr.oem_table_id, "SVVIOMMU", 8);
	d->hdr.oem_revision = 1;
	memcpy(&d->hdr.creator_id, "SDVR", 4);
	d->hdr.creator_revision = 1;
	d->host_address_width = (u8)(haw_bits - 1);
	d->flags = 0; /* no interrupt remapping */
	u->e.type = ACPI_DMAR_DRHD;
	u->e.length = sizeof(*u);
	u->flags = ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL;
	u->size = (u8)size_log2;
	u->segment = 0;
	u->base = reg_gpa;
	for (size_t i = 0; i < VIOMMU_DMAR_LEN; i++)
		sum = (u8)(sum + ((const u8 *)buf)[i]);
	d->hdr.checksum = (u8)-sum;
	return VIOMMU_DMAR_LEN;
}
