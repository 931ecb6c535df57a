// SPDX-License-Identifier: MIT
/*
 * viommu/walk.c: root/context lookup and second-level walks over a fake
 * guest memory made of 4 KiB pages at chosen gpas. Some pages are backed
 * but NOT guest RAM ("hypervisor" pages holding valid-looking tables or
 * data): the fake refuses them like the real guest-memory ops, and counts
 * every refused access, so a test can tell what the walker tried to touch.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "viommu/walk.h"

#define FM_MAX 64

struct fake_page {
	gpa_t gpa;
	bool ram;
	u64 data[512];
};

struct fake_mem {
	struct fake_page pages[FM_MAX];
	unsigned int n;
	u64 reads, refused; /* read calls answered / refused */
	u64 reads_after_refusal;
	gpa_t last_refused;
	struct viommu_guest_mem ops;
};

static struct fake_mem *fm;

static struct fake_page *page_at(gpa_t gpa)
{
	for (unsigned int i = 0; i < fm->n; i++)
		if (fm->pages[i].gpa == (gpa & PAGE_MASK))
			return &fm->pages[i];
	return NULL;
}

static bool fake_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	struct fake_page *p = page_at(gpa);

	assert_ptr_equal(ctx, fm);
	/* Every read the walker makes stays inside one page. */
	if (!p || !p->ram || len == 0 || (gpa & ~PAGE_MASK) + len > PAGE_SIZE) {
		fm->refused++;
		fm->last_refused = gpa;
		return false;
	}
	memcpy(buf, (u8 *)p->data + (gpa & ~PAGE_MASK), len);
	fm->reads++;
	if (fm->refused)
		fm->reads_after_refusal++;
	return true;
}

static bool fake_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	(void)ctx, (void)gpa, (void)buf, (void)len;
	fail_msg("the walker never writes guest memory");
	return false;
}

static u64 *add_page(gpa_t gpa, bool ram)
{
	struct fake_page *p = page_at(gpa);

	if (!p) {
		assert_true(fm->n < FM_MAX);
		p = &fm->pages[fm->n++];
		p->gpa = gpa;
	}
	p->ram = ram;
	return p->data;
}

static u64 *tbl(gpa_t gpa)
{
	struct fake_page *p = page_at(gpa);

	assert_non_null(p);
	return p->data;
}

static int setup(void **state)
{
	(void)state;
	fm = calloc(1, sizeof(*fm));
	fm->ops = (struct viommu_guest_mem){ fake_read, fake_write, fm };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(fm);
	return 0;
}

/* ---- a standard tree --------------------------------------------------- */

#define ROOT 0x1000ull
#define CTXT 0x2000ull
#define L4 0x10000ull
#define L3 0x11000ull
#define L2 0x12000ull
#define L1 0x13000ull
#define HV_PAGE 0x7fe00000ull /* backed, not guest RAM */
#define BUS 5
#define DEVFN 0x10
#define DID 0x1234
#define RW (VTD_SLPTE_R | VTD_SLPTE_W)
#define LVL_ALL (VIOMMU_WALK_LEVELS(3) | VIOMMU_WALK_LEVELS(4))

static void set_context(u64 lo, u64 hi)
{
	add_page(ROOT, true)[BUS * 2] = CTXT | VTD_ROOT_LO_P;
	add_page(CTXT, true);
	tbl(CTXT)[DEVFN * 2] = lo;
	tbl(CTXT)[DEVFN * 2 + 1] = hi;
}

static struct viommu_context ctx_of(unsigned int levels, gpa_t top)
{
	return (struct viommu_context){
		.present = true,
		.tt = VTD_TT_UNTRANSLATED,
		.did = DID,
		.levels = levels,
		.slptptr = top,
	};
}

/* 4-level tables L4 -> L3 -> L2 -> L1 for iova 0 .. 2M, entry index 0. */
static struct viommu_context tree4(void)
{
	add_page(L4, true)[0] = L3 | RW;
	add_page(L3, true)[0] = L2 | RW;
	add_page(L2, true)[0] = L1 | RW;
	add_page(L1, true);
	return ctx_of(4, L4);
}

static int walk(const struct viommu_context *c, iova_t iova, struct viommu_xlate *x)
{
	return viommu_walk(&fm->ops, c, iova, true, true, 48, x);
}

/* ---- context lookup ---------------------------------------------------- */

