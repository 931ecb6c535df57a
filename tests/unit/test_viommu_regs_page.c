// SPDX-License-Identifier: MIT
/*
 * viommu/regs.c in sidecore mode: the page the guest sees is rendered, the
 * guest stores into it, and apply_page turns the differences into writes.
 * A single-threaded stand-in for the polling loop publishes each render
 * into the page (the real loop uses compare-exchange, see regs.c).
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "tests/unit/viommu_regs_bed.h"

struct side {
	struct viommu_regs r;
	u8 page[VTD_REG_PAGE_SIZE]; /* guest RAM */
	u8 last[VTD_REG_PAGE_SIZE]; /* last published image */
};

static void side_init(struct side *s, u32 fro)
{
	bed_init(&s->r, fro);
	viommu_regs_render(&s->r, s->last);
	memcpy(s->page, s->last, sizeof(s->page));
}

/* One loop iteration: diff + apply, render, publish. */
static u32 scan(struct side *s)
{
	u32 ev = viommu_regs_apply_page(&s->r, s->page, s->last);

	viommu_regs_render(&s->r, s->last);
	memcpy(s->page, s->last, sizeof(s->page));
	return ev;
}

/* Guest stores (little-endian, as the CPU would). */
static void gst32(struct side *s, u32 off, u32 v)
{
	memcpy(s->page + off, &v, 4);
}

static void gst64(struct side *s, u32 off, u64 v)
{
	memcpy(s->page + off, &v, 8);
}

static u32 pg32(const struct side *s, u32 off)
{
	u32 v;

	memcpy(&v, s->page + off, 4);
	return v;
}

static u64 pg64(const struct side *s, u32 off)
{
	u64 v;

	memcpy(&v, s->page + off, 8);
	return v;
}

static struct side *side_new(u32 fro)
{
	struct side *s = test_calloc(1, sizeof(*s));

	side_init(s, fro);
	return s;
}

static void test_render_image(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE0);
	(void)state;

	memset(s->page, 0xff, sizeof(s->page));
	viommu_regs_render(&s->r, s->page);
	assert_int_equal(pg32(s, VTD_REG32_VER), 0x10);
	assert_int_equal(pg64(s, VTD_REG64_CAP), viommu_regs_cap(&s->r));
	assert_int_equal(pg64(s, VTD_REG64_ECAP), viommu_regs_ecap(&s->r));
	assert_int_equal(pg32(s, VTD_REG32_GCMD), VIOMMU_GCMD_SENTINEL);
	assert_int_equal(pg32(s, VTD_REG32_FECTL), VTD_FECTL_IM);
	assert_int_equal(pg32(s, VTD_REG32_IECTL), VTD_IECTL_IM);
	for (u32 off = 0x100; off < 0x200; off += 4)
		assert_int_equal(pg32(s, off), 0);
	assert_int_equal(pg64(s, 0xff8), 0);
	/* Everything the trapped path reads, the page shows (GCMD aside). */
	viommu_regs_record_fault(&s->r, 0x0100, 0x5000, VTD_FR_WRITE_DENIED, true);
	wr64(&s->r, VTD_REG64_RTADDR, 0x7000);
	wr32(&s->r, VTD_REG32_GCMD, VTD_GCMD_SRTP | VTD_GCMD_TE);
	viommu_regs_render(&s->r, s->page);
	for (u32 off = 0; off < VTD_REG_PAGE_SIZE; off += 4)
		if (off != VTD_REG32_GCMD)
			assert_int_equal(pg32(s, off), rd32(&s->r, off));
	assert_int_equal(pg64(s, 0x228) & VTD_FRCD_HI_F, VTD_FRCD_HI_F);
	assert_int_equal(pg32(s, VTD_REG32_GSTS), VTD_GSTS_RTPS | VTD_GSTS_TES);
	test_free(s);

	/* Two-page layout: the record is not in page 0. */
	s = side_new(VIOMMU_FRO_PAGE1);
	viommu_regs_record_fault(&s->r, 0x0100, 0x5000, VTD_FR_WRITE_DENIED, true);
	viommu_regs_render(&s->r, s->page);
	assert_int_equal(pg64(s, 0x228), 0);
	assert_int_equal(pg32(s, VTD_REG32_FSTS), VTD_FSTS_PPF);
	test_free(s);
}

