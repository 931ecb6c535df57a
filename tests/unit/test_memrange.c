// SPDX-License-Identifier: MIT
/*
 * lib/memrange.c: hand-written cases (QEMU-like firmware maps, ranges at
 * 2^64) plus randomized runs checked against a byte-by-byte reference
 * "paint" of a 64-byte universe, placed both at 0 and ending at 2^64.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/memrange.h"

#define AV MEMRANGE_AVAILABLE
#define RS MEMRANGE_RESERVED
#define TOP (0ULL - 0x1000) /* last page below 2^64 */

static void expect_map(const struct mem_range *m, unsigned int n, const struct mem_range *want,
		       unsigned int nwant)
{
	assert_int_equal(n, nwant);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(m[i].base, want[i].base);
		assert_int_equal(m[i].len, want[i].len);
		assert_int_equal(m[i].type, want[i].type);
	}
}

#define EXPECT(m, n, ...)                                      \
	do {                                                   \
		const struct mem_range w_[] = { __VA_ARGS__ }; \
		expect_map(m, n, w_, ARRAY_SIZE(w_));          \
	} while (0)

/* ---- subtract ---- */

static void test_subtract_cases(void **state)
{
	struct mem_range m[8] = {
		{ 0x0, 0x1000, AV },
		{ 0x10000, 0x10000, AV },
		{ 0x40000, 0x1000, RS },
	};
	unsigned int n = 3;

	(void)state;
	/* split in the middle */
	assert_int_equal(memrange_subtract(m, &n, 8, 0x14000, 0x1000), 0);
	EXPECT(m, n, { 0x0, 0x1000, AV }, { 0x10000, 0x4000, AV }, { 0x40000, 0x1000, RS },
	       { 0x15000, 0xb000, AV });
	/* trim a left edge and a right edge, remove one range entirely */
	assert_int_equal(memrange_subtract(m, &n, 8, 0x0, 0x11000), 0);
	EXPECT(m, n, { 0x11000, 0x3000, AV }, { 0x40000, 0x1000, RS }, { 0x15000, 0xb000, AV });
	assert_int_equal(memrange_subtract(m, &n, 8, 0x1f000, 0x100000), 0);
	EXPECT(m, n, { 0x11000, 0x3000, AV }, { 0x15000, 0xa000, AV });
	/* no overlap, zero length: nothing changes */
	assert_int_equal(memrange_subtract(m, &n, 8, 0x14000, 0x1000), 0);
	assert_int_equal(memrange_subtract(m, &n, 8, 0x12000, 0), 0);
	EXPECT(m, n, { 0x11000, 0x3000, AV }, { 0x15000, 0xa000, AV });
}

static void test_subtract_e2big_leaves_map(void **state)
{
	struct mem_range m[3] = {
		{ 0x0, 0x10000, AV },
		{ 0x20000, 0x10000, AV },
	};
	unsigned int n = 2;

	(void)state;
	/* two splits needed, room for one: refused, untouched */
	assert_int_equal(memrange_subtract(m, &n, 3, 0x8000, 0x20000), 0);
	EXPECT(m, n, { 0x0, 0x8000, AV }, { 0x28000, 0x8000, AV });
	n = 2;
	m[0] = (struct mem_range){ 0x0, 0x10000, AV };
	m[1] = (struct mem_range){ 0x20000, 0x10000, AV };
	assert_int_equal(memrange_subtract(m, &n, 2, 0x1000, 0x1000), -E2BIG);
	EXPECT(m, n, { 0x0, 0x10000, AV }, { 0x20000, 0x10000, AV });
	assert_int_equal(memrange_subtract(m, &n, 3, 0x1000, 0x1000), 0);
	assert_int_equal(n, 3);
	assert_int_equal(memrange_subtract(m, &n, 3, 0x21000, 0x1000), -E2BIG);
	assert_int_equal(n, 3);
}

