// SPDX-License-Identifier: MIT
/*
 * VT-d second-level page tables, legacy mode (spec 9.8). Levels: 1 = PT
 * (4 KiB leaves), 2 = PD (2 MiB leaves with PS), 3 = PDPT (1 GiB leaves with
 * PS), 4 and 5 above; the root is at t->levels.
 * Invariants: every table reachable from the root was allocated through
 * t->mem and is counted in nr_tables; a table is filled and flushed before
 * the entry pointing at it is written (one release store), and that entry is
 * flushed next, so a non-coherent walker never sees a half-built table;
 * tables stay allocated until vtd_pt_destroy().
 */
#include "drivers/vtd_tables.h"
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"

#define VTD_PT_ADDR_BITS 52 /* SLPTE ADDR is bits 51:12 */

static unsigned int level_shift(unsigned int level)
{
	return PAGE_SHIFT + VTD_SLPT_LEVEL_BITS * (level - 1);
}

static u64 level_size(unsigned int level)
{
	return 1ULL << level_shift(level);
}

static unsigned int level_index(iova_t iova, unsigned int level)
{
	return (unsigned int)(iova >> level_shift(level)) & (VTD_SLPT_ENTRIES - 1);
}

static bool ent_present(u64 e)
{
	return (e & (VTD_SLPTE_R | VTD_SLPTE_W)) != 0;
}

static bool ent_is_leaf(u64 e, unsigned int level)
{
	return level == 1 || (e & VTD_SLPTE_PS);
}

static bool ent_is_table(u64 e, unsigned int level)
{
	return ent_present(e) && !ent_is_leaf(e, level);
}

static u64 make_table(hpa_t pa)
{
	return pa | VTD_SLPTE_R | VTD_SLPTE_W;
}

static u64 make_leaf(const struct vtd_pt *t, hpa_t pa, unsigned int level, unsigned int perms)
{
	u64 e = pa | VTD_SLPTE_R;

	if (perms & VTD_PT_W)
		e |= VTD_SLPTE_W;
	if (level > 1)
		e |= VTD_SLPTE_PS;
	if (t->flags & VTD_PT_SNOOP)
		e |= VTD_SLPTE_SNP;
	return e;
}

static unsigned int leaf_perms(u64 e)
{
	return VTD_PT_R | (e & VTD_SLPTE_W ? VTD_PT_W : 0);
}

static void flush(const struct vtd_pt *t, const void *p, u64 len)
{
	if (t->mem->flush)
		t->mem->flush(t->mem->ctx, p, len);
}

/*
 * Publish one entry: a single 64-bit release store (everything written
 * before, e.g. the table it points to, is ordered before it), then flush it.
 */
static void set_entry(const struct vtd_pt *t, u64 *slot, u64 v)
{
	__atomic_store_n(slot, v, __ATOMIC_RELEASE);
	flush(t, slot, sizeof(*slot));
}

static u64 *table_at(const struct vtd_pt *t, u64 e)
{
	return t->mem->table_ptr(t->mem->ctx, e & VTD_SLPTE_ADDR);
}

/* A zeroed table page: 0 with *tab and *pa set, or -ENOMEM. */
static int new_table(struct vtd_pt *t, u64 **tab, hpa_t *pa)
{
	if (t->max_tables && t->nr_tables >= t->max_tables)
		return -ENOMEM; /* a guest-driven tree must not drain the pool */
	*tab = t->mem->alloc_page(t->mem->ctx, pa);
	if (!*tab)
		return -ENOMEM;
	t->nr_tables++;
	return 0;
}

int vtd_pt_init(struct vtd_pt *t, unsigned int levels, unsigned int addr_bits, u32 flags,
		const struct vtd_pt_ops *mem)
{
	t->root = NULL;
	if (levels < 3 || levels > 5 || addr_bits < 21)
		return -EINVAL;
	t->levels = levels;
	t->addr_bits = MIN(addr_bits, level_shift(levels) + VTD_SLPT_LEVEL_BITS);
	t->flags = flags;
	t->mem = mem;
	t->nr_tables = 0;
	t->max_tables = 0;
	t->nr_splits = 0;
	if (new_table(t, &t->root, &t->root_pa)) {
		t->root = NULL;
		return -ENOMEM;
	}
	flush(t, t->root, PAGE_SIZE);
	return 0;
}

u64 vtd_pt_iova_limit(const struct vtd_pt *t)
{
	return 1ULL << t->addr_bits;
}

/* Is [iova, iova+len) inside the address width (len > 0)? */
static bool iova_in_range(const struct vtd_pt *t, iova_t iova, u64 len)
{
	return iova + len > iova && iova + len <= vtd_pt_iova_limit(t);
}

/* Replace the superpage leaf *slot (at level) by a table of smaller leaves. */
static int split(struct vtd_pt *t, u64 *slot, unsigned int level)
{
	u64 leaf = *slot, sub = level_size(level - 1);
	hpa_t pa, base = leaf & VTD_SLPTE_ADDR & ~(level_size(level) - 1);
	unsigned int perms = leaf_perms(leaf);
	u64 *tab;

	if (new_table(t, &tab, &pa))
		return -ENOMEM;
	for (unsigned int i = 0; i < VTD_SLPT_ENTRIES; i++)
		tab[i] = make_leaf(t, base + i * sub, level - 1, perms);
	flush(t, tab, PAGE_SIZE);
	set_entry(t, slot, make_table(pa));
	t->nr_splits++;
	return 0;
}