static void test_context_ok(void **state)
{
	struct viommu_context c;

	(void)state;
	set_context(L4 | FIELD_PREP(VTD_CTX_LO_TT, VTD_TT_UNTRANSLATED) | VTD_CTX_LO_FPD |
			    VTD_CTX_LO_P,
		    FIELD_PREP(VTD_CTX_HI_AW, VTD_AW_48BIT) | FIELD_PREP(VTD_CTX_HI_DID, DID) |
			    FIELD_PREP(VTD_CTX_HI_AVAIL, 0xf));
	assert_int_equal(viommu_context_lookup(&fm->ops, ROOT, BUS, DEVFN, LVL_ALL, &c), 0);
	assert_true(c.present);
	assert_true(c.fpd);
	assert_int_equal(c.tt, VTD_TT_UNTRANSLATED);
	assert_int_equal(c.did, DID);
	assert_int_equal(c.levels, 4);
	assert_int_equal(c.slptptr, L4);
	/* RTADDR's low bits (TTM) are not part of the address. */
	assert_int_equal(viommu_context_lookup(&fm->ops, ROOT | 0x800, BUS, DEVFN, LVL_ALL, &c), 0);

	tbl(CTXT)[DEVFN * 2 + 1] = FIELD_PREP(VTD_CTX_HI_AW, VTD_AW_39BIT);
	tbl(CTXT)[DEVFN * 2] &= ~VTD_CTX_LO_FPD;
	assert_int_equal(viommu_context_lookup(&fm->ops, ROOT, BUS, DEVFN, LVL_ALL, &c), 0);
	assert_int_equal(c.levels, 3);
	assert_false(c.fpd);
	assert_int_equal(c.did, 0);

	/* Pass-through. */
	tbl(CTXT)[DEVFN * 2] = FIELD_PREP(VTD_CTX_LO_TT, VTD_TT_PASS_THROUGH) | VTD_CTX_LO_P;
	assert_int_equal(viommu_context_lookup(&fm->ops, ROOT, BUS, DEVFN, LVL_ALL, &c), 0);
	assert_int_equal(c.tt, VTD_TT_PASS_THROUGH);
	assert_int_equal(fm->refused, 0);
}

static void test_context_faults(void **state)
{
	const u64 hi = FIELD_PREP(VTD_CTX_HI_AW, VTD_AW_48BIT);
	struct viommu_context c;
	u64 *ce;

	(void)state;
	set_context(L4 | VTD_CTX_LO_P, hi);
	ce = tbl(CTXT) + DEVFN * 2;
#define LOOKUP(mask) viommu_context_lookup(&fm->ops, ROOT, BUS, DEVFN, mask, &c)
	/* Other buses and devfns are not present. */
	assert_int_equal(viommu_context_lookup(&fm->ops, ROOT, BUS + 1, DEVFN, LVL_ALL, &c),
			 VTD_FR_ROOT_NOT_PRESENT);
	assert_false(c.present);
	assert_int_equal(viommu_context_lookup(&fm->ops, ROOT, BUS, DEVFN + 1, LVL_ALL, &c),
			 VTD_FR_CTX_NOT_PRESENT);
	assert_false(c.present);

	/* Reserved bits: root lo 11:1, root hi; context lo 11:4, hi 7, 63:24. */
	tbl(ROOT)[BUS * 2] |= BIT(1);
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_ROOT_RSVD);
	tbl(ROOT)[BUS * 2] ^= BIT(1) | BIT(11);
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_ROOT_RSVD);
	tbl(ROOT)[BUS * 2] ^= BIT(11);
	tbl(ROOT)[BUS * 2 + 1] = 1;
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_ROOT_RSVD);
	tbl(ROOT)[BUS * 2 + 1] = 0;
	assert_int_equal(LOOKUP(LVL_ALL), 0);
	for (unsigned int b = 4; b < 12; b++) {
		ce[0] ^= BIT(b);
		assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_RSVD);
		assert_true(c.present);
		ce[0] ^= BIT(b);
	}
	ce[1] |= BIT(7);
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_RSVD);
	ce[1] = hi | BIT(24);
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_RSVD);
	ce[1] = hi | BIT(63);
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_RSVD);

	/* AW: 0 (2-level), 3 (5-level), 4-7 reserved, or not in the mask. */
	for (unsigned int aw = 0; aw < 8; aw++) {
		ce[1] = FIELD_PREP(VTD_CTX_HI_AW, aw);
		assert_int_equal(LOOKUP(LVL_ALL | VIOMMU_WALK_LEVELS(5) | VIOMMU_WALK_LEVELS(2)),
				 aw == 1 || aw == 2 ? 0 : VTD_FR_CTX_INVALID);
	}
	ce[1] = hi;
	assert_int_equal(LOOKUP(VIOMMU_WALK_LEVELS(3)), VTD_FR_CTX_INVALID);
	assert_int_equal(LOOKUP(VIOMMU_WALK_LEVELS(4)), 0);
	ce[1] = FIELD_PREP(VTD_CTX_HI_AW, VTD_AW_39BIT);
	assert_int_equal(LOOKUP(VIOMMU_WALK_LEVELS(4)), VTD_FR_CTX_INVALID);
	ce[1] = hi;

	/* TT 1 (device-TLB, not advertised) and 3 (reserved). */
	ce[0] = L4 | FIELD_PREP(VTD_CTX_LO_TT, VTD_TT_ALL) | VTD_CTX_LO_P;
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_INVALID);
	ce[0] = L4 | FIELD_PREP(VTD_CTX_LO_TT, 3) | VTD_CTX_LO_P;
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_INVALID);
	ce[0] = L4 | VTD_CTX_LO_P;
	assert_int_equal(fm->refused, 0);

	/* Tables that are not guest RAM: nothing read there. */
	add_page(HV_PAGE, false)[BUS * 2] = CTXT | VTD_ROOT_LO_P;
	assert_int_equal(viommu_context_lookup(&fm->ops, HV_PAGE, BUS, DEVFN, LVL_ALL, &c),
			 VTD_FR_ROOT_ACCESS);
	assert_int_equal(fm->refused, 1);
	assert_int_equal(fm->last_refused, HV_PAGE + BUS * 16);
	memcpy(tbl(HV_PAGE), tbl(CTXT), PAGE_SIZE);
	tbl(ROOT)[BUS * 2] = HV_PAGE | VTD_ROOT_LO_P;
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_ACCESS);
	assert_int_equal(fm->last_refused, HV_PAGE + DEVFN * 16);
	tbl(ROOT)[BUS * 2] = 0x55555000 | VTD_ROOT_LO_P; /* nothing there at all */
	assert_int_equal(LOOKUP(LVL_ALL), VTD_FR_CTX_ACCESS);
	assert_int_equal(fm->refused, 3);
