// SPDX-License-Identifier: MIT
/*
 * viommu/walk.c: viommu_walk_range() over the fake guest memory of
 * tests/unit/viommu_walk_bed.c. Every page it reports must translate as a
 * single viommu_walk() does and every page it skips must fault: holes,
 * superpages, tables that are not guest RAM, tables that point at
 * themselves, and the read budget that bounds a tree with no leaves.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "viommu/walk.h"
#include "tests/unit/viommu_walk_bed.h"

/* ---- range walks ------------------------------------------------------- */

#define MAX_SEEN 2048

struct seen {
	unsigned int n;
	int stop_after; /* > 0: return 1 from that call; < 0: return -EIO */
	iova_t iova[MAX_SEEN];
	struct viommu_xlate x[MAX_SEEN];
};

static int record(void *arg, iova_t iova, const struct viommu_xlate *x)
{
	struct seen *s = arg;

	assert_true(s->n < MAX_SEEN);
	s->iova[s->n] = iova;
	s->x[s->n++] = *x;
	if (s->stop_after > 0 && s->n == (unsigned int)s->stop_after)
		return 1;
	if (s->stop_after < 0 && s->n == (unsigned int)-s->stop_after)
		return -EIO;
	return 0;
}

static long range(const struct viommu_context *c, iova_t start, iova_t end, u64 max, struct seen *s)
{
	memset(s, 0, sizeof(*s) - sizeof(s->iova) - sizeof(s->x));
	return viommu_walk_range(&fm->ops, c, start, end, true, true, 48, max, record, s);
}

/* Every reported page in [start, end) translates the same with viommu_walk;
 * every page there not reported faults. s starts at start. */
static void check_against_walk(const struct viommu_context *c, iova_t start, iova_t end,
			       const struct seen *s)
{
	unsigned int k = 0;

	for (iova_t iova = start; iova < end; iova += PAGE_SIZE) {
		struct viommu_xlate x;
		int r = viommu_walk(&fm->ops, c, iova, true, true, 48, &x);

		if (k < s->n && s->iova[k] == iova) {
			assert_int_equal(r, 0);
			assert_int_equal(x.gpa, s->x[k].gpa);
			assert_int_equal(x.page_size, s->x[k].page_size);
			assert_int_equal(x.read, s->x[k].read);
			assert_int_equal(x.write, s->x[k].write);
			k++;
		} else {
			assert_int_not_equal(r, 0);
		}
	}
	assert_true(k == s->n || s->iova[k] >= end);
}

