// SPDX-License-Identifier: MIT
/*
 * viommu/regs.c through the trapped-access entry points: what we advertise,
 * every register's read/write semantics (read-only and reserved bits held,
 * W1C, one-shot commands, request/completion), fault recording and the
 * fault/completion event interrupt rules, access sizes and unknown offsets.
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "lib/errno.h"
#include "tests/unit/viommu_regs_bed.h"

static void test_init_rejects_bad_config(void **state)
{
	static const struct {
		unsigned int levels, mgaw;
		u32 fro;
	} bad[] = {
		{ 2, 39, VIOMMU_FRO_PAGE0 },
		{ 5, 48, VIOMMU_FRO_PAGE0 },
		{ 4, 31, VIOMMU_FRO_PAGE0 },
		{ 4, 49, VIOMMU_FRO_PAGE0 },
		{ 3, 40, VIOMMU_FRO_PAGE0 },
		{ 4, 48, 0x228 },
		{ 4, 48, 0x200 },
		{ 4, 48, 0x208 },
		{ 4, 48, 0x1f8 },
		{ 4, 48, 0x0a0 },
		{ 4, 48, 0x2000 },
		{ 4, 48, 0x1ff8 },
	};
	struct viommu_regs r, before;
	(void)state;

	memset(&r, 0xa5, sizeof(r));
	before = r;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct viommu_config cfg = bed_cfg(bad[i].levels, bad[i].mgaw);

		assert_int_equal(viommu_regs_init(&r, &cfg, bad[i].fro), -EINVAL);
		assert_memory_equal(&r, &before, sizeof(r));
	}
	struct viommu_config ok3 = bed_cfg(3, 39), ok4 = bed_cfg(4, 39);

	assert_int_equal(viommu_regs_init(&r, &ok3, VIOMMU_FRO_PAGE0), 0);
	assert_int_equal(viommu_regs_size(&r), 4096);
	assert_int_equal(viommu_regs_init(&r, &ok4, VIOMMU_FRO_PAGE1), 0);
	assert_int_equal(viommu_regs_size(&r), 8192);
	assert_int_equal(viommu_regs_init(&r, &ok4, 0x1ff0), 0);
	assert_int_equal(viommu_regs_size(&r), 8192);
}

static void test_ver_cap_ecap(void **state)
{
	struct viommu_regs r;
	struct viommu_config cfg = bed_cfg(3, 39);
	u64 cap, ecap;
	(void)state;

	cfg.sllps_2m = false;
	cfg.sllps_1g = true;
	assert_int_equal(viommu_regs_init(&r, &cfg, VIOMMU_FRO_PAGE0), 0);
	assert_int_equal(rd32(&r, VTD_REG32_VER), 0x10);
	cap = rd64(&r, VTD_REG64_CAP);
	assert_int_equal(cap, viommu_regs_cap(&r));
	assert_int_equal(FIELD_GET(VTD_CAP_ND, cap), 2);
	assert_true(cap & VTD_CAP_CM);
	assert_int_equal(FIELD_GET(VTD_CAP_SAGAW, cap), VTD_SAGAW_39BIT);
	assert_int_equal(FIELD_GET(VTD_CAP_MGAW, cap), 38);
	assert_int_equal(vtd_frcd_reg_offset(cap, 0), 0x220);
	assert_int_equal(FIELD_GET(VTD_CAP_SLLPS, cap), VTD_SLLPS_1G);
	assert_true(cap & VTD_CAP_PSI);
	assert_int_equal(FIELD_GET(VTD_CAP_NFR, cap), 0);
	assert_int_equal(FIELD_GET(VTD_CAP_MAMV, cap), 9);
	assert_int_equal(cap & (VTD_CAP_AFL | VTD_CAP_RWBF | VTD_CAP_PLMR | VTD_CAP_PHMR |
				VTD_CAP_ZLR | VTD_CAP_DWD | VTD_CAP_DRD | VTD_CAP_FL1GP |
				VTD_CAP_PI | VTD_CAP_FL5LP | VTD_CAP_ESRTPS | VTD_CAP_ESIRTPS),
			 0);
	ecap = rd64(&r, VTD_REG64_ECAP);
	assert_int_equal(ecap, viommu_regs_ecap(&r));
	assert_true(ecap & VTD_ECAP_C);
	assert_true(ecap & VTD_ECAP_QI);
	assert_true(ecap & VTD_ECAP_PT);
	assert_int_equal(vtd_iotlb_reg_offset(ecap), 0x200);
	/* Nothing else: no DT, IR, EIM, SC, nested, PRS, PASID, scalable mode. */
	assert_int_equal(ecap & ~(VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_PT | VTD_ECAP_IRO), 0);

	cfg = bed_cfg(4, 48);
	assert_int_equal(viommu_regs_init(&r, &cfg, VIOMMU_FRO_PAGE1), 0);
	cap = rd64(&r, VTD_REG64_CAP);
	assert_int_equal(FIELD_GET(VTD_CAP_SAGAW, cap), VTD_SAGAW_48BIT);
	assert_int_equal(FIELD_GET(VTD_CAP_MGAW, cap), 47);
	assert_int_equal(FIELD_GET(VTD_CAP_SLLPS, cap), VTD_SLLPS_2M);
	assert_int_equal(vtd_frcd_reg_offset(cap, 0), 0x1000);
	/* Reset values (11.4): masks set, everything else clear. */
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), VTD_FECTL_IM);
	assert_int_equal(rd32(&r, VTD_REG32_IECTL), VTD_IECTL_IM);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), 0);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), 0);
}

