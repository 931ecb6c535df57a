// SPDX-License-Identifier: MIT
/*
 * vmm/guest_boot.c on the real setup header of Debian's 6.1 kernel
 * (tests/data/bzimage/debian-head.bin) and the real QEMU q35 1 GiB
 * firmware map: placement, E820 holes, header checks on patched copies,
 * the zero page byte by byte, the GDT and a walk of the page tables.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/memrange.h"
#include "vmm/bootparam.h"
#include "vmm/guest_boot.h"

#define AV MEMRANGE_AVAILABLE
#define RS MEMRANGE_RESERVED
#define ACPI MEMRANGE_ACPI

/* The bzImage module and initrd as GRUB loaded them (real sizes). */
#define KERNEL_PA 0x182000ULL
#define KERNEL_LEN 8247232ULL
#define INITRD_PA 0x960000ULL
#define INITRD_LEN 1597013ULL
#define SCRATCH 0x10000ULL
#define RSDP 0xf5a10ULL
/* From the header (README): (39 + 1) * 512 of setup, init_size. */
#define SETUP_LEN 0x5000ULL
#define INIT_SIZE 0x3f98000ULL

/* GRUB's multiboot2 map on QEMU q35 -m 1G (tests/data/mbi/qemu-q35.bin). */
static const struct mem_range qemu_map[] = {
	{ 0x0, 0x9fc00, AV },
	{ 0x9fc00, 0x400, RS },
	{ 0xf0000, 0x10000, RS },
	{ 0x100000, 0x3fedf000, AV },
	{ 0x3ffdf000, 0x21000, RS },
	{ 0xb0000000, 0x10000000, RS },
	{ 0xfed1c000, 0x4000, RS },
	{ 0xfffc0000, 0x40000, RS },
	{ 0xfd00000000ULL, 0x300000000ULL, RS },
};
static const struct mem_range qemu_hv[] = {
	{ 0x100000, 0x32000, RS },
	{ 0x3be00000, 0x4000000, RS },
};
/* Guest ACPI tables built by the hypervisor inside its own memory. */
static const struct mem_range qemu_extra[] = {
	{ 0x3fdf0000, 0x10000, ACPI },
};

static u8 *header; /* debian-head.bin */
static size_t header_len;

struct fixture {
	struct guest_boot_input in;
	struct mem_range hv[8];
	struct guest_boot_plan *plan;
	u8 bz[16384]; /* a copy to patch */
};

static struct fixture *qemu_fixture(void)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->plan = calloc(1, sizeof(*f->plan));
	assert_non_null(f->plan);
	assert_int_equal(header_len, sizeof(f->bz));
	memcpy(f->bz, header, sizeof(f->bz));
	memcpy(f->hv, qemu_hv, sizeof(qemu_hv));
	f->in = (struct guest_boot_input){
		.fw_map = qemu_map,
		.nr_fw = ARRAY_SIZE(qemu_map),
		.hv = f->hv,
		.nr_hv = ARRAY_SIZE(qemu_hv),
		.extra = qemu_extra,
		.nr_extra = ARRAY_SIZE(qemu_extra),
		.kernel_pa = KERNEL_PA,
		.kernel_len = KERNEL_LEN,
		.initrd_pa = INITRD_PA,
		.initrd_len = INITRD_LEN,
		.cmdline = "console=ttyS0 quiet",
		.acpi_rsdp_pa = RSDP,
		.low_scratch_pa = SCRATCH,
	};
	return f;
}

static void free_fixture(struct fixture *f)
{
	free(f->plan);
	free(f);
}

static int plan_it(struct fixture *f)
{
	return guest_boot_plan(&f->in, f->bz, sizeof(f->bz), f->plan);
}

static void expect_error(struct fixture *f, int err, const char *substr)
{
	assert_int_equal(plan_it(f), err);
	if (!strstr(f->plan->error, substr))
		fail_msg("error \"%s\" lacks \"%s\"", f->plan->error, substr);
}

#define EXPECT_E820(p, ...)                                                \
	do {                                                               \
		const struct mem_range w_[] = { __VA_ARGS__ };             \
		assert_int_equal((p)->nr_e820, ARRAY_SIZE(w_));            \
		for (unsigned int i_ = 0; i_ < ARRAY_SIZE(w_); i_++) {     \
			assert_int_equal((p)->e820[i_].base, w_[i_].base); \
			assert_int_equal((p)->e820[i_].len, w_[i_].len);   \
			assert_int_equal((p)->e820[i_].type, w_[i_].type); \
		}                                                          \
	} while (0)

/* ---- placement on the real map ---- */

