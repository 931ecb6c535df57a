// SPDX-License-Identifier: MIT
/*
 * Shared bed for the viommu/shadow.c host tests (see viommu_shadow_bed.h).
 */
#include "tests/unit/harness.h"
#include "tests/unit/viommu_shadow_bed.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"

static bool hpa_is_guest_ram(void *ctx, hpa_t hpa)
{
	return fake_guest_is_ram(ctx, hpa, PAGE_SIZE);
}

void bed_init_raw(struct bed *b, u32 teardown_ms, u32 cap, u32 entries, bool phys_iommu)
{
	size_t bytes = viommu_shadow_storage_bytes(entries);

	memset(b, 0, sizeof(*b));
	fake_guest_init(&b->g, FAKE_GUEST_RAM);
	fake_phys_init(&b->p);
	b->p.hpa_ok = hpa_is_guest_ram;
	b->p.hpa_ok_ctx = &b->g;
	b->cfg.reg_gpa = 0xfed90000;
	b->cfg.levels = 4;
	b->cfg.mgaw = 48;
	b->cfg.sllps_2m = true;
	b->cfg.sllps_1g = true;
	b->cfg.phys_iommu = phys_iommu;
	b->cfg.nic_sid = BED_SID;
	b->cfg.teardown_ms = teardown_ms;
	b->cfg.teardown_cap = cap;
	b->cfg.tsc_khz = BED_KHZ;
	b->storage = aligned_alloc(8, ALIGN_UP(bytes, 8));
	assert_non_null(b->storage);
	assert_int_equal(viommu_shadow_init(&b->s, &b->cfg, &b->g.mem,
					    phys_iommu ? &b->p.ops : NULL, &b->st, b->storage,
					    bytes),
			 0);
	b->now = 1000 * BED_MS;
}

void bed_init(struct bed *b, u32 teardown_ms, u32 cap, u32 entries)
{
	bed_init_raw(b, teardown_ms, cap, entries, true);
	fake_guest_set_context(&b->g, BED_SID, BED_DID, 4, VTD_TT_UNTRANSLATED);
	assert_int_equal(bed_ctx(b, true), 0);
	assert_int_equal(viommu_shadow_mode(&b->s), VIOMMU_SHADOW_TRANSLATED);
	assert_true(b->p.translated);
	fake_phys_reset_counts(&b->p);
	memset(&b->st, 0, sizeof(b->st));
}

void bed_free(struct bed *b)
{
	fake_guest_free(&b->g);
	fake_phys_free(&b->p);
	free(b->storage);
	b->storage = NULL;
}

/* Physical flushes, as the fake saw them and as the shadow counted them. */
struct snap {
	u64 p, st;
};

static struct snap snap(const struct bed *b)
{
	return (struct snap){ b->p.flushes, b->st.phys_flushes };
}

/*
 * Nothing stale in the IOTLB model while the NIC uses the shadow domain
 * (on the identity domain the shadow domain is unreachable, and select
 * flushes before it is used again); at most one flush per call.
 */
static void after_call(struct bed *b, struct snap before)
{
	if (b->p.translated)
		assert_int_equal(b->p.nr_stale, 0);
	assert_true(b->p.flushes - before.p <= 1);
	assert_int_equal(b->st.phys_flushes - before.st, b->p.flushes - before.p);
}

int bed_ctx(struct bed *b, bool te)
{
	struct snap f = snap(b);
	int rc = viommu_shadow_context_changed(&b->s, b->g.root_gpa, te, b->now);

	after_call(b, f);
	return rc;
}

int bed_inv(struct bed *b, unsigned int gran, u16 did, iova_t iova, unsigned int am)
{
	struct snap f = snap(b);
	int rc = viommu_shadow_invalidate(&b->s, gran, did, iova, am, b->now);

	after_call(b, f);
	return rc;
}

int bed_expire(struct bed *b)
{
	struct snap f = snap(b);
	int rc = viommu_shadow_expire(&b->s, b->now);

	after_call(b, f);
	return rc;
}

static unsigned int am_of(u64 size)
{
	return (unsigned int)(__builtin_ctzll(size) - PAGE_SHIFT);
}

void bed_map(struct bed *b, iova_t iova, gpa_t gpa, u64 size, bool r, bool w)
{
	fake_guest_map(&b->g, iova, gpa, size, r, w);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, iova, am_of(size)), 0);
}

void bed_unmap(struct bed *b, iova_t iova, u64 size)
{
	fake_guest_unmap(&b->g, iova, size);
	assert_int_equal(bed_inv(b, VTD_IOTLB_GRAN_PAGE, BED_DID, iova, am_of(size)), 0);
}

void bed_expect_phys(struct bed *b, iova_t iova, hpa_t hpa, bool r, bool w)
{
	const struct fake_phys_ent *e = fake_phys_get(&b->p, iova);

	assert_non_null(e);
	assert_int_equal(e->hpa, hpa);
	assert_int_equal(e->r, r);
	assert_int_equal(e->w, w);
}

void bed_expect_no_phys(struct bed *b, iova_t iova)
{
	assert_null(fake_phys_get(&b->p, iova));
}

void bed_expect_phys_within_guest(struct bed *b)
{
	const struct fake_phys_ent *e;
	u32 pos = 0;

	while ((e = fake_phys_next(&b->p, &pos))) {
		gpa_t gpa;
		bool r, w;

		assert_true(fake_guest_lookup(&b->g, e->iova, &gpa, &r, &w));
		assert_int_equal(e->hpa, gpa);
		assert_int_equal(e->r, r);
		assert_int_equal(e->w, w);
	}
}

void bed_expect_record_is_phys(struct bed *b)
{
	const struct fake_phys_ent *e;
	u32 pos = 0, n = 0;

	while ((e = fake_phys_next(&b->p, &pos))) {
		hpa_t hpa;
		bool r, w, d;

		assert_true(viommu_shadow_lookup(&b->s, e->iova, &hpa, &r, &w, &d));
		assert_int_equal(hpa, e->hpa);
		assert_int_equal(r, e->r);
		assert_int_equal(w, e->w);
		n++;
	}
	assert_int_equal(n, viommu_shadow_count(&b->s));
}