static void test_unchanged_page_no_events(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE0);
	struct viommu_regs before;
	(void)state;

	wr64(&s->r, VTD_REG64_IQA, 0x8000);
	wr32(&s->r, VTD_REG32_GCMD, VTD_GCMD_QIE);
	viommu_regs_set_iwc(&s->r);
	viommu_regs_record_fault(&s->r, 1, 0x1000, VTD_FR_ROOT_NOT_PRESENT, false);
	scan(s);
	before = s->r;
	for (int i = 0; i < 3; i++)
		assert_int_equal(scan(s), 0);
	assert_memory_equal(&s->r, &before, sizeof(before));
	assert_int_equal(pg32(s, VTD_REG32_GCMD), VIOMMU_GCMD_SENTINEL);
	test_free(s);
}

/* (a): identical commands must each be seen. */
static void test_gcmd_same_value_twice(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	const struct viommu_regs_counters *c = viommu_regs_counters(&s->r);
	gpa_t root = 0;
	u64 w;
	(void)state;

	gst64(s, VTD_REG64_RTADDR, 0x1000);
	gst32(s, VTD_REG32_GCMD, VTD_GCMD_SRTP);
	assert_int_equal(scan(s), VIOMMU_EV_SRTP);
	assert_int_equal(pg32(s, VTD_REG32_GCMD), VIOMMU_GCMD_SENTINEL); /* re-armed */
	assert_true(viommu_regs_root_table(&s->r, &root));
	assert_int_equal(root, 0x1000);
	gst64(s, VTD_REG64_RTADDR, 0x2000);
	gst32(s, VTD_REG32_GCMD, VTD_GCMD_SRTP);
	assert_int_equal(scan(s), VIOMMU_EV_SRTP);
	assert_true(viommu_regs_root_table(&s->r, &root));
	assert_int_equal(root, 0x2000);
	/* TE twice: the second is a no-op command, but it is a write seen. */
	gst32(s, VTD_REG32_GCMD, VTD_GCMD_TE);
	assert_int_equal(scan(s), VIOMMU_EV_TE);
	w = c->writes;
	gst32(s, VTD_REG32_GCMD, VTD_GCMD_TE);
	assert_int_equal(scan(s), 0);
	assert_int_equal(c->writes, w + 1);
	/* And 0 (turn everything off) is a change too. */
	gst32(s, VTD_REG32_GCMD, 0);
	assert_int_equal(scan(s), VIOMMU_EV_TE);
	assert_false(viommu_regs_translation_enabled(&s->r));
	assert_int_equal(pg32(s, VTD_REG32_GSTS), VTD_GSTS_RTPS);
	test_free(s);
}

static void test_read_only_stores_reverted(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	u8 expect[VTD_REG_PAGE_SIZE];
	(void)state;

	viommu_regs_render(&s->r, expect);
	gst64(s, VTD_REG64_CAP, 0);
	gst64(s, VTD_REG64_ECAP, ~0ull);
	gst32(s, VTD_REG32_VER, 0x20);
	gst32(s, VTD_REG32_GSTS, VTD_GSTS_TES | VTD_GSTS_QIES);
	gst64(s, VTD_REG64_IQH, 0x40);
	gst64(s, 0x100, 0xdead);				/* unknown */
	gst32(s, VTD_REG32_FEUADDR, 0x1);			/* reserved */
	gst32(s, VTD_REG32_FECTL, VTD_FECTL_IM | VTD_FECTL_IP); /* IP is RO */
	assert_int_equal(scan(s), 0);
	assert_memory_equal(s->page, expect, sizeof(expect));
	assert_false(viommu_regs_translation_enabled(&s->r));
	/* Reserved bits of a RW register are cleared in the page. */
	gst64(s, VTD_REG64_RTADDR, 0x5000 | VTD_RTADDR_TTM | 0x3ff);
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg64(s, VTD_REG64_RTADDR), 0x5000);
	test_free(s);
}