static void test_qemu_plan(void **state)
{
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;

	(void)state;
	assert_int_equal(plan_it(f), 0);
	assert_string_equal(p->error, "");
	assert_int_equal(p->boot_version, 0x020f);
	assert_int_equal(p->init_size, INIT_SIZE);
	assert_true(p->relocatable);
	assert_int_equal(p->kernel_alignment, 0x200000);
	assert_int_equal(p->kernel_load_pa, 0x1000000); /* pref_address */
	assert_int_equal(p->entry64_pa, 0x1000200);
	assert_int_equal(p->kernel_src_pa, KERNEL_PA + SETUP_LEN);
	assert_int_equal(p->kernel_copy_len, KERNEL_LEN - SETUP_LEN);
	assert_false(p->initrd_move);
	assert_int_equal(p->initrd_pa, INITRD_PA);
	assert_int_equal(p->initrd_len, INITRD_LEN);
	assert_int_equal(p->zero_page_pa, 0x10000);
	assert_int_equal(p->gdt_pa, 0x11000);
	assert_int_equal(p->pml4_pa, 0x12000);
	assert_int_equal(p->cmdline_pa, 0x18000);
	assert_int_equal(p->cmdline_len, strlen("console=ttyS0 quiet"));
	/* Both hypervisor ranges are holes, the ACPI tables sit in one. */
	EXPECT_E820(p, { 0x0, 0x9fc00, AV }, { 0x9fc00, 0x400, RS }, { 0xf0000, 0x10000, RS },
		    { 0x132000, 0x3be00000 - 0x132000, AV }, { 0x3fdf0000, 0x10000, ACPI },
		    { 0x3fe00000, 0x3ffdf000 - 0x3fe00000, AV }, { 0x3ffdf000, 0x21000, RS },
		    { 0xb0000000, 0x10000000, RS }, { 0xfed1c000, 0x4000, RS },
		    { 0xfffc0000, 0x40000, RS }, { 0xfd00000000ULL, 0x300000000ULL, RS });

	harness_log_clear();
	guest_boot_print(p);
	assert_non_null(strstr(harness_log(), "GUESTBOOT: kernel 2.15 load=0x1000000 "
					      "init_size=0x3f98000 entry=0x1000200"));
	assert_non_null(strstr(harness_log(), "GUESTBOOT: initrd [0x960000,0xae5e55) in place"));
	assert_non_null(strstr(harness_log(), "GUESTBOOT: e820 [0x0000000000132000-"
					      "0x000000003bdfffff] 1 available"));
	assert_non_null(strstr(harness_log(), "GUESTBOOT: cmdline \"console=ttyS0 quiet\""));
	free_fixture(f);
}

static void test_hv_over_pref_relocates(void **state)
{
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;

	(void)state;
	f->hv[f->in.nr_hv++] = (struct mem_range){ 0x1100000, 0x80000, RS };
	assert_int_equal(plan_it(f), 0);
	/*
	 * 0x200000 hits the bzImage, 0xa00000 the initrd, 0xc00000 runs
	 * into the new hole; the next 2 MiB boundary after it is free.
	 */
	assert_int_equal(p->kernel_load_pa, 0x1200000);
	assert_int_equal(p->entry64_pa, 0x1200200);
	assert_int_equal(p->kernel_alignment, 0x200000);
	assert_false(p->initrd_move);
	assert_int_equal(p->e820[3].base, 0x132000);
	assert_int_equal(p->e820[3].len, 0x1100000 - 0x132000);
	assert_int_equal(p->e820[4].base, 0x1180000);
	free_fixture(f);
}

static void test_lesser_alignment_fallback(void **state)
{
	static const struct mem_range small[] = {
		{ 0x0, 0x9fc00, AV }, { 0x100000, 0x5100000, AV }, /* RAM up to 0x5200000 */
	};
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;
	u8 zp[4096];
	char cl[2048];
	u8 gdt[32], *pt = malloc(GUEST_BOOT_PT_SIZE);

	(void)state;
	f->in.fw_map = small;
	f->in.nr_fw = ARRAY_SIZE(small);
	f->in.nr_extra = 0;
	f->in.nr_hv = 1;
	f->hv[0] = (struct mem_range){ 0x1100000, 0x80000, RS };
	bp_put32(f->bz, BP_KERNEL_ALIGNMENT, 0x1000000); /* min stays 2^21 */
	assert_int_equal(plan_it(f), 0);
	/* 16, 8 and 4 MiB alignments all run past 0x5200000. */
	assert_int_equal(p->kernel_load_pa, 0x1200000);
	assert_int_equal(p->kernel_alignment, 0x200000);
	assert_int_equal(guest_boot_build(p, &f->in, f->bz, zp, cl, sizeof(cl), gdt, sizeof(gdt),
					  pt, GUEST_BOOT_PT_SIZE),
			 0);
	/* boot.rst: a loader using min_alignment updates kernel_alignment. */
	assert_int_equal(bp_get32(zp, BP_KERNEL_ALIGNMENT), 0x200000);
	assert_int_equal(bp_get32(zp, BP_CODE32_START), 0x1200000);
	free(pt);
	free_fixture(f);
}

