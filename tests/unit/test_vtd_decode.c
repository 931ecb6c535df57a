// SPDX-License-Identifier: MIT
/*
 * drivers/vtd.c capability decode, probe and printout; drivers/vtd_hw.h
 * layouts. Reference values are QEMU 7.2's intel-iommu (TESTBEDS.md) and
 * bit positions taken by hand from the VT-d spec (11.4.2/11.4.3, 9.x, 6.5.2).
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd.h"
#include "lib/errno.h"
#include "lib/printf.h"

/* QEMU intel-iommu defaults: VER 1.0, 39-bit 3-level, CM=0, QI+IR+PT. */
#define QEMU_VER 0x10u
#define QEMU_CAP 0x00d2008c22260206ull
#define QEMU_ECAP 0x0000000000f00f4aull

#define assert_log_has(s)                                                           \
	do {                                                                        \
		if (!strstr(harness_log(), (s)))                                    \
			fail_msg("log lacks \"%s\"; log:\n%s", (s), harness_log()); \
	} while (0)

static void test_qemu_default(void **state)
{
	struct vtd_caps c;

	(void)state;
	vtd_decode_caps(QEMU_VER, QEMU_CAP, QEMU_ECAP, &c);
	assert_int_equal(c.ver_major, 1);
	assert_int_equal(c.ver_minor, 0);
	assert_int_equal(c.nd, 6);
	assert_int_equal(c.num_domains, 65536);
	/* SAGAW = 0x2: only bit 1 (39-bit AGAW, 3-level tables). */
	assert_int_equal(c.sagaw, 0x2);
	assert_true(vtd_caps_has_levels(&c, 3));
	assert_false(vtd_caps_has_levels(&c, 4));
	assert_false(vtd_caps_has_levels(&c, 5));
	assert_false(vtd_caps_has_levels(&c, 2));
	assert_false(vtd_caps_has_levels(&c, 200));
	assert_int_equal(c.mgaw, 39);
	/* FRO is CAP[33:24] in 16-byte units. */
	assert_int_equal(c.fro, ((QEMU_CAP >> 24) & 0x3ff) * 16);
	assert_int_equal(c.fro, 0x220);
	assert_int_equal(c.nfr, 1);
	assert_true(c.sllps_2m);
	assert_true(c.sllps_1g);
	assert_true(c.psi);
	assert_int_equal(c.mamv, 18);
	assert_false(c.cm);
	assert_false(c.rwbf);
	assert_false(c.plmr);
	assert_false(c.phmr);
	assert_false(c.zlr);
	assert_false(c.afl);
	assert_true(c.dwd);
	assert_true(c.drd);
	assert_false(c.pi);

	assert_false(c.coherent);
	assert_true(c.qi);
	assert_false(c.dt);
	assert_true(c.ir);
	assert_false(c.eim);
	assert_true(c.pt);
	assert_false(c.sc);
	/* IRO is ECAP[17:8] in 16-byte units: 0xf -> 0xf0. */
	assert_int_equal(c.iro, 0xf0);
	assert_int_equal(c.mhmv, 15);
	assert_false(c.nest);
	assert_false(c.pasid);
	assert_false(c.smts);
	assert_false(c.slts);
	assert_false(c.flts);
}

/* caching-mode=on: only CAP bit 7 changes. */
static void test_qemu_caching_mode(void **state)
{
	struct vtd_caps c;

	(void)state;
	vtd_decode_caps(QEMU_VER, QEMU_CAP | (1ull << 7), QEMU_ECAP, &c);
	assert_true(c.cm);
	assert_int_equal(c.nd, 6);
	assert_int_equal(c.sagaw, 0x2);
	assert_int_equal(c.mgaw, 39);
	assert_int_equal(c.fro, 0x220);
}

/*
 * aw-bits=48: SAGAW bits 1 (39-bit) and 2 (48-bit) -> 0x6 in CAP[12:8],
 * MGAW = 47 in CAP[21:16].
 */
