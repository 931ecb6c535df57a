// SPDX-License-Identifier: MIT
/*
 * Guest root table -> context entry -> second-level page-table walk for the
 * emulated VT-d unit (spec 9.1, 9.3, 9.8; fault reasons from chapter 7).
 * Pure: guest memory only through struct viommu_guest_mem, which refuses
 * anything that is not guest RAM; every entry is read once into a local
 * copy and decoded from there. Invariants: a walk reads at most one entry
 * per level; viommu_walk_range is iterative (depth = levels) and bounded by
 * VIOMMU_WALK_RANGE_BUDGET reads, whatever the tables point at.
 */
#include "viommu/walk.h"
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * Reserved bits (chapter 9: everything that is not a field is reserved).
 * Root entry, legacy mode (9.1): lo bits 11:1, the whole hi word.
 * Context entry (9.3): lo bits 11:4, hi bit 7 and bits 63:24.
 */
#define ROOT_LO_RSVD (~(VTD_ROOT_LO_P | VTD_ROOT_LO_CTP))
#define CTX_LO_RSVD (~(VTD_CTX_LO_P | VTD_CTX_LO_FPD | VTD_CTX_LO_TT | VTD_CTX_LO_SLPTPTR))
#define CTX_HI_RSVD (~(VTD_CTX_HI_AW | VTD_CTX_HI_AVAIL | VTD_CTX_HI_DID))

/*
 * Second-level entries (9.8). Non-leaf entries: bit 11 is reserved (it is
 * SNP only in leaves) and bit 62 (TM) is reserved as device-TLBs are not
 * advertised; bits 6:2, 8-10, 61:52 and 63 are ignored. Leaves: TM
 * reserved, and the address bits below the page size of a 2M/1G leaf.
 * SNP in a leaf is accepted whatever ECAP.SC says: the shadow chooses its
 * own snoop policy. PS is reserved in a PML4E and wherever CAP.SLLPS does
 * not offer that size. Address bits above the guest's width are not
 * checked here: such a page or table is not guest RAM and faults there.
 */
#define SLPTE_PERM (VTD_SLPTE_R | VTD_SLPTE_W)
#define SLPTE_RSVD_NONLEAF (VTD_SLPTE_SNP | VTD_SLPTE_TM)
#define SLPTE_RSVD_LEAF VTD_SLPTE_TM

/* Bits of iova one entry at this level covers: 12, 21, 30, 39. */
static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + VTD_SLPT_LEVEL_BITS * (level - 1);
}

static unsigned int level_index(iova_t iova, unsigned int level)
{
	return (unsigned int)(iova >> level_shift(level)) & (VTD_SLPT_ENTRIES - 1);
}

/* Input address width: min(MGAW, what the levels translate: 39 or 48). */
static unsigned int addr_width(const struct viommu_context *c, unsigned int mgaw)
{
	unsigned int bits = level_shift(c->levels + 1);

	return MIN(mgaw, bits);
}

static bool read_u64(const struct viommu_guest_mem *m, gpa_t gpa, u64 *val)
{
	return m->read(m->ctx, gpa, val, sizeof(*val));
}

/* Guest RAM is whole 4 KiB pages, so one byte decides for its page. */
static bool page_is_ram(const struct viommu_guest_mem *m, gpa_t gpa)
{
	u8 byte;

	return m->read(m->ctx, gpa & PAGE_MASK, &byte, 1);
}