static void test_no_room_for_kernel(void **state)
{
	static const struct mem_range tiny[] = {
		{ 0x0, 0x9fc00, AV },
		{ 0x100000, 0x3000000, AV },
	};
	struct fixture *f = qemu_fixture();

	(void)state;
	f->in.fw_map = tiny;
	f->in.nr_fw = ARRAY_SIZE(tiny);
	f->in.nr_extra = 0;
	f->in.nr_hv = 0;
	expect_error(f, -ENOMEM, "no free guest RAM below 4 GiB for the kernel");
	free_fixture(f);
}

static void test_fixed_kernel(void **state)
{
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;

	(void)state;
	bp_put8(f->bz, BP_RELOCATABLE_KERNEL, 0);
	/* An initrd inside [pref, pref + init_size) has to make room. */
	f->in.initrd_pa = 0x2000000;
	assert_int_equal(plan_it(f), 0);
	assert_false(p->relocatable);
	assert_int_equal(p->kernel_load_pa, 0x1000000);
	assert_true(p->initrd_move);
	assert_int_equal(p->initrd_src_pa, 0x2000000);
	/* Highest page-aligned RAM below initrd_addr_max: the top piece. */
	assert_int_equal(p->initrd_pa, ALIGN_DOWN(0x3ffdf000 - INITRD_LEN, PAGE_SIZE));
	/* A hypervisor range at pref_address cannot be worked around. */
	f->hv[f->in.nr_hv++] = (struct mem_range){ 0x1100000, 0x80000, RS };
	expect_error(f, -ENOMEM, "non-relocatable kernel needs [0x1000000");
	free_fixture(f);
}

static void test_initrd_above_max_moves(void **state)
{
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;

	(void)state;
	bp_put32(f->bz, BP_INITRD_ADDR_MAX, 0x1fffffff);
	f->in.initrd_pa = 0x30000000;
	assert_int_equal(plan_it(f), 0);
	assert_int_equal(p->kernel_load_pa, 0x1000000);
	assert_true(p->initrd_move);
	assert_int_equal(p->initrd_src_pa, 0x30000000);
	assert_int_equal(p->initrd_pa, ALIGN_DOWN(0x20000000 - INITRD_LEN, PAGE_SIZE));
	assert_int_equal(p->initrd_len, INITRD_LEN);
	/* Straddling the limit moves it too: its last byte must be <= max. */
	f->in.initrd_pa = 0x20000000 - INITRD_LEN + 1;
	assert_int_equal(plan_it(f), 0);
	assert_true(p->initrd_move);
	assert_true(p->initrd_pa + p->initrd_len <= 0x20000000);
	f->in.initrd_pa = 0x20000000 - INITRD_LEN;
	assert_int_equal(plan_it(f), 0);
	assert_false(p->initrd_move);
	/* An initrd GRUB put where the hypervisor now lives moves as well. */
	f->in.initrd_pa = 0x3c000000;
	bp_put32(f->bz, BP_INITRD_ADDR_MAX, 0x7fffffff);
	assert_int_equal(plan_it(f), 0);
	assert_true(p->initrd_move);
	assert_int_equal(p->initrd_pa, ALIGN_DOWN(0x3ffdf000 - INITRD_LEN, PAGE_SIZE));
	/* Nowhere to go below a tiny limit. */
	bp_put32(f->bz, BP_INITRD_ADDR_MAX, 0x000fffff);
	expect_error(f, -ENOMEM, "no free guest RAM below 0x100000 for the initrd");
	free_fixture(f);
}

static void test_no_initrd(void **state)
{
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;

	(void)state;
	f->in.initrd_pa = 0;
	f->in.initrd_len = 0;
	assert_int_equal(plan_it(f), 0);
	assert_int_equal(p->initrd_pa, 0);
	assert_int_equal(p->initrd_len, 0);
	assert_false(p->initrd_move);
	harness_log_clear();
	guest_boot_print(p);
	assert_non_null(strstr(harness_log(), "GUESTBOOT: initrd none"));
	free_fixture(f);
}

/* ---- header checks ---- */

static void test_too_old_protocol(void **state)
{
	struct fixture *f = qemu_fixture();

	(void)state;
	bp_put16(f->bz, BP_VERSION, 0x020b);
	expect_error(f, -EINVAL, "bzImage too old for the 64-bit entry (protocol 2.11)");
	bp_put16(f->bz, BP_VERSION, 0x020c); /* 2.12 is enough */
	assert_int_equal(plan_it(f), 0);
	bp_put16(f->bz, BP_XLOADFLAGS, 0x7e);
	expect_error(f, -EINVAL, "bzImage has no 64-bit entry (xloadflags 0x007e)");
	free_fixture(f);
}