#undef LOOKUP
}

/* ---- single walks ------------------------------------------------------ */

static void test_walk_4k_4level(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;

	(void)state;
	add_page(0x200000, true);
	tbl(L1)[3] = 0x200000 | RW;
	assert_int_equal(walk(&c, 0x3abc, &x), 0);
	assert_int_equal(x.gpa, 0x200abc);
	assert_int_equal(x.page_size, PAGE_SIZE);
	assert_true(x.read && x.write);
	assert_int_equal(fm->reads, 4 + 1); /* one entry per level + the page probe */

	/* The index of every level is used: iova 1G+2M+3*4K goes elsewhere. */
	tbl(L3)[1] = L2 | RW;
	tbl(L2)[1] = L1 | RW;
	tbl(L1)[3] = 0;
	assert_int_equal(walk(&c, GiB(1) + MiB(2) + 0x3000, &x), VIOMMU_FR_NOT_PRESENT);
	assert_int_equal(x.gpa, 0);
	tbl(L1)[3] = 0x200000 | VTD_SLPTE_R;
	assert_int_equal(walk(&c, GiB(1) + MiB(2) + 0x3004, &x), 0);
	assert_int_equal(x.gpa, 0x200004);
	assert_true(x.read);
	assert_false(x.write);
	tbl(L4)[1] = L3 | RW;
	assert_int_equal(walk(&c, (1ull << 39) + GiB(1) + MiB(2) + 0x3004, &x), 0);
	assert_int_equal(walk(&c, (1ull << 39) * 2 + 0x3004, &x), VIOMMU_FR_NOT_PRESENT);
	assert_int_equal(fm->refused, 0);
}

static void test_walk_4k_3level(void **state)
{
	struct viommu_context c = ctx_of(3, L3);
	struct viommu_xlate x;

	(void)state;
	add_page(L3, true)[2] = L2 | RW;
	add_page(L2, true)[5] = L1 | RW;
	add_page(L1, true)[7] = 0x300000 | VTD_SLPTE_W;
	add_page(0x300000, true);
	assert_int_equal(walk(&c, GiB(2) + MiB(10) + 0x7123, &x), 0);
	assert_int_equal(x.gpa, 0x300123);
	assert_false(x.read);
	assert_true(x.write);
	assert_int_equal(fm->reads, 3 + 1);
	/* 3 levels translate 39 bits. */
	assert_int_equal(walk(&c, (1ull << 39) + GiB(2) + MiB(10) + 0x7123, &x),
			 VTD_FR_BEYOND_MGAW);
}

