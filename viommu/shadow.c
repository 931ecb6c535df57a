// SPDX-License-Identifier: MIT
/*
 * The NIC's physical domain made to translate exactly what the guest's
 * VT-d tables allow (the guest runs with CAP.CM=1, so it invalidates after
 * every map and unmap, and every invalidation lands here).
 *
 * Invariants (viommu_shadow_check() tests them):
 *  - the shadow records every entry the physical domain may hold: a page
 *    is only mapped physically after it has a slot, a slot is only dropped
 *    after the physical unmap succeeded;
 *  - when a call returns, every physical entry removed or changed during it
 *    has been flushed (one phys->flush per call, or the select's flush);
 *  - in TRANSLATED mode, after an invalidation of a range, each page of it
 *    is shadowed iff the guest maps it, with the guest's page and rights,
 *    except deferred entries (teardown window > 0) which stay until their
 *    deadline, an expiry pass, the cap, or a context change;
 *  - in IDENTITY and BLOCKED modes the shadow is empty.
 * Guest superpages are shadowed as 4 KiB entries. gpa == hpa (thin
 * passthrough); viommu/walk.c guarantees every page it reports is guest RAM.
 */
#define LOG_PREFIX "viommu-shadow: "
#include "viommu/shadow.h"
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"

#define SHADOW_F_R BIT(0)
#define SHADOW_F_W BIT(1)
#define SHADOW_F_USED BIT(2)
#define SHADOW_MAX_ENTS (1u << 30)

/* Physical entries changed in this call: the one flush must cover them. */
struct flush_acc {
	bool any;
	bool unmapped; /* a page the guest had mapped is gone (deferred or dropped) */
	iova_t lo, hi;
};

/* ---- storage: slots, free list, open-addressing index ------------------- */

static size_t bytes_for(u32 n)
{
	return (size_t)n * (sizeof(struct viommu_shadow_ent) + sizeof(struct viommu_td_link)) +
	       (size_t)n * 2 * sizeof(u32);
}

size_t viommu_shadow_storage_bytes(u32 nr_entries)
{
	u32 n = 2;

	while (n < nr_entries && n < SHADOW_MAX_ENTS)
		n *= 2;
	return bytes_for(n);
}