static void test_bad_magic(void **state)
{
	struct fixture *f = qemu_fixture();

	(void)state;
	f->bz[BP_HEADER + 3] = 'T'; /* "HdrT" */
	expect_error(f, -EINVAL, "no \"HdrS\" signature");
	memcpy(f->bz, header, sizeof(f->bz));
	bp_put16(f->bz, BP_BOOT_FLAG, 0x55aa);
	expect_error(f, -EINVAL, "boot_flag 0x55aa");
	memcpy(f->bz, header, sizeof(f->bz));
	bp_put8(f->bz, BP_LOADFLAGS, 0);
	expect_error(f, -EINVAL, "lacks LOADED_HIGH");
	memcpy(f->bz, header, sizeof(f->bz));
	bp_put32(f->bz, BP_KERNEL_ALIGNMENT, 0x300000);
	expect_error(f, -EINVAL, "not a power of 2");
	free_fixture(f);
}

static void test_truncated_header(void **state)
{
	struct fixture *f = qemu_fixture();

	(void)state;
	assert_int_equal(guest_boot_plan(&f->in, f->bz, 0x200, f->plan), -EINVAL);
	assert_non_null(strstr(f->plan->error, "truncated (512 bytes"));
	/* Magic and version readable, but the header runs to 0x26c. */
	assert_int_equal(guest_boot_plan(&f->in, f->bz, 0x26b, f->plan), -EINVAL);
	assert_non_null(strstr(f->plan->error, "header ends at 0x26c"));
	assert_int_equal(guest_boot_plan(&f->in, f->bz, 0x26c, f->plan), 0);
	assert_int_equal(guest_boot_plan(&f->in, NULL, 0x4000, f->plan), -EINVAL);
	/* Header length byte: too short for init_size, or past 0x290. */
	bp_put8(f->bz, BP_JUMP_LEN, 0x5f);
	expect_error(f, -EINVAL, "header length bad (ends at 0x261)");
	bp_put8(f->bz, BP_JUMP_LEN, 0x8f);
	expect_error(f, -EINVAL, "header length bad (ends at 0x291)");
	/* The module shorter than setup + syssize * 16. */
	memcpy(f->bz, header, sizeof(f->bz));
	f->in.kernel_len = SETUP_LEN + 0x7d820 * 16 - 1;
	expect_error(f, -EINVAL, "bzImage module truncated");
	f->in.kernel_len = SETUP_LEN;
	expect_error(f, -EINVAL, "bzImage module truncated");
	/* init_size smaller than the kernel it must hold. */
	f->in.kernel_len = KERNEL_LEN;
	bp_put32(f->bz, BP_INIT_SIZE, 0x100000);
	expect_error(f, -EINVAL, "init_size 0x100000 smaller");
	free_fixture(f);
}

static void test_cmdline_limits(void **state)
{
	struct fixture *f = qemu_fixture();
	char *line = malloc(0x10000);

	(void)state;
	memset(line, 'a', 2048);
	line[2048] = '\0';
	f->in.cmdline = line;
	expect_error(f, -EINVAL,
		     "guest command line longer than the kernel accepts "
		     "(2048 > 2047)");
	line[2047] = '\0'; /* exactly cmdline_size: accepted */
	assert_int_equal(plan_it(f), 0);
	assert_int_equal(f->plan->cmdline_len, 2047);
	/* A kernel accepting more than the scratch area holds. */
	bp_put32(f->bz, BP_CMDLINE_SIZE, 0x100000);
	memset(line, 'b', 0x8000);
	line[0x8000] = '\0';
	expect_error(f, -EINVAL, "longer than the boot scratch area");
	f->in.cmdline = NULL; /* empty */
	assert_int_equal(plan_it(f), 0);
	assert_int_equal(f->plan->cmdline_len, 0);
	free(line);
	free_fixture(f);
}

static void test_bad_scratch(void **state)
{
	struct fixture *f = qemu_fixture();

	(void)state;
	f->in.low_scratch_pa = 0x95000; /* runs into the EBDA */
	expect_error(f, -EINVAL, "boot scratch [0x95000,+64K)");
	f->in.low_scratch_pa = 0x10800; /* unaligned */
	expect_error(f, -EINVAL, "boot scratch");
	f->in.low_scratch_pa = 0x100000; /* not below 1 MiB */
	expect_error(f, -EINVAL, "boot scratch");
	f->in.low_scratch_pa = 0x80000; /* the top of usable low RAM */
	assert_int_equal(plan_it(f), 0);
	assert_int_equal(f->plan->zero_page_pa, 0x80000);
	free_fixture(f);
}

