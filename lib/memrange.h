/* SPDX-License-Identifier: MIT */
/*
 * Physical address range arithmetic over a caller-owned array: subtract,
 * sort, normalise (resolve firmware overlaps), find the highest free block,
 * containment. Used to pick the hypervisor's page pool from the multiboot2
 * map and to carve the guest's E820. Ranges are [base, base+len) and may
 * end exactly at 2^64; no operation ever wraps.
 */
#ifndef LIB_MEMRANGE_H
#define LIB_MEMRANGE_H

#include "lib/types.h"

/* Types follow the E820 / multiboot2 numbering; other values are allowed. */
#define MEMRANGE_AVAILABLE 1
#define MEMRANGE_RESERVED 2
#define MEMRANGE_ACPI 3 /* ACPI reclaimable */
#define MEMRANGE_NVS 4
#define MEMRANGE_BAD 5

struct mem_range {
	u64 base, len;
	u32 type;
};

/**
 * Remove [base, base+len) from every range in map, splitting ranges that
 * contain it. *nr is updated; empty leftovers are dropped. Returns 0, or
 * -E2BIG (map unchanged) if the splits would need more than cap entries.
 * A hole reaching past 2^64 is clamped there.
 */
int __must_check memrange_subtract(struct mem_range *map, unsigned int *nr, unsigned int cap,
				   u64 base, u64 len);

/** Sort by base (stable: equal bases keep their order). */
void memrange_sort(struct mem_range *map, unsigned int nr);

/**
 * Normalise: drop empty ranges, clamp ranges that wrap past 2^64, sort,
 * merge overlapping or adjacent ranges of the same type, and split
 * overlaps of different types so that the stronger type wins:
 * available < ACPI reclaimable < ACPI NVS < reserved < unknown types
 * < bad RAM (unknown types among themselves: higher number wins).
 * Never makes a byte available that was covered by any other type. If the
 * splits need more than cap entries, the smaller piece of the range being
 * split is dropped (logged), which only ever turns memory into a hole.
 * A merged range that would cover all 2^64 bytes loses its last byte.
 */
void memrange_normalise(struct mem_range *map, unsigned int *nr, unsigned int cap);

/**
 * Find the highest block [*out, *out+size) with *out aligned to align (a
 * power of two; 0 means 1) that lies inside one range of type `type`,
 * ends at or below limit, overlaps none of avoid[0..navoid) and no range
 * of map with another type (so overlapping firmware entries are safe even
 * before normalising). Returns 0, -EINVAL (size 0, bad align) or -ENOMEM.
 */
int __must_check memrange_find_top(const struct mem_range *map, unsigned int nr, u32 type, u64 size,
				   u64 align, u64 limit, const struct mem_range *avoid,
				   unsigned int navoid, u64 *out);

/**
 * Is every byte of [base, base+len) covered by ranges of `type` (possibly
 * several adjacent or overlapping ones)? False for len 0 and for ranges
 * that wrap past 2^64.
 */
bool memrange_contains(const struct mem_range *map, unsigned int nr, u32 type, u64 base, u64 len);

/** Sum of the lengths of the ranges of `type` (saturating). */
u64 memrange_total(const struct mem_range *map, unsigned int nr, u32 type);

#endif /* LIB_MEMRANGE_H */
