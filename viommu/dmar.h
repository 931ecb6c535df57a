/* SPDX-License-Identifier: MIT */
/*
 * The DMAR ACPI table that describes the emulated VT-d unit to the guest
 * (VT-d spec chapter 8): one DRHD with INCLUDE_PCI_ALL at the register
 * page's guest-physical address; no interrupt remapping, no RMRRs.
 */
#ifndef VIOMMU_DMAR_H
#define VIOMMU_DMAR_H

#include "lib/types.h"

#define VIOMMU_DMAR_LEN (48 + 16)

/**
 * Write the table into buf (len >= VIOMMU_DMAR_LEN): host address width
 * haw_bits, register set of 2^size_log2 pages at reg_gpa (4 KiB aligned).
 * Returns the table length, or 0 on bad arguments. Checksummed.
 */
size_t viommu_dmar_build(void *buf, size_t len, gpa_t reg_gpa, unsigned int size_log2,
			 unsigned int haw_bits);

#endif /* VIOMMU_DMAR_H */