/* Write all-ones, in both sizes: nothing read-only may change. */
static void test_read_only_registers_hold(void **state)
{
	static const u32 ro64[] = { VTD_REG64_CAP,    VTD_REG64_ECAP, VTD_REG64_IQH,
				    VTD_REG64_IQERCD, 0x220,	      0x228 };
	static const u32 ro32[] = { VTD_REG32_VER, VTD_REG32_GSTS, VTD_REG32_FSTS };
	struct viommu_regs r;
	u64 v;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	for (size_t i = 0; i < ARRAY_SIZE(ro64); i++) {
		v = rd64(&r, ro64[i]);
		assert_int_equal(wr64(&r, ro64[i], ~0ull), 0);
		assert_int_equal(wr32(&r, ro64[i], ~0u), 0);
		assert_int_equal(wr32(&r, ro64[i] + 4, ~0u), 0);
		assert_int_equal(rd64(&r, ro64[i]), v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ro32); i++) {
		v = rd32(&r, ro32[i]);
		assert_int_equal(wr32(&r, ro32[i], ~0u), 0);
		assert_int_equal(rd32(&r, ro32[i]), v);
	}
	assert_int_equal(rd32(&r, VTD_REG32_VER), 0x10);
	assert_int_not_equal(rd64(&r, VTD_REG64_CAP), 0);
	assert_int_equal(viommu_regs_iq_head(&r), 0);
}

static void test_reserved_bits_held(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	wr64(&r, VTD_REG64_RTADDR, ~0ull);
	assert_int_equal(rd64(&r, VTD_REG64_RTADDR), VTD_RTADDR_RTA); /* TTM stays legacy */
	wr64(&r, VTD_REG64_IQA, ~0ull);
	assert_int_equal(rd64(&r, VTD_REG64_IQA), VTD_IQA_IQA | VTD_IQA_QS); /* no DW */
	wr64(&r, VTD_REG64_IQT, ~0ull);
	assert_int_equal(rd64(&r, VTD_REG64_IQT), VTD_IQT_QT);
	wr32(&r, VTD_REG32_FECTL, ~0u);
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), VTD_FECTL_IM); /* IP is RO */
	wr32(&r, VTD_REG32_IECTL, ~0u);
	assert_int_equal(rd32(&r, VTD_REG32_IECTL), VTD_IECTL_IM);
	wr32(&r, VTD_REG32_FEDATA, ~0u);
	assert_int_equal(rd32(&r, VTD_REG32_FEDATA), 0xffff);
	wr32(&r, VTD_REG32_IEDATA, ~0u);
	assert_int_equal(rd32(&r, VTD_REG32_IEDATA), 0xffff);
	wr32(&r, VTD_REG32_FEADDR, 0xfeefffffu);
	assert_int_equal(rd32(&r, VTD_REG32_FEADDR), 0xfeeffffcu);
	wr32(&r, VTD_REG32_FEUADDR, ~0u); /* no EIM: reserved */
	assert_int_equal(rd32(&r, VTD_REG32_FEUADDR), 0);
	wr32(&r, VTD_REG32_IEUADDR, ~0u);
	assert_int_equal(rd32(&r, VTD_REG32_IEUADDR), 0);
	wr64(&r, IVA_OFF, ~0ull);
	assert_int_equal(rd64(&r, IVA_OFF), VTD_IVA_ADDR | VTD_IVA_IH | VTD_IVA_AM);
	assert_int_equal(wr64(&r, VTD_REG64_CCMD, ~0ull), VIOMMU_EV_CCMD);
	assert_int_equal(rd64(&r, VTD_REG64_CCMD), ~0ull & ~VTD_CCMD_CAIG & ~GENMASK(58, 34));
	assert_int_equal(wr64(&r, IOTLB_OFF, ~0ull), VIOMMU_EV_IOTLB);
	assert_int_equal(rd64(&r, IOTLB_OFF), VTD_IOTLB_DID | VTD_IOTLB_DW | VTD_IOTLB_DR |
						      VTD_IOTLB_IIRG | VTD_IOTLB_IVT);
}

