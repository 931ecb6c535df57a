/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's own page tables: entry.asm identity-maps 0-4 GiB with
 * 2 MiB pages (write-back); paging_mark_mmio() then makes every 2 MiB page
 * that holds no RAM uncacheable (PCD|PWT), so device registers are never
 * cached whatever the MTRRs say. SDM Vol. 3A 4.5, 11.12.
 */
#ifndef BOOT_PAGING_H
#define BOOT_PAGING_H

#include "lib/memrange.h"

#define PAGING_IDENTITY_LIMIT (4ULL << 30)

/** Mark 2 MiB pages without any range of map (RAM) as UC; returns how many. */
unsigned int paging_mark_mmio(const struct mem_range *ram, unsigned int nr);

#endif /* BOOT_PAGING_H */
