// SPDX-License-Identifier: MIT
/*
 * vmm/guest_walk.c on a fake guest memory (a list of 4K pages by gpa):
 * 4-level (4K/2M/1G), 5-level, PAE (4K/2M), 32-bit (4K, 4M with PSE-36),
 * paging off; not-present at every level, reserved bits, tables outside
 * RAM, a self-referencing PML4, R/W with CR0.WP, U/S, NX, SMEP, and
 * instruction fetch across page boundaries. Every read the walker makes
 * is checked to be naturally aligned and counted.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "vmm/guest_walk.h"

#define MAX_PAGES 64

struct fake_mem {
	u64 gpa[MAX_PAGES];
	u8 *page[MAX_PAGES];
	unsigned int nr;
	unsigned int reads;
};

static struct fake_mem mem;

static u8 *find_page(u64 gpa)
{
	for (unsigned int i = 0; i < mem.nr; i++)
		if (mem.gpa[i] == (gpa & PAGE_MASK))
			return mem.page[i];
	return NULL;
}

static bool fake_read64(void *ctx, u64 gpa, u64 *val)
{
	u8 *p = find_page(gpa);

	assert_ptr_equal(ctx, &mem);
	assert_true(IS_ALIGNED(gpa, 8));
	mem.reads++;
	if (!p)
		return false;
	memcpy(val, p + (gpa & 0xfff), 8);
	return true;
}

static bool fake_read32(void *ctx, u64 gpa, u32 *val)
{
	u8 *p = find_page(gpa);

	assert_ptr_equal(ctx, &mem);
	assert_true(IS_ALIGNED(gpa, 4));
	mem.reads++;
	if (!p)
		return false;
	memcpy(val, p + (gpa & 0xfff), 4);
	return true;
}

static const struct guest_mem_ops ops = {
	.read64 = fake_read64,
	.read32 = fake_read32,
	.ctx = &mem,
};

/* A zeroed RAM page at gpa (4K aligned). */
static u8 *ram(u64 gpa)
{
	u8 *p = find_page(gpa);

	if (p)
		return p;
	assert_true(mem.nr < MAX_PAGES);
	p = calloc(1, PAGE_SIZE);
	assert_non_null(p);
	mem.gpa[mem.nr] = gpa & PAGE_MASK;
	mem.page[mem.nr++] = p;
	return p;
}

static void set64(u64 gpa, u64 v)
{
	memcpy(ram(gpa) + (gpa & 0xfff), &v, 8);
}

static void set32(u64 gpa, u32 v)
{
	memcpy(ram(gpa) + (gpa & 0xfff), &v, 4);
}

static int reset(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < mem.nr; i++)
		free(mem.page[i]);
	memset(&mem, 0, sizeof(mem));
	return 0;
}

#define P GW_PTE_P
#define RW GW_PTE_RW
#define US GW_PTE_US
#define PS GW_PTE_PS
#define XD GW_PTE_XD
#define PRW (P | RW)
#define ALL (P | RW | US)

#define CR0_ON (GW_CR0_PG | GW_CR0_WP | 1)
#define LONG_EFER (GW_EFER_LMA | GW_EFER_NXE)

static const struct guest_paging lm4 = {
	.cr0 = CR0_ON,
	.cr3 = 0x1000,
	.cr4 = GW_CR4_PAE,
	.efer = LONG_EFER,
	.maxphyaddr = 46,
};

/* gva 0x00007f8080604abc: PML4 255, PDPT 2, PD 3, PT 4, offset 0xabc */
#define GVA4 0x00007f8080604abcULL
#define I4 (255 * 8)
#define I3 (2 * 8)
#define I2 (3 * 8)
#define I1 (4 * 8)

