// SPDX-License-Identifier: MIT
/*
 * viommu/walk.c: root/context lookup and second-level walks over a fake
 * guest memory made of 4 KiB pages at chosen gpas. Some pages are backed
 * but NOT guest RAM ("hypervisor" pages holding valid-looking tables or
 * data): the fake refuses them like the real guest-memory ops, and counts
 * every refused access, so a test can tell what the walker tried to touch
 * (tests/unit/viommu_walk_bed.c). Range walks: test_viommu_walk_range.c.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "viommu/walk.h"
#include "tests/unit/viommu_walk_bed.h"

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
	};

	return HARNESS_RUN(tests);
}
