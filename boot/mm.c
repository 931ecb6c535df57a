// SPDX-License-Identifier: MIT
/*
 * Boot-time memory reservation. The pool is the highest 2 MiB-aligned block
 * of available RAM below 4 GiB (the early identity map's limit) that avoids
 * the first MiB, our image, the multiboot2 information and every module
 * (the guest kernel and initrd live in those until the guest boots).
 */
#define LOG_PREFIX "HV: "
#include "boot/mm.h"
#include "boot/multiboot2.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"

#define MM_POOL_LIMIT GiB(4)
#define MM_MAX_AVOID (MBI_MAX_MODULES + 4)

extern u8 __hv_start[], __hv_end[];

struct page_pool hv_pool;

static hpa_t image_start(void)
{
	return (hpa_t)(uintptr_t)__hv_start;
}

static hpa_t image_end(void)
{
	return (hpa_t)(uintptr_t)__hv_end;
}

/* Scratch for mm_init (boot runs on one CPU; too big for the stack). */
static struct mem_range mm_map[MBI_MAX_MMAP];

int mm_init(const struct mbi_info *mbi, u64 pool_size)
{
	struct mem_range *map = mm_map, avoid[MM_MAX_AVOID];
	unsigned int nr = 0, na = 0;
	u64 base;
	int err;

	for (unsigned int i = 0; i < mbi->nr_mmap; i++)
		map[nr++] = (struct mem_range){ mbi->mmap[i].base, mbi->mmap[i].len,
						mbi->mmap[i].type };
	memrange_normalise(map, &nr, MBI_MAX_MMAP);
	avoid[na++] = (struct mem_range){ 0, MiB(1), 0 };
	avoid[na++] = (struct mem_range){ image_start(), image_end() - image_start(), 0 };
	avoid[na++] = (struct mem_range){ mbi->mbi_pa, mbi->mbi_size, 0 };
	for (unsigned int i = 0; i < mbi->nr_modules; i++)
		avoid[na++] = (struct mem_range){ mbi->modules[i].start,
						  mbi->modules[i].end - mbi->modules[i].start, 0 };
	err = memrange_find_top(map, nr, MB2_MMAP_AVAILABLE, pool_size, MiB(2), MM_POOL_LIMIT,
				avoid, na, &base);
	if (err)
		return err;
	return page_pool_init(&hv_pool, base, pool_size, (void *)(uintptr_t)base);
}

void *mm_alloc_pages(u64 nr)
{
	hpa_t pa = page_alloc(&hv_pool, nr, 1);

	return pa ? page_hva(&hv_pool, pa) : NULL;
}

void mm_free_pages(void *p, u64 nr)
{
	page_free(&hv_pool, page_hpa(&hv_pool, p), nr);
}

unsigned int mm_hv_ranges(struct mem_range *out, unsigned int cap)
{
	unsigned int n = 0;

	if (n < cap)
		out[n++] = (struct mem_range){ image_start(), image_end() - image_start(),
					       MB2_MMAP_RESERVED };
	if (n < cap && hv_pool.nr_pages)
		out[n++] = (struct mem_range){ hv_pool.base, hv_pool.nr_pages * PAGE_SIZE,
					       MB2_MMAP_RESERVED };
	return n;
}

bool mm_is_hv_memory(hpa_t pa, u64 len)
{
	return ranges_overlap(pa, len, image_start(), image_end() - image_start()) ||
	       ranges_overlap(pa, len, hv_pool.base, hv_pool.nr_pages * PAGE_SIZE);
}

void mm_print(void)
{
	printk("HV: image [%#llx-%#llx) %llu KiB, pool [%#llx-%#llx) %llu MiB, %llu pages free\n",
	       (unsigned long long)image_start(), (unsigned long long)image_end(),
	       (unsigned long long)((image_end() - image_start()) >> 10),
	       (unsigned long long)hv_pool.base,
	       (unsigned long long)(hv_pool.base + hv_pool.nr_pages * PAGE_SIZE),
	       (unsigned long long)(hv_pool.nr_pages * PAGE_SIZE >> 20),
	       (unsigned long long)page_pool_free_pages(&hv_pool));
}