static void test_srtp_latches_rtaddr_only_when_written(void **state)
{
	struct viommu_regs r;
	gpa_t root = 0;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	wr64(&r, VTD_REG64_RTADDR, 0x12345000);
	assert_false(viommu_regs_root_table(&r, &root));
	assert_int_equal(rd32(&r, VTD_REG32_GSTS) & VTD_GSTS_RTPS, 0);
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_SRTP), VIOMMU_EV_SRTP);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), VTD_GSTS_RTPS);
	assert_int_equal(rd32(&r, VTD_REG32_GCMD), 0); /* write-only */
	assert_true(viommu_regs_root_table(&r, &root));
	assert_int_equal(root, 0x12345000);
	/* A new RTADDR means nothing until the next SRTP. */
	wr32(&r, VTD_REG64_RTADDR, 0x0abcd000);
	wr32(&r, VTD_REG64_RTADDR + 4, 0x1);
	assert_int_equal(rd64(&r, VTD_REG64_RTADDR), 0x10abcd000ull);
	assert_true(viommu_regs_root_table(&r, &root));
	assert_int_equal(root, 0x12345000);
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_SRTP), VIOMMU_EV_SRTP);
	assert_true(viommu_regs_root_table(&r, &root));
	assert_int_equal(root, 0x10abcd000ull);
}

static void test_gcmd_te_qie_follow_each_write(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_QIE), VIOMMU_EV_QIE);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), VTD_GSTS_QIES);
	assert_true(viommu_regs_qi_enabled(&r));
	/* Software repeats the state: same QIE plus TE -> only TE changes. */
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_QIE | VTD_GCMD_TE), VIOMMU_EV_TE);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), VTD_GSTS_QIES | VTD_GSTS_TES);
	assert_true(viommu_regs_translation_enabled(&r));
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_QIE | VTD_GCMD_TE), 0);
	/* Unsupported / no-op commands: no status, no event. */
	assert_int_equal(wr32(&r, VTD_REG32_GCMD,
			      VTD_GCMD_QIE | VTD_GCMD_TE | VTD_GCMD_WBF | VTD_GCMD_SFL |
				      VTD_GCMD_SIRTP | VTD_GCMD_IRE | VTD_GCMD_EAFL | VTD_GCMD_CFI |
				      GENMASK(22, 0)),
			 0);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), VTD_GSTS_QIES | VTD_GSTS_TES);
	/* A one-shot written without the enables turns them off (11.4.4). */
	viommu_regs_set_iq_head(&r, 5);
	assert_int_equal(rd64(&r, VTD_REG64_IQH), 0x50);
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_SRTP),
			 VIOMMU_EV_SRTP | VIOMMU_EV_QIE | VIOMMU_EV_TE);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), VTD_GSTS_RTPS);
	assert_false(viommu_regs_translation_enabled(&r));
	assert_false(viommu_regs_qi_enabled(&r));
	assert_int_equal(rd64(&r, VTD_REG64_IQH), 0); /* reset with QIES clear */
}

