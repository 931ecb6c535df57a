/* SPDX-License-Identifier: MIT */
/*
 * Multiboot2 boot information, transcribed from "The Multiboot2
 * Specification version 2.0", section 3.6 ("Boot information format").
 * The loader hands us (magic, address of the information structure).
 */
#ifndef BOOT_MULTIBOOT2_H
#define BOOT_MULTIBOOT2_H

#include "lib/types.h"

#define MB2_HEADER_MAGIC 0xe85250d6	/* 3.1.1 */
#define MB2_BOOTLOADER_MAGIC 0x36d76289 /* 3.3, in EAX at entry */

/* 3.1.3ff header tags */
#define MB2_HEADER_TAG_END 0
#define MB2_HEADER_TAG_INFO_REQUEST 1
#define MB2_HEADER_TAG_MODULE_ALIGN 6

/* 3.6 information tag types */
#define MB2_TAG_END 0
#define MB2_TAG_CMDLINE 1	  /* 3.6.2 */
#define MB2_TAG_BOOTLOADER_NAME 2 /* 3.6.3 */
#define MB2_TAG_MODULE 3	  /* 3.6.6 */
#define MB2_TAG_BASIC_MEMINFO 4	  /* 3.6.4 */
#define MB2_TAG_MMAP 6		  /* 3.6.8 */
#define MB2_TAG_ACPI_OLD 14	  /* 3.6.12: RSDP v1 copy */
#define MB2_TAG_ACPI_NEW 15	  /* 3.6.13: RSDP v2 copy */

/* 3.6.8 memory map entry types */
#define MB2_MMAP_AVAILABLE 1
#define MB2_MMAP_RESERVED 2
#define MB2_MMAP_ACPI_RECLAIMABLE 3
#define MB2_MMAP_NVS 4
#define MB2_MMAP_BADRAM 5

struct mb2_info_header {
	u32 total_size;
	u32 reserved;
} __packed;

struct mb2_tag {
	u32 type;
	u32 size; /* including this header, excluding padding to 8 */
} __packed;

struct mb2_tag_string { /* CMDLINE, BOOTLOADER_NAME */
	u32 type, size;
	char string[];
} __packed;

struct mb2_tag_module {
	u32 type, size;
	u32 mod_start, mod_end;
	char string[];
} __packed;

struct mb2_tag_mmap {
	u32 type, size;
	u32 entry_size, entry_version;
	/* struct mb2_mmap_entry entries[] follow, entry_size apart */
} __packed;

struct mb2_mmap_entry {
	u64 base_addr;
	u64 length;
	u32 type;
	u32 reserved;
} __packed;

_Static_assert(sizeof(struct mb2_tag) == 8, "mb2 tag header");
_Static_assert(sizeof(struct mb2_tag_module) == 16, "mb2 module tag");
_Static_assert(sizeof(struct mb2_tag_mmap) == 16, "mb2 mmap tag");
_Static_assert(sizeof(struct mb2_mmap_entry) == 24, "mb2 mmap entry");

#endif /* BOOT_MULTIBOOT2_H */
