/* SPDX-License-Identifier: MIT */
/*
 * VT-d second-level page tables (legacy mode, spec 9.8): a 3-, 4- or
 * 5-level tree mapping IOVAs to host-physical pages with the largest pages
 * the unit allows (2 MiB/1 GiB per CAP.SLLPS), splitting superpages when a
 * hole is punched. Pure: table memory comes from the caller's allocator and
 * every entry the hardware may read is handed to the caller's flush hook
 * (clflush when ECAP.C=0), so it runs in host tests.
 */
#ifndef DRIVERS_VTD_TABLES_H
#define DRIVERS_VTD_TABLES_H

#include "lib/bitops.h"
#include "lib/types.h"

/* Leaf permissions (non-leaf entries always carry R|W: 9.8). */
#define VTD_PT_R 1u
#define VTD_PT_W 2u

/* vtd_pt_init() flags. */
#define VTD_PT_2M BIT(0)    /* 2 MiB leaves allowed (CAP.SLLPS bit 0) */
#define VTD_PT_1G BIT(1)    /* 1 GiB leaves allowed (CAP.SLLPS bit 1) */
#define VTD_PT_SNOOP BIT(2) /* set SNP in leaves (needs ECAP.SC) */

struct vtd_pt_ops {
	/** A zeroed 4 KiB page; returns where it is accessible, *pa set; NULL if none. */
	void *(*alloc_page)(void *ctx, hpa_t *pa);
	void (*free_page)(void *ctx, void *page, hpa_t pa);
	/** Where the table at pa can be read and written. */
	void *(*table_ptr)(void *ctx, hpa_t pa);
	/**
	 * Make CPU writes to [p, p+len) visible to the remapping hardware
	 * (clflush of each line, then a fence). NULL when the unit snoops.
	 */
	void (*flush)(void *ctx, const void *p, u64 len);
	void *ctx;
};

struct vtd_pt {
	unsigned int levels;	/* 3, 4 or 5 (context AW = levels - 2) */
	unsigned int addr_bits; /* IOVAs must lie below 2^addr_bits */
	u32 flags;		/* VTD_PT_* */
	hpa_t root_pa;
	u64 *root;
	const struct vtd_pt_ops *mem;
	u64 nr_tables;	/* table pages in use (root included) */
	u64 max_tables; /* budget of table pages, 0 = none (set after init) */
	u64 nr_splits;	/* superpages split to punch holes */
};

/**
 * An empty tree of `levels` levels accepting IOVAs below 2^addr_bits
 * (clamped to what the levels can address). 0, -EINVAL (levels not 3-5,
 * addr_bits < 21) or -ENOMEM.
 */
int __must_check vtd_pt_init(struct vtd_pt *t, unsigned int levels, unsigned int addr_bits,
			     u32 flags, const struct vtd_pt_ops *mem);

/** One past the highest IOVA the tree accepts. */
u64 vtd_pt_iova_limit(const struct vtd_pt *t);

/**
 * Map [iova, iova+len) to [hpa, hpa+len) with perms (VTD_PT_R, VTD_PT_W;
 * R is implied), using the largest allowed pages; replaces any mapping there.
 * 0; -EINVAL (not 4 KiB aligned); -ERANGE (beyond the address width, or hpa
 * beyond 52 bits); -ENOMEM (a prefix of the range may then be mapped: the
 * tree stays consistent and nothing else changed).
 * Tables are never freed before vtd_pt_destroy(): a table the hardware may
 * still walk is never reused, so unmapping needs only an IOTLB flush.
 */
int __must_check vtd_pt_map(struct vtd_pt *t, iova_t iova, hpa_t hpa, u64 len, unsigned int perms);

/**
 * Remove [iova, iova+len), splitting superpages at the edges. 0, -EINVAL,
 * -ERANGE, or -ENOMEM (a split failed: the superpage stays mapped whole,
 * the part of the range before it is unmapped). The caller flushes the IOTLB.
 */
int __must_check vtd_pt_unmap(struct vtd_pt *t, iova_t iova, u64 len);

/** Translate iova; false if not mapped. Any out pointer may be NULL. */
bool vtd_pt_lookup(const struct vtd_pt *t, iova_t iova, hpa_t *hpa, u64 *page_size,
		   unsigned int *perms);

/** Free every table page (root included). The hardware must no longer use it. */
void vtd_pt_destroy(struct vtd_pt *t);

#endif /* DRIVERS_VTD_TABLES_H */
