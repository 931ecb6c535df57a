// SPDX-License-Identifier: MIT
/*
 * Cache attributes of the boot identity map. A 2 MiB page that overlaps no
 * RAM range is MMIO (or nothing) and becomes PCD|PWT (UC with the default
 * PAT); pages that hold any RAM stay write-back.
 */
#include "boot/paging.h"
#include "boot/x86.h"
#include "lib/bitops.h"

#define PTE_PWT BIT(3)
#define PTE_PCD BIT(4)
#define PD_ENTRIES (PAGING_IDENTITY_LIMIT / MiB(2))

extern u64 boot_pml4[512];

static u64 *boot_pd_table(void)
{
	u64 *pdpt = (u64 *)(uintptr_t)(boot_pml4[0] & GENMASK(51, 12));

	/* entry.asm places the four PDs back to back after PDPT[0]'s */
	return (u64 *)(uintptr_t)(pdpt[0] & GENMASK(51, 12));
}

unsigned int paging_mark_mmio(const struct mem_range *ram, unsigned int nr)
{
	u64 *pd = boot_pd_table();
	unsigned int marked = 0;

	for (u64 i = 0; i < PD_ENTRIES; i++) {
		bool has_ram = false;

		for (unsigned int r = 0; r < nr && !has_ram; r++)
			has_ram = ranges_overlap(i * MiB(2), MiB(2), ram[r].base, ram[r].len);
		if (!has_ram) {
			pd[i] |= PTE_PCD | PTE_PWT;
			marked++;
		}
	}
	write_cr3(read_cr3()); /* flush the TLB */
	return marked;
}