static void test_ccmd_request_and_completion(void **state)
{
	struct viommu_regs r;
	u64 req = VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, VTD_CC_GRAN_DEVICE) |
		  FIELD_PREP(VTD_CCMD_FM, 1) | FIELD_PREP(VTD_CCMD_SID, 0x0100) |
		  FIELD_PREP(VTD_CCMD_DID, 5);
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	assert_int_equal(wr64(&r, VTD_REG64_CCMD, req), VIOMMU_EV_CCMD);
	assert_int_equal(viommu_regs_ccmd(&r), req);
	assert_int_equal(rd64(&r, VTD_REG64_CCMD), req); /* ICC reads 1 until done */
	/* In flight: further writes are dropped. */
	assert_int_equal(wr64(&r, VTD_REG64_CCMD, VTD_CCMD_ICC | 9), 0);
	assert_int_equal(viommu_regs_counters(&r)->dropped_writes, 1);
	assert_int_equal(viommu_regs_ccmd(&r), req);
	viommu_regs_complete_ccmd(&r, VTD_CC_GRAN_GLOBAL);
	assert_int_equal(rd64(&r, VTD_REG64_CCMD),
			 (req & ~VTD_CCMD_ICC) | FIELD_PREP(VTD_CCMD_CAIG, VTD_CC_GRAN_GLOBAL));
	viommu_regs_complete_ccmd(&r, VTD_CC_GRAN_DEVICE); /* nothing pending */
	assert_int_equal(FIELD_GET(VTD_CCMD_CAIG, rd64(&r, VTD_REG64_CCMD)), VTD_CC_GRAN_GLOBAL);
	/* A new request without ICC is just data. */
	assert_int_equal(wr64(&r, VTD_REG64_CCMD, 7), 0);
	assert_int_equal(rd64(&r, VTD_REG64_CCMD) & VTD_CCMD_DID, 7);
}

/* (c): the request is the write of the half holding ICC/IVT. */
static void test_invalidation_halves(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	assert_int_equal(wr32(&r, VTD_REG64_CCMD, 0x01000005), 0);
	assert_int_equal(wr32(&r, VTD_REG64_CCMD + 4, (u32)(VTD_CCMD_ICC >> 32) | 0x60000000),
			 VIOMMU_EV_CCMD);
	assert_int_equal(viommu_regs_ccmd(&r),
			 VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, VTD_CC_GRAN_DEVICE) | 0x01000005);
	viommu_regs_complete_ccmd(&r, VTD_CC_GRAN_DEVICE);

	/* IVA in two halves, then IOTLB's high half (DID, IIRG, IVT). */
	wr32(&r, IVA_OFF, 0x12345000 | VTD_IVA_IH | 3);
	wr32(&r, IVA_OFF + 4, 0x7);
	assert_int_equal(viommu_regs_iva(&r), 0x712345000ull | VTD_IVA_IH | 3);
	assert_int_equal(wr32(&r, IOTLB_OFF, ~0u), 0); /* low half: all reserved */
	assert_int_equal(rd64(&r, IOTLB_OFF), 0);
	u64 req = VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, VTD_IOTLB_GRAN_PAGE) |
		  FIELD_PREP(VTD_IOTLB_DID, 42);
	assert_int_equal(wr32(&r, IOTLB_OFF + 4, (u32)(req >> 32)), VIOMMU_EV_IOTLB);
	assert_int_equal(viommu_regs_iotlb(&r), req);
	/* IVA is frozen while the request is in flight. */
	wr64(&r, IVA_OFF, 0x999000);
	assert_int_equal(viommu_regs_iva(&r), 0x712345000ull | VTD_IVA_IH | 3);
	viommu_regs_complete_iotlb(&r, VTD_IOTLB_GRAN_DOMAIN);
	assert_int_equal(rd64(&r, IOTLB_OFF),
			 (req & ~VTD_IOTLB_IVT) |
				 FIELD_PREP(VTD_IOTLB_IAIG, VTD_IOTLB_GRAN_DOMAIN));
	wr64(&r, IVA_OFF, 0x999000);
	assert_int_equal(viommu_regs_iva(&r), 0x999000);
}

static void test_register_invalidation_ignored_under_qi(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	wr64(&r, VTD_REG64_IQA, 0x5000);
	wr32(&r, VTD_REG32_GCMD, VTD_GCMD_QIE);
	assert_int_equal(wr64(&r, VTD_REG64_CCMD, VTD_CCMD_ICC | 1), 0);
	assert_int_equal(rd64(&r, VTD_REG64_CCMD), 0); /* the guest sees "done" */
	assert_int_equal(wr64(&r, IOTLB_OFF, VTD_IOTLB_IVT | VTD_IOTLB_IIRG), 0);
	assert_int_equal(rd64(&r, IOTLB_OFF), 0);
	/* The queue does not move while enabled. */
	wr64(&r, VTD_REG64_IQA, 0x9000);
	assert_int_equal(viommu_regs_iq_base(&r), 0x5000);
	assert_int_equal(viommu_regs_counters(&r)->dropped_writes, 3);
	wr32(&r, VTD_REG32_GCMD, 0);
	wr64(&r, VTD_REG64_IQA, 0x9000);
	assert_int_equal(viommu_regs_iq_base(&r), 0x9000);
}

