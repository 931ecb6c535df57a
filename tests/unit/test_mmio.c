// SPDX-License-Identifier: MIT
/*
 * vmm/mmio.c, the emulated-MMIO registry: registration order and lookup,
 * overlap in every arrangement (adjacent is fine), invalid and wrapping
 * ranges, a full table, and dispatch only for accesses wholly inside one
 * region (edges, straddles, two adjacent regions, the top of the space).
 */
#include "tests/unit/harness.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "vmm/mmio.h"

struct probe {
	unsigned int calls, via_a, via_b;
	struct mmio_access last;
	enum mmio_result answer;
	u64 read_value;
};

static struct probe pa, pb;

static enum mmio_result handler(void *arg, struct mmio_access *a)
{
	struct probe *p = arg;

	p->calls++;
	p->last = *a;
	if (!a->write)
		a->value = p->read_value;
	return p->answer;
}

/* Two handler functions, so a mixed-up fn/arg pair shows. */
static enum mmio_result handler_a(void *arg, struct mmio_access *a)
{
	((struct probe *)arg)->via_a++;
	return handler(arg, a);
}

static enum mmio_result handler_b(void *arg, struct mmio_access *a)
{
	((struct probe *)arg)->via_b++;
	return handler(arg, a);
}

static int reset(void **state)
{
	(void)state;
	mmio_reset_for_tests();
	pa = (struct probe){ .answer = MMIO_HANDLED, .read_value = 0xaaaa5555aaaa5555ULL };
	pb = (struct probe){ .answer = MMIO_HANDLED, .read_value = 0xb0b0 };
	return 0;
}

static int reg(gpa_t start, u64 size, struct probe *p, const char *name)
{
	return mmio_region_register(start, size, p == &pb ? handler_b : handler_a, p, name);
}

static void test_register_and_get(void **state)
{
	gpa_t start = 1;
	u64 size = 2;
	const char *name = "unchanged";

	(void)state;
	assert_int_equal(mmio_region_count(), 0);
	assert_false(mmio_region_get(0, &start, &size, &name));
	assert_int_equal(reg(0xfed90000, 0x1000, &pa, "viommu"), 0);
	assert_int_equal(reg(0xfee00000, 0x100000, &pb, "lapic"), 0);
	assert_int_equal(reg(0x100000000ULL, GiB(1), &pa, "high"), 0);
	assert_int_equal(mmio_region_count(), 3);
	assert_true(mmio_region_get(1, &start, &size, &name));
	assert_int_equal(start, 0xfee00000);
	assert_int_equal(size, 0x100000);
	assert_string_equal(name, "lapic");
	assert_true(mmio_region_get(2, &start, &size, &name));
	assert_int_equal(start, 0x100000000ULL);
	assert_int_equal(size, GiB(1));
	assert_string_equal(name, "high");
	assert_true(mmio_region_get(0, &start, &size, &name));
	assert_string_equal(name, "viommu");
	/* out of range: false, outputs left alone */
	start = 7;
	assert_false(mmio_region_get(3, &start, &size, &name));
	assert_false(mmio_region_get(~0u, &start, &size, &name));
	assert_int_equal(start, 7);
}

static void test_overlap(void **state)
{
	static const struct {
		gpa_t start;
		u64 size;
	} clash[] = {
		{ 0x10000, 0x1000 },		     /* same */
		{ 0xf000, 0x1001 },		     /* last byte of the new one on the first */
		{ 0x10fff, 0x1000 },		     /* first byte on the last */
		{ 0xf000, 0x3000 },		     /* around */
		{ 0x10800, 0x10 },		     /* inside */
		{ 0x10000, 1 },	     { 0x0, ~0ULL }, /* everything */
	};

	(void)state;
	assert_int_equal(reg(0x10000, 0x1000, &pa, "a"), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(clash); i++)
		assert_int_equal(reg(clash[i].start, clash[i].size, &pb, "x"), -EEXIST);
	assert_int_equal(mmio_region_count(), 1);
	/* touching on either side is not overlapping */
	assert_int_equal(reg(0xf000, 0x1000, &pb, "below"), 0);
	assert_int_equal(reg(0x11000, 0x1000, &pb, "above"), 0);
	assert_int_equal(mmio_region_count(), 3);
	assert_int_equal(reg(0xe000, 0x4000, &pb, "x"), -EEXIST);
}

static void test_invalid(void **state)
{
	(void)state;
	assert_int_equal(reg(0x1000, 0, &pa, "empty"), -EINVAL);
	assert_int_equal(reg(0, 0, &pa, "empty"), -EINVAL);
	assert_int_equal(mmio_region_register(0x1000, 0x1000, NULL, &pa, "nofn"), -EINVAL);
	/* [start, start + size) must not wrap past 2^64 */
	assert_int_equal(reg(~0ULL - 0xfff, 0x2000, &pa, "wraps"), -EINVAL);
	assert_int_equal(reg(~0ULL, 2, &pa, "wraps"), -EINVAL);
	assert_int_equal(reg(2, ~0ULL, &pa, "wraps"), -EINVAL);
	assert_int_equal(mmio_region_count(), 0);
	/* ending exactly at 2^64 is a range; so is the last byte */
	assert_int_equal(reg(~0ULL - 0xfff, 0x1000, &pa, "top"), 0);
	assert_int_equal(reg(~0ULL - 0x1fff, 0x1000, &pb, "below top"), 0);
	assert_int_equal(reg(~0ULL - 0x2000, 2, &pb, "x"), -EEXIST);
	assert_int_equal(mmio_region_count(), 2);
}