static void test_qemu_aw48(void **state)
{
	u64 cap = (QEMU_CAP & ~((0x1full << 8) | (0x3full << 16))) | (0x6ull << 8) | (47ull << 16);
	struct vtd_caps c;

	(void)state;
	assert_int_equal(cap, 0x00d2008c222f0606ull);
	vtd_decode_caps(QEMU_VER, cap, QEMU_ECAP, &c);
	assert_int_equal(c.sagaw, 0x6);
	assert_true(vtd_caps_has_levels(&c, 3));
	assert_true(vtd_caps_has_levels(&c, 4));
	assert_false(vtd_caps_has_levels(&c, 5));
	assert_int_equal(c.mgaw, 48);
	assert_false(c.cm);
}

/* 5-level only (SAGAW bit 3). */
static void test_sagaw_5level(void **state)
{
	struct vtd_caps c;

	(void)state;
	vtd_decode_caps(QEMU_VER, 1ull << 11, 0, &c);
	assert_int_equal(c.sagaw, 0x8);
	assert_false(vtd_caps_has_levels(&c, 3));
	assert_false(vtd_caps_has_levels(&c, 4));
	assert_true(vtd_caps_has_levels(&c, 5));
}

struct flag_bit {
	unsigned int bit;
	size_t off;
	const char *name;
};

#define FLAG(b, f)                                    \
	{                                             \
		(b), offsetof(struct vtd_caps, f), #f \
	}

/* Single-bit CAP/ECAP fields with their spec bit positions. */
static const struct flag_bit cap_flags[] = {
	FLAG(3, afl),  FLAG(4, rwbf),	FLAG(5, plmr),	   FLAG(6, phmr),    FLAG(7, cm),
	FLAG(22, zlr), FLAG(39, psi),	FLAG(54, dwd),	   FLAG(55, drd),    FLAG(56, fl1gp),
	FLAG(59, pi),  FLAG(60, fl5lp), FLAG(62, esirtps), FLAG(63, esrtps),
};

static const struct flag_bit ecap_flags[] = {
	FLAG(0, coherent), FLAG(1, qi),	   FLAG(2, dt),	     FLAG(3, ir),    FLAG(4, eim),
	FLAG(6, pt),	   FLAG(7, sc),	   FLAG(25, mts),    FLAG(26, nest), FLAG(29, prs),
	FLAG(30, ers),	   FLAG(31, srs),  FLAG(33, nwfs),   FLAG(34, eafs), FLAG(40, pasid),
	FLAG(41, dit),	   FLAG(42, pds),  FLAG(43, smts),   FLAG(44, vcs),  FLAG(45, slads),
	FLAG(46, slts),	   FLAG(47, flts), FLAG(48, smpwcs), FLAG(49, rps),  FLAG(52, adms),
	FLAG(53, rprivs),
};

static unsigned int count_set(const struct vtd_caps *c, const struct flag_bit *t, size_t n)
{
	unsigned int set = 0;

	for (size_t i = 0; i < n; i++)
		set += *(const bool *)((const char *)c + t[i].off);
	return set;
}

static void check_flags(const struct flag_bit *t, size_t n, bool is_cap)
{
	struct vtd_caps c;

	for (size_t i = 0; i < n; i++) {
		u64 v = 1ull << t[i].bit;

		vtd_decode_caps(0x10, is_cap ? v : 0, is_cap ? 0 : v, &c);
		if (!*(const bool *)((const char *)&c + t[i].off))
			fail_msg("%s bit %u did not set %s", is_cap ? "CAP" : "ECAP", t[i].bit,
				 t[i].name);
		assert_int_equal(count_set(&c, t, n), 1);
	}
}

static void test_single_bits(void **state)
{
	(void)state;
	check_flags(cap_flags, ARRAY_SIZE(cap_flags), true);
	check_flags(ecap_flags, ARRAY_SIZE(ecap_flags), false);
}