static void test_walk_superpages(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;
	const gpa_t big = GiB(2);

	(void)state;
	/* 2 MiB leaf at PD[1]: iova 2M..4M -> big..big+2M. */
	tbl(L2)[1] = big | VTD_SLPTE_PS | RW;
	add_page(big + 0x12000, true);
	assert_int_equal(viommu_walk(&fm->ops, &c, MiB(2) + 0x12345, true, false, 48, &x), 0);
	assert_int_equal(x.gpa, big + 0x12345);
	assert_int_equal(x.page_size, MiB(2));
	assert_int_equal(viommu_walk(&fm->ops, &c, MiB(2) + 0x12345, false, true, 48, &x),
			 VTD_FR_PTE_RSVD);
	/* Only the 4 KiB page holding gpa is checked: the next one is not RAM. */
	assert_int_equal(viommu_walk(&fm->ops, &c, MiB(2) + 0x13000, true, false, 48, &x),
			 VIOMMU_FR_PAGE_NOT_RAM);
	/* Address bits 20:12 of a 2 MiB leaf are reserved. */
	tbl(L2)[1] = (big + 0x1000) | VTD_SLPTE_PS | RW;
	assert_int_equal(viommu_walk(&fm->ops, &c, MiB(2) + 0x12345, true, true, 48, &x),
			 VTD_FR_PTE_RSVD);

	/* 1 GiB leaf at PDPT[1]. */
	tbl(L3)[1] = big | VTD_SLPTE_PS | VTD_SLPTE_R;
	assert_int_equal(viommu_walk(&fm->ops, &c, GiB(1) + 0x12345, false, true, 48, &x), 0);
	assert_int_equal(x.gpa, big + 0x12345);
	assert_int_equal(x.page_size, GiB(1));
	assert_true(x.read);
	assert_false(x.write);
	assert_int_equal(viommu_walk(&fm->ops, &c, GiB(1) + 0x12345, true, false, 48, &x),
			 VTD_FR_PTE_RSVD);
	tbl(L3)[1] = (big + MiB(2)) | VTD_SLPTE_PS | VTD_SLPTE_R;
	assert_int_equal(viommu_walk(&fm->ops, &c, GiB(1) + 0x12345, true, true, 48, &x),
			 VTD_FR_PTE_RSVD);

	/* PS in a PML4E is reserved, whatever SLLPS says. */
	tbl(L4)[1] = big | VTD_SLPTE_PS | RW;
	assert_int_equal(walk(&c, (1ull << 39) + 0x12345, &x), VTD_FR_PTE_RSVD);

	/* In a 3-level tree the top level is the PDPT: a 1 GiB leaf there. */
	c = ctx_of(3, L3);
	tbl(L3)[1] = big | VTD_SLPTE_PS | RW;
	assert_int_equal(walk(&c, GiB(1) + 0x12345, &x), 0);
	assert_int_equal(x.page_size, GiB(1));
	/* PS in a PTE is ignored (bit 7 of a 4 KiB leaf). */
	c = tree4();
	tbl(L1)[0x12] = (big + 0x12000) | VTD_SLPTE_PS | RW;
	assert_int_equal(walk(&c, 0x12345, &x), 0);
	assert_int_equal(x.page_size, PAGE_SIZE);
	assert_int_equal(fm->refused, 1);
}

static void test_walk_permissions(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;
	u64 *levels[4];

	(void)state;
	levels[0] = &tbl(L4)[0];
	levels[1] = &tbl(L3)[0];
	levels[2] = &tbl(L2)[0];
	levels[3] = &tbl(L1)[0];
	add_page(0x400000, true);
	tbl(L1)[0] = 0x400000 | RW;
	/* Drop W (then R) at each level in turn: the result is the AND. */
	for (unsigned int i = 0; i < 4; i++) {
		*levels[i] &= ~VTD_SLPTE_W;
		assert_int_equal(walk(&c, 0x10, &x), 0);
		assert_true(x.read);
		assert_false(x.write);
		*levels[i] ^= VTD_SLPTE_W | VTD_SLPTE_R;
		assert_int_equal(walk(&c, 0x10, &x), 0);
		assert_false(x.read);
		assert_true(x.write);
		/* R here and W-only elsewhere: nothing is left. */
		*levels[(i + 1) % 4] &= ~VTD_SLPTE_W;
		assert_int_equal(walk(&c, 0x10, &x), VIOMMU_FR_NOT_PRESENT);
		*levels[(i + 1) % 4] |= RW;
		/* Not present at this level. */
		*levels[i] &= ~RW;
		assert_int_equal(walk(&c, 0x10, &x), VIOMMU_FR_NOT_PRESENT);
		*levels[i] |= RW;
	}
	/* X alone (bit 2) is not present in legacy mode. */
	*levels[2] = (*levels[2] & ~RW) | VTD_SLPTE_X;
	assert_int_equal(walk(&c, 0x10, &x), VIOMMU_FR_NOT_PRESENT);
	*levels[2] |= RW;
	assert_int_equal(walk(&c, 0x10, &x), 0);
	assert_int_equal(fm->refused, 0);
}

