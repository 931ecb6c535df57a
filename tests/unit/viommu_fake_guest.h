/* SPDX-License-Identifier: MIT */
/*
 * Host-test fake of the guest side of the emulated VT-d: guest RAM in a
 * malloc'd buffer (with an MMIO hole that is not RAM) behind the
 * struct viommu_guest_mem ops, and a tiny "guest driver" that writes
 * VT-d root, context and second-level tables into it (4 KiB, 2 MiB and
 * 1 GiB leaves), plus an independent reference lookup of its own tables.
 * Table pages come from a bump allocator at the top of RAM.
 */
#ifndef TESTS_UNIT_VIOMMU_FAKE_GUEST_H
#define TESTS_UNIT_VIOMMU_FAKE_GUEST_H

#include "lib/types.h"
#include "viommu/viommu.h"

struct fake_guest {
	u8 *ram;
	u64 ram_size;		    /* RAM is [0, ram_size) minus the hole */
	gpa_t hole_start, hole_end; /* not RAM: reads and writes fail */
	gpa_t table_next;	    /* next table page (grows down) */
	gpa_t table_floor;	    /* the allocator stops here */
	gpa_t root_gpa;		    /* root table (one, set up at init) */
	gpa_t slpt_gpa;		    /* second-level root of the current context */
	unsigned int levels;	    /* 3 or 4 */
	u64 reads, writes;	    /* accesses through the ops */
	struct viommu_guest_mem mem;
};

/* Default layout: 256 MiB RAM, hole at [0xa0000, 0x100000) (legacy VGA /
 * BIOS, like a PC), tables in the top 16 MiB. */
#define FAKE_GUEST_RAM (256ULL << 20)
#define FAKE_GUEST_TABLES (16ULL << 20)

/** Allocate RAM (zeroed) and an empty root table. */
void fake_guest_init(struct fake_guest *g, u64 ram_size);
void fake_guest_free(struct fake_guest *g);

/** Is [gpa, gpa + len) entirely RAM? */
bool fake_guest_is_ram(const struct fake_guest *g, gpa_t gpa, u64 len);

/** A zeroed 4 KiB table page in guest RAM (fails the test when out of pages). */
gpa_t fake_guest_alloc_table(struct fake_guest *g);

u64 fake_guest_read64(struct fake_guest *g, gpa_t gpa);
void fake_guest_write64(struct fake_guest *g, gpa_t gpa, u64 val);

/**
 * Point sid's context entry at a fresh, empty second-level table of the
 * given depth (3 or 4), with domain id did and translation type tt
 * (VTD_TT_*), present. Creates the bus's context table on first use.
 */
void fake_guest_set_context(struct fake_guest *g, u16 sid, u16 did, unsigned int levels,
			    unsigned int tt);
/** Raw context entry words for sid (for malformed-entry tests). */
void fake_guest_set_context_raw(struct fake_guest *g, u16 sid, u64 lo, u64 hi);
/** Clear sid's context entry (not present). */
void fake_guest_clear_context(struct fake_guest *g, u16 sid);

/**
 * Map iova -> gpa in the current second-level tables with a leaf of
 * page_size (4 KiB, 2 MiB or 1 GiB; both aligned). Missing intermediate
 * tables are allocated with R|W; a leaf replaces whatever was there.
 */
void fake_guest_map(struct fake_guest *g, iova_t iova, gpa_t gpa, u64 page_size, bool r, bool w);
/** Clear the leaf that maps iova at page_size (tables are kept). */
void fake_guest_unmap(struct fake_guest *g, iova_t iova, u64 page_size);

/**
 * Reference lookup, independent of viommu/walk.c: the 4 KiB page of guest
 * memory iova reaches and its effective rights (ANDed over the levels).
 */
bool fake_guest_lookup(struct fake_guest *g, iova_t iova, gpa_t *page_gpa, bool *r, bool *w);

#endif /* TESTS_UNIT_VIOMMU_FAKE_GUEST_H */
