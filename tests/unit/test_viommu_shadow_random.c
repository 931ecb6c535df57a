// SPDX-License-Identifier: MIT
/*
 * viommu/shadow.c, randomized: a guest maps and unmaps (4 KiB pages and a
 * 2 MiB superpage over the same range), sends page/domain/global
 * invalidations (sometimes for another domain), re-reads its context or
 * turns translation off and on, and
 * time advances with the expiry pass after it. After every step, for every
 * page whose last guest change has been invalidated:
 *  - the guest maps it: the physical entry is exactly the guest's;
 *  - it does not: no physical entry (strict), or (teardown N ms) the entry
 *    the guest last had there, unmapped by an invalidation less than N ms
 *    ago (the expiry pass runs whenever time advances);
 * and no shadow call leaves anything unflushed (bed_*). At every quiescent
 * point viommu_shadow_check() holds. At the end, after the window, nothing
 * is deferred and the physical domain is exactly the guest's.
 * SHADOW_SEED=<n> in the environment runs that seed only.
 */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "tests/unit/viommu_shadow_bed.h"

#define NA 16  /* 4 KiB-only pages */
#define NS 512 /* pages of the 2 MiB region */
#define NP (NA + NS)
#define IOVA_A 0x80200000ULL /* right after the 2 MiB region */
#define IOVA_S 0x80000000ULL /* 2 MiB aligned */
#define GPA_4K(k) (0x200000ULL + (u64)(k)*PAGE_SIZE)
#define GPA_2M(k) (0x4000000ULL + (u64)(k)*MiB(2))
#define NONE (~0ULL)

struct page_model {
	bool pending;	     /* guest changed it since the last invalidation covering it */
	u64 forbidden_since; /* invalidation that found it unmapped while still physical */
	hpa_t last_hpa;	     /* guest's mapping at the last invalidation that saw one */
	bool last_r, last_w;
};

static struct bed bed;
static struct bed *b = &bed;
static struct page_model pm[NP];
static u64 window;

static iova_t page_iova(unsigned int p)
{
	return p < NA ? IOVA_A + (u64)p * PAGE_SIZE : IOVA_S + (u64)(p - NA) * PAGE_SIZE;
}

static void mark_pending(iova_t lo, iova_t hi)
{
	for (unsigned int p = 0; p < NP; p++)
		if (page_iova(p) >= lo && page_iova(p) < hi)
			pm[p].pending = true;
}

/* An invalidation of [lo, hi) completed: the model catches up. */
static void synced(iova_t lo, iova_t hi)
{
	for (unsigned int p = 0; p < NP; p++) {
		iova_t iova = page_iova(p);
		gpa_t gpa;
		bool r, w;

		if (iova < lo || iova >= hi)
			continue;
		pm[p].pending = false;
		if (fake_guest_lookup(&b->g, iova, &gpa, &r, &w)) {
			pm[p].last_hpa = gpa;
			pm[p].last_r = r;
			pm[p].last_w = w;
			pm[p].forbidden_since = NONE;
		} else if (!fake_phys_get(&b->p, iova)) {
			pm[p].forbidden_since = NONE;
		} else if (pm[p].forbidden_since == NONE) {
			pm[p].forbidden_since = b->now;
		}
	}
}

static bool check_pages(void)
{
	bool quiet = true;

	for (unsigned int p = 0; p < NP; p++) {
		iova_t iova = page_iova(p);
		const struct fake_phys_ent *e = fake_phys_get(&b->p, iova);
		gpa_t gpa;
		bool r, w;

		if (pm[p].pending) {
			quiet = false;
			continue;
		}
		if (fake_guest_lookup(&b->g, iova, &gpa, &r, &w)) {
			bed_expect_phys(b, iova, gpa, r, w);
			continue;
		}
		if (!e)
			continue;
		assert_true(window != 0);
		assert_true(pm[p].forbidden_since != NONE);
		assert_true(b->now - pm[p].forbidden_since < window);
		assert_int_equal(e->hpa, pm[p].last_hpa);
		assert_int_equal(e->r, pm[p].last_r);
		assert_int_equal(e->w, pm[p].last_w);
	}
	return quiet;
}

static void random_rights(bool *r, bool *w)
{
	int k = rand() % 3;

	*r = k != 1;
	*w = k != 0;
}

static void psi(iova_t iova, unsigned int am)
{
	iova_t size = PAGE_SIZE << am, lo = iova & ~(size - 1);
	iova_t page = iova & ~(iova_t)(PAGE_SIZE - 1);

	/* the aligned block, and [iova, iova + size) for Linux's unaligned PSIs */
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, iova, am), 0);
	synced(lo, lo + size > page + size ? lo + size : page + size);
}

