// SPDX-License-Identifier: MIT
/*
 * viommu/shadow.c against a fake guest (real VT-d tables in fake RAM, walked
 * by viommu/walk.c) and a fake physical unit with an IOTLB model: strict
 * mode, optimistic teardown (defer, revive, replace, rights, expiry, cap),
 * global/domain/page invalidations, context changes, no physical IOMMU,
 * full storage and failing physical calls. Every shadow call is checked to
 * leave nothing unflushed (bed_inv & co).
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "tests/unit/viommu_shadow_bed.h"

#define PG(n) ((u64)(n)*PAGE_SIZE)
#define IOVA(n) (0x10000000ULL + PG(n))
#define GPA(n) (0x200000ULL + PG(n))
#define GPA_2M 0x4000000ULL /* 2 MiB aligned guest RAM */
#define IOVA_2M 0x80000000ULL

static struct bed bed;
static struct bed *b = &bed;

static int bed_teardown(void **state)
{
	(void)state;
	bed_free(b);
	return 0;
}

static void test_strict_map_unmap(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 256);
	bed_map(b, IOVA(0), GPA(0), PG(1), true, true);
	bed_map(b, IOVA(1), GPA(7), PG(1), true, false);
	bed_map(b, IOVA(5), GPA(3), PG(1), false, true);
	assert_int_equal(b->p.maps, 3);
	assert_int_equal(b->p.flushes, 0); /* new entries need no flush */
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	bed_expect_phys(b, IOVA(1), GPA(7), true, false);
	bed_expect_phys(b, IOVA(5), GPA(3), false, true);
	assert_int_equal(b->p.nr, 3);
	assert_true(viommu_shadow_check(&b->s, b->now));

	for (unsigned int i = 0; i < 3; i++) {
		iova_t iova = i == 0 ? IOVA(0) : i == 1 ? IOVA(5) : IOVA(1);

		bed_unmap(b, iova, PG(1));
		bed_expect_no_phys(b, iova);
		assert_int_equal(b->p.unmaps, i + 1);
		assert_int_equal(b->p.flushes, i + 1); /* one flush per unmap */
		assert_false(b->p.last_flush_all);
		assert_int_equal(b->p.last_flush_iova, iova);
		assert_int_equal(b->p.last_flush_order, 0);
		bed_expect_phys_within_guest(b);
		assert_true(viommu_shadow_check(&b->s, b->now));
	}
	assert_int_equal(b->p.nr, 0);
	assert_int_equal(viommu_shadow_count(&b->s), 0);
	assert_int_equal(b->st.shadow_maps, 3);
	assert_int_equal(b->st.shadow_unmaps, 3);
	assert_int_equal(b->st.walks, 6); /* one range walk per invalidation */
	assert_int_equal(b->st.deferred, 0);
	/* strict: one physical invalidation per guest unmap (maps count none) */
	assert_int_equal(b->st.unmap_invalidations, 3);
	assert_int_equal(b->st.phys_flushes, 3);
}

static void test_strict_superpage_as_4k(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 1024);
	bed_map(b, IOVA_2M, GPA_2M, MiB(2), true, true);
	assert_int_equal(b->p.nr, 512);
	for (unsigned int i = 0; i < 512; i += 73)
		bed_expect_phys(b, IOVA_2M + PG(i), GPA_2M + PG(i), true, true);
	bed_expect_phys(b, IOVA_2M + PG(511), GPA_2M + PG(511), true, true);
	assert_true(viommu_shadow_check(&b->s, b->now));
	bed_unmap(b, IOVA_2M, MiB(2));
	assert_int_equal(b->p.nr, 0);
	assert_int_equal(b->p.unmaps, 512);
	assert_int_equal(b->p.flushes, 1);
	assert_int_equal(b->p.last_flush_order, 9);
	assert_int_equal(b->p.last_flush_iova, IOVA_2M);
}