static void test_queue_registers(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	wr64(&r, VTD_REG64_IQA, 0x123456000ull | VTD_IQA_DW | 0x7f8 | 2);
	assert_int_equal(rd64(&r, VTD_REG64_IQA), 0x123456002ull);
	assert_int_equal(viommu_regs_iq_base(&r), 0x123456000ull);
	assert_int_equal(viommu_regs_iq_entries(&r), 1024);
	wr64(&r, VTD_REG64_IQA, 0x123456000ull);
	assert_int_equal(viommu_regs_iq_entries(&r), 256); /* QS=0: one page */
	/* Tail written while QI is off: stored, no event. */
	assert_int_equal(wr64(&r, VTD_REG64_IQT, 0x3f), 0);
	assert_int_equal(rd64(&r, VTD_REG64_IQT), 0x30);
	assert_int_equal(viommu_regs_iq_tail(&r), 3);
	assert_int_equal(wr32(&r, VTD_REG32_GCMD, VTD_GCMD_QIE), VIOMMU_EV_QIE);
	assert_int_equal(wr32(&r, VTD_REG64_IQT, 0x40), VIOMMU_EV_IQT);
	assert_int_equal(wr64(&r, VTD_REG64_IQT, 0x50), VIOMMU_EV_IQT);
	assert_int_equal(wr32(&r, VTD_REG64_IQT + 4, ~0u), 0); /* reserved half */
	assert_int_equal(viommu_regs_iq_tail(&r), 5);
	viommu_regs_set_iq_head(&r, 5);
	assert_int_equal(rd64(&r, VTD_REG64_IQH), 0x50);
	assert_int_equal(viommu_regs_iq_head(&r), 5);
}

static void test_iqe_and_iqercd(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE1);
	bed_unmask_faults(&r);
	wr32(&r, VTD_REG32_GCMD, VTD_GCMD_QIE);
	assert_true(viommu_regs_report_iqe(&r, VTD_IQEI_RSVD_SET));
	assert_true(viommu_regs_iqe_pending(&r));
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), VTD_FSTS_IQE);
	assert_int_equal(rd64(&r, VTD_REG64_IQERCD), VTD_IQEI_RSVD_SET);
	assert_int_equal(wr32(&r, VTD_REG32_FSTS, 0), 0);
	assert_int_equal(wr32(&r, VTD_REG32_FSTS, VTD_FSTS_IQE),
			 VIOMMU_EV_W1C | VIOMMU_EV_IQE_CLEARED);
	assert_false(viommu_regs_iqe_pending(&r));
	/* QI off: nothing to resume. */
	wr32(&r, VTD_REG32_GCMD, 0);
	assert_true(viommu_regs_report_iqe(&r, VTD_IQEI_TAIL_INVALID));
	assert_int_equal(wr32(&r, VTD_REG32_FSTS, ~0u), VIOMMU_EV_W1C);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), 0);
}

