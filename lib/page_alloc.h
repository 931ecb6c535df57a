/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator over one contiguous pool reserved at boot.
 * A bitmap (1 = used) carved from the first pages of the pool tracks every
 * page; allocation is first-fit, contiguous, aligned in physical address
 * and zeroed. Safe for concurrent use by several CPUs (ticket lock).
 */
#ifndef LIB_PAGE_ALLOC_H
#define LIB_PAGE_ALLOC_H

#include "lib/spinlock.h"
#include "lib/types.h"

struct page_pool {
	hpa_t base;   /* page-aligned */
	u64 nr_pages; /* including the bitmap's own pages */
	u8 *hva_base; /* where [base, base + nr_pages pages) is accessible */
	u64 *bitmap;  /* at hva_base: bit i set = page i used */
	u64 nr_free;
	u64 hint;	      /* no free page below this index (first-fit start) */
	u64 peak_used;	      /* most pages handed out at once (bitmap excluded) */
	u64 poison;	      /* with poison_on: the 64-bit word filling free pages */
	bool poison_on;	      /* page_free() re-fills freed pages with poison */
	struct spinlock lock; /* protects bitmap, nr_free, hint, peak_used */
};

/* What page_pool_check_poison() found. */
struct page_poison_report {
	u64 checked;	 /* free pages examined */
	u64 bad_pages;	 /* free pages with at least one word != poison */
	hpa_t first_bad; /* hpa of the lowest differing word (bad_pages > 0) */
};

/**
 * Set up a pool over [base, base+size) (size rounded down to pages),
 * accessible at hva_base (== base in the hypervisor, a buffer in tests).
 * The bitmap occupies the first pages, marked used, so hpa base itself is
 * never handed out (page_alloc's 0 = failure stays unambiguous even for
 * a pool at 0). Returns 0, or -EINVAL for unaligned base/hva_base, a
 * range wrapping past 2^64, or a pool with no room left after its bitmap.
 */
int __must_check page_pool_init(struct page_pool *p, hpa_t base, u64 size, void *hva_base);

/**
 * Allocate nr contiguous zeroed pages whose first hpa is aligned to
 * align_pages pages (a power of two; 0 means 1). Returns the hpa, or 0 if
 * nr is 0, the alignment is bad, or no such run is free.
 */
hpa_t page_alloc(struct page_pool *p, u64 nr, u64 align_pages);

/**
 * Return nr pages at hpa. Panics (a broken hypervisor invariant) if the
 * range is unaligned, outside the pool, covers the bitmap, or any of its
 * pages is already free (double free). nr == 0 does nothing.
 */
void page_free(struct page_pool *p, hpa_t hpa, u64 nr);

/** Hypervisor-virtual address of hpa, or NULL if hpa is not in the pool. */
void *page_hva(const struct page_pool *p, hpa_t hpa);

/** Inverse of page_hva(); 0 if hva is not inside the pool's mapping. */
hpa_t page_hpa(const struct page_pool *p, const void *hva);

/** Free pages right now (a snapshot; other CPUs may change it). */
u64 page_pool_free_pages(const struct page_pool *p);

/** Is [hpa, hpa+len) entirely inside the pool? False for len 0. */
bool page_pool_contains(const struct page_pool *p, hpa_t hpa, u64 len);

/**
 * Fill every page that is free right now with the 64-bit pattern, and from
 * now on fill pages with it when they are freed (page_alloc still returns
 * zeroed pages). Each page is filled under the lock while its bit is clear,
 * so a concurrent allocation never sees its page overwritten. Returns the
 * number of pages filled.
 */
u64 page_pool_poison(struct page_pool *p, u64 pattern);

/**
 * Check that every page free right now still holds the poison in every
 * word (a write into free hypervisor memory leaves a trace there). Page by
 * page under the lock, so other CPUs may allocate and free meanwhile.
 * Without page_pool_poison() first, reports nothing checked.
 */
void page_pool_check_poison(struct page_pool *p, struct page_poison_report *r);

/** Is the page at hpa free right now (a snapshot)? False outside the pool. */
bool page_pool_page_free(struct page_pool *p, hpa_t hpa);

/** Print "HV: page pool [...] ..." with size, free and peak usage. */
void page_pool_print(const struct page_pool *p);

#endif /* LIB_PAGE_ALLOC_H */
