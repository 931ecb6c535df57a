/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's memory: its image [__hv_start, __hv_end) and one page pool
 * reserved at boot from the multiboot2 memory map. Both are what the guest
 * must never see (E820 hole, not in EPT/NPT, not in the NIC's DMA domain).
 */
#ifndef BOOT_MM_H
#define BOOT_MM_H

#include "boot/mbi.h"
#include "lib/memrange.h"
#include "lib/page_alloc.h"

extern struct page_pool hv_pool;

/** Reserve the pool (pool_size bytes, highest fit below 4 GiB). 0 or -ENOMEM. */
int __must_check mm_init(const struct mbi_info *mbi, u64 pool_size);
/** Zeroed, page-aligned pages from the pool, or NULL. */
void *mm_alloc_pages(u64 nr);
void mm_free_pages(void *p, u64 nr);
/** The ranges owned by the hypervisor (image, pool); returns how many. */
unsigned int mm_hv_ranges(struct mem_range *out, unsigned int cap);
/** Is [pa, pa+len) inside memory the hypervisor owns? */
bool mm_is_hv_memory(hpa_t pa, u64 len);
void mm_print(void);

#endif /* BOOT_MM_H */
