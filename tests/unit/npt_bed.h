/* SPDX-License-Identifier: MIT */
/*
 * Shared by the vmm/npt.c tests: a counting page allocator whose table
 * pages have fake addresses (bit 51 set, so the top of the address field
 * is exercised), a walker that decodes the tree from the specs (SDM Vol. 3C
 * Tables 29-1 to 29-6; APM Vol. 2 5.3.3 and 15.25) rather than from npt.c and checks
 * every table is a live allocation reached once and counted, and lookups.
 */
#ifndef TESTS_UNIT_NPT_BED_H
#define TESTS_UNIT_NPT_BED_H

#include "lib/types.h"
#include "vmm/npt.h"

#define POOL_PA_BASE BIT(51)
#define POOL_MAX 4096u
#define NO_BUDGET (~0u)
#define NPT_BED_ADDR GENMASK(51, 12)

struct pool {
	u8 *page[POOL_MAX];
	unsigned int nr_live, allocs, frees, cursor;
	unsigned int budget; /* allocations allowed before failing */
};

extern struct pool pool;
extern const struct npt_mem_ops pool_ops;

/** cmocka setup/teardown: an empty pool with no budget limit; free what is left. */
int pool_setup(void **state);
int pool_teardown(void **state);
/** The page behind a table address; fails the test unless it is live. */
void *pool_ptr(void *ctx, hpa_t pa);

u64 lvl_size(int level);
/** The tree is well formed and nr_tables == tables reachable == live pages. */
void check_tree(const struct npt *t);
/** Raw entry for gpa at level; the levels above must be tables. */
u64 raw_entry(const struct npt *t, gpa_t gpa, int level);

struct xlat {
	bool ok;
	hpa_t hpa;
	u64 size;
	unsigned int perms;
	enum npt_memtype mt;
};

struct xlat xl(const struct npt *t, gpa_t gpa);
void expect_xlat(const struct npt *t, gpa_t gpa, hpa_t hpa, u64 size, unsigned int perms,
		 enum npt_memtype mt);

#endif /* TESTS_UNIT_NPT_BED_H */