int viommu_context_lookup(const struct viommu_guest_mem *m, gpa_t root_gpa, u8 bus, u8 devfn,
			  unsigned int supported_levels_mask, struct viommu_context *out)
{
	struct vtd_root_entry re;
	struct vtd_context_entry ce;
	gpa_t ctx_table;
	unsigned int aw, levels;

	memset(out, 0, sizeof(*out));
	root_gpa &= VTD_RTADDR_RTA;
	if (!m->read(m->ctx, root_gpa + (gpa_t)bus * sizeof(re), &re, sizeof(re)))
		return VTD_FR_ROOT_ACCESS;
	if (!(re.lo & VTD_ROOT_LO_P))
		return VTD_FR_ROOT_NOT_PRESENT;
	if ((re.lo & ROOT_LO_RSVD) || re.hi)
		return VTD_FR_ROOT_RSVD;

	ctx_table = re.lo & VTD_ROOT_LO_CTP;
	if (!m->read(m->ctx, ctx_table + (gpa_t)devfn * sizeof(ce), &ce, sizeof(ce)))
		return VTD_FR_CTX_ACCESS;
	if (!(ce.lo & VTD_CTX_LO_P))
		return VTD_FR_CTX_NOT_PRESENT;
	out->present = true;
	out->fpd = ce.lo & VTD_CTX_LO_FPD;
	if ((ce.lo & CTX_LO_RSVD) || (ce.hi & CTX_HI_RSVD))
		return VTD_FR_CTX_RSVD;

	out->tt = (unsigned int)FIELD_GET(VTD_CTX_LO_TT, ce.lo);
	out->did = (u16)FIELD_GET(VTD_CTX_HI_DID, ce.hi);
	out->slptptr = ce.lo & VTD_CTX_LO_SLPTPTR;
	aw = (unsigned int)FIELD_GET(VTD_CTX_HI_AW, ce.hi);
	levels = vtd_aw_levels(aw);
	/* AW is checked for pass-through too: software programs a supported
	 * value there (the largest, 9.3). */
	if ((aw != VTD_AW_39BIT && aw != VTD_AW_48BIT) ||
	    !(supported_levels_mask & VIOMMU_WALK_LEVELS(levels)))
		return VTD_FR_CTX_INVALID;
	out->levels = levels;
	/* TT=1 needs device-TLBs (ECAP.DT), TT=3 is reserved. */
	if (out->tt != VTD_TT_UNTRANSLATED && out->tt != VTD_TT_PASS_THROUGH)
		return VTD_FR_CTX_INVALID;
	return 0;
}

/* A context viommu_walk can use: 0, or the fault reason. */
static int context_usable(const struct viommu_context *c)
{
	if (!c->present)
		return VTD_FR_CTX_NOT_PRESENT;
	if (c->levels != 3 && c->levels != 4)
		return VTD_FR_CTX_INVALID;
	if (c->tt != VTD_TT_UNTRANSLATED && c->tt != VTD_TT_PASS_THROUGH)
		return VTD_FR_CTX_INVALID;
	return 0;
}

/*
 * Decode one present-or-not entry at level (1 = PTE). Returns 0 with *leaf
 * and *addr (next table, or the page base of a leaf), or a fault reason.
 */
static int slpte_decode(u64 pte, unsigned int level, bool sllps_2m, bool sllps_1g, bool *leaf,
			u64 *addr)
{
	u64 size;

	if (!(pte & SLPTE_PERM))
		return VIOMMU_FR_NOT_PRESENT;
	*addr = pte & VTD_SLPTE_ADDR;
	if (level > 1 && !(pte & VTD_SLPTE_PS)) {
		if (pte & SLPTE_RSVD_NONLEAF)
			return VTD_FR_PTE_RSVD;
		*leaf = false;
		return 0;
	}
	if (level == 2 ? !sllps_2m : level == 3 ? !sllps_1g : level != 1)
		return VTD_FR_PTE_RSVD;
	size = 1ULL << level_shift(level);
	if (pte & (SLPTE_RSVD_LEAF | (VTD_SLPTE_ADDR & (size - 1))))
		return VTD_FR_PTE_RSVD;
	*leaf = true;
	return 0;
}

static void xlate_fill(struct viommu_xlate *x, gpa_t gpa, u64 size, u64 perm)
{
	x->gpa = gpa;
	x->page_size = size;
	x->read = perm & VTD_SLPTE_R;
	x->write = perm & VTD_SLPTE_W;
}

int viommu_walk(const struct viommu_guest_mem *m, const struct viommu_context *c, iova_t iova,
		bool sllps_2m, bool sllps_1g, unsigned int mgaw, struct viommu_xlate *out)
{
	gpa_t table;
	u64 perm = SLPTE_PERM;
	unsigned int level;
	int r;

	memset(out, 0, sizeof(*out));
	r = context_usable(c);
	if (r)
		return r;
	if (iova >> addr_width(c, mgaw))
		return VTD_FR_BEYOND_MGAW;
	if (c->tt == VTD_TT_PASS_THROUGH) {
		if (!page_is_ram(m, iova))
			return VIOMMU_FR_PAGE_NOT_RAM;
		xlate_fill(out, iova, PAGE_SIZE, perm);
		return 0;
	}

	table = c->slptptr & VTD_SLPTE_ADDR;
	for (level = c->levels; level >= 1; level--) {
		u64 pte, addr, size;
		bool leaf;

		if (!read_u64(m, table + level_index(iova, level) * sizeof(u64), &pte))
			return level == c->levels ? VTD_FR_CTX_INVALID : VTD_FR_PT_ACCESS;
		r = slpte_decode(pte, level, sllps_2m, sllps_1g, &leaf, &addr);
		if (r)
			return r;
		perm &= pte;
		if (!leaf) {
			table = addr;
			continue;
		}
		if (!(perm & SLPTE_PERM))
			return VIOMMU_FR_NOT_PRESENT;
		size = 1ULL << level_shift(level);
		if (!page_is_ram(m, addr + (iova & (size - 1))))
			return VIOMMU_FR_PAGE_NOT_RAM;
		xlate_fill(out, addr + (iova & (size - 1)), size, perm);
		return 0;
	}
	return VTD_FR_PT_ACCESS; /* not reached: level 1 entries are leaves */
}

