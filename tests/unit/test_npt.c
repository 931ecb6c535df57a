// SPDX-License-Identifier: MIT
/*
 * vmm/npt.c in both formats (EPT, AMD NPT): a QEMU-like identity map with
 * the hypervisor image, a pool and one page punched out; entry encodings
 * bit for bit (SDM Vol. 3C Tables 29-1 to 29-6; APM Vol. 2 5.3.3, 15.25);
 * argument checks; allocator exhaustion in the middle of a split or a map;
 * subtree replacement; destroy. After every step the whole tree is walked
 * (npt_bed.c). The randomized run is in test_npt_random.c.
 */
#include "tests/unit/harness.h"
#include "tests/unit/npt_bed.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "vmm/npt.h"

#define ADDR NPT_BED_ADDR

static enum npt_kind kind_of(void **state)
{
	return (enum npt_kind)(uintptr_t)*state;
}

/* ---- the QEMU-like identity layout ---- */

#define HV_BASE 0x100000ULL
#define HV_END 0x132000ULL
#define POOL_BASE 0x3be00000ULL
#define POOL_END (POOL_BASE + MiB(64))
#define HOLE_4K 0xfed90000ULL
#define LOW_RAM_END 0x80000000ULL /* q35 with 3 GiB: 2 GiB below 4 GiB */

static bool in_hole(gpa_t a)
{
	return (a >= HV_BASE && a < HV_END) || (a >= POOL_BASE && a < POOL_END) ||
	       (a >= HOLE_4K && a < HOLE_4K + PAGE_SIZE);
}

static enum npt_memtype layout_mt(gpa_t a)
{
	return a < 0xa0000 || (a >= 0xc0000 && a < LOW_RAM_END) ? NPT_MT_WB : NPT_MT_UC;
}