static void test_subtract_top_of_space(void **state)
{
	struct mem_range m[4] = {
		{ TOP - 0x10000, 0x11000, RS }, /* ends exactly at 2^64 */
		{ 0, ~0ULL, AV },		/* everything but the last byte */
	};
	unsigned int n = 2;

	(void)state;
	assert_int_equal(memrange_subtract(m, &n, 4, TOP - 0x8000, ~0ULL), 0);
	EXPECT(m, n, { TOP - 0x10000, 0x8000, RS }, { 0, TOP - 0x8000, AV });
	/* a hole from 0 of length 2^64-1 leaves only the last byte of a full range */
	m[0] = (struct mem_range){ TOP, 0x1000, AV };
	n = 1;
	assert_int_equal(memrange_subtract(m, &n, 4, 0, ~0ULL), 0);
	EXPECT(m, n, { ~0ULL, 1, AV });
	/* an input range that wraps is treated as ending at 2^64 */
	m[0] = (struct mem_range){ TOP, 0x5000, AV };
	n = 1;
	assert_int_equal(memrange_subtract(m, &n, 4, TOP + 0x800, 0x100), 0);
	EXPECT(m, n, { TOP, 0x800, AV }, { TOP + 0x900, 0x700, AV });
}

/* ---- sort / normalise ---- */

static void test_sort_stable(void **state)
{
	struct mem_range m[] = {
		{ 30, 1, 1 }, { 10, 1, 1 }, { 20, 1, 7 },    { 10, 2, 2 },
		{ 0, 5, 3 },  { 20, 1, 8 }, { ~0ULL, 1, 4 },
	};

	(void)state;
	memrange_sort(m, ARRAY_SIZE(m));
	EXPECT(m, ARRAY_SIZE(m), { 0, 5, 3 }, { 10, 1, 1 }, { 10, 2, 2 }, { 20, 1, 7 },
	       { 20, 1, 8 }, { 30, 1, 1 }, { ~0ULL, 1, 4 });
}

static void test_normalise_firmware_map(void **state)
{
	/* unsorted, overlapping, adjacent, empty, as buggy firmware does */
	struct mem_range m[16] = {
		{ 0x100000, 0x7ff00000, AV },
		{ 0x0, 0x9fc00, AV },
		{ 0x9f000, 0x1000, RS }, /* overlaps the end of low RAM */
		{ 0xe0000, 0x20000, RS },
		{ 0x80000000, 0x1000, AV },		 /* adjacent to RAM: merged */
		{ 0x200000, 0x0, RS },			 /* empty: dropped */
		{ 0x7f000000, 0x100000, MEMRANGE_ACPI }, /* inside RAM */
		{ 0x7f080000, 0x1000, MEMRANGE_NVS },	 /* inside the ACPI one */
		{ 0xa0000, 0x40000, RS },		 /* overlaps/adjacent other reserved */
		{ 0x40000000, 0x2000, MEMRANGE_BAD },
		{ 0x40001000, 0x2000, RS }, /* bad RAM beats reserved */
	};
	unsigned int n = 11;

	(void)state;
	memrange_normalise(m, &n, 16);
	EXPECT(m, n, { 0x0, 0x9f000, AV }, { 0x9f000, 0x61000, RS }, { 0x100000, 0x3ff00000, AV },
	       { 0x40000000, 0x2000, MEMRANGE_BAD }, { 0x40002000, 0x1000, RS },
	       { 0x40003000, 0x3effd000, AV }, { 0x7f000000, 0x80000, MEMRANGE_ACPI },
	       { 0x7f080000, 0x1000, MEMRANGE_NVS }, { 0x7f081000, 0x7f000, MEMRANGE_ACPI },
	       { 0x7f100000, 0xf01000, AV });
	/* idempotent */
	memrange_normalise(m, &n, 16);
	assert_int_equal(n, 10);
	assert_int_equal(m[9].len, 0xf01000);
}

static void test_normalise_unknown_types_and_top(void **state)
{
	struct mem_range m[8] = {
		{ 0x1000, 0x3000, 12 },
		{ 0x2000, 0x1000, 7 }, /* weaker unknown type inside 12 */
		{ 0x0, 0x10000, RS },  /* unknown types beat reserved */
		{ TOP, 0x2000, AV },   /* wraps: clamped to 2^64 */
		{ 0x8000000000000000ULL, 0x8000000000000000ULL, AV },
	};
	unsigned int n = 5;

	(void)state;
	memrange_normalise(m, &n, 8);
	EXPECT(m, n, { 0x0, 0x1000, RS }, { 0x1000, 0x3000, 12 }, { 0x4000, 0xc000, RS },
	       { 0x8000000000000000ULL, 0x8000000000000000ULL, AV });
	/* merging into a range covering all 2^64 bytes drops the last byte */
	m[0] = (struct mem_range){ 0, 0x8000000000000000ULL, AV };
	m[1] = (struct mem_range){ 0x8000000000000000ULL, 0x8000000000000000ULL, AV };
	n = 2;
	memrange_normalise(m, &n, 8);
	EXPECT(m, n, { 0, ~0ULL, AV });
}

