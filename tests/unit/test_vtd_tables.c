// SPDX-License-Identifier: MIT
/*
 * drivers/vtd_tables.c: VT-d second-level tables over a fake allocator
 * whose tables live at made-up physical addresses (so pa/pointer mix-ups
 * fail) and a model of a non-coherent walker: every page has a "hardware
 * view" that only flushes update (fresh pages read garbage there). After
 * every operation both views must agree, and whenever an entry pointing at
 * a table becomes visible, that table must already be visible in full.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "drivers/vtd_tables.h"
#include "lib/bitops.h"
#include "lib/errno.h"

#define MAX_PAGES 4096
#define TABLE_PA_BASE 0x7000000000ull /* far above any mapped hpa */
#define GARBAGE 0xa5

struct fake_mem {
	u8 *cpu[MAX_PAGES]; /* what the CPU sees */
	u8 *hw[MAX_PAGES];  /* what a non-coherent walker sees */
	bool live[MAX_PAGES];
	unsigned int next; /* pages ever handed out */
	unsigned int nr_live;
	int budget; /* allocations left; < 0 = unlimited */
	u64 flushes, order_errors;
	struct vtd_pt_ops ops;
};

static struct fake_mem *fm;

static int page_of_pa(hpa_t pa)
{
	if (pa < TABLE_PA_BASE || (pa - TABLE_PA_BASE) / PAGE_SIZE >= fm->next ||
	    (pa & (PAGE_SIZE - 1)))
		return -1;
	return (int)((pa - TABLE_PA_BASE) / PAGE_SIZE);
}

static int page_of_ptr(const void *p)
{
	for (unsigned int i = 0; i < fm->next; i++)
		if (fm->cpu[i] && (const u8 *)p >= fm->cpu[i] &&
		    (const u8 *)p < fm->cpu[i] + PAGE_SIZE)
			return (int)i;
	return -1;
}

static void *fake_alloc(void *ctx, hpa_t *pa)
{
	unsigned int i;

	(void)ctx;
	if (fm->budget == 0 || fm->next == MAX_PAGES)
		return NULL;
	if (fm->budget > 0)
		fm->budget--;
	i = fm->next++;
	fm->cpu[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	fm->hw[i] = malloc(PAGE_SIZE);
	memset(fm->cpu[i], 0, PAGE_SIZE);
	memset(fm->hw[i], GARBAGE, PAGE_SIZE);
	fm->live[i] = true;
	fm->nr_live++;
	*pa = TABLE_PA_BASE + (u64)i * PAGE_SIZE;
	return fm->cpu[i];
}

static void fake_free(void *ctx, void *page, hpa_t pa)
{
	int i = page_of_pa(pa);

	(void)ctx;
	assert_true(i >= 0);
	assert_true(fm->live[i]);
	assert_ptr_equal(page, fm->cpu[i]);
	fm->live[i] = false;
	fm->nr_live--;
}

static void *fake_ptr(void *ctx, hpa_t pa)
{
	int i = page_of_pa(pa);

	(void)ctx;
	if (i < 0 || !fm->live[i])
		fail_msg("table pointer to pa %#lx which is no live table", pa);
	return fm->cpu[i];
}

/* An entry in a visible line pointing at a table: that table must be visible. */
static void check_targets(const u64 *line)
{
	for (unsigned int k = 0; k < 8; k++) {
		int t;

		if (!(line[k] & (VTD_SLPTE_R | VTD_SLPTE_W)) || (line[k] & VTD_SLPTE_PS))
			continue;
		t = page_of_pa(line[k] & VTD_SLPTE_ADDR);
		if (t >= 0 && memcmp(fm->hw[t], fm->cpu[t], PAGE_SIZE))
			fm->order_errors++;
	}
}

static void fake_flush(void *ctx, const void *p, u64 len)
{
	int i = page_of_ptr(p);
	uintptr_t off, end;

	(void)ctx;
	assert_true(i >= 0);
	assert_true(len > 0);
	off = ((uintptr_t)p - (uintptr_t)fm->cpu[i]) & ~(uintptr_t)63;
	end = (uintptr_t)p - (uintptr_t)fm->cpu[i] + len;
	assert_true(end <= PAGE_SIZE);
	for (; off < end; off += 64) {
		memcpy(fm->hw[i] + off, fm->cpu[i] + off, 64);
		check_targets((const u64 *)(fm->hw[i] + off));
	}
	fm->flushes++;
}

static int setup(void **state)
{
	(void)state;
	fm = calloc(1, sizeof(*fm));
	fm->budget = -1;
	fm->ops = (struct vtd_pt_ops){ fake_alloc, fake_free, fake_ptr, fake_flush, NULL };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < fm->next; i++) {
		free(fm->cpu[i]);
		free(fm->hw[i]);
	}
	free(fm);
	fm = NULL;
	return 0;
}

