// SPDX-License-Identifier: MIT
/*
 * Hostile guest tables against viommu/walk.c + viommu/shadow.c, as
 * guest/tools/vtdhostile builds them in the integration suites: a sparse
 * tree (one shared L2 and L1 table behind every entry: one page in every
 * 2 MiB of the address space, from three guest pages) and a table that
 * loops onto itself at every level. The work of one invalidation must stay
 * bounded (VIOMMU_WALK_RANGE_BUDGET guest reads per walk), the shadow must
 * stay consistent, and nothing outside guest RAM may be mapped.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "tests/unit/viommu_shadow_bed.h"

static struct bed bed;
static struct bed *b = &bed;

static int bed_teardown(void **state)
{
	(void)state;
	bed_free(b);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define DATA_GPA 0x200000ULL

/* L4 (the context's) -> every L3 entry -> one L3 table -> every entry -> one
 * L2 table -> every entry -> one L1 table whose entry 0 maps DATA_GPA. */
static void build_sparse(unsigned int l4_entries)
{
	gpa_t l3 = fake_guest_alloc_table(&b->g), l2 = fake_guest_alloc_table(&b->g),
	      l1 = fake_guest_alloc_table(&b->g);

	for (unsigned int i = 0; i < 512; i++) {
		if (i < l4_entries)
			fake_guest_write64(&b->g, b->g.slpt_gpa + 8 * i, l3 | 3);
		fake_guest_write64(&b->g, l3 + 8 * i, l2 | 3);
		fake_guest_write64(&b->g, l2 + 8 * i, l1 | 3);
	}
	fake_guest_write64(&b->g, l1, DATA_GPA | 3);
}

static void check_bounded_walk(int (*call)(void), const char *what)
{
	u64 reads0 = b->g.reads;
	double t0 = now_s(), dt;

	(void)call();
	dt = now_s() - t0;
	/* at most one budget of reads per walk pass (two passes at most) */
	assert_true(b->g.reads - reads0 <= 2ULL * VIOMMU_WALK_RANGE_BUDGET + 64);
	print_message("# %s: %llu guest reads, %llu maps, %.3f s\n", what,
		      (unsigned long long)(b->g.reads - reads0),
		      (unsigned long long)b->st.shadow_maps, dt);
	assert_true(dt < 5.0);
}

static int call_ctx(void)
{
	/* a new second-level root: the context changed */
	return bed_ctx(b, true);
}

static int call_global(void)
{
	return bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0);
}

static void test_sparse_tree_bounded(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 65536);
	build_sparse(512);
	check_bounded_walk(call_global, "sparse, global IOTLB");
	assert_true(b->st.walk_faults >= 1); /* ran out of budget: reported */
	check_bounded_walk(call_global, "sparse, global IOTLB again");
	/* every page the shadow holds maps the one data page */
	bed_expect_phys_within_guest(b);
	bed_expect_record_is_phys(b);
}

/*
 * An invalidation whose walk runs out of budget is done, not "not yet":
 * the pages it did not reach stay unmapped (they fault, safely), and the
 * caller must not be told to retry (viommu/iq.h: a hook's negative errno
 * stops the queue AT the descriptor, and the retry would run out again:
 * the guest's queue stalled for good in qemu-hostile with sparse=512).
 * The same -ENOMEM as for full storage: pages could not be shadowed.
 */
static void test_sparse_tree_no_retry(void **state)
{
	int rc;

	(void)state;
	bed_init(b, 0, 0, 65536);
	build_sparse(512);
	rc = bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0);
	assert_int_equal(rc, -ENOMEM);
	assert_int_equal(b->st.walk_faults, 1);
	rc = bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID, 0, 0);
	assert_int_equal(rc, -ENOMEM);
	/* a context change over the same tree: the same answer */
	fake_guest_set_context_raw(&b->g, BED_SID, VTD_CTX_LO_P | b->g.slpt_gpa,
				   FIELD_PREP(VTD_CTX_HI_AW, VTD_AW_48BIT) |
					   FIELD_PREP(VTD_CTX_HI_DID, BED_DID + 1));
	assert_int_equal(bed_ctx(b, true), -ENOMEM);
	bed_expect_phys_within_guest(b);
	bed_expect_record_is_phys(b);
}

/*
 * Without a physical IOMMU every translated or faulting context the guest
 * makes current is refused with a warning. A hostile guest can do that as
 * fast as it can write GCMD: the warning must be rate-limited (it went to
 * the shared console once per refusal, tearing the guest's own lines in
 * bochs-hostile), while every refusal is still returned and counted.
 */
static void test_refusal_warning_limited(void **state)
{
	const char *log, *p;
	unsigned int lines = 0;

	(void)state;
	bed_init_raw(b, 0, 0, 256, false);
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 4, VTD_TT_UNTRANSLATED);
	harness_log_clear();
	for (int i = 0; i < 1000; i++)
		assert_int_equal(bed_ctx(b, true), VTD_FR_CTX_INVALID);
	log = harness_log();
	for (p = log; (p = strstr(p, "refused")) != NULL; p++)
		lines++;
	assert_true(lines >= 1);
	assert_true(lines <= 11); /* 1st, 2nd, 4th, ... 512th */
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_IDENTITY);
}

static void test_loop_tree_bounded(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 65536);
	for (unsigned int i = 0; i < 512; i++)
		fake_guest_write64(&b->g, b->g.slpt_gpa + 8 * i, b->g.slpt_gpa | 3);
	check_bounded_walk(call_global, "loop, global IOTLB");
	assert_true(b->st.walk_faults >= 1);
	bed_expect_phys_within_guest(b);
	bed_expect_record_is_phys(b);
	(void)call_ctx;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sparse_tree_bounded, bed_teardown),
		cmocka_unit_test_teardown(test_sparse_tree_no_retry, bed_teardown),
		cmocka_unit_test_teardown(test_loop_tree_bounded, bed_teardown),
		cmocka_unit_test_teardown(test_refusal_warning_limited, bed_teardown),
	};

	harness_init();

	return cmocka_run_group_tests(tests, NULL, NULL);
}
