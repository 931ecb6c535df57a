// SPDX-License-Identifier: MIT
/*
 * boot/mbi.c: multiboot2 information parsing from synthetic structures
 * (built here tag by tag) and from real ones captured from GRUB 2.06 on
 * QEMU q35 and pc (tests/data/mbi/). Every structure is handed over in a heap
 * buffer of exactly total_size bytes, so ASan flags any read past it.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "boot/mbi.h"
#include "boot/multiboot2.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/printf.h"

#define MAGIC MB2_BOOTLOADER_MAGIC
#define PA 0x10000

/* ---- a tiny builder for multiboot2 information structures ---- */

struct mbb {
	u8 buf[16384];
	u32 len;
};

static void mbb_init(struct mbb *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8;
}

/* Append a tag: header with size 8 + plen (or size_override), payload, pad to 8. */
static u32 mbb_tag_sized(struct mbb *b, u32 type, const void *payload, u32 plen, u32 size_field)
{
	u32 off = b->len;

	assert_true(off + 8 + plen + 8 <= sizeof(b->buf));
	memcpy(b->buf + off, &type, 4);
	memcpy(b->buf + off + 4, &size_field, 4);
	if (plen)
		memcpy(b->buf + off + 8, payload, plen);
	b->len = (off + 8 + plen + 7) & ~7u;
	return off;
}

static u32 mbb_tag(struct mbb *b, u32 type, const void *payload, u32 plen)
{
	return mbb_tag_sized(b, type, payload, plen, 8 + plen);
}

static void mbb_string(struct mbb *b, u32 type, const char *s)
{
	mbb_tag(b, type, s, (u32)strlen(s) + 1);
}

static void mbb_module(struct mbb *b, u32 start, u32 end, const char *s)
{
	u8 p[256];
	u32 n = (u32)strlen(s) + 1;

	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	memcpy(p + 8, s, n);
	mbb_tag(b, MB2_TAG_MODULE, p, 8 + n);
}

struct ent {
	u64 base, len;
	u32 type;
};

static void mbb_mmap_sized(struct mbb *b, const struct ent *e, unsigned int n, u32 entry_size,
			   u32 extra)
{
	u8 p[8192];
	u32 ver = 0, off = 8;

	assert_true(8 + n * entry_size + extra <= sizeof(p));
	memset(p, 0xee, sizeof(p));
	memcpy(p, &entry_size, 4);
	memcpy(p + 4, &ver, 4);
	for (unsigned int i = 0; i < n; i++, off += entry_size) {
		memcpy(p + off, &e[i].base, 8);
		memcpy(p + off + 8, &e[i].len, 8);
		memcpy(p + off + 16, &e[i].type, 4);
		memset(p + off + 20, 0, 4);
	}
	mbb_tag(b, MB2_TAG_MMAP, p, off + extra);
}

static void mbb_mmap(struct mbb *b, const struct ent *e, unsigned int n)
{
	mbb_mmap_sized(b, e, n, 24, 0);
}

static void mbb_acpi(struct mbb *b, u32 type, u32 len, u8 fill)
{
	u8 p[64];

	memset(p, fill, sizeof(p));
	memcpy(p, "RSD PTR ", 8);
	mbb_tag(b, type, p, len);
}

static void mbb_end_only(struct mbb *b)
{
	mbb_tag(b, MB2_TAG_END, NULL, 0);
}

/* Finish: END tag, total_size; returns an exactly-sized heap copy. */
static void *mbb_finish(struct mbb *b, bool end)
{
	void *copy;

	if (end)
		mbb_end_only(b);
	memcpy(b->buf, &b->len, 4);
	copy = malloc(b->len);
	assert_non_null(copy);
	memcpy(copy, b->buf, b->len);
	return copy;
}

static bool in_buf(const void *p, const void *buf, size_t len)
{
	return (const u8 *)p >= (const u8 *)buf && (const u8 *)p < (const u8 *)buf + len;
}

