// SPDX-License-Identifier: MIT
/*
 * vmm/npt.c under random map/unmap of page-aligned ranges in 0-4 GiB, for
 * EPT and AMD NPT with 4K pages only, 4K+2M and 4K+2M+1G, against a
 * reference array at 4 KiB granularity: range edges and random pages after
 * every operation, every page at the end, the tree walked every 50 steps.
 * One operation in eight runs with an allocation budget of 0-2 pages; after
 * -ENOMEM the tree must be consistent, pages outside the range unchanged,
 * pages inside either old or new, and the retry must succeed.
 * NPT_SEED=<n> replays another sequence.
 */
#include "tests/unit/harness.h"
#include "tests/unit/npt_bed.h"
#include <stdlib.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "vmm/npt.h"

#define RND_PAGES (GiB(4) / PAGE_SIZE)
#define RND_OPS 400
#define RND_MAPPED 0x80u
#define RND_UC 0x08u /* low bits: NPT_R/W/X */

struct ref_page {
	u32 pfn;
	u8 attr;
};

static struct ref_page *ref;
static u64 rng;
static unsigned int rnd_op;
static u64 seen_2m, seen_1g; /* superpage lookups, to show they were exercised */

static u64 rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dULL;
}

static u64 rnd_below(u64 n)
{
	return rnd() % n;
}

/* 4K, 2M or 1G alignment in pages, small ones more often */
static u64 rnd_align(void)
{
	u64 r = rnd_below(10);

	return r < 5 ? 1 : r < 8 ? 512 : 512 * 512;
}

static bool xlat_is(const struct xlat *x, const struct ref_page *r, gpa_t g)
{
	if (!(r->attr & RND_MAPPED))
		return !x->ok;
	return x->ok && x->hpa == (u64)r->pfn * PAGE_SIZE + (g & 0xfff) &&
	       x->perms == (r->attr & NPT_RWX) &&
	       x->mt == (r->attr & RND_UC ? NPT_MT_UC : NPT_MT_WB);
}

static void rnd_check_page(const struct npt *t, u64 p)
{
	gpa_t g = p * PAGE_SIZE + (rnd() & 0xfff);
	struct xlat x = xl(t, g);
	u64 b, n, probe[3];

	if (!xlat_is(&x, &ref[p], g))
		fail_msg("op %u: gpa %#llx: npt %d/%#llx/%#x, model %#x/%#llx", rnd_op,
			 (unsigned long long)g, x.ok, (unsigned long long)x.hpa, x.perms,
			 ref[p].attr, (unsigned long long)ref[p].pfn * PAGE_SIZE);
	if (!x.ok)
		return;
	assert_true(x.size == PAGE_SIZE || (x.size == MiB(2) && t->use_2m) ||
		    (x.size == GiB(1) && t->use_1g));
	seen_2m += x.size == MiB(2);
	seen_1g += x.size == GiB(1);
	/* a superpage is only right if the model is one mapping across it */
	n = x.size / PAGE_SIZE;
	b = ALIGN_DOWN(p, n);
	probe[0] = b;
	probe[1] = b + n - 1;
	probe[2] = b + rnd_below(n);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(ref[probe[i]].attr, ref[p].attr);
		assert_int_equal(ref[probe[i]].pfn - ref[p].pfn, (u32)(probe[i] - p));
	}
}

static void rnd_check_sample(const struct npt *t, u64 first, u64 n)
{
	u64 edge[4] = { first - 1, first, first + n - 1, first + n };

	for (unsigned int i = 0; i < 4; i++)
		if (edge[i] < RND_PAGES)
			rnd_check_page(t, edge[i]);
	for (unsigned int i = 0; i < 64; i++)
		rnd_check_page(t, rnd_below(RND_PAGES));
}

static int rnd_apply(struct npt *t, bool map, u64 first, u64 n, u32 pfn, u8 attr)
{
	if (map)
		return npt_map(t, first * PAGE_SIZE, (u64)pfn * PAGE_SIZE, n * PAGE_SIZE,
			       attr & RND_UC ? NPT_MT_UC : NPT_MT_WB, attr & NPT_RWX);
	return npt_unmap(t, first * PAGE_SIZE, n * PAGE_SIZE);
}

