// SPDX-License-Identifier: MIT
/*
 * Bitmap page allocator for the hypervisor's own pool (page tables, VMCBs,
 * shadow IO page tables...). Invariants, all under p->lock:
 *   - bit i of the bitmap is set iff page i is used; the bitmap's own pages
 *     and the bits past nr_pages in the last word are always set;
 *   - nr_free == number of clear bits;
 *   - no page below hint is free (first-fit scans start there).
 * Zeroing happens after the lock is dropped: the pages are already ours.
 */
#define LOG_PREFIX "page: "
#include "lib/page_alloc.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"

/* Largest alignment accepted (in pages): 2^40 pages = 4 PiB. */
#define PAGE_MAX_ALIGN_PAGES (1ULL << 40)

/* Pages needed by the bitmap of a pool of nr pages. */
static u64 meta_pages(u64 nr)
{
	return DIV_ROUND_UP(DIV_ROUND_UP(nr, 64) * sizeof(u64), PAGE_SIZE);
}

/* Mask of bits [idx%64, idx%64 + k) in one word, k <= 64 - idx%64. */
static u64 word_mask(u64 idx, u64 k)
{
	return (k == 64 ? ~0ULL : BIT(k) - 1) << (idx % 64);
}

static void bits_set(u64 *bm, u64 idx, u64 n, bool set)
{
	while (n) {
		u64 k = MIN(n, 64 - idx % 64), m = word_mask(idx, k);

		if (set)
			bm[idx / 64] |= m;
		else
			bm[idx / 64] &= ~m;
		idx += k;
		n -= k;
	}
}

static bool bits_all_set(const u64 *bm, u64 idx, u64 n)
{
	while (n) {
		u64 k = MIN(n, 64 - idx % 64), m = word_mask(idx, k);

		if ((bm[idx / 64] & m) != m)
			return false;
		idx += k;
		n -= k;
	}
	return true;
}

/* First index >= idx whose bit equals `used`, or limit. */
static u64 next_bit(const struct page_pool *p, u64 idx, u64 limit, bool used)
{
	while (idx < limit) {
		u64 w = p->bitmap[idx / 64];
		u64 hits = (used ? w : ~w) & (~0ULL << (idx % 64));

		if (hits)
			return MIN(ALIGN_DOWN(idx, 64) + __builtin_ctzll(hits), limit);
		idx = ALIGN_DOWN(idx, 64) + 64;
	}
	return limit;
}

/* Smallest index >= idx whose hpa is aligned to align pages. */
static u64 align_idx(const struct page_pool *p, u64 idx, u64 align)
{
	u64 pfn = (p->base >> PAGE_SHIFT) + idx;

	return ALIGN_UP(pfn, align) - (p->base >> PAGE_SHIFT);
}

int page_pool_init(struct page_pool *p, hpa_t base, u64 size, void *hva_base)
{
	u64 nr = size >> PAGE_SHIFT, meta, words;

	memset(p, 0, sizeof(*p));
	if (!IS_ALIGNED(base, PAGE_SIZE) || !hva_base ||
	    !IS_ALIGNED((uintptr_t)hva_base, PAGE_SIZE) || (base && size > 0 - base))
		return -EINVAL;
	meta = meta_pages(nr);
	if (nr <= meta)
		return -EINVAL;
	words = DIV_ROUND_UP(nr, 64);
	p->base = base;
	p->nr_pages = nr;
	p->hva_base = hva_base;
	p->bitmap = hva_base;
	memset(p->bitmap, 0, meta * PAGE_SIZE);
	bits_set(p->bitmap, 0, meta, true);
	bits_set(p->bitmap, nr, words * 64 - nr, true);
	p->nr_free = nr - meta;
	p->hint = meta;
	p->peak_used = 0;
	return 0;
}

/* First-fit run of nr free pages from hint, hpa-aligned; @pre lock held. */
static bool find_run(const struct page_pool *p, u64 nr, u64 align, u64 *out)
{
	u64 idx = p->hint;

	/* idx strictly increases on every pass: at most nr_pages passes. */
	for (;;) {
		u64 end;

		idx = align_idx(p, next_bit(p, idx, p->nr_pages, false), align);
		if (idx >= p->nr_pages || p->nr_pages - idx < nr)
			return false;
		end = next_bit(p, idx, idx + nr, true);
		if (end == idx + nr) {
			*out = idx;
			return true;
		}
		idx = end + 1;
	}
}

hpa_t page_alloc(struct page_pool *p, u64 nr, u64 align_pages)
{
	u64 idx, used;
	bool ok;

	if (!align_pages)
		align_pages = 1;
	if (!nr || (align_pages & (align_pages - 1)) || align_pages > PAGE_MAX_ALIGN_PAGES) {
		pr_err("bad request: %lu pages aligned to %lu\n", nr, align_pages);
		return 0;
	}
	spin_lock(&p->lock);
	ok = nr <= p->nr_free && find_run(p, nr, align_pages, &idx);
	if (ok) {
		bits_set(p->bitmap, idx, nr, true);
		p->nr_free -= nr;
		used = p->nr_pages - meta_pages(p->nr_pages) - p->nr_free;
		p->peak_used = MAX(p->peak_used, used);
		if (idx == p->hint)
			p->hint = next_bit(p, idx + nr, p->nr_pages, false);
	}
	spin_unlock(&p->lock);
	if (!ok)
		return 0;
	memset(p->hva_base + idx * PAGE_SIZE, 0, nr * PAGE_SIZE);
	return p->base + idx * PAGE_SIZE;
}