static const struct ent qemu_map[] = {
	{ 0x0, 0x9fc00, MB2_MMAP_AVAILABLE },
	{ 0x9fc00, 0x400, MB2_MMAP_RESERVED },
	{ 0xf0000, 0x10000, MB2_MMAP_RESERVED },
	{ 0x100000, 0x3fee0000, MB2_MMAP_AVAILABLE },
	{ 0x3ffe0000, 0x20000, MB2_MMAP_RESERVED },
	{ 0xb0000000, 0x10000000, MB2_MMAP_RESERVED },
	{ 0xfed1c000, 0x4000, MB2_MMAP_ACPI_RECLAIMABLE },
	{ 0xfeffc000, 0x4000, MB2_MMAP_NVS },
	{ 0x100000000ULL, 0x1000, MB2_MMAP_BADRAM },
	{ 0x200000000ULL, 0x1000, 12 },
};

/* A GRUB-like structure: loader, cmdline, modules, basic meminfo, mmap, ACPI. */
static void *build_full(struct mbb *b, bool new_first)
{
	u32 meminfo[2] = { 639, 1047424 };

	mbb_init(b);
	mbb_string(b, MB2_TAG_CMDLINE, "loglevel=3 sidecore=1");
	mbb_string(b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	mbb_module(b, 0x200000, 0x2a0123, "bzImage console=ttyS0");
	mbb_module(b, 0x400000, 0x500000, "");
	mbb_tag(b, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof(meminfo));
	mbb_tag(b, 99, "whatever", 8); /* unknown: ignored */
	mbb_mmap(b, qemu_map, ARRAY_SIZE(qemu_map));
	if (new_first) {
		mbb_acpi(b, MB2_TAG_ACPI_NEW, 36, 0x22);
		mbb_acpi(b, MB2_TAG_ACPI_OLD, 20, 0x11);
	} else {
		mbb_acpi(b, MB2_TAG_ACPI_OLD, 20, 0x11);
		mbb_acpi(b, MB2_TAG_ACPI_NEW, 36, 0x22);
	}
	return mbb_finish(b, true);
}

/* ---- tests ---- */

static void test_rejects_bad_magic_and_size(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;
	u32 sz;

	(void)state;
	mbb_init(&b);
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(0x2badb002, m, PA, &info), -EINVAL);
	assert_string_equal(info.cmdline, "");
	assert_string_equal(info.loader_name, "");
	assert_int_equal(info.nr_mmap, 0);
	assert_int_equal(mbi_parse(MAGIC, NULL, PA, &info), -EINVAL);
	sz = 15;
	memcpy(m, &sz, 4);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EINVAL);
	sz = MBI_MAX_SIZE + 1;
	memcpy(m, &sz, 4);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EINVAL);
	assert_int_equal(info.mbi_size, 0);
	free(m);
}

static void test_minimal(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	m = mbb_finish(&b, true);
	assert_int_equal(b.len, 16);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	assert_int_equal(info.mbi_pa, PA);
	assert_int_equal(info.mbi_size, 16);
	assert_string_equal(info.cmdline, "");
	assert_string_equal(info.loader_name, "");
	assert_int_equal(info.nr_mmap, 0);
	assert_int_equal(info.nr_modules, 0);
	assert_null(info.rsdp);
	assert_int_equal(info.rsdp_tag, 0);
	assert_int_equal(info.nr_bad_tags, 0);
	free(m);
}