/* PML4 0x1000 -> PDPT 0x2000 -> PD 0x3000 -> PT 0x4000 -> 0x123456000 */
static void build_4level(u64 leaf_flags)
{
	set64(0x1000 + I4, 0x2000 | ALL);
	set64(0x2000 + I3, 0x3000 | ALL);
	set64(0x3000 + I2, 0x4000 | ALL);
	set64(0x4000 + I1, 0x123456000ULL | leaf_flags);
}

static int walk(const struct guest_paging *p, u64 gva, unsigned int access, u64 *gpa, u64 *size)
{
	mem.reads = 0;
	return guest_walk(p, &ops, gva, access, gpa, size);
}

static void test_paging_off(void **state)
{
	struct guest_paging p = { .cr0 = 1, .efer = 0 };
	u64 gpa, size;

	(void)state;
	assert_int_equal(walk(&p, 0x12345678abcULL, GW_WRITE, &gpa, &size), GW_OK);
	assert_true(gpa == 0x45678abc && size == PAGE_SIZE);
	assert_int_equal(mem.reads, 0);
}

static void test_4level_4k(void **state)
{
	u64 gpa, size;

	(void)state;
	build_4level(ALL);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x123456abcULL && size == PAGE_SIZE);
	assert_int_equal(mem.reads, 4);
	/* CR3 flag/PCID bits 11:0 are not part of the table address */
	{
		struct guest_paging p = lm4;

		p.cr3 |= 0xfff;
		assert_int_equal(walk(&p, GVA4, GW_WRITE | GW_USER | GW_FETCH, &gpa, &size), GW_OK);
		assert_true(gpa == 0x123456abcULL);
	}
}

static void test_4level_large(void **state)
{
	u64 gpa, size;

	(void)state;
	/* 2M: PDE with PS, PAT at bit 12 is not an address bit */
	build_4level(ALL);
	set64(0x3000 + I2, 0x40000000ULL | BIT(12) | ALL | PS);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x40000000ULL + (GVA4 & 0x1fffff));
	assert_true(size == MiB(2) && mem.reads == 3);
	/* bits 20:13 of a 2M PDE are reserved */
	set64(0x3000 + I2, 0x40000000ULL | BIT(13) | ALL | PS);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
	assert_true(gpa == 0 && size == 0);

	/* 1G: PDPTE with PS */
	set64(0x2000 + I3, 0x1c0000000ULL | ALL | PS);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x1c0000000ULL + (GVA4 & 0x3fffffff));
	assert_true(size == GiB(1) && mem.reads == 2);
	/* bits 29:13 of a 1G PDPTE are reserved */
	set64(0x2000 + I3, 0x1c0000000ULL | BIT(21) | ALL | PS);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
	/* PS is reserved in a PML4E */
	set64(0x2000 + I3, 0x3000 | ALL);
	set64(0x1000 + I4, 0x2000 | ALL | PS);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
}