static void test_normalise_cap_never_exposes(void **state)
{
	/* three holes in one RAM range need three extra entries; only one fits */
	struct mem_range m[5] = {
		{ 0x0, 0x100000, AV },
		{ 0x10000, 0x1000, RS },
		{ 0x80000, 0x1000, RS },
		{ 0x90000, 0x1000, RS },
	};
	unsigned int n = 4;

	(void)state;
	harness_log_clear();
	memrange_normalise(m, &n, 5);
	assert_non_null(strstr(harness_log(), "map full"));
	assert_true(n <= 5);
	/* no reserved byte became available, and the reserved ranges survive */
	for (unsigned int i = 0; i < n; i++)
		if (m[i].type == AV) {
			assert_false(ranges_overlap(m[i].base, m[i].len, 0x10000, 0x1000));
			assert_false(ranges_overlap(m[i].base, m[i].len, 0x80000, 0x1000));
			assert_false(ranges_overlap(m[i].base, m[i].len, 0x90000, 0x1000));
		}
	assert_true(memrange_contains(m, n, RS, 0x10000, 0x1000));
	assert_true(memrange_contains(m, n, RS, 0x80000, 0x1000));
	assert_true(memrange_contains(m, n, RS, 0x90000, 0x1000));
}

/* ---- find_top / contains ---- */

static const struct mem_range qmap[] = {
	{ 0x0, 0x9fc00, AV },	     { 0x9fc00, 0x400, RS },
	{ 0xf0000, 0x10000, RS },    { 0x100000, 0x3fee0000, AV }, /* up to 0x3ffe0000 */
	{ 0x3ffe0000, 0x20000, RS }, { 0xfffc0000, 0x40000, RS },
};

static void test_find_top_basic(void **state)
{
	const struct mem_range hv = { 0x100000, 0x200000, 0 }; /* the image */
	const struct mem_range mods[] = { { 0x3fc00000, 0x100000, 0 }, { 0x3f000000, 0x10, 0 } };
	u64 out = 0;

	(void)state;
	assert_int_equal(memrange_find_top(qmap, 6, AV, MiB(64), MiB(2), GiB(4), &hv, 1, &out), 0);
	assert_int_equal(out, 0x3be00000); /* 2M-aligned, ends <= 0x3ffe0000 */
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0x1000, 0x1000, GiB(4), NULL, 0, &out), 0);
	assert_int_equal(out, 0x3ffdf000);
	/* limit */
	assert_int_equal(memrange_find_top(qmap, 6, AV, MiB(1), MiB(1), MiB(16) + 1, NULL, 0, &out),
			 0);
	assert_int_equal(out, MiB(15));
	/* avoid ranges push it down; the 16-byte one costs a whole 2M slot */
	assert_int_equal(memrange_find_top(qmap, 6, AV, MiB(2), MiB(2), GiB(4), mods, 2, &out), 0);
	assert_int_equal(out, 0x3fa00000);
	assert_int_equal(memrange_find_top(qmap, 6, AV, MiB(12), MiB(2), GiB(4), mods, 2, &out), 0);
	assert_int_equal(out, 0x3f000000 - MiB(12));
	/* falls back to low memory when high RAM is excluded */
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0x10000, 0x1000, GiB(4),
					   &(struct mem_range){ 0x100000, 0x3fee0000, 0 }, 1, &out),
			 0);
	assert_int_equal(out, 0x8f000);
	/* too big, nothing under the limit, bad arguments */
	assert_int_equal(memrange_find_top(qmap, 6, AV, GiB(1), 0x1000, GiB(4), NULL, 0, &out),
			 -ENOMEM);
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0x1000, 0x1000, 0xfff, NULL, 0, &out),
			 -ENOMEM);
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0x1000, 0x1000, 0x1000, NULL, 0, &out), 0);
	assert_int_equal(out, 0);
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0, 0x1000, GiB(4), NULL, 0, &out), -EINVAL);
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0x1000, 0x3000, GiB(4), NULL, 0, &out),
			 -EINVAL);
	/* align 0 means 1 */
	assert_int_equal(memrange_find_top(qmap, 6, AV, 0x123, 0, 0x9fc01, NULL, 0, &out), 0);
	assert_int_equal(out, 0x9fc00 - 0x123);
}

