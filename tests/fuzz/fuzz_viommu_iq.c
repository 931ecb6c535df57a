// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for viommu/iq.c. Input: a 32-byte header (IQA, up to
 * four IQT values, which image pages are guest RAM, when to clear the
 * error, which ops hook fails, a byte the "guest" scribbles over the queue
 * from inside every hook) and then up to 8 pages of guest memory at gpa 0,
 * 4K, ... Each process call must terminate, read each descriptor once as
 * one aligned 16-byte copy in queue order, call the hooks with exactly the
 * fields of that copy (decoded here by hand from the spec, whatever the
 * guest writes meanwhile), write only 4 bytes of guest RAM where the copied
 * wait descriptor says, and keep head inside the queue.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/errno.h"
#include "viommu/iq.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_viommu_iq: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define MAX_PAGES 8

/* Input header, little-endian. */
struct header {
	u64 iqa;
	u32 tail[4]; /* IQT values, one per process call */
	u8 ram_mask; /* bit i: page i is guest RAM */
	u8 clear;    /* bit i: clear the error before call i */
	u8 fail;     /* bits 2i+1:2i: hook failing in call i (0 none, 1 cc, 2 iotlb, 3 barrier) */
	u8 scribble; /* XORed into the queue by every hook (0: none) */
	u8 calls;    /* number of process calls, 1..4 */
	u8 pad[3];
};
_Static_assert(sizeof(struct header) == 32, "fuzz input header layout");

struct fake {
	u8 *page[MAX_PAGES];
	unsigned int npages;
	u8 ram_mask;
	const struct viommu_iq *q;
	/* This call: */
	u32 reads;
	u64 next_gpa;	   /* where the next read must be */
	u64 lo, hi;	   /* the last descriptor read, as read */
	bool used;	   /* its hook or write happened */
	unsigned int fail; /* 1 cc, 2 iotlb, 3 barrier */
	u8 scribble;
	bool barrier_done; /* for the current wait descriptor */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static u8 *ram(struct fake *f, u64 gpa, u32 len)
{
	u64 i = gpa >> 12;

	if (i >= f->npages || !(f->ram_mask & (1u << i)) || (gpa & 0xfff) + len > 0x1000)
		return NULL;
	return f->page[i] + (gpa & 0xfff);
}

static bool fake_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	struct fake *f = ctx;
	u8 *p;

	CHECK(len == 16 && gpa % 16 == 0);
	CHECK(gpa == f->next_gpa); /* in order, each descriptor once */
	f->reads++;
	p = ram(f, gpa, len);
	if (!p)
		return false;
	memcpy(buf, p, 16);
	memcpy(&f->lo, p, 8);
	memcpy(&f->hi, p + 8, 8);
	f->used = false;
	f->barrier_done = false;
	/* The queue position after this one. */
	f->next_gpa = f->q->base + (((gpa - f->q->base) / 16 + 1) % viommu_iq_entries(f->q)) * 16;
	return true;
}

/* The guest writes over the queue while the unit works on it. */
static void scribble(struct fake *f)
{
	for (unsigned int i = 0; f->scribble && i < f->npages; i++)
		for (unsigned int off = (f->scribble & 0xf0); off < 0x1000; off += 0x100)
			if (f->ram_mask & (1u << i))
				f->page[i][off] ^= f->scribble;
}

static bool fake_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	struct fake *f = ctx;
	u32 v;
	u8 *p;

	/* Only a wait descriptor with SW, after its barrier, at its address. */
	CHECK(len == 4 && (f->lo & 0xf) == 5 && (f->lo & (1 << 5)) && f->barrier_done);
	CHECK(gpa == (f->hi & ~3ULL) && !f->used);
	memcpy(&v, buf, 4);
	CHECK(v == (u32)(f->lo >> 32));
	f->used = true;
	p = ram(f, gpa, 4);
	if (!p)
		return false;
	memcpy(p, buf, 4);
	return true;
}

static int op_context(void *ctx, unsigned int g, u16 did, u16 sid, u8 fm)
{
	struct fake *f = ctx;

	/* Type 1: G 5:4, DID 31:16, SID 47:32, FM 49:48. */
	CHECK((f->lo & 0xf) == 1 && !f->used);
	CHECK(g == ((f->lo >> 4) & 3) && g != 0);
	CHECK(did == (u16)(f->lo >> 16) && sid == (u16)(f->lo >> 32) && fm == ((f->lo >> 48) & 3));
	f->used = true;
	scribble(f);
	return f->fail == 1 ? -ENOMEM : 0;
}

