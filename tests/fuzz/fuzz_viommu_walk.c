// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for viommu/walk.c. Input: a 32-byte header (iova, a
 * range, which image pages are guest RAM, SLLPS, MGAW, root/context
 * coordinates, a fallback context) and then up to 8 pages of guest memory
 * at gpa 0, 4K, ... Pages not marked RAM are still backed (refused like
 * hypervisor memory). The lookup, the walk and the range walk must
 * terminate, read only whole naturally aligned entries inside guest RAM
 * (each page is its own exact-size heap block, so ASan sees any overrun),
 * and agree with each other. Built with VIOMMU_WALK_RANGE_BUDGET=4096
 * (tests/fuzz/build.mk), so the range walk's budget is reached often and
 * cheaply; the unit tests check the hypervisor's 2^20.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/errno.h"
#include "viommu/walk.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_viommu_walk: %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

#define MAX_PAGES 8
#define DIFF_PAGES 512 /* ranges up to this size are checked page by page */

/* Input header, little-endian. */
struct header {
	u64 iova;
	u64 range_start;
	u32 range_pages; /* range length in pages (clamped to 2^24) */
	u16 max_pages;	 /* walk_range max_pages (0 allowed) */
	u8 ram_mask;	 /* bit i: page i is guest RAM */
	u8 flags;	 /* 0: SLLPS 2M, 1: SLLPS 1G, 2: fallback TT=2, 3: fallback 4 levels,
			  * 4: fn stops at call max_pages/2, 5: fn fails there,
			  * 6: context TT=1, 7: context not present */
	u8 mgaw;
	u8 root_page, bus, devfn;
	u8 levels_mask; /* supported_levels_mask */
	u8 slpt_page;	/* fallback context's SLPTPTR page */
	u8 pad[2];
};
_Static_assert(sizeof(struct header) == 32, "fuzz input header layout");

struct fake {
	u8 *page[MAX_PAGES];
	unsigned int npages;
	u8 ram_mask;
	u64 reads, refused;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool fake_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	struct fake *f = ctx;
	u64 i = gpa >> 12;

	CHECK(len == 1 || len == 8 || len == 16);
	CHECK(gpa % len == 0); /* whole entries, never across a page */
	if (i >= f->npages || !(f->ram_mask & (1u << i))) {
		f->refused++;
		return false;
	}
	memcpy(buf, f->page[i] + (gpa & 0xfff), len);
	f->reads++;
	return true;
}

static bool fake_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	(void)ctx, (void)gpa, (void)buf, (void)len;
	CHECK(!"the walker never writes");
	return false;
}

static bool is_ram(const struct fake *f, gpa_t gpa)
{
	return (gpa >> 12) < f->npages && (f->ram_mask & (1u << (gpa >> 12)));
}

static unsigned int width(const struct viommu_context *c, unsigned int mgaw)
{
	unsigned int w = 12 + 9 * c->levels;

	return mgaw < w ? mgaw : w;
}

static void check_walk(struct fake *f, const struct viommu_context *c, iova_t iova,
		       const struct header *h, int *res, struct viommu_xlate *x)
{
	bool sp2m = h->flags & 1, sp1g = h->flags & 2;
	int r;

	f->reads = f->refused = 0;
	r = viommu_walk(&(struct viommu_guest_mem){ fake_read, fake_write, f }, c, iova, sp2m, sp1g,
			h->mgaw, x);
	CHECK(f->reads + f->refused <= c->levels + 1);
	*res = r;
	if (r) {
		CHECK(r == VTD_FR_CTX_NOT_PRESENT || r == VTD_FR_CTX_INVALID ||
		      r == VTD_FR_BEYOND_MGAW || r == VIOMMU_FR_NOT_PRESENT ||
		      r == VTD_FR_PT_ACCESS || r == VTD_FR_PTE_RSVD || r == VIOMMU_FR_PAGE_NOT_RAM);
		CHECK(x->gpa == 0 && x->page_size == 0 && !x->read && !x->write);
		return;
	}
	CHECK(iova >> width(c, h->mgaw) == 0);
	CHECK(x->read || x->write);
	CHECK(x->page_size == 0x1000 || (x->page_size == 0x200000 && sp2m) ||
	      (x->page_size == 0x40000000 && sp1g));
	CHECK((x->gpa & (x->page_size - 1)) == (iova & (x->page_size - 1)));
	CHECK(is_ram(f, x->gpa)); /* never a page outside guest RAM */
	if (c->tt == VTD_TT_PASS_THROUGH)
		CHECK(x->gpa == iova && f->reads == 1);
}

struct range_state {
	struct fake *f;
	const struct viommu_context *c;
	const struct header *h;
	iova_t lo, hi, last;
	u64 n;
	iova_t seen[DIFF_PAGES];
};

static int range_fn(void *arg, iova_t iova, const struct viommu_xlate *x)
{
	struct range_state *s = arg;

	CHECK((iova & 0xfff) == 0 && (x->gpa & 0xfff) == 0);
	CHECK(iova >= s->lo && iova < s->hi);
	CHECK(s->n == 0 || iova > s->last);
	CHECK(is_ram(s->f, x->gpa));
	if (s->n < DIFF_PAGES)
		s->seen[s->n] = iova;
	s->last = iova;
	s->n++;
	if ((s->h->flags & 0x30) && s->n == s->h->max_pages / 2u)
		return (s->h->flags & 0x20) ? -EIO : 1;
	return 0;
}