/* Every live table is visible as the CPU wrote it; no ordering errors. */
static void assert_coherent(const struct vtd_pt *t)
{
	for (unsigned int i = 0; i < fm->next; i++)
		if (fm->live[i] && memcmp(fm->hw[i], fm->cpu[i], PAGE_SIZE))
			fail_msg("table page %u (pa %#llx) not flushed", i,
				 TABLE_PA_BASE + (unsigned long long)i * PAGE_SIZE);
	assert_int_equal(fm->order_errors, 0);
	assert_int_equal(fm->nr_live, t->nr_tables);
}

static void pt_new(struct vtd_pt *t, unsigned int levels, unsigned int bits, u32 flags)
{
	assert_int_equal(vtd_pt_init(t, levels, bits, flags, &fm->ops), 0);
	assert_int_equal(t->nr_tables, 1);
	assert_coherent(t);
}

static void pt_free(struct vtd_pt *t)
{
	vtd_pt_destroy(t);
	assert_null(t->root);
	assert_int_equal(fm->nr_live, 0);
}

/* Expect iova -> hpa with page size and perms. */
static void expect_map(const struct vtd_pt *t, iova_t iova, hpa_t hpa, u64 size, unsigned int perms)
{
	hpa_t got;
	u64 sz;
	unsigned int p;

	if (!vtd_pt_lookup(t, iova, &got, &sz, &p))
		fail_msg("iova %#lx not mapped", iova);
	if (got != hpa)
		fail_msg("iova %#lx -> %#lx, want %#lx", iova, got, hpa);
	assert_int_equal(sz, size);
	assert_int_equal(p, perms);
}

static void expect_unmapped(const struct vtd_pt *t, iova_t iova)
{
	if (vtd_pt_lookup(t, iova, NULL, NULL, NULL))
		fail_msg("iova %#lx mapped, should not be", iova);
}

/* A realistic guest RAM map in the first GiB: low RAM, the VGA/BIOS hole,
 * RAM from 1 MiB, a 16 MiB hypervisor hole and a 2 MiB-unaligned ACPI end. */
static const struct {
	u64 base, len;
} ram[] = {
	{ 0x0, 0x9f000 },
	{ 0x100000, 0x3e000000 - 0x100000 },
	{ 0x3f000000, 0x3ffdf000 - 0x3f000000 },
};

static bool in_ram(u64 a)
{
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++)
		if (a >= ram[i].base && a < ram[i].base + ram[i].len)
			return true;
	return false;
}

static void identity_ram(unsigned int levels)
{
	struct vtd_pt t;
	u64 n4k = 0, n2m = 0;

	pt_new(&t, levels, levels == 3 ? 39 : 48, VTD_PT_2M | VTD_PT_1G);
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++)
		assert_int_equal(
			vtd_pt_map(&t, ram[i].base, ram[i].base, ram[i].len, VTD_PT_R | VTD_PT_W),
			0);
	assert_coherent(&t);
	for (u64 a = 0; a < GiB(1); a += PAGE_SIZE) {
		u64 sz;
		hpa_t hpa;

		if (!in_ram(a)) {
			expect_unmapped(&t, a);
			continue;
		}
		assert_true(vtd_pt_lookup(&t, a + 0x123, &hpa, &sz, NULL));
		assert_int_equal(hpa, a + 0x123);
		n4k += sz == PAGE_SIZE;
		n2m += sz == MiB(2);
	}
	/* 2 MiB pages wherever a whole aligned 2 MiB is RAM: [2M, 992M) and
	 * [1008M, 1022M); 4 KiB pages for the first 2 MiB and the ragged end. */
	assert_int_equal(n2m / 512, (0x3e000000 - MiB(2)) / MiB(2) + 7);
	assert_int_equal(n4k, 0x9f + 0x100 + 0x1df);
	/* levels: root, (PML4 -> one PDPT), one PD, two PTs */
	assert_int_equal(t.nr_tables, levels == 3 ? 4 : 5);
	expect_unmapped(&t, GiB(1));
	pt_free(&t);
}