static void test_walk_reserved_bits(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;
	u64 *levels[4];
	const u64 ignored = GENMASK(61, 52) | BIT(63) | GENMASK(10, 8) | GENMASK(6, 2);

	(void)state;
	levels[0] = &tbl(L4)[0];
	levels[1] = &tbl(L3)[0];
	levels[2] = &tbl(L2)[0];
	levels[3] = &tbl(L1)[0];
	add_page(0x400000, true);
	tbl(L1)[0] = 0x400000 | RW;
	for (unsigned int i = 0; i < 4; i++) {
		/* TM (bit 62) is reserved everywhere, SNP only above leaves. */
		*levels[i] |= VTD_SLPTE_TM;
		assert_int_equal(walk(&c, 0x10, &x), VTD_FR_PTE_RSVD);
		*levels[i] ^= VTD_SLPTE_TM | VTD_SLPTE_SNP;
		assert_int_equal(walk(&c, 0x10, &x), i == 3 ? 0 : VTD_FR_PTE_RSVD);
		*levels[i] ^= VTD_SLPTE_SNP | ignored;
		assert_int_equal(walk(&c, 0x10, &x), 0);
		assert_int_equal(x.gpa, 0x400010);
		*levels[i] &= ~ignored;
		/* A reserved bit in an entry that is not present: not present. */
		*levels[i] = (*levels[i] & ~RW) | VTD_SLPTE_TM;
		assert_int_equal(walk(&c, 0x10, &x), VIOMMU_FR_NOT_PRESENT);
		*levels[i] = (*levels[i] & ~VTD_SLPTE_TM) | RW;
	}
	assert_int_equal(fm->refused, 0);
}

static void test_walk_address_width(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;

	(void)state;
	add_page(0x400000, true);
	tbl(L1)[0] = 0x400000 | RW;
	tbl(L4)[1] = L3 | RW; /* iova 2^39 would walk to the same page */
	assert_int_equal(viommu_walk(&fm->ops, &c, 1ull << 39, true, true, 48, &x), 0);
	assert_int_equal(viommu_walk(&fm->ops, &c, 1ull << 39, true, true, 39, &x),
			 VTD_FR_BEYOND_MGAW);
	assert_int_equal(viommu_walk(&fm->ops, &c, (1ull << 39) - 1, true, true, 39, &x),
			 VIOMMU_FR_NOT_PRESENT);
	assert_int_equal(viommu_walk(&fm->ops, &c, 1ull << 48, true, true, 57, &x),
			 VTD_FR_BEYOND_MGAW);
	assert_int_equal(viommu_walk(&fm->ops, &c, ~0ull, true, true, 64, &x), VTD_FR_BEYOND_MGAW);
	assert_int_equal(fm->reads, 4 + 1 + 2); /* the third walk stops at L3[511] */
}

static void test_walk_context_kinds(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;

	(void)state;
	c.tt = VTD_TT_PASS_THROUGH;
	add_page(0x400000, true);
	assert_int_equal(walk(&c, 0x400123, &x), 0);
	assert_int_equal(x.gpa, 0x400123);
	assert_int_equal(x.page_size, PAGE_SIZE);
	assert_true(x.read && x.write);
	assert_int_equal(fm->reads, 1); /* no table read */
	assert_int_equal(walk(&c, 0x401123, &x), VIOMMU_FR_PAGE_NOT_RAM);
	assert_int_equal(walk(&c, L4, &x), 0);
	add_page(HV_PAGE, false);
	assert_int_equal(walk(&c, HV_PAGE + 8, &x), VIOMMU_FR_PAGE_NOT_RAM);
	assert_int_equal(walk(&c, 1ull << 48, &x), VTD_FR_BEYOND_MGAW);

	c.tt = VTD_TT_ALL;
	assert_int_equal(walk(&c, 0, &x), VTD_FR_CTX_INVALID);
	c.tt = 3;
	assert_int_equal(walk(&c, 0, &x), VTD_FR_CTX_INVALID);
	c.tt = VTD_TT_UNTRANSLATED;
	c.levels = 5;
	assert_int_equal(walk(&c, 0, &x), VTD_FR_CTX_INVALID);
	c.levels = 4;
	c.present = false;
	assert_int_equal(walk(&c, 0, &x), VTD_FR_CTX_NOT_PRESENT);
}

/* Tables in memory that is not guest RAM hold a valid path to a RAM page:
 * had the walker read them, the walk would succeed. */