/* Multi-bit fields: every bit set, then each field alone at its maximum. */
static void test_multibit_fields(void **state)
{
	struct vtd_caps c;

	(void)state;
	vtd_decode_caps(0xffu, ~0ull, ~0ull, &c);
	assert_int_equal(c.ver_major, 15);
	assert_int_equal(c.ver_minor, 15);
	assert_int_equal(c.nd, 7);
	assert_int_equal(c.num_domains, 0); /* ND=7 is reserved */
	assert_int_equal(c.sagaw, 0x1f);
	assert_int_equal(c.mgaw, 64);
	assert_int_equal(c.fro, 0x3ff0);
	assert_int_equal(c.sllps, 0xf);
	assert_int_equal(c.nfr, 256);
	assert_int_equal(c.mamv, 63);
	assert_int_equal(c.iro, 0x3ff0);
	assert_int_equal(c.mhmv, 15);
	assert_int_equal(c.pss, 31);
	assert_int_equal(count_set(&c, cap_flags, ARRAY_SIZE(cap_flags)), ARRAY_SIZE(cap_flags));
	assert_int_equal(count_set(&c, ecap_flags, ARRAY_SIZE(ecap_flags)), ARRAY_SIZE(ecap_flags));

	vtd_decode_caps(0x10, 0x3ffull << 24, 0x3ffull << 8, &c);
	assert_int_equal(c.fro, 0x3ff0);
	assert_int_equal(c.iro, 0x3ff0);
	assert_int_equal(c.nd, 0);
	assert_int_equal(c.num_domains, 16);
	assert_int_equal(c.mgaw, 1);
	assert_int_equal(c.nfr, 1);
	assert_int_equal(c.sllps, 0);
	assert_int_equal(c.mamv, 0);

	vtd_decode_caps(0x10, 0xffull << 40, 0x1full << 35, &c);
	assert_int_equal(c.nfr, 256);
	assert_int_equal(c.fro, 0);
	assert_int_equal(c.pss, 31);
	assert_false(c.pasid);

	vtd_decode_caps(0x10, 0x3full << 48, 0xfull << 20, &c);
	assert_int_equal(c.mamv, 63);
	assert_false(c.dwd);
	assert_int_equal(c.mhmv, 15);
	assert_int_equal(c.iro, 0);

	vtd_decode_caps(0x10, 0x2ull, 0, &c); /* ND=2 -> 2^8 */
	assert_int_equal(c.num_domains, 256);
}