/* Data registers are applied before the commands that consume them. */
static void test_data_before_commands(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	gpa_t root = 0;
	u64 req = VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, VTD_IOTLB_GRAN_PAGE) |
		  FIELD_PREP(VTD_IOTLB_DID, 3);
	(void)state;

	gst32(s, VTD_REG32_GCMD, VTD_GCMD_SRTP);
	gst64(s, VTD_REG64_RTADDR, 0x3000);
	assert_int_equal(scan(s), VIOMMU_EV_SRTP);
	assert_true(viommu_regs_root_table(&s->r, &root));
	assert_int_equal(root, 0x3000);

	gst64(s, IOTLB_OFF, req);
	gst64(s, IVA_OFF, 0x44000 | 2);
	assert_int_equal(scan(s), VIOMMU_EV_IOTLB);
	assert_int_equal(viommu_regs_iva(&s->r), 0x44000 | 2);
	assert_int_equal(viommu_regs_iotlb(&s->r), req);
	assert_int_equal(pg64(s, IOTLB_OFF), req); /* IVT stays 1 until done */
	viommu_regs_complete_iotlb(&s->r, VTD_IOTLB_GRAN_PAGE);
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg64(s, IOTLB_OFF) & (VTD_IOTLB_IVT | VTD_IOTLB_IAIG),
			 FIELD_PREP(VTD_IOTLB_IAIG, VTD_IOTLB_GRAN_PAGE));

	/* IQA (both halves), a tail and QIE in one scan: QIE sees the new queue
	 * and the tail is then a request to run it. */
	gst64(s, VTD_REG64_IQT, 0x20);
	gst32(s, VTD_REG32_GCMD, VTD_GCMD_QIE);
	gst64(s, VTD_REG64_IQA, 0x1234567000ull | 1);
	assert_int_equal(scan(s), VIOMMU_EV_QIE | VIOMMU_EV_IQT);
	assert_true(viommu_regs_qi_enabled(&s->r));
	assert_int_equal(viommu_regs_iq_base(&s->r), 0x1234567000ull);
	assert_int_equal(viommu_regs_iq_entries(&s->r), 512);
	assert_int_equal(viommu_regs_iq_tail(&s->r), 2);
	test_free(s);
}

/* (c) and (a) for CCMD: a torn request acts on its ICC half; a repeat is seen. */
static void test_ccmd_torn_and_repeated(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	u64 req = VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, VTD_CC_GRAN_DOMAIN) |
		  FIELD_PREP(VTD_CCMD_DID, 7);
	(void)state;

	gst32(s, VTD_REG64_CCMD, (u32)req);
	assert_int_equal(scan(s), 0);
	assert_int_equal(viommu_regs_ccmd(&s->r), 7);
	gst32(s, VTD_REG64_CCMD + 4, (u32)(req >> 32));
	assert_int_equal(scan(s), VIOMMU_EV_CCMD);
	assert_int_equal(viommu_regs_ccmd(&s->r), req);
	assert_int_equal(pg64(s, VTD_REG64_CCMD), req);
	viommu_regs_complete_ccmd(&s->r, VTD_CC_GRAN_GLOBAL);
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg64(s, VTD_REG64_CCMD),
			 (req & ~VTD_CCMD_ICC) | FIELD_PREP(VTD_CCMD_CAIG, VTD_CC_GRAN_GLOBAL));
	/* The same request again, as one 8-byte store. */
	gst64(s, VTD_REG64_CCMD, req);
	assert_int_equal(scan(s), VIOMMU_EV_CCMD);
	assert_int_equal(viommu_regs_ccmd(&s->r), req | FIELD_PREP(VTD_CCMD_CAIG, 1));
	test_free(s);
}

static void test_iqt_in_page(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	(void)state;

	gst64(s, VTD_REG64_IQA, 0x9000);
	gst32(s, VTD_REG32_GCMD, VTD_GCMD_QIE);
	assert_int_equal(scan(s), VIOMMU_EV_QIE);
	gst64(s, VTD_REG64_IQT, 0x20);
	assert_int_equal(scan(s), VIOMMU_EV_IQT);
	viommu_regs_set_iq_head(&s->r, 2);
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg64(s, VTD_REG64_IQH), 0x20);
	gst64(s, VTD_REG64_IQT, 0x40);
	assert_int_equal(scan(s), VIOMMU_EV_IQT);
	assert_int_equal(viommu_regs_iq_tail(&s->r), 4);
	/* Only the reserved high half changed: a 4-byte write, no tail event. */
	gst32(s, VTD_REG64_IQT + 4, 1);
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg64(s, VTD_REG64_IQT), 0x40);
	test_free(s);
}

