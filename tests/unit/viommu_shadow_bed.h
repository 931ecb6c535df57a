/* SPDX-License-Identifier: MIT */
/*
 * Shared bed for the viommu/shadow.c host tests: a fake guest with the
 * NIC's context set up, a fake physical unit, a config, and the shadow
 * over malloc'd storage; helpers that change the guest's tables and send
 * the invalidation a CM=1 Linux guest would, checking after every shadow
 * call that nothing physical was left unflushed.
 */
#ifndef TESTS_UNIT_VIOMMU_SHADOW_BED_H
#define TESTS_UNIT_VIOMMU_SHADOW_BED_H

#include "tests/unit/viommu_fake_guest.h"
#include "tests/unit/viommu_fake_phys.h"
#include "viommu/shadow.h"

#define BED_SID 0x0310 /* 03:02.0 */
#define BED_DID 5
#define BED_KHZ 1000000ULL /* 1 GHz TSC */
#define BED_MS BED_KHZ	   /* ticks per millisecond */

struct bed {
	struct fake_guest g;
	struct fake_phys p;
	struct viommu_config cfg;
	struct viommu_stats st;
	struct viommu_shadow s;
	void *storage;
	u64 now;
};

/* Everything set up, TE on with a translated 4-level context (BED_DID), counters zero. */
void bed_init(struct bed *b, u32 teardown_ms, u32 cap, u32 entries);
/* As bed_init without touching the context or TE (phys_iommu chosen). */
void bed_init_raw(struct bed *b, u32 teardown_ms, u32 cap, u32 entries, bool phys_iommu);
void bed_free(struct bed *b);

/* Call into the shadow; assert the physical IOTLB model holds nothing stale
 * and at most one flush was issued. Return the shadow's result. */
int bed_ctx(struct bed *b, bool te);
int bed_inv(struct bed *b, unsigned int gran, u16 did, iova_t iova, unsigned int am);
int bed_expire(struct bed *b);

/* Guest driver: change the tables, then invalidate that range (PSI). */
void bed_map(struct bed *b, iova_t iova, gpa_t gpa, u64 size, bool r, bool w);
void bed_unmap(struct bed *b, iova_t iova, u64 size);

/* Assertions on the physical domain. */
void bed_expect_phys(struct bed *b, iova_t iova, hpa_t hpa, bool r, bool w);
void bed_expect_no_phys(struct bed *b, iova_t iova);
/* Every physical entry is what the guest maps there (the strict view). */
void bed_expect_phys_within_guest(struct bed *b);
/* Shadow record == physical domain, entry for entry. */
void bed_expect_record_is_phys(struct bed *b);

#endif /* TESTS_UNIT_VIOMMU_SHADOW_BED_H */
