/* SPDX-License-Identifier: MIT */
/*
 * The shadow: the record of what the NIC's physical domain holds (IOVA page
 * -> HPA, rights, live or deferred), kept equal to what the guest's VT-d
 * tables allow after every guest invalidation, except for deferred unmaps
 * inside the optimistic-teardown window (viommu/teardown.h). Storage is a
 * fixed block handed in at init (pool pages in the hypervisor, malloc in
 * tests): entry slots, their teardown links, and an open-addressing index.
 * Pure: guest memory and the physical unit are reached through the ops.
 */
#ifndef VIOMMU_SHADOW_H
#define VIOMMU_SHADOW_H

#include "lib/types.h"
#include "viommu/teardown.h"
#include "viommu/viommu.h"
#include "viommu/walk.h"

/* Where the NIC's DMA goes. */
enum viommu_shadow_mode {
	VIOMMU_SHADOW_IDENTITY,	  /* identity domain of guest RAM: TE off, pass-through,
				   * or no physical IOMMU */
	VIOMMU_SHADOW_TRANSLATED, /* shadow domain, following the guest's tables */
	VIOMMU_SHADOW_BLOCKED,	  /* shadow domain kept empty: context absent/invalid */
};

/* One slot (private to shadow.c). */
struct viommu_shadow_ent {
	iova_t iova; /* page address */
	hpa_t hpa;   /* page address | VIOMMU_SHADOW_F_* */
	u32 epoch;   /* last sync pass that saw the guest map it */
	u32 free_next;
};

/* The state (fields private to shadow.c; exposed so callers can embed it). */
struct viommu_shadow {
	const struct viommu_config *cfg;
	const struct viommu_guest_mem *mem;
	const struct viommu_phys_ops *phys;
	struct viommu_stats *st;
	struct viommu_shadow_ent *ents;
	u32 *index; /* slot numbers, VIOMMU_TD_NONE = empty bucket */
	u32 nr_ents, used, free_head;
	u32 index_mask;
	unsigned int index_bits;
	u32 epoch;
	struct viommu_td td;
	struct viommu_context ctx; /* the NIC's context as last read */
	enum viommu_shadow_mode mode;
	bool phys_translated; /* what phys->select was last told */
	u64 last_expire_tsc;  /* last expiry pass that completed */
	u64 errors;	      /* failed phys calls / full storage, logged sparsely */
	u64 refusals;	      /* contexts refused without a physical IOMMU (logged sparsely) */
};

/** Bytes of storage for nr_entries slots (what init will use at most). */
size_t viommu_shadow_storage_bytes(u32 nr_entries);

/**
 * Set up an empty shadow over storage (8-byte aligned; the capacity is the
 * largest power of two that fits, at least 2). The NIC is assumed to be on
 * the identity domain with an empty shadow domain (TE is off at reset);
 * nothing physical is touched. phys may be NULL when !cfg->phys_iommu.
 * cfg, m, phys and st must outlive the shadow. Returns 0 or -EINVAL.
 */
int __must_check viommu_shadow_init(struct viommu_shadow *s, const struct viommu_config *cfg,
				    const struct viommu_guest_mem *m,
				    const struct viommu_phys_ops *phys, struct viommu_stats *st,
				    void *storage, size_t storage_bytes);

/**
 * Context cache invalidated, TE toggled or the root table changed: re-read
 * the NIC's context (cfg->nic_sid) from root_gpa and point the NIC at the
 * right domain.
 *  - TE off, or a pass-through context: identity (select(false) first, then
 *    the shadow's entries are dropped);
 *  - translated context: the shadow is rebuilt strictly from the guest's
 *    tables (deferred entries go too), then select(true) (or one flush if
 *    the NIC was on the shadow domain already); the same context as before
 *    (DID, tables, depth) changes nothing: a context-cache invalidation
 *    does not flush the IOTLB, the guest's IOTLB invalidation does;
 *  - context absent or invalid: the shadow domain is emptied and selected:
 *    DMA faults in the physical unit, as it would on the emulated one.
 * Without a physical IOMMU only identity is possible: a translated or
 * unusable context is refused and DMA stays identity (never pretending to
 * protect).
 * Returns 0; or a positive VT-d fault reason (VTD_FR_*) when the guest's
 * context could not be honoured without a physical IOMMU (the caller
 * records it); or a negative errno when the rebuild was incomplete (storage
 * full, a phys call failed: what is missing faults, nothing stale stays).
 */
int __must_check viommu_shadow_context_changed(struct viommu_shadow *s, gpa_t root_gpa, bool te,
					       u64 now_tsc);

/**
 * An IOTLB invalidation: granularity VTD_IOTLB_GRAN_GLOBAL, _DOMAIN (did) or
 * _PAGE (did, iova, 2^am pages). Every affected page is brought in line
 * with the guest's tables: mapped, kept, revived from the deferred set (no
 * physical call), remapped (other page or other rights), deferred (teardown
 * window > 0) or unmapped. At most one phys->flush, covering every physical
 * entry that changed or went. (inv_global/inv_domain/inv_page are counted
 * by the caller, viommu/iq.c; this counts walks, maps, unmaps, flushes.)
 * Returns 0; -ENOMEM when pages could not be shadowed for lack of storage
 * or because the guest's tables exhausted VIOMMU_WALK_RANGE_BUDGET (final,
 * not worth a retry; they stay unmapped: the device faults on them); -EINVAL for a bad
 * granularity; or a phys call's error. Never leaves a physical translation
 * the guest forbade, except deferred ones inside their window.
 */
int __must_check viommu_shadow_invalidate(struct viommu_shadow *s, unsigned int granularity,
					  u16 did, iova_t iova, unsigned int am, u64 now_tsc);

/**
 * Tear down every deferred entry whose deadline is at or before now, all
 * under ONE phys->flush (counts expired, batches). Cheap when nothing is
 * due: the polling loop calls it every iteration. Returns the number torn
 * down, or a phys error (the entry that failed is retried next time).
 */
int __must_check viommu_shadow_expire(struct viommu_shadow *s, u64 now_tsc);

/**
 * Invariant check (tests, debug option), meaningful when every guest change
 * has been invalidated: each live entry is exactly what the guest's tables
 * give for its page; each deferred entry (teardown > 0 only) was deferred
 * no later than now and is not overdue at the last completed expiry pass;
 * every page the guest maps is shadowed live; internal structures agree.
 * Logs the first violation.
 */
bool viommu_shadow_check(struct viommu_shadow *s, u64 now_tsc);

/** Where the NIC's DMA currently goes. */
enum viommu_shadow_mode viommu_shadow_mode(const struct viommu_shadow *s);

/** Entries held (live + deferred), and how many of them are deferred. */
u32 viommu_shadow_count(const struct viommu_shadow *s);
u32 viommu_shadow_deferred(const struct viommu_shadow *s);

/** The entry for iova's page: false if none; else hpa, rights, deferred. */
bool viommu_shadow_lookup(const struct viommu_shadow *s, iova_t iova, hpa_t *hpa, bool *read,
			  bool *write, bool *deferred);

#endif /* VIOMMU_SHADOW_H */
