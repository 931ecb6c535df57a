/* SPDX-License-Identifier: MIT */
/*
 * Shared by the viommu/regs.c tests: a model made from a typical
 * configuration, and short 32/64-bit accessors that go through the same
 * entry points as the guest's trapped accesses.
 */
#ifndef TESTS_UNIT_VIOMMU_REGS_BED_H
#define TESTS_UNIT_VIOMMU_REGS_BED_H

#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "viommu/regs.h"

#define IVA_OFF (VIOMMU_IRO_OFFSET + VTD_REL64_IVA)
#define IOTLB_OFF (VIOMMU_IRO_OFFSET + VTD_REL64_IOTLB)

static inline struct viommu_config bed_cfg(unsigned int levels, unsigned int mgaw)
{
	return (struct viommu_config){ .levels = levels, .mgaw = mgaw, .sllps_2m = true };
}

/** A fresh model: 4-level, 48-bit, 2M pages, the record at fro. */
static inline void bed_init(struct viommu_regs *r, u32 fro)
{
	struct viommu_config cfg = bed_cfg(4, 48);

	assert_int_equal(viommu_regs_init(r, &cfg, fro), 0);
}

static inline u32 rd32(struct viommu_regs *r, u32 off)
{
	return (u32)viommu_reg_read(r, off, 4);
}

static inline u64 rd64(struct viommu_regs *r, u32 off)
{
	return viommu_reg_read(r, off, 8);
}

static inline u32 wr32(struct viommu_regs *r, u32 off, u32 v)
{
	return viommu_reg_write(r, off, 4, v);
}

static inline u32 wr64(struct viommu_regs *r, u32 off, u64 v)
{
	return viommu_reg_write(r, off, 8, v);
}

/** Unmask fault events (FECTL.IM=0) so that conditions are delivered. */
static inline void bed_unmask_faults(struct viommu_regs *r)
{
	assert_int_equal(wr32(r, VTD_REG32_FECTL, 0), 0);
	assert_int_equal(rd32(r, VTD_REG32_FECTL), 0);
}

#endif
