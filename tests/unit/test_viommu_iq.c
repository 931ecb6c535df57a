// SPDX-License-Identifier: MIT
/*
 * viommu/iq.c: the invalidation queue over a fake guest memory (4 KiB pages
 * at chosen gpas, some of them not guest RAM) with descriptors encoded by
 * hand from the spec's layouts (6.5.2), not through vtd_hw.h, and ops that
 * log every call (and can rewrite guest memory or fail from inside one).
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "viommu/iq.h"

#define FM_MAX 16
#define LOG_MAX 1024

struct fake_page {
	u64 gpa;
	bool ram;
	u8 data[4096];
};

struct call {
	char kind; /* 'c' context, 'i' iotlb, 'b' barrier, 'w' status write */
	unsigned int g;
	u16 did, sid;
	u8 fm;
	u64 addr;
	unsigned int am;
	bool ih;
	u32 data;
};

struct fake {
	struct fake_page pages[FM_MAX];
	unsigned int n;
	u64 read_gpa[LOG_MAX];
	unsigned int reads, refused;
	struct call log[LOG_MAX];
	unsigned int calls;
	int fail_kind;		 /* 'c', 'i' or 'b': that hook returns -ENOMEM */
	void (*hook)(char kind); /* runs inside each ops call */
	struct viommu_guest_mem mem;
	struct viommu_inv_ops ops;
	struct viommu_stats st;
	struct viommu_iq q;
};

static struct fake *f;

static struct fake_page *page_at(u64 gpa)
{
	for (unsigned int i = 0; i < f->n; i++)
		if (f->pages[i].gpa == (gpa & PAGE_MASK))
			return &f->pages[i];
	return NULL;
}

static u8 *fake_access(u64 gpa, u32 len)
{
	struct fake_page *p = page_at(gpa);

	if (!p || !p->ram || (gpa & ~PAGE_MASK) + len > PAGE_SIZE) {
		f->refused++;
		return NULL;
	}
	return p->data + (gpa & ~PAGE_MASK);
}

static bool fake_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	u8 *p = fake_access(gpa, len);

	assert_ptr_equal(ctx, f);
	if (!p)
		return false;
	assert_true(f->reads < LOG_MAX);
	f->read_gpa[f->reads++] = gpa;
	memcpy(buf, p, len);
	return true;
}

static struct call *log_call(char kind)
{
	assert_true(f->calls < LOG_MAX);
	f->log[f->calls].kind = kind;
	return &f->log[f->calls++];
}

static bool fake_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	u8 *p = fake_access(gpa, len);
	struct call *c;

	assert_ptr_equal(ctx, f);
	assert_int_equal(len, 4);
	if (!p)
		return false;
	memcpy(p, buf, len);
	c = log_call('w');
	c->addr = gpa;
	memcpy(&c->data, buf, 4);
	return true;
}

static int op_context(void *ctx, unsigned int g, u16 did, u16 sid, u8 fm)
{
	struct call *c = log_call('c');

	assert_ptr_equal(ctx, f);
	*c = (struct call){ .kind = 'c', .g = g, .did = did, .sid = sid, .fm = fm };
	if (f->hook)
		f->hook('c');
	return f->fail_kind == 'c' ? -ENOMEM : 0;
}

static int op_iotlb(void *ctx, unsigned int g, u16 did, iova_t addr, unsigned int am, bool ih)
{
	struct call *c = log_call('i');

	assert_ptr_equal(ctx, f);
	*c = (struct call){ .kind = 'i', .g = g, .did = did, .addr = addr, .am = am, .ih = ih };
	if (f->hook)
		f->hook('i');
	return f->fail_kind == 'i' ? -ENOMEM : 0;
}

static int op_barrier(void *ctx)
{
	assert_ptr_equal(ctx, f);
	log_call('b');
	if (f->hook)
		f->hook('b');
	return f->fail_kind == 'b' ? -EBUSY : 0;
}

