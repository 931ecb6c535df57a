/* SPDX-License-Identifier: MIT */
/*
 * Optimistic teardown bookkeeping for the shadow (viommu/shadow.c): the
 * FIFO of deferred unmaps ordered by deadline, the revival decision, the cap
 * on how many are kept, and batched expiry (the caller flushes once per
 * batch). It knows shadow entries only by slot number: the links live in a
 * parallel array the shadow hands over. Pure; no physical calls.
 */
#ifndef VIOMMU_TEARDOWN_H
#define VIOMMU_TEARDOWN_H

#include "lib/types.h"

#define VIOMMU_TD_NONE 0xffffffffu     /* no slot / end of list */
#define VIOMMU_TD_UNLINKED 0xfffffffeu /* prev of a slot not in the FIFO */

/* Per-slot FIFO link (the shadow allocates one per slot). */
struct viommu_td_link {
	u64 deadline; /* TSC at which the deferred unmap is due */
	u32 prev, next;
};

struct viommu_td {
	struct viommu_td_link *links;
	u32 nr_links;
	u32 head, tail; /* oldest (earliest deadline) .. newest */
	u32 count, cap;
	u64 window_tsc; /* 0: strict, nothing is ever deferred */
};

/* What a guest map of an IOVA that the shadow still holds amounts to. */
enum viommu_td_match {
	VIOMMU_TD_SAME,	   /* same page, same rights: keep / revive, no phys call */
	VIOMMU_TD_RIGHTS,  /* same page, other rights: phys remap + flush */
	VIOMMU_TD_REPLACE, /* other page: phys remap + flush */
};

/**
 * Set up an empty FIFO over links[0..nr_links). window = window_ms * tsc_khz
 * TSC ticks; window_ms == 0 or cap == 0 means strict (viommu_td_enabled()
 * false). Marks every link unlinked.
 */
void viommu_td_init(struct viommu_td *td, struct viommu_td_link *links, u32 nr_links, u32 window_ms,
		    u32 cap, u64 tsc_khz);

/** Does this configuration defer unmaps at all? */
bool viommu_td_enabled(const struct viommu_td *td);

/** Compare a held entry with a new guest mapping of the same IOVA. */
enum viommu_td_match viommu_td_match(hpa_t old_hpa, bool old_r, bool old_w, hpa_t new_hpa,
				     bool new_r, bool new_w);

/** Is slot in the FIFO? */
bool viommu_td_is_deferred(const struct viommu_td *td, u32 slot);

/** Deadline of a deferred slot (meaningless otherwise). */
u64 viommu_td_deadline(const struct viommu_td *td, u32 slot);

/** Number of deferred slots. */
u32 viommu_td_count(const struct viommu_td *td);

/**
 * Defer slot at time now: deadline now + window (never earlier than the
 * newest deadline, so the FIFO stays sorted if the clock goes backwards).
 * If the cap was already reached, the oldest deferred slot is taken out and
 * returned: the caller must tear it down now. Otherwise VIOMMU_TD_NONE.
 * @pre: enabled, slot < nr_links, slot not deferred.
 */
u32 viommu_td_defer(struct viommu_td *td, u32 slot, u64 now_tsc);

/** Take slot out of the FIFO (revived, replaced or torn down). No-op if not deferred. */
void viommu_td_unlink(struct viommu_td *td, u32 slot);

/** Is the oldest deferred slot due at now? Cheap: the polling loop asks every iteration. */
bool viommu_td_due(const struct viommu_td *td, u64 now_tsc);

/** The oldest deferred slot (left in place), VIOMMU_TD_NONE if empty. */
u32 viommu_td_oldest(const struct viommu_td *td);

/** Take out and return the oldest deferred slot, VIOMMU_TD_NONE if empty. */
u32 viommu_td_pop_oldest(struct viommu_td *td);

/**
 * Batched expiry: take out every slot due at now, oldest first, and call
 * drop(arg, slot) for each (the caller unmaps it physically and forgets the
 * slot; it must not defer or unlink others from inside drop). If drop fails,
 * that slot is put back at the head with its deadline and the batch stops.
 * Sets *dropped to the number dropped. Returns 0 or drop's error. The caller
 * issues ONE physical flush for the batch if *dropped > 0.
 */
int __must_check viommu_td_expire(struct viommu_td *td, u64 now_tsc,
				  int (*drop)(void *arg, u32 slot), void *arg, u32 *dropped);

/**
 * Consistency of the FIFO (debug / tests): links agree both ways, no cycle,
 * deadlines non-decreasing, count matches and does not exceed cap. Logs the
 * first problem.
 */
bool viommu_td_check(const struct viommu_td *td);

#endif /* VIOMMU_TEARDOWN_H */
