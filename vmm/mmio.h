/* SPDX-License-Identifier: MIT */
/*
 * Registry of emulated MMIO regions (Jailhouse's mmio_region_register):
 * guest-physical ranges left out of EPT/NPT whose accesses exit and are
 * decoded and handed to the owner's handler. Modules register; the NPF exit
 * handler dispatches. vmm/ never knows who owns a region.
 */
#ifndef VMM_MMIO_H
#define VMM_MMIO_H

#include "lib/types.h"

enum mmio_result {
	MMIO_HANDLED = 0,
	MMIO_ERROR, /* the access itself is illegal (e.g. bad width) */
};

struct mmio_access {
	gpa_t gpa;
	unsigned int size; /* 1, 2, 4, 8 */
	bool write;
	u64 value; /* in for writes, out for reads */
};

typedef enum mmio_result (*mmio_handler_fn)(void *arg, struct mmio_access *a);

#define MMIO_MAX_REGIONS 16

/** Register [start, start+size); 0, -EINVAL (empty, wraps, no fn), -E2BIG, -EEXIST on overlap. */
int __must_check mmio_region_register(gpa_t start, u64 size, mmio_handler_fn fn, void *arg,
				      const char *name);
/** Dispatch an access; false if no region covers a->gpa. */
bool mmio_dispatch(struct mmio_access *a, enum mmio_result *res);
/** Number of registered regions and their ranges (for the NPT builder). */
unsigned int mmio_region_count(void);
bool mmio_region_get(unsigned int i, gpa_t *start, u64 *size, const char **name);
/** Forget every region (host unit tests only; the registry is boot-time). */
void mmio_reset_for_tests(void);

#endif /* VMM_MMIO_H */