static void check_range(struct fake *f, const struct viommu_context *c, const struct header *h)
{
	struct viommu_guest_mem m = { fake_read, fake_write, f };
	struct range_state *s = calloc(1, sizeof(*s));
	u64 pages = h->range_pages & ((1u << 24) - 1);
	bool wrapped;
	long r;

	CHECK(s);
	s->f = f;
	s->c = c;
	s->h = h;
	s->lo = h->range_start & ~0xfffULL;
	s->hi = h->range_start + pages * 0x1000;
	wrapped = s->hi < h->range_start;
	if (wrapped)
		s->hi = ~0ULL;
	f->reads = f->refused = 0;
	r = viommu_walk_range(&m, c, h->range_start, s->hi, h->flags & 1, h->flags & 2, h->mgaw,
			      h->max_pages, range_fn, s);
	CHECK(f->reads + f->refused <= VIOMMU_WALK_RANGE_BUDGET + 1);
	if (c->tt != VTD_TT_UNTRANSLATED || !c->present) {
		CHECK(r == -EINVAL && s->n == 0);
		free(s);
		return;
	}
	if (r == -EIO) { /* fn failed: exactly at its call */
		CHECK((h->flags & 0x20) && s->n == h->max_pages / 2u);
		free(s);
		return;
	}
	CHECK(r == -E2BIG || (r >= 0 && (u64)r == s->n && s->n <= h->max_pages));
	if (r >= 0 && (h->flags & 0x10) && !(h->flags & 0x20) && h->max_pages >= 2)
		CHECK(s->n <= h->max_pages / 2u); /* fn's stop was obeyed */
	/* Each reported page is what viommu_walk says for it. */
	for (u64 i = 0; i < s->n && i < DIFF_PAGES; i++) {
		struct viommu_xlate x;
		int wr;

		check_walk(f, c, s->seen[i], h, &wr, &x);
		CHECK(wr == 0);
	}
	/* A complete walk of a small range missed no page (fn's stop, flag
	 * 0x10, ends it early on purpose: that walk is not complete). */
	if (r >= 0 && (u64)r < h->max_pages && pages <= DIFF_PAGES && !wrapped &&
	    !((h->flags & 0x30) && h->max_pages >= 2 && s->n == h->max_pages / 2u)) {
		u64 k = 0;

		for (u64 n = 0; n <= pages; n++) {
			iova_t iova = s->lo + n * 0x1000;
			struct viommu_xlate x;
			int wr;

			if (iova < s->lo || iova >= s->hi) /* end, or wrapped past 2^64 */
				break;

			check_walk(f, c, iova, h, &wr, &x);
			if (k < s->n && s->seen[k] == iova)
				k++;
			else
				CHECK(wr != 0);
		}
		CHECK(k == s->n);
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake f = { 0 };
	struct viommu_guest_mem m = { fake_read, fake_write, &f };
	struct viommu_context c;
	struct viommu_xlate x;
	struct header h;
	size_t img;
	int r;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	img = size - sizeof(h);
	f.npages = (unsigned int)((img + 0xfff) >> 12);
	if (f.npages > MAX_PAGES)
		f.npages = MAX_PAGES;
	f.ram_mask = h.ram_mask;
	for (unsigned int i = 0; i < f.npages; i++) {
		size_t off = (size_t)i << 12, n = img - off < 0x1000 ? img - off : 0x1000;

		f.page[i] = calloc(1, 0x1000);
		CHECK(f.page[i]);
		memcpy(f.page[i], data + sizeof(h) + off, n);
	}

	r = viommu_context_lookup(&m, (gpa_t)h.root_page << 12, h.bus, h.devfn, h.levels_mask, &c);
	CHECK(f.reads + f.refused <= 2);
	CHECK(r == 0 || r == VTD_FR_ROOT_ACCESS || r == VTD_FR_ROOT_NOT_PRESENT ||
	      r == VTD_FR_ROOT_RSVD || r == VTD_FR_CTX_ACCESS || r == VTD_FR_CTX_NOT_PRESENT ||
	      r == VTD_FR_CTX_RSVD || r == VTD_FR_CTX_INVALID);
	if (r == 0) {
		CHECK(c.present && (c.levels == 3 || c.levels == 4));
		CHECK(h.levels_mask & VIOMMU_WALK_LEVELS(c.levels));
		CHECK(c.tt == VTD_TT_UNTRANSLATED || c.tt == VTD_TT_PASS_THROUGH);
		CHECK((c.slptptr & 0xfff) == 0);
	} else {
		CHECK(c.present == (r == VTD_FR_CTX_RSVD || r == VTD_FR_CTX_INVALID));
		/* Walk a context made from the header instead. */
		c = (struct viommu_context){
			.present = true,
			.tt = (h.flags & 4) ? VTD_TT_PASS_THROUGH : VTD_TT_UNTRANSLATED,
			.levels = (h.flags & 8) ? 4 : 3,
			.slptptr = (gpa_t)h.slpt_page << 12,
		};
	}

	if (h.flags & 0x40)
		c.tt = VTD_TT_ALL;
	if (h.flags & 0x80)
		c.present = false;
	check_walk(&f, &c, h.iova, &h, &r, &x);
	if (h.flags & 0xc0)
		CHECK(r == ((h.flags & 0x80) ? VTD_FR_CTX_NOT_PRESENT : VTD_FR_CTX_INVALID));
	/* The same iova with a high bit set: beyond the width, or another walk. */
	check_walk(&f, &c, h.iova ^ (1ULL << 47), &h, &r, &x);
	check_range(&f, &c, &h);

	for (unsigned int i = 0; i < f.npages; i++)
		free(f.page[i]);
	return 0;
}
