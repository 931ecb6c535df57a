// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for vmm/guest_walk.c. Input: a 48-byte header (CR0,
 * CR3, CR4, EFER, gva, access, maxphyaddr, fetch max, image base page) and
 * then a guest memory image placed at that base. The walk and the fetch
 * must terminate within a bounded number of reads, read only naturally
 * aligned words through the ops (the image is an exact-size heap copy, so
 * ASan sees anything else), and return consistent results.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/errno.h"
#include "vmm/guest_walk.h"

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "fuzz_guest_walk: %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                     \
			abort();                                                            \
		}                                                                           \
	} while (0)

/* Input header, little-endian. */
struct header {
	u64 cr0, cr3, cr4, efer, gva;
	u8 access;     /* GW_WRITE | GW_USER | GW_FETCH (other bits dropped) */
	u8 maxphyaddr; /* 0 = 52; the walker clamps to 32..52 */
	u8 fetch_max;  /* guest_fetch_insn max, 0..255 */
	u8 pad;
	u32 base_page; /* the image sits at gpa base_page << 12 */
};
_Static_assert(sizeof(struct header) == 48, "fuzz input header layout");

struct image {
	const u8 *bytes;
	u64 base, len;
	unsigned int reads;
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const u8 *image_at(struct image *im, u64 gpa, unsigned int n)
{
	im->reads++;
	CHECK(gpa % n == 0); /* the walker promises natural alignment */
	if (gpa < im->base || gpa - im->base > im->len || im->len - (gpa - im->base) < n)
		return NULL;
	return im->bytes + (gpa - im->base);
}

static bool img_read64(void *ctx, u64 gpa, u64 *val)
{
	const u8 *p = image_at(ctx, gpa, 8);

	if (p)
		memcpy(val, p, 8);
	return p;
}

static bool img_read32(void *ctx, u64 gpa, u32 *val)
{
	const u8 *p = image_at(ctx, gpa, 4);

	if (p)
		memcpy(val, p, 4);
	return p;
}

static bool valid_page_size(u64 s)
{
	return s == 0x1000 || s == 0x200000 || s == 0x400000 || s == 0x40000000;
}

static bool long_mode(const struct guest_paging *p)
{
	return (p->cr0 & GW_CR0_PG) && (p->efer & GW_EFER_LMA);
}

static int walk(struct image *im, const struct guest_paging *p, const struct guest_mem_ops *m,
		u64 gva, unsigned int access, u64 *gpa, u64 *ps)
{
	int r;

	im->reads = 0;
	r = guest_walk(p, m, gva, access, gpa, ps);
	CHECK(r >= GW_OK && r <= GW_PROTECTION);
	CHECK(im->reads <= 5); /* one read per level at most */
	CHECK(guest_walk_result_name(r)[0] != '?');
	if (r != GW_OK) {
		CHECK(*gpa == 0 && *ps == 0);
		return r;
	}
	CHECK(valid_page_size(*ps));
	CHECK((*gpa & (*ps - 1)) == (gva & (*ps - 1)));
	CHECK(*gpa < (1ULL << 52));
	if (!(p->cr0 & GW_CR0_PG))
		CHECK(*gpa == (u32)gva && im->reads == 0);
	return r;
}

static void check_walk(struct image *im, const struct guest_paging *p,
		       const struct guest_mem_ops *m, u64 gva, unsigned int access)
{
	u64 gpa, ps, gpa0, ps0;
	int r = walk(im, p, m, gva, access, &gpa, &ps);
	int r0 = walk(im, p, m, gva, access & GW_USER, &gpa0, &ps0);

	/* Only permissions depend on the access type. */
	if (r != r0)
		CHECK(r0 == GW_OK && r == GW_PROTECTION);
	else if (r == GW_OK)
		CHECK(gpa == gpa0 && ps == ps0);
	/* Dropping WRITE or FETCH never turns a success into a failure. */
	if (r == GW_OK) {
		CHECK(walk(im, p, m, gva, access & ~GW_WRITE, &gpa0, &ps0) == GW_OK);
		CHECK(walk(im, p, m, gva, access & ~GW_FETCH, &gpa0, &ps0) == GW_OK);
	}
	if (long_mode(p)) {
		unsigned int top = (p->cr4 & GW_CR4_LA57) ? 56 : 47;
		bool canonical = (u64)((s64)(gva << (63 - top)) >> (63 - top)) == gva;

		CHECK(canonical || r == GW_NONCANONICAL);
	}
}

static void check_fetch(struct image *im, const struct guest_paging *p,
			const struct guest_mem_ops *m, u64 rip, unsigned int max)
{
	u8 buf[16];
	int n;

	memset(buf, 0xa5, sizeof(buf));
	im->reads = 0;
	n = guest_fetch_insn(p, m, rip, buf, max);
	/* two walks of at most 5 reads, at most 4 aligned words of code */
	CHECK(im->reads <= 2 * 5 + 4);
	if (max == 0) {
		CHECK(n == -EINVAL);
		return;
	}
	CHECK(n == -EFAULT || n == -EIO || (n >= 1 && n <= 15));
	if (n < 0)
		return;
	CHECK((unsigned int)n <= max);
	CHECK(buf[15] == 0xa5 && (n == 15 || buf[n] == 0xa5));
	/* Each byte is the image byte the walk finds for its address. */
	for (int i = 0; i < n; i++) {
		u64 gpa, ps;
		const u8 *b;

		CHECK(walk(im, p, m, rip + (u64)i, 0, &gpa, &ps) == GW_OK);
		b = image_at(im, gpa & ~7ULL, 8);
		CHECK(b && b[gpa & 7] == buf[i]);
	}
	/* Stopping short is at a page boundary or the end of readable RAM. */
	if ((unsigned int)n < (max < 15 ? max : 15) && ((rip + (u64)n) & 0xfff) != 0) {
		u64 gpa, ps;

		CHECK(walk(im, p, m, rip + (u64)n, 0, &gpa, &ps) == GW_OK);
		CHECK(!image_at(im, gpa & ~7ULL, 8));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem_ops ops = { .read64 = img_read64, .read32 = img_read32 };
	struct guest_paging p;
	struct header h;
	struct image im;
	u8 *copy;

	if (size < sizeof(h))
		return 0;
	memcpy(&h, data, sizeof(h));
	im.len = size - sizeof(h);
	im.base = (u64)h.base_page << 12;
	copy = malloc(im.len ? im.len : 1);
	CHECK(copy);
	memcpy(copy, data + sizeof(h), im.len);
	im.bytes = copy;
	ops.ctx = &im;

	p.cr0 = h.cr0;
	p.cr3 = h.cr3;
	p.cr4 = h.cr4;
	p.efer = h.efer;
	p.maxphyaddr = h.maxphyaddr;

	check_walk(&im, &p, &ops, h.gva, h.access & 7);
	check_fetch(&im, &p, &ops, h.gva, h.fetch_max);
	/* The same through the read64-only path for 32-bit tables. */
	ops.read32 = NULL;
	check_walk(&im, &p, &ops, h.gva, h.access & 7);
	/* Right before the next page: the fetch crosses the boundary. */
	check_fetch(&im, &p, &ops, (h.gva | 0xfff) - 6, 15);

	free(copy);
	return 0;
}