static void test_walk_tables_not_ram(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;

	(void)state;
	add_page(0x400000, true);
	tbl(L1)[0] = 0x400000 | RW;
	add_page(HV_PAGE, false)[0] = L3 | RW;

	c.slptptr = HV_PAGE;
	assert_int_equal(walk(&c, 0x10, &x), VTD_FR_CTX_INVALID);
	assert_int_equal(fm->refused, 1);
	assert_int_equal(fm->last_refused, HV_PAGE);
	assert_int_equal(fm->reads_after_refusal, 0);
	assert_int_equal(fm->reads, 0);

	c.slptptr = L4;
	tbl(HV_PAGE)[0] = L1 | RW; /* as a PD */
	tbl(L3)[0] = HV_PAGE | RW;
	assert_int_equal(walk(&c, 0x10, &x), VTD_FR_PT_ACCESS);
	assert_int_equal(fm->refused, 2);
	assert_int_equal(fm->reads_after_refusal, 2); /* this walk's L4, L3 reads */
	assert_int_equal(fm->last_refused, HV_PAGE);

	/* Nothing mapped at all: a gpa with no memory behind it. */
	tbl(L3)[0] = 0x8000000000ull | RW;
	assert_int_equal(walk(&c, 0x10, &x), VTD_FR_PT_ACCESS);
	/* Table addresses beyond 52 bits are not ours to interpret: bits 63:52
	 * are ignored, so this is L2 again. */
	tbl(L3)[0] = L2 | RW | GENMASK(61, 52);
	assert_int_equal(walk(&c, 0x10, &x), 0);
	assert_int_equal(x.gpa, 0x400010);
}

static void test_walk_leaf_not_ram(void **state)
{
	struct viommu_context c = tree4();
	struct viommu_xlate x;

	(void)state;
	add_page(HV_PAGE, false);
	tbl(L1)[0] = HV_PAGE | RW;
	assert_int_equal(walk(&c, 0x10, &x), VIOMMU_FR_PAGE_NOT_RAM);
	assert_int_equal(fm->last_refused, HV_PAGE);
	assert_int_equal(x.gpa, 0);
	assert_int_equal(x.page_size, 0);
	tbl(L1)[0] = 0xfee00000ull | RW; /* the local APIC: MMIO */
	assert_int_equal(walk(&c, 0x10, &x), VIOMMU_FR_PAGE_NOT_RAM);
	/* A 2 MiB leaf over hypervisor memory: faults on every page. */
	tbl(L2)[1] = (HV_PAGE & ~(MiB(2) - 1)) | VTD_SLPTE_PS | RW;
	assert_int_equal(walk(&c, MiB(2) + (HV_PAGE & (MiB(2) - 1)), &x), VIOMMU_FR_PAGE_NOT_RAM);
	assert_int_equal(fm->refused, 3);
}

/* ---- range walks ------------------------------------------------------- */

#define MAX_SEEN 2048

struct seen {
	unsigned int n;
	int stop_after; /* > 0: return 1 from that call; < 0: return -EIO */
	iova_t iova[MAX_SEEN];
	struct viommu_xlate x[MAX_SEEN];
};

static int record(void *arg, iova_t iova, const struct viommu_xlate *x)
{
	struct seen *s = arg;

	assert_true(s->n < MAX_SEEN);
	s->iova[s->n] = iova;
	s->x[s->n++] = *x;
	if (s->stop_after > 0 && s->n == (unsigned int)s->stop_after)
		return 1;
	if (s->stop_after < 0 && s->n == (unsigned int)-s->stop_after)
		return -EIO;
	return 0;
}

static long range(const struct viommu_context *c, iova_t start, iova_t end, u64 max, struct seen *s)
{
	memset(s, 0, sizeof(*s) - sizeof(s->iova) - sizeof(s->x));
	return viommu_walk_range(&fm->ops, c, start, end, true, true, 48, max, record, s);
}

/* Every reported page in [start, end) translates the same with viommu_walk;
 * every page there not reported faults. s starts at start. */
static void check_against_walk(const struct viommu_context *c, iova_t start, iova_t end,
			       const struct seen *s)
{
	unsigned int k = 0;

	for (iova_t iova = start; iova < end; iova += PAGE_SIZE) {
		struct viommu_xlate x;
		int r = viommu_walk(&fm->ops, c, iova, true, true, 48, &x);

		if (k < s->n && s->iova[k] == iova) {
			assert_int_equal(r, 0);
			assert_int_equal(x.gpa, s->x[k].gpa);
			assert_int_equal(x.page_size, s->x[k].page_size);
			assert_int_equal(x.read, s->x[k].read);
			assert_int_equal(x.write, s->x[k].write);
			k++;
		} else {
			assert_int_not_equal(r, 0);
		}
	}
	assert_true(k == s->n || s->iova[k] >= end);
}