static void check_full(const struct mbi_info *info, const void *m, u32 len)
{
	assert_int_equal(info->mbi_size, len);
	assert_string_equal(info->cmdline, "loglevel=3 sidecore=1");
	assert_true(in_buf(info->cmdline, m, len));
	assert_string_equal(info->loader_name, "GRUB 2.06");
	assert_int_equal(info->nr_modules, 2);
	assert_int_equal(info->modules[0].start, 0x200000);
	assert_int_equal(info->modules[0].end, 0x2a0123);
	assert_string_equal(info->modules[0].string, "bzImage console=ttyS0");
	assert_int_equal(info->modules[1].start, 0x400000);
	assert_int_equal(info->modules[1].end, 0x500000);
	assert_string_equal(info->modules[1].string, "");
	assert_int_equal(info->nr_mmap, ARRAY_SIZE(qemu_map));
	for (unsigned int i = 0; i < ARRAY_SIZE(qemu_map); i++) {
		assert_int_equal(info->mmap[i].base, qemu_map[i].base);
		assert_int_equal(info->mmap[i].len, qemu_map[i].len);
		assert_int_equal(info->mmap[i].type, qemu_map[i].type);
	}
	/* the new (ACPI 2.0) copy wins whatever the order */
	assert_int_equal(info->rsdp_tag, MB2_TAG_ACPI_NEW);
	assert_int_equal(info->rsdp_len, 36);
	assert_true(in_buf(info->rsdp, m, len));
	assert_memory_equal(info->rsdp, "RSD PTR ", 8);
	assert_int_equal(((const u8 *)info->rsdp)[8], 0x22);
	assert_int_equal(info->nr_bad_tags, 0);
	assert_false(info->truncated_mmap);
	assert_false(info->truncated_modules);
}