static void test_live_remap_and_rights(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 64);
	bed_map(b, IOVA(2), GPA(1), PG(1), true, true);
	/* The guest rewrites the leaf in place: other page. */
	bed_map(b, IOVA(2), GPA(9), PG(1), true, true);
	bed_expect_phys(b, IOVA(2), GPA(9), true, true);
	assert_int_equal(b->p.flushes, 1);
	/* Fewer rights. */
	bed_map(b, IOVA(2), GPA(9), PG(1), true, false);
	bed_expect_phys(b, IOVA(2), GPA(9), true, false);
	assert_int_equal(b->p.flushes, 2);
	/* More rights: remapped and flushed as well (cached R-only entry). */
	bed_map(b, IOVA(2), GPA(9), PG(1), true, true);
	bed_expect_phys(b, IOVA(2), GPA(9), true, true);
	assert_int_equal(b->p.flushes, 3);
	/* Same again: nothing at all. */
	fake_phys_reset_counts(&b->p);
	bed_map(b, IOVA(2), GPA(9), PG(1), true, true);
	assert_int_equal(fake_phys_calls(&b->p), 0);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_teardown_defers(void **state)
{
	(void)state;
	bed_init(b, 10, 64, 256);
	bed_map(b, IOVA(0), GPA(0), PG(1), true, true);
	fake_phys_reset_counts(&b->p);
	bed_unmap(b, IOVA(0), PG(1));
	/* The guest's unmap completed, the physical entry stays, no call. */
	assert_int_equal(fake_phys_calls(&b->p), 0);
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	assert_int_equal(viommu_shadow_deferred(&b->s), 1);
	assert_int_equal(b->st.deferred, 1);
	assert_true(viommu_shadow_check(&b->s, b->now));
	assert_int_equal(b->st.unmap_invalidations, 1);
	assert_int_equal(b->st.phys_flushes, 0);
	/* Invalidating it again does not restart its window, nor count. */
	b->now += 4 * BED_MS;
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 0), 0);
	assert_int_equal(b->st.deferred, 1);
	assert_int_equal(b->st.unmap_invalidations, 1);
	b->now += 6 * BED_MS;
	assert_int_equal(bed_expire(b), 1);
	bed_expect_no_phys(b, IOVA(0));
	assert_int_equal(b->st.phys_flushes, 1); /* the batch's one flush */
}