static void test_identity_ram_4level(void **state)
{
	(void)state;
	identity_ram(4);
}

static void test_identity_ram_3level(void **state)
{
	(void)state;
	identity_ram(3);
}

/* The exact encodings (9.8): non-leaf R|W + address, leaf PS/SNP/W. */
static void test_entry_encoding(void **state)
{
	struct vtd_pt t;
	u64 *pd, *pt;

	(void)state;
	pt_new(&t, 3, 39, VTD_PT_2M | VTD_PT_1G | VTD_PT_SNOOP);
	assert_int_equal(vtd_pt_map(&t, GiB(1), GiB(5), GiB(1), VTD_PT_R | VTD_PT_W), 0);
	assert_int_equal(t.root[1], GiB(5) | BIT(7) | BIT(11) | 3);
	assert_int_equal(vtd_pt_map(&t, MiB(4), MiB(8), MiB(2), VTD_PT_R), 0);
	assert_int_equal(t.root[0] & ~VTD_SLPTE_ADDR, 3);
	pd = fake_ptr(NULL, t.root[0] & VTD_SLPTE_ADDR);
	assert_int_equal(pd[2], MiB(8) | BIT(7) | BIT(11) | 1);
	assert_int_equal(vtd_pt_map(&t, 0x5000, 0x1234000, PAGE_SIZE, VTD_PT_W), 0);
	assert_int_equal(pd[0] & ~VTD_SLPTE_ADDR, 3);
	pt = fake_ptr(NULL, pd[0] & VTD_SLPTE_ADDR);
	assert_int_equal(pt[5], 0x1234000 | BIT(11) | 3); /* W implies R, no PS */
	assert_coherent(&t);
	pt_free(&t);

	/* without SNOOP no bit 11 (QEMU without ECAP.SC calls it reserved) */
	pt_new(&t, 4, 48, VTD_PT_2M);
	assert_int_equal(vtd_pt_map(&t, 0, 0, MiB(2), VTD_PT_R | VTD_PT_W), 0);
	pt = fake_ptr(NULL, t.root[0] & VTD_SLPTE_ADDR); /* PDPT */
	pd = fake_ptr(NULL, pt[0] & VTD_SLPTE_ADDR);
	assert_int_equal(pd[0], BIT(7) | 3);
	pt_free(&t);
}

/* Largest pages per the allowed sizes; table counts show which were used. */
static void test_superpage_choice(void **state)
{
	struct vtd_pt t;

	(void)state;
	pt_new(&t, 4, 48, VTD_PT_2M | VTD_PT_1G);
	assert_int_equal(vtd_pt_map(&t, GiB(2), GiB(2), GiB(2), VTD_PT_R | VTD_PT_W), 0);
	assert_int_equal(t.nr_tables, 2); /* PML4 + PDPT */
	expect_map(&t, GiB(3) + 0x5000, GiB(3) + 0x5000, GiB(1), VTD_PT_R | VTD_PT_W);
	pt_free(&t);

	pt_new(&t, 4, 48, VTD_PT_2M);
	assert_int_equal(vtd_pt_map(&t, GiB(2), GiB(2), GiB(2), VTD_PT_R | VTD_PT_W), 0);
	assert_int_equal(t.nr_tables, 4); /* + 2 PDs */
	expect_map(&t, GiB(3) + 0x5000, GiB(3) + 0x5000, MiB(2), VTD_PT_R | VTD_PT_W);
	pt_free(&t);

	pt_new(&t, 4, 48, 0);
	assert_int_equal(vtd_pt_map(&t, 0, 0, MiB(8), VTD_PT_R), 0);
	assert_int_equal(t.nr_tables, 3 + 4);
	expect_map(&t, MiB(3), MiB(3), PAGE_SIZE, VTD_PT_R);
	pt_free(&t);

	/* iova and hpa aligned differently: 4 KiB pages only */
	pt_new(&t, 3, 39, VTD_PT_2M | VTD_PT_1G);
	assert_int_equal(vtd_pt_map(&t, MiB(2), MiB(2) + PAGE_SIZE, MiB(4), VTD_PT_R), 0);
	expect_map(&t, MiB(5), MiB(5) + PAGE_SIZE, PAGE_SIZE, VTD_PT_R);
	/* a 1 GiB page straddling nothing: [1G, 2G) -> [3G, 4G) in the root */
	assert_int_equal(vtd_pt_map(&t, GiB(1), GiB(3), GiB(1), VTD_PT_R), 0);
	expect_map(&t, GiB(1) + 0x1000, GiB(3) + 0x1000, GiB(1), VTD_PT_R);
	assert_coherent(&t);
	pt_free(&t);
}

