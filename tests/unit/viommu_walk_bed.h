/* SPDX-License-Identifier: MIT */
/*
 * Shared by the viommu/walk.c tests (test_viommu_walk.c: lookups and single
 * walks; test_viommu_walk_range.c: range walks): a fake guest memory made of
 * 4 KiB pages at chosen gpas, some backed but NOT guest RAM, refused like
 * the real guest-memory ops and counted, so a test can tell what the walker
 * tried to touch; and a standard root/context/table layout to build on.
 */
#ifndef TESTS_UNIT_VIOMMU_WALK_BED_H
#define TESTS_UNIT_VIOMMU_WALK_BED_H

#include "drivers/vtd_hw.h"
#include "lib/types.h"
#include "viommu/walk.h"

#define FM_MAX 64

struct fake_page {
	gpa_t gpa;
	bool ram;
	u64 data[512];
};

struct fake_mem {
	struct fake_page pages[FM_MAX];
	unsigned int n;
	u64 reads, refused; /* read calls answered / refused */
	u64 reads_after_refusal;
	gpa_t last_refused;
	struct viommu_guest_mem ops;
};

extern struct fake_mem *fm;

/** The page at gpa (added if new), RAM or not; its 512 entries. */
u64 *add_page(gpa_t gpa, bool ram);
/** The entries of the page at gpa; fails the test if none. */
u64 *tbl(gpa_t gpa);
/** cmocka fixtures: a fresh, empty fm per test. */
int setup(void **state);
int teardown(void **state);

/* ---- a standard tree --------------------------------------------------- */

#define ROOT 0x1000ull
#define CTXT 0x2000ull
#define L4 0x10000ull
#define L3 0x11000ull
#define L2 0x12000ull
#define L1 0x13000ull
#define HV_PAGE 0x7fe00000ull /* backed, not guest RAM */
#define BUS 5
#define DEVFN 0x10
#define DID 0x1234
#define RW (VTD_SLPTE_R | VTD_SLPTE_W)
#define LVL_ALL (VIOMMU_WALK_LEVELS(3) | VIOMMU_WALK_LEVELS(4))

/** Root entry for BUS and context entry (lo, hi) for DEVFN. */
void set_context(u64 lo, u64 hi);
struct viommu_context ctx_of(unsigned int levels, gpa_t top);
/** 4-level tables L4 -> L3 -> L2 -> L1 for iova 0 .. 2M, entry index 0. */
struct viommu_context tree4(void);
/** viommu_walk() of a read+write access with a 48-bit MGAW. */
int walk(const struct viommu_context *c, iova_t iova, struct viommu_xlate *x);

#endif
