/* SPDX-License-Identifier: MIT */
/*
 * Shared by the vmm/vacpi.c tests: a fake physical memory holding the
 * captured firmware tables of tests/data/acpi/<bed>/ at their addresses,
 * a vacpi_build() wrapper that parses the guest's tables back with
 * acpi_init() from a second fake memory (the built buffer at its exact size
 * plus the firmware DSDT and FACS), and the checks every build must pass.
 */
#ifndef TESTS_UNIT_VACPI_BED_H
#define TESTS_UNIT_VACPI_BED_H

#include "drivers/acpi.h"
#include "lib/types.h"
#include "vmm/vacpi.h"

#define LOW_SIZE 0x100000
#define MAX_REGIONS 16

struct region {
	u64 pa;
	size_t len;
	u8 *data;
	char sig[5];
};

struct mem {
	struct region r[MAX_REGIONS];
	unsigned int n;
	struct acpi_mem am;
};

struct mem *mem_new(void);
/** A copy of data (zeroes if NULL), exactly len bytes, at pa. */
struct region *mem_add(struct mem *m, u64 pa, const void *data, size_t len, const char *sig);
void mem_free(struct mem *m);
/** The region named sig (a blob's signature); fails the test if none. */
struct region *region(struct mem *m, const char *sig);
u32 rd32(const u8 *p);
u64 rd64(const u8 *p);

struct fw {
	struct mem *m;
	struct acpi_info info;
};

/** tests/data/acpi/<name> at its addresses, parsed with acpi_init(). */
struct fw *fw_load(const char *name);
void fw_free(struct fw *fw);
struct vacpi_input input(const struct fw *fw, u32 apic_id);

struct built {
	u64 base, rsdp;
	size_t used;
	u8 *buf;       /* == the guest memory region's data */
	struct mem *g; /* the buffer + the firmware's DSDT and FACS */
	struct acpi_info info;
};

/** vacpi_build() at base (roomy, then exact-size: same bytes), parsed back. */
struct built *build(const struct fw *fw, const struct vacpi_input *in, u64 base);
void built_free(struct built *b);
/** The built bytes at guest address pa (must be inside the buffer). */
const u8 *built_at(const struct built *b, u64 pa);
/** Checks every build must pass (one CPU apic_id, no DMAR unless added). */
void check_common(const struct fw *fw, const struct built *b, u32 apic_id, bool added_dmar);
/** Signatures of the guest's root tables, in XSDT order, space separated. */
void root_sigs(const struct built *b, char *out, size_t len);
void assert_log_has(const char *s);

#endif /* TESTS_UNIT_VACPI_BED_H */
