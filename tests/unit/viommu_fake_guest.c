// SPDX-License-Identifier: MIT
/*
 * Fake guest RAM and a tiny guest VT-d table writer for the viommu host
 * tests (see viommu_fake_guest.h). Table formats are the ones in
 * drivers/vtd_hw.h (VT-d spec 9.1, 9.3, 9.8), written as the guest would.
 */
#include "tests/unit/harness.h"
#include "tests/unit/viommu_fake_guest.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"

static bool fg_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	struct fake_guest *g = ctx;

	g->reads++;
	if (!fake_guest_is_ram(g, gpa, len))
		return false;
	memcpy(buf, g->ram + gpa, len);
	return true;
}

static bool fg_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	struct fake_guest *g = ctx;

	g->writes++;
	if (!fake_guest_is_ram(g, gpa, len))
		return false;
	memcpy(g->ram + gpa, buf, len);
	return true;
}

void fake_guest_init(struct fake_guest *g, u64 ram_size)
{
	memset(g, 0, sizeof(*g));
	g->ram = calloc(1, ram_size);
	assert_non_null(g->ram);
	g->ram_size = ram_size;
	g->hole_start = 0xa0000;
	g->hole_end = 0x100000;
	g->table_next = ram_size;
	g->table_floor = ram_size - FAKE_GUEST_TABLES;
	g->mem.read = fg_read;
	g->mem.write = fg_write;
	g->mem.ctx = g;
	g->root_gpa = fake_guest_alloc_table(g);
}

void fake_guest_free(struct fake_guest *g)
{
	free(g->ram);
	g->ram = NULL;
}

bool fake_guest_is_ram(const struct fake_guest *g, gpa_t gpa, u64 len)
{
	if (!range_within(gpa, len, 0, g->ram_size))
		return false;
	return !ranges_overlap(gpa, len, g->hole_start, g->hole_end - g->hole_start);
}

gpa_t fake_guest_alloc_table(struct fake_guest *g)
{
	assert_true(g->table_next - PAGE_SIZE >= g->table_floor);
	g->table_next -= PAGE_SIZE;
	memset(g->ram + g->table_next, 0, PAGE_SIZE);
	return g->table_next;
}

u64 fake_guest_read64(struct fake_guest *g, gpa_t gpa)
{
	u64 v;

	assert_true(fake_guest_is_ram(g, gpa, 8));
	memcpy(&v, g->ram + gpa, 8);
	return v;
}

void fake_guest_write64(struct fake_guest *g, gpa_t gpa, u64 val)
{
	assert_true(fake_guest_is_ram(g, gpa, 8));
	memcpy(g->ram + gpa, &val, 8);
}

static gpa_t context_entry_gpa(struct fake_guest *g, u16 sid)
{
	gpa_t re = g->root_gpa + (u64)(sid >> 8) * sizeof(struct vtd_root_entry);
	u64 lo = fake_guest_read64(g, re);

	if (!(lo & VTD_ROOT_LO_P)) {
		lo = fake_guest_alloc_table(g) | VTD_ROOT_LO_P;
		fake_guest_write64(g, re, lo);
	}
	return (lo & VTD_ROOT_LO_CTP) + (u64)(sid & 0xff) * sizeof(struct vtd_context_entry);
}

void fake_guest_set_context_raw(struct fake_guest *g, u16 sid, u64 lo, u64 hi)
{
	gpa_t ce = context_entry_gpa(g, sid);

	fake_guest_write64(g, ce, lo);
	fake_guest_write64(g, ce + 8, hi);
}

void fake_guest_set_context(struct fake_guest *g, u16 sid, u16 did, unsigned int levels,
			    unsigned int tt)
{
	unsigned int aw = levels == 3 ? VTD_AW_39BIT : VTD_AW_48BIT;

	assert_true(levels == 3 || levels == 4);
	g->levels = levels;
	g->slpt_gpa = fake_guest_alloc_table(g);
	fake_guest_set_context_raw(g, sid,
				   VTD_CTX_LO_P | FIELD_PREP(VTD_CTX_LO_TT, tt) |
					   (tt == VTD_TT_PASS_THROUGH ? 0 : g->slpt_gpa),
				   FIELD_PREP(VTD_CTX_HI_AW, aw) | FIELD_PREP(VTD_CTX_HI_DID, did));
}