static u32 home(const struct viommu_shadow *s, iova_t iova)
{
	return (u32)(((iova >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ULL) >> (64 - s->index_bits));
}

/* Index position holding iova's slot, or VIOMMU_TD_NONE. */
static u32 find_pos(const struct viommu_shadow *s, iova_t iova)
{
	u32 i = home(s, iova);

	for (u32 n = 0; n <= s->index_mask; n++, i = (i + 1) & s->index_mask) {
		u32 slot = s->index[i];

		if (slot == VIOMMU_TD_NONE)
			break;
		if (s->ents[slot].iova == iova)
			return i;
	}
	return VIOMMU_TD_NONE;
}

static u32 find_slot(const struct viommu_shadow *s, iova_t iova)
{
	u32 pos = find_pos(s, iova);

	return pos == VIOMMU_TD_NONE ? VIOMMU_TD_NONE : s->index[pos];
}

/* Backward-shift deletion: later members of the probe run move up. */
static void index_remove(struct viommu_shadow *s, u32 i)
{
	u32 j = i;

	for (u32 n = 0; n <= s->index_mask; n++) {
		u32 k;

		s->index[i] = VIOMMU_TD_NONE;
		for (;;) {
			j = (j + 1) & s->index_mask;
			if (s->index[j] == VIOMMU_TD_NONE)
				return;
			k = home(s, s->ents[s->index[j]].iova);
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue; /* its home is between: it stays */
			s->index[i] = s->index[j];
			i = j;
			break;
		}
	}
}

/* A free slot for iova, entered in the index (load <= 1/2: always room). */
static u32 slot_take(struct viommu_shadow *s, iova_t iova, hpa_t hpa, bool r, bool w)
{
	u32 slot = s->free_head, i;

	if (slot == VIOMMU_TD_NONE)
		return slot;
	s->free_head = s->ents[slot].free_next;
	s->ents[slot].iova = iova;
	s->ents[slot].hpa = hpa | SHADOW_F_USED | (r ? SHADOW_F_R : 0) | (w ? SHADOW_F_W : 0);
	s->ents[slot].epoch = s->epoch;
	for (i = home(s, iova); s->index[i] != VIOMMU_TD_NONE; i = (i + 1) & s->index_mask)
		;
	s->index[i] = slot;
	s->used++;
	return slot;
}

static void slot_forget(struct viommu_shadow *s, u32 slot)
{
	u32 pos = find_pos(s, s->ents[slot].iova);

	BUG_ON(pos == VIOMMU_TD_NONE || s->index[pos] != slot);
	index_remove(s, pos);
	viommu_td_unlink(&s->td, slot);
	s->ents[slot].hpa = 0;
	s->ents[slot].free_next = s->free_head;
	s->free_head = slot;
	s->used--;
}

static hpa_t ent_hpa(const struct viommu_shadow_ent *e)
{
	return e->hpa & PAGE_MASK;
}

static bool ent_r(const struct viommu_shadow_ent *e)
{
	return e->hpa & SHADOW_F_R;
}

static bool ent_w(const struct viommu_shadow_ent *e)
{
	return e->hpa & SHADOW_F_W;
}

int viommu_shadow_init(struct viommu_shadow *s, const struct viommu_config *cfg,
		       const struct viommu_guest_mem *m, const struct viommu_phys_ops *phys,
		       struct viommu_stats *st, void *storage, size_t storage_bytes)
{
	u32 n = 2;
	u8 *p = storage;

	if (!s || !cfg || !m || !st || !storage || !IS_ALIGNED((uintptr_t)storage, 8))
		return -EINVAL;
	if (cfg->phys_iommu &&
	    (!phys || !phys->map || !phys->unmap || !phys->flush || !phys->select))
		return -EINVAL;
	if (bytes_for(n) > storage_bytes)
		return -EINVAL;
	while (n < SHADOW_MAX_ENTS && bytes_for(n * 2) <= storage_bytes)
		n *= 2;
	memset(s, 0, sizeof(*s));
	s->cfg = cfg;
	s->mem = m;
	s->phys = phys;
	s->st = st;
	s->nr_ents = n;
	s->ents = (struct viommu_shadow_ent *)p;
	p += (size_t)n * sizeof(struct viommu_shadow_ent);
	viommu_td_init(&s->td, (struct viommu_td_link *)p, n, cfg->teardown_ms, cfg->teardown_cap,
		       cfg->tsc_khz);
	p += (size_t)n * sizeof(struct viommu_td_link);
	s->index = (u32 *)p;
	s->index_bits = (unsigned int)fls64(n) + 1;
	s->index_mask = n * 2 - 1;
	for (u32 i = 0; i <= s->index_mask; i++)
		s->index[i] = VIOMMU_TD_NONE;
	for (u32 i = 0; i < n; i++) {
		s->ents[i].hpa = 0;
		s->ents[i].free_next = i + 1 < n ? i + 1 : VIOMMU_TD_NONE;
	}
	s->free_head = 0;
	s->epoch = 1;
	s->mode = VIOMMU_SHADOW_IDENTITY;
	return 0;
}

/* ---- physical side ------------------------------------------------------ */

static void report(struct viommu_shadow *s, const char *what, iova_t iova, int err)
{
	s->errors++;
	if (!(s->errors & (s->errors - 1))) /* 1st, 2nd, 4th, 8th... */
		pr_warn("%s failed at iova %#llx: %s (%llu so far)\n", what,
			(unsigned long long)iova, errno_name(-err), (unsigned long long)s->errors);
}

static void note_change(struct flush_acc *fa, iova_t iova)
{
	if (!fa)
		return;
	if (!fa->any || iova < fa->lo)
		fa->lo = iova;
	if (!fa->any || iova > fa->hi)
		fa->hi = iova;
	fa->any = true;
}

/* Address width the guest's tables can map (the emulated unit's MGAW). */
static unsigned int addr_bits(const struct viommu_shadow *s)
{
	unsigned int bits = s->cfg->mgaw;

	if (s->mode == VIOMMU_SHADOW_TRANSLATED && s->ctx.levels >= 2 &&
	    vtd_aw_bits(s->ctx.levels - 2) < bits)
		bits = vtd_aw_bits(s->ctx.levels - 2);
	return bits < PAGE_SHIFT + 1 ? PAGE_SHIFT + 1 : bits > 63 ? 63 : bits;
}

/* ONE physical flush covering everything noted (an aligned block, or all). */
static int flush_changes(struct viommu_shadow *s, const struct flush_acc *fa)
{
	unsigned int order = 0;
	bool all;
	iova_t base;
	int err;

	if (!fa->any)
		return 0;
	while (PAGE_SHIFT + order < 64 &&
	       (fa->lo >> (PAGE_SHIFT + order)) != (fa->hi >> (PAGE_SHIFT + order)))
		order++;
	all = PAGE_SHIFT + order >= addr_bits(s);
	base = all ? 0 : fa->lo & ~((PAGE_SIZE << order) - 1);
	s->st->phys_flushes++;
	err = s->phys->flush(s->phys->ctx, base, all ? 0 : order, all);
	if (err)
		report(s, "flush", base, err);
	return err;
}

/* Unmap a slot's page physically, then forget the slot (kept if it fails). */
static int drop_slot(struct viommu_shadow *s, u32 slot, struct flush_acc *fa)
{
	iova_t iova = s->ents[slot].iova;
	int err;

	s->st->shadow_unmaps++;
	err = s->phys->unmap(s->phys->ctx, iova);
	note_change(fa, iova);
	if (err) {
		report(s, "unmap", iova, err);
		return err;
	}
	slot_forget(s, slot);
	return 0;
}

/* Drop every entry (mode change). Failures keep their slot. */
static int drop_all(struct viommu_shadow *s, struct flush_acc *fa)
{
	int err = 0;

	for (u32 slot = 0; slot < s->nr_ents && s->used; slot++) {
		int e;

		if (!(s->ents[slot].hpa & SHADOW_F_USED))
			continue;
		e = drop_slot(s, slot, fa);
		err = err ? err : e;
	}
	return err;
}

/* Tear down the oldest deferred entry now: cap reached or storage full. */
static int evict_oldest(struct viommu_shadow *s, struct flush_acc *fa)
{
	u32 slot = viommu_td_oldest(&s->td);
	int err;

	if (slot == VIOMMU_TD_NONE)
		return -ENOMEM;
	err = drop_slot(s, slot, fa);
	if (!err)
		s->st->expired++;
	return err;
}

/* ---- bringing pages in line with the guest ------------------------------ */

/* The guest maps iova -> hpa with rights r/w: make the shadow agree. */
static int sync_present(struct viommu_shadow *s, iova_t iova, hpa_t hpa, bool r, bool w,
			struct flush_acc *fa)
{
	u32 slot = find_slot(s, iova);
	struct viommu_shadow_ent *e;
	int err;

	if (slot != VIOMMU_TD_NONE) {
		e = &s->ents[slot];
		e->epoch = s->epoch;
		if (viommu_td_match(ent_hpa(e), ent_r(e), ent_w(e), hpa, r, w) == VIOMMU_TD_SAME) {
			if (viommu_td_is_deferred(&s->td, slot)) {
				viommu_td_unlink(&s->td, slot); /* revived: no phys call */
				s->st->revivals++;
			}
			return 0;
		}
		/* Other page or other rights: the old entry may be cached. */
		viommu_td_unlink(&s->td, slot);
		s->st->shadow_maps++;
		err = s->phys->map(s->phys->ctx, iova, hpa, r, w);
		note_change(fa, iova);
		if (err) {
			report(s, "remap", iova, err);
			(void)drop_slot(s, slot, fa); /* the old page must not stay */
			return err;
		}
		e->hpa = hpa | SHADOW_F_USED | (r ? SHADOW_F_R : 0) | (w ? SHADOW_F_W : 0);
		return 0;
	}
	if (s->free_head == VIOMMU_TD_NONE) {
		err = evict_oldest(s, fa);
		if (err) {
			report(s, err == -ENOMEM ? "shadow full: map" : "evict", iova, err);
			return err;
		}
	}
	slot = slot_take(s, iova, hpa, r, w);
	BUG_ON(slot == VIOMMU_TD_NONE);
	s->st->shadow_maps++;
	err = s->phys->map(s->phys->ctx, iova, hpa, r, w);
	if (err) {
		/* A failed map of an absent entry leaves it absent. */
		report(s, "map", iova, err);
		slot_forget(s, slot);
	}
	return err;
}

/* The guest no longer maps slot's page: defer or tear it down. */
static int sync_absent(struct viommu_shadow *s, u32 slot, bool strict, u64 now_tsc,
		       struct flush_acc *fa)
{
	u32 evicted;

	if (viommu_td_is_deferred(&s->td, slot) && !strict)
		return 0; /* its window is running */
	if (fa && !viommu_td_is_deferred(&s->td, slot))
		fa->unmapped = true;
	if (strict || !viommu_td_enabled(&s->td))
		return drop_slot(s, slot, fa);
	if (viommu_td_count(&s->td) >= s->td.cap && evict_oldest(s, fa))
		return drop_slot(s, slot, fa);
	evicted = viommu_td_defer(&s->td, slot, now_tsc);
	BUG_ON(evicted != VIOMMU_TD_NONE);
	s->st->deferred++;
	return 0;
}

struct sync_pass {
	struct viommu_shadow *s;
	struct flush_acc *fa;
	int err;
};

static int sync_page_cb(void *arg, iova_t iova, const struct viommu_xlate *x)
{
	struct sync_pass *p = arg;
	/* Thin passthrough: guest RAM is at hpa == gpa (walk.c checked RAM). */
	int err = sync_present(p->s, iova, (hpa_t)x->gpa, x->read, x->write, p->fa);

	if (err && !p->err)
		p->err = err;
	return 0; /* go on: pages further on still need their check */
}

static void next_epoch(struct viommu_shadow *s)
{
	if (++s->epoch)
		return;
	for (u32 i = 0; i < s->nr_ents; i++)
		s->ents[i].epoch = 0;
	s->epoch = 1;
}

/* Entries in [start, end) the pass did not see: the guest dropped them. */
static int sweep(struct viommu_shadow *s, iova_t start, iova_t end, bool strict, u64 now_tsc,
		 struct flush_acc *fa)
{
	u64 npages = (end - start) >> PAGE_SHIFT;
	int err = 0, e;

	if (npages <= s->used) {
		for (iova_t iova = start; iova < end; iova += PAGE_SIZE) {
			u32 slot = find_slot(s, iova);

			if (slot == VIOMMU_TD_NONE || s->ents[slot].epoch == s->epoch)
				continue;
			e = sync_absent(s, slot, strict, now_tsc, fa);
			err = err ? err : e;
		}
		return err;
	}
	for (u32 slot = 0; slot < s->nr_ents; slot++) {
		const struct viommu_shadow_ent *ent = &s->ents[slot];

		if (!(ent->hpa & SHADOW_F_USED) || ent->epoch == s->epoch || ent->iova < start ||
		    ent->iova >= end)
			continue;
		e = sync_absent(s, slot, strict, now_tsc, fa);
		err = err ? err : e;
	}
	return err;
}

/* Bring [start, end) (page aligned, within the address width) in line. */
static int sync_range(struct viommu_shadow *s, iova_t start, iova_t end, bool strict, u64 now_tsc,
		      struct flush_acc *fa)
{
	const struct viommu_config *cfg = s->cfg;
	struct sync_pass p = { .s = s, .fa = fa, .err = 0 };
	long n;
	int err;

	/*
	 * A second pass only when the first ran out of slots and its sweep
	 * freed some (strict mode: removals come after the walk).
	 */
	for (unsigned int pass = 0; pass < 2; pass++) {
		u32 free_before;

		p.err = 0;
		next_epoch(s);
		s->st->walks++;
		n = viommu_walk_range(s->mem, &s->ctx, start, end, cfg->sllps_2m, cfg->sllps_1g,
				      cfg->mgaw, ~0ULL, sync_page_cb, &p);
		if (n < 0) {
			/*
			 * Pages the walk did not reach are swept: they fault,
			 * safely. Running out of budget is final (the same tree
			 * runs out again), so it is reported like full storage:
			 * -ENOMEM, pages not shadowed; never a "try again" error,
			 * which would stall the guest's queue at the descriptor.
			 */
			s->st->walk_faults++;
			report(s, "guest table walk", start, (int)n);
			if (!p.err)
				p.err = n == -E2BIG ? -ENOMEM : (int)n;
		}
		free_before = s->nr_ents - s->used;
		err = sweep(s, start, end, strict, now_tsc, fa);
		if (n < 0 || p.err != -ENOMEM || s->nr_ents - s->used <= free_before)
			break;
	}
	return p.err ? p.err : err;
}

/* ---- entry points ------------------------------------------------------- */

static int to_identity(struct viommu_shadow *s)
{
	int err;

	if (!s->cfg->phys_iommu) {
		s->mode = VIOMMU_SHADOW_IDENTITY;
		return 0;
	}
	if (s->phys_translated) {
		err = s->phys->select(s->phys->ctx, false);
		if (err) {
			report(s, "select identity", 0, err);
			return err; /* still on the shadow domain, which stays as it was */
		}
		s->phys_translated = false;
	}
	s->mode = VIOMMU_SHADOW_IDENTITY;
	memset(&s->ctx, 0, sizeof(s->ctx));
	/* The shadow domain is out of use: its IOTLB was flushed by select,
	 * and select(true) flushes again before it is used. */
	return drop_all(s, NULL);
}

/* Point the NIC at the (updated) shadow domain; fa: what changed in it. */
static int select_shadow(struct viommu_shadow *s, const struct flush_acc *fa)
{
	int err;

	if (s->phys_translated)
		return flush_changes(s, fa);
	err = s->phys->select(s->phys->ctx, true);
	if (err) {
		report(s, "select shadow", 0, err);
		return err;
	}
	s->phys_translated = true;
	return 0;
}

static int to_blocked(struct viommu_shadow *s)
{
	struct flush_acc fa = { 0 };
	int err, e;

	err = drop_all(s, &fa);
	s->mode = VIOMMU_SHADOW_BLOCKED;
	memset(&s->ctx, 0, sizeof(s->ctx));
	e = select_shadow(s, &fa);
	return err ? err : e;
}

static int to_translated(struct viommu_shadow *s, const struct viommu_context *c, u64 now_tsc)
{
	struct flush_acc fa = { 0 };
	int err, e;

	s->ctx = *c;
	s->mode = VIOMMU_SHADOW_TRANSLATED;
	err = sync_range(s, 0, 1ULL << addr_bits(s), true, now_tsc, &fa);
	e = select_shadow(s, &fa);
	return err ? err : e;
}

int viommu_shadow_context_changed(struct viommu_shadow *s, gpa_t root_gpa, bool te, u64 now_tsc)
{
	struct viommu_context c;
	u16 sid = s->cfg->nic_sid;
	int fr;

	if (!te)
		return to_identity(s);
	fr = viommu_context_lookup(s->mem, root_gpa, (u8)(sid >> 8), (u8)sid,
				   VIOMMU_WALK_LEVELS(s->cfg->levels), &c);
	if (!fr && c.tt == VTD_TT_PASS_THROUGH)
		return to_identity(s);
	if (!s->cfg->phys_iommu) {
		/* Nothing can enforce a translation or a block here. */
		(void)to_identity(s);
		/* the guest can repeat this at will: 1st, 2nd, 4th, 8th... only */
		s->refusals++;
		if (!(s->refusals & (s->refusals - 1)))
			pr_warn("no physical IOMMU: NIC context %s refused, DMA stays untranslated (%llu so far)\n",
				fr ? "fault" : "with translation", (unsigned long long)s->refusals);
		return fr ? fr : VTD_FR_CTX_INVALID;
	}
	if (fr)
		return to_blocked(s);
	/*
	 * The same tables again (a context-cache flush for another device, or
	 * a global one): nothing to do. A context-cache invalidation does not
	 * flush the IOTLB (spec 6.5.1); the guest follows it with an IOTLB
	 * invalidation where translations changed.
	 */
	if (s->mode == VIOMMU_SHADOW_TRANSLATED && s->phys_translated && c.did == s->ctx.did &&
	    c.slptptr == s->ctx.slptptr && c.levels == s->ctx.levels && c.tt == s->ctx.tt) {
		s->ctx.fpd = c.fpd;
		return 0;
	}
	return to_translated(s, &c, now_tsc);
}

int viommu_shadow_invalidate(struct viommu_shadow *s, unsigned int granularity, u16 did,
			     iova_t iova, unsigned int am, u64 now_tsc)
{
	struct flush_acc fa = { 0 };
	unsigned int bits = addr_bits(s);
	iova_t start = 0, end = 1ULL << bits;
	int err, e;

	switch (granularity) {
	case VTD_IOTLB_GRAN_GLOBAL:
		break;
	case VTD_IOTLB_GRAN_DOMAIN:
		if (did != s->ctx.did)
			return 0;
		break;
	case VTD_IOTLB_GRAN_PAGE:
		if (did != s->ctx.did)
			return 0;
		if (PAGE_SHIFT + am < bits) {
			iova_t size = PAGE_SIZE << am, page = iova & ~(iova_t)(PAGE_SIZE - 1);

			/* The aligned 2^AM pages (6.5.1.2) and [iova, +2^AM
			 * pages): Linux 6.1 sends them unaligned; wider is safe. */
			start = iova & ~(size - 1);
			if (start >= end)
				return 0;
			end = MIN(end, MAX(start + size, page + size));
		}
		break;
	default:
		return -EINVAL;
	}
	if (s->mode != VIOMMU_SHADOW_TRANSLATED)
		return 0; /* identity needs nothing; blocked stays empty */
	err = sync_range(s, start, end, false, now_tsc, &fa);
	if (fa.unmapped)
		s->st->unmap_invalidations++;
	e = flush_changes(s, &fa);
	return err ? err : e;
}

struct expire_arg {
	struct viommu_shadow *s;
	struct flush_acc *fa;
};

static int expire_drop_cb(void *arg, u32 slot)
{
	struct expire_arg *a = arg;

	return drop_slot(a->s, slot, a->fa);
}

int viommu_shadow_expire(struct viommu_shadow *s, u64 now_tsc)
{
	struct flush_acc fa = { 0 };
	struct expire_arg a = { .s = s, .fa = &fa };
	u32 n;
	int err, e;

	if (!viommu_td_due(&s->td, now_tsc)) {
		if (now_tsc > s->last_expire_tsc)
			s->last_expire_tsc = now_tsc;
		return 0;
	}
	err = viommu_td_expire(&s->td, now_tsc, expire_drop_cb, &a, &n);
	s->st->expired += n;
	if (n)
		s->st->batches++;
	e = flush_changes(s, &fa);
	/* Even after a failure: what was due at now and is left is overdue. */
	if (now_tsc > s->last_expire_tsc)
		s->last_expire_tsc = now_tsc;
	if (err || e)
		return err ? err : e;
	return (int)n;
}

/* ---- queries and the invariant check ------------------------------------ */

enum viommu_shadow_mode viommu_shadow_mode(const struct viommu_shadow *s)
{
	return s->mode;
}

u32 viommu_shadow_count(const struct viommu_shadow *s)
{
	return s->used;
}

u32 viommu_shadow_deferred(const struct viommu_shadow *s)
{
	return viommu_td_count(&s->td);
}

bool viommu_shadow_lookup(const struct viommu_shadow *s, iova_t iova, hpa_t *hpa, bool *read,
			  bool *write, bool *deferred)
{
	u32 slot = find_slot(s, iova & PAGE_MASK);
	const struct viommu_shadow_ent *e;

	if (slot == VIOMMU_TD_NONE)
		return false;
	e = &s->ents[slot];
	*hpa = ent_hpa(e);
	*read = ent_r(e);
	*write = ent_w(e);
	*deferred = viommu_td_is_deferred(&s->td, slot);
	return true;
}

/* Slots, free list and index agree. */
static bool check_structure(const struct viommu_shadow *s)
{
	u32 used = 0, indexed = 0, free = 0;

	for (u32 slot = 0; slot < s->nr_ents; slot++) {
		const struct viommu_shadow_ent *e = &s->ents[slot];

		if (!(e->hpa & SHADOW_F_USED)) {
			if (viommu_td_is_deferred(&s->td, slot)) {
				pr_err("check: free slot %u is deferred\n", slot);
				return false;
			}
			continue;
		}
		used++;
		if (find_slot(s, e->iova) != slot || !IS_ALIGNED(e->iova, PAGE_SIZE)) {
			pr_err("check: slot %u (iova %#llx) not found by its index\n", slot,
			       (unsigned long long)e->iova);
			return false;
		}
	}
	for (u32 i = 0; i <= s->index_mask; i++)
		indexed += s->index[i] != VIOMMU_TD_NONE;
	for (u32 slot = s->free_head; slot != VIOMMU_TD_NONE && free <= s->nr_ents;
	     slot = s->ents[slot].free_next)
		free++;
	if (used != s->used || indexed != used || free != s->nr_ents - used) {
		pr_err("check: %u used, count %u, %u indexed, %u free of %u\n", used, s->used,
		       indexed, free, s->nr_ents);
		return false;
	}
	return viommu_td_check(&s->td);
}

static bool check_deferred(const struct viommu_shadow *s, u32 slot, u64 now_tsc)
{
	u64 dl = viommu_td_deadline(&s->td, slot);
	iova_t iova = s->ents[slot].iova;

	if (!viommu_td_enabled(&s->td)) {
		pr_err("check: iova %#llx deferred in strict mode\n", (unsigned long long)iova);
		return false;
	}
	if (dl <= s->last_expire_tsc) {
		pr_err("check: iova %#llx overdue (deadline %llu, expired up to %llu)\n",
		       (unsigned long long)iova, (unsigned long long)dl,
		       (unsigned long long)s->last_expire_tsc);
		return false;
	}
	if (dl > now_tsc && dl - now_tsc > s->td.window_tsc) {
		pr_err("check: iova %#llx deadline %llu beyond now %llu + window\n",
		       (unsigned long long)iova, (unsigned long long)dl,
		       (unsigned long long)now_tsc);
		return false;
	}
	return true;
}

static bool check_live(struct viommu_shadow *s, u32 slot)
{
	const struct viommu_config *cfg = s->cfg;
	const struct viommu_shadow_ent *e = &s->ents[slot];
	struct viommu_xlate x;
	int fr = viommu_walk(s->mem, &s->ctx, e->iova, cfg->sllps_2m, cfg->sllps_1g, cfg->mgaw, &x);

	if (fr) {
		pr_err("check: iova %#llx shadowed, guest tables say fault %#x\n",
		       (unsigned long long)e->iova, fr);
		return false;
	}
	if ((x.gpa & PAGE_MASK) != ent_hpa(e) || x.read != ent_r(e) || x.write != ent_w(e)) {
		pr_err("check: iova %#llx shadowed as %#llx %c%c, guest maps %#llx %c%c\n",
		       (unsigned long long)e->iova, (unsigned long long)ent_hpa(e),
		       ent_r(e) ? 'r' : '-', ent_w(e) ? 'w' : '-',
		       (unsigned long long)(x.gpa & PAGE_MASK), x.read ? 'r' : '-',
		       x.write ? 'w' : '-');
		return false;
	}
	return true;
}

static int check_guest_page_cb(void *arg, iova_t iova, const struct viommu_xlate *x)
{
	struct viommu_shadow *s = arg;
	u32 slot = find_slot(s, iova);
	const struct viommu_shadow_ent *e;

	if (slot == VIOMMU_TD_NONE || viommu_td_is_deferred(&s->td, slot)) {
		pr_err("check: guest maps iova %#llx, shadow has it %s\n", (unsigned long long)iova,
		       slot == VIOMMU_TD_NONE ? "absent" : "deferred");
		return -EFAULT;
	}
	e = &s->ents[slot];
	if ((x->gpa & PAGE_MASK) != ent_hpa(e) || x->read != ent_r(e) || x->write != ent_w(e)) {
		pr_err("check: iova %#llx differs from the guest's mapping\n",
		       (unsigned long long)iova);
		return -EFAULT;
	}
	return 0;
}

bool viommu_shadow_check(struct viommu_shadow *s, u64 now_tsc)
{
	const struct viommu_config *cfg = s->cfg;
	long n;

	if (!check_structure(s))
		return false;
	if (s->mode != VIOMMU_SHADOW_TRANSLATED) {
		if (s->used)
			pr_err("check: %u entries while not translated\n", s->used);
		return !s->used;
	}
	for (u32 slot = 0; slot < s->nr_ents; slot++) {
		if (!(s->ents[slot].hpa & SHADOW_F_USED))
			continue;
		if (viommu_td_is_deferred(&s->td, slot) ? !check_deferred(s, slot, now_tsc)
							: !check_live(s, slot))
			return false;
	}
	n = viommu_walk_range(s->mem, &s->ctx, 0, 1ULL << addr_bits(s), cfg->sllps_2m,
			      cfg->sllps_1g, cfg->mgaw, ~0ULL, check_guest_page_cb, s);
	if (n < 0 && n != -EFAULT)
		pr_err("check: guest table walk failed: %s\n", errno_name((int)-n));
	return n >= 0;
}