/* Register offsets and structure fields against the spec tables. */
static void test_hw_layout(void **state)
{
	struct vtd_inv_desc d;
	struct vtd_context_entry ce;

	(void)state;
	assert_int_equal(VTD_REG64_CAP, 0x08);
	assert_int_equal(VTD_REG64_ECAP, 0x10);
	assert_int_equal(VTD_REG32_GCMD, 0x18);
	assert_int_equal(VTD_REG32_GSTS, 0x1c);
	assert_int_equal(VTD_REG64_RTADDR, 0x20);
	assert_int_equal(VTD_REG64_CCMD, 0x28);
	assert_int_equal(VTD_REG32_FSTS, 0x34);
	assert_int_equal(VTD_REG32_FEUADDR, 0x44);
	assert_int_equal(VTD_REG64_IQA, 0x90);
	assert_int_equal(VTD_REG32_ICS, 0x9c);
	assert_int_equal(VTD_REG64_IRTA, 0xb8);
	assert_int_equal(vtd_iotlb_reg_offset(QEMU_ECAP) + VTD_REL64_IOTLB, 0xf8);
	assert_int_equal(vtd_frcd_reg_offset(QEMU_CAP, 1), 0x230);

	/* SAGAW bit n <=> context AW value n (QEMU's 39-bit unit: 0x200). */
	assert_int_equal(FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39BIT), QEMU_CAP & 0x1f00);
	assert_int_equal(VTD_SAGAW_48BIT, 1u << VTD_AW_48BIT);
	assert_int_equal(VTD_SAGAW_57BIT, 1u << VTD_AW_57BIT);
	assert_int_equal(FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_2M | VTD_SLLPS_1G),
			 QEMU_CAP & (0xfull << 34));

	assert_int_equal(VTD_GCMD_TE, 0x80000000u);
	assert_int_equal(VTD_GCMD_SRTP, 0x40000000u);
	assert_int_equal(VTD_GCMD_QIE, 0x04000000u);
	assert_int_equal(VTD_GCMD_ONESHOT_MASK, 0x69000000u);
	assert_int_equal(VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, VTD_CC_GRAN_GLOBAL),
			 0xa000000000000000ull);
	assert_int_equal(VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, VTD_IOTLB_GRAN_DOMAIN) |
				 FIELD_PREP(VTD_IOTLB_DID, 5),
			 0xa000000500000000ull);

	/* IOTLB descriptor, domain 5, domain-selective. */
	d.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_IOTLB) |
	       FIELD_PREP(VTD_INV_IOTLB_LO_G, VTD_IOTLB_GRAN_DOMAIN) |
	       FIELD_PREP(VTD_INV_IOTLB_LO_DID, 5);
	assert_int_equal(d.lo, 0x50022);
	/* Page-selective: 2^3 pages at 0xfffff000 (aligned to 8 pages). */
	d.hi = (0xffff8000ull & VTD_INV_IOTLB_HI_ADDR) | FIELD_PREP(VTD_INV_IOTLB_HI_AM, 3) |
	       VTD_INV_IOTLB_HI_IH;
	assert_int_equal(d.hi, 0xffff8043ull);
	/* Wait descriptor: status write + fence, data 0x1234 to 0x1000. */
	d.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_WAIT) | VTD_INV_WAIT_LO_SW |
	       VTD_INV_WAIT_LO_FN | FIELD_PREP(VTD_INV_WAIT_LO_STDATA, 0x1234);
	assert_int_equal(d.lo, 0x0000123400000065ull);
	/* Context-cache, device-selective: DID 1, SID 00:02.0 = 0x10. */
	d.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_CONTEXT) |
	       FIELD_PREP(VTD_INV_CC_LO_G, VTD_CC_GRAN_DEVICE) | FIELD_PREP(VTD_INV_CC_LO_DID, 1) |
	       FIELD_PREP(VTD_INV_CC_LO_SID, 0x10);
	assert_int_equal(d.lo, 0x0000001000010031ull);
	/* IEC, index-selective, index 7. */
	d.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_IEC) | VTD_INV_IEC_LO_G |
	       FIELD_PREP(VTD_INV_IEC_LO_IIDX, 7);
	assert_int_equal(d.lo, 0x0000000700000014ull);

	/* Context entry: present, 3-level, DID 7, table at 0x123000. */
	ce.lo = VTD_CTX_LO_P | (0x123000ull & VTD_CTX_LO_SLPTPTR) |
		FIELD_PREP(VTD_CTX_LO_TT, VTD_TT_UNTRANSLATED);
	ce.hi = FIELD_PREP(VTD_CTX_HI_AW, VTD_AW_39BIT) | FIELD_PREP(VTD_CTX_HI_DID, 7);
	assert_int_equal(ce.lo, 0x123001);
	assert_int_equal(ce.hi, 0x701);
	assert_int_equal(FIELD_PREP(VTD_CTX_LO_TT, VTD_TT_PASS_THROUGH), 0x8);
	assert_int_equal(vtd_aw_levels(VTD_AW_48BIT), 4);
	assert_int_equal(vtd_aw_bits(VTD_AW_39BIT), 39);
	assert_int_equal(vtd_aw_bits(VTD_AW_57BIT), 57);

	/* Second-level PTE: 2 MiB R/W leaf at 0x40000000 with snoop. */
	assert_int_equal(VTD_SLPTE_R | VTD_SLPTE_W | VTD_SLPTE_PS | VTD_SLPTE_SNP |
				 (0x40000000ull & VTD_SLPTE_ADDR),
			 0x40000883ull);
	assert_int_equal(VTD_SLPTE_ADDR, 0x000ffffffffff000ull);

	/* Fault record: reason in bits 103:96, F in bit 127. */
	assert_int_equal(FIELD_GET(VTD_FRCD_HI_FR, 0x8000000500000010ull), 5);
	assert_int_equal(FIELD_GET(VTD_FRCD_HI_SID, 0x8000000500000010ull), 0x10);
	assert_true(0x8000000500000010ull & VTD_FRCD_HI_F);
	assert_int_equal(VTD_FSTS_RW1C_MASK, 0x7d);
	assert_int_equal(FIELD_GET(VTD_FSTS_FRI, 0x302), 3);
}