static int op_iotlb(void *ctx, unsigned int g, u16 did, iova_t addr, unsigned int am, bool ih)
{
	struct fake *f = ctx;

	/* Type 2: G 5:4, DID 31:16; hi: AM 5:0, IH 6, ADDR 63:12. */
	CHECK((f->lo & 0xf) == 2 && !f->used);
	CHECK(g == ((f->lo >> 4) & 3) && g != 0 && did == (u16)(f->lo >> 16));
	CHECK(addr == (f->hi & ~0xfffULL) && am == (f->hi & 63) && ih == ((f->hi >> 6) & 1));
	f->used = true;
	scribble(f);
	return f->fail == 2 ? -ENOMEM : 0;
}

static int op_barrier(void *ctx)
{
	struct fake *f = ctx;

	CHECK((f->lo & 0xf) == 5 && !f->used && !f->barrier_done);
	CHECK((f->hi & 3) == 0); /* reserved bits were refused first */
	scribble(f);
	if (f->fail == 3)
		return -EBUSY;
	f->barrier_done = true;
	return 0;
}

static void one_call(struct fake *f, struct viommu_iq *q, u32 tail_reg,
		     const struct viommu_guest_mem *m, const struct viommu_inv_ops *ops,
		     struct viommu_stats *st)
{
	u32 entries = viommu_iq_entries(q), old_head = q->head, tail = (tail_reg >> 4) & 0x7fff;
	bool was_error = q->error;
	u32 r, moved;

	f->reads = 0;
	f->next_gpa = q->base + (u64)q->head * 16;
	r = viommu_iq_process(q, tail_reg, m, ops, st);

	CHECK(q->head < entries);
	CHECK(viommu_iq_head_reg(q) == (u64)q->head << 4);
	CHECK(f->reads <= entries);
	CHECK(!(r & ~(VIOMMU_IQ_DONE | VIOMMU_IQ_WAIT_IRQ | VIOMMU_IQ_ERROR | VIOMMU_IQ_RETRY)));
	CHECK(!!(r & VIOMMU_IQ_ERROR) == q->error);
	moved = (q->head - old_head) & (entries - 1);
	if (was_error) {
		CHECK(r == VIOMMU_IQ_ERROR && f->reads == 0 && moved == 0);
		return;
	}
	if (tail >= entries) {
		CHECK(r == VIOMMU_IQ_ERROR && q->err_info == VTD_IQEI_TAIL_INVALID);
		CHECK(f->reads == 0 && moved == 0);
		return;
	}
	if (r & VIOMMU_IQ_DONE)
		CHECK(q->head == tail && !(r & (VIOMMU_IQ_ERROR | VIOMMU_IQ_RETRY)));
	if (r & (VIOMMU_IQ_ERROR | VIOMMU_IQ_RETRY)) {
		CHECK(!(r & VIOMMU_IQ_DONE) && !((r & VIOMMU_IQ_ERROR) && (r & VIOMMU_IQ_RETRY)));
		/* Stopped at the descriptor it could not finish (or fetch). */
		CHECK(f->reads == moved + 1 || (f->reads == 0 && q->bad_width) ||
		      (f->reads == moved && q->err_info == VTD_IQEI_FETCH_ERROR));
	} else {
		/* Everything read was applied; ran to the tail. */
		CHECK(f->reads == moved && q->head == tail);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake f = { 0 };
	struct viommu_guest_mem m = { fake_read, fake_write, &f };
	struct viommu_inv_ops ops = { op_context, op_iotlb, op_barrier, &f };
	struct viommu_stats st = { 0 };
	struct viommu_iq q = { 0 };
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
	f.scribble = h.scribble;
	f.q = &q;
	for (unsigned int i = 0; i < f.npages; i++) {
		size_t off = (size_t)i << 12, n = img - off < 0x1000 ? img - off : 0x1000;

		f.page[i] = calloc(1, 0x1000);
		CHECK(f.page[i]);
		memcpy(f.page[i], data + sizeof(h) + off, n);
	}

	r = viommu_iq_set_base(&q, h.iqa);
	CHECK(r == ((h.iqa & (1 << 11)) ? -ENOTSUP : 0));
	CHECK(q.head == 0 && q.tail == 0 && !q.error && (q.base & 0xfff) == 0);
	for (unsigned int i = 0; i < (h.calls & 3) + 1u; i++) {
		if (h.clear & (1u << i))
			viommu_iq_clear_error(&q);
		f.fail = (h.fail >> (2 * i)) & 3;
		one_call(&f, &q, h.tail[i], &m, &ops, &st);
	}
	CHECK(st.desc_bad <= st.iq_errors);

	for (unsigned int i = 0; i < f.npages; i++)
		free(f.page[i]);
	return 0;
}