static void test_fault_recording_pfo_and_w1c(void **state)
{
	struct viommu_regs r = { 0 };
	const struct viommu_regs_counters *c = viommu_regs_counters(&r);
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	bed_unmask_faults(&r);
	assert_true(
		viommu_regs_record_fault(&r, 0x0310, 0x7654321abcull, VTD_FR_READ_DENIED, false));
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), VTD_FSTS_PPF); /* FRI = 0 */
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), 0);		  /* delivered */
	assert_int_equal(rd64(&r, 0x220), 0x7654321000ull);
	assert_int_equal(rd64(&r, 0x228), VTD_FRCD_HI_F | VTD_FRCD_HI_T1 |
						  FIELD_PREP(VTD_FRCD_HI_FR, VTD_FR_READ_DENIED) |
						  0x0310);
	/* Full: the next fault sets PFO, is not recorded and raises nothing. */
	assert_false(viommu_regs_record_fault(&r, 0x0311, 0x1000, VTD_FR_WRITE_DENIED, true));
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), VTD_FSTS_PPF | VTD_FSTS_PFO);
	assert_int_equal(rd64(&r, 0x228) & VTD_FRCD_HI_SID, 0x0310);
	assert_int_equal(c->faults_recorded, 1);
	assert_int_equal(c->faults_lost, 1);
	/* W1C: writing 0, or 1 to PPF (RO), clears nothing. */
	assert_int_equal(wr32(&r, VTD_REG32_FSTS, VTD_FSTS_PPF), 0);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), VTD_FSTS_PPF | VTD_FSTS_PFO);
	/* Clear F as Linux does: writel(F) at record + 12. PPF follows. */
	assert_int_equal(wr32(&r, 0x220 + 12, 0), 0);
	assert_int_equal(wr32(&r, 0x220, ~0u), 0);
	assert_int_equal(wr32(&r, 0x220 + 12, 0x80000000u), VIOMMU_EV_W1C);
	assert_int_equal(rd64(&r, 0x228) & VTD_FRCD_HI_F, 0);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), VTD_FSTS_PFO);
	/* Nothing is recorded while PFO is set. */
	assert_false(viommu_regs_record_fault(&r, 0x0312, 0x2000, VTD_FR_WRITE_DENIED, true));
	assert_int_equal(rd64(&r, 0x228) & VTD_FRCD_HI_F, 0);
	assert_int_equal(c->faults_lost, 2);
	assert_int_equal(wr32(&r, VTD_REG32_FSTS, VTD_FSTS_PFO | VTD_FSTS_PPF), VIOMMU_EV_W1C);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), 0);
	/* Free again: a write fault is recorded with T = 0 and signalled. */
	assert_true(viommu_regs_record_fault(&r, 0x0312, 0x2fff, VTD_FR_WRITE_DENIED, true));
	assert_int_equal(rd64(&r, 0x220), 0x2000);
	assert_int_equal(rd64(&r, 0x228),
			 VTD_FRCD_HI_F | 0x0312 | FIELD_PREP(VTD_FRCD_HI_FR, VTD_FR_WRITE_DENIED));
	/* 8-byte W1C of the high half works too. */
	assert_int_equal(wr64(&r, 0x228, VTD_FRCD_HI_F), VIOMMU_EV_W1C);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), 0);
}

static void test_fectl_mask_and_pending(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE1); /* reset: IM = 1 */
	assert_false(viommu_regs_record_fault(&r, 1, 0x1000, VTD_FR_CTX_NOT_PRESENT, false));
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), VTD_FECTL_IM | VTD_FECTL_IP);
	assert_int_equal(wr32(&r, VTD_REG32_FECTL, VTD_FECTL_IM), 0); /* still masked */
	assert_int_equal(wr32(&r, VTD_REG32_FECTL, 0), VIOMMU_EV_FAULT_IRQ);
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), 0);
	assert_int_equal(wr32(&r, VTD_REG32_FECTL, 0), 0); /* delivered once */
	/* A pending condition serviced before unmasking is not delivered. */
	wr32(&r, 0x1000 + 12, 0x80000000u);
	wr32(&r, VTD_REG32_FECTL, VTD_FECTL_IM);
	assert_false(viommu_regs_record_fault(&r, 1, 0x1000, VTD_FR_CTX_NOT_PRESENT, false));
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), VTD_FECTL_IM | VTD_FECTL_IP);
	assert_int_equal(wr32(&r, 0x1000 + 12, 0x80000000u), VIOMMU_EV_W1C);
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), VTD_FECTL_IM);
	assert_int_equal(wr32(&r, VTD_REG32_FECTL, 0), 0);
	/* Not a new condition while another status field is set (11.4 FECTL.IP). */
	assert_true(viommu_regs_report_iqe(&r, VTD_IQEI_BAD_TYPE));
	assert_false(viommu_regs_record_fault(&r, 1, 0x1000, VTD_FR_CTX_NOT_PRESENT, false));
	assert_int_equal(rd32(&r, VTD_REG32_FECTL), 0);
	assert_int_equal(rd32(&r, VTD_REG32_FSTS), VTD_FSTS_IQE | VTD_FSTS_PPF);
}