static void test_range_holes(void **state)
{
	struct viommu_context c = tree4();
	static struct seen s;
	const gpa_t data = 0x40000000;

	(void)state;
	for (unsigned int i = 0; i < 8; i++)
		add_page(data + i * PAGE_SIZE, true);
	tbl(L1)[1] = (data + 0x1000) | RW;
	tbl(L1)[2] = (data + 0x2000) | VTD_SLPTE_R;
	tbl(L1)[5] = (data + 0x5000) | VTD_SLPTE_W;
	tbl(L1)[6] = (data + 0x6000) | VTD_SLPTE_TM | RW; /* reserved: a hole */
	tbl(L1)[511] = (data + 0x7000) | RW;
	tbl(L2)[3] = L1 | RW; /* the same PT again at 6M */
	tbl(L3)[2] = L2 | RW; /* the same PD again at 2G */

	assert_int_equal(range(&c, 0, GiB(1), 100, &s), 8);
	{
		const iova_t want[] = {
			0x1000,		 0x2000,	  0x5000,	   0x1ff000,
			MiB(6) + 0x1000, MiB(6) + 0x2000, MiB(6) + 0x5000, MiB(6) + 0x1ff000,
		};
		for (unsigned int i = 0; i < 8; i++)
			assert_int_equal(s.iova[i], want[i]);
	}
	assert_int_equal(s.x[0].gpa, data + 0x1000);
	assert_true(s.x[1].read && !s.x[1].write);
	assert_true(!s.x[2].read && s.x[2].write);
	assert_int_equal(s.x[3].gpa, data + 0x7000);
	check_against_walk(&c, 0, MiB(8), &s);
	/* ... and again through the PD at 2G: 16 pages. */
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 16);
	assert_int_equal(s.iova[8], GiB(2) + 0x1000);
	assert_int_equal(s.iova[15], GiB(2) + MiB(6) + 0x1ff000);

	/* Sub-ranges: start rounded down, end exclusive. */
	assert_int_equal(range(&c, 0x1fff, 0x5000, 100, &s), 2);
	assert_int_equal(s.iova[0], 0x1000);
	assert_int_equal(s.iova[1], 0x2000);
	assert_int_equal(range(&c, 0x2001, 0x5001, 100, &s), 2);
	assert_int_equal(s.iova[0], 0x2000);
	assert_int_equal(s.iova[1], 0x5000);
	assert_int_equal(range(&c, MiB(6) + 0x3000, GiB(2) + 0x2000, 100, &s), 3);
	assert_int_equal(s.iova[2], GiB(2) + 0x1000);
	assert_int_equal(range(&c, 0x6000, 0x6000, 100, &s), 0);
	assert_int_equal(range(&c, 0x6000, 0x1000, 100, &s), 0);

	/* max_pages and fn stopping or aborting. */
	assert_int_equal(range(&c, 0, GiB(4), 3, &s), 3);
	assert_int_equal(s.iova[2], 0x5000);
	assert_int_equal(range(&c, 0, GiB(4), 0, &s), 0);
	s.stop_after = 2;
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, GiB(4), true, true, 48, 100, record, &s), 2);
	s.n = 0;
	s.stop_after = -4;
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, GiB(4), true, true, 48, 100, record, &s), -EIO);
	assert_int_equal(s.n, 4);
	assert_int_equal(fm->refused, 0);
}

static void test_range_superpages(void **state)
{
	struct viommu_context c = tree4();
	static struct seen s;
	const gpa_t big = GiB(3);

	(void)state;
	/* A 2M leaf over 512 pages of which two are not guest RAM. */
	for (unsigned int i = 0; i < 8; i++)
		add_page(big + i * PAGE_SIZE, true);
	add_page(big + 3 * PAGE_SIZE, false);
	tbl(L2)[1] = big | VTD_SLPTE_PS | RW;
	assert_int_equal(range(&c, MiB(2), MiB(4), 1000, &s), 7);
	assert_int_equal(s.iova[0], MiB(2));
	assert_int_equal(s.iova[3], MiB(2) + 4 * PAGE_SIZE);
	assert_int_equal(s.x[3].gpa, big + 4 * PAGE_SIZE);
	assert_int_equal(s.x[3].page_size, MiB(2));
	check_against_walk(&c, MiB(2), MiB(4), &s);
	/* Refused without SLLPS 2M. */
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, GiB(1), false, true, 48, 1000, record, &s), 0);
	/* Starting inside the superpage. */
	assert_int_equal(range(&c, MiB(2) + 0x5000, MiB(2) + 0x7000, 1000, &s), 2);
	assert_int_equal(s.x[0].gpa, big + 0x5000);

	/* A 1G leaf: 262144 pages, of which 7 are RAM here; a full expansion
	 * within the budget. */
	tbl(L2)[1] = 0;
	tbl(L3)[1] = big | VTD_SLPTE_PS | VTD_SLPTE_R;
	assert_int_equal(range(&c, 0, 1ull << 48, 1000, &s), 7);
	assert_int_equal(s.iova[0], GiB(1));
	assert_int_equal(s.iova[6], GiB(1) + 7 * PAGE_SIZE);
	assert_true(s.x[6].read && !s.x[6].write);
	assert_int_equal(s.x[6].page_size, GiB(1));
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, 1ull << 48, true, false, 48, 1000, record, &s),
		0);
}