static void test_full_grub_like(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	m = build_full(&b, false);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	check_full(&info, m, b.len);
	free(m);
	m = build_full(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	check_full(&info, m, b.len);
	assert_int_equal(mbi_usable_bytes(&info), 0x9fc00 + 0x3fee0000);
	free(m);
}

static void test_old_acpi_only(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_acpi(&b, MB2_TAG_ACPI_OLD, 20, 0x11);
	mbb_acpi(&b, MB2_TAG_ACPI_OLD, 20, 0x33); /* a second one: first wins */
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	assert_int_equal(info.rsdp_tag, MB2_TAG_ACPI_OLD);
	assert_int_equal(info.rsdp_len, 20);
	assert_int_equal(((const u8 *)info.rsdp)[8], 0x11);
	free(m);
}

static void test_short_acpi_rejected(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_acpi(&b, MB2_TAG_ACPI_OLD, 20, 0x11);
	mbb_acpi(&b, MB2_TAG_ACPI_NEW, 24, 0x22); /* v2 copy too short */
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_int_equal(info.nr_bad_tags, 1);
	assert_int_equal(info.rsdp_tag, MB2_TAG_ACPI_OLD);
	assert_int_equal(((const u8 *)info.rsdp)[8], 0x11);
	free(m);
}

static void test_tag_size_too_small_stops_walk(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_string(&b, MB2_TAG_CMDLINE, "first");
	mbb_tag_sized(&b, 99, NULL, 0, 4); /* size 4 < 8 */
	mbb_string(&b, MB2_TAG_BOOTLOADER_NAME, "never seen");
	m = mbb_finish(&b, true);
	harness_log_clear();
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_string_equal(info.cmdline, "first");
	assert_string_equal(info.loader_name, "");
	assert_non_null(strstr(harness_log(), "walk stopped"));
	free(m);
}

static void test_tag_past_total_size(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;
	u8 payload[16] = { 0 };

	(void)state;
	mbb_init(&b);
	mbb_string(&b, MB2_TAG_BOOTLOADER_NAME, "GRUB");
	/* claims 4 KiB, only 24 bytes present */
	mbb_tag_sized(&b, MB2_TAG_CMDLINE, payload, sizeof(payload), 4096);
	m = mbb_finish(&b, false);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_string_equal(info.loader_name, "GRUB");
	assert_string_equal(info.cmdline, "");
	free(m);
}

static void test_missing_end(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_string(&b, MB2_TAG_CMDLINE, "a=b");
	mbb_mmap(&b, qemu_map, 3);
	m = mbb_finish(&b, false);
	harness_log_clear();
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_string_equal(info.cmdline, "a=b");
	assert_int_equal(info.nr_mmap, 3);
	assert_non_null(strstr(harness_log(), "no END tag"));
	free(m);
}

static void test_total_size_cuts_last_tag_header(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_string(&b, MB2_TAG_CMDLINE, "abc"); /* 12 bytes, padded to 16 */
	mbb_end_only(&b);
	b.len -= 4; /* half an END tag: fewer than 8 bytes left */
	m = mbb_finish(&b, false);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_string_equal(info.cmdline, "abc");
	free(m);
}

static void test_unterminated_strings(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_tag(&b, MB2_TAG_CMDLINE, "no-nul", 6);
	mbb_tag(&b, MB2_TAG_BOOTLOADER_NAME, NULL, 0); /* no room for a NUL */
	mbb_module(&b, 0x1000, 0x2000, "ok");
	mbb_tag(&b, MB2_TAG_MODULE, "\0\0\0\0\0\0\0\0abc", 11); /* string unterminated */
	mbb_string(&b, MB2_TAG_BOOTLOADER_NAME, "GRUB");
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_int_equal(info.nr_bad_tags, 3);
	assert_string_equal(info.cmdline, "");
	assert_string_equal(info.loader_name, "GRUB");
	assert_int_equal(info.nr_modules, 1);
	assert_string_equal(info.modules[0].string, "ok");
	free(m);
}

static void test_duplicate_and_empty_strings(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_string(&b, MB2_TAG_CMDLINE, ""); /* GRUB's empty cmdline */
	mbb_string(&b, MB2_TAG_CMDLINE, "second");
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	assert_string_equal(info.cmdline, ""); /* first tag wins */
	assert_true(in_buf(info.cmdline, m, b.len));
	free(m);
}

static void test_module_bad_range(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;
	u8 p[8] = { 0 };

	(void)state;
	mbb_init(&b);
	mbb_module(&b, 0x3000, 0x2000, "backwards");
	mbb_tag(&b, MB2_TAG_MODULE, p, sizeof(p)); /* no string at all */
	mbb_module(&b, 0x5000, 0x5000, "empty");
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_int_equal(info.nr_bad_tags, 2);
	assert_int_equal(info.nr_modules, 1);
	assert_string_equal(info.modules[0].string, "empty");
	free(m);
}

static void test_mmap_entry_size(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	/* too small an entry: tag rejected, walk continues */
	mbb_init(&b);
	mbb_mmap_sized(&b, qemu_map, 2, 16, 0);
	mbb_string(&b, MB2_TAG_CMDLINE, "after");
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_int_equal(info.nr_mmap, 0);
	assert_int_equal(info.nr_bad_tags, 1);
	assert_string_equal(info.cmdline, "after");
	free(m);

	/* larger entries (a future entry_version) plus a partial trailing one */
	mbb_init(&b);
	mbb_mmap_sized(&b, qemu_map, 4, 40, 30);
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	assert_int_equal(info.nr_mmap, 4);
	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(info.mmap[i].base, qemu_map[i].base);
		assert_int_equal(info.mmap[i].len, qemu_map[i].len);
		assert_int_equal(info.mmap[i].type, qemu_map[i].type);
	}
	free(m);

	/* a tag too short for its own header */
	mbb_init(&b);
	mbb_tag(&b, MB2_TAG_MMAP, "\x18\0\0\0", 4);
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), -EBADMSG);
	assert_int_equal(info.nr_bad_tags, 1);
	free(m);
}

static void test_mmap_wrap_clamped(void **state)
{
	static const struct ent e[] = {
		{ 0xfffffffffffff000ULL, 0x2000, MB2_MMAP_RESERVED },
		{ 0xffffffffffffe000ULL, 0x2000, MB2_MMAP_RESERVED },
		{ 0, ~0ULL, MB2_MMAP_RESERVED },
	};
	struct mbb b;
	struct mbi_info info;
	void *m;

	(void)state;
	mbb_init(&b);
	mbb_mmap(&b, e, 3);
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	assert_int_equal(info.mmap[0].len, 0x1000); /* now ends at 2^64 */
	assert_int_equal(info.mmap[1].len, 0x2000); /* already ends at 2^64 */
	assert_int_equal(info.mmap[2].len, ~0ULL);
	free(m);
}

