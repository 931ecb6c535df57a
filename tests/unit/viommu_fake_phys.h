/* SPDX-License-Identifier: MIT */
/*
 * Host-test fake of the physical side of the NIC's translation
 * (struct viommu_phys_ops): the shadow domain's 4 KiB entries, a model of
 * the physical IOTLB (every translation removed or changed stays usable
 * by the device until a flush covering it, or a select), which domain the
 * NIC points at, call counters, and failure injection.
 */
#ifndef TESTS_UNIT_VIOMMU_FAKE_PHYS_H
#define TESTS_UNIT_VIOMMU_FAKE_PHYS_H

#include "lib/types.h"
#include "viommu/viommu.h"

struct fake_phys_ent {
	iova_t iova; /* page address; ~0 = empty hash bucket */
	hpa_t hpa;
	bool r, w;
};

#define FAKE_PHYS_BUCKETS (1u << 17) /* entries the domain can hold: half of it */
#define FAKE_PHYS_STALE 4096

struct fake_phys {
	struct fake_phys_ent *tab;		     /* open addressing, FAKE_PHYS_BUCKETS */
	u32 nr;					     /* present entries */
	struct fake_phys_ent stale[FAKE_PHYS_STALE]; /* old translations not yet flushed */
	u32 nr_stale;
	bool translated; /* NIC on the shadow domain (else identity) */
	u64 maps, unmaps, flushes, flushes_all, selects;
	iova_t last_flush_iova;
	unsigned int last_flush_order;
	bool last_flush_all;
	int map_fail_after;   /* < 0 never; else maps that succeed before -ENOMEM */
	int unmap_fail_after; /* same for unmaps (-EIO) */
	/* Optional: is hpa host RAM the guest may reach? Checked on every map. */
	bool (*hpa_ok)(void *ctx, hpa_t hpa);
	void *hpa_ok_ctx;
	struct viommu_phys_ops ops;
};

void fake_phys_init(struct fake_phys *p);
void fake_phys_free(struct fake_phys *p);
/** Forget the call counters (not the state). */
void fake_phys_reset_counts(struct fake_phys *p);
/** Total calls of any op since the last reset. */
u64 fake_phys_calls(const struct fake_phys *p);

/** The present entry for iova's page, or NULL. */
const struct fake_phys_ent *fake_phys_get(const struct fake_phys *p, iova_t iova);

/** Iterate the present entries: *pos starts at 0; returns NULL at the end. */
const struct fake_phys_ent *fake_phys_next(const struct fake_phys *p, u32 *pos);

#endif /* TESTS_UNIT_VIOMMU_FAKE_PHYS_H */