/* (b): W1C registers are never applied from the page; trap while pending. */
static void test_w1c_only_by_trap(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	(void)state;

	assert_false(viommu_regs_needs_trap(&s->r));
	wr32(&s->r, VTD_REG32_GCMD, VTD_GCMD_QIE);
	viommu_regs_report_iqe(&s->r, VTD_IQEI_BAD_TYPE);
	assert_true(viommu_regs_needs_trap(&s->r));
	scan(s);
	assert_int_equal(pg32(s, VTD_REG32_FSTS), VTD_FSTS_IQE);
	/* A visible store that would clear IQE if applied: ignored (the loop
	 * never publishes a W1C bit set, see regs.c (b)). */
	gst32(s, VTD_REG32_FSTS, VTD_FSTS_IQE | VTD_FSTS_PFO);
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg32(s, VTD_REG32_FSTS), VTD_FSTS_IQE);
	assert_true(viommu_regs_iqe_pending(&s->r));
	/* The trapped store clears it; back to polling. */
	assert_int_equal(wr32(&s->r, VTD_REG32_FSTS, VTD_FSTS_IQE),
			 VIOMMU_EV_W1C | VIOMMU_EV_IQE_CLEARED);
	assert_false(viommu_regs_needs_trap(&s->r));
	scan(s);
	assert_int_equal(pg32(s, VTD_REG32_FSTS), 0);

	viommu_regs_set_iwc(&s->r);
	assert_true(viommu_regs_needs_trap(&s->r));
	scan(s);
	gst32(s, VTD_REG32_ICS, VTD_ICS_IWC | 2);
	assert_int_equal(scan(s), 0);
	assert_int_equal(rd32(&s->r, VTD_REG32_ICS), VTD_ICS_IWC);
	assert_int_equal(wr32(&s->r, VTD_REG32_ICS, VTD_ICS_IWC), VIOMMU_EV_W1C);
	assert_false(viommu_regs_needs_trap(&s->r));
	test_free(s);
}

static void test_needs_trap_per_layout(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	(void)state;

	/* Record in page 1 (always trapped): a pending fault alone is fine. */
	viommu_regs_record_fault(&s->r, 1, 0x1000, VTD_FR_READ_DENIED, false);
	assert_false(viommu_regs_needs_trap(&s->r));
	viommu_regs_record_fault(&s->r, 1, 0x2000, VTD_FR_READ_DENIED, false);
	assert_true(viommu_regs_needs_trap(&s->r)); /* PFO */
	wr32(&s->r, VTD_REG32_FSTS, VTD_FSTS_PFO);
	assert_false(viommu_regs_needs_trap(&s->r));
	test_free(s);

	/* Record in page 0: F must be cleared through a trap. */
	s = side_new(VIOMMU_FRO_PAGE0);
	viommu_regs_record_fault(&s->r, 1, 0x1000, VTD_FR_READ_DENIED, false);
	assert_true(viommu_regs_needs_trap(&s->r));
	scan(s);
	gst64(s, 0x228, VTD_FRCD_HI_F | 2); /* a polled store into the record is ignored */
	assert_int_equal(scan(s), 0);
	assert_int_equal(pg64(s, 0x228) & VTD_FRCD_HI_F, VTD_FRCD_HI_F);
	assert_int_equal(wr32(&s->r, 0x228 + 4, 0x80000000u), VIOMMU_EV_W1C);
	assert_false(viommu_regs_needs_trap(&s->r));
	scan(s);
	assert_int_equal(pg32(s, VTD_REG32_FSTS), 0);
	test_free(s);
}

static void test_unmask_in_page_delivers(void **state)
{
	struct side *s = side_new(VIOMMU_FRO_PAGE1);
	(void)state;

	assert_false(viommu_regs_record_fault(&s->r, 1, 0x1000, VTD_FR_READ_DENIED, false));
	scan(s);
	assert_int_equal(pg32(s, VTD_REG32_FECTL), VTD_FECTL_IM | VTD_FECTL_IP);
	gst32(s, VTD_REG32_FECTL, VTD_FECTL_IP); /* IM cleared, IP as read */
	assert_int_equal(scan(s), VIOMMU_EV_FAULT_IRQ);
	assert_int_equal(pg32(s, VTD_REG32_FECTL), 0);
	assert_false(viommu_regs_set_iwc(&s->r));
	scan(s);
	gst32(s, VTD_REG32_IECTL, 0);
	assert_int_equal(scan(s), VIOMMU_EV_INV_IRQ);
	assert_int_equal(pg32(s, VTD_REG32_IECTL), 0);
	test_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_image),
		cmocka_unit_test(test_unchanged_page_no_events),
		cmocka_unit_test(test_gcmd_same_value_twice),
		cmocka_unit_test(test_read_only_stores_reverted),
		cmocka_unit_test(test_data_before_commands),
		cmocka_unit_test(test_ccmd_torn_and_repeated),
		cmocka_unit_test(test_iqt_in_page),
		cmocka_unit_test(test_w1c_only_by_trap),
		cmocka_unit_test(test_needs_trap_per_layout),
		cmocka_unit_test(test_unmask_in_page_delivers),
	};
	return HARNESS_RUN(tests);
}
