// SPDX-License-Identifier: MIT
/*
 * lib/page_alloc.c over a heap buffer standing in for the pool: setup and
 * bitmap carve-out, alignment in physical terms, exhaustion, fragmentation
 * and coalescing, zeroing, fatal misuse (in a forked child, which must
 * abort), a randomized run against a first-fit reference model, and two
 * threads hammering the lock.
 */
#include "tests/unit/harness.h"
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/page_alloc.h"

struct fixture {
	struct page_pool pool;
	u8 *mem;
	u64 size;
};

/* A pool of npages at physical base, backed by an aligned heap buffer. */
static void pool_make(struct fixture *f, hpa_t base, u64 npages)
{
	f->size = npages * PAGE_SIZE;
	f->mem = aligned_alloc(PAGE_SIZE, f->size);
	assert_non_null(f->mem);
	memset(f->mem, 0xa5, f->size); /* garbage, as RAM would be */
	assert_int_equal(page_pool_init(&f->pool, base, f->size, f->mem), 0);
}

static void pool_drop(struct fixture *f)
{
	free(f->mem);
	f->mem = NULL;
}

static bool all_zero(const u8 *p, u64 len)
{
	for (u64 i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void test_init_and_bitmap_carve(void **state)
{
	struct fixture f;
	struct page_pool p;
	u8 *buf = aligned_alloc(PAGE_SIZE, 16 * PAGE_SIZE);

	(void)state;
	/* bad arguments */
	assert_int_equal(page_pool_init(&p, 0x100800, 16 * PAGE_SIZE, buf), -EINVAL);
	assert_int_equal(page_pool_init(&p, 0x100000, 16 * PAGE_SIZE, buf + 8), -EINVAL);
	assert_int_equal(page_pool_init(&p, 0x100000, 16 * PAGE_SIZE, NULL), -EINVAL);
	assert_int_equal(page_pool_init(&p, 0x100000, PAGE_SIZE, buf), -EINVAL);
	assert_int_equal(page_pool_init(&p, 0x100000, PAGE_SIZE - 1, buf), -EINVAL);
	assert_int_equal(page_pool_init(&p, 0ULL - 0x4000, 16 * PAGE_SIZE, buf), -EINVAL);
	/* two pages: one bitmap page, one usable */
	assert_int_equal(page_pool_init(&p, 0x100000, 2 * PAGE_SIZE + 100, buf), 0);
	assert_int_equal(p.nr_pages, 2);
	assert_int_equal(page_pool_free_pages(&p), 1);
	assert_int_equal(page_alloc(&p, 1, 1), 0x101000);
	assert_int_equal(page_alloc(&p, 1, 1), 0);
	free(buf);

	/* 4 MiB: 1024 pages need 128 bitmap bytes, one page */
	pool_make(&f, 0x3f000000, 1024);
	assert_int_equal(f.pool.nr_pages, 1024);
	assert_int_equal(page_pool_free_pages(&f.pool), 1023);
	assert_ptr_equal(f.pool.bitmap, f.mem);
	assert_int_equal(page_alloc(&f.pool, 1, 1), 0x3f001000);
	pool_drop(&f);

	/* 64 MiB + 1 page: 16385 pages, 2049 bytes of bitmap, still one page;
	 * 33000 pages: 4128 bytes of bitmap, two pages */
	pool_make(&f, 0x40000000, 16385);
	assert_int_equal(page_pool_free_pages(&f.pool), 16384);
	pool_drop(&f);
	pool_make(&f, 0x40000000, 33000);
	assert_int_equal(page_pool_free_pages(&f.pool), 33000 - 2);
	assert_int_equal(page_alloc(&f.pool, 1, 1), 0x40002000);
	/* the whole remainder in one piece, then nothing */
	assert_int_equal(page_alloc(&f.pool, 33000 - 3, 1), 0x40003000);
	assert_int_equal(page_pool_free_pages(&f.pool), 0);
	assert_int_equal(page_alloc(&f.pool, 1, 1), 0);
	pool_drop(&f);
}

static void test_pool_at_zero(void **state)
{
	struct fixture f;

	(void)state;
	pool_make(&f, 0, 64);
	/* page 0 holds the bitmap, so 0 never means success */
	for (int i = 0; i < 63; i++)
		assert_int_not_equal(page_alloc(&f.pool, 1, 1), 0);
	assert_int_equal(page_alloc(&f.pool, 1, 1), 0);
	pool_drop(&f);
}

static void test_alignment(void **state)
{
	struct fixture f;
	hpa_t a, b, c;

	(void)state;
	/* base deliberately not 2 MiB aligned: alignment is in hpa terms */
	pool_make(&f, 0x1fd000, 2048);
	a = page_alloc(&f.pool, 1, 1);
	assert_int_equal(a, 0x1fe000);
	b = page_alloc(&f.pool, 1, 512);
	assert_int_equal(b, 0x200000);
	c = page_alloc(&f.pool, 3, 4);
	assert_int_equal(c, 0x204000); /* 0x200000 is taken: next 16K slot */
	assert_true(IS_ALIGNED(c, 4 * PAGE_SIZE));
	/* the page skipped for alignment is still handed out first-fit */
	assert_int_equal(page_alloc(&f.pool, 1, 1), 0x1ff000);
	/* large alignments */
	a = page_alloc(&f.pool, 512, 512);
	assert_true(IS_ALIGNED(a, MiB(2)));
	assert_int_equal(a, 0x400000);
	assert_int_equal(page_alloc(&f.pool, 1, 1ULL << 20), 0); /* no 4 GiB slot */
	/* bad requests */
	assert_int_equal(page_alloc(&f.pool, 1, 3), 0);
	assert_int_equal(page_alloc(&f.pool, 0, 1), 0);
	assert_int_equal(page_alloc(&f.pool, 1, 1ULL << 50), 0);
	/* align 0 means 1 */
	assert_int_not_equal(page_alloc(&f.pool, 1, 0), 0);
	pool_drop(&f);
}

static void test_exhaustion_and_reuse(void **state)
{
	struct fixture f;
	hpa_t pages[256];
	unsigned int n = 0;
	hpa_t h;

	(void)state;
	pool_make(&f, 0x800000, 256);
	while ((h = page_alloc(&f.pool, 1, 1)) != 0) {
		assert_true(n < 255);
		pages[n++] = h;
	}
	assert_int_equal(n, 255);
	assert_int_equal(page_pool_free_pages(&f.pool), 0);
	assert_int_equal(f.pool.peak_used, 255);
	assert_int_equal(page_alloc(&f.pool, 1, 1), 0);
	/* distinct and in order */
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(pages[i], 0x801000 + i * PAGE_SIZE);
	page_free(&f.pool, pages[100], 1);
	assert_int_equal(page_pool_free_pages(&f.pool), 1);
	assert_int_equal(page_alloc(&f.pool, 2, 1), 0);
	assert_int_equal(page_alloc(&f.pool, 1, 1), pages[100]);
	assert_int_equal(f.pool.peak_used, 255);
	pool_drop(&f);
}

static void test_fragmentation_and_coalescing(void **state)
{
	struct fixture f;
	hpa_t pages[128];
	u64 nr_free;

	(void)state;
	pool_make(&f, 0x1000000, 129);
	for (int i = 0; i < 128; i++)
		pages[i] = page_alloc(&f.pool, 1, 1);
	/* free every other page: half the pool free, no two adjacent */
	for (int i = 0; i < 128; i += 2)
		page_free(&f.pool, pages[i], 1);
	assert_int_equal(page_pool_free_pages(&f.pool), 64);
	assert_int_equal(page_alloc(&f.pool, 2, 1), 0);
	/* freeing one neighbour makes a run of three */
	page_free(&f.pool, pages[41], 1);
	nr_free = page_pool_free_pages(&f.pool);
	assert_int_equal(page_alloc(&f.pool, 3, 1), pages[40]);
	assert_int_equal(page_pool_free_pages(&f.pool), nr_free - 3);
	page_free(&f.pool, pages[40], 3);
	/* free everything: the whole pool comes back as one run */
	for (int i = 1; i < 128; i += 2)
		if (i != 41)
			page_free(&f.pool, pages[i], 1);
	assert_int_equal(page_pool_free_pages(&f.pool), 128);
	assert_int_equal(page_alloc(&f.pool, 128, 1), pages[0]);
	assert_int_equal(page_pool_free_pages(&f.pool), 0);
	page_free(&f.pool, pages[0], 128);
	pool_drop(&f);
}

static void test_zeroing(void **state)
{
	struct fixture f;
	hpa_t h, h2;
	u8 *v;

	(void)state;
	pool_make(&f, 0x2000000, 64); /* backing memory is 0xa5 garbage */
	h = page_alloc(&f.pool, 4, 1);
	v = page_hva(&f.pool, h);
	assert_non_null(v);
	assert_true(all_zero(v, 4 * PAGE_SIZE));
	memset(v, 0xff, 4 * PAGE_SIZE);
	page_free(&f.pool, h, 4);
	h2 = page_alloc(&f.pool, 4, 1);
	assert_int_equal(h2, h);
	assert_true(all_zero(v, 4 * PAGE_SIZE));
	/* the neighbour beyond the allocation is untouched */
	assert_int_equal(v[4 * PAGE_SIZE], 0xa5);
	pool_drop(&f);
}

static void test_translation(void **state)
{
	struct fixture f;
	hpa_t base = 0x12345000;

	(void)state;
	pool_make(&f, base, 32);
	assert_ptr_equal(page_hva(&f.pool, base), f.mem);
	assert_ptr_equal(page_hva(&f.pool, base + 0x1234), f.mem + 0x1234);
	assert_ptr_equal(page_hva(&f.pool, base + 32 * PAGE_SIZE - 1), f.mem + 32 * PAGE_SIZE - 1);
	assert_null(page_hva(&f.pool, base + 32 * PAGE_SIZE));
	assert_null(page_hva(&f.pool, base - 1));
	assert_int_equal(page_hpa(&f.pool, f.mem + 0x2345), base + 0x2345);
	assert_int_equal(page_hpa(&f.pool, f.mem + 32 * PAGE_SIZE), 0);
	assert_int_equal(page_hpa(&f.pool, f.mem - 1), 0);
	assert_true(page_pool_contains(&f.pool, base, 32 * PAGE_SIZE));
	assert_false(page_pool_contains(&f.pool, base, 32 * PAGE_SIZE + 1));
	assert_false(page_pool_contains(&f.pool, base - PAGE_SIZE, 2 * PAGE_SIZE));
	assert_false(page_pool_contains(&f.pool, base, 0));
	assert_false(page_pool_contains(&f.pool, base + PAGE_SIZE, ~0ULL));
	harness_log_clear();
	page_pool_print(&f.pool);
	assert_non_null(strstr(harness_log(), "HV: page pool [0x12345000-0x12365000) 0 MiB: "
					      "32 pages, 1 bitmap, 31 free, peak 0 used\n"));
	pool_drop(&f);
}

/* ---- fatal misuse: must panic (abort) in a child process ---- */

enum misuse { DOUBLE_FREE, PARTIAL_DOUBLE_FREE, OUTSIDE, UNALIGNED, BITMAP, TOO_MANY, CONTROL };

static void do_misuse(enum misuse m)
{
	struct fixture f;
	hpa_t h;

	pool_make(&f, 0x100000, 64);
	h = page_alloc(&f.pool, 4, 1);
	switch (m) {
	case DOUBLE_FREE:
		page_free(&f.pool, h, 4);
		page_free(&f.pool, h, 4);
		break;
	case PARTIAL_DOUBLE_FREE:
		page_free(&f.pool, h + PAGE_SIZE, 1);
		page_free(&f.pool, h, 4);
		break;
	case OUTSIDE:
		page_free(&f.pool, 0x100000 + 64 * PAGE_SIZE, 1);
		break;
	case UNALIGNED:
		page_free(&f.pool, h + 8, 1);
		break;
	case BITMAP:
		page_free(&f.pool, 0x100000, 1);
		break;
	case TOO_MANY:
		page_free(&f.pool, h, 1ULL << 60);
		break;
	case CONTROL:
		page_free(&f.pool, h, 4);
		break;
	}
	pool_drop(&f);
}

/* Run the case in a child; returns true if it died of SIGABRT. */
static bool aborts(enum misuse m)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGABRT, SIG_DFL);
		/* keep the expected panic text out of the test output */
		if (!getenv("HARNESS_VERBOSE") && !freopen("/dev/null", "w", stderr))
			_exit(3);
		do_misuse(m);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status))
		assert_int_equal(WEXITSTATUS(status), 0);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void test_misuse_panics(void **state)
{
	(void)state;
	assert_false(aborts(CONTROL));
	assert_true(aborts(DOUBLE_FREE));
	assert_true(aborts(PARTIAL_DOUBLE_FREE));
	assert_true(aborts(OUTSIDE));
	assert_true(aborts(UNALIGNED));
	assert_true(aborts(BITMAP));
	assert_true(aborts(TOO_MANY));
}

