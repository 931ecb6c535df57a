// SPDX-License-Identifier: MIT
/*
 * lib/page_alloc.c poisoning (the integrity self-check's heap half): every
 * free page is filled, used pages and the bitmap are left alone, allocations
 * still come back zeroed, freed pages are re-filled, and a single changed
 * byte anywhere in a free page is found with its exact address.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/page_alloc.h"

#define POISON 0x5356504f49534f4eULL
#define BASE 0x40000000ULL
#define NPAGES 200

static struct page_pool pool;
static u8 *mem;

static int setup(void **state)
{
	(void)state;
	mem = aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE);
	if (!mem)
		return -1;
	memset(mem, 0xa5, NPAGES * PAGE_SIZE);
	return page_pool_init(&pool, BASE, NPAGES * PAGE_SIZE, mem);
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

static bool page_all(const u8 *pg, u64 word)
{
	const u64 *w = (const u64 *)pg;

	for (unsigned int i = 0; i < PAGE_SIZE / 8; i++)
		if (w[i] != word)
			return false;
	return true;
}

static u8 *hva(hpa_t pa)
{
	return mem + (pa - BASE);
}

static void test_unpoisoned_checks_nothing(void **state)
{
	struct page_poison_report r = { .checked = 99 };

	(void)state;
	page_pool_check_poison(&pool, &r);
	assert_int_equal(r.checked, 0);
	assert_int_equal(r.bad_pages, 0);
}

static void test_fill_free_only(void **state)
{
	struct page_poison_report r;
	hpa_t a = page_alloc(&pool, 3, 1);
	u64 free_before = page_pool_free_pages(&pool);

	(void)state;
	assert_true(a);
	assert_false(page_pool_page_free(&pool, a + 2 * PAGE_SIZE));
	assert_true(page_pool_page_free(&pool, a + 3 * PAGE_SIZE));
	assert_false(page_pool_page_free(&pool, BASE)); /* the bitmap */
	assert_false(page_pool_page_free(&pool, BASE + NPAGES * PAGE_SIZE));
	assert_false(page_pool_page_free(&pool, BASE - PAGE_SIZE));
	memset(hva(a), 0x11, 3 * PAGE_SIZE);
	assert_int_equal(page_pool_poison(&pool, POISON), free_before);
	/* the bitmap page and the allocation are untouched */
	assert_false(page_all(mem, POISON));
	assert_true(page_all(hva(a), 0x1111111111111111ULL));
	assert_true(page_all(hva(a + 3 * PAGE_SIZE), POISON));
	assert_true(page_all(mem + (NPAGES - 1) * PAGE_SIZE, POISON));
	page_pool_check_poison(&pool, &r);
	assert_int_equal(r.checked, free_before);
	assert_int_equal(r.bad_pages, 0);
	/* allocations are still zeroed; frees re-poison */
	{
		hpa_t b = page_alloc(&pool, 2, 1);

		assert_true(b);
		assert_true(page_all(hva(b), 0));
		assert_true(page_all(hva(b + PAGE_SIZE), 0));
		memset(hva(b), 0x77, 2 * PAGE_SIZE);
		page_free(&pool, b, 2);
		assert_true(page_all(hva(b), POISON));
		assert_true(page_all(hva(b + PAGE_SIZE), POISON));
	}
	page_free(&pool, a, 3);
	assert_true(page_all(hva(a), POISON));
	page_pool_check_poison(&pool, &r);
	assert_int_equal(r.checked, page_pool_free_pages(&pool));
	assert_int_equal(r.bad_pages, 0);
}

static void test_detects_every_offset(void **state)
{
	struct page_poison_report r;
	hpa_t last = BASE + (NPAGES - 1) * PAGE_SIZE;
	static const u64 offs[] = { 0, 1, 7, 8, 2047, 4088, 4095 };

	(void)state;
	page_pool_poison(&pool, POISON);
	for (unsigned int i = 0; i < ARRAY_SIZE(offs); i++) {
		u8 *b = hva(last) + offs[i];

		*b ^= 0x01;
		page_pool_check_poison(&pool, &r);
		assert_int_equal(r.bad_pages, 1);
		assert_int_equal(r.first_bad, last + ALIGN_DOWN(offs[i], 8));
		*b ^= 0x01;
		page_pool_check_poison(&pool, &r);
		assert_int_equal(r.bad_pages, 0);
	}
}

static void test_first_bad_is_lowest(void **state)
{
	struct page_poison_report r;
	hpa_t hi = BASE + 150 * PAGE_SIZE, lo = BASE + 20 * PAGE_SIZE;

	(void)state;
	page_pool_poison(&pool, POISON);
	hva(hi)[100] = 0;
	hva(lo)[3000] = 0;
	hva(lo)[3001] = 0; /* same page: counted once */
	page_pool_check_poison(&pool, &r);
	assert_int_equal(r.bad_pages, 2);
	assert_int_equal(r.first_bad, lo + 3000);
	/* a corrupted page that gets allocated is no longer checked (zeroed) */
	{
		hpa_t a = page_alloc(&pool, 1, 1);

		while (a && a != lo)
			a = page_alloc(&pool, 1, 1); /* take pages up to lo */
		assert_int_equal(a, lo);
	}
	page_pool_check_poison(&pool, &r);
	assert_int_equal(r.bad_pages, 1);
	assert_int_equal(r.first_bad, hi + 96);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unpoisoned_checks_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fill_free_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detects_every_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_bad_is_lowest, setup, teardown),
	};
	return HARNESS_RUN(tests);
}