static u8 *add_page(u64 gpa, bool ram)
{
	struct fake_page *p = page_at(gpa);

	if (!p) {
		assert_true(f->n < FM_MAX);
		p = &f->pages[f->n++];
		p->gpa = gpa;
	}
	p->ram = ram;
	return p->data;
}

#define QBASE 0x10000ull
#define STATUS 0x20000ull
#define IQA(base, qs) ((base) | (qs))

static int setup(void **state)
{
	(void)state;
	f = calloc(1, sizeof(*f));
	f->mem = (struct viommu_guest_mem){ fake_read, fake_write, f };
	f->ops = (struct viommu_inv_ops){ op_context, op_iotlb, op_barrier, f };
	add_page(QBASE, true);
	add_page(STATUS, true);
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(f);
	return 0;
}

/* ---- descriptors, encoded from the spec's figures ---------------------- */

struct desc {
	u64 lo, hi;
};

/* Context-cache: type 1 [3:0], G [5:4], DID [31:16], SID [47:32], FM [49:48]. */
static struct desc cc(unsigned int g, u16 did, u16 sid, u8 fm)
{
	return (struct desc){ 1 | (u64)g << 4 | (u64)did << 16 | (u64)sid << 32 | (u64)fm << 48,
			      0 };
}

/* IOTLB: type 2, G [5:4], DW 6, DR 7, DID [31:16]; hi: AM [5:0], IH 6, ADDR [63:12]. */
static struct desc iotlb(unsigned int g, u16 did, u64 addr, unsigned int am, bool ih)
{
	return (struct desc){ 2 | (u64)g << 4 | (u64)did << 16, addr | (u64)ih << 6 | am };
}

/* Wait: type 5, IF 4, SW 5, FN 6, status data [63:32]; hi: status address [63:2]. */
#define W_IF (1ull << 4)
#define W_SW (1ull << 5)
#define W_FN (1ull << 6)
static struct desc wait_desc(u64 flags, u32 data, u64 staddr)
{
	return (struct desc){ 5 | flags | (u64)data << 32, staddr };
}

static void put(unsigned int idx, struct desc d)
{
	u64 gpa = f->q.base + idx * 16ull;
	struct fake_page *p = page_at(gpa);

	assert_non_null(p);
	memcpy(p->data + (gpa & ~PAGE_MASK), &d, 16);
}

static u32 status_word(void)
{
	u32 v;

	memcpy(&v, page_at(STATUS)->data, 4);
	return v;
}

/* IQT value for a descriptor index: QT is bits 18:4. */
static u32 tail_reg(u32 idx)
{
	return idx << 4;
}

static u32 process(u32 tail_idx)
{
	return viommu_iq_process(&f->q, tail_reg(tail_idx), &f->mem, &f->ops, &f->st);
}

/* ---- tests -------------------------------------------------------------- */

static void test_set_base(void **state)
{
	(void)state;
	assert_int_equal(f->q.base, QBASE);
	assert_int_equal(viommu_iq_entries(&f->q), 256);
	assert_int_equal(viommu_iq_set_base(&f->q, 0x123456000ull | 7 | 0x7f8), 0);
	assert_int_equal(f->q.base, 0x123456000ull);
	assert_int_equal(f->q.qs, 7);
	assert_int_equal(viommu_iq_entries(&f->q), 32768);

	/* Head/tail reset; IQH reports the head's byte offset. */
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
	put(0, iotlb(1, 0, 0, 0, false));
	assert_int_equal(process(1), VIOMMU_IQ_DONE);
	assert_int_equal(f->q.head, 1);
	assert_int_equal(viommu_iq_head_reg(&f->q), 0x10);
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
	assert_int_equal(f->q.head, 0);
	assert_int_equal(viommu_iq_head_reg(&f->q), 0);

	/* DW=1 (256-bit descriptors) is refused; with work, IQE says why. */
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0) | BIT(11)), -ENOTSUP);
	assert_int_equal(process(0), VIOMMU_IQ_DONE);
	assert_int_equal(process(1), VIOMMU_IQ_ERROR);
	assert_true(f->q.error);
	assert_int_equal(f->q.err_info, VTD_IQEI_BAD_WIDTH);
	assert_int_equal(f->reads, 1); /* the one before */
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
	assert_false(f->q.error);
}