static void test_revive_same_page(void **state)
{
	(void)state;
	bed_init(b, 10, 64, 256);
	bed_map(b, IOVA(3), GPA(4), PG(1), true, true);
	bed_unmap(b, IOVA(3), PG(1));
	b->now += 5 * BED_MS;
	fake_phys_reset_counts(&b->p);
	bed_map(b, IOVA(3), GPA(4), PG(1), true, true);
	assert_int_equal(fake_phys_calls(&b->p), 0);
	assert_int_equal(b->st.revivals, 1);
	assert_int_equal(viommu_shadow_deferred(&b->s), 0);
	/* Revived: no longer due at the old deadline. */
	b->now += 20 * BED_MS;
	assert_int_equal(bed_expire(b), 0);
	bed_expect_phys(b, IOVA(3), GPA(4), true, true);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_deferred_remapped_elsewhere(void **state)
{
	(void)state;
	bed_init(b, 10, 64, 256);
	bed_map(b, IOVA(3), GPA(4), PG(1), true, true);
	bed_unmap(b, IOVA(3), PG(1));
	fake_phys_reset_counts(&b->p);
	bed_map(b, IOVA(3), GPA(5), PG(1), true, true);
	bed_expect_phys(b, IOVA(3), GPA(5), true, true);
	assert_int_equal(b->p.maps, 1);
	assert_int_equal(b->p.flushes, 1);
	assert_int_equal(b->st.revivals, 0);
	assert_int_equal(viommu_shadow_deferred(&b->s), 0);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

/* Decision: only identical rights revive for free; a deferred RW entry
 * mapped again R-only is reduced at once (map + flush), and R -> RW too. */
static void test_deferred_rights_change(void **state)
{
	(void)state;
	bed_init(b, 10, 64, 256);
	bed_map(b, IOVA(1), GPA(1), PG(1), true, true);
	bed_unmap(b, IOVA(1), PG(1));
	fake_phys_reset_counts(&b->p);
	bed_map(b, IOVA(1), GPA(1), PG(1), true, false);
	bed_expect_phys(b, IOVA(1), GPA(1), true, false);
	assert_int_equal(b->p.maps, 1);
	assert_int_equal(b->p.flushes, 1);
	assert_int_equal(b->st.revivals, 0);
	assert_int_equal(viommu_shadow_deferred(&b->s), 0);

	bed_unmap(b, IOVA(1), PG(1));
	fake_phys_reset_counts(&b->p);
	bed_map(b, IOVA(1), GPA(1), PG(1), true, true);
	bed_expect_phys(b, IOVA(1), GPA(1), true, true);
	assert_int_equal(b->p.maps, 1);
	assert_int_equal(b->p.flushes, 1);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_expiry_batch(void **state)
{
	u64 t0;

	(void)state;
	bed_init(b, 10, 64, 256);
	for (unsigned int i = 0; i < 6; i++)
		bed_map(b, IOVA(i * 100), GPA(i), PG(1), true, true);
	t0 = b->now;
	for (unsigned int i = 0; i < 6; i++) {
		bed_unmap(b, IOVA(i * 100), PG(1));
		b->now += BED_MS; /* deferred at t0 + i ms, due at t0 + (10 + i) ms */
	}
	fake_phys_reset_counts(&b->p);
	b->now = t0 + 10 * BED_MS - 1;
	assert_int_equal(bed_expire(b), 0);
	assert_int_equal(fake_phys_calls(&b->p), 0);
	assert_true(viommu_shadow_check(&b->s, b->now));

	b->now = t0 + 13 * BED_MS; /* 0..3 are due */
	assert_int_equal(bed_expire(b), 4);
	assert_int_equal(b->p.unmaps, 4);
	assert_int_equal(b->p.flushes, 1);
	assert_int_equal(b->st.expired, 4);
	assert_int_equal(b->st.batches, 1);
	for (unsigned int i = 0; i < 4; i++)
		bed_expect_no_phys(b, IOVA(i * 100));
	bed_expect_phys(b, IOVA(400), GPA(4), true, true);
	bed_expect_phys(b, IOVA(500), GPA(5), true, true);
	assert_true(viommu_shadow_check(&b->s, b->now));

	b->now = t0 + 100 * BED_MS;
	assert_int_equal(bed_expire(b), 2);
	assert_int_equal(b->p.flushes, 2);
	assert_int_equal(b->st.batches, 2);
	assert_int_equal(b->p.nr, 0);
	assert_int_equal(viommu_shadow_count(&b->s), 0);
}

static void test_cap_expires_oldest(void **state)
{
	(void)state;
	bed_init(b, 10, 3, 256);
	for (unsigned int i = 0; i < 4; i++)
		bed_map(b, IOVA(i), GPA(i), PG(1), true, true);
	for (unsigned int i = 0; i < 3; i++)
		bed_unmap(b, IOVA(i), PG(1));
	fake_phys_reset_counts(&b->p);
	bed_unmap(b, IOVA(3), PG(1)); /* cap: the oldest (IOVA 0) goes now */
	assert_int_equal(b->p.unmaps, 1);
	assert_int_equal(b->p.flushes, 1);
	bed_expect_no_phys(b, IOVA(0));
	for (unsigned int i = 1; i < 4; i++)
		bed_expect_phys(b, IOVA(i), GPA(i), true, true);
	assert_int_equal(viommu_shadow_deferred(&b->s), 3);
	assert_int_equal(b->st.expired, 1);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_domain_and_global(void **state)
{
	(void)state;
	for (unsigned int mode = 0; mode < 2; mode++) {
		bool teardown = mode == 1;
		u64 walks;

		bed_init(b, teardown ? 10 : 0, 64, 256);
		for (unsigned int i = 0; i < 8; i++)
			bed_map(b, IOVA(i * 3), GPA(i), PG(1), true, true);
		/* A lazy guest: several changes, then one domain flush. */
		fake_guest_unmap(&b->g, IOVA(0), PG(1));
		fake_guest_unmap(&b->g, IOVA(9), PG(1));
		fake_guest_map(&b->g, IOVA(3), GPA(30), PG(1), true, true);
		fake_guest_map(&b->g, IOVA(1000), GPA(31), PG(1), true, false);
		fake_phys_reset_counts(&b->p);
		walks = b->st.walks;
		/* Another domain, or pages of another domain: not ours. */
		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID + 1, 0, 0), 0);
		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID + 1, IOVA(0), 0), 0);
		assert_int_equal(fake_phys_calls(&b->p), 0);
		assert_int_equal(b->st.walks, walks); /* not even read */
		bed_expect_phys(b, IOVA(3), GPA(1), true, true);

		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID, 0, 0), 0);
		assert_int_equal(b->p.flushes, 1);
		bed_expect_phys(b, IOVA(3), GPA(30), true, true);
		bed_expect_phys(b, IOVA(1000), GPA(31), true, false);
		if (teardown) {
			bed_expect_phys(b, IOVA(0), GPA(0), true, true);
			bed_expect_phys(b, IOVA(9), GPA(3), true, true);
			assert_int_equal(viommu_shadow_deferred(&b->s), 2);
		} else {
			bed_expect_no_phys(b, IOVA(0));
			bed_expect_no_phys(b, IOVA(9));
			bed_expect_phys_within_guest(b);
		}
		assert_true(viommu_shadow_check(&b->s, b->now));

		fake_guest_unmap(&b->g, IOVA(21), PG(1));
		fake_guest_map(&b->g, IOVA(2000), GPA(40), PG(1), false, true);
		fake_phys_reset_counts(&b->p);
		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
		bed_expect_phys(b, IOVA(2000), GPA(40), false, true);
		if (teardown) {
			bed_expect_phys(b, IOVA(21), GPA(7), true, true);
			assert_int_equal(b->p.flushes, 0);
		} else {
			bed_expect_no_phys(b, IOVA(21));
			assert_int_equal(b->p.flushes, 1);
			bed_expect_phys_within_guest(b);
		}
		assert_true(viommu_shadow_check(&b->s, b->now));
		bed_expect_record_is_phys(b);
		bed_free(b);
	}
}