static void hole_in_superpage(u64 super)
{
	struct vtd_pt t;
	const u64 base = GiB(4), hole = base + super / 2 + 0x3000;
	const unsigned int rw = VTD_PT_R | VTD_PT_W;

	pt_new(&t, 4, 48, super == GiB(1) ? VTD_PT_2M | VTD_PT_1G : VTD_PT_2M);
	assert_int_equal(vtd_pt_map(&t, base, base, 2 * super, rw), 0);
	expect_map(&t, hole, hole, super, rw);
	assert_int_equal(vtd_pt_unmap(&t, hole, PAGE_SIZE), 0);
	assert_coherent(&t);
	assert_int_equal(t.nr_splits, super == GiB(1) ? 2 : 1);
	expect_unmapped(&t, hole);
	expect_unmapped(&t, hole + 0xfff);
	expect_map(&t, hole - PAGE_SIZE, hole - PAGE_SIZE, PAGE_SIZE, rw);
	expect_map(&t, hole + PAGE_SIZE, hole + PAGE_SIZE, PAGE_SIZE, rw);
	if (super == GiB(1)) /* the rest of the 1 GiB became 2 MiB pages */
		expect_map(&t, base, base, MiB(2), rw);
	expect_map(&t, base + super - PAGE_SIZE, base + super - PAGE_SIZE,
		   super == GiB(1) ? MiB(2) : PAGE_SIZE, rw);
	expect_map(&t, base + super, base + super, super, rw); /* neighbour intact */
	for (u64 a = base; a < base + 2 * super; a += (super == GiB(1) ? MiB(1) : PAGE_SIZE) / 4) {
		if (a >= ALIGN_DOWN(hole, PAGE_SIZE) && a < ALIGN_DOWN(hole, PAGE_SIZE) + PAGE_SIZE)
			continue;
		expect_map(&t, a, a,
			   (a >= base + super) ? super
			   : (ALIGN_DOWN(a, MiB(2)) == ALIGN_DOWN(hole, MiB(2)) || super == MiB(2))
				   ? PAGE_SIZE
				   : MiB(2),
			   rw);
	}
	/* refilling the hole maps it again, inside the split table */
	assert_int_equal(vtd_pt_map(&t, hole, hole, PAGE_SIZE, VTD_PT_R), 0);
	expect_map(&t, hole, hole, PAGE_SIZE, VTD_PT_R);
	assert_coherent(&t);
	pt_free(&t);
}

static void test_hole_in_2m(void **state)
{
	(void)state;
	hole_in_superpage(MiB(2));
}

static void test_hole_in_1g(void **state)
{
	(void)state;
	hole_in_superpage(GiB(1));
}