static void test_context_fields(void **state)
{
	(void)state;
	put(0, cc(1, 0, 0, 0));
	put(1, cc(2, 0xbeef, 0, 0));
	put(2, cc(3, 0x1234, 0xa5c3, 3));
	put(3, cc(3, 0xffff, 0xffff, 2));
	assert_int_equal(process(4), VIOMMU_IQ_DONE);
	assert_int_equal(f->calls, 4);
	assert_int_equal(f->log[0].g, 1);
	assert_int_equal(f->log[1].g, 2);
	assert_int_equal(f->log[1].did, 0xbeef);
	assert_int_equal(f->log[2].kind, 'c');
	assert_int_equal(f->log[2].g, 3);
	assert_int_equal(f->log[2].did, 0x1234);
	assert_int_equal(f->log[2].sid, 0xa5c3);
	assert_int_equal(f->log[2].fm, 3);
	assert_int_equal(f->log[3].did, 0xffff);
	assert_int_equal(f->log[3].sid, 0xffff);
	assert_int_equal(f->log[3].fm, 2);
	assert_int_equal(f->st.desc_cc, 4);
	/* G=0 is reserved. */
	put(4, cc(0, 1, 2, 0));
	assert_int_equal(process(5), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.err_info, VTD_IQEI_RSVD_SET);
	assert_int_equal(f->q.head, 4);
	assert_int_equal(f->calls, 4);
}

static void test_iotlb_fields(void **state)
{
	(void)state;
	put(0, iotlb(1, 0, 0, 0, false));
	put(1, iotlb(2, 0x42, 0, 0, false));
	put(2, iotlb(3, 0x42, 0x7654321000ull, 0, false));
	put(3, iotlb(3, 0xfedc, 0xfffffffffffff000ull, 63, true));
	put(4, iotlb(3, 7, 0x200000, 9, true));
	put(5, iotlb(2, 9, 0, 0, false));
	f->pages[0].data[5 * 16] |= 3 << 6; /* DR and DW: fields, accepted */
	assert_int_equal(process(6), VIOMMU_IQ_DONE);
	assert_int_equal(f->calls, 6);
	assert_int_equal(f->log[0].g, 1);
	assert_int_equal(f->log[1].g, 2);
	assert_int_equal(f->log[1].did, 0x42);
	assert_int_equal(f->log[2].g, 3);
	assert_int_equal(f->log[2].addr, 0x7654321000ull);
	assert_int_equal(f->log[2].am, 0);
	assert_false(f->log[2].ih);
	assert_int_equal(f->log[3].did, 0xfedc);
	assert_int_equal(f->log[3].addr, 0xfffffffffffff000ull);
	assert_int_equal(f->log[3].am, 63);
	assert_true(f->log[3].ih);
	assert_int_equal(f->log[4].addr, 0x200000);
	assert_int_equal(f->log[4].am, 9);
	assert_int_equal(f->log[5].kind, 'i');
	assert_int_equal(f->log[5].g, 2);
	assert_int_equal(f->log[5].did, 9);
	assert_int_equal(f->st.desc_iotlb, 6);
	assert_int_equal(f->st.inv_global, 1);
	assert_int_equal(f->st.inv_domain, 2);
	assert_int_equal(f->st.inv_page, 3);
	put(6, iotlb(0, 1, 0, 0, false));
	assert_int_equal(process(7), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.err_info, VTD_IQEI_RSVD_SET);
}