static void test_msi_address_range(void **state)
{
	struct viommu_regs r;
	struct viommu_msi m;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	wr32(&r, VTD_REG32_FEDATA, 0x12345678);
	wr32(&r, VTD_REG32_FEADDR, 0xfee0100f);
	assert_int_equal(rd32(&r, VTD_REG32_FEADDR), 0xfee0100c);
	wr32(&r, VTD_REG32_FEADDR, 0xfed01000); /* not an interrupt address */
	wr32(&r, VTD_REG32_FEADDR, 0);
	wr32(&r, VTD_REG32_FEADDR, 0xfef00000);
	assert_int_equal(rd32(&r, VTD_REG32_FEADDR), 0xfee0100c);
	assert_int_equal(viommu_regs_counters(&r)->dropped_writes, 3);
	m = viommu_regs_fault_msi(&r);
	assert_int_equal(m.addr, 0xfee0100c);
	assert_int_equal(m.data, 0x5678);
	wr32(&r, VTD_REG32_IEDATA, 0x41);
	wr32(&r, VTD_REG32_IEADDR, 0xfeeff000);
	wr32(&r, VTD_REG32_IEADDR, 0x80000000);
	m = viommu_regs_inv_msi(&r);
	assert_int_equal(m.addr, 0xfeeff000);
	assert_int_equal(m.data, 0x41);
}

static void test_ics_and_iectl(void **state)
{
	struct viommu_regs r;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0); /* IECTL.IM = 1 */
	assert_false(viommu_regs_set_iwc(&r));
	assert_int_equal(rd32(&r, VTD_REG32_ICS), VTD_ICS_IWC);
	assert_int_equal(rd32(&r, VTD_REG32_IECTL), VTD_IECTL_IM | VTD_IECTL_IP);
	assert_int_equal(wr32(&r, VTD_REG32_IECTL, 0), VIOMMU_EV_INV_IRQ);
	assert_int_equal(rd32(&r, VTD_REG32_IECTL), 0);
	assert_false(viommu_regs_set_iwc(&r)); /* IWC still set: not new */
	assert_int_equal(wr32(&r, VTD_REG32_ICS, 0), 0);
	assert_int_equal(rd32(&r, VTD_REG32_ICS), VTD_ICS_IWC);
	assert_int_equal(wr32(&r, VTD_REG32_ICS, ~0u), VIOMMU_EV_W1C);
	assert_int_equal(rd32(&r, VTD_REG32_ICS), 0);
	assert_true(viommu_regs_set_iwc(&r));
	assert_int_equal(rd32(&r, VTD_REG32_IECTL), 0);
	/* Serviced while masked: the pending message is dropped. */
	wr32(&r, VTD_REG32_ICS, VTD_ICS_IWC);
	wr32(&r, VTD_REG32_IECTL, VTD_IECTL_IM);
	assert_false(viommu_regs_set_iwc(&r));
	assert_int_equal(wr32(&r, VTD_REG32_ICS, VTD_ICS_IWC), VIOMMU_EV_W1C);
	assert_int_equal(rd32(&r, VTD_REG32_IECTL), VTD_IECTL_IM);
	assert_int_equal(wr32(&r, VTD_REG32_IECTL, 0), 0);
}