static void test_find_top_overlapping_types(void **state)
{
	/* unnormalised: reserved inside RAM must not be handed out */
	const struct mem_range m[] = {
		{ 0x0, 0x100000, AV },
		{ 0xf8000, 0x2000, RS },
	};
	u64 out;

	(void)state;
	assert_int_equal(memrange_find_top(m, 2, AV, 0x4000, 0x1000, ~0ULL, NULL, 0, &out), 0);
	assert_int_equal(out, 0xfc000);
	assert_int_equal(memrange_find_top(m, 2, AV, 0x8000, 0x1000, ~0ULL, NULL, 0, &out), 0);
	assert_int_equal(out, 0xf0000);
}

static void test_find_top_at_2_64(void **state)
{
	const struct mem_range m[] = { { TOP - MiB(4), MiB(4) + 0x1000, AV } };
	u64 out;

	(void)state;
	assert_int_equal(memrange_find_top(m, 1, AV, MiB(2), MiB(2), ~0ULL, NULL, 0, &out), 0);
	assert_int_equal(out, (0ULL - MiB(4)) + 0); /* [2^64-4M, 2^64-2M) */
	assert_int_equal(memrange_find_top(m, 1, AV, 0x1000, 0x1000, ~0ULL, NULL, 0, &out), 0);
	assert_int_equal(out, TOP - 0x1000); /* the last page would need limit 2^64 */
}

static void test_contains(void **state)
{
	const struct mem_range m[] = {
		{ 0x1000, 0x1000, AV }, { 0x2000, 0x1000, AV }, /* adjacent */
		{ 0x2800, 0x2000, AV },				/* overlapping */
		{ 0x6000, 0x1000, AV },				/* after a gap */
		{ 0x5000, 0x1000, RS }, { TOP, 0x1000, AV },
	};

	(void)state;
	assert_true(memrange_contains(m, 6, AV, 0x1000, 0x1000));
	assert_true(memrange_contains(m, 6, AV, 0x1800, 0x3000));
	assert_true(memrange_contains(m, 6, AV, 0x1000, 0x3800));
	assert_false(memrange_contains(m, 6, AV, 0x1000, 0x3801));
	assert_false(memrange_contains(m, 6, AV, 0x4000, 0x3000));
	assert_false(memrange_contains(m, 6, AV, 0x800, 0x1000));
	assert_false(memrange_contains(m, 6, RS, 0x1000, 0x10));
	assert_true(memrange_contains(m, 6, RS, 0x5000, 0x1000));
	assert_false(memrange_contains(m, 6, AV, 0x1000, 0));
	assert_true(memrange_contains(m, 6, AV, TOP, 0x1000));
	assert_true(memrange_contains(m, 6, AV, ~0ULL, 1));
	assert_false(memrange_contains(m, 6, AV, TOP, 0x1001)); /* wraps */
	assert_int_equal(memrange_total(m, 6, AV), 0x6000);
}