static void test_5level(void **state)
{
	struct guest_paging p = lm4;
	/* PML5 index 3 (bits 56:48), rest as GVA4, sign bit 56 clear */
	u64 gva = (3ULL << 48) | (GVA4 & GENMASK(47, 0));
	u64 gpa, size;

	(void)state;
	p.cr4 |= GW_CR4_LA57;
	p.cr3 = 0x9000;
	set64(0x9000 + 3 * 8, 0x1000 | ALL);
	build_4level(ALL);
	assert_int_equal(walk(&p, gva, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x123456abcULL && mem.reads == 5);
	/* non-canonical for 4-level paging, but not for 5-level */
	assert_int_equal(walk(&lm4, gva, 0, &gpa, &size), GW_NONCANONICAL);
	assert_int_equal(mem.reads, 0);
	/* PS is reserved in a PML5E */
	set64(0x9000 + 3 * 8, 0x1000 | ALL | PS);
	assert_int_equal(walk(&p, gva, 0, &gpa, &size), GW_RESERVED_BIT);
	/* 57-bit canonical: bits 63:57 must copy bit 56 */
	assert_int_equal(walk(&p, BIT(57) | gva, 0, &gpa, &size), GW_NONCANONICAL);
}

static void test_noncanonical(void **state)
{
	u64 gpa, size;

	(void)state;
	build_4level(ALL);
	assert_int_equal(walk(&lm4, 0x0000800000000000ULL, 0, &gpa, &size), GW_NONCANONICAL);
	assert_int_equal(walk(&lm4, 0xffff7fffffffffffULL, 0, &gpa, &size), GW_NONCANONICAL);
	assert_int_equal(mem.reads, 0);
	/* the top half is fine (PML4 index 511 is simply not present) */
	assert_int_equal(walk(&lm4, 0xffff800000000000ULL, 0, &gpa, &size), GW_NOT_PRESENT);
}

static void test_not_present_each_level(void **state)
{
	static const u64 entry[4] = { 0x1000 + I4, 0x2000 + I3, 0x3000 + I2, 0x4000 + I1 };
	u64 gpa, size;

	(void)state;
	for (unsigned int lvl = 0; lvl < 4; lvl++) {
		u64 v;

		build_4level(ALL);
		memcpy(&v, ram(entry[lvl]) + (entry[lvl] & 0xfff), 8);
		/* P=0: every other bit is ignored, even "reserved" ones */
		set64(entry[lvl], (v & ~P) | BIT(51) | PS);
		assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_NOT_PRESENT);
		assert_int_equal(mem.reads, lvl + 1);
	}
}

static void test_reserved_bits(void **state)
{
	struct guest_paging p = lm4;
	u64 gpa, size;

	(void)state;
	/* maxphyaddr 46: bit 46 of an address field is reserved */
	build_4level(ALL | BIT(46));
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
	/* ... but not with 52 physical address bits */
	p.maxphyaddr = 52;
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_OK);
	assert_true(gpa == (BIT(46) | 0x123456abcULL));
	/* maxphyaddr 0 means 52 */
	p.maxphyaddr = 0;
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_OK);
	/* bits 62:52 are ignored in long mode */
	build_4level(ALL | BIT(62) | BIT(52));
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x123456abcULL);
	/* XD is reserved when EFER.NXE=0, in any level */
	p = lm4;
	p.efer = GW_EFER_LMA;
	build_4level(ALL);
	set64(0x2000 + I3, 0x3000 | ALL | XD);
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_OK);
	/* a reserved bit in a non-leaf entry (maxphyaddr 46) */
	set64(0x3000 + I2, 0x4000 | ALL | BIT(50));
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
	assert_int_equal(mem.reads, 3);
}

static void test_bad_table(void **state)
{
	struct guest_paging p = lm4;
	u64 gpa, size;

	(void)state;
	build_4level(ALL);
	/* PD pointer outside the fake RAM */
	set64(0x2000 + I3, 0x7770000ULL | ALL);
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_BAD_TABLE);
	assert_int_equal(mem.reads, 3);
	/* CR3 outside RAM */
	p.cr3 = 0x80000000ULL;
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_BAD_TABLE);
	/* no ops at all */
	assert_int_equal(guest_walk(&lm4, NULL, GVA4, 0, &gpa, &size), GW_BAD_TABLE);
}

static void test_self_referencing(void **state)
{
	struct guest_paging p = lm4;
	u64 gpa, size;

	(void)state;
	/* Every PML4 entry points back at the PML4: any gva walks it 4 times. */
	for (unsigned int i = 0; i < 512; i++)
		set64(0x1000 + i * 8, 0x1000 | ALL);
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x1abc && size == PAGE_SIZE);
	assert_int_equal(mem.reads, 4);
	/* 5-level: 5 reads, then the PML5 page itself */
	p.cr4 |= GW_CR4_LA57;
	assert_int_equal(walk(&p, 0x00ffffffffffffffULL, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x1fff && mem.reads == 5);
	/* and with PS in the loop entries: reserved at level 4, not a hang */
	for (unsigned int i = 0; i < 512; i++)
		set64(0x1000 + i * 8, 0x1000 | ALL | PS);
	assert_int_equal(walk(&lm4, GVA4, 0, &gpa, &size), GW_RESERVED_BIT);
	assert_int_equal(mem.reads, 1);
}

