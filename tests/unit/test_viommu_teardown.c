// SPDX-License-Identifier: MIT
/*
 * viommu/teardown.c: the deferred-unmap FIFO (order, deadlines, unlink from
 * anywhere), the cap, batched expiry with a failing drop, the revival
 * decision, the consistency check, and a randomized run against a model.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "viommu/teardown.h"

#define NR 64
#define KHZ 1000000ULL /* 1 GHz: 1 ms = 1e6 ticks */
#define MS (KHZ)

static struct viommu_td_link links[NR];

struct drops {
	u32 slot[NR * 4];
	u32 n;
	int fail_at; /* index of the drop that fails, -1 none */
};

static int record_drop(void *arg, u32 slot)
{
	struct drops *d = arg;

	if (d->fail_at >= 0 && d->n == (u32)d->fail_at) {
		d->fail_at = -1;
		return -EIO;
	}
	d->slot[d->n++] = slot;
	return 0;
}

static void test_strict_configs(void **state)
{
	struct viommu_td td;

	(void)state;
	viommu_td_init(&td, links, NR, 0, 16, KHZ);
	assert_false(viommu_td_enabled(&td));
	viommu_td_init(&td, links, NR, 10, 0, KHZ);
	assert_false(viommu_td_enabled(&td));
	viommu_td_init(&td, links, NR, 10, 1000, KHZ);
	assert_true(viommu_td_enabled(&td));
	assert_int_equal(td.cap, NR); /* clamped to the slots there are */
	assert_int_equal(td.window_tsc, 10 * MS);
	for (u32 i = 0; i < NR; i++)
		assert_false(viommu_td_is_deferred(&td, i));
	assert_false(viommu_td_is_deferred(&td, NR));
	assert_true(viommu_td_check(&td));
}

static void test_match(void **state)
{
	(void)state;
	assert_int_equal(viommu_td_match(0x1000, true, true, 0x1000, true, true), VIOMMU_TD_SAME);
	assert_int_equal(viommu_td_match(0x1000, true, false, 0x1000, true, false), VIOMMU_TD_SAME);
	assert_int_equal(viommu_td_match(0x1000, true, true, 0x1000, true, false),
			 VIOMMU_TD_RIGHTS);
	assert_int_equal(viommu_td_match(0x1000, true, false, 0x1000, true, true),
			 VIOMMU_TD_RIGHTS);
	assert_int_equal(viommu_td_match(0x1000, false, true, 0x1000, true, true),
			 VIOMMU_TD_RIGHTS);
	assert_int_equal(viommu_td_match(0x1000, true, true, 0x2000, true, true),
			 VIOMMU_TD_REPLACE);
}