/* A fake register page: 4 KiB aligned heap memory standing in for MMIO. */
static u8 *fake_page(size_t size, u32 ver, u64 cap, u64 ecap, u32 gsts)
{
	u8 *p = aligned_alloc(4096, size);

	assert_non_null(p);
	memset(p, 0, size);
	*(u32 *)(p + VTD_REG32_VER) = ver;
	*(u64 *)(p + VTD_REG64_CAP) = cap;
	*(u64 *)(p + VTD_REG64_ECAP) = ecap;
	*(u32 *)(p + VTD_REG32_GSTS) = gsts;
	return p;
}

static hpa_t page_hpa(const u8 *p)
{
	return (hpa_t)(uintptr_t)p;
}

static void test_probe_qemu_and_print(void **state)
{
	u8 *p = fake_page(4096, QEMU_VER, QEMU_CAP, QEMU_ECAP, 0);
	struct vtd_unit u;
	char line[160];

	(void)state;
	assert_int_equal(vtd_probe(page_hpa(p), &u), 0);
	assert_int_equal(u.base_hpa, page_hpa(p));
	assert_int_equal(u.cap, QEMU_CAP);
	assert_int_equal(u.ecap, QEMU_ECAP);
	assert_int_equal(u.caps.fro, 0x220);
	assert_int_equal(u.caps.iro, 0xf0);
	assert_int_equal(u.gsts, 0);

	harness_log_clear();
	vtd_print(&u, 0);
	snprintf(line, sizeof(line),
		 "VTD: drhd 0 base=%#lx ver=1.0 cap=0x00d2008c22260206 ecap=0x0000000000f00f4a\n",
		 (unsigned long)page_hpa(p));
	assert_log_has(line);
	assert_log_has(
		"VTD:   cap: nd=6(65536 domains) sagaw=0x2(3-level) mgaw=39 fro=0x220 nfr=1 sllps=2M,1G psi=1 mamv=18 cm=0 rwbf=0 plmr=0 phmr=0 zlr=0 ");
	assert_log_has(
		"VTD:   ecap: c=0(non-coherent) qi=1 dt=0 ir=1 eim=0 pt=1 sc=0 iro=0xf0 mhmv=15 nest=0 pasid=0 smts=0 ");
	assert_log_has("VTD:   gsts=0x0 (translation off)\n");
	free(p);
}

static void test_probe_gsts_print(void **state)
{
	u64 cap48 = 0x00d2008c222f0606ull | (1ull << 7);
	u8 *p = fake_page(4096, QEMU_VER, cap48, QEMU_ECAP | 1,
			  0x80000000u | 0x40000000u | 0x04000000u);
	struct vtd_unit u;

	(void)state;
	assert_int_equal(vtd_probe(page_hpa(p), &u), 0);
	harness_log_clear();
	vtd_print(&u, 3);
	assert_log_has("VTD: drhd 3 base=");
	assert_log_has("sagaw=0x6(3-level,4-level) mgaw=48 ");
	assert_log_has(" cm=1 ");
	assert_log_has("c=1(coherent)");
	assert_log_has("VTD:   gsts=0xc4000000 (translation on, root-ptr, qi)\n");
	free(p);
}