static void test_permissions(void **state)
{
	struct guest_paging p = lm4;
	u64 gpa, size;

	(void)state;
	/* read-only page */
	build_4level(P | US);
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_OK);
	assert_int_equal(walk(&p, GVA4, GW_WRITE, &gpa, &size), GW_PROTECTION);
	assert_true(gpa == 0 && size == 0);
	assert_int_equal(walk(&p, GVA4, GW_WRITE | GW_USER, &gpa, &size), GW_PROTECTION);
	p.cr0 &= ~GW_CR0_WP; /* supervisor writes ignore R/W without WP */
	assert_int_equal(walk(&p, GVA4, GW_WRITE, &gpa, &size), GW_OK);
	assert_int_equal(walk(&p, GVA4, GW_WRITE | GW_USER, &gpa, &size), GW_PROTECTION);
	/* R/W=0 in an upper level counts too */
	build_4level(ALL);
	set64(0x2000 + I3, 0x3000 | P | US);
	assert_int_equal(walk(&lm4, GVA4, GW_WRITE, &gpa, &size), GW_PROTECTION);
	assert_int_equal(walk(&lm4, GVA4, GW_USER, &gpa, &size), GW_OK);

	/* supervisor-only page (U/S=0 in the PDE) */
	build_4level(ALL);
	set64(0x3000 + I2, 0x4000 | PRW);
	assert_int_equal(walk(&lm4, GVA4, GW_WRITE, &gpa, &size), GW_OK);
	assert_int_equal(walk(&lm4, GVA4, GW_USER, &gpa, &size), GW_PROTECTION);

	/* NX: data fine, fetch refused */
	build_4level(ALL | XD);
	assert_int_equal(walk(&lm4, GVA4, GW_WRITE, &gpa, &size), GW_OK);
	assert_int_equal(walk(&lm4, GVA4, GW_FETCH, &gpa, &size), GW_PROTECTION);
	assert_int_equal(walk(&lm4, GVA4, GW_FETCH | GW_USER, &gpa, &size), GW_PROTECTION);

	/* SMEP: supervisor fetch from a user page */
	build_4level(ALL);
	p = lm4;
	assert_int_equal(walk(&p, GVA4, GW_FETCH, &gpa, &size), GW_OK);
	p.cr4 |= GW_CR4_SMEP;
	assert_int_equal(walk(&p, GVA4, GW_FETCH, &gpa, &size), GW_PROTECTION);
	assert_int_equal(walk(&p, GVA4, GW_FETCH | GW_USER, &gpa, &size), GW_OK);
	assert_int_equal(walk(&p, GVA4, 0, &gpa, &size), GW_OK);
}

/* PAE: CR3[31:5] -> 4 PDPTEs -> PD -> PT (SDM 4.4) */
static const struct guest_paging pae = {
	.cr0 = CR0_ON,
	.cr3 = 0x1020,
	.cr4 = GW_CR4_PAE,
	.efer = GW_EFER_NXE,
	.maxphyaddr = 36,
};

/* gva 0xc0a01123: PDPTE 3, PDE 5, PTE 1, offset 0x123 */
#define GVA_PAE 0xc0a01123ULL