void fake_guest_clear_context(struct fake_guest *g, u16 sid)
{
	fake_guest_set_context_raw(g, sid, 0, 0);
}

static unsigned int leaf_level(u64 page_size)
{
	if (page_size == KiB(4))
		return 1;
	if (page_size == MiB(2))
		return 2;
	assert_int_equal(page_size, GiB(1));
	return 3;
}

static gpa_t pte_gpa(gpa_t table, iova_t iova, unsigned int level)
{
	unsigned int shift = PAGE_SHIFT + (level - 1) * VTD_SLPT_LEVEL_BITS;

	return table + ((iova >> shift) & (VTD_SLPT_ENTRIES - 1)) * 8;
}

/* The entry for iova at level leaf, creating tables on the way if asked. */
static gpa_t walk_to(struct fake_guest *g, iova_t iova, unsigned int leaf, bool create)
{
	gpa_t table = g->slpt_gpa;

	assert_true(g->levels == 3 || g->levels == 4);
	for (unsigned int level = g->levels; level > leaf; level--) {
		gpa_t e = pte_gpa(table, iova, level);
		u64 v = fake_guest_read64(g, e);

		if (!(v & (VTD_SLPTE_R | VTD_SLPTE_W)) || (v & VTD_SLPTE_PS)) {
			if (!create)
				return 0;
			v = fake_guest_alloc_table(g) | VTD_SLPTE_R | VTD_SLPTE_W;
			fake_guest_write64(g, e, v);
		}
		table = v & VTD_SLPTE_ADDR;
	}
	return pte_gpa(table, iova, leaf);
}

void fake_guest_map(struct fake_guest *g, iova_t iova, gpa_t gpa, u64 page_size, bool r, bool w)
{
	unsigned int leaf = leaf_level(page_size);
	u64 v = (gpa & VTD_SLPTE_ADDR) | (r ? VTD_SLPTE_R : 0) | (w ? VTD_SLPTE_W : 0);

	assert_true(IS_ALIGNED(iova, page_size) && IS_ALIGNED(gpa, page_size));
	if (leaf > 1)
		v |= VTD_SLPTE_PS;
	fake_guest_write64(g, walk_to(g, iova, leaf, true), v);
}

void fake_guest_unmap(struct fake_guest *g, iova_t iova, u64 page_size)
{
	gpa_t e = walk_to(g, iova, leaf_level(page_size), false);

	if (e)
		fake_guest_write64(g, e, 0);
}

bool fake_guest_lookup(struct fake_guest *g, iova_t iova, gpa_t *page_gpa, bool *r, bool *w)
{
	gpa_t table = g->slpt_gpa;
	bool rr = true, ww = true;

	if (!g->levels || iova >> (PAGE_SHIFT + g->levels * VTD_SLPT_LEVEL_BITS))
		return false;
	for (unsigned int level = g->levels; level >= 1; level--) {
		u64 v = fake_guest_read64(g, pte_gpa(table, iova, level));
		unsigned int shift = PAGE_SHIFT + (level - 1) * VTD_SLPT_LEVEL_BITS;

		if (!(v & (VTD_SLPTE_R | VTD_SLPTE_W)))
			return false;
		rr = rr && (v & VTD_SLPTE_R);
		ww = ww && (v & VTD_SLPTE_W);
		if (level == 1 || (v & VTD_SLPTE_PS)) {
			*page_gpa = ((v & VTD_SLPTE_ADDR & ~((1ULL << shift) - 1)) |
				     (iova & ((1ULL << shift) - 1))) &
				    PAGE_MASK;
			*r = rr;
			*w = ww;
			return true;
		}
		table = v & VTD_SLPTE_ADDR;
	}
	return false;
}