static void test_wait(void **state)
{
	(void)state;
	put(0, iotlb(2, 1, 0, 0, false));
	put(1, wait_desc(W_SW | W_FN, 0xdeadbeef, STATUS + 0x24));
	put(2, wait_desc(W_IF, 0x11111111, STATUS));	    /* no SW: nothing written */
	put(3, wait_desc(W_IF | W_SW, 0x12345678, STATUS)); /* both */
	assert_int_equal(process(4), VIOMMU_IQ_DONE | VIOMMU_IQ_WAIT_IRQ);
	/* iotlb, barrier, write; barrier; barrier, write: in that order. */
	assert_int_equal(f->calls, 6);
	assert_int_equal(f->log[0].kind, 'i');
	assert_int_equal(f->log[1].kind, 'b');
	assert_int_equal(f->log[2].kind, 'w');
	assert_int_equal(f->log[2].addr, STATUS + 0x24);
	assert_int_equal(f->log[2].data, 0xdeadbeef);
	assert_int_equal(f->log[3].kind, 'b');
	assert_int_equal(f->log[4].kind, 'b');
	assert_int_equal(f->log[5].kind, 'w');
	assert_int_equal(f->log[5].addr, STATUS);
	assert_int_equal(status_word(), 0x12345678);
	assert_int_equal(f->st.desc_wait, 3);

	/* Without IF, no interrupt is due. */
	put(4, wait_desc(W_SW, 1, STATUS));
	assert_int_equal(process(5), VIOMMU_IQ_DONE);
	assert_int_equal(status_word(), 1);

	/* A status address that is not dword aligned: reserved bits. */
	put(5, wait_desc(W_SW, 2, STATUS + 2));
	assert_int_equal(process(6), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.err_info, VTD_IQEI_RSVD_SET);
	assert_int_equal(f->q.head, 5);
	assert_int_equal(status_word(), 1);
}

static void test_wait_status_not_ram(void **state)
{
	const u64 hv = 0x7fe00000;

	(void)state;
	add_page(hv, false);
	put(0, wait_desc(W_SW, 0xabcd, hv));
	put(1, iotlb(1, 0, 0, 0, false));
	assert_int_equal(process(2), VIOMMU_IQ_ERROR);
	assert_true(f->q.error);
	assert_int_equal(f->q.head, 0);
	assert_int_equal(page_at(hv)->data[0], 0);
	assert_int_equal(f->st.desc_bad, 1);
	assert_int_equal(f->st.iq_errors, 1);
	/* Nowhere at all, and at the very top of the address space. */
	viommu_iq_clear_error(&f->q);
	put(0, wait_desc(W_SW, 0xabcd, 0x123456780ull));
	assert_int_equal(process(2), VIOMMU_IQ_ERROR);
	viommu_iq_clear_error(&f->q);
	put(0, wait_desc(W_SW, 0xabcd, 0xfffffffffffffffcull));
	assert_int_equal(process(2), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.head, 0);
	for (unsigned int i = 0; i < f->calls; i++)
		assert_int_not_equal(f->log[i].kind, 'i');
}

/* Every bit outside a type's fields is reserved (bits 3:0 and 11:9 are the
 * type: changing them is a different error). */
static void check_reserved(struct desc good, u64 lo_fields, u64 hi_fields, const char *what)
{
	for (unsigned int b = 0; b < 128; b++) {
		struct desc d = good;
		u64 bit = 1ull << (b % 64);
		bool field = b < 64 ? (lo_fields & bit) : (hi_fields & bit);

		if (b < 4 || (b >= 9 && b <= 11))
			continue;
		if (b < 64)
			d.lo ^= bit;
		else
			d.hi ^= bit;
		assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
		put(0, d);
		f->calls = 0;
		if (field) {
			u32 r = process(1);

			if (!(r & VIOMMU_IQ_DONE) || (r & VIOMMU_IQ_ERROR))
				fail_msg("%s: field bit %u refused", what, b);
		} else {
			if (process(1) != VIOMMU_IQ_ERROR || f->q.err_info != VTD_IQEI_RSVD_SET)
				fail_msg("%s: reserved bit %u accepted", what, b);
			assert_int_equal(f->q.head, 0);
			/* Nothing done: a wait wrote nothing. */
			for (unsigned int i = 0; i < f->calls; i++)
				assert_true(f->log[i].kind != 'c' && f->log[i].kind != 'i' &&
					    f->log[i].kind != 'w');
		}
	}
}