static void test_truncation(void **state)
{
	static struct ent many[MBI_MAX_MMAP + 5];
	struct mbb b;
	struct mbi_info info;
	void *m;
	char name[16];

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = (struct ent){ (u64)i << 20, 1 << 20, 1 };
	mbb_init(&b);
	mbb_mmap(&b, many, ARRAY_SIZE(many));
	for (unsigned int i = 0; i < MBI_MAX_MODULES + 2; i++) {
		snprintf(name, sizeof(name), "mod%u", i);
		mbb_module(&b, i << 12, (i + 1) << 12, name);
	}
	m = mbb_finish(&b, true);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	assert_int_equal(info.nr_mmap, MBI_MAX_MMAP);
	assert_true(info.truncated_mmap);
	assert_int_equal(info.mmap[MBI_MAX_MMAP - 1].base, (u64)(MBI_MAX_MMAP - 1) << 20);
	assert_int_equal(info.nr_modules, MBI_MAX_MODULES);
	assert_true(info.truncated_modules);
	assert_string_equal(info.modules[MBI_MAX_MODULES - 1].string, "mod7");
	free(m);
}

static void test_print_format(void **state)
{
	struct mbb b;
	struct mbi_info info;
	void *m;
	const char *log;

	(void)state;
	m = build_full(&b, false);
	assert_int_equal(mbi_parse(MAGIC, m, PA, &info), 0);
	harness_log_clear();
	mbi_print(&info);
	log = harness_log();
	assert_non_null(strstr(log, "HV: multiboot2 loader=\"GRUB 2.06\" "
				    "cmdline=\"loglevel=3 sidecore=1\"\n"));
	assert_non_null(strstr(log, "HV: memory map (10 entries):\n"));
	assert_non_null(strstr(log, "HV:   [0x0000000000000000-0x000000000009fbff] available\n"));
	assert_non_null(strstr(log, "HV:   [0x000000000009fc00-0x000000000009ffff] reserved\n"));
	assert_non_null(strstr(log, "] acpi-reclaimable\n"));
	assert_non_null(strstr(log, "] acpi-nvs\n"));
	assert_non_null(strstr(log, "HV:   [0x0000000100000000-0x0000000100000fff] bad-ram\n"));
	assert_non_null(strstr(log, "] type 12\n"));
	assert_non_null(strstr(log, "HV: usable memory: 1023 MiB\n"));
	assert_non_null(strstr(log, "HV: modules: 2\n"));
	assert_non_null(strstr(log, "HV:   module 0 [0x200000-0x2a0123) 655651 "
				    "bytes \"bzImage console=ttyS0\"\n"));
	assert_non_null(strstr(log, "HV:   module 1 [0x400000-0x500000) 1048576 bytes \"\"\n"));
	assert_non_null(strstr(log, "HV: ACPI RSDP copy: 36 bytes (new tag)\n"));
	free(m);
}

/*
 * Random corruption of a valid structure (bit flips, overwritten sizes,
 * shortened total_size): the parser must never read outside the buffer
 * (ASan) and whatever it returns must be internally consistent.
 */