/* The boot flow on the map GRUB reported on QEMU q35 (tests/data/mbi). */
static void test_boot_flow_qemu_q35(void **state)
{
	struct mem_range m[16] = {
		{ 0x0, 0x9fc00, AV },
		{ 0x9fc00, 0x400, RS },
		{ 0xf0000, 0x10000, RS },
		{ 0x100000, 0x3fedf000, AV },
		{ 0x3ffdf000, 0x21000, RS },
		{ 0xb0000000, 0x10000000, RS },
		{ 0xfed1c000, 0x4000, RS },
		{ 0xfffc0000, 0x40000, RS },
		{ 0xfd00000000ULL, 0x300000000ULL, RS },
	};
	const struct mem_range avoid[] = {
		{ 0, MiB(1), 0 },	  /* real-mode area, AP trampoline */
		{ 0x200000, 0x80000, 0 }, /* hypervisor image */
		{ 0x1002e0, 0x358, 0 },	  /* the multiboot2 structure */
		{ 0x101000, 0x11170, 0 }, /* modules */
		{ 0x113000, 0x3039, 0 },
	};
	unsigned int n = 9;
	u64 pool;

	(void)state;
	memrange_normalise(m, &n, 16);
	assert_int_equal(n, 9);
	assert_int_equal(memrange_find_top(m, n, AV, MiB(64), MiB(2), GiB(4), avoid,
					   ARRAY_SIZE(avoid), &pool),
			 0);
	assert_int_equal(pool, 0x3be00000);
	assert_true(memrange_contains(m, n, AV, pool, MiB(64)));
	/* carve it out of what the guest will see as RAM */
	assert_int_equal(memrange_subtract(m, &n, 16, pool, MiB(64)), 0);
	assert_false(memrange_contains(m, n, AV, pool, 0x1000));
	assert_true(memrange_contains(m, n, AV, 0x100000, pool - 0x100000));
	assert_true(memrange_contains(m, n, AV, pool + MiB(64), 0x3ffdf000 - pool - MiB(64)));
	assert_int_equal(memrange_total(m, n, AV), 0x9fc00 + 0x3fedf000 - MiB(64));
	/* too big for this machine */
	assert_int_equal(memrange_find_top(m, n, AV, GiB(1), MiB(2), GiB(4), avoid,
					   ARRAY_SIZE(avoid), &pool),
			 -ENOMEM);
}

/* ---- randomized against a byte paint of a 64-byte universe ---- */

#define U 64
#define NONE 0

static int cls(u32 t)
{
	switch (t) {
	case AV:
		return 0;
	case MEMRANGE_ACPI:
		return 1;
	case MEMRANGE_NVS:
		return 2;
	case RS:
		return 3;
	case MEMRANGE_BAD:
		return 5;
	default:
		return 4;
	}
}

static bool stronger(u32 a, u32 b)
{
	return cls(a) != cls(b) ? cls(a) > cls(b) : a > b;
}

/* paint[x] = strongest type covering byte origin + x (NONE if none) */
static void paint(const struct mem_range *m, unsigned int n, u64 origin, u32 *p)
{
	memset(p, 0, U * sizeof(*p));
	for (unsigned int i = 0; i < n; i++)
		for (u64 x = 0; x < U; x++) {
			u64 a = origin + x;

			if (a >= m[i].base && a - m[i].base < m[i].len &&
			    (p[x] == NONE || stronger(m[i].type, p[x])))
				p[x] = m[i].type;
		}
}

static void random_map(struct mem_range *m, unsigned int n, u64 origin)
{
	static const u32 types[] = { AV, AV, AV, RS, MEMRANGE_ACPI, MEMRANGE_NVS, MEMRANGE_BAD, 9 };

	for (unsigned int i = 0; i < n; i++) {
		u64 b = (u64)(rand() % U), l = (u64)(rand() % 20);

		if (b + l > U)
			l = U - b;
		m[i] = (struct mem_range){ origin + b, l, types[rand() % ARRAY_SIZE(types)] };
	}
}

static void test_random_normalise_subtract(void **state)
{
	static const u64 origins[] = { 0, 0ULL - U, 0x100000000ULL };

	(void)state;
	srand(42);
	for (int iter = 0; iter < 6000; iter++) {
		u64 origin = origins[iter % 3];
		struct mem_range m[40], orig[40];
		unsigned int n = 1 + (unsigned int)rand() % 12, cap = 40, i;
		u32 want[U], got[U];

		if (iter % 5 == 0)
			cap = n + (unsigned int)rand() % 3; /* tight: forces drops */
		random_map(m, n, origin);
		memcpy(orig, m, sizeof(m));
		paint(m, n, origin, want);
		memrange_normalise(m, &n, cap);
		assert_true(n <= cap);
		paint(m, n, origin, got);
		for (i = 0; i < n; i++) {
			assert_true(m[i].len > 0);
			if (i + 1 < n) {
				/* sorted, disjoint, same types never touch */
				assert_true(m[i + 1].base - m[i].base >= m[i].len);
				if (m[i + 1].base - m[i].base == m[i].len)
					assert_true(m[i].type != m[i + 1].type);
			}
		}
		for (i = 0; i < U; i++) {
			if (cap == 40)
				assert_int_equal(got[i], want[i]);
			else /* drops only ever make holes */
				assert_true(got[i] == want[i] || got[i] == NONE);
		}

		/* subtract a random hole from the normalised map */
		if (cap == 40) {
			u64 hb = (u64)(rand() % U), hl = (u64)(rand() % 30);
			unsigned int before = n;

			if (memrange_subtract(m, &n, 40, origin + hb, hl) == 0) {
				paint(m, n, origin, got);
				for (i = 0; i < U; i++)
					assert_int_equal(got[i],
							 i >= hb && i < hb + hl ? NONE : want[i]);
			} else {
				assert_int_equal(n, before);
			}
		}
		(void)orig;
	}
}