static void test_reserved_bits(void **state)
{
	(void)state;
	/* CC: G 5:4, DID 31:16, SID 47:32, FM 49:48; hi none. G=3 so that
	 * flipping a G bit leaves a valid granularity. */
	check_reserved(cc(3, 0x1111, 0x2222, 1), GENMASK(5, 4) | GENMASK(49, 16), 0, "cc");
	/* IOTLB: G 5:4, DW 6, DR 7, DID 31:16; hi AM 5:0, IH 6, ADDR 63:12. */
	check_reserved(iotlb(3, 0x1111, 0x5000, 1, false), GENMASK(7, 4) | GENMASK(31, 16),
		       GENMASK(6, 0) | GENMASK(63, 12), "iotlb");
	/* Wait: IF 4, SW 5, FN 6, data 63:32; hi address 63:2 (SW off, so the
	 * address is not used). PD (7) is reserved: ECAP.PDS not advertised. */
	check_reserved(wait_desc(W_FN, 0x5a5a5a5a, STATUS), GENMASK(6, 4) | GENMASK(63, 32),
		       GENMASK(63, 2), "wait");
}

static void test_invalid_types(void **state)
{
	static const unsigned int bad[] = { 0, 3, 4, 6, 7, 8, 9, 12, 15 };

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
		put(0, (struct desc){ bad[i], 0 });
		assert_int_equal(process(1), VIOMMU_IQ_ERROR);
		assert_int_equal(f->q.err_info, VTD_IQEI_BAD_TYPE);
		assert_int_equal(f->q.head, 0);
	}
	/* Type bits 11:9 (types >= 16) on otherwise valid descriptors. */
	for (unsigned int b = 9; b <= 11; b++) {
		struct desc d = iotlb(1, 0, 0, 0, false);

		d.lo |= 1ull << b;
		assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 0)), 0);
		put(0, d);
		assert_int_equal(process(1), VIOMMU_IQ_ERROR);
		assert_int_equal(f->q.err_info, VTD_IQEI_BAD_TYPE);
	}
	assert_int_equal(f->calls, 0);
	assert_int_equal(f->st.desc_iec, 1);
	assert_int_equal(f->st.desc_other, 8 + 3);
	assert_int_equal(f->st.desc_bad, 12);
	assert_int_equal(f->st.iq_errors, 12);
}

static void test_empty_and_tail(void **state)
{
	(void)state;
	put(0, iotlb(1, 0, 0, 0, false));
	assert_int_equal(process(0), VIOMMU_IQ_DONE);
	assert_int_equal(f->reads, 0);
	assert_int_equal(f->calls, 0);
	/* Bits 3:0 of IQT are not part of QT. */
	assert_int_equal(viommu_iq_process(&f->q, 0xf, &f->mem, &f->ops, &f->st), VIOMMU_IQ_DONE);
	assert_int_equal(f->reads, 0);

	/* Tail beyond 256 entries (QS=0): IQE, head unmoved, nothing read. */
	assert_int_equal(process(256), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.err_info, VTD_IQEI_TAIL_INVALID);
	assert_int_equal(f->q.head, 0);
	assert_int_equal(f->reads, 0);
	/* Stuck until cleared, even with a good tail. */
	assert_int_equal(process(1), VIOMMU_IQ_ERROR);
	assert_int_equal(f->reads, 0);
	viommu_iq_clear_error(&f->q);
	assert_int_equal(process(1), VIOMMU_IQ_DONE);
	assert_int_equal(f->calls, 1);
	assert_int_equal(viommu_iq_process(&f->q, 0xffffffffu, &f->mem, &f->ops, &f->st),
			 VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.head, 1);

	/* With QS=1 (512 entries) index 300 is fine: it is in the second page. */
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 1)), 0);
	add_page(QBASE + PAGE_SIZE, true);
	for (unsigned int i = 0; i < 300; i++)
		put(i, iotlb(2, (u16)i, 0, 0, false));
	assert_int_equal(process(300), VIOMMU_IQ_DONE);
	assert_int_equal(f->q.head, 300);
	assert_int_equal(f->log[f->calls - 1].did, 299);
	assert_int_equal(process(512), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.err_info, VTD_IQEI_TAIL_INVALID);
}