static void test_pae(void **state)
{
	struct guest_paging p = pae;
	u64 gpa, size;

	(void)state;
	set64(0x1020 + 3 * 8, 0x5000 | P);
	set64(0x5000 + 5 * 8, 0x6000 | ALL);
	set64(0x6000 + 1 * 8, 0xabcd000ULL | ALL);
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0xabcd123ULL && size == PAGE_SIZE);
	assert_int_equal(mem.reads, 3);
	/* gva bits 63:32 are not part of a 32-bit linear address */
	assert_int_equal(walk(&p, BIT(40) | GVA_PAE, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0xabcd123ULL);
	/* NX with NXE */
	set64(0x6000 + 1 * 8, 0xabcd000ULL | ALL | XD);
	assert_int_equal(walk(&p, GVA_PAE, GW_FETCH, &gpa, &size), GW_PROTECTION);
	p.efer = 0; /* without NXE, bit 63 is reserved */
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_RESERVED_BIT);
	p = pae;
	/* bits 62:M are reserved in PAE (unlike long mode) */
	set64(0x6000 + 1 * 8, 0xabcd000ULL | ALL | BIT(52));
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_RESERVED_BIT);
	set64(0x6000 + 1 * 8, 0xabcd000ULL | ALL | BIT(36));
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_RESERVED_BIT);
	p.maxphyaddr = 40;
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_OK);
	assert_true(gpa == (BIT(36) | 0xabcd123ULL));
	p = pae;

	/* 2M page in the PD */
	set64(0x5000 + 5 * 8, 0x2e00000ULL | PRW | PS);
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x2e00000ULL + (GVA_PAE & 0x1fffff));
	assert_true(size == MiB(2) && mem.reads == 2);

	/* PDPTE: bits 2:1 (R/W, U/S in other modes) and XD are reserved */
	set64(0x1020 + 3 * 8, 0x5000 | P | RW);
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_RESERVED_BIT);
	set64(0x1020 + 3 * 8, 0x5000 | P | XD);
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_RESERVED_BIT);
	set64(0x1020 + 3 * 8, 0x5000);
	assert_int_equal(walk(&p, GVA_PAE, 0, &gpa, &size), GW_NOT_PRESENT);
	/* PDPTE 0 is not present: different gva, same CR3 */
	assert_int_equal(walk(&p, 0x1000, 0, &gpa, &size), GW_NOT_PRESENT);
}

static const struct guest_paging nopae = {
	.cr0 = CR0_ON,
	.cr3 = 0x1000,
	.cr4 = GW_CR4_PSE,
	.maxphyaddr = 40,
};

/* gva 0x80c03456: PDE 0x203, PTE 0x003, offset 0x456 */
#define GVA32 0x80c03456ULL

static void test_32bit(void **state)
{
	struct guest_paging p = nopae;
	struct guest_mem_ops no32 = ops;
	u64 gpa, size;

	(void)state;
	set32(0x1000 + 0x203 * 4, 0x2000 | ALL);
	set32(0x2000 + 3 * 4, 0x7654000 | ALL);
	assert_int_equal(walk(&p, GVA32, GW_WRITE | GW_USER, &gpa, &size), GW_OK);
	assert_true(gpa == 0x7654456 && size == PAGE_SIZE && mem.reads == 2);
	/* without read32 the walker reads the containing 8 bytes */
	no32.read32 = NULL;
	assert_int_equal(guest_walk(&p, &no32, GVA32, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x7654456);
	/* no NX in 32-bit paging: bit 63 does not exist, fetch is fine */
	assert_int_equal(walk(&p, GVA32, GW_FETCH, &gpa, &size), GW_OK);
	/* read-only with WP */
	set32(0x2000 + 3 * 4, 0x7654000 | P | US);
	assert_int_equal(walk(&p, GVA32, GW_WRITE, &gpa, &size), GW_PROTECTION);
	set32(0x2000 + 3 * 4, 0x7654000);
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_NOT_PRESENT);

	/* 4M page (CR4.PSE), PSE-36: PDE bits 20:13 are PA bits 39:32 */
	set32(0x1000 + 0x203 * 4, 0x80c00000 | (0x12u << 13) | ALL | PS);
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_OK);
	assert_true(gpa == (0x12ULL << 32 | 0x80c03456ULL));
	assert_true(size == MiB(4) && mem.reads == 1);
	/* bit 21 is always reserved; with M=36, bits 21:17 are */
	set32(0x1000 + 0x203 * 4, 0x80c00000 | BIT(21) | ALL | PS);
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_RESERVED_BIT);
	set32(0x1000 + 0x203 * 4, 0x80c00000 | BIT(17) | ALL | PS);
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_OK);
	p.maxphyaddr = 36;
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_RESERVED_BIT);

	/* CR4.PSE=0: PS is ignored and the PDE names a page table */
	p = nopae;
	p.cr4 = 0;
	set32(0x1000 + 0x203 * 4, 0x2000 | ALL | PS);
	set32(0x2000 + 3 * 4, 0x7654000 | ALL);
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_OK);
	assert_true(gpa == 0x7654456 && size == PAGE_SIZE);
	/* page table outside RAM */
	set32(0x1000 + 0x203 * 4, 0x3000000 | ALL);
	assert_int_equal(walk(&p, GVA32, 0, &gpa, &size), GW_BAD_TABLE);
}

