// SPDX-License-Identifier: MIT
/*
 * 4-level guest-physical page tables in EPT or AMD NPT format.
 * Levels: 4 = PML4, 3 = PDPT (1 GiB leaves), 2 = PD (2 MiB), 1 = PT (4 KiB).
 * Invariant: every table reachable from the root was allocated through
 * t->mem and is counted in nr_tables; no entry ever points at a page that
 * is not a table of this npt or the target of a leaf.
 */
#include "vmm/npt.h"
#include "lib/bitops.h"
#include "lib/errno.h"

#define NPT_ADDR_MASK GENMASK(51, 12)
#define NPT_ENTRIES 512

/* EPT (SDM Table 29-2ff) */
#define EPT_R BIT(0)
#define EPT_W BIT(1)
#define EPT_X BIT(2)
#define EPT_MT GENMASK(5, 3)
#define EPT_PS BIT(7)
/* AMD / x86 long mode (APM Vol. 2 5.3) */
#define AMD_P BIT(0)
#define AMD_RW BIT(1)
#define AMD_US BIT(2)
#define AMD_PWT BIT(3)
#define AMD_PCD BIT(4)
#define AMD_PS BIT(7)
#define AMD_NX BIT(63)

static u64 level_size(int level)
{
	return 1ULL << (12 + 9 * (level - 1));
}

static unsigned int level_index(gpa_t gpa, int level)
{
	return (gpa >> (12 + 9 * (level - 1))) & 0x1ff;
}

static bool ent_present(const struct npt *t, u64 e)
{
	return t->kind == NPT_EPT ? (e & (EPT_R | EPT_W | EPT_X)) != 0 : (e & AMD_P) != 0;
}

static bool ent_is_leaf(const struct npt *t, u64 e, int level)
{
	(void)t; /* bit 7 is the page-size bit in both formats */
	_Static_assert(EPT_PS == AMD_PS, "EPT and AMD page-size bits");
	return level == 1 || (e & EPT_PS) != 0;
}

/* Non-leaf: EPT R/W/X (bits 0-2) and AMD P/RW/US (bits 0-2) happen to coincide. */
static u64 make_table(const struct npt *t, hpa_t pa)
{
	_Static_assert((EPT_R | EPT_W | EPT_X) == (AMD_P | AMD_RW | AMD_US), "table bits");
	(void)t;
	return pa | EPT_R | EPT_W | EPT_X;
}

static u64 make_leaf(const struct npt *t, hpa_t pa, int level, enum npt_memtype mt,
		     unsigned int perms)
{
	u64 e;

	if (t->kind == NPT_EPT) {
		e = pa | FIELD_PREP(EPT_MT, mt);
		e |= (perms & NPT_R ? EPT_R : 0) | (perms & NPT_W ? EPT_W : 0) |
		     (perms & NPT_X ? EPT_X : 0);
		return level > 1 ? e | EPT_PS : e;
	}
	e = pa | AMD_P | AMD_US | (perms & NPT_W ? AMD_RW : 0);
	if (!(perms & NPT_X))
		e |= AMD_NX;
	if (mt == NPT_MT_UC)
		e |= AMD_PCD | AMD_PWT;
	return level > 1 ? e | AMD_PS : e;
}

static void leaf_attrs(const struct npt *t, u64 e, enum npt_memtype *mt, unsigned int *perms)
{
	if (t->kind == NPT_EPT) {
		*mt = FIELD_GET(EPT_MT, e) == NPT_MT_UC ? NPT_MT_UC : NPT_MT_WB;
		*perms =
			(e & EPT_R ? NPT_R : 0) | (e & EPT_W ? NPT_W : 0) | (e & EPT_X ? NPT_X : 0);
	} else {
		*mt = e & AMD_PCD ? NPT_MT_UC : NPT_MT_WB;
		*perms = NPT_R | (e & AMD_RW ? NPT_W : 0) | (e & AMD_NX ? 0 : NPT_X);
	}
}

static u64 *table_at(const struct npt *t, u64 e)
{
	return t->mem->table_ptr(t->mem->ctx, e & NPT_ADDR_MASK);
}

static u64 *new_table(struct npt *t, hpa_t *pa)
{
	u64 *p = t->mem->alloc_page(t->mem->ctx, pa);

	if (p)
		t->nr_tables++;
	return p;
}

int npt_init(struct npt *t, enum npt_kind kind, bool use_2m, bool use_1g,
	     const struct npt_mem_ops *mem)
{
	t->kind = kind;
	t->mem = mem;
	t->use_2m = use_2m;
	t->use_1g = use_1g && use_2m;
	t->nr_tables = 0;
	t->nr_splits = 0;
	t->root = new_table(t, &t->root_pa);
	return t->root ? 0 : -ENOMEM;
}

/* Replace the superpage leaf *slot (at level) by a table of smaller leaves. */
static int split(struct npt *t, u64 *slot, int level)
{
	enum npt_memtype mt;
	unsigned int perms;
	hpa_t pa, base = *slot & NPT_ADDR_MASK & ~(level_size(level) - 1);
	u64 *tab = new_table(t, &pa);

	if (!tab)
		return -ENOMEM;
	leaf_attrs(t, *slot, &mt, &perms);
	for (unsigned int i = 0; i < NPT_ENTRIES; i++)
		tab[i] = make_leaf(t, base + i * level_size(level - 1), level - 1, mt, perms);
	*slot = make_table(t, pa);
	t->nr_splits++;
	return 0;
}