static void test_wrap_around(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < 256; i++)
		put(i, iotlb(2, (u16)(1000 + i), 0, 0, false));
	assert_int_equal(process(250), VIOMMU_IQ_DONE);
	assert_int_equal(f->calls, 250);
	/* 250..255 then 0..3. */
	assert_int_equal(process(4), VIOMMU_IQ_DONE);
	assert_int_equal(f->calls, 260);
	assert_int_equal(f->q.head, 4);
	assert_int_equal(viommu_iq_head_reg(&f->q), 0x40);
	for (unsigned int i = 0; i < 10; i++)
		assert_int_equal(f->log[250 + i].did, 1000 + (250 + i) % 256);
	/* A full queue (tail one behind head) in one call: 255 descriptors. */
	assert_int_equal(process(3), VIOMMU_IQ_DONE);
	assert_int_equal(f->calls, 260 + 255);
	assert_int_equal(f->q.head, 3);
	assert_int_equal(f->reads, 260 + 255);
}

static void test_bad_in_middle(void **state)
{
	(void)state;
	put(0, iotlb(3, 1, 0x1000, 0, false));
	put(1, cc(2, 1, 0, 0));
	put(2, (struct desc){ 3, 0 }); /* device-TLB: not advertised */
	put(3, iotlb(3, 1, 0x3000, 0, false));
	put(4, wait_desc(W_SW | W_IF, 0x77, STATUS));
	assert_int_equal(process(5), VIOMMU_IQ_ERROR);
	assert_int_equal(f->calls, 2);
	assert_int_equal(f->log[0].addr, 0x1000);
	assert_int_equal(f->log[1].kind, 'c');
	assert_int_equal(f->q.head, 2);
	assert_int_equal(viommu_iq_head_reg(&f->q), 0x20);
	assert_int_equal(status_word(), 0);
	assert_int_equal(f->reads, 3); /* nothing fetched past it */

	/* The guest fixes it, clears IQE: processing resumes at it. */
	put(2, iotlb(3, 1, 0x2000, 0, false));
	assert_int_equal(process(5), VIOMMU_IQ_ERROR);
	assert_int_equal(f->calls, 2);
	viommu_iq_clear_error(&f->q);
	assert_int_equal(process(5), VIOMMU_IQ_DONE | VIOMMU_IQ_WAIT_IRQ);
	assert_int_equal(f->calls, 6);
	assert_int_equal(f->log[2].addr, 0x2000);
	assert_int_equal(f->log[3].addr, 0x3000);
	assert_int_equal(f->log[4].kind, 'b');
	assert_int_equal(status_word(), 0x77);
	assert_int_equal(f->q.head, 5);
}

/* During the barrier of the wait at index 1, the guest rewrites that
 * descriptor; during the IOTLB call for index 0, it turns index 0 into
 * garbage. Both still act as they were when copied. */
static void rewrite(char kind)
{
	if (kind == 'i') {
		put(0, (struct desc){ ~0ull, ~0ull });
	} else if (kind == 'b') {
		put(1, wait_desc(W_SW, 0xbad, STATUS + 0x800));
	}
}

