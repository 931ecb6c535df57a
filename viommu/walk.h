/* SPDX-License-Identifier: MIT */
/*
 * Guest VT-d translation structures, read the way the emulated unit's
 * hardware would: root entry (spec 9.1) -> context entry (9.3) ->
 * second-level paging entries (9.8), legacy mode, 3 or 4 levels.
 * Every guest address (tables and the pages a leaf names) goes through
 * struct viommu_guest_mem, so nothing outside guest RAM is ever read or
 * mapped. Errors are the VT-d primary fault reasons (VTD_FR_*, chapter 7).
 */
#ifndef VIOMMU_WALK_H
#define VIOMMU_WALK_H

#include "drivers/vtd_hw.h"
#include "lib/types.h"
#include "viommu/viommu.h"

/* supported_levels_mask bit for n-level tables (context AW = n - 2). */
#define VIOMMU_WALK_LEVELS(n) (1u << (n))

/*
 * Fault reasons the walk returns beyond the obvious ones:
 * - A second-level entry with R=W=0, or a leaf whose permissions ANDed over
 *   all levels are empty: no access can succeed. The unit would report
 *   VTD_FR_READ_DENIED for a read and VTD_FR_WRITE_DENIED for a write; the
 *   walk knows no request type and returns VTD_FR_READ_DENIED (a caller
 *   reflecting a write request reports VTD_FR_WRITE_DENIED instead).
 * - A leaf naming a page that is not guest RAM (hypervisor memory, MMIO,
 *   nothing): no real unit fails here, the closest reason is "error
 *   accessing a paging structure", VTD_FR_PT_ACCESS.
 * - The table SLPTPTR names is not guest RAM: VTD_FR_CTX_INVALID (chapter 7
 *   counts a failed fetch through SLPTPTR as invalid context programming);
 *   a deeper table: VTD_FR_PT_ACCESS.
 */
#define VIOMMU_FR_NOT_PRESENT VTD_FR_READ_DENIED
#define VIOMMU_FR_PAGE_NOT_RAM VTD_FR_PT_ACCESS

/* Work bound of one viommu_walk_range() call: guest reads (table entries
 * plus one probe per reported page). Enough for every table of a guest
 * mapping a few GiB in 4 KiB pages; a hostile tree stops here. A host
 * build may set a smaller one (the fuzz harness does, so that an input
 * that exhausts it costs microseconds, not 2^20 reads). */
#ifndef VIOMMU_WALK_RANGE_BUDGET
#define VIOMMU_WALK_RANGE_BUDGET (1u << 20)
#endif

/* A decoded, validated context entry. */
struct viommu_context {
	bool present;
	bool fpd;	 /* fault processing disable */
	unsigned int tt; /* VTD_TT_UNTRANSLATED or VTD_TT_PASS_THROUGH */
	u16 did;
	unsigned int levels; /* 3 or 4, from AW */
	gpa_t slptptr;	     /* second-level root table (4 KiB aligned) */
};

/* One translation. */
struct viommu_xlate {
	gpa_t gpa;	  /* of the byte at iova */
	u64 page_size;	  /* of the guest's leaf: 4 KiB, 2 MiB or 1 GiB */
	bool read, write; /* ANDed over all levels; at least one is set */
};

/**
 * Read the root entry for bus from the root table at root_gpa (RTADDR.RTA)
 * and the context entry for devfn. supported_levels_mask: VIOMMU_WALK_LEVELS
 * bits (only 3 and 4 are ever accepted). Returns 0 or a fault reason:
 * VTD_FR_ROOT_ACCESS / VTD_FR_CTX_ACCESS (table not guest RAM),
 * VTD_FR_ROOT_NOT_PRESENT, VTD_FR_ROOT_RSVD, VTD_FR_CTX_NOT_PRESENT,
 * VTD_FR_CTX_RSVD, VTD_FR_CTX_INVALID (AW not supported, TT other than 0
 * or 2: device-TLBs are not advertised). *out is zeroed first, then filled
 * as far as the entry was read (present and fpd as soon as the context
 * entry is present).
 */
int __must_check viommu_context_lookup(const struct viommu_guest_mem *m, gpa_t root_gpa, u8 bus,
				       u8 devfn, unsigned int supported_levels_mask,
				       struct viommu_context *out);

/**
 * Translate iova through the context (TT=0: the second-level tables; TT=2:
 * identity). The address width is min(mgaw, the levels' width: 39 or 48).
 * Returns 0 with *out filled, or a fault reason (*out zeroed):
 * VTD_FR_BEYOND_MGAW, VIOMMU_FR_NOT_PRESENT, VTD_FR_PTE_RSVD (reserved bits,
 * or a superpage where sllps_2m/sllps_1g forbid it), VTD_FR_CTX_INVALID /
 * VTD_FR_PT_ACCESS (a table not guest RAM), VIOMMU_FR_PAGE_NOT_RAM,
 * VTD_FR_CTX_NOT_PRESENT / VTD_FR_CTX_INVALID for an unusable context.
 * Only the 4 KiB page holding out->gpa is checked to be guest RAM (guest RAM
 * is whole 4 KiB pages); a caller mapping more of a superpage checks each
 * page (viommu_walk_range does).
 */
int __must_check viommu_walk(const struct viommu_guest_mem *m, const struct viommu_context *c,
			     iova_t iova, bool sllps_2m, bool sllps_1g, unsigned int mgaw,
			     struct viommu_xlate *out);

/** Called once per translated 4 KiB page; 0 continues, < 0 aborts the walk
 *  (returned by viommu_walk_range), > 0 stops it (this page counted). */
typedef int (*viommu_walk_fn)(void *arg, iova_t iova, const struct viommu_xlate *x);

/**
 * Call fn, in ascending iova order, for every 4 KiB page of [start, end)
 * (start rounded down, end clamped to the address width) that viommu_walk
 * would translate: iova page-aligned, x->gpa the page's address, other
 * fields as viommu_walk gives them. Pages that fault are skipped (holes).
 * Stops after max_pages calls. Bounded: iterative, depth = levels, and at
 * most VIOMMU_WALK_RANGE_BUDGET guest reads, so self-referencing tables
 * and cycles terminate. Returns the number of calls; -EINVAL for a context
 * that is not present, not TT=0 (pass-through has no tree) or not 3/4
 * levels; -E2BIG when the budget ran out first; or fn's negative value.
 */
long __must_check viommu_walk_range(const struct viommu_guest_mem *m,
				    const struct viommu_context *c, iova_t start, iova_t end,
				    bool sllps_2m, bool sllps_1g, unsigned int mgaw, u64 max_pages,
				    viommu_walk_fn fn, void *arg);

#endif /* VIOMMU_WALK_H */