/* ---- randomized against a reference model ---- */

#define RP 700 /* pages: not a multiple of 64, exercises the tail word */

struct live {
	hpa_t h;
	u64 nr;
	u8 tag;
};

/* Lowest aligned run of nr free pages in the model, or -1. */
static long model_first_fit(const bool *used, hpa_t base, u64 nr, u64 align)
{
	for (u64 i = 0; i + nr <= RP; i++) {
		bool ok = (((base >> PAGE_SHIFT) + i) & (align - 1)) == 0;

		for (u64 k = 0; ok && k < nr; k++)
			ok = !used[i + k];
		if (ok)
			return (long)i;
	}
	return -1;
}

static void test_random_against_model(void **state)
{
	static struct live live[RP];
	struct fixture f;
	bool used[RP];
	unsigned int nlive = 0;
	u64 model_free = RP - 1, peak = 0;
	const hpa_t base = 0x7654000;

	(void)state;
	pool_make(&f, base, RP);
	memset(used, 0, sizeof(used));
	used[0] = true; /* bitmap page */
	srand(2024);
	for (int iter = 0; iter < 30000; iter++) {
		if (nlive && rand() % 100 < 45) {
			unsigned int k = (unsigned int)rand() % nlive;
			struct live l = live[k];
			u8 *v = page_hva(&f.pool, l.h);

			/* nobody else scribbled over it */
			for (u64 b = 0; b < l.nr * PAGE_SIZE; b += 509)
				assert_int_equal(v[b], l.tag);
			page_free(&f.pool, l.h, l.nr);
			for (u64 i = 0; i < l.nr; i++)
				used[(l.h - base) / PAGE_SIZE + i] = false;
			model_free += l.nr;
			live[k] = live[--nlive];
		} else {
			u64 nr = rand() % 8 ? 1 + rand() % 4 : 1 + rand() % 64;
			u64 align = 1ULL << (rand() % 8 ? 0 : rand() % 6);
			long want = model_first_fit(used, base, nr, align);
			hpa_t h = page_alloc(&f.pool, nr, align);

			if (want < 0) {
				assert_int_equal(h, 0);
				continue;
			}
			assert_int_equal(h, base + (u64)want * PAGE_SIZE);
			assert_true(all_zero(page_hva(&f.pool, h), nr * PAGE_SIZE));
			for (u64 i = 0; i < nr; i++)
				used[want + i] = true;
			model_free -= nr;
			peak = MAX(peak, RP - 1 - model_free);
			live[nlive++] = (struct live){ h, nr, (u8)(1 + iter % 255) };
			memset(page_hva(&f.pool, h), live[nlive - 1].tag, nr * PAGE_SIZE);
		}
		assert_int_equal(page_pool_free_pages(&f.pool), model_free);
	}
	assert_int_equal(f.pool.peak_used, peak);
	/* bitmap matches the model bit for bit */
	for (u64 i = 0; i < RP; i++)
		assert_int_equal(!!(f.pool.bitmap[i / 64] & BIT(i % 64)), used[i]);
	while (nlive) {
		nlive--;
		page_free(&f.pool, live[nlive].h, live[nlive].nr);
	}
	assert_int_equal(page_pool_free_pages(&f.pool), RP - 1);
	assert_int_equal(page_alloc(&f.pool, RP - 1, 1), base + PAGE_SIZE);
	pool_drop(&f);
}