/* A guest change; mostly followed at once by its own PSI (CM=1 Linux). */
static void op_guest(int op)
{
	unsigned int p = (unsigned int)rand() % (rand() % 8 ? NA : NP);
	iova_t iova = page_iova(p);
	bool r, w;

	random_rights(&r, &w);
	switch (op) {
	case 0:			  /* map 4 KiB (in the 2 MiB region it may replace the leaf) */
		if (rand() % 4) { /* mostly the buffer this IOVA had before */
			r = w = true;
			fake_guest_map(&b->g, iova, GPA_4K(p % 8), PAGE_SIZE, r, w);
		} else {
			fake_guest_map(&b->g, iova, GPA_4K(rand() % 8), PAGE_SIZE, r, w);
		}
		mark_pending(p < NA ? iova : IOVA_S, p < NA ? iova + PAGE_SIZE : IOVA_S + MiB(2));
		break;
	case 1:
		fake_guest_unmap(&b->g, iova, PAGE_SIZE);
		mark_pending(iova, iova + PAGE_SIZE);
		break;
	case 2:
		fake_guest_map(&b->g, IOVA_S, GPA_2M(rand() % 2), MiB(2), r, w);
		mark_pending(IOVA_S, IOVA_S + MiB(2));
		break;
	default:
		fake_guest_unmap(&b->g, IOVA_S, MiB(2));
		mark_pending(IOVA_S, IOVA_S + MiB(2));
		break;
	}
	if (rand() % 10 < 7)
		psi(op >= 2 || (op == 0 && p >= NA) ? IOVA_S : iova,
		    op >= 2 || (op == 0 && p >= NA) ? 9 : 0);
}

static void op_invalidate(void)
{
	static const unsigned int ams[] = { 0, 0, 0, 1, 3, 9, 12 };
	int k = rand() % 20;

	if (k == 0) { /* another domain: nothing may change */
		u32 n = b->p.nr;

		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID + 1, 0, 0), 0);
		assert_int_equal(b->p.nr, n);
	} else if (k < 3) {
		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID, 0, 0), 0);
		synced(0, NONE);
	} else if (k < 4) {
		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
		synced(0, NONE);
	} else {
		psi(page_iova((unsigned int)rand() % NP), ams[rand() % ARRAY_SIZE(ams)]);
	}
}

static void op_time(void)
{
	b->now += (u64)(rand() % 2001) * BED_MS / 1000; /* 0..2 ms */
	assert_true(bed_expire(b) >= 0);
}

static void run_one(unsigned int seed, u32 ms, u32 cap)
{
	u64 steps_quiet = 0;

	print_message("# seed %u, teardown %u ms, cap %u\n", seed, ms, cap);
	srand(seed);
	bed_init(b, ms, cap, 4096);
	window = b->s.td.window_tsc;
	for (unsigned int p = 0; p < NP; p++)
		pm[p] = (struct page_model){ .forbidden_since = NONE };
	for (int step = 0; step < 3000; step++) {
		int k = rand() % 100;

		if (k < 45)
			op_guest(k < 25 ? 0 : k < 40 ? 1 : k < 43 ? 2 : 3);
		else if (k < 75)
			op_invalidate();
		else if (k < 98)
			op_time();
		else if (k < 99) { /* context re-read, unchanged: nothing happens */
			u64 calls = fake_phys_calls(&b->p);

			assert_int_equal(bed_ctx(b, true), 0);
			assert_int_equal(fake_phys_calls(&b->p), calls);
		} else { /* TE off and on: identity, then a strict rebuild */
			assert_int_equal(bed_ctx(b, false), 0);
			assert_int_equal(b->p.nr, 0);
			assert_int_equal(bed_ctx(b, true), 0);
			synced(0, NONE);
		}
		if (check_pages()) {
			steps_quiet++;
			assert_true(viommu_shadow_check(&b->s, b->now));
		}
		if (step % 100 == 0)
			bed_expect_record_is_phys(b);
	}
	assert_true(steps_quiet > 0);
	/* Quiesce: everything invalidated, then the window passes. */
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
	synced(0, NONE);
	b->now += window + 1;
	assert_true(bed_expire(b) >= 0);
	assert_int_equal(viommu_shadow_deferred(&b->s), 0);
	assert_true(check_pages());
	bed_expect_phys_within_guest(b);
	bed_expect_record_is_phys(b);
	assert_true(viommu_shadow_check(&b->s, b->now));
	print_message("#   quiet %llu, maps %llu, unmaps %llu, revivals %llu, deferred %llu, "
		      "expired %llu, batches %llu, flushes %llu\n",
		      (unsigned long long)steps_quiet, (unsigned long long)b->st.shadow_maps,
		      (unsigned long long)b->st.shadow_unmaps, (unsigned long long)b->st.revivals,
		      (unsigned long long)b->st.deferred, (unsigned long long)b->st.expired,
		      (unsigned long long)b->st.batches, (unsigned long long)b->st.phys_flushes);
	if (!ms)
		assert_int_equal(b->st.deferred, 0);
	else
		assert_true(b->st.deferred > 0 && b->st.revivals > 0 && b->st.expired > 0);
	bed_free(b);
}

static void test_random(void **state)
{
	static const unsigned int seeds[] = { 1, 2, 3, 0xdecafbad };
	static const u32 modes[][2] = { { 0, 0 }, { 10, 1000 }, { 3, 8 } };
	const char *env = getenv("SHADOW_SEED");

	(void)state;
	for (unsigned int mi = 0; mi < ARRAY_SIZE(modes); mi++) {
		if (env) {
			run_one((unsigned int)strtoul(env, NULL, 0), modes[mi][0], modes[mi][1]);
			continue;
		}
		for (unsigned int si = 0; si < ARRAY_SIZE(seeds); si++)
			run_one(seeds[si], modes[mi][0], modes[mi][1]);
	}
}

static int bed_teardown(void **state)
{
	(void)state;
	bed_free(b);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_random, bed_teardown),
	};

	return HARNESS_RUN(tests);
}