static void test_unmap_and_remap(void **state)
{
	struct vtd_pt t;
	u64 tables, flushes;

	(void)state;
	pt_new(&t, 4, 48, VTD_PT_2M | VTD_PT_1G);
	assert_int_equal(vtd_pt_map(&t, 0, 0, MiB(64), VTD_PT_R | VTD_PT_W), 0);
	/* unmapping an unaligned middle splits both ends */
	assert_int_equal(vtd_pt_unmap(&t, MiB(3) + 0x1000, MiB(10)), 0);
	expect_map(&t, MiB(3), MiB(3), PAGE_SIZE, VTD_PT_R | VTD_PT_W);
	for (u64 a = MiB(3) + 0x1000; a < MiB(13) + 0x1000; a += PAGE_SIZE)
		expect_unmapped(&t, a);
	expect_map(&t, MiB(13) + 0x1000, MiB(13) + 0x1000, PAGE_SIZE, VTD_PT_R | VTD_PT_W);
	expect_map(&t, MiB(14), MiB(14), MiB(2), VTD_PT_R | VTD_PT_W);
	assert_int_equal(t.nr_splits, 2);
	/* unmapping what is not mapped is fine */
	assert_int_equal(vtd_pt_unmap(&t, GiB(100), GiB(1)), 0);
	assert_int_equal(vtd_pt_unmap(&t, MiB(4), MiB(2)), 0);
	/* remap the whole 2 MiB at 2 MiB: the existing 4 KiB table stays (it
	 * may still be walked), filled with the new translation */
	tables = t.nr_tables;
	flushes = fm->flushes;
	assert_int_equal(vtd_pt_map(&t, MiB(2), GiB(2) + MiB(2), MiB(2), VTD_PT_R), 0);
	assert_int_equal(t.nr_tables, tables);
	assert_int_equal(fm->flushes - flushes, 1); /* one run of 512 leaves */
	for (u64 a = MiB(2); a < MiB(4); a += PAGE_SIZE)
		expect_map(&t, a, GiB(2) + a, PAGE_SIZE, VTD_PT_R);
	/* remap [4M, 6M), a cleared 2 MiB slot: one 2 MiB leaf again */
	assert_int_equal(vtd_pt_map(&t, MiB(4), MiB(4), MiB(2), VTD_PT_R | VTD_PT_W), 0);
	expect_map(&t, MiB(5), MiB(5), MiB(2), VTD_PT_R | VTD_PT_W);
	/* everything off */
	assert_int_equal(vtd_pt_unmap(&t, 0, GiB(1)), 0);
	for (u64 a = 0; a < MiB(64); a += PAGE_SIZE)
		expect_unmapped(&t, a);
	assert_coherent(&t);
	assert_int_equal(vtd_pt_map(&t, 0, 0, 0, VTD_PT_R), 0); /* empty */
	pt_free(&t);
}

static void test_range_checks(void **state)
{
	struct vtd_pt t;

	(void)state;
	pt_new(&t, 3, 48, VTD_PT_2M); /* clamped to what 3 levels address */
	assert_int_equal(t.addr_bits, 39);
	assert_int_equal(vtd_pt_iova_limit(&t), 1ULL << 39);
	assert_int_equal(vtd_pt_map(&t, 1ULL << 39, 0, PAGE_SIZE, VTD_PT_R), -ERANGE);
	assert_int_equal(vtd_pt_map(&t, (1ULL << 39) - PAGE_SIZE, 0, 2 * PAGE_SIZE, VTD_PT_R),
			 -ERANGE);
	assert_int_equal(vtd_pt_map(&t, ~0ULL & PAGE_MASK, 0, 2 * PAGE_SIZE, VTD_PT_R), -ERANGE);
	assert_int_equal(vtd_pt_map(&t, 0, 1ULL << 52, PAGE_SIZE, VTD_PT_R), -ERANGE);
	assert_int_equal(vtd_pt_map(&t, 0x800, 0, PAGE_SIZE, VTD_PT_R), -EINVAL);
	assert_int_equal(vtd_pt_map(&t, 0, 0x800, PAGE_SIZE, VTD_PT_R), -EINVAL);
	assert_int_equal(vtd_pt_map(&t, 0, 0, 0x800, VTD_PT_R), -EINVAL);
	assert_int_equal(vtd_pt_unmap(&t, 1ULL << 39, PAGE_SIZE), -ERANGE);
	assert_int_equal(vtd_pt_unmap(&t, 0x10, PAGE_SIZE), -EINVAL);
	assert_int_equal(t.nr_tables, 1); /* nothing built */
	for (unsigned int i = 0; i < VTD_SLPT_ENTRIES; i++)
		assert_int_equal(t.root[i], 0);
	assert_int_equal(vtd_pt_map(&t, (1ULL << 39) - MiB(2), 0, MiB(2), VTD_PT_R), 0);
	expect_map(&t, (1ULL << 39) - 1, MiB(2) - 1, MiB(2), VTD_PT_R);
	expect_unmapped(&t, 1ULL << 39);
	pt_free(&t);

	/* 4-level but MGAW 39: the smaller width wins */
	pt_new(&t, 4, 39, 0);
	assert_int_equal(vtd_pt_map(&t, 1ULL << 39, 0, PAGE_SIZE, VTD_PT_R), -ERANGE);
	assert_int_equal(vtd_pt_map(&t, (1ULL << 39) - PAGE_SIZE, 0, PAGE_SIZE, VTD_PT_R), 0);
	pt_free(&t);

	assert_int_equal(vtd_pt_init(&t, 2, 30, 0, &fm->ops), -EINVAL);
	assert_int_equal(vtd_pt_init(&t, 6, 48, 0, &fm->ops), -EINVAL);
	assert_int_equal(fm->nr_live, 0);
}

