// SPDX-License-Identifier: MIT
/*
 * Optimistic teardown (vIOMMU paper, ATC 2011): an entry the guest unmapped
 * stays in the physical domain for a window, so that a remap of the same
 * IOVA to the same page costs nothing, and the unmaps that do happen are
 * paid for with one physical invalidation per batch.
 *
 * Invariants kept here (checked by viommu_td_check()):
 *  - the FIFO is a doubly linked list of slots, oldest first, with
 *    non-decreasing deadlines, so "what is due" is a prefix of the list;
 *  - count == list length <= cap; a slot is in the list iff its prev is not
 *    VIOMMU_TD_UNLINKED;
 *  - nothing is deferred when the window or the cap is 0 (strict mode).
 * The shadow decides what a deferred slot means physically.
 */
#define LOG_PREFIX "viommu-td: "
#include "viommu/teardown.h"
#include "lib/log.h"

void viommu_td_init(struct viommu_td *td, struct viommu_td_link *links, u32 nr_links, u32 window_ms,
		    u32 cap, u64 tsc_khz)
{
	td->links = links;
	td->nr_links = nr_links;
	td->head = VIOMMU_TD_NONE;
	td->tail = VIOMMU_TD_NONE;
	td->count = 0;
	td->cap = cap < nr_links ? cap : nr_links;
	td->window_tsc = (u64)window_ms * tsc_khz;
	if (!td->cap)
		td->window_tsc = 0;
	for (u32 i = 0; i < nr_links; i++) {
		links[i].deadline = 0;
		links[i].prev = VIOMMU_TD_UNLINKED;
		links[i].next = VIOMMU_TD_NONE;
	}
}

bool viommu_td_enabled(const struct viommu_td *td)
{
	return td->window_tsc != 0;
}

enum viommu_td_match viommu_td_match(hpa_t old_hpa, bool old_r, bool old_w, hpa_t new_hpa,
				     bool new_r, bool new_w)
{
	if (old_hpa != new_hpa)
		return VIOMMU_TD_REPLACE;
	/*
	 * Only identical rights revive for free. Fewer rights must reach the
	 * physical entry at once (the guest revoked them); more rights are
	 * remapped and flushed too, since a unit may fault a write on a
	 * cached read-only entry without walking again.
	 */
	if (old_r != new_r || old_w != new_w)
		return VIOMMU_TD_RIGHTS;
	return VIOMMU_TD_SAME;
}

bool viommu_td_is_deferred(const struct viommu_td *td, u32 slot)
{
	return slot < td->nr_links && td->links[slot].prev != VIOMMU_TD_UNLINKED;
}

u64 viommu_td_deadline(const struct viommu_td *td, u32 slot)
{
	return slot < td->nr_links ? td->links[slot].deadline : 0;
}

u32 viommu_td_count(const struct viommu_td *td)
{
	return td->count;
}

void viommu_td_unlink(struct viommu_td *td, u32 slot)
{
	struct viommu_td_link *l;

	if (!viommu_td_is_deferred(td, slot))
		return;
	l = &td->links[slot];
	if (l->prev == VIOMMU_TD_NONE)
		td->head = l->next;
	else
		td->links[l->prev].next = l->next;
	if (l->next == VIOMMU_TD_NONE)
		td->tail = l->prev;
	else
		td->links[l->next].prev = l->prev;
	l->prev = VIOMMU_TD_UNLINKED;
	l->next = VIOMMU_TD_NONE;
	td->count--;
}

static void link_tail(struct viommu_td *td, u32 slot, u64 deadline)
{
	struct viommu_td_link *l = &td->links[slot];

	l->deadline = deadline;
	l->next = VIOMMU_TD_NONE;
	l->prev = td->tail;
	if (td->tail == VIOMMU_TD_NONE)
		td->head = slot;
	else
		td->links[td->tail].next = slot;
	td->tail = slot;
	td->count++;
}

static void link_head(struct viommu_td *td, u32 slot)
{
	struct viommu_td_link *l = &td->links[slot];

	l->prev = VIOMMU_TD_NONE;
	l->next = td->head;
	if (td->head == VIOMMU_TD_NONE)
		td->tail = slot;
	else
		td->links[td->head].prev = slot;
	td->head = slot;
	td->count++;
}

u32 viommu_td_oldest(const struct viommu_td *td)
{
	return td->head;
}

u32 viommu_td_pop_oldest(struct viommu_td *td)
{
	u32 slot = td->head;

	if (slot != VIOMMU_TD_NONE)
		viommu_td_unlink(td, slot);
	return slot;
}

u32 viommu_td_defer(struct viommu_td *td, u32 slot, u64 now_tsc)
{
	u32 evicted = VIOMMU_TD_NONE;
	u64 deadline = now_tsc + td->window_tsc;

	ASSERT(viommu_td_enabled(td) && slot < td->nr_links);
	ASSERT(!viommu_td_is_deferred(td, slot));
	if (td->count >= td->cap)
		evicted = viommu_td_pop_oldest(td);
	if (deadline < now_tsc) /* wrapped: due at the end of time */
		deadline = ~0ULL;
	if (td->tail != VIOMMU_TD_NONE && deadline < td->links[td->tail].deadline)
		deadline = td->links[td->tail].deadline;
	link_tail(td, slot, deadline);
	return evicted;
}

bool viommu_td_due(const struct viommu_td *td, u64 now_tsc)
{
	return td->head != VIOMMU_TD_NONE && td->links[td->head].deadline <= now_tsc;
}

int viommu_td_expire(struct viommu_td *td, u64 now_tsc, int (*drop)(void *arg, u32 slot), void *arg,
		     u32 *dropped)
{
	*dropped = 0;
	/* Bounded: each round removes one slot of at most nr_links. */
	for (u32 round = 0; round < td->nr_links && viommu_td_due(td, now_tsc); round++) {
		u32 slot = viommu_td_pop_oldest(td);
		int err = drop(arg, slot);

		if (err) {
			link_head(td, slot); /* deadline kept: still the oldest */
			return err;
		}
		(*dropped)++;
	}
	return 0;
}

bool viommu_td_check(const struct viommu_td *td)
{
	u32 prev = VIOMMU_TD_NONE, n = 0;
	u64 last = 0;

	if (td->count > td->cap || (!viommu_td_enabled(td) && td->count)) {
		pr_err("count %u, cap %u, window %llu\n", td->count, td->cap,
		       (unsigned long long)td->window_tsc);
		return false;
	}
	for (u32 s = td->head; s != VIOMMU_TD_NONE; s = td->links[s].next) {
		if (s >= td->nr_links || n++ >= td->count) {
			pr_err("list broken at slot %u (count %u)\n", s, td->count);
			return false;
		}
		if (td->links[s].prev != prev || td->links[s].deadline < last) {
			pr_err("slot %u: prev %u (want %u), deadline %llu after %llu\n", s,
			       td->links[s].prev, prev, (unsigned long long)td->links[s].deadline,
			       (unsigned long long)last);
			return false;
		}
		prev = s;
		last = td->links[s].deadline;
	}
	if (n != td->count || td->tail != prev) {
		pr_err("list length %u, count %u, tail %u (want %u)\n", n, td->count, td->tail,
		       prev);
		return false;
	}
	n = 0;
	for (u32 s = 0; s < td->nr_links; s++)
		n += td->links[s].prev != VIOMMU_TD_UNLINKED;
	if (n != td->count) {
		pr_err("%u slots marked deferred, %u in the list\n", n, td->count);
		return false;
	}
	return true;
}