static void test_full(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++)
		assert_int_equal(reg(0xe0000000ULL + i * 0x10000ULL, 0x1000, &pa, "r"), 0);
	assert_int_equal(reg(0x1000, 0x1000, &pb, "one too many"), -E2BIG);
	assert_int_equal(mmio_region_count(), MMIO_MAX_REGIONS);
	/* all of them dispatch, the rejected one does not */
	for (unsigned int i = 0; i < MMIO_MAX_REGIONS; i++) {
		struct mmio_access a = { .gpa = 0xe0000ff8ULL + i * 0x10000ULL, .size = 8 };
		enum mmio_result res = MMIO_ERROR;

		assert_true(mmio_dispatch(&a, &res));
		assert_int_equal(res, MMIO_HANDLED);
	}
	struct mmio_access a = { .gpa = 0x1000, .size = 4 };
	enum mmio_result res = MMIO_ERROR;

	assert_false(mmio_dispatch(&a, &res));
	assert_int_equal(pb.calls, 0);
	assert_int_equal(pa.calls, MMIO_MAX_REGIONS);
}

/* Dispatch one access; returns whether a region took it. */
static bool mmio_try(gpa_t gpa, unsigned int size, bool write, u64 value, enum mmio_result *res,
		     u64 *out)
{
	struct mmio_access a = { .gpa = gpa, .size = size, .write = write, .value = value };
	bool hit;

	*res = (enum mmio_result)77;
	hit = mmio_dispatch(&a, res);
	*out = a.value;
	return hit;
}

static void test_dispatch(void **state)
{
	enum mmio_result res;
	u64 v;

	(void)state;
	assert_int_equal(reg(0xfed90000, 0x1000, &pa, "a"), 0);
	assert_int_equal(reg(0xfed91000, 0x1000, &pb, "b"), 0);

	/* a read at the first byte: the handler's value comes back */
	assert_true(mmio_try(0xfed90000, 1, false, 0, &res, &v));
	assert_int_equal(res, MMIO_HANDLED);
	assert_int_equal(v, 0xaaaa5555aaaa5555ULL);
	assert_int_equal(pa.calls, 1);
	assert_int_equal(pa.last.gpa, 0xfed90000);
	assert_int_equal(pa.last.size, 1);
	assert_false(pa.last.write);
	/* a write at the last qword: value and direction passed through */
	assert_true(mmio_try(0xfed90ff8, 8, true, 0x1122334455667788ULL, &res, &v));
	assert_int_equal(pa.calls, 2);
	assert_true(pa.last.write);
	assert_int_equal(pa.last.value, 0x1122334455667788ULL);
	assert_int_equal(pa.last.size, 8);
	/* adjacent regions: each access goes to its own owner */
	assert_true(mmio_try(0xfed90fff, 1, false, 0, &res, &v));
	assert_int_equal(pa.calls, 3);
	assert_true(mmio_try(0xfed91000, 4, false, 0, &res, &v));
	assert_int_equal(pb.calls, 1);
	assert_int_equal(v, 0xb0b0);
	/* the handler's verdict is returned */
	pb.answer = MMIO_ERROR;
	assert_true(mmio_try(0xfed91ffc, 4, true, 1, &res, &v));
	assert_int_equal(res, MMIO_ERROR);
	assert_int_equal(pb.calls, 2);

	/* not wholly inside one region: nobody is called, res untouched */
	static const struct {
		gpa_t gpa;
		unsigned int size;
	} miss[] = {
		{ 0xfed8ffff, 1 }, { 0xfed8fffc, 8 }, { 0xfed90ffc, 8 }, { 0xfed91ffe, 4 },
		{ 0xfed92000, 1 }, { 0, 8 },	      { ~0ULL, 1 },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(miss); i++) {
		assert_false(mmio_try(miss[i].gpa, miss[i].size, false, 0, &res, &v));
		assert_int_equal(res, 77);
	}
	assert_int_equal(pa.calls, 3);
	assert_int_equal(pb.calls, 2);
	assert_int_equal(pa.via_a, 3);
	assert_int_equal(pb.via_b, 2);
	assert_int_equal(pa.via_b + pb.via_a, 0);
}

static void test_dispatch_top(void **state)
{
	enum mmio_result res;
	u64 v;

	(void)state;
	assert_int_equal(reg(~0ULL - 0xfff, 0x1000, &pa, "top"), 0);
	assert_true(mmio_try(~0ULL - 7, 8, false, 0, &res, &v));
	assert_true(mmio_try(~0ULL, 1, false, 0, &res, &v));
	assert_true(mmio_try(~0ULL - 0xfff, 2, false, 0, &res, &v));
	assert_int_equal(pa.calls, 3);
	/* an access running past 2^64 is not inside */
	assert_false(mmio_try(~0ULL - 3, 8, false, 0, &res, &v));
	assert_false(mmio_try(~0ULL - 0x1000, 2, false, 0, &res, &v));
	assert_int_equal(pa.calls, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_register_and_get, reset),
		cmocka_unit_test_setup(test_overlap, reset),
		cmocka_unit_test_setup(test_invalid, reset),
		cmocka_unit_test_setup(test_full, reset),
		cmocka_unit_test_setup(test_dispatch, reset),
		cmocka_unit_test_setup(test_dispatch_top, reset),
	};

	return HARNESS_RUN(tests);
}