static void test_exhaustion(void **state)
{
	struct vtd_pt t;
	u64 last = 0;
	bool hole = false;

	(void)state;
	fm->budget = 0;
	assert_int_equal(vtd_pt_init(&t, 4, 48, 0, &fm->ops), -ENOMEM);
	assert_null(t.root);

	/* 4 KiB pages over 16 MiB need 3 + 8 tables; give 6 */
	fm->budget = 6;
	assert_int_equal(vtd_pt_init(&t, 4, 48, 0, &fm->ops), 0);
	assert_int_equal(vtd_pt_map(&t, MiB(32), GiB(1), MiB(16), VTD_PT_R | VTD_PT_W), -ENOMEM);
	assert_coherent(&t);
	assert_int_equal(t.nr_tables, 6);
	/* a prefix is mapped, correctly; nothing else */
	for (u64 a = MiB(32); a < MiB(48); a += PAGE_SIZE) {
		hpa_t hpa;

		if (vtd_pt_lookup(&t, a, &hpa, NULL, NULL)) {
			assert_false(hole);
			assert_int_equal(hpa, a - MiB(32) + GiB(1));
			last = a;
		} else {
			hole = true;
		}
	}
	assert_int_equal(last, MiB(32) + 3 * MiB(2) - PAGE_SIZE); /* 3 PTs filled */
	expect_unmapped(&t, MiB(31));
	/* more memory: the same call now completes */
	fm->budget = -1;
	assert_int_equal(vtd_pt_map(&t, MiB(32), GiB(1), MiB(16), VTD_PT_R | VTD_PT_W), 0);
	expect_map(&t, MiB(48) - PAGE_SIZE, GiB(1) + MiB(16) - PAGE_SIZE, PAGE_SIZE,
		   VTD_PT_R | VTD_PT_W);
	pt_free(&t);

	/* a split that cannot allocate leaves the superpage whole */
	assert_int_equal(vtd_pt_init(&t, 3, 39, VTD_PT_2M | VTD_PT_1G, &fm->ops), 0);
	assert_int_equal(vtd_pt_map(&t, 0, GiB(2), GiB(2), VTD_PT_R | VTD_PT_W), 0);
	fm->budget = 1; /* 1G -> 2M table only */
	assert_int_equal(vtd_pt_unmap(&t, MiB(1), PAGE_SIZE), -ENOMEM);
	assert_coherent(&t);
	for (u64 a = 0; a < GiB(2); a += MiB(1))
		assert_true(vtd_pt_lookup(&t, a, NULL, NULL, NULL));
	expect_map(&t, MiB(1), GiB(2) + MiB(1), MiB(2), VTD_PT_R | VTD_PT_W);
	expect_map(&t, GiB(1), GiB(3), GiB(1), VTD_PT_R | VTD_PT_W);
	/* an unmap whose first part needs no memory: that part is done */
	fm->budget = 0;
	assert_int_equal(vtd_pt_unmap(&t, 0, GiB(1) + PAGE_SIZE), -ENOMEM);
	assert_coherent(&t);
	expect_unmapped(&t, 0);
	expect_unmapped(&t, GiB(1) - PAGE_SIZE);
	expect_map(&t, GiB(1), GiB(3), GiB(1), VTD_PT_R | VTD_PT_W);
	fm->budget = -1;
	pt_free(&t);

	/* the tree's own budget (max_tables) binds though memory is plenty */
	assert_int_equal(vtd_pt_init(&t, 4, 48, 0, &fm->ops), 0);
	t.max_tables = 5;
	assert_int_equal(vtd_pt_map(&t, 0, GiB(1), PAGE_SIZE, VTD_PT_R), 0); /* root + 3 */
	assert_int_equal(t.nr_tables, 4);
	assert_int_equal(vtd_pt_map(&t, MiB(2), GiB(1), PAGE_SIZE, VTD_PT_R), 0); /* +1 PT */
	assert_int_equal(vtd_pt_map(&t, MiB(4), GiB(1), PAGE_SIZE, VTD_PT_R), -ENOMEM);
	assert_int_equal(t.nr_tables, 5);
	assert_coherent(&t);
	expect_unmapped(&t, MiB(4));
	expect_map(&t, MiB(2), GiB(1), PAGE_SIZE, VTD_PT_R);
	pt_free(&t);
}