static void test_access_sizes_and_unknown_offsets(void **state)
{
	static const u32 unknown[] = { 0x030, 0x048, 0x058, 0x060, 0x070, 0x098,
				       0x0b8, 0x100, 0x210, 0xe00, 0xff8 };
	struct viommu_regs r = { 0 };
	const struct viommu_regs_counters *c = viommu_regs_counters(&r);
	u64 cap;
	(void)state;

	bed_init(&r, VIOMMU_FRO_PAGE0);
	cap = rd64(&r, VTD_REG64_CAP);
	assert_int_equal(rd32(&r, VTD_REG64_CAP), (u32)cap);
	assert_int_equal(rd32(&r, VTD_REG64_CAP + 4), (u32)(cap >> 32));
	/* 8 bytes over two 32-bit registers: FECTL (low) and FEDATA (high). */
	assert_int_equal(wr64(&r, VTD_REG32_FECTL, 0x0000123400000000ull), 0);
	assert_int_equal(rd32(&r, VTD_REG32_FEDATA), 0x1234);
	assert_int_equal(rd64(&r, VTD_REG32_FECTL), 0x0000123400000000ull);
	/* GCMD (reads 0) + GSTS in one read. */
	wr32(&r, VTD_REG32_GCMD, VTD_GCMD_TE);
	assert_int_equal(rd64(&r, VTD_REG32_GCMD), (u64)VTD_GSTS_TES << 32);
	assert_int_equal(c->bad_accesses, 0);

	/* Odd sizes, misalignment, outside the window: ignored and counted. */
	wr64(&r, VTD_REG64_RTADDR, 0x5000);
	assert_int_equal(viommu_reg_read(&r, VTD_REG64_RTADDR, 2), 0);
	assert_int_equal(viommu_reg_read(&r, VTD_REG64_RTADDR + 1, 4), 0);
	assert_int_equal(viommu_reg_read(&r, VTD_REG64_RTADDR + 4, 8), 0);
	assert_int_equal(viommu_reg_write(&r, VTD_REG64_RTADDR, 1, 0xff), 0);
	assert_int_equal(viommu_reg_write(&r, VTD_REG64_RTADDR + 1, 2, 0xffff), 0);
	assert_int_equal(viommu_reg_write(&r, VTD_REG64_RTADDR + 2, 4, ~0u), 0);
	assert_int_equal(viommu_reg_write(&r, VTD_REG32_FEDATA, 8, ~0ull), 0);
	assert_int_equal(viommu_reg_write(&r, VTD_REG32_GCMD, 16, 0), 0);
	assert_int_equal(viommu_reg_read(&r, 0x1000, 4), 0);
	assert_int_equal(viommu_reg_write(&r, 0xffffffffu - 3, 4, 1), 0);
	assert_int_equal(c->bad_accesses, 10);
	assert_int_equal(rd64(&r, VTD_REG64_RTADDR), 0x5000);
	assert_int_equal(rd32(&r, VTD_REG32_FEDATA), 0x1234);
	assert_int_equal(rd32(&r, VTD_REG32_GSTS), VTD_GSTS_TES);

	/* Unknown (or unimplemented: AFLOG, PMEN, PHMBASE, IRTA, VCCAP...) read 0. */
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_int_equal(wr64(&r, unknown[i], ~0ull), 0);
		assert_int_equal(rd64(&r, unknown[i]), 0);
	}
	assert_int_equal(c->bad_accesses, 10);

	/* The two-page layout: page 1 holds the record, the rest reads 0. */
	bed_init(&r, VIOMMU_FRO_PAGE1);
	assert_int_equal(rd64(&r, 0x220), 0);
	viommu_regs_record_fault(&r, 0x0200, 0xabc000, VTD_FR_PTE_RSVD, false);
	assert_int_equal(rd64(&r, 0x228), 0);
	assert_int_equal(rd64(&r, 0x1000), 0xabc000);
	assert_int_equal(rd32(&r, 0x1000 + 12),
			 (u32)((VTD_FRCD_HI_F | VTD_FRCD_HI_T1 |
				FIELD_PREP(VTD_FRCD_HI_FR, VTD_FR_PTE_RSVD)) >>
			       32));
	assert_int_equal(rd32(&r, 0x1000 + 8), 0x0200);
	assert_int_equal(rd32(&r, 0x1ffc), 0);
	assert_int_equal(viommu_reg_read(&r, 0x2000, 4), 0);
	assert_int_equal(c->bad_accesses, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_rejects_bad_config),
		cmocka_unit_test(test_ver_cap_ecap),
		cmocka_unit_test(test_read_only_registers_hold),
		cmocka_unit_test(test_reserved_bits_held),
		cmocka_unit_test(test_srtp_latches_rtaddr_only_when_written),
		cmocka_unit_test(test_gcmd_te_qie_follow_each_write),
		cmocka_unit_test(test_ccmd_request_and_completion),
		cmocka_unit_test(test_invalidation_halves),
		cmocka_unit_test(test_register_invalidation_ignored_under_qi),
		cmocka_unit_test(test_queue_registers),
		cmocka_unit_test(test_iqe_and_iqercd),
		cmocka_unit_test(test_fault_recording_pfo_and_w1c),
		cmocka_unit_test(test_fectl_mask_and_pending),
		cmocka_unit_test(test_msi_address_range),
		cmocka_unit_test(test_ics_and_iectl),
		cmocka_unit_test(test_access_sizes_and_unknown_offsets),
	};
	return HARNESS_RUN(tests);
}