/* ---- E820 limits ---- */

static void test_e820_too_many(void **state)
{
	struct fixture *f = qemu_fixture();
	struct mem_range *m = calloc(200, sizeof(*m));
	unsigned int n = 0;

	(void)state;
	m[n++] = (struct mem_range){ 0x0, 0x9fc00, AV };
	m[n++] = (struct mem_range){ 0x100000, 0x10000000, AV };
	/* 126 reserved fragments above 4 GiB, not adjacent: 128 in all. */
	for (unsigned int i = 0; i < 126; i++)
		m[n++] = (struct mem_range){ 0x100000000ULL + i * 0x2000, 0x1000, RS };
	f->in.fw_map = m;
	f->in.nr_fw = n;
	f->in.nr_hv = 0;
	f->in.nr_extra = 0;
	assert_int_equal(plan_it(f), 0);
	assert_int_equal(f->plan->nr_e820, 128);
	/* One hole that splits the RAM: 129 entries. */
	f->hv[0] = (struct mem_range){ 0x8000000, 0x1000, RS };
	f->in.nr_hv = 1;
	expect_error(f, -E2BIG, "guest E820 needs 129 entries");
	/* 130 firmware fragments. */
	f->in.nr_hv = 0;
	m[n++] = (struct mem_range){ 0x200000000ULL, 0x1000, RS };
	m[n++] = (struct mem_range){ 0x300000000ULL, 0x1000, RS };
	f->in.nr_fw = n;
	expect_error(f, -E2BIG, "guest E820 needs 130 entries");
	/* More than the work array can even take. */
	f->in.nr_fw = 200;
	f->in.nr_extra = 100;
	expect_error(f, -E2BIG, "memory map too large");
	free(m);
	free_fixture(f);
}

static void test_extra_overrides_type(void **state)
{
	static const struct mem_range extra[] = {
		{ 0x20000000, 0x2000, ACPI }, /* over RAM */
		{ 0xfed1c000, 0x1000, AV },   /* over reserved: wins too */
	};
	struct fixture *f = qemu_fixture();
	struct guest_boot_plan *p = f->plan;
	unsigned int i;

	(void)state;
	f->in.extra = extra;
	f->in.nr_extra = ARRAY_SIZE(extra);
	assert_int_equal(plan_it(f), 0);
	for (i = 0; i < p->nr_e820 && p->e820[i].base != 0x20000000; i++)
		;
	assert_true(i < p->nr_e820);
	assert_int_equal(p->e820[i].type, ACPI);
	assert_int_equal(p->e820[i].len, 0x2000);
	assert_int_equal(p->e820[i - 1].type, AV);
	assert_int_equal(p->e820[i - 1].base + p->e820[i - 1].len, 0x20000000);
	assert_int_equal(p->e820[i + 1].base, 0x20002000);
	for (i = 0; i < p->nr_e820 && p->e820[i].base != 0xfed1c000; i++)
		;
	assert_true(i < p->nr_e820);
	assert_int_equal(p->e820[i].type, AV);
	assert_int_equal(p->e820[i].len, 0x1000);
	assert_int_equal(p->e820[i + 1].base, 0xfed1d000);
	assert_int_equal(p->e820[i + 1].type, RS);
	free_fixture(f);
}

/* ---- zero page, command line, GDT, page tables ---- */

struct built {
	u8 zp[4096];
	char cl[2048];
	u8 gdt[64];
	u8 pt[GUEST_BOOT_PT_SIZE];
};

static void build_qemu(struct fixture *f, struct built *b)
{
	assert_int_equal(plan_it(f), 0);
	memset(b, 0xcc, sizeof(*b));
	assert_int_equal(guest_boot_build(f->plan, &f->in, f->bz, b->zp, b->cl, sizeof(b->cl),
					  b->gdt, sizeof(b->gdt), b->pt, sizeof(b->pt)),
			 0);
}