/* After -ENOMEM: outside the range nothing moved, inside old or new. */
static void rnd_check_partial(const struct npt *t, u64 first, u64 n, u32 pfn, u8 attr)
{
	check_tree(t);
	for (unsigned int i = 0; i < 64; i++) {
		u64 p = first + rnd_below(n);
		struct ref_page now = { pfn + (u32)(p - first), attr };
		gpa_t g = p * PAGE_SIZE;
		struct xlat x = xl(t, g);

		if (!xlat_is(&x, &ref[p], g) && !xlat_is(&x, &now, g))
			fail_msg("op %u: gpa %#llx neither old nor new after -ENOMEM", rnd_op,
				 (unsigned long long)g);
	}
	for (unsigned int i = 0; i < 64; i++) {
		u64 p = rnd_below(RND_PAGES);

		if (p < first || p >= first + n)
			rnd_check_page(t, p);
	}
}

static void test_random(void **state)
{
	uintptr_t v = (uintptr_t)*state;
	enum npt_kind k = (enum npt_kind)(v & 0xf);
	unsigned int sizes = (unsigned int)(v >> 4); /* 0: 4K, 1: +2M, 2: +1G */
	static const u8 perms[] = { NPT_R, NPT_R | NPT_W, NPT_R | NPT_X, NPT_RWX };
	const char *seed = getenv("NPT_SEED");
	unsigned int injected = 0;
	struct npt t;

	seen_2m = seen_1g = 0;
	rng = seed ? strtoull(seed, NULL, 0) : 0x9e3779b97f4a7c15ULL ^ v;
	ref = calloc(RND_PAGES, sizeof(*ref));
	assert_non_null(ref);
	assert_int_equal(npt_init(&t, k, sizes >= 1, sizes >= 2, &pool_ops), 0);
	for (rnd_op = 0; rnd_op < RND_OPS; rnd_op++) {
		u64 align = rnd_align(), r = rnd_below(10);
		u64 max = r < 5 ? 64 : r < 8 ? 32768 : 393216;
		u64 first = ALIGN_DOWN(rnd_below(RND_PAGES), align);
		u64 n = 1 + rnd_below(max);
		bool map = rnd_below(3) != 0;
		u32 pfn = 0;
		u8 attr = 0;
		int err;

		if (align > 1 && (rnd() & 1))
			n = ALIGN_UP(n, align);
		n = MIN(n, RND_PAGES - first);
		if (map) {
			pfn = (u32)first;
			if (rnd() & 1)
				pfn += (u32)ALIGN_DOWN(rnd_below(GiB(16) / PAGE_SIZE), rnd_align());
			attr = RND_MAPPED | perms[rnd_below(4)] | (rnd() & 1 ? RND_UC : 0);
		}
		if (rnd_below(8) == 0) {
			pool.budget = (unsigned int)rnd_below(3);
			err = rnd_apply(&t, map, first, n, pfn, attr);
			if (err) {
				assert_int_equal(err, -ENOMEM);
				injected++;
				rnd_check_partial(&t, first, n, pfn, attr);
			}
			pool.budget = NO_BUDGET;
		}
		assert_int_equal(rnd_apply(&t, map, first, n, pfn, attr), 0);
		for (u64 p = first; p < first + n; p++)
			ref[p] = (struct ref_page){ map ? pfn + (u32)(p - first) : 0, attr };
		rnd_check_sample(&t, first, n);
		if (rnd_op % 50 == 0)
			check_tree(&t);
	}
	assert_true(injected > 0); /* the failure path really ran */
	if (sizes >= 1)		   /* and superpages were made, used and split */
		assert_true(seen_2m > 0 && t.nr_splits > 0);
	if (sizes >= 2)
		assert_true(seen_1g > 0);
	for (u64 p = 0; p < RND_PAGES; p++)
		rnd_check_page(&t, p);
	check_tree(&t);
	npt_destroy(&t);
	assert_int_equal(pool.nr_live, 0);
	assert_int_equal(pool.allocs, pool.frees);
	free(ref);
	ref = NULL;
}

/* clang-format off */
#define RANDOM(k, sizes) \
	{ "test_random/" #k "/" #sizes, test_random, pool_setup, pool_teardown, \
	  (void *)(uintptr_t)((k) | (sizes) << 4) }
/* clang-format on */

int main(void)
{
	const struct CMUnitTest tests[] = {
		RANDOM(NPT_EPT, 0), RANDOM(NPT_EPT, 1), RANDOM(NPT_EPT, 2),
		RANDOM(NPT_AMD, 0), RANDOM(NPT_AMD, 1), RANDOM(NPT_AMD, 2),
	};

	return HARNESS_RUN(tests);
}