/* Code pages: guest-physical 0x10000 and 0x30000 (not adjacent). */
static void fill_code(u64 gpa, u8 first)
{
	u8 *p = ram(gpa);

	for (unsigned int i = 0; i < PAGE_SIZE; i++)
		p[i] = (u8)(first + i);
}

static void map_code(u64 gva, u64 gpa, u64 flags)
{
	unsigned int pt = (gva >> 12) & 511;

	build_4level(ALL);
	set64(0x4000 + pt * 8, gpa | flags);
}

static void test_fetch(void **state)
{
	u64 base = GVA4 & ~0xfffULL & ~GENMASK(20, 12); /* PT index 0 */
	u8 buf[16];
	int n;

	(void)state;
	fill_code(0x10000, 0x00);
	fill_code(0x30000, 0x80);
	map_code(base, 0x10000, ALL);
	map_code(base + PAGE_SIZE, 0x30000, ALL);

	/* inside one page */
	memset(buf, 0xee, sizeof(buf));
	n = guest_fetch_insn(&lm4, &ops, base + 0x100, buf, 15);
	assert_int_equal(n, 15);
	assert_true(buf[0] == 0x00 && buf[14] == 0x0e && buf[15] == 0xee);

	/* across the boundary into a different physical page */
	n = guest_fetch_insn(&lm4, &ops, base + 0xffa, buf, 15);
	assert_int_equal(n, 15);
	assert_true(buf[0] == 0xfa && buf[5] == 0xff);
	assert_true(buf[6] == 0x80 && buf[14] == 0x88);

	/* the next page is not present: the bytes up to the boundary */
	set64(0x4000 + 1 * 8, 0x30000);
	memset(buf, 0xee, sizeof(buf));
	n = guest_fetch_insn(&lm4, &ops, base + 0xffa, buf, 15);
	assert_int_equal(n, 6);
	assert_true(buf[5] == 0xff && buf[6] == 0xee);
	/* ... or NX */
	set64(0x4000 + 1 * 8, 0x30000 | ALL | XD);
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base + 0xffa, buf, 15), 6);

	/* the first page itself */
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base + PAGE_SIZE, buf, 15), -EFAULT);
	set64(0x4000 + 1 * 8, 0x0dead000 | ALL); /* not RAM: MMIO, say */
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base + PAGE_SIZE, buf, 15), -EIO);
	set64(0x3000 + I2, 0x0bad0000 | ALL); /* PT not in RAM */
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base, buf, 15), -EIO);
	assert_int_equal(guest_fetch_insn(&lm4, &ops, 0x800000000000ULL, buf, 15), -EFAULT);

	/* max: 0 is an error; more than 15 is clamped */
	map_code(base, 0x10000, ALL);
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base, buf, 0), -EINVAL);
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base, buf, 3), 3);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(guest_fetch_insn(&lm4, &ops, base, buf, 99), 15);
	assert_int_equal(buf[15], 0xee);
}