static void test_psi_range_and_bounds(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 256);
	/*
	 * A PSI with am=1 from the odd page covers the aligned pair (spec)
	 * and, since Linux 6.1 passes its 2-page range unaligned, the page
	 * after it too; not the one beyond.
	 */
	fake_guest_map(&b->g, IOVA(0), GPA(0), PG(1), true, true);
	fake_guest_map(&b->g, IOVA(1), GPA(1), PG(1), true, true);
	fake_guest_map(&b->g, IOVA(2), GPA(2), PG(1), true, true);
	fake_guest_map(&b->g, IOVA(3), GPA(3), PG(1), true, true);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(1), 1), 0);
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	bed_expect_phys(b, IOVA(1), GPA(1), true, true);
	bed_expect_phys(b, IOVA(2), GPA(2), true, true);
	bed_expect_no_phys(b, IOVA(3)); /* outside the range: not yet */
	/* am beyond the address width covers everything. */
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 63), 0);
	bed_expect_phys(b, IOVA(2), GPA(2), true, true);
	/* An iova beyond the width: nothing to do, no error. */
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, 1ULL << 50, 0), 0);
	assert_int_equal(bed_inv(b, 0, BED_DID, 0, 0), -EINVAL);
	/* Unmapping three: one flush covering them. */
	fake_guest_unmap(&b->g, IOVA(0), PG(1));
	fake_guest_unmap(&b->g, IOVA(2), PG(1));
	fake_phys_reset_counts(&b->p);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 2), 0);
	assert_int_equal(b->p.flushes, 1);
	assert_int_equal(b->p.last_flush_iova, IOVA(0));
	assert_int_equal(b->p.last_flush_order, 2);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_context_changes(void **state)
{
	(void)state;
	bed_init(b, 10, 64, 1024);
	bed_map(b, IOVA(0), GPA(0), PG(1), true, true);
	bed_map(b, IOVA(1), GPA(1), PG(1), true, true);
	bed_unmap(b, IOVA(1), PG(1)); /* deferred */
	/* TE off: identity, shadow domain emptied. */
	fake_phys_reset_counts(&b->p);
	assert_int_equal(bed_ctx(b, false), 0);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_IDENTITY);
	assert_false(b->p.translated);
	assert_int_equal(b->p.selects, 1);
	assert_int_equal(b->p.nr, 0);
	assert_int_equal(viommu_shadow_count(&b->s), 0);
	assert_int_equal(viommu_shadow_deferred(&b->s), 0);
	assert_true(viommu_shadow_check(&b->s, b->now));
	/* Invalidations while identity change nothing. */
	fake_guest_map(&b->g, IOVA(5), GPA(5), PG(1), true, true);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
	assert_int_equal(b->p.nr, 0);
	/* TE on: rebuilt from the guest's tables, then selected. */
	fake_phys_reset_counts(&b->p);
	assert_int_equal(bed_ctx(b, true), 0);
	assert_true(b->p.translated);
	assert_int_equal(b->p.selects, 1);
	assert_int_equal(b->p.nr, 2);
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	bed_expect_phys(b, IOVA(5), GPA(5), true, true);
	assert_true(viommu_shadow_check(&b->s, b->now));

	/* The same context read again (a context-cache flush for another
	 * device): nothing changes, not even pending guest changes. */
	bed_unmap(b, IOVA(5), PG(1));
	assert_int_equal(viommu_shadow_deferred(&b->s), 1);
	fake_guest_map(&b->g, IOVA(6), GPA(6), PG(1), true, true);
	fake_phys_reset_counts(&b->p);
	assert_int_equal(bed_ctx(b, true), 0);
	assert_int_equal(fake_phys_calls(&b->p), 0);
	assert_int_equal(viommu_shadow_deferred(&b->s), 1);
	bed_expect_no_phys(b, IOVA(6));
	fake_guest_unmap(&b->g, IOVA(6), PG(1));

	/* A new context while translated (new tables, same DID): strict
	 * rebuild, deferred entries go too, one flush instead of a select. */
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 3, VTD_TT_UNTRANSLATED);
	fake_guest_map(&b->g, IOVA(7), GPA(7), PG(1), true, false);
	fake_phys_reset_counts(&b->p);
	b->cfg.levels = 3; /* the unit advertises 3 levels now */
	assert_int_equal(bed_ctx(b, true), 0);
	assert_int_equal(b->p.selects, 0);
	assert_int_equal(b->p.flushes, 1);
	assert_int_equal(b->p.nr, 1);
	bed_expect_phys(b, IOVA(7), GPA(7), true, false);
	assert_int_equal(viommu_shadow_deferred(&b->s), 0);
	assert_true(viommu_shadow_check(&b->s, b->now));

	/* Pass-through context: identity. */
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 3, VTD_TT_PASS_THROUGH);
	assert_int_equal(bed_ctx(b, true), 0);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_IDENTITY);
	assert_false(b->p.translated);
	assert_int_equal(b->p.nr, 0);

	/* Context not present: the shadow domain, empty: DMA faults. */
	fake_guest_clear_context(&b->g, BED_SID);
	fake_phys_reset_counts(&b->p);
	assert_int_equal(bed_ctx(b, true), 0);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_BLOCKED);
	assert_true(b->p.translated);
	assert_int_equal(b->p.selects, 1);
	assert_int_equal(b->p.nr, 0);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
	assert_int_equal(b->p.nr, 0);
	assert_true(viommu_shadow_check(&b->s, b->now));

	/* Invalid context (AW the unit does not offer): blocked too. */
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 4, VTD_TT_UNTRANSLATED);
	fake_guest_map(&b->g, IOVA(0), GPA(0), PG(1), true, true);
	assert_int_equal(bed_ctx(b, true), 0); /* cfg says 3 levels */
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_BLOCKED);
	assert_int_equal(b->p.nr, 0);
	b->cfg.levels = 4;
	assert_int_equal(bed_ctx(b, true), 0);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_TRANSLATED);
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	assert_int_equal(b->p.nr, 1);
}