/* ---- two CPUs: concurrent alloc/free must never hand a page out twice ---- */

struct thr {
	struct page_pool *pool;
	u8 id;
	unsigned int seed;
	long errors;
};

static void *hammer(void *arg)
{
	struct thr *t = arg;
	hpa_t mine[16];
	u64 nrs[16];

	for (int round = 0; round < 2000; round++) {
		int n = 0;

		for (int i = 0; i < 16; i++) {
			u64 nr = 1 + rand_r(&t->seed) % 3;
			hpa_t h = page_alloc(t->pool, nr, 1);

			if (!h)
				continue;
			memset(page_hva(t->pool, h), t->id, nr * PAGE_SIZE);
			mine[n] = h;
			nrs[n++] = nr;
		}
		for (int i = 0; i < n; i++) {
			const u8 *v = page_hva(t->pool, mine[i]);

			if (v[0] != t->id || v[nrs[i] * PAGE_SIZE - 1] != t->id)
				t->errors++;
			page_free(t->pool, mine[i], nrs[i]);
		}
	}
	return NULL;
}

static void test_two_cpus(void **state)
{
	struct fixture f;
	struct thr t[2];
	pthread_t th[2];

	(void)state;
	pool_make(&f, 0x10000000, 80); /* tight: the threads compete */
	for (int i = 0; i < 2; i++) {
		t[i] = (struct thr){ &f.pool, (u8)(0x10 + i), 77u + (unsigned int)i, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, hammer, &t[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_int_equal(t[0].errors + t[1].errors, 0);
	assert_int_equal(page_pool_free_pages(&f.pool), 79);
	assert_int_equal(page_alloc(&f.pool, 79, 1), 0x10001000);
	pool_drop(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_and_bitmap_carve),
		cmocka_unit_test(test_pool_at_zero),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_exhaustion_and_reuse),
		cmocka_unit_test(test_fragmentation_and_coalescing),
		cmocka_unit_test(test_zeroing),
		cmocka_unit_test(test_translation),
		cmocka_unit_test(test_misuse_panics),
		cmocka_unit_test(test_random_against_model),
		cmocka_unit_test(test_two_cpus),
	};
	return HARNESS_RUN(tests);
}