/* State of one viommu_walk_range() call. */
struct range_walk {
	const struct viommu_guest_mem *m;
	iova_t cur, end;     /* next iova to look at; end of the range */
	u64 max_pages, done; /* fn calls allowed / made */
	u64 budget;	     /* guest reads left */
	viommu_walk_fn fn;
	void *arg;
};

/*
 * Report the pages of the leaf [base, base + size) -> page that lie in
 * [cur, end). 0 to go on, 1 when max_pages or fn stopped the walk, or a
 * negative error.
 */
static int range_leaf(struct range_walk *w, iova_t base, u64 size, gpa_t page, u64 perm)
{
	iova_t stop = MIN(w->end, base + size);
	struct viommu_xlate x;
	int r;

	for (; w->cur < stop; w->cur += PAGE_SIZE) {
		if (!w->budget--)
			return -E2BIG;
		if (!page_is_ram(w->m, page + (w->cur - base)))
			continue;
		xlate_fill(&x, page + (w->cur - base), size, perm);
		r = w->fn(w->arg, w->cur, &x);
		w->done++;
		if (r < 0)
			return r;
		if (r > 0 || w->done == w->max_pages) {
			w->cur += PAGE_SIZE;
			return 1;
		}
	}
	return 0;
}

long viommu_walk_range(const struct viommu_guest_mem *m, const struct viommu_context *c,
		       iova_t start, iova_t end, bool sllps_2m, bool sllps_1g, unsigned int mgaw,
		       u64 max_pages, viommu_walk_fn fn, void *arg)
{
	struct range_walk w = {
		.m = m,
		.cur = start & PAGE_MASK,
		.max_pages = max_pages,
		.budget = VIOMMU_WALK_RANGE_BUDGET,
		.fn = fn,
		.arg = arg,
	};
	gpa_t table[5]; /* table[level]: the table walked at that level */
	u64 perm[6];	/* perm[level]: R/W allowed by the levels above */
	unsigned int level, top;

	if (context_usable(c) || c->tt != VTD_TT_UNTRANSLATED)
		return -EINVAL;
	top = c->levels;
	w.end = MIN(end, 1ULL << addr_width(c, mgaw));
	if (!max_pages)
		return 0;
	table[top] = c->slptptr & VTD_SLPTE_ADDR;
	perm[top + 1] = SLPTE_PERM;
	level = top;

	/*
	 * Cursor walk: at each step, table[level] is the table covering cur.
	 * Descending goes one level down (so never deeper than 'levels',
	 * whatever the tables point at); after each entry cur moves past it
	 * and the walk climbs back up when cur leaves the current table.
	 */
	while (w.cur < w.end) {
		iova_t at = w.cur;
		u64 pte, addr;
		bool leaf;
		int r;

		if (!w.budget--)
			return -E2BIG;
		if (!read_u64(m, table[level] + level_index(at, level) * sizeof(u64), &pte)) {
			/* The whole table is not guest RAM: a hole as large as
			 * the parent's entry (or the whole tree). */
			if (level == top)
				break;
			level++;
		} else if (!slpte_decode(pte, level, sllps_2m, sllps_1g, &leaf, &addr)) {
			u64 size = 1ULL << level_shift(level);

			perm[level] = perm[level + 1] & pte;
			if (!leaf) {
				table[--level] = addr;
				continue;
			}
			if (perm[level] & SLPTE_PERM) {
				r = range_leaf(&w, ALIGN_DOWN(at, size), size, addr, perm[level]);
				if (r < 0)
					return r;
				if (r > 0)
					break;
			}
		}
		/* Past this entry, then up while cur has left the table. */
		w.cur = ALIGN_DOWN(at, 1ULL << level_shift(level)) + (1ULL << level_shift(level));
		while (level < top && !(w.cur & ((1ULL << level_shift(level + 1)) - 1)))
			level++;
	}
	return (long)w.done;
}