static void test_no_phys_iommu(void **state)
{
	(void)state;
	bed_init_raw(b, 0, 0, 64, false);
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 4, VTD_TT_UNTRANSLATED);
	fake_guest_map(&b->g, IOVA(0), GPA(0), PG(1), true, true);
	/* Translated: refused, DMA stays identity, no physical call at all. */
	assert_int_equal(viommu_shadow_context_changed(&b->s, b->g.root_gpa, true, b->now),
			 VTD_FR_CTX_INVALID);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_IDENTITY);
	assert_int_equal(viommu_shadow_invalidate(&b->s, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0, b->now),
			 0);
	assert_int_equal(viommu_shadow_count(&b->s), 0);
	/* Not present: cannot block either; the caller learns why. */
	fake_guest_clear_context(&b->g, BED_SID);
	assert_int_equal(viommu_shadow_context_changed(&b->s, b->g.root_gpa, true, b->now),
			 VTD_FR_CTX_NOT_PRESENT);
	/* Pass-through and TE off are what it can do. */
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 4, VTD_TT_PASS_THROUGH);
	assert_int_equal(viommu_shadow_context_changed(&b->s, b->g.root_gpa, true, b->now), 0);
	assert_int_equal(viommu_shadow_context_changed(&b->s, b->g.root_gpa, false, b->now), 0);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_IDENTITY);
	assert_int_equal(fake_phys_calls(&b->p), 0);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_storage_full(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 4);
	assert_int_equal(b->s.nr_ents, 4);
	for (unsigned int i = 0; i < 8; i++)
		fake_guest_map(&b->g, IOVA(i), GPA(i), PG(1), true, true);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 3), -ENOMEM);
	assert_int_equal(b->p.nr, 4); /* what fits; the rest faults */
	bed_expect_phys_within_guest(b);
	bed_expect_record_is_phys(b);
	assert_false(viommu_shadow_check(&b->s, b->now)); /* not all shadowed */
	/* Unmapping frees room; the next invalidation fills it. */
	fake_guest_unmap(&b->g, IOVA(0), PG(1));
	fake_guest_unmap(&b->g, IOVA(1), PG(1));
	fake_guest_unmap(&b->g, IOVA(2), PG(1));
	fake_guest_unmap(&b->g, IOVA(3), PG(1));
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID, 0, 0), 0);
	assert_int_equal(b->p.nr, 4);
	bed_expect_phys_within_guest(b);
	assert_true(viommu_shadow_check(&b->s, b->now));
	bed_free(b);

	/* With teardown, a full shadow makes room by expiring the oldest. */
	bed_init(b, 10, 64, 4);
	for (unsigned int i = 0; i < 4; i++)
		bed_map(b, IOVA(i), GPA(i), PG(1), true, true);
	bed_unmap(b, IOVA(1), PG(1));
	bed_unmap(b, IOVA(2), PG(1));
	fake_phys_reset_counts(&b->p);
	bed_map(b, IOVA(9), GPA(9), PG(1), true, true);
	bed_expect_no_phys(b, IOVA(1));
	bed_expect_phys(b, IOVA(2), GPA(2), true, true);
	bed_expect_phys(b, IOVA(9), GPA(9), true, true);
	assert_int_equal(b->p.flushes, 1);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_phys_failures(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 64);
	b->p.map_fail_after = 0;
	fake_guest_map(&b->g, IOVA(0), GPA(0), PG(1), true, true);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 0), -ENOMEM);
	bed_expect_no_phys(b, IOVA(0));
	assert_int_equal(viommu_shadow_count(&b->s), 0);
	b->p.map_fail_after = -1;
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 0), 0);
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	/* A failed remap must not leave the old page reachable. */
	b->p.map_fail_after = 0;
	fake_guest_map(&b->g, IOVA(0), GPA(5), PG(1), true, true);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 0), -ENOMEM);
	bed_expect_no_phys(b, IOVA(0));
	bed_expect_record_is_phys(b);
	b->p.map_fail_after = -1;
	/* A failed unmap keeps the record, and the next pass retries it. */
	bed_map(b, IOVA(0), GPA(5), PG(1), true, true);
	b->p.unmap_fail_after = 0;
	fake_guest_unmap(&b->g, IOVA(0), PG(1));
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 0), -EIO);
	bed_expect_record_is_phys(b);
	assert_false(viommu_shadow_check(&b->s, b->now));
	b->p.unmap_fail_after = -1;
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, IOVA(0), 0), 0);
	bed_expect_no_phys(b, IOVA(0));
	assert_true(viommu_shadow_check(&b->s, b->now));
	bed_free(b);

	/* Expiry: the entry whose unmap failed is retried at the next pass. */
	bed_init(b, 1, 64, 64);
	bed_map(b, IOVA(0), GPA(0), PG(1), true, true);
	bed_map(b, IOVA(1), GPA(1), PG(1), true, true);
	bed_unmap(b, IOVA(0), PG(1));
	bed_unmap(b, IOVA(1), PG(1));
	b->now += 2 * BED_MS;
	b->p.unmap_fail_after = 0;
	assert_int_equal(bed_expire(b), -EIO);
	assert_false(viommu_shadow_check(&b->s, b->now)); /* overdue */
	b->p.unmap_fail_after = -1;
	assert_int_equal(bed_expire(b), 2);
	assert_int_equal(b->p.nr, 0);
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_check_sees_violations(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 64);
	bed_map(b, IOVA(0), GPA(0), PG(1), true, true);
	assert_true(viommu_shadow_check(&b->s, b->now));
	fake_guest_unmap(&b->g, IOVA(0), PG(1)); /* not invalidated */
	assert_false(viommu_shadow_check(&b->s, b->now));
	fake_guest_map(&b->g, IOVA(0), GPA(0), PG(1), true, false);
	assert_false(viommu_shadow_check(&b->s, b->now));
	fake_guest_map(&b->g, IOVA(0), GPA(0), PG(1), true, true);
	assert_true(viommu_shadow_check(&b->s, b->now));
	fake_guest_map(&b->g, IOVA(1), GPA(1), PG(1), true, true); /* not shadowed */
	assert_false(viommu_shadow_check(&b->s, b->now));
}

