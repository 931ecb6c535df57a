/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot information (spec 2.0, section 3.6) parsed into a flat,
 * bounded inventory: command line, loader name, memory map, modules, ACPI
 * RSDP copy. Pure (no hardware access); the strings and the RSDP point into
 * the information structure, so the caller must keep [mbi_pa, +mbi_size)
 * reserved for as long as it uses them.
 */
#ifndef BOOT_MBI_H
#define BOOT_MBI_H

#include "lib/types.h"

#define MBI_MAX_MMAP 128
#define MBI_MAX_MODULES 8
/* Sanity bound on the header's total_size. */
#define MBI_MAX_SIZE (1u << 20)

struct mbi_mem_region {
	u64 base, len;
	u32 type; /* MB2_MMAP_* (other values are kept as reported) */
};

struct mbi_module {
	u64 start, end;	    /* [start, end) physical */
	const char *string; /* "" if the loader gave none */
};

struct mbi_info {
	u64 mbi_pa; /* the structure itself, to reserve it */
	u32 mbi_size;
	const char *cmdline;	 /* "" if absent */
	const char *loader_name; /* "" if absent */
	struct mbi_mem_region mmap[MBI_MAX_MMAP];
	unsigned int nr_mmap;
	struct mbi_module modules[MBI_MAX_MODULES];
	unsigned int nr_modules;
	const void *rsdp; /* copy of the RSDP inside the MBI, or NULL */
	u32 rsdp_len;
	unsigned int rsdp_tag;			/* 14 old (ACPI 1.0), 15 new (ACPI 2.0+), 0 none */
	unsigned int nr_bad_tags;		/* well-framed tags with bad contents (skipped) */
	bool truncated_mmap, truncated_modules; /* more than MBI_MAX_* given */
};

/**
 * Parse the multiboot2 information structure at mbi (physical mbi_pa).
 * Returns -EINVAL if magic is not MB2_BOOTLOADER_MAGIC, mbi is NULL, or the
 * header's total_size is < 16 or > MBI_MAX_SIZE (out is then only zeroed
 * with empty strings). Returns -EBADMSG if the structure is malformed: a
 * tag's size is < 8 or runs past total_size (the walk stops there), a tag
 * has bad contents (counted in nr_bad_tags, skipped), or the END tag is
 * missing; everything parsed before/around the damage is kept in out and
 * is valid. Returns 0 for a clean structure. Every problem is logged.
 */
int __must_check mbi_parse(u32 magic, const void *mbi, u64 mbi_pa, struct mbi_info *out);

/** Print the inventory ("HV: multiboot2 ...", memory map, modules). */
void mbi_print(const struct mbi_info *info);

/** Name of a memory map type: "available", "reserved", ... or NULL if unknown. */
const char *mbi_mmap_type_name(u32 type);

/** Sum of the lengths of the available regions (saturating). */
u64 mbi_usable_bytes(const struct mbi_info *info);

#endif /* BOOT_MBI_H */
