// SPDX-License-Identifier: MIT
/*
 * Multiboot2 information parser (spec 2.0, 3.6): walks the tags, 8-byte
 * aligned and bounded by the header's total_size, and copies what the
 * hypervisor needs into struct mbi_info. Input is untrusted: every length
 * is checked against the enclosing tag and the structure before use, all
 * reads go through memcpy (no alignment assumption), and the walk advances
 * by at least 8 bytes per step, so it always terminates.
 */
#define LOG_PREFIX "HV: mbi: "
#include "boot/mbi.h"
#include "boot/multiboot2.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Minimal RSDP sizes (ACPI 6.5, 5.2.5.3): v1 is 20 bytes, v2+ is 36. */
#define MBI_RSDP_V1_LEN 20
#define MBI_RSDP_V2_LEN 36

/* Default for absent strings; also tells "not seen yet" from an empty tag. */
static const char mbi_empty[] = "";

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The string of len bytes at p, if it is NUL-terminated inside them. */
static const char *tag_string(const u8 *p, u32 len)
{
	if (!len || strnlen((const char *)p, len) == len)
		return NULL;
	return (const char *)p;
}

/* CMDLINE or BOOTLOADER_NAME (3.6.2, 3.6.3); the first tag wins. */
static int parse_string_tag(const u8 *tag, u32 size, const char **dst, const char *what)
{
	const char *s = tag_string(tag + 8, size - 8);

	if (!s) {
		pr_warn("%s tag: string not NUL-terminated in %u bytes\n", what, size);
		return -EBADMSG;
	}
	if (*dst != mbi_empty)
		pr_debug("duplicate %s tag ignored\n", what);
	else
		*dst = s;
	return 0;
}

/* MODULE (3.6.6): u32 mod_start, mod_end, then the NUL-terminated string. */
static int parse_module(const u8 *tag, u32 size, struct mbi_info *out)
{
	struct mbi_module *m;
	const char *s;
	u32 start, end;

	if (size < sizeof(struct mb2_tag_module) + 1) {
		pr_warn("module tag too short (%u bytes)\n", size);
		return -EBADMSG;
	}
	start = rd32(tag + 8);
	end = rd32(tag + 12);
	s = tag_string(tag + 16, size - 16);
	if (!s) {
		pr_warn("module tag: string not NUL-terminated\n");
		return -EBADMSG;
	}
	if (end < start) {
		pr_warn("module [0x%x-0x%x) ends before it starts\n", start, end);
		return -EBADMSG;
	}
	if (out->nr_modules == MBI_MAX_MODULES) {
		if (!out->truncated_modules)
			pr_warn("more than %u modules, ignoring the rest\n", MBI_MAX_MODULES);
		out->truncated_modules = true;
		return 0;
	}
	m = &out->modules[out->nr_modules++];
	m->start = start;
	m->end = end;
	m->string = s;
	return 0;
}

/* MMAP (3.6.8): entry_size/entry_version, then entries entry_size apart. */
static int parse_mmap(const u8 *tag, u32 size, struct mbi_info *out)
{
	u32 entry_size, nr, i;

	if (size < sizeof(struct mb2_tag_mmap)) {
		pr_warn("mmap tag too short (%u bytes)\n", size);
		return -EBADMSG;
	}
	entry_size = rd32(tag + 8);
	if (entry_size < sizeof(struct mb2_mmap_entry)) {
		pr_warn("mmap entry_size %u < %zu\n", entry_size, sizeof(struct mb2_mmap_entry));
		return -EBADMSG;
	}
	nr = (size - 16) / entry_size;
	if ((size - 16) % entry_size)
		pr_warn("mmap tag: %u trailing bytes ignored\n", (size - 16) % entry_size);
	for (i = 0; i < nr; i++) {
		const u8 *e = tag + 16 + (u64)i * entry_size;
		struct mbi_mem_region *r;

		if (out->nr_mmap == MBI_MAX_MMAP) {
			pr_warn("more than %u memory map entries, ignoring the "
				"rest\n",
				MBI_MAX_MMAP);
			out->truncated_mmap = true;
			break;
		}
		r = &out->mmap[out->nr_mmap++];
		r->base = rd64(e);
		r->len = rd64(e + 8);
		r->type = rd32(e + 16);
		/* A region may end exactly at 2^64, never past it. */
		if (r->base && r->len > 0 - r->base) {
			pr_warn("mmap entry 0x%lx+0x%lx wraps, clamped\n", r->base, r->len);
			r->len = 0 - r->base;
		}
	}
	return 0;
}

/* ACPI_OLD / ACPI_NEW (3.6.12, 3.6.13): a copy of the RSDP; new wins. */
static int parse_acpi(const u8 *tag, u32 type, u32 size, struct mbi_info *out)
{
	u32 len = size - 8;
	u32 need = type == MB2_TAG_ACPI_NEW ? MBI_RSDP_V2_LEN : MBI_RSDP_V1_LEN;

	if (len < need) {
		pr_warn("ACPI tag %u: RSDP copy of %u bytes, need %u\n", type, len, need);
		return -EBADMSG;
	}
	if (out->rsdp_tag == MB2_TAG_ACPI_NEW ||
	    (out->rsdp_tag == MB2_TAG_ACPI_OLD && type == MB2_TAG_ACPI_OLD))
		return 0;
	out->rsdp = tag + 8;
	out->rsdp_len = len;
	out->rsdp_tag = type;
	return 0;
}

