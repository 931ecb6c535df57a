// SPDX-License-Identifier: MIT
/* The vmm/npt.c test bed: see npt_bed.h. */
#include "tests/unit/npt_bed.h"
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"

struct pool pool;

static void *pool_alloc(void *ctx, hpa_t *pa)
{
	assert_ptr_equal(ctx, &pool);
	if (!pool.budget)
		return NULL;
	for (unsigned int n = 0; n < POOL_MAX; n++) {
		unsigned int i = (pool.cursor + n) % POOL_MAX;

		if (pool.page[i])
			continue;
		pool.page[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		assert_non_null(pool.page[i]);
		memset(pool.page[i], 0, PAGE_SIZE);
		pool.cursor = i + 1;
		pool.nr_live++;
		pool.allocs++;
		if (pool.budget != NO_BUDGET)
			pool.budget--;
		*pa = POOL_PA_BASE + (u64)i * PAGE_SIZE;
		return pool.page[i];
	}
	fail_msg("test pool exhausted");
	return NULL;
}

static unsigned int pool_index(hpa_t pa)
{
	assert_true(pa >= POOL_PA_BASE && IS_ALIGNED(pa, PAGE_SIZE));
	assert_true((pa - POOL_PA_BASE) / PAGE_SIZE < POOL_MAX);
	return (unsigned int)((pa - POOL_PA_BASE) / PAGE_SIZE);
}

static void pool_free(void *ctx, void *page, hpa_t pa)
{
	unsigned int i = pool_index(pa);

	assert_ptr_equal(ctx, &pool);
	assert_non_null(pool.page[i]); /* no double free */
	assert_ptr_equal(page, pool.page[i]);
	free(pool.page[i]);
	pool.page[i] = NULL;
	pool.nr_live--;
	pool.frees++;
}

void *pool_ptr(void *ctx, hpa_t pa)
{
	unsigned int i = pool_index(pa);

	assert_ptr_equal(ctx, &pool);
	assert_non_null(pool.page[i]); /* never a freed or foreign table */
	return pool.page[i];
}

const struct npt_mem_ops pool_ops = {
	.alloc_page = pool_alloc,
	.free_page = pool_free,
	.table_ptr = pool_ptr,
	.ctx = &pool,
};

int pool_setup(void **state)
{
	(void)state;
	memset(&pool, 0, sizeof(pool));
	pool.budget = NO_BUDGET;
	return 0;
}

/* Anything still allocated is a leak the test itself reports. */
int pool_teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < POOL_MAX; i++)
		free(pool.page[i]);
	return 0;
}

u64 lvl_size(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

/* ---- independent decoding of the tree (the spec, not npt.c) ---- */

#define ADDR NPT_BED_ADDR

static bool is_present(enum npt_kind k, u64 e)
{
	return k == NPT_EPT ? (e & 7) != 0 : (e & BIT(0)) != 0;
}

/* Checks every entry of the table at pa; returns the tables under it. */
static unsigned int check_table(const struct npt *t, hpa_t pa, int level, bool *seen)
{
	unsigned int i = pool_index(pa), n = 1;
	const u64 *tab;

	assert_non_null(pool.page[i]);
	assert_false(seen[i]); /* each table reachable once */
	seen[i] = true;
	tab = (const u64 *)pool.page[i];
	for (unsigned int k = 0; k < 512; k++) {
		u64 e = tab[k], addr = e & ADDR, want;

		if (!is_present(t->kind, e)) {
			assert_int_equal(e, 0); /* unmapped slots are zero */
			continue;
		}
		if (level > 1 && !(e & BIT(7))) {
			/* table: EPT R|W|X, AMD P|RW|US; nothing else */
			assert_int_equal(e, addr | 7);
			n += check_table(t, addr, level - 1, seen);
			continue;
		}
		assert_true(level <= 3); /* no PS in a PML4E */
		assert_true(IS_ALIGNED(addr, lvl_size(level)));
		if (t->kind == NPT_EPT) {
			u64 mt = (e >> 3) & 7;

			assert_true(mt == 0 || mt == 6);
			want = addr | (e & 7) | mt << 3 | (level > 1 ? BIT(7) : 0);
		} else {
			assert_true(e & BIT(2)); /* U/S on every leaf */
			want = addr | BIT(0) | BIT(2) | (e & BIT(1)) |
			       (e & BIT(4) ? BIT(3) | BIT(4) : 0) | (level > 1 ? BIT(7) : 0) |
			       (e & BIT(63));
		}
		assert_int_equal(e, want);
	}
	return n;
}

void check_tree(const struct npt *t)
{
	static bool seen[POOL_MAX];

	memset(seen, 0, sizeof(seen));
	assert_ptr_equal(t->root, pool.page[pool_index(t->root_pa)]);
	assert_int_equal(check_table(t, t->root_pa, 4, seen), t->nr_tables);
	assert_int_equal(t->nr_tables, pool.nr_live);
}

u64 raw_entry(const struct npt *t, gpa_t gpa, int level)
{
	const u64 *tab = (const u64 *)t->root;

	for (int l = 4;; l--) {
		u64 e = tab[(gpa >> (12 + 9 * (l - 1))) & 0x1ff];

		if (l == level)
			return e;
		assert_true(is_present(t->kind, e) && !(e & BIT(7)));
		tab = pool_ptr(&pool, e & ADDR);
	}
}

struct xlat xl(const struct npt *t, gpa_t gpa)
{
	struct xlat x = { 0 };

	x.ok = npt_lookup(t, gpa, &x.hpa, &x.size, &x.perms, &x.mt);
	return x;
}

void expect_xlat(const struct npt *t, gpa_t gpa, hpa_t hpa, u64 size, unsigned int perms,
		 enum npt_memtype mt)
{
	struct xlat x = xl(t, gpa);

	if (!x.ok)
		fail_msg("gpa %#llx not mapped", (unsigned long long)gpa);
	assert_int_equal(x.hpa, hpa);
	assert_int_equal(x.size, size);
	assert_int_equal(x.perms, perms);
	assert_int_equal(x.mt, mt);
}

static enum npt_kind kind_of(void **state)
{
	return (enum npt_kind)(uintptr_t)*state;
}