static void test_expire_idle_is_free(void **state)
{
	(void)state;
	bed_init(b, 10, 64, 64);
	for (int i = 0; i < 100; i++) {
		b->now += BED_MS;
		assert_int_equal(bed_expire(b), 0);
	}
	assert_int_equal(fake_phys_calls(&b->p), 0);
	assert_int_equal(b->st.batches, 0);
}

/* After 2^32 passes the epoch comes back: an entry seen long ago must not
 * count as seen in this pass. */
static void test_epoch_wrap(void **state)
{
	(void)state;
	bed_init(b, 0, 0, 64);
	bed_map(b, IOVA(0), GPA(0), PG(1), true, true);
	bed_map(b, IOVA(1), GPA(1), PG(1), true, true);
	for (u32 i = 0; i < b->s.nr_ents; i++)
		if (b->s.ents[i].iova == IOVA(1) && b->s.ents[i].hpa)
			b->s.ents[i].epoch = 1; /* marked in pass 1, long ago */
	b->s.epoch = 0xffffffffu;
	fake_guest_unmap(&b->g, IOVA(1), PG(1));
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID, 0, 0), 0);
	bed_expect_no_phys(b, IOVA(1));
	bed_expect_phys(b, IOVA(0), GPA(0), true, true);
	for (unsigned int i = 0; i < 3; i++) {
		fake_phys_reset_counts(&b->p);
		assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_DOMAIN, BED_DID, 0, 0), 0);
		assert_int_equal(fake_phys_calls(&b->p), 0);
		assert_int_equal(b->p.nr, 1);
	}
	assert_true(viommu_shadow_check(&b->s, b->now));
}