static void test_range_holes(void **state)
{
	struct viommu_context c = tree4();
	static struct seen s;
	const gpa_t data = 0x40000000;

	(void)state;
	for (unsigned int i = 0; i < 8; i++)
		add_page(data + i * PAGE_SIZE, true);
	tbl(L1)[1] = (data + 0x1000) | RW;
	tbl(L1)[2] = (data + 0x2000) | VTD_SLPTE_R;
	tbl(L1)[5] = (data + 0x5000) | VTD_SLPTE_W;
	tbl(L1)[6] = (data + 0x6000) | VTD_SLPTE_TM | RW; /* reserved: a hole */
	tbl(L1)[511] = (data + 0x7000) | RW;
	tbl(L2)[3] = L1 | RW; /* the same PT again at 6M */
	tbl(L3)[2] = L2 | RW; /* the same PD again at 2G */

	assert_int_equal(range(&c, 0, GiB(1), 100, &s), 8);
	{
		const iova_t want[] = {
			0x1000,		 0x2000,	  0x5000,	   0x1ff000,
			MiB(6) + 0x1000, MiB(6) + 0x2000, MiB(6) + 0x5000, MiB(6) + 0x1ff000,
		};
		for (unsigned int i = 0; i < 8; i++)
			assert_int_equal(s.iova[i], want[i]);
	}
	assert_int_equal(s.x[0].gpa, data + 0x1000);
	assert_true(s.x[1].read && !s.x[1].write);
	assert_true(!s.x[2].read && s.x[2].write);
	assert_int_equal(s.x[3].gpa, data + 0x7000);
	check_against_walk(&c, 0, MiB(8), &s);
	/* ... and again through the PD at 2G: 16 pages. */
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 16);
	assert_int_equal(s.iova[8], GiB(2) + 0x1000);
	assert_int_equal(s.iova[15], GiB(2) + MiB(6) + 0x1ff000);

	/* Sub-ranges: start rounded down, end exclusive. */
	assert_int_equal(range(&c, 0x1fff, 0x5000, 100, &s), 2);
	assert_int_equal(s.iova[0], 0x1000);
	assert_int_equal(s.iova[1], 0x2000);
	assert_int_equal(range(&c, 0x2001, 0x5001, 100, &s), 2);
	assert_int_equal(s.iova[0], 0x2000);
	assert_int_equal(s.iova[1], 0x5000);
	assert_int_equal(range(&c, MiB(6) + 0x3000, GiB(2) + 0x2000, 100, &s), 3);
	assert_int_equal(s.iova[2], GiB(2) + 0x1000);
	assert_int_equal(range(&c, 0x6000, 0x6000, 100, &s), 0);
	assert_int_equal(range(&c, 0x6000, 0x1000, 100, &s), 0);

	/* max_pages and fn stopping or aborting. */
	assert_int_equal(range(&c, 0, GiB(4), 3, &s), 3);
	assert_int_equal(s.iova[2], 0x5000);
	assert_int_equal(range(&c, 0, GiB(4), 0, &s), 0);
	s.stop_after = 2;
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, GiB(4), true, true, 48, 100, record, &s), 2);
	s.n = 0;
	s.stop_after = -4;
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, GiB(4), true, true, 48, 100, record, &s), -EIO);
	assert_int_equal(s.n, 4);
	assert_int_equal(fm->refused, 0);
}

static void test_range_superpages(void **state)
{
	struct viommu_context c = tree4();
	static struct seen s;
	const gpa_t big = GiB(3);

	(void)state;
	/* A 2M leaf over 512 pages of which two are not guest RAM. */
	for (unsigned int i = 0; i < 8; i++)
		add_page(big + i * PAGE_SIZE, true);
	add_page(big + 3 * PAGE_SIZE, false);
	tbl(L2)[1] = big | VTD_SLPTE_PS | RW;
	assert_int_equal(range(&c, MiB(2), MiB(4), 1000, &s), 7);
	assert_int_equal(s.iova[0], MiB(2));
	assert_int_equal(s.iova[3], MiB(2) + 4 * PAGE_SIZE);
	assert_int_equal(s.x[3].gpa, big + 4 * PAGE_SIZE);
	assert_int_equal(s.x[3].page_size, MiB(2));
	check_against_walk(&c, MiB(2), MiB(4), &s);
	/* Refused without SLLPS 2M. */
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, GiB(1), false, true, 48, 1000, record, &s), 0);
	/* Starting inside the superpage. */
	assert_int_equal(range(&c, MiB(2) + 0x5000, MiB(2) + 0x7000, 1000, &s), 2);
	assert_int_equal(s.x[0].gpa, big + 0x5000);

	/* A 1G leaf: 262144 pages, of which 7 are RAM here; a full expansion
	 * within the budget. */
	tbl(L2)[1] = 0;
	tbl(L3)[1] = big | VTD_SLPTE_PS | VTD_SLPTE_R;
	assert_int_equal(range(&c, 0, 1ull << 48, 1000, &s), 7);
	assert_int_equal(s.iova[0], GiB(1));
	assert_int_equal(s.iova[6], GiB(1) + 7 * PAGE_SIZE);
	assert_true(s.x[6].read && !s.x[6].write);
	assert_int_equal(s.x[6].page_size, GiB(1));
	assert_int_equal(
		viommu_walk_range(&fm->ops, &c, 0, 1ull << 48, true, false, 48, 1000, record, &s),
		0);
}