/* One well-framed tag (size >= 8, inside the structure). */
static int parse_tag(const u8 *tag, u32 type, u32 size, struct mbi_info *out)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		return parse_string_tag(tag, size, &out->cmdline, "cmdline");
	case MB2_TAG_BOOTLOADER_NAME:
		return parse_string_tag(tag, size, &out->loader_name, "loader name");
	case MB2_TAG_MODULE:
		return parse_module(tag, size, out);
	case MB2_TAG_MMAP:
		return parse_mmap(tag, size, out);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return parse_acpi(tag, type, size, out);
	default:
		return 0; /* 3.6: unknown tags must be ignored */
	}
}

int mbi_parse(u32 magic, const void *mbi, u64 mbi_pa, struct mbi_info *out)
{
	const u8 *p = mbi;
	bool end_found = false, stopped = false;
	u32 total, off;

	memset(out, 0, sizeof(*out));
	out->cmdline = mbi_empty;
	out->loader_name = mbi_empty;
	out->mbi_pa = mbi_pa;
	if (magic != MB2_BOOTLOADER_MAGIC) {
		pr_err("bad boot magic 0x%x (want 0x%x): not multiboot2\n", magic,
		       MB2_BOOTLOADER_MAGIC);
		return -EINVAL;
	}
	if (!p) {
		pr_err("no information structure\n");
		return -EINVAL;
	}
	total = rd32(p);
	if (total < 16 || total > MBI_MAX_SIZE) {
		pr_err("implausible total_size %u\n", total);
		return -EINVAL;
	}
	out->mbi_size = total;

	for (off = 8; total - off >= 8;) {
		u32 type = rd32(p + off), size = rd32(p + off + 4);
		u32 step;

		if (size < 8 || size > total - off) {
			pr_warn("tag type %u at offset %u: size %u invalid "
				"(total %u), walk stopped\n",
				type, off, size, total);
			stopped = true;
			break;
		}
		if (type == MB2_TAG_END) {
			end_found = true;
			break;
		}
		if (parse_tag(p + off, type, size, out) < 0)
			out->nr_bad_tags++;
		step = (u32)ALIGN_UP(size, 8);
		off = step >= total - off ? total : off + step;
	}
	if (!end_found && !stopped)
		pr_warn("no END tag within %u bytes\n", total);
	if (out->nr_bad_tags)
		pr_warn("%u malformed tags skipped\n", out->nr_bad_tags);
	return end_found && !out->nr_bad_tags ? 0 : -EBADMSG;
}

const char *mbi_mmap_type_name(u32 type)
{
	switch (type) {
	case MB2_MMAP_AVAILABLE:
		return "available";
	case MB2_MMAP_RESERVED:
		return "reserved";
	case MB2_MMAP_ACPI_RECLAIMABLE:
		return "acpi-reclaimable";
	case MB2_MMAP_NVS:
		return "acpi-nvs";
	case MB2_MMAP_BADRAM:
		return "bad-ram";
	default:
		return NULL;
	}
}

u64 mbi_usable_bytes(const struct mbi_info *info)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < info->nr_mmap; i++) {
		const struct mbi_mem_region *r = &info->mmap[i];

		if (r->type != MB2_MMAP_AVAILABLE)
			continue;
		sum = r->len > ~0ULL - sum ? ~0ULL : sum + r->len;
	}
	return sum;
}

void mbi_print(const struct mbi_info *info)
{
	unsigned int i;

	printk("HV: multiboot2 loader=\"%s\" cmdline=\"%s\"\n", info->loader_name, info->cmdline);
	printk("HV: memory map (%u entries%s):\n", info->nr_mmap,
	       info->truncated_mmap ? ", truncated" : "");
	for (i = 0; i < info->nr_mmap; i++) {
		const struct mbi_mem_region *r = &info->mmap[i];
		const char *name = mbi_mmap_type_name(r->type);
		char other[16];

		if (!name) {
			snprintf(other, sizeof(other), "type %u", r->type);
			name = other;
		}
		if (r->len)
			printk("HV:   [0x%016lx-0x%016lx] %s\n", r->base, r->base + (r->len - 1),
			       name);
		else
			printk("HV:   [0x%016lx empty] %s\n", r->base, name);
	}
	printk("HV: usable memory: %lu MiB\n", mbi_usable_bytes(info) >> 20);
	printk("HV: modules: %u%s\n", info->nr_modules,
	       info->truncated_modules ? " (truncated)" : "");
	for (i = 0; i < info->nr_modules; i++) {
		const struct mbi_module *m = &info->modules[i];

		printk("HV:   module %u [0x%lx-0x%lx) %lu bytes \"%s\"\n", i, m->start, m->end,
		       m->end - m->start, m->string);
	}
	if (info->rsdp_tag)
		printk("HV: ACPI RSDP copy: %u bytes (%s tag)\n", info->rsdp_len,
		       info->rsdp_tag == MB2_TAG_ACPI_NEW ? "new" : "old");
	else
		printk("HV: ACPI RSDP copy: none\n");
	if (info->nr_bad_tags)
		printk("HV: %u malformed multiboot2 tags skipped\n", info->nr_bad_tags);
}