static void test_zero_page_bytes(void **state)
{
	/* Guest E820 entry 3, raw: addr 0x132000, size 0x3bcce000, type 1. */
	static const u8 e820_3[20] = { 0x00, 0x20, 0x13, 0, 0, 0, 0, 0, 0x00, 0xe0,
				       0xcc, 0x3b, 0,	 0, 0, 0, 1, 0, 0,    0 };
	static const u8 rsdp[8] = { 0x10, 0x5a, 0x0f, 0, 0, 0, 0, 0 };
	struct fixture *f = qemu_fixture();
	struct built *b = malloc(sizeof(*b));
	const u8 *zp = b->zp;
	unsigned int i;

	(void)state;
	build_qemu(f, b);
	/* Before the header: only acpi_rsdp_addr and e820_entries set. */
	for (i = 0; i < BP_HDR_START; i++) {
		if (i >= 0x70 && i < 0x78)
			continue;
		if (i == BP_E820_ENTRIES)
			continue;
		if (zp[i])
			fail_msg("zero page byte 0x%x is 0x%x", i, zp[i]);
	}
	assert_memory_equal(zp + 0x70, rsdp, 8);
	assert_int_equal(zp[0x1e8], 11);
	assert_int_equal(zp[0x1ef], 0); /* sentinel not copied */
	/* ext_ramdisk_image/size, ext_cmd_line_ptr: all below 4 GiB. */
	assert_int_equal(bp_get32(zp, 0x0c0), 0);
	assert_int_equal(bp_get32(zp, 0x0c4), 0);
	assert_int_equal(bp_get32(zp, 0x0c8), 0);
	/* The header as copied, except the fields a loader writes. */
	for (i = BP_HDR_START; i < 0x26c; i++) {
		bool written = i == 0x210 || i == 0x211 || (i >= 0x214 && i < 0x220) ||
			       (i >= 0x224 && i < 0x22c) || (i >= 0x230 && i < 0x234) ||
			       (i >= 0x250 && i < 0x258);

		if (!written && zp[i] != header[i])
			fail_msg("header byte 0x%x: 0x%x != 0x%x", i, zp[i], header[i]);
	}
	assert_int_equal(zp[0x1f1], 39);
	assert_int_equal(bp_get16(zp, 0x1fe), 0xaa55);
	assert_memory_equal(zp + 0x202, "HdrS", 4);
	assert_int_equal(bp_get16(zp, 0x206), 0x020f);
	assert_int_equal(zp[0x210], 0xff);		   /* type_of_loader */
	assert_int_equal(zp[0x211], 0x01);		   /* LOADED_HIGH only */
	assert_int_equal(bp_get32(zp, 0x214), 0x1000000);  /* code32_start */
	assert_int_equal(bp_get32(zp, 0x218), INITRD_PA);  /* ramdisk_image */
	assert_int_equal(bp_get32(zp, 0x21c), INITRD_LEN); /* ramdisk_size */
	assert_int_equal(bp_get16(zp, 0x224), 0);	   /* heap_end_ptr */
	assert_int_equal(bp_get32(zp, 0x228), 0x18000);	   /* cmd_line_ptr */
	assert_int_equal(bp_get32(zp, 0x22c), 0x7fffffff); /* initrd_addr_max */
	assert_int_equal(bp_get32(zp, 0x230), 0x200000);   /* kernel_alignment */
	assert_int_equal(zp[0x234], 1);			   /* relocatable */
	assert_int_equal(bp_get16(zp, 0x236), 0x7f);	   /* xloadflags */
	assert_int_equal(bp_get32(zp, 0x238), 0x7ff);	   /* cmdline_size */
	assert_int_equal(bp_get64(zp, 0x250), 0);	   /* setup_data */
	assert_int_equal(bp_get64(zp, 0x258), 0x1000000);  /* pref_address */
	assert_int_equal(bp_get32(zp, 0x260), INIT_SIZE);  /* init_size */
	/* Between the header and the E820 table: nothing. */
	for (i = 0x26c; i < 0x2d0; i++)
		assert_int_equal(zp[i], 0);
	/* E820 table: entry 3 byte-exact, all entries as planned, rest 0. */
	assert_memory_equal(zp + 0x2d0 + 3 * 20, e820_3, 20);
	for (i = 0; i < f->plan->nr_e820; i++) {
		const u8 *e = zp + 0x2d0 + i * 20;

		assert_int_equal(bp_get64(e, 0), f->plan->e820[i].base);
		assert_int_equal(bp_get64(e, 8), f->plan->e820[i].len);
		assert_int_equal(bp_get32(e, 16), f->plan->e820[i].type);
	}
	assert_int_equal(bp_get32(zp + 0x2d0 + 4 * 20, 16), ACPI);
	for (i = 0x2d0 + f->plan->nr_e820 * 20; i < 4096; i++)
		assert_int_equal(zp[i], 0);
	/* Command line: the string, then NULs to the end of the buffer. */
	assert_string_equal(b->cl, "console=ttyS0 quiet");
	for (i = strlen("console=ttyS0 quiet"); i < sizeof(b->cl); i++)
		assert_int_equal(b->cl[i], 0);
	free(b);
	free_fixture(f);
}