/* Random map/unmap against a page-granular model of a 64 MiB window. */
#define WIN_PAGES 16384
static void test_random_vs_model(void **state)
{
	static u64 model[WIN_PAGES]; /* 0 = unmapped, else hpa | 1 | (W << 1) */
	struct vtd_pt t;
	u64 seed = 12345;

	(void)state;
	memset(model, 0, sizeof(model));
	pt_new(&t, 4, 48, VTD_PT_2M | VTD_PT_1G);
	for (int round = 0; round < 400; round++) {
		u64 first, n, hpa;
		unsigned int perms;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		first = (seed >> 20) % WIN_PAGES;
		if ((seed >> 50) & 1) /* often 2 MiB aligned */
			first &= ~511ULL;
		n = 1 + (seed >> 33) % (WIN_PAGES - first < 2048 ? WIN_PAGES - first : 2048);
		if (((seed >> 51) & 3) == 0)
			n = MIN(512 * (1 + (seed >> 40) % 4), WIN_PAGES - first);
		perms = VTD_PT_R | ((seed >> 53) & 1 ? VTD_PT_W : 0);
		hpa = GiB(8) + (((seed >> 54) & 1) ? first : first + 7) * PAGE_SIZE;
		if ((seed >> 55) & 1) {
			assert_int_equal(vtd_pt_unmap(&t, first * PAGE_SIZE, n * PAGE_SIZE), 0);
			for (u64 i = first; i < first + n; i++)
				model[i] = 0;
		} else {
			assert_int_equal(
				vtd_pt_map(&t, first * PAGE_SIZE, hpa, n * PAGE_SIZE, perms), 0);
			for (u64 i = first; i < first + n; i++)
				model[i] = (hpa + (i - first) * PAGE_SIZE) | 1 |
					   (perms & VTD_PT_W ? 2 : 0);
		}
		if (round % 20)
			continue;
		assert_coherent(&t);
		for (u64 i = 0; i < WIN_PAGES; i++) {
			hpa_t got;
			unsigned int p;

			if (!model[i]) {
				expect_unmapped(&t, i * PAGE_SIZE);
				continue;
			}
			assert_true(vtd_pt_lookup(&t, i * PAGE_SIZE, &got, NULL, &p));
			assert_int_equal(got, model[i] & PAGE_MASK);
			assert_int_equal(p, VTD_PT_R | (model[i] & 2 ? VTD_PT_W : 0));
		}
	}
	pt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_ram_4level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_identity_ram_3level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_entry_encoding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_superpage_choice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hole_in_2m, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hole_in_1g, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_and_remap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_range_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exhaustion, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_vs_model, setup, teardown),
	};

	return HARNESS_RUN(tests);
}