static void test_fetch_permissions(void **state)
{
	struct guest_paging p = lm4;
	u64 base = GVA4 & ~0xfffULL & ~GENMASK(20, 12);
	u8 buf[15];

	(void)state;
	fill_code(0x10000, 0x00);
	/* user code under SMEP, read-only: the CPU fetched it, so do we */
	map_code(base, 0x10000, P | US);
	p.cr4 |= GW_CR4_SMEP;
	assert_int_equal(guest_fetch_insn(&p, &ops, base, buf, 15), 15);
	/* kernel code: also fine */
	map_code(base, 0x10000, P);
	assert_int_equal(guest_fetch_insn(&p, &ops, base, buf, 15), 15);
	/* but never from an NX page */
	map_code(base, 0x10000, P | XD);
	assert_int_equal(guest_fetch_insn(&p, &ops, base, buf, 15), -EFAULT);
}

static void test_fetch_unpaged(void **state)
{
	struct guest_paging p = { .cr0 = 0 }; /* real mode */
	u8 buf[15];

	(void)state;
	fill_code(0x7000, 0x10);
	assert_int_equal(guest_fetch_insn(&p, &ops, 0x7c00, buf, 15), 15);
	assert_true(buf[0] == (u8)(0x10 + 0xc00) && mem.nr == 1);
	/* a 32-bit linear address wraps at 4G */
	p.cr0 = 1;
	fill_code(0xfffff000ULL, 0x00);
	fill_code(0, 0x40);
	assert_int_equal(guest_fetch_insn(&p, &ops, 0xfffffffaULL, buf, 15), 15);
	assert_true(buf[5] == 0xff && buf[6] == 0x40 && buf[14] == 0x48);
	/* long mode: off the top of the lower half is non-canonical */
	build_4level(ALL);
	set64(0x2000 + 511 * 8, 0x3000 | ALL);
	set64(0x3000 + 511 * 8, 0x4000 | ALL);
	set64(0x4000 + 511 * 8, 0 | ALL); /* the page at gpa 0, from 0x40 */
	assert_int_equal(guest_fetch_insn(&lm4, &ops, 0x00007ffffffffffaULL, buf, 15), 6);
	assert_true(buf[0] == 0x3a && buf[5] == 0x3f);
}

static void test_result_names(void **state)
{
	(void)state;
	assert_string_equal(guest_walk_result_name(GW_OK), "ok");
	assert_string_equal(guest_walk_result_name(GW_NOT_PRESENT), "not-present");
	assert_string_equal(guest_walk_result_name(GW_PROTECTION), "protection");
	assert_string_equal(guest_walk_result_name(99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_paging_off, reset),
		cmocka_unit_test_teardown(test_4level_4k, reset),
		cmocka_unit_test_teardown(test_4level_large, reset),
		cmocka_unit_test_teardown(test_5level, reset),
		cmocka_unit_test_teardown(test_noncanonical, reset),
		cmocka_unit_test_teardown(test_not_present_each_level, reset),
		cmocka_unit_test_teardown(test_reserved_bits, reset),
		cmocka_unit_test_teardown(test_bad_table, reset),
		cmocka_unit_test_teardown(test_self_referencing, reset),
		cmocka_unit_test_teardown(test_permissions, reset),
		cmocka_unit_test_teardown(test_pae, reset),
		cmocka_unit_test_teardown(test_32bit, reset),
		cmocka_unit_test_teardown(test_fetch, reset),
		cmocka_unit_test_teardown(test_fetch_permissions, reset),
		cmocka_unit_test_teardown(test_fetch_unpaged, reset),
		cmocka_unit_test_teardown(test_result_names, reset),
	};

	return HARNESS_RUN(tests);
}