static void test_random_corruption(void **state)
{
	struct mbb b;
	u8 *good;
	u32 len;

	(void)state;
	good = build_full(&b, false);
	len = b.len;
	srand(1234);
	for (int iter = 0; iter < 20000; iter++) {
		u8 *m;
		u32 mlen = len;
		struct mbi_info info;
		int rc, flips = 1 + rand() % 4;

		if (rand() % 4 == 0)
			mlen = 16 + (u32)rand() % (len - 16);
		m = malloc(mlen);
		memcpy(m, good, mlen);
		memcpy(m, &mlen, 4);
		for (int f = 0; f < flips; f++) {
			u32 at = 8 + (u32)rand() % (mlen - 8);

			if (rand() % 2)
				m[at] ^= (u8)(1u << (rand() % 8));
			else
				m[at] = (u8)rand();
		}
		rc = mbi_parse(MAGIC, m, PA, &info);
		assert_true(rc == 0 || rc == -EBADMSG);
		assert_true(info.nr_mmap <= MBI_MAX_MMAP);
		assert_true(info.nr_modules <= MBI_MAX_MODULES);
		assert_true(info.cmdline[0] == '\0' || in_buf(info.cmdline, m, mlen));
		assert_true(info.loader_name[0] == '\0' || in_buf(info.loader_name, m, mlen));
		for (unsigned int i = 0; i < info.nr_modules; i++) {
			assert_true(info.modules[i].start <= info.modules[i].end);
			assert_true(info.modules[i].string[0] == '\0' ||
				    in_buf(info.modules[i].string, m, mlen));
		}
		for (unsigned int i = 0; i < info.nr_mmap; i++)
			assert_true(info.mmap[i].base + info.mmap[i].len >= info.mmap[i].base ||
				    info.mmap[i].base + info.mmap[i].len == 0);
		if (info.rsdp)
			assert_true(in_buf(info.rsdp, m, mlen) &&
				    in_buf((const u8 *)info.rsdp + info.rsdp_len - 1, m, mlen));
		harness_log_clear();
		mbi_print(&info);
		free(m);
	}
	free(good);
}

/* ---- real structures captured from GRUB on QEMU (capture.sh) ---- */

static void *load_blob(const char *name, size_t *len)
{
	void *raw = harness_load_file(name, len);
	void *m = malloc(*len); /* exactly sized, for ASan */

	assert_non_null(m);
	memcpy(m, raw, *len);
	free(raw);
	return m;
}

static void check_grub_common(const struct mbi_info *info, const void *m, size_t len)
{
	const u8 *rsdp = info->rsdp;
	u8 sum = 0;

	assert_int_equal(info->mbi_size, len);
	assert_int_equal(info->mbi_pa, 0x1002e0);
	assert_int_equal(info->nr_bad_tags, 0);
	assert_string_equal(info->loader_name, "GRUB 2.06-13+deb12u2");
	assert_string_equal(info->cmdline, "loglevel=3 sidecore=1 nic=00:02.0 hv_mem=64M");
	assert_int_equal(info->nr_modules, 2);
	assert_int_equal(info->modules[0].end - info->modules[0].start, 70000);
	assert_string_equal(info->modules[0].string, "console=ttyS0 quiet");
	assert_int_equal(info->modules[1].end - info->modules[1].start, 12345);
	assert_string_equal(info->modules[1].string, "");
	assert_true(info->modules[1].start >= info->modules[0].end);
	/* SeaBIOS: ACPI 1.0 RSDP, so only the old tag, checksum intact */
	assert_int_equal(info->rsdp_tag, MB2_TAG_ACPI_OLD);
	assert_int_equal(info->rsdp_len, 20);
	assert_true(in_buf(rsdp, m, len));
	assert_memory_equal(rsdp, "RSD PTR ", 8);
	for (int i = 0; i < 20; i++)
		sum = (u8)(sum + rsdp[i]);
	assert_int_equal(sum, 0);
	/* low memory as SeaBIOS reports it */
	assert_int_equal(info->mmap[0].base, 0);
	assert_int_equal(info->mmap[0].len, 0x9fc00);
	assert_int_equal(info->mmap[0].type, MB2_MMAP_AVAILABLE);
	assert_int_equal(info->mmap[1].base, 0x9fc00);
	assert_int_equal(info->mmap[1].type, MB2_MMAP_RESERVED);
	assert_int_equal(info->mmap[3].base, 0x100000);
	assert_int_equal(info->mmap[3].type, MB2_MMAP_AVAILABLE);
	/* modules sit in available RAM above 1 MiB */
	for (unsigned int i = 0; i < info->nr_modules; i++)
		assert_true(info->modules[i].start >= info->mmap[3].base &&
			    info->modules[i].end - info->mmap[3].base <= info->mmap[3].len);
}