/* The table at `level` - 1 for gpa below *slot, created or split as needed. */
static u64 *descend(struct npt *t, u64 *slot, int level, int *err)
{
	hpa_t pa;
	u64 *tab;

	if (!ent_present(t, *slot)) {
		tab = new_table(t, &pa);
		if (!tab) {
			*err = -ENOMEM;
			return NULL;
		}
		*slot = make_table(t, pa);
		/* the page itself, not &pa: new_table returned the allocator's pointer */
		// cppcheck-suppress returnDanglingLifetime
		return tab;
	}
	if (ent_is_leaf(t, *slot, level)) {
		*err = split(t, slot, level);
		if (*err)
			return NULL;
	}
	return table_at(t, *slot);
}

static void free_tree(struct npt *t, u64 *tab, int level)
{
	for (unsigned int i = 0; level > 1 && i < NPT_ENTRIES; i++) {
		if (ent_present(t, tab[i]) && !ent_is_leaf(t, tab[i], level)) {
			u64 *sub = table_at(t, tab[i]);

			free_tree(t, sub, level - 1);
			t->mem->free_page(t->mem->ctx, sub, tab[i] & NPT_ADDR_MASK);
			t->nr_tables--;
		}
	}
}

static bool level_allowed(const struct npt *t, int level)
{
	return level == 1 || (level == 2 && t->use_2m) || (level == 3 && t->use_1g);
}

int npt_map(struct npt *t, gpa_t gpa, hpa_t hpa, u64 len, enum npt_memtype mt, unsigned int perms)
{
	if (!IS_ALIGNED(gpa | hpa | len, PAGE_SIZE) || gpa + len < gpa || hpa + len < hpa ||
	    gpa + len > BIT(48) || hpa + len > BIT(52))
		return -EINVAL;
	while (len) {
		u64 *tab = t->root;
		int level = 4, err = 0, target = 1;

		for (int l = 3; l > 1; l--) {
			if (level_allowed(t, l) && IS_ALIGNED(gpa | hpa, level_size(l)) &&
			    len >= level_size(l)) {
				target = l;
				break;
			}
		}
		while (level > target) {
			u64 *slot = &tab[level_index(gpa, level)];

			tab = descend(t, slot, level, &err);
			if (!tab)
				return err;
			level--;
		}
		/* a finer mapping already here: replace it with the large leaf */
		if (level > 1 && ent_present(t, tab[level_index(gpa, level)]) &&
		    !ent_is_leaf(t, tab[level_index(gpa, level)], level)) {
			u64 e = tab[level_index(gpa, level)];
			u64 *sub = table_at(t, e);

			free_tree(t, sub, level - 1);
			t->mem->free_page(t->mem->ctx, sub, e & NPT_ADDR_MASK);
			t->nr_tables--;
		}
		tab[level_index(gpa, level)] = make_leaf(t, hpa, level, mt, perms);
		gpa += level_size(level);
		hpa += level_size(level);
		len -= level_size(level);
	}
	return 0;
}

int npt_unmap(struct npt *t, gpa_t gpa, u64 len)
{
	if (!IS_ALIGNED(gpa | len, PAGE_SIZE) || gpa + len < gpa || gpa + len > BIT(48))
		return -EINVAL;
	while (len) {
		u64 *tab = t->root, *slot;
		int level = 4, err = 0;
		u64 step;

		for (;;) {
			slot = &tab[level_index(gpa, level)];
			step = level_size(level) - (gpa & (level_size(level) - 1));
			if (!ent_present(t, *slot))
				break; /* nothing mapped in this slot's span */
			if (ent_is_leaf(t, *slot, level)) {
				if (IS_ALIGNED(gpa, level_size(level)) &&
				    len >= level_size(level)) {
					*slot = 0;
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
		gpa += step;
		len -= step;
	}
	return 0;
}

bool npt_lookup(const struct npt *t, gpa_t gpa, hpa_t *hpa, u64 *page_size, unsigned int *perms,
		enum npt_memtype *mt)
{
	const u64 *tab = t->root;

	if (gpa >> 48) /* beyond 4 levels; the indexes would wrap */
		return false;
	for (int level = 4; level >= 1; level--) {
		u64 e = tab[level_index(gpa, level)];

		if (!ent_present(t, e))
			return false;
		if (ent_is_leaf(t, e, level)) {
			u64 size = level_size(level);

			*hpa = (e & NPT_ADDR_MASK & ~(size - 1)) | (gpa & (size - 1));
			*page_size = size;
			leaf_attrs(t, e, mt, perms);
			return true;
		}
		tab = table_at(t, e);
	}
	return false;
}

void npt_destroy(struct npt *t)
{
	free_tree(t, t->root, 4);
	t->mem->free_page(t->mem->ctx, t->root, t->root_pa);
	t->nr_tables--;
	t->root = NULL;
}