static void test_fifo_order_and_unlink(void **state)
{
	struct viommu_td td;
	struct drops d = { .fail_at = -1 };

	(void)state;
	viommu_td_init(&td, links, NR, 5, 16, KHZ);
	for (u32 i = 0; i < 6; i++)
		assert_int_equal(viommu_td_defer(&td, 10 + i, 100 + i * MS), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_count(&td), 6);
	assert_int_equal(viommu_td_deadline(&td, 12), 100 + 2 * MS + 5 * MS);
	assert_true(viommu_td_check(&td));
	/* Unlink head, middle and tail; unlinking twice is a no-op. */
	viommu_td_unlink(&td, 10);
	viommu_td_unlink(&td, 13);
	viommu_td_unlink(&td, 15);
	viommu_td_unlink(&td, 15);
	viommu_td_unlink(&td, 40); /* never deferred */
	assert_int_equal(viommu_td_count(&td), 3);
	assert_false(viommu_td_is_deferred(&td, 13));
	assert_true(viommu_td_is_deferred(&td, 14));
	assert_true(viommu_td_check(&td));
	/* Nothing due before the first deadline. */
	assert_false(viommu_td_due(&td, 100 + 6 * MS - 1));
	assert_int_equal(viommu_td_expire(&td, 100 + 6 * MS - 1, record_drop, &d, &d.n), 0);
	assert_int_equal(d.n, 0);
	/* 11 (due 6 ms) and 12 (due 7 ms) go, 14 (due 9 ms) stays. */
	u32 n;
	assert_true(viommu_td_due(&td, 100 + 7 * MS));
	assert_int_equal(viommu_td_expire(&td, 100 + 7 * MS, record_drop, &d, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d.slot[0], 11);
	assert_int_equal(d.slot[1], 12);
	assert_int_equal(viommu_td_count(&td), 1);
	assert_true(viommu_td_is_deferred(&td, 14));
	assert_false(viommu_td_is_deferred(&td, 11));
	assert_true(viommu_td_check(&td));
	/* Re-deferring an unlinked slot works. */
	assert_int_equal(viommu_td_defer(&td, 11, 100 + 8 * MS), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_pop_oldest(&td), 14);
	assert_int_equal(viommu_td_pop_oldest(&td), 11);
	assert_int_equal(viommu_td_pop_oldest(&td), VIOMMU_TD_NONE);
	assert_true(viommu_td_check(&td));
}

static void test_cap_evicts_oldest(void **state)
{
	struct viommu_td td;

	(void)state;
	viommu_td_init(&td, links, NR, 100, 3, KHZ);
	assert_int_equal(viommu_td_defer(&td, 1, 10), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_defer(&td, 2, 20), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_defer(&td, 3, 30), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_defer(&td, 4, 40), 1);
	assert_false(viommu_td_is_deferred(&td, 1));
	assert_int_equal(viommu_td_count(&td), 3);
	viommu_td_unlink(&td, 3);
	assert_int_equal(viommu_td_defer(&td, 5, 50), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_defer(&td, 6, 60), 2);
	assert_true(viommu_td_check(&td));
}

static void test_expire_drop_failure(void **state)
{
	struct viommu_td td;
	struct drops d = { .fail_at = 1 };
	u32 n;

	(void)state;
	viommu_td_init(&td, links, NR, 1, 16, KHZ);
	for (u32 i = 0; i < 4; i++)
		assert_int_equal(viommu_td_defer(&td, i, i), VIOMMU_TD_NONE);
	/* The second drop fails: it stays first in line with its deadline. */
	assert_int_equal(viommu_td_expire(&td, 10 * MS, record_drop, &d, &n), -EIO);
	assert_int_equal(n, 1);
	assert_int_equal(viommu_td_count(&td), 3);
	assert_true(viommu_td_is_deferred(&td, 1));
	assert_int_equal(viommu_td_deadline(&td, 1), 1 + MS);
	assert_true(viommu_td_check(&td));
	assert_int_equal(viommu_td_expire(&td, 10 * MS, record_drop, &d, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(d.slot[1], 1);
	assert_int_equal(d.slot[2], 2);
	assert_int_equal(d.slot[3], 3);
	assert_int_equal(viommu_td_count(&td), 0);
}

static void test_clock_backwards_and_wrap(void **state)
{
	struct viommu_td td;

	(void)state;
	viommu_td_init(&td, links, NR, 2, 16, KHZ);
	assert_int_equal(viommu_td_defer(&td, 1, 10 * MS), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_defer(&td, 2, 5 * MS), VIOMMU_TD_NONE); /* earlier "now" */
	assert_int_equal(viommu_td_deadline(&td, 2), 12 * MS);		   /* not 7 ms */
	assert_true(viommu_td_check(&td));
	assert_int_equal(viommu_td_defer(&td, 3, ~0ULL - 5), VIOMMU_TD_NONE);
	assert_int_equal(viommu_td_deadline(&td, 3), ~0ULL); /* saturated, not wrapped */
	assert_int_equal(viommu_td_pop_oldest(&td), 1);
	assert_int_equal(viommu_td_pop_oldest(&td), 2);
	assert_false(viommu_td_due(&td, ~0ULL - 1));
	assert_true(viommu_td_due(&td, ~0ULL));
	assert_true(viommu_td_check(&td));
}

static void test_check_catches_corruption(void **state)
{
	struct viommu_td td;

	(void)state;
	viommu_td_init(&td, links, NR, 2, 16, KHZ);
	for (u32 i = 0; i < 4; i++)
		assert_int_equal(viommu_td_defer(&td, i, i * MS), VIOMMU_TD_NONE);
	assert_true(viommu_td_check(&td));
	links[2].deadline = 0; /* out of order */
	assert_false(viommu_td_check(&td));
	links[2].deadline = 4 * MS;
	assert_true(viommu_td_check(&td));
	links[1].next = 3; /* skips 2 */
	assert_false(viommu_td_check(&td));
	links[1].next = 2;
	links[3].next = 0; /* cycle */
	assert_false(viommu_td_check(&td));
	links[3].next = VIOMMU_TD_NONE;
	links[40].prev = 7; /* marked deferred, not in the list */
	assert_false(viommu_td_check(&td));
	links[40].prev = VIOMMU_TD_UNLINKED;
	assert_true(viommu_td_check(&td));
}

/* Model: deadline per slot (0 = not deferred); deferral order by sequence number. */
static void test_random_vs_model(void **state)
{
	static const unsigned int seeds[] = { 1, 7, 42, 1234 };

	(void)state;
	for (unsigned int si = 0; si < ARRAY_SIZE(seeds); si++) {
		struct viommu_td td;
		u64 dl[NR] = { 0 }, seq[NR] = { 0 }, next_seq = 1, now = 0;
		u32 cap = 1 + seeds[si] % 20, count = 0;
		struct drops d = { .fail_at = -1 };

		srand(seeds[si]);
		viommu_td_init(&td, links, NR, 3, cap, KHZ);
		for (int step = 0; step < 20000; step++) {
			u32 slot = (u32)rand() % NR, n;
			int op = rand() % 10;

			now += (u64)(rand() % 4) * MS / 2;
			if (op < 5 && !dl[slot]) {
				u32 ev = viommu_td_defer(&td, slot, now);
				u32 want = VIOMMU_TD_NONE;

				if (count == cap) { /* oldest by sequence */
					u64 best = ~0ULL;

					for (u32 i = 0; i < NR; i++)
						if (dl[i] && seq[i] < best) {
							best = seq[i];
							want = i;
						}
					dl[want] = 0;
					count--;
				}
				assert_int_equal(ev, want);
				dl[slot] = now + 3 * MS;
				seq[slot] = next_seq++;
				count++;
			} else if (op < 7) {
				viommu_td_unlink(&td, slot);
				count -= dl[slot] != 0;
				dl[slot] = 0;
			} else {
				d.n = 0;
				assert_int_equal(viommu_td_expire(&td, now, record_drop, &d, &n),
						 0);
				assert_int_equal(n, d.n);
				for (u32 i = 0; i < n; i++) {
					assert_true(dl[d.slot[i]] && dl[d.slot[i]] <= now);
					dl[d.slot[i]] = 0;
					count--;
				}
				for (u32 i = 0; i < NR; i++) /* nothing due is left */
					assert_false(dl[i] && dl[i] <= now);
			}
			assert_int_equal(viommu_td_count(&td), count);
			for (u32 i = 0; i < NR; i++) {
				assert_int_equal(viommu_td_is_deferred(&td, i), dl[i] != 0);
				if (dl[i])
					assert_int_equal(viommu_td_deadline(&td, i), dl[i]);
			}
			if (step % 64 == 0)
				assert_true(viommu_td_check(&td));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strict_configs),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_fifo_order_and_unlink),
		cmocka_unit_test(test_cap_evicts_oldest),
		cmocka_unit_test(test_expire_drop_failure),
		cmocka_unit_test(test_clock_backwards_and_wrap),
		cmocka_unit_test(test_check_catches_corruption),
		cmocka_unit_test(test_random_vs_model),
	};

	return HARNESS_RUN(tests);
}
