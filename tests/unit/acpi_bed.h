/* SPDX-License-Identifier: MIT */
/*
 * Shared by the drivers/acpi*.c discovery tests (test_acpi.c on the captured
 * beds, test_acpi_corrupt.c on corrupted copies of them): a fake physical
 * memory holding tests/data/acpi/<bed>/ at the blobs' original addresses,
 * each in its own exact-size buffer so ASan catches any read past a table,
 * plus helpers to edit a blob and re-checksum it.
 */
#ifndef TESTS_UNIT_ACPI_BED_H
#define TESTS_UNIT_ACPI_BED_H

#include <stddef.h>
#include "drivers/acpi.h"
#include "lib/types.h"

#define LOW_SIZE 0x100000 /* BDA, EBDA, F segment */
#define MAX_REGIONS 64

struct region {
	u64 pa;
	size_t len;
	u8 *data;
	char sig[5];
};

struct bed {
	struct region r[MAX_REGIONS];
	unsigned int n;
	struct acpi_mem mem;
	struct acpi_info *info;
	u64 rsdp_pa;
	unsigned int maps; /* map() calls, to bound work */
};

/** A copy of data (zeroes if NULL), exactly len bytes, at pa. */
struct region *add_region(struct bed *b, u64 pa, const void *data, size_t len, const char *sig);
/** The first MiB (BDA, EBDA, F segment), where the RSDP lives. */
u8 *low(struct bed *b);
/** Load tests/data/acpi/<name> at the addresses listed in its index.txt. */
struct bed *bed_load(const char *name);
void bed_free(struct bed *b);
/** The blob named sig; fails the test if none. */
struct region *blob(struct bed *b, const char *sig);
void fix_csum(u8 *t, size_t len, size_t csum_off);
/** Fix a table's header checksum after editing it. */
void resum(struct region *r);
void put32(u8 *p, u32 v);
void put64(u8 *p, u64 v);
/** Fails the test unless the log since the last clear contains s. */
void assert_log_has(const char *s);
/** acpi_init()'s entry for table sig; fails the test if not listed. */
const struct acpi_table *table(const struct bed *b, const char *sig);

#endif