/* The table one level below *slot, created or split as needed. */
static u64 *descend(struct vtd_pt *t, u64 *slot, unsigned int level, int *err)
{
	hpa_t pa;
	u64 *tab;

	if (!ent_present(*slot)) {
		*err = new_table(t, &tab, &pa);
		if (*err)
			return NULL;
		flush(t, tab, PAGE_SIZE);
		set_entry(t, slot, make_table(pa));
		return tab;
	}
	if (ent_is_leaf(*slot, level)) {
		*err = split(t, slot, level);
		if (*err)
			return NULL;
	}
	return table_at(t, *slot);
}

static bool level_allowed(const struct vtd_pt *t, unsigned int level)
{
	return level == 1 || (level == 2 && (t->flags & VTD_PT_2M)) ||
	       (level == 3 && (t->flags & VTD_PT_1G));
}

/* The largest leaf level that fits at iova/hpa with len bytes left. */
static unsigned int best_level(const struct vtd_pt *t, iova_t iova, hpa_t hpa, u64 len)
{
	for (unsigned int l = 3; l > 1; l--)
		if (level_allowed(t, l) && IS_ALIGNED(iova | hpa, level_size(l)) &&
		    len >= level_size(l))
			return l;
	return 1;
}

static int check_args(const struct vtd_pt *t, iova_t iova, u64 len)
{
	if (!IS_ALIGNED(iova | len, PAGE_SIZE))
		return -EINVAL;
	if (len && !iova_in_range(t, iova, len))
		return -ERANGE;
	return 0;
}

int vtd_pt_map(struct vtd_pt *t, iova_t iova, hpa_t hpa, u64 len, unsigned int perms)
{
	int err = check_args(t, iova, len);

	if (err)
		return err;
	if (!IS_ALIGNED(hpa, PAGE_SIZE))
		return -EINVAL;
	if (len && (hpa + len < hpa || ((hpa + len - 1) >> VTD_PT_ADDR_BITS)))
		return -ERANGE;
	while (len) {
		unsigned int target = best_level(t, iova, hpa, len);
		unsigned int level = t->levels, first, i;
		u64 *tab = t->root;

		for (;;) {
			u64 *slot = &tab[level_index(iova, level)];

			if (level > target) {
				tab = descend(t, slot, level, &err);
				if (!tab)
					return err;
			} else if (level > 1 && ent_is_table(*slot, level)) {
				/* keep the finer table (it may be walked): map inside it */
				tab = table_at(t, *slot);
			} else {
				break;
			}
			level--;
		}
		/*
		 * One run of leaves in this table, flushed together. Past the
		 * first entry no larger page can fit (this table spans one), so
		 * the run ends when a smaller one is needed or a finer table sits
		 * in the next slot.
		 */
		first = i = level_index(iova, level);
		do {
			u64 sz = level_size(level);

			__atomic_store_n(&tab[i], make_leaf(t, hpa, level, perms),
					 __ATOMIC_RELEASE);
			iova += sz;
			hpa += sz;
			len -= sz;
			if (++i == VTD_SLPT_ENTRIES || len < sz)
				break;
			if (level > 1 && ent_is_table(tab[i], level))
				break;
			if (best_level(t, iova, hpa, len) != level)
				break;
		} while (len);
		flush(t, &tab[first], (u64)(i - first) * sizeof(u64));
	}
	return 0;
}

int vtd_pt_unmap(struct vtd_pt *t, iova_t iova, u64 len)
{
	int err = check_args(t, iova, len);

	if (err)
		return err;
	while (len) {
		unsigned int level = t->levels;
		u64 *tab = t->root, *slot, step;

		for (;;) {
			u64 size = level_size(level);

			slot = &tab[level_index(iova, level)];
			step = size - (iova & (size - 1));
			if (!ent_present(*slot))
				break; /* nothing mapped in this slot's span */
			if (level == 1 || ent_is_leaf(*slot, level)) {
				/* a 4 KiB leaf is always wholly inside the range */
				if (level == 1 || (IS_ALIGNED(iova, size) && len >= size)) {
					set_entry(t, slot, 0);
					break;
				}
				err = split(t, slot, level);
				if (err)
					return err;
			}
			tab = table_at(t, *slot);
			level--;
		}
		step = MIN(step, len);
		iova += step;
		len -= step;
	}
	return 0;
}

bool vtd_pt_lookup(const struct vtd_pt *t, iova_t iova, hpa_t *hpa, u64 *page_size,
		   unsigned int *perms)
{
	const u64 *tab = t->root;

	if (!tab || iova >= vtd_pt_iova_limit(t))
		return false;
	for (unsigned int level = t->levels; level >= 1; level--) {
		u64 e = tab[level_index(iova, level)];

		if (!ent_present(e))
			return false;
		if (ent_is_leaf(e, level)) {
			u64 size = level_size(level);

			if (hpa)
				*hpa = (e & VTD_SLPTE_ADDR & ~(size - 1)) | (iova & (size - 1));
			if (page_size)
				*page_size = size;
			if (perms)
				*perms = leaf_perms(e);
			return true;
		}
		tab = table_at(t, e);
	}
	return false;
}

static void free_tree(struct vtd_pt *t, u64 *tab, unsigned int level)
{
	for (unsigned int i = 0; level > 1 && i < VTD_SLPT_ENTRIES; i++) {
		if (ent_is_table(tab[i], level)) {
			u64 *sub = table_at(t, tab[i]);

			free_tree(t, sub, level - 1);
			t->mem->free_page(t->mem->ctx, sub, tab[i] & VTD_SLPTE_ADDR);
			t->nr_tables--;
		}
	}
}

void vtd_pt_destroy(struct vtd_pt *t)
{
	if (!t->root)
		return;
	free_tree(t, t->root, t->levels);
	t->mem->free_page(t->mem->ctx, t->root, t->root_pa);
	t->nr_tables--;
	t->root = NULL;
}