static void test_zero_page_moved_initrd_no_rsdp(void **state)
{
	struct fixture *f = qemu_fixture();
	struct built *b = malloc(sizeof(*b));

	(void)state;
	bp_put32(f->bz, BP_INITRD_ADDR_MAX, 0x1fffffff);
	f->in.initrd_pa = 0x30000000;
	f->in.acpi_rsdp_pa = 0;
	build_qemu(f, b);
	assert_int_equal(bp_get32(b->zp, 0x218), ALIGN_DOWN(0x20000000 - INITRD_LEN, PAGE_SIZE));
	assert_int_equal(bp_get32(b->zp, 0x21c), INITRD_LEN);
	assert_int_equal(bp_get64(b->zp, 0x070), 0);
	f->in.initrd_len = 0;
	build_qemu(f, b);
	assert_int_equal(bp_get32(b->zp, 0x218), 0);
	assert_int_equal(bp_get32(b->zp, 0x21c), 0);
	free(b);
	free_fixture(f);
}

static void test_gdt(void **state)
{
	struct fixture *f = qemu_fixture();
	struct built *b = malloc(sizeof(*b));
	u64 cs, ds;

	(void)state;
	build_qemu(f, b);
	assert_int_equal(bp_get64(b->gdt, 0), 0);
	assert_int_equal(bp_get64(b->gdt, 8), 0);
	cs = bp_get64(b->gdt, 0x10);
	ds = bp_get64(b->gdt, 0x18);
	assert_int_equal(bp_get64(b->gdt, 0x20), 0); /* rest of buffer zeroed */
	/* Code: present, DPL 0, code/data, execute/read, L=1, D=0, G=1. */
	assert_true(cs & BIT(47));
	assert_int_equal((cs >> 45) & 3, 0);
	assert_true(cs & BIT(44));
	assert_int_equal((cs >> 40) & 0xe, 0xa);
	assert_true(cs & BIT(53));
	assert_false(cs & BIT(54));
	assert_true(cs & BIT(55));
	/* Data: 4 GiB flat (base 0, limit 0xfffff pages), read/write, B=1. */
	assert_int_equal((ds & 0xffff) | ((ds >> 32) & 0xf0000), 0xfffff);
	assert_int_equal(((ds >> 16) & 0xffffff) | ((ds >> 32) & 0xff000000), 0);
	assert_int_equal((ds >> 40) & 0xe, 0x2);
	assert_true(ds & BIT(47));
	assert_true(ds & BIT(54));
	assert_true(ds & BIT(55));
	assert_false(ds & BIT(53));
	assert_int_equal(GUEST_BOOT_DESC_AR(cs), 0xa09b);
	assert_int_equal(GUEST_BOOT_DESC_AR(ds), 0xc093);
	/* Too small a GDT buffer is refused. */
	assert_int_equal(guest_boot_build(f->plan, &f->in, f->bz, b->zp, b->cl, sizeof(b->cl),
					  b->gdt, 24, b->pt, sizeof(b->pt)),
			 -EINVAL);
	free(b);
	free_fixture(f);
}

/* Read the 8-byte entry at physical address pa inside the table buffer. */
static bool pt_read(const struct built *b, u64 pml4_pa, u64 pa, u64 *out)
{
	if (pa < pml4_pa || pa - pml4_pa > GUEST_BOOT_PT_SIZE - 8)
		return false;
	*out = bp_get64(b->pt, pa - pml4_pa);
	return true;
}

/* 4-level walk (SDM 4.5); false if not mapped or a table lies outside. */
static bool walk(const struct built *b, u64 pml4_pa, u64 va, u64 *pa)
{
	const u64 addr = GENMASK(51, 12);
	u64 e;

	if (!pt_read(b, pml4_pa, pml4_pa + ((va >> 39) & 511) * 8, &e) || !(e & 1) || !(e & 2))
		return false;
	if (!pt_read(b, pml4_pa, (e & addr) + ((va >> 30) & 511) * 8, &e) || !(e & 1) || !(e & 2) ||
	    (e & BIT(7)))
		return false;
	if (!pt_read(b, pml4_pa, (e & addr) + ((va >> 21) & 511) * 8, &e) || !(e & 1) || !(e & 2) ||
	    !(e & BIT(7)))
		return false;
	*pa = (e & GENMASK(51, 21)) | (va & GENMASK(20, 0));
	return true;
}