static void test_init_rejects(void **state)
{
	struct viommu_config cfg = { .levels = 4, .mgaw = 48, .phys_iommu = true };
	struct viommu_stats st;
	struct viommu_shadow s;
	struct fake_guest g;
	static u64 store[1024];

	(void)state;
	fake_guest_init(&g, FAKE_GUEST_RAM);
	assert_int_equal(viommu_shadow_init(&s, &cfg, &g.mem, NULL, &st, store, sizeof(store)),
			 -EINVAL);
	cfg.phys_iommu = false;
	assert_int_equal(viommu_shadow_init(&s, &cfg, &g.mem, NULL, &st, store, 10), -EINVAL);
	assert_int_equal(
		viommu_shadow_init(&s, &cfg, &g.mem, NULL, &st, (u8 *)store + 1, sizeof(store) - 8),
		-EINVAL);
	assert_int_equal(viommu_shadow_init(&s, &cfg, &g.mem, NULL, &st, store, sizeof(store)), 0);
	assert_true(viommu_shadow_storage_bytes(s.nr_ents) <= sizeof(store));
	assert_true(viommu_shadow_storage_bytes(s.nr_ents * 2) > sizeof(store));
	fake_guest_free(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_strict_map_unmap, bed_teardown),
		cmocka_unit_test_teardown(test_strict_superpage_as_4k, bed_teardown),
		cmocka_unit_test_teardown(test_live_remap_and_rights, bed_teardown),
		cmocka_unit_test_teardown(test_teardown_defers, bed_teardown),
		cmocka_unit_test_teardown(test_revive_same_page, bed_teardown),
		cmocka_unit_test_teardown(test_deferred_remapped_elsewhere, bed_teardown),
		cmocka_unit_test_teardown(test_deferred_rights_change, bed_teardown),
		cmocka_unit_test_teardown(test_expiry_batch, bed_teardown),
		cmocka_unit_test_teardown(test_cap_expires_oldest, bed_teardown),
		cmocka_unit_test_teardown(test_domain_and_global, bed_teardown),
		cmocka_unit_test_teardown(test_psi_range_and_bounds, bed_teardown),
		cmocka_unit_test_teardown(test_context_changes, bed_teardown),
		cmocka_unit_test_teardown(test_no_phys_iommu, bed_teardown),
		cmocka_unit_test_teardown(test_storage_full, bed_teardown),
		cmocka_unit_test_teardown(test_phys_failures, bed_teardown),
		cmocka_unit_test_teardown(test_check_sees_violations, bed_teardown),
		cmocka_unit_test_teardown(test_expire_idle_is_free, bed_teardown),
		cmocka_unit_test_teardown(test_epoch_wrap, bed_teardown),
		cmocka_unit_test_teardown(test_init_rejects, bed_teardown),
	};

	return HARNESS_RUN(tests);
}