static void test_probe_bad_pages(void **state)
{
	struct vtd_unit u;
	u8 *p;

	(void)state;
	/* Nothing decoded at the address: all-ones. */
	p = aligned_alloc(4096, 4096);
	assert_non_null(p);
	memset(p, 0xff, 4096);
	harness_log_clear();
	assert_int_equal(vtd_probe(page_hpa(p), &u), -ENODEV);
	assert_log_has("all-ones");
	/* All-zero registers. */
	memset(p, 0, 4096);
	assert_int_equal(vtd_probe(page_hpa(p), &u), -ENODEV);
	/* Only CAP all-ones. */
	*(u32 *)p = QEMU_VER;
	*(u64 *)(p + 8) = ~0ull;
	*(u64 *)(p + 16) = QEMU_ECAP;
	assert_int_equal(vtd_probe(page_hpa(p), &u), -ENODEV);
	/* Major version 0. */
	*(u32 *)p = 0x01;
	*(u64 *)(p + 8) = QEMU_CAP;
	assert_int_equal(vtd_probe(page_hpa(p), &u), -ENODEV);
	/* Misaligned base, null base. */
	*(u32 *)p = QEMU_VER;
	assert_int_equal(vtd_probe(page_hpa(p) + 8, &u), -EINVAL);
	assert_int_equal(vtd_probe(0, &u), -EINVAL);
	assert_int_equal(vtd_probe(page_hpa(p), &u), 0);
	free(p);
}

static u64 cap_with_fro(u64 fro16, u64 nfr_minus1)
{
	return (QEMU_CAP & ~((0x3ffull << 24) | (0xffull << 40))) | (fro16 << 24) |
	       (nfr_minus1 << 40);
}

static u64 ecap_with_iro(u64 iro16)
{
	return (QEMU_ECAP & ~(0x3ffull << 8)) | (iro16 << 8);
}

static int probe_values(u64 cap, u64 ecap, size_t size)
{
	u8 *p = fake_page(size, QEMU_VER, cap, ecap, 0);
	struct vtd_unit u;
	int ret = vtd_probe_sized(page_hpa(p), size, &u);

	free(p);
	return ret;
}

static void test_probe_offsets(void **state)
{
	(void)state;
	/* Last record ends exactly at the end of the page: fine. */
	assert_int_equal(probe_values(cap_with_fro(0xff, 0), QEMU_ECAP, 4096), 0);
	/* Two records from 0xff0: the second is outside. */
	harness_log_clear();
	assert_int_equal(probe_values(cap_with_fro(0xff, 1), QEMU_ECAP, 4096), -EINVAL);
	assert_log_has("fault-recording");
	/* FRO at 0x1000. */
	assert_int_equal(probe_values(cap_with_fro(0x100, 0), QEMU_ECAP, 4096), -EINVAL);
	/* 256 records from 0x220 run far past the page. */
	assert_int_equal(probe_values(cap_with_fro(0x22, 0xff), QEMU_ECAP, 4096), -EINVAL);
	/* FRO on top of VER/CAP. */
	assert_int_equal(probe_values(cap_with_fro(0, 0), QEMU_ECAP, 4096), -EINVAL);
	/* IOTLB pair ending at the page end / beyond it. */
	assert_int_equal(probe_values(QEMU_CAP, ecap_with_iro(0xff), 4096), 0);
	harness_log_clear();
	assert_int_equal(probe_values(QEMU_CAP, ecap_with_iro(0x100), 4096), -EINVAL);
	assert_log_has("IOTLB");
	/* IOTLB registers inside the fault-recording range. */
	assert_int_equal(probe_values(cap_with_fro(0x22, 3), ecap_with_iro(0x23), 4096), -EINVAL);
	/* IOTLB at 0x3050 needs a 16 KiB register set (DRHD Size field). */
	assert_int_equal(probe_values(QEMU_CAP, ecap_with_iro(0x305), 4096), -EINVAL);
	assert_int_equal(probe_values(QEMU_CAP, ecap_with_iro(0x305), 16384), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_default),
		cmocka_unit_test(test_qemu_caching_mode),
		cmocka_unit_test(test_qemu_aw48),
		cmocka_unit_test(test_sagaw_5level),
		cmocka_unit_test(test_single_bits),
		cmocka_unit_test(test_multibit_fields),
		cmocka_unit_test(test_hw_layout),
		cmocka_unit_test(test_probe_qemu_and_print),
		cmocka_unit_test(test_probe_gsts_print),
		cmocka_unit_test(test_probe_bad_pages),
		cmocka_unit_test(test_probe_offsets),
	};

	return HARNESS_RUN(tests);
}