static void test_random_find_top(void **state)
{
	static const u64 origins[] = { 0, 0ULL - U };

	(void)state;
	srand(7);
	for (int iter = 0; iter < 20000; iter++) {
		u64 origin = origins[iter % 2];
		struct mem_range m[8], av[3];
		unsigned int n = 1 + (unsigned int)rand() % 8;
		unsigned int na = (unsigned int)rand() % 4;
		u64 size = 1 + (u64)(rand() % 12), align = 1ULL << (rand() % 4);
		u64 limit = origin + (u64)(rand() % (U + 1)), out = 0, want = 0;
		bool found = false;
		int rc;

		if (origin && limit == 0)
			limit = ~0ULL; /* universe ends at 2^64 */
		random_map(m, n, origin);
		random_map(av, na, origin);
		/* brute force: highest aligned start whose block is all AV in
		 * one range, touches no other type, avoids av, fits the limit */
		for (u64 x = U; x-- > 0 && !found;) {
			u64 a = origin + x;
			bool ok = (a & (align - 1)) == 0 && x + size <= U &&
				  a + size - 1 < limit; /* end <= limit */

			for (unsigned int k = 0; ok && k < na; k++)
				ok = !ranges_overlap(a, size, av[k].base, av[k].len);
			for (unsigned int k = 0; ok && k < n; k++)
				ok = m[k].type == AV ||
				     !ranges_overlap(a, size, m[k].base, m[k].len);
			if (!ok)
				continue;
			for (unsigned int k = 0; !found && k < n; k++)
				found = m[k].type == AV &&
					range_within(a, size, m[k].base, m[k].len);
			want = a;
		}
		rc = memrange_find_top(m, n, AV, size, align, limit, av, na, &out);
		if (found) {
			assert_int_equal(rc, 0);
			assert_int_equal(out, want);
		} else {
			assert_int_equal(rc, -ENOMEM);
		}
	}
}

static void test_random_contains(void **state)
{
	(void)state;
	srand(99);
	for (int iter = 0; iter < 20000; iter++) {
		u64 origin = iter % 2 ? 0ULL - U : 0x5000;
		struct mem_range m[8];
		unsigned int n = 1 + (unsigned int)rand() % 8;
		u64 b = (u64)(rand() % U), l = (u64)(rand() % 24);
		bool want = l > 0 && b + l <= U;

		random_map(m, n, origin);
		for (u64 x = b; want && x < b + l; x++) {
			bool cov = false;

			for (unsigned int k = 0; k < n && !cov; k++)
				cov = m[k].type == AV && origin + x >= m[k].base &&
				      origin + x - m[k].base < m[k].len;
			want = cov;
		}
		if (b + l > U && origin)
			want = false; /* would wrap past 2^64 */
		else if (b + l > U)
			continue;
		assert_int_equal(memrange_contains(m, n, AV, origin + b, l), want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subtract_cases),
		cmocka_unit_test(test_subtract_e2big_leaves_map),
		cmocka_unit_test(test_subtract_top_of_space),
		cmocka_unit_test(test_sort_stable),
		cmocka_unit_test(test_normalise_firmware_map),
		cmocka_unit_test(test_normalise_unknown_types_and_top),
		cmocka_unit_test(test_normalise_cap_never_exposes),
		cmocka_unit_test(test_find_top_basic),
		cmocka_unit_test(test_find_top_overlapping_types),
		cmocka_unit_test(test_find_top_at_2_64),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_boot_flow_qemu_q35),
		cmocka_unit_test(test_random_normalise_subtract),
		cmocka_unit_test(test_random_find_top),
		cmocka_unit_test(test_random_contains),
	};
	return HARNESS_RUN(tests);
}
