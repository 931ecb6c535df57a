// SPDX-License-Identifier: MIT
/*
 * lib/bitops.h range helpers: ranges_overlap() and range_within() on named
 * cases and exhaustively on small values, around 2^63 and just below 2^64,
 * against 128-bit arithmetic (ranges are [x, x+len) with no wrap-around).
 */
#include "tests/unit/harness.h"
#include "lib/bitops.h"

typedef unsigned __int128 u128;

static bool ref_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return alen && blen && (u128)a < (u128)b + blen && (u128)b < (u128)a + alen;
}

static bool ref_within(u64 a, u64 alen, u64 b, u64 blen)
{
	return a >= b && (u128)a + alen <= (u128)b + blen;
}

#define TOP (~0ULL)

static void test_overlap_cases(void **state)
{
	(void)state;
	assert_true(ranges_overlap(0x1000, 0x1000, 0x1000, 0x1000));
	assert_true(ranges_overlap(0x1000, 0x1000, 0x1fff, 1));
	assert_true(ranges_overlap(0x1fff, 1, 0x1000, 0x1000));
	assert_true(ranges_overlap(0x0, 0x10000, 0x8000, 1));
	assert_false(ranges_overlap(0x1000, 0x1000, 0x2000, 0x1000)); /* adjacent */
	assert_false(ranges_overlap(0x2000, 0x1000, 0x1000, 0x1000));
	assert_false(ranges_overlap(0x1000, 0, 0x1000, 0x1000)); /* empty */
	assert_false(ranges_overlap(0x1000, 0x1000, 0x1800, 0));
	/* ranges ending at 2^64 and running past it do not wrap to 0 */
	assert_true(ranges_overlap(TOP, 1, TOP, 1));
	assert_true(ranges_overlap(TOP - 0xfff, 0x1000, TOP, 1));
	assert_false(ranges_overlap(TOP - 0xfff, 0x2000, 0, 0x1000));
	assert_false(ranges_overlap(0, 0x1000, TOP - 0xfff, 0x2000));
	assert_true(ranges_overlap(0, TOP, TOP - 1, 1));
	assert_false(ranges_overlap(0, TOP, TOP, 1));
	assert_true(ranges_overlap(1, TOP, TOP, 1));
	assert_true(ranges_overlap(TOP, TOP, TOP - 1, 2));
	assert_false(ranges_overlap(TOP, TOP, 0, TOP));
}

static void test_within_cases(void **state)
{
	(void)state;
	assert_true(range_within(0x1000, 0x1000, 0x1000, 0x1000));
	assert_true(range_within(0x1ffc, 4, 0x1000, 0x1000));
	assert_false(range_within(0x1ffc, 8, 0x1000, 0x1000)); /* straddles the end */
	assert_false(range_within(0xffc, 8, 0x1000, 0x1000));  /* and the start */
	assert_false(range_within(0x0, 0x3000, 0x1000, 0x1000));
	assert_false(range_within(0x2000, 1, 0x1000, 0x1000));
	/* empty: inside iff it starts in [b, b + blen] */
	assert_true(range_within(0x2000, 0, 0x1000, 0x1000));
	assert_false(range_within(0x2001, 0, 0x1000, 0x1000));
	/* at the top: 8 bytes ending at 2^64 fit; 8 bytes from 2^64 - 4 do not */
	assert_true(range_within(TOP - 7, 8, TOP - 0xfff, 0x1000));
	assert_false(range_within(TOP - 3, 8, TOP - 0xfff, 0x1000));
	/* both past 2^64: compared as if the space went on */
	assert_false(range_within(TOP - 3, 8, TOP - 0xfff, 0x1003));
	assert_true(range_within(TOP - 3, 8, TOP - 0xfff, 0x1004));
	assert_false(range_within(0, 4, TOP - 0xfff, 0x2000)); /* no wrap to 0 */
	assert_true(range_within(0, TOP, 0, TOP));
	assert_false(range_within(1, TOP, 0, TOP));
	assert_false(range_within(TOP, 1, 0, TOP));
	assert_true(range_within(TOP - 1, 1, 0, TOP));
	assert_false(range_within(5, TOP, 6, TOP));
}

/* Small values shifted to 0, to just under 2^63 and to just under 2^64. */
static void test_exhaustive(void **state)
{
	static const u64 base[] = { 0, (1ULL << 63) - 8, TOP - 15 };
	u64 pts[48], lens[36];
	unsigned int np = 0, nl = 0, checked = 0;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(base); i++)
		for (u64 k = 0; k < 16; k++)
			pts[np++] = base[i] + k;
	for (u64 k = 0; k < 20; k++)
		lens[nl++] = k;
	for (u64 k = 0; k < 8; k++)
		lens[nl++] = TOP - k;
	for (u64 k = 0; k < 8; k++)
		lens[nl++] = (1ULL << 63) - 4 + k;
	for (unsigned int ia = 0; ia < np; ia++)
		for (unsigned int ib = 0; ib < np; ib++)
			for (unsigned int la = 0; la < nl; la++)
				for (unsigned int lb = 0; lb < nl; lb++) {
					u64 a = pts[ia], b = pts[ib];
					u64 al = lens[la], bl = lens[lb];

					if (ranges_overlap(a, al, b, bl) !=
					    ref_overlap(a, al, b, bl))
						fail_msg(
							"ranges_overlap(%#llx, %#llx, %#llx, %#llx)",
							(unsigned long long)a,
							(unsigned long long)al,
							(unsigned long long)b,
							(unsigned long long)bl);
					if (range_within(a, al, b, bl) != ref_within(a, al, b, bl))
						fail_msg("range_within(%#llx, %#llx, %#llx, %#llx)",
							 (unsigned long long)a,
							 (unsigned long long)al,
							 (unsigned long long)b,
							 (unsigned long long)bl);
					/* overlap is symmetric */
					assert_int_equal(ranges_overlap(a, al, b, bl),
							 ranges_overlap(b, bl, a, al));
					checked++;
				}
	assert_int_equal(checked, np * np * nl * nl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overlap_cases),
		cmocka_unit_test(test_within_cases),
		cmocka_unit_test(test_exhaustive),
	};

	return HARNESS_RUN(tests);
}