static void fill_words(u64 *w, u64 nr_words, u64 pattern)
{
	for (u64 i = 0; i < nr_words; i++)
		w[i] = pattern;
}

void page_free(struct page_pool *p, hpa_t hpa, u64 nr)
{
	u64 idx;

	if (!nr)
		return;
	if (!IS_ALIGNED(hpa, PAGE_SIZE) || nr > p->nr_pages ||
	    !page_pool_contains(p, hpa, nr << PAGE_SHIFT))
		panic("page_free(0x%lx, %lu): not in pool [0x%lx, +%lu pages)", hpa, nr, p->base,
		      p->nr_pages);
	idx = (hpa - p->base) >> PAGE_SHIFT;
	if (idx < meta_pages(p->nr_pages))
		panic("page_free(0x%lx, %lu): frees the pool's bitmap", hpa, nr);
	spin_lock(&p->lock);
	if (!bits_all_set(p->bitmap, idx, nr))
		panic("page_free(0x%lx, %lu): double free", hpa, nr);
	/* still marked used: nobody else can hold these pages */
	if (p->poison_on)
		fill_words((u64 *)(p->hva_base + idx * PAGE_SIZE), nr * (PAGE_SIZE / 8), p->poison);
	bits_set(p->bitmap, idx, nr, false);
	p->nr_free += nr;
	if (idx < p->hint)
		p->hint = idx;
	spin_unlock(&p->lock);
}

bool page_pool_contains(const struct page_pool *p, hpa_t hpa, u64 len)
{
	return len && range_within(hpa, len, p->base, p->nr_pages << PAGE_SHIFT);
}

void *page_hva(const struct page_pool *p, hpa_t hpa)
{
	if (!page_pool_contains(p, hpa, 1))
		return NULL;
	return p->hva_base + (hpa - p->base);
}

hpa_t page_hpa(const struct page_pool *p, const void *hva)
{
	uintptr_t h = (uintptr_t)hva, b = (uintptr_t)p->hva_base;

	if (!p->nr_pages || h < b || h - b >= (p->nr_pages << PAGE_SHIFT))
		return 0;
	return p->base + (h - b);
}

u64 page_pool_free_pages(const struct page_pool *p)
{
	return READ_ONCE(p->nr_free);
}

static bool page_is_free(const struct page_pool *p, u64 idx)
{
	return !(p->bitmap[idx / 64] & BIT(idx % 64));
}

bool page_pool_page_free(struct page_pool *p, hpa_t hpa)
{
	bool f;

	if (!page_pool_contains(p, hpa, 1))
		return false;
	spin_lock(&p->lock);
	f = page_is_free(p, (hpa - p->base) >> PAGE_SHIFT);
	spin_unlock(&p->lock);
	return f;
}

u64 page_pool_poison(struct page_pool *p, u64 pattern)
{
	u64 filled = 0;

	spin_lock(&p->lock);
	p->poison = pattern;
	p->poison_on = true;
	spin_unlock(&p->lock);
	for (u64 idx = meta_pages(p->nr_pages); idx < p->nr_pages; idx++) {
		spin_lock(&p->lock);
		if (page_is_free(p, idx)) {
			fill_words((u64 *)(p->hva_base + idx * PAGE_SIZE), PAGE_SIZE / 8, pattern);
			filled++;
		}
		spin_unlock(&p->lock);
	}
	return filled;
}

void page_pool_check_poison(struct page_pool *p, struct page_poison_report *r)
{
	memset(r, 0, sizeof(*r));
	if (!READ_ONCE(p->poison_on))
		return;
	for (u64 idx = meta_pages(p->nr_pages); idx < p->nr_pages; idx++) {
		const u64 *w = (const u64 *)(p->hva_base + idx * PAGE_SIZE);
		u64 pattern = p->poison;

		spin_lock(&p->lock);
		if (page_is_free(p, idx)) {
			r->checked++;
			for (u64 i = 0; i < PAGE_SIZE / 8; i++) {
				if (w[i] == pattern)
					continue;
				if (!r->bad_pages++)
					r->first_bad = p->base + idx * PAGE_SIZE + i * 8;
				break;
			}
		}
		spin_unlock(&p->lock);
	}
}

void page_pool_print(const struct page_pool *p)
{
	u64 meta = meta_pages(p->nr_pages);

	printk("HV: page pool [0x%lx-0x%lx) %lu MiB: %lu pages, %lu bitmap, "
	       "%lu free, peak %lu used\n",
	       p->base, p->base + (p->nr_pages << PAGE_SHIFT), (p->nr_pages << PAGE_SHIFT) >> 20,
	       p->nr_pages, meta, page_pool_free_pages(p), READ_ONCE(p->peak_used));
}