static void test_copy_by_value(void **state)
{
	(void)state;
	put(0, iotlb(3, 5, 0x9000, 2, true));
	put(1, wait_desc(W_SW | W_IF, 0x600d, STATUS + 0x10));
	put(2, cc(1, 0, 0, 0));
	f->hook = rewrite;
	assert_int_equal(process(3), VIOMMU_IQ_DONE | VIOMMU_IQ_WAIT_IRQ);
	assert_int_equal(f->calls, 4);
	assert_int_equal(f->log[0].did, 5);
	assert_int_equal(f->log[0].addr, 0x9000);
	assert_int_equal(f->log[2].kind, 'w');
	assert_int_equal(f->log[2].addr, STATUS + 0x10);
	assert_int_equal(f->log[2].data, 0x600d);
	assert_int_equal(page_at(STATUS)->data[0x800], 0);
	assert_false(f->q.error);
	/* Each descriptor was read once, as one 16-byte copy. */
	assert_int_equal(f->reads, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(f->read_gpa[i], QBASE + 16 * i);
}

static void test_queue_not_ram(void **state)
{
	(void)state;
	/* Base somewhere that is not guest RAM. */
	add_page(0x7fe00000, false);
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(0x7fe00000, 0)), 0);
	assert_int_equal(process(1), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.err_info, VTD_IQEI_FETCH_ERROR);
	assert_int_equal(f->q.head, 0);
	assert_int_equal(f->refused, 1);

	/* QS=1 with only the first page guest RAM: stops at index 256. */
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(QBASE, 1)), 0);
	for (unsigned int i = 0; i < 256; i++)
		put(i, iotlb(1, 0, 0, 0, false));
	assert_int_equal(process(258), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.head, 256);
	assert_int_equal(f->calls, 256);
	assert_int_equal(f->q.err_info, VTD_IQEI_FETCH_ERROR);

	/* A queue at the top of the address space does not wrap to gpa 0. */
	add_page(0, true);
	add_page(0xfffffffffffff000ull, true);
	assert_int_equal(viommu_iq_set_base(&f->q, IQA(0xfffffffffffff000ull, 1)), 0);
	for (unsigned int i = 0; i < 256; i++)
		put(i, iotlb(2, 3, 0, 0, false));
	memcpy(page_at(0)->data, &(struct desc){ 1 | 1 << 4, 0 }, 16);
	f->calls = 0;
	assert_int_equal(process(257), VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.head, 256);
	assert_int_equal(f->q.err_info, VTD_IQEI_FETCH_ERROR);
	assert_int_equal(f->calls, 256);
	for (unsigned int i = 0; i < f->calls; i++)
		assert_int_equal(f->log[i].kind, 'i');
}

static void test_ops_failure(void **state)
{
	(void)state;
	put(0, iotlb(2, 1, 0, 0, false));
	put(1, iotlb(2, 2, 0, 0, false));
	put(2, wait_desc(W_SW | W_IF, 0x99, STATUS));
	put(3, cc(1, 0, 0, 0));
	f->fail_kind = 'b';
	assert_int_equal(process(4), VIOMMU_IQ_RETRY);
	assert_false(f->q.error);
	assert_int_equal(f->q.head, 2);
	assert_int_equal(status_word(), 0); /* not done: the guest keeps waiting */
	assert_int_equal(f->calls, 3);
	f->fail_kind = 'c';
	assert_int_equal(process(4), VIOMMU_IQ_WAIT_IRQ | VIOMMU_IQ_RETRY);
	assert_int_equal(status_word(), 0x99);
	assert_int_equal(f->q.head, 3);
	f->fail_kind = 0;
	assert_int_equal(process(4), VIOMMU_IQ_DONE);
	assert_int_equal(f->q.head, 4);
	assert_int_equal(f->log[f->calls - 1].kind, 'c');
	assert_int_equal(f->st.iq_errors, 0);
}

static void test_null_stats(void **state)
{
	(void)state;
	put(0, iotlb(1, 0, 0, 0, false));
	put(1, (struct desc){ 0, 0 });
	assert_int_equal(viommu_iq_process(&f->q, tail_reg(2), &f->mem, &f->ops, NULL),
			 VIOMMU_IQ_ERROR);
	assert_int_equal(f->q.head, 1);
	assert_int_equal(f->st.desc_iotlb, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_set_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_context_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iotlb_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_status_not_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reserved_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_and_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrap_around, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_in_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_by_value, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_not_ram, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ops_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_stats, setup, teardown),
	};

	return HARNESS_RUN(tests);
}