static void test_page_tables_identity(void **state)
{
	struct fixture *f = qemu_fixture();
	struct built *b = malloc(sizeof(*b));
	u64 pml4, va, pa;

	(void)state;
	build_qemu(f, b);
	pml4 = f->plan->pml4_pa;
	assert_int_equal(pml4, 0x12000);
	/* Every 2 MiB page of 0..4 GiB, at its start and its last byte. */
	for (va = 0; va < (4ULL << 30); va += MiB(2)) {
		assert_true(walk(b, pml4, va, &pa));
		assert_int_equal(pa, va);
		assert_true(walk(b, pml4, va + MiB(2) - 1, &pa));
		assert_int_equal(pa, va + MiB(2) - 1);
	}
	assert_true(walk(b, pml4, f->plan->entry64_pa + 5, &pa));
	assert_int_equal(pa, 0x1000205);
	/* Nothing at or above 4 GiB. */
	assert_false(walk(b, pml4, 4ULL << 30, &pa));
	assert_false(walk(b, pml4, 1ULL << 39, &pa));
	assert_false(walk(b, pml4, 0xffffffff80000000ULL, &pa));
	/* Too small a table buffer is refused. */
	assert_int_equal(guest_boot_build(f->plan, &f->in, f->bz, b->zp, b->cl, sizeof(b->cl),
					  b->gdt, sizeof(b->gdt), b->pt, GUEST_BOOT_PT_SIZE - 1),
			 -EINVAL);
	free(b);
	free_fixture(f);
}

static void test_build_rejects(void **state)
{
	struct fixture *f = qemu_fixture();
	struct built *b = malloc(sizeof(*b));

	(void)state;
	build_qemu(f, b);
	/* Command line buffer without room for the NUL. */
	assert_int_equal(guest_boot_build(f->plan, &f->in, f->bz, b->zp, b->cl,
					  strlen("console=ttyS0 quiet"), b->gdt, sizeof(b->gdt),
					  b->pt, sizeof(b->pt)),
			 -EINVAL);
	/* A different image than the planned one. */
	bp_put32(f->bz, BP_INIT_SIZE, INIT_SIZE + 0x1000);
	assert_int_equal(guest_boot_build(f->plan, &f->in, f->bz, b->zp, b->cl, sizeof(b->cl),
					  b->gdt, sizeof(b->gdt), b->pt, sizeof(b->pt)),
			 -EINVAL);
	free(b);
	free_fixture(f);
}

/* ---- moving the images ---- */

static u8 *fake_mem;

static void *fake_pa_to_va(u64 pa, void *arg)
{
	assert_ptr_equal(arg, &fake_mem);
	return fake_mem + pa;
}

static void test_move_images_order(void **state)
{
	struct guest_boot_plan *p = calloc(1, sizeof(*p));
	unsigned int i;

	(void)state;
	fake_mem = malloc(0x10000);
	for (i = 0; i < 0x10000; i++)
		fake_mem[i] = (u8)(i * 7 + (i >> 8));
	/* The kernel lands on the initrd's old place: initrd must go first. */
	p->kernel_src_pa = 0x1000;
	p->kernel_copy_len = 0x3000;
	p->kernel_load_pa = 0x5000;
	p->initrd_move = true;
	p->initrd_src_pa = 0x6000;
	p->initrd_len = 0x2000;
	p->initrd_pa = 0xa000;
	u8 *want_k = malloc(0x3000), *want_i = malloc(0x2000);
	memcpy(want_k, fake_mem + 0x1000, 0x3000);
	memcpy(want_i, fake_mem + 0x6000, 0x2000);
	guest_boot_move_images(p, fake_pa_to_va, &fake_mem);
	assert_memory_equal(fake_mem + 0x5000, want_k, 0x3000);
	assert_memory_equal(fake_mem + 0xa000, want_i, 0x2000);
	/* Overlapping kernel copy (a fixed kernel over its own module). */
	p->initrd_move = false;
	p->kernel_load_pa = 0x2000;
	memcpy(want_k, fake_mem + 0x1000, 0x3000);
	guest_boot_move_images(p, fake_pa_to_va, &fake_mem);
	assert_memory_equal(fake_mem + 0x2000, want_k, 0x3000);
	free(want_k);
	free(want_i);
	free(fake_mem);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_plan),
		cmocka_unit_test(test_hv_over_pref_relocates),
		cmocka_unit_test(test_lesser_alignment_fallback),
		cmocka_unit_test(test_no_room_for_kernel),
		cmocka_unit_test(test_fixed_kernel),
		cmocka_unit_test(test_initrd_above_max_moves),
		cmocka_unit_test(test_no_initrd),
		cmocka_unit_test(test_too_old_protocol),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_cmdline_limits),
		cmocka_unit_test(test_bad_scratch),
		cmocka_unit_test(test_e820_too_many),
		cmocka_unit_test(test_extra_overrides_type),
		cmocka_unit_test(test_zero_page_bytes),
		cmocka_unit_test(test_zero_page_moved_initrd_no_rsdp),
		cmocka_unit_test(test_gdt),
		cmocka_unit_test(test_page_tables_identity),
		cmocka_unit_test(test_build_rejects),
		cmocka_unit_test(test_move_images_order),
	};

	harness_init();
	header = harness_load_file("bzimage/debian-head.bin", &header_len);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