static void test_grub_qemu_q35(void **state)
{
	struct mbi_info info;
	size_t len;
	void *m = load_blob("mbi/qemu-q35.bin", &len);
	const char *log;

	(void)state;
	assert_int_equal(mbi_parse(MAGIC, m, 0x1002e0, &info), 0);
	check_grub_common(&info, m, len);
	/* 1 GiB guest: RAM up to 0x3ffdf000, then SeaBIOS's tables */
	assert_int_equal(info.nr_mmap, 9);
	assert_int_equal(info.mmap[3].base + info.mmap[3].len, 0x3ffdf000);
	assert_int_equal(mbi_usable_bytes(&info), 0x9fc00 + 0x3fedf000);
	harness_log_clear();
	mbi_print(&info);
	log = harness_log();
	assert_non_null(strstr(log, "HV: multiboot2 loader=\"GRUB 2.06-13+deb12u2\" "
				    "cmdline=\"loglevel=3 sidecore=1 nic=00:02.0 hv_mem=64M\"\n"));
	assert_non_null(strstr(log, "HV:   [0x0000000000000000-0x000000000009fbff] available\n"));
	assert_non_null(strstr(log, "HV:   [0x0000000000100000-0x000000003ffdefff] available\n"));
	assert_non_null(strstr(log, "HV:   [0x00000000b0000000-0x00000000bfffffff] reserved\n"));
	assert_non_null(strstr(log, "HV: usable memory: 1023 MiB\n"));
	assert_non_null(strstr(log, "HV:   [0x000000fd00000000-0x000000ffffffffff] reserved\n"));
	assert_non_null(strstr(log, "HV: modules: 2\n"));
	assert_non_null(strstr(log, " 70000 bytes \"console=ttyS0 quiet\"\n"));
	assert_non_null(strstr(log, "HV: ACPI RSDP copy: 20 bytes (old tag)\n"));
	free(m);
}

static void test_grub_qemu_pc(void **state)
{
	struct mbi_info info;
	size_t len;
	void *m = load_blob("mbi/qemu-pc.bin", &len);

	(void)state;
	assert_int_equal(mbi_parse(MAGIC, m, 0x1002e0, &info), 0);
	check_grub_common(&info, m, len);
	assert_int_equal(info.nr_mmap, 7);
	assert_int_equal(info.mmap[3].base + info.mmap[3].len, 0xffe0000);
	free(m);
}

/* Every truncation of a real structure parses without reading past it. */
static void test_grub_truncated(void **state)
{
	size_t len;
	u8 *full = load_blob("mbi/qemu-q35.bin", &len);

	(void)state;
	for (u32 cut = 16; cut < len; cut++) {
		struct mbi_info info;
		u8 *m = malloc(cut);

		memcpy(m, full, cut);
		memcpy(m, &cut, 4);
		assert_int_equal(mbi_parse(MAGIC, m, 0x1002e0, &info), -EBADMSG);
		free(m);
	}
	free(full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rejects_bad_magic_and_size),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_full_grub_like),
		cmocka_unit_test(test_old_acpi_only),
		cmocka_unit_test(test_short_acpi_rejected),
		cmocka_unit_test(test_tag_size_too_small_stops_walk),
		cmocka_unit_test(test_tag_past_total_size),
		cmocka_unit_test(test_missing_end),
		cmocka_unit_test(test_total_size_cuts_last_tag_header),
		cmocka_unit_test(test_unterminated_strings),
		cmocka_unit_test(test_duplicate_and_empty_strings),
		cmocka_unit_test(test_module_bad_range),
		cmocka_unit_test(test_mmap_entry_size),
		cmocka_unit_test(test_mmap_wrap_clamped),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_print_format),
		cmocka_unit_test(test_random_corruption),
		cmocka_unit_test(test_grub_qemu_q35),
		cmocka_unit_test(test_grub_qemu_pc),
		cmocka_unit_test(test_grub_truncated),
	};
	return HARNESS_RUN(tests);
}