static void test_range_tables_not_ram(void **state)
{
	struct viommu_context c = tree4();
	static struct seen s;

	(void)state;
	add_page(0x500000, true);
	add_page(HV_PAGE, false)[0] = 0x500000 | RW; /* a PT we must not use */
	tbl(L1)[0] = 0x500000 | RW;
	tbl(L2)[1] = HV_PAGE | RW;	   /* 2M..4M: unreadable PT */
	tbl(L2)[2] = L1 | RW;		   /* 4M: fine */
	tbl(L3)[1] = 0x9000000000ull | RW; /* 1G..2G: nothing there */
	tbl(L3)[2] = L2 | RW;
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 4);
	assert_int_equal(s.iova[0], 0);
	assert_int_equal(s.iova[1], MiB(4));
	assert_int_equal(s.iova[2], GiB(2));
	assert_int_equal(s.iova[3], GiB(2) + MiB(4));
	/* One refused read per unreadable table reached (HV_PAGE twice, the
	 * empty gpa once), not one per entry. */
	assert_int_equal(fm->refused, 3);
	check_against_walk(&c, 0, MiB(6), &s);

	/* The top table is not guest RAM: nothing at all. */
	c.slptptr = HV_PAGE;
	fm->refused = 0;
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 0);
	assert_int_equal(fm->refused, 1);

	/* Pass-through and unusable contexts have no tree. */
	c.slptptr = L4;
	c.tt = VTD_TT_PASS_THROUGH;
	assert_int_equal(range(&c, 0, GiB(1), 100, &s), -EINVAL);
	c.tt = VTD_TT_UNTRANSLATED;
	c.present = false;
	assert_int_equal(range(&c, 0, GiB(1), 100, &s), -EINVAL);
}

static void test_range_self_reference(void **state)
{
	struct viommu_context c = ctx_of(4, L4);
	static struct seen s;
	struct viommu_xlate x;

	(void)state;
	/* PML4[0] -> PML4: at the leaf level its entry 0 names the PML4 page
	 * itself (guest RAM), so iova 0 maps the table. */
	add_page(L4, true)[0] = L4 | RW;
	assert_int_equal(walk(&c, 0x123, &x), 0);
	assert_int_equal(x.gpa, L4 + 0x123);
	assert_int_equal(fm->reads, 5);
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 1);
	assert_int_equal(s.iova[0], 0);
	check_against_walk(&c, 0, MiB(4), &s);

	/* Every entry -> the table itself: 512^4 paths, max_pages ends it. */
	for (unsigned int i = 0; i < 512; i++)
		tbl(L4)[i] = L4 | RW;
	assert_int_equal(range(&c, 0, 1ull << 48, 600, &s), 600);
	assert_int_equal(s.iova[599], 599 * PAGE_SIZE);
	assert_int_equal(s.x[599].gpa, L4);

	/* A cycle A -> B -> A -> B. */
	for (unsigned int i = 0; i < 512; i++)
		tbl(L4)[i] = 0;
	tbl(L4)[0] = L3 | RW;
	add_page(L3, true)[0] = L4 | RW;
	assert_int_equal(walk(&c, 0x5, &x), 0);
	assert_int_equal(x.gpa, L4 + 5); /* L4, L3, L4 as PD, L3 as PT -> L4 */
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 1);
	assert_int_equal(s.x[0].gpa, L4);
}

/* Present non-leaf entries everywhere, no leaf at all: 2^36 entries to look
 * at. The budget stops it. */
static void test_range_budget(void **state)
{
	struct viommu_context c = ctx_of(4, L4);
	static struct seen s;

	(void)state;
	add_page(L4, true);
	add_page(L3, true);
	add_page(L2, true);
	add_page(L1, true);
	for (unsigned int i = 0; i < 512; i++) {
		tbl(L4)[i] = L3 | RW;
		tbl(L3)[i] = L2 | RW;
		tbl(L2)[i] = L1 | RW;
	}
	assert_int_equal(range(&c, 0, 1ull << 48, ~0ull, &s), -E2BIG);
	assert_int_equal(fm->reads, VIOMMU_WALK_RANGE_BUDGET);
	assert_int_equal(s.n, 0);
	/* A small range of the same tree is fine. */
	fm->reads = 0;
	assert_int_equal(range(&c, GiB(5), GiB(5) + MiB(64), ~0ull, &s), 0);
	assert_int_equal(fm->reads, 2 + 32 + 32 * 512); /* L4, L3, 32 PDEs, 32 PTs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_range_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_superpages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_tables_not_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_self_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_budget, setup, teardown),
	};

	return HARNESS_RUN(tests);
}