/* build_npt()'s order: all UC, RAM (and the low MiB but VGA) WB. */
static void build_layout(struct npt *t, enum npt_kind kind, bool m2, bool g1)
{
	assert_int_equal(npt_init(t, kind, m2, g1, &pool_ops), 0);
	assert_int_equal(npt_map(t, 0, 0, GiB(4), NPT_MT_UC, NPT_RWX), 0);
	assert_int_equal(npt_map(t, 0, 0, 0xa0000, NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(npt_map(t, 0xc0000, 0xc0000, 0x40000, NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(npt_map(t, HV_BASE, HV_BASE, LOW_RAM_END - HV_BASE, NPT_MT_WB, NPT_RWX),
			 0);
	check_tree(t);
}

static void punch_holes(struct npt *t)
{
	assert_int_equal(npt_unmap(t, HV_BASE, HV_END - HV_BASE), 0);
	assert_int_equal(npt_unmap(t, POOL_BASE, POOL_END - POOL_BASE), 0);
	assert_int_equal(npt_unmap(t, HOLE_4K, PAGE_SIZE), 0);
	check_tree(t);
}

/* Every 4 KiB page of 0-4 GiB, at a varying offset inside the page. */
static void check_layout_all(const struct npt *t)
{
	for (gpa_t a = 0; a < GiB(4); a += PAGE_SIZE) {
		gpa_t g = a + ((a >> 12) * 8 & 0xff8);
		struct xlat x = xl(t, g);

		if (in_hole(a)) {
			if (x.ok)
				fail_msg("gpa %#llx in a hole is mapped", (unsigned long long)g);
			continue;
		}
		if (!x.ok)
			fail_msg("gpa %#llx lost its mapping", (unsigned long long)g);
		assert_int_equal(x.hpa, g);
		assert_int_equal(x.perms, NPT_RWX);
		assert_int_equal(x.mt, layout_mt(a));
	}
}

static void test_layout(void **state)
{
	enum npt_kind k = kind_of(state);
	struct npt t;
	u64 splits, tables;

	build_layout(&t, k, true, true);
	/* UC 1G everywhere, then RAM split [0,1G) to 2M and [0,2M) to 4K */
	assert_int_equal(t.nr_splits, 2);
	assert_int_equal(t.nr_tables, 4); /* PML4, PDPT, PD, PT */
	splits = t.nr_splits;
	tables = t.nr_tables;
	punch_holes(&t);
	/* image and pool need no split; the 4K hole splits 1G then 2M */
	assert_int_equal(t.nr_splits - splits, 2);
	assert_int_equal(t.nr_tables - tables, 2);
	check_layout_all(&t);

	/* largest pages where aligned, smaller ones only around holes */
	expect_xlat(&t, 0x9f123, 0x9f123, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, 0xb8000, 0xb8000, PAGE_SIZE, NPT_RWX, NPT_MT_UC);
	expect_xlat(&t, 0x132000, 0x132000, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, 0x200000, 0x200000, MiB(2), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, POOL_BASE - 1, POOL_BASE - 1, MiB(2), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, POOL_END, POOL_END, MiB(2), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, 0x7fffffff, 0x7fffffff, GiB(1), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, 0x80000000, 0x80000000, GiB(1), NPT_RWX, NPT_MT_UC);
	expect_xlat(&t, 0xc0000000, 0xc0000000, MiB(2), NPT_RWX, NPT_MT_UC);
	expect_xlat(&t, HOLE_4K - 1, HOLE_4K - 1, PAGE_SIZE, NPT_RWX, NPT_MT_UC);
	expect_xlat(&t, HOLE_4K + PAGE_SIZE, HOLE_4K + PAGE_SIZE, PAGE_SIZE, NPT_RWX, NPT_MT_UC);
	expect_xlat(&t, 0xfee00000, 0xfee00000, MiB(2), NPT_RWX, NPT_MT_UC);
	assert_false(xl(&t, GiB(4)).ok);
	assert_false(xl(&t, GiB(512)).ok);

	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
	assert_int_equal(pool.allocs, pool.frees);
	assert_int_equal(t.nr_tables, 0);
	assert_null(t.root);
}

/* The same layout with fewer page sizes: same translations, other counts. */
static void test_layout_small_pages(void **state)
{
	enum npt_kind k = kind_of(state);
	struct npt t;

	build_layout(&t, k, true, false);
	assert_int_equal(t.nr_tables, 1 + 1 + 4 + 1);
	assert_int_equal(t.nr_splits, 1);
	punch_holes(&t);
	assert_int_equal(t.nr_splits, 2);
	assert_int_equal(t.nr_tables, 8);
	check_layout_all(&t);
	expect_xlat(&t, 0x7fffffff, 0x7fffffff, MiB(2), NPT_RWX, NPT_MT_WB);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);

	build_layout(&t, k, false, false);
	assert_int_equal(t.nr_tables, 1 + 1 + 4 + 2048);
	punch_holes(&t);
	assert_int_equal(t.nr_splits, 0);
	assert_int_equal(t.nr_tables, 1 + 1 + 4 + 2048);
	check_layout_all(&t);
	expect_xlat(&t, 0x7fffffff, 0x7fffffff, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
	assert_int_equal(pool.allocs, pool.frees);
}

/* ---- entry encodings, bit for bit ---- */

static void test_encodings_ept(void **state)
{
	struct npt t;

	(void)state;
	assert_int_equal(npt_init(&t, NPT_EPT, true, true, &pool_ops), 0);
	assert_int_equal(npt_map(&t, GiB(1), GiB(5), GiB(1), NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(npt_map(&t, MiB(2), 0xa00000, MiB(2), NPT_MT_UC, NPT_R | NPT_X), 0);
	assert_int_equal(npt_map(&t, 0x5000, 0xfffffffff5000ULL, PAGE_SIZE, NPT_MT_WB, NPT_R), 0);
	assert_int_equal(npt_map(&t, 0x6000, 0x6000, PAGE_SIZE, NPT_MT_UC, NPT_R | NPT_W), 0);
	check_tree(&t);
	/* PDPTE 1G: RWX=7, memtype WB (6) in 5:3, PS bit 7, address 51:30 */
	assert_int_equal(raw_entry(&t, GiB(1), 3), GiB(5) | 0x7 | 6 << 3 | BIT(7));
	assert_int_equal(raw_entry(&t, GiB(1), 3), 0x1400000b7ULL);
	/* PDE 2M: R and X, UC (0), PS */
	assert_int_equal(raw_entry(&t, MiB(2), 2), 0xa00085ULL);
	/* PTE 4K: R only, WB, no PS; address bits up to 51 kept */
	assert_int_equal(raw_entry(&t, 0x5000, 1), 0xfffffffff5031ULL);
	assert_int_equal(raw_entry(&t, 0x6000, 1), 0x6003ULL);
	/* non-leaf entries: R/W/X and the table's address, nothing else */
	assert_int_equal(raw_entry(&t, 0, 4) & ~ADDR, 0x7);
	assert_int_equal(raw_entry(&t, 0, 3) & ~ADDR, 0x7);
	assert_int_equal(raw_entry(&t, 0, 2) & ~ADDR, 0x7);
	assert_true(raw_entry(&t, 0, 4) & BIT(51));    /* table pa bit 51 kept */
	assert_int_equal(raw_entry(&t, 0x7000, 1), 0); /* never mapped */

	expect_xlat(&t, GiB(1) + 0x12345678, GiB(5) + 0x12345678, GiB(1), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, MiB(2) + 0x1234, 0xa01234, MiB(2), NPT_R | NPT_X, NPT_MT_UC);
	expect_xlat(&t, 0x5abc, 0xfffffffff5abcULL, PAGE_SIZE, NPT_R, NPT_MT_WB);
	expect_xlat(&t, 0x6fff, 0x6fff, PAGE_SIZE, NPT_R | NPT_W, NPT_MT_UC);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
}

static void test_encodings_amd(void **state)
{
	struct npt t;

	(void)state;
	assert_int_equal(npt_init(&t, NPT_AMD, true, true, &pool_ops), 0);
	assert_int_equal(npt_map(&t, GiB(1), GiB(5), GiB(1), NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(npt_map(&t, MiB(2), 0xa00000, MiB(2), NPT_MT_UC, NPT_R | NPT_X), 0);
	assert_int_equal(npt_map(&t, 0x5000, 0xfffffffff5000ULL, PAGE_SIZE, NPT_MT_WB, NPT_R), 0);
	assert_int_equal(npt_map(&t, 0x6000, 0x6000, PAGE_SIZE, NPT_MT_UC, NPT_R | NPT_W), 0);
	check_tree(&t);
	/* 1G: P, RW, US, PS; WB = PWT and PCD clear; executable = NX clear */
	assert_int_equal(raw_entry(&t, GiB(1), 3), 0x140000087ULL);
	/* 2M read-only UC: P, US, PWT, PCD, PS, no RW */
	assert_int_equal(raw_entry(&t, MiB(2), 2), 0xa0009dULL);
	/* 4K read-only, no execute: P, US, NX (bit 63); no PS (bit 7 is PAT) */
	assert_int_equal(raw_entry(&t, 0x5000, 1), BIT(63) | 0xfffffffff5005ULL);
	/* 4K RW, UC, no execute */
	assert_int_equal(raw_entry(&t, 0x6000, 1), BIT(63) | 0x601fULL);
	/* non-leaf: P, RW, US at every level (nested walks are user accesses) */
	assert_int_equal(raw_entry(&t, 0, 4) & ~ADDR, 0x7);
	assert_int_equal(raw_entry(&t, 0, 3) & ~ADDR, 0x7);
	assert_int_equal(raw_entry(&t, 0, 2) & ~ADDR, 0x7);

	expect_xlat(&t, GiB(1) + 0x12345678, GiB(5) + 0x12345678, GiB(1), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, MiB(2) + 0x1234, 0xa01234, MiB(2), NPT_R | NPT_X, NPT_MT_UC);
	expect_xlat(&t, 0x5abc, 0xfffffffff5abcULL, PAGE_SIZE, NPT_R, NPT_MT_WB);
	expect_xlat(&t, 0x6fff, 0x6fff, PAGE_SIZE, NPT_R | NPT_W, NPT_MT_UC);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
}

/* A split keeps the attributes and the (non-identity) address of every page. */
static void test_split_preserves(void **state)
{
	enum npt_kind k = kind_of(state);
	unsigned int perms = NPT_R | NPT_X;
	hpa_t off = GiB(6); /* hpa = gpa + off */
	struct npt t;

	assert_int_equal(npt_init(&t, k, true, true, &pool_ops), 0);
	assert_int_equal(npt_map(&t, GiB(1), GiB(1) + off, GiB(1), NPT_MT_UC, perms), 0);
	assert_int_equal(npt_unmap(&t, GiB(1) + MiB(300) + 0x3000, PAGE_SIZE), 0);
	assert_int_equal(t.nr_splits, 2);
	assert_int_equal(t.nr_tables, 4);
	check_tree(&t);
	for (gpa_t a = GiB(1); a < GiB(2); a += PAGE_SIZE) {
		u64 size = a >> 21 == (GiB(1) + MiB(300)) >> 21 ? PAGE_SIZE : MiB(2);

		if (a == GiB(1) + MiB(300) + 0x3000) {
			assert_false(xl(&t, a).ok);
			continue;
		}
		expect_xlat(&t, a + 0x10, a + off + 0x10, size, perms, NPT_MT_UC);
	}
	/* unmapping again needs no split; unmapping nothing is fine */
	assert_int_equal(npt_unmap(&t, GiB(1) + MiB(300), MiB(2)), 0);
	assert_int_equal(npt_unmap(&t, GiB(100), GiB(2)), 0);
	assert_int_equal(npt_unmap(&t, 0, 0), 0);
	assert_int_equal(t.nr_splits, 2);
	assert_false(xl(&t, GiB(1) + MiB(300)).ok);
	expect_xlat(&t, GiB(1) + MiB(302), GiB(1) + MiB(302) + off, MiB(2), perms, NPT_MT_UC);
	check_tree(&t);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
}

/* Page size limited by the hpa's alignment too; holes not on a boundary. */
static void test_edges(void **state)
{
	enum npt_kind k = kind_of(state);
	hpa_t h = GiB(16) + MiB(2);
	struct npt t;

	assert_int_equal(npt_init(&t, k, true, true, &pool_ops), 0);
	assert_int_equal(npt_map(&t, GiB(8), h, GiB(1), NPT_MT_WB, NPT_RWX), 0);
	expect_xlat(&t, GiB(8) + 5, h + 5, MiB(2), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, GiB(9) - 1, h + GiB(1) - 1, MiB(2), NPT_RWX, NPT_MT_WB);
	assert_int_equal(npt_map(&t, GiB(10), GiB(10) + PAGE_SIZE, MiB(2), NPT_MT_WB, NPT_RWX), 0);
	expect_xlat(&t, GiB(10), GiB(10) + PAGE_SIZE, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	/* shorter than the leaf, at its start: the rest of the leaf stays */
	assert_int_equal(npt_unmap(&t, GiB(8), PAGE_SIZE), 0);
	assert_false(xl(&t, GiB(8)).ok);
	expect_xlat(&t, GiB(8) + PAGE_SIZE, h + PAGE_SIZE, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	/* as long as a leaf but starting inside it: head and tail pages stay */
	assert_int_equal(npt_unmap(&t, GiB(8) + MiB(2) + PAGE_SIZE, MiB(2)), 0);
	expect_xlat(&t, GiB(8) + MiB(2), h + MiB(2), PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	assert_false(xl(&t, GiB(8) + MiB(2) + PAGE_SIZE).ok);
	assert_false(xl(&t, GiB(8) + MiB(4)).ok);
	expect_xlat(&t, GiB(8) + MiB(4) + PAGE_SIZE, h + MiB(4) + PAGE_SIZE, PAGE_SIZE, NPT_RWX,
		    NPT_MT_WB);
	expect_xlat(&t, GiB(8) + MiB(6), h + MiB(6), MiB(2), NPT_RWX, NPT_MT_WB);
	assert_int_equal(t.nr_splits, 3);
	check_tree(&t);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
}

/* A large mapping over finer ones frees the tables it replaces. */
static void test_replace_finer(void **state)
{
	enum npt_kind k = kind_of(state);
	struct npt t;

	assert_int_equal(npt_init(&t, k, true, true, &pool_ops), 0);
	for (gpa_t a = GiB(2); a < GiB(2) + MiB(4); a += PAGE_SIZE)
		assert_int_equal(npt_map(&t, a, a, PAGE_SIZE, NPT_MT_UC, NPT_RWX), 0);
	assert_int_equal(t.nr_tables, 5); /* PML4, PDPT, PD, 2 PT */
	check_tree(&t);
	assert_int_equal(npt_map(&t, GiB(2), GiB(3), MiB(2), NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(t.nr_tables, 4);
	check_tree(&t);
	expect_xlat(&t, GiB(2) + 5, GiB(3) + 5, MiB(2), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, GiB(2) + MiB(2), GiB(2) + MiB(2), PAGE_SIZE, NPT_RWX, NPT_MT_UC);
	assert_int_equal(npt_map(&t, GiB(2), GiB(2), GiB(1), NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(t.nr_tables, 2);
	assert_int_equal(pool.nr_live, 2);
	check_tree(&t);
	expect_xlat(&t, GiB(2) + MiB(3), GiB(2) + MiB(3), GiB(1), NPT_RWX, NPT_MT_WB);
	assert_int_equal(t.nr_splits, 0);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
	assert_int_equal(pool.allocs, pool.frees);
}

/* ---- arguments ---- */

static void test_bad_args(void **state)
{
	enum npt_kind k = kind_of(state);
	unsigned int allocs;
	struct npt t;

	assert_int_equal(npt_init(&t, k, true, true, &pool_ops), 0);
	allocs = pool.allocs;
	assert_int_equal(npt_map(&t, 0x1001, 0x1000, PAGE_SIZE, NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, 0x1000, 0x1800, PAGE_SIZE, NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, 0x1000, 0x1000, 0x800, NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, 0x1000, 0x1000, PAGE_SIZE + 1, NPT_MT_WB, NPT_RWX), -EINVAL);
	/* beyond the 48-bit guest-physical space of 4-level tables */
	assert_int_equal(npt_map(&t, BIT(48), 0, PAGE_SIZE, NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, BIT(48) - PAGE_SIZE, 0, MiB(2), NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, ~0ULL - PAGE_SIZE + 1, 0, PAGE_SIZE, NPT_MT_WB, NPT_RWX),
			 -EINVAL);
	assert_int_equal(npt_map(&t, ~0ULL - PAGE_SIZE + 1, 0, 2 * PAGE_SIZE, NPT_MT_WB, NPT_RWX),
			 -EINVAL);
	/* beyond the 52-bit address field, also by wrapping past 2^64 */
	assert_int_equal(npt_map(&t, 0, BIT(52), PAGE_SIZE, NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, 0, BIT(52) - PAGE_SIZE, MiB(2), NPT_MT_WB, NPT_RWX), -EINVAL);
	assert_int_equal(npt_map(&t, 0, ~0ULL - PAGE_SIZE + 1, 2 * PAGE_SIZE, NPT_MT_WB, NPT_RWX),
			 -EINVAL);
	assert_int_equal(npt_unmap(&t, 0x1800, PAGE_SIZE), -EINVAL);
	assert_int_equal(npt_unmap(&t, 0x1000, 0x10), -EINVAL);
	assert_int_equal(npt_unmap(&t, ~0ULL - PAGE_SIZE + 1, 2 * PAGE_SIZE), -EINVAL);
	assert_int_equal(pool.allocs, allocs);
	assert_int_equal(t.nr_tables, 1);

	/* the edges that are fine: the last page below 2^48 and 2^52, empty ranges */
	assert_int_equal(npt_map(&t, BIT(48) - PAGE_SIZE, BIT(52) - PAGE_SIZE, PAGE_SIZE, NPT_MT_WB,
				 NPT_RWX),
			 0);
	expect_xlat(&t, BIT(48) - 1, BIT(52) - 1, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	assert_int_equal(npt_map(&t, 0, 0, 0, NPT_MT_WB, NPT_RWX), 0);
	assert_int_equal(npt_map(&t, 0x2000, 0x3000, 0, NPT_MT_WB, NPT_RWX), 0);
	assert_false(xl(&t, 0).ok);
	check_tree(&t);

	/* nothing above 2^48 exists: no alias of the low addresses */
	assert_int_equal(npt_map(&t, 0, 0, GiB(1), NPT_MT_WB, NPT_RWX), 0);
	assert_false(xl(&t, BIT(48)).ok);
	assert_false(xl(&t, BIT(48) + BIT(47)).ok);
	assert_false(xl(&t, ~0ULL).ok);
	assert_int_equal(npt_unmap(&t, BIT(48), GiB(1)), -EINVAL);
	assert_int_equal(npt_unmap(&t, BIT(48) - PAGE_SIZE, 2 * PAGE_SIZE), -EINVAL);
	expect_xlat(&t, 0, 0, GiB(1), NPT_RWX, NPT_MT_WB);
	expect_xlat(&t, BIT(48) - PAGE_SIZE, BIT(52) - PAGE_SIZE, PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	assert_int_equal(npt_unmap(&t, BIT(48) - PAGE_SIZE, PAGE_SIZE), 0);
	assert_false(xl(&t, BIT(48) - PAGE_SIZE).ok);
	check_tree(&t);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
}

/* ---- allocator exhaustion ---- */

static void test_exhaustion(void **state)
{
	enum npt_kind k = kind_of(state);
	struct npt t;

	pool.budget = 0;
	assert_int_equal(npt_init(&t, k, true, true, &pool_ops), -ENOMEM);
	assert_int_equal(pool.nr_live, 0);

	/* a 4K map needs PDPT, PD and PT: runs out after the PDPT */
	pool.budget = 2;
	assert_int_equal(npt_init(&t, k, true, true, &pool_ops), 0);
	assert_int_equal(npt_map(&t, GiB(3), GiB(3), PAGE_SIZE, NPT_MT_WB, NPT_RWX), -ENOMEM);
	check_tree(&t);
	assert_int_equal(t.nr_tables, 2);
	assert_false(xl(&t, GiB(3)).ok);
	pool.budget = NO_BUDGET;
	assert_int_equal(npt_map(&t, GiB(3), GiB(3), PAGE_SIZE, NPT_MT_WB, NPT_RWX), 0);
	expect_xlat(&t, GiB(3), GiB(3), PAGE_SIZE, NPT_RWX, NPT_MT_WB);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);

	/* mid-split: the 1G splits to 2M, the 2M to 4K finds no page */
	build_layout(&t, k, true, true);
	pool.budget = 1;
	assert_int_equal(npt_unmap(&t, HOLE_4K, PAGE_SIZE), -ENOMEM);
	assert_int_equal(t.nr_splits, 2 + 1);
	check_tree(&t);
	for (gpa_t a = GiB(3); a < GiB(4); a += PAGE_SIZE)
		expect_xlat(&t, a, a, MiB(2), NPT_RWX, NPT_MT_UC);
	pool.budget = 0; /* no page at all: fails at once, changes nothing */
	assert_int_equal(npt_unmap(&t, HOLE_4K, PAGE_SIZE), -ENOMEM);
	assert_int_equal(t.nr_splits, 3);
	check_tree(&t);
	pool.budget = NO_BUDGET;
	assert_int_equal(npt_unmap(&t, HOLE_4K, PAGE_SIZE), 0);
	assert_false(xl(&t, HOLE_4K).ok);
	expect_xlat(&t, HOLE_4K + PAGE_SIZE, HOLE_4K + PAGE_SIZE, PAGE_SIZE, NPT_RWX, NPT_MT_UC);
	check_tree(&t);

	/* PD and PT for the head, 2M leaves, no PT left for the tail page */
	pool.budget = 2;
	assert_int_equal(
		npt_map(&t, GiB(64) + PAGE_SIZE, GiB(64) + PAGE_SIZE, MiB(8), NPT_MT_WB, NPT_R),
		-ENOMEM);
	check_tree(&t);
	for (gpa_t a = GiB(64) + PAGE_SIZE; a < GiB(64) + MiB(8); a += PAGE_SIZE) {
		struct xlat x = xl(&t, a);

		if (x.ok) {
			assert_int_equal(x.hpa, a);
			assert_int_equal(x.perms, NPT_R);
		}
	}
	assert_true(xl(&t, GiB(64) + PAGE_SIZE).ok);
	assert_true(xl(&t, GiB(64) + MiB(6)).ok);
	assert_false(xl(&t, GiB(64) + MiB(8)).ok);
	pool.budget = NO_BUDGET;
	assert_int_equal(
		npt_map(&t, GiB(64) + PAGE_SIZE, GiB(64) + PAGE_SIZE, MiB(8), NPT_MT_WB, NPT_R), 0);
	expect_xlat(&t, GiB(64) + MiB(8), GiB(64) + MiB(8), PAGE_SIZE, NPT_R, NPT_MT_WB);
	expect_xlat(&t, GiB(64) + MiB(4), GiB(64) + MiB(4), MiB(2), NPT_R, NPT_MT_WB);
	check_tree(&t);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
	assert_int_equal(pool.allocs, pool.frees);
}

/* clang-format off */
#define KIND(fn, k) \
	{ #fn "/" #k, fn, pool_setup, pool_teardown, (void *)(uintptr_t)(k) }
/* clang-format on */

int main(void)
{
	const struct CMUnitTest tests[] = {
		KIND(test_layout, NPT_EPT),
		KIND(test_layout, NPT_AMD),
		KIND(test_layout_small_pages, NPT_EPT),
		KIND(test_layout_small_pages, NPT_AMD),
		cmocka_unit_test_setup_teardown(test_encodings_ept, pool_setup, pool_teardown),
		cmocka_unit_test_setup_teardown(test_encodings_amd, pool_setup, pool_teardown),
		KIND(test_split_preserves, NPT_EPT),
		KIND(test_split_preserves, NPT_AMD),
		KIND(test_edges, NPT_EPT),
		KIND(test_edges, NPT_AMD),
		KIND(test_replace_finer, NPT_EPT),
		KIND(test_replace_finer, NPT_AMD),
		KIND(test_bad_args, NPT_EPT),
		KIND(test_bad_args, NPT_AMD),
		KIND(test_exhaustion, NPT_EPT),
		KIND(test_exhaustion, NPT_AMD),
	};

	return HARNESS_RUN(tests);
}