static void test_range_tables_not_ram(void **state)
{
	struct viommu_context c = tree4();
	static struct seen s;

	(void)state;
	add_page(0x500000, true);
	add_page(HV_PAGE, false)[0] = 0x500000 | RW; /* a PT we must not use */
	tbl(L1)[0] = 0x500000 | RW;
	tbl(L2)[1] = HV_PAGE | RW;	   /* 2M..4M: unreadable PT */
	tbl(L2)[2] = L1 | RW;		   /* 4M: fine */
	tbl(L3)[1] = 0x9000000000ull | RW; /* 1G..2G: nothing there */
	tbl(L3)[2] = L2 | RW;
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 4);
	assert_int_equal(s.iova[0], 0);
	assert_int_equal(s.iova[1], MiB(4));
	assert_int_equal(s.iova[2], GiB(2));
	assert_int_equal(s.iova[3], GiB(2) + MiB(4));
	/* One refused read per unreadable table reached (HV_PAGE twice, the
	 * empty gpa once), not one per entry. */
	assert_int_equal(fm->refused, 3);
	check_against_walk(&c, 0, MiB(6), &s);

	/* The top table is not guest RAM: nothing at all. */
	c.slptptr = HV_PAGE;
	fm->refused = 0;
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 0);
	assert_int_equal(fm->refused, 1);

	/* Pass-through and unusable contexts have no tree. */
	c.slptptr = L4;
	c.tt = VTD_TT_PASS_THROUGH;
	assert_int_equal(range(&c, 0, GiB(1), 100, &s), -EINVAL);
	c.tt = VTD_TT_UNTRANSLATED;
	c.present = false;
	assert_int_equal(range(&c, 0, GiB(1), 100, &s), -EINVAL);
}

static void test_range_self_reference(void **state)
{
	struct viommu_context c = ctx_of(4, L4);
	static struct seen s;
	struct viommu_xlate x;

	(void)state;
	/* PML4[0] -> PML4: at the leaf level its entry 0 names the PML4 page
	 * itself (guest RAM), so iova 0 maps the table. */
	add_page(L4, true)[0] = L4 | RW;
	assert_int_equal(walk(&c, 0x123, &x), 0);
	assert_int_equal(x.gpa, L4 + 0x123);
	assert_int_equal(fm->reads, 5);
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 1);
	assert_int_equal(s.iova[0], 0);
	check_against_walk(&c, 0, MiB(4), &s);

	/* Every entry -> the table itself: 512^4 paths, max_pages ends it. */
	for (unsigned int i = 0; i < 512; i++)
		tbl(L4)[i] = L4 | RW;
	assert_int_equal(range(&c, 0, 1ull << 48, 600, &s), 600);
	assert_int_equal(s.iova[599], 599 * PAGE_SIZE);
	assert_int_equal(s.x[599].gpa, L4);

	/* A cycle A -> B -> A -> B. */
	for (unsigned int i = 0; i < 512; i++)
		tbl(L4)[i] = 0;
	tbl(L4)[0] = L3 | RW;
	add_page(L3, true)[0] = L4 | RW;
	assert_int_equal(walk(&c, 0x5, &x), 0);
	assert_int_equal(x.gpa, L4 + 5); /* L4, L3, L4 as PD, L3 as PT -> L4 */
	assert_int_equal(range(&c, 0, 1ull << 48, 100, &s), 1);
	assert_int_equal(s.x[0].gpa, L4);
}

/* Present non-leaf entries everywhere, no leaf at all: 2^36 entries to look
 * at. The budget stops it. */
static void test_range_budget(void **state)
{
	struct viommu_context c = ctx_of(4, L4);
	static struct seen s;

	(void)state;
	add_page(L4, true);
	add_page(L3, true);
	add_page(L2, true);
	add_page(L1, true);
	for (unsigned int i = 0; i < 512; i++) {
		tbl(L4)[i] = L3 | RW;
		tbl(L3)[i] = L2 | RW;
		tbl(L2)[i] = L1 | RW;
	}
	assert_int_equal(range(&c, 0, 1ull << 48, ~0ull, &s), -E2BIG);
	assert_int_equal(fm->reads, VIOMMU_WALK_RANGE_BUDGET);
	assert_int_equal(s.n, 0);
	/* A small range of the same tree is fine. */
	fm->reads = 0;
	assert_int_equal(range(&c, GiB(5), GiB(5) + MiB(64), ~0ull, &s), 0);
	assert_int_equal(fm->reads, 2 + 32 + 32 * 512); /* L4, L3, 32 PDEs, 32 PTs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_context_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_4k_4level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_4k_3level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_superpages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_permissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_reserved_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_address_width, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_context_kinds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_tables_not_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk_leaf_not_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_superpages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_tables_not_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_self_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_budget, setup, teardown),
	};

	return HARNESS_RUN(tests);
}
