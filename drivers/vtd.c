// SPDX-License-Identifier: MIT
/*
 * Physical VT-d: capability decode (VT-d spec 11.4.1-11.4.3), unit probe and
 * the boot inventory printout. Probing only reads registers.
 *
 * The rest of the driver lives beside this file and shares struct vtd_unit:
 *   vtd_tables.c  root/context tables and second-level tables for the NIC
 *   vtd_qi.c      queued invalidation (context, IOTLB, wait descriptors)
 *   vtd_fault.c   fault-recording register polling and reporting
 * Every GCMD/GSTS handshake and QI wait there is bounded (tsc_wait_until).
 */
#include "drivers/vtd.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#define LOG_PREFIX "VTD: "
#include "lib/log.h"

/*
 * Registers every unit implements at fixed offsets (VER..PHMLIMIT, 11.4):
 * the implementation-placed fault-recording and IOTLB registers must lie
 * above them.
 */
#define VTD_FIXED_REGS_END 0x80

void vtd_decode_caps(u32 ver, u64 cap, u64 ecap, struct vtd_caps *out)
{
	memset(out, 0, sizeof(*out));

	out->ver_major = (u8)FIELD_GET(VTD_VER_MAX, ver);
	out->ver_minor = (u8)FIELD_GET(VTD_VER_MIN, ver);

	out->nd = (u8)FIELD_GET(VTD_CAP_ND, cap);
	out->num_domains = out->nd <= 6 ? 1u << (4 + 2 * out->nd) : 0;
	out->afl = cap & VTD_CAP_AFL;
	out->rwbf = cap & VTD_CAP_RWBF;
	out->plmr = cap & VTD_CAP_PLMR;
	out->phmr = cap & VTD_CAP_PHMR;
	out->cm = cap & VTD_CAP_CM;
	out->sagaw = (u8)FIELD_GET(VTD_CAP_SAGAW, cap);
	/* SAGAW bit n <=> context AW value n <=> (n + 2)-level tables. */
	for (unsigned int aw = VTD_AW_39BIT; aw <= VTD_AW_57BIT; aw++)
		if (out->sagaw & BIT(aw))
			out->level_mask |= (u8)BIT(vtd_aw_levels(aw));
	out->mgaw = (u8)(FIELD_GET(VTD_CAP_MGAW, cap) + 1);
	out->zlr = cap & VTD_CAP_ZLR;
	out->fro = (u32)FIELD_GET(VTD_CAP_FRO, cap) * 16;
	out->sllps = (u8)FIELD_GET(VTD_CAP_SLLPS, cap);
	out->sllps_2m = out->sllps & VTD_SLLPS_2M;
	out->sllps_1g = out->sllps & VTD_SLLPS_1G;
	out->psi = cap & VTD_CAP_PSI;
	out->nfr = (u16)(FIELD_GET(VTD_CAP_NFR, cap) + 1);
	out->mamv = (u8)FIELD_GET(VTD_CAP_MAMV, cap);
	out->dwd = cap & VTD_CAP_DWD;
	out->drd = cap & VTD_CAP_DRD;
	out->fl1gp = cap & VTD_CAP_FL1GP;
	out->pi = cap & VTD_CAP_PI;
	out->fl5lp = cap & VTD_CAP_FL5LP;
	out->esirtps = cap & VTD_CAP_ESIRTPS;
	out->esrtps = cap & VTD_CAP_ESRTPS;

	out->coherent = ecap & VTD_ECAP_C;
	out->qi = ecap & VTD_ECAP_QI;
	out->dt = ecap & VTD_ECAP_DT;
	out->ir = ecap & VTD_ECAP_IR;
	out->eim = ecap & VTD_ECAP_EIM;
	out->pt = ecap & VTD_ECAP_PT;
	out->sc = ecap & VTD_ECAP_SC;
	out->iro = vtd_iotlb_reg_offset(ecap);
	out->mhmv = (u8)FIELD_GET(VTD_ECAP_MHMV, ecap);
	out->mts = ecap & VTD_ECAP_MTS;
	out->nest = ecap & VTD_ECAP_NEST;
	out->prs = ecap & VTD_ECAP_PRS;
	out->ers = ecap & VTD_ECAP_ERS;
	out->srs = ecap & VTD_ECAP_SRS;
	out->nwfs = ecap & VTD_ECAP_NWFS;
	out->eafs = ecap & VTD_ECAP_EAFS;
	out->pss = (u8)FIELD_GET(VTD_ECAP_PSS, ecap);
	out->pasid = ecap & VTD_ECAP_PASID;
	out->dit = ecap & VTD_ECAP_DIT;
	out->pds = ecap & VTD_ECAP_PDS;
	out->smts = ecap & VTD_ECAP_SMTS;
	out->vcs = ecap & VTD_ECAP_VCS;
	out->slads = ecap & VTD_ECAP_SLADS;
	out->slts = ecap & VTD_ECAP_SLTS;
	out->flts = ecap & VTD_ECAP_FLTS;
	out->smpwcs = ecap & VTD_ECAP_SMPWCS;
	out->rps = ecap & VTD_ECAP_RPS;
	out->adms = ecap & VTD_ECAP_ADMS;
	out->rprivs = ecap & VTD_ECAP_RPRIVS;
}

bool vtd_caps_has_levels(const struct vtd_caps *c, unsigned int levels)
{
	return levels < 8 && (c->level_mask & BIT(levels));
}

/* Is [off, off+len) a sane place for implementation-placed registers? */
static bool vtd_regs_placed_ok(const struct vtd_unit *u, const char *what, u32 off, u32 len)
{
	if (off < VTD_FIXED_REGS_END || !range_within(off, len, 0, u->reg_size)) {
		pr_err("drhd %#lx: %s registers at 0x%x..0x%x outside the register set (0x%x..0x%lx)\n",
		       u->base_hpa, what, off, off + len - 1, VTD_FIXED_REGS_END, u->reg_size - 1);
		return false;
	}
	return true;
}

/* Checks on the decoded capabilities that make the unit unusable. */
static int vtd_check_layout(const struct vtd_unit *u)
{
	const struct vtd_caps *c = &u->caps;
	u32 fr_len = (u32)c->nfr * VTD_FRCD_SIZE;

	if (!vtd_regs_placed_ok(u, "fault-recording", c->fro, fr_len) ||
	    !vtd_regs_placed_ok(u, "IOTLB", c->iro, VTD_IOTLB_REGS_SIZE))
		return -EINVAL;
	if (ranges_overlap(c->fro, fr_len, c->iro, VTD_IOTLB_REGS_SIZE)) {
		pr_err("drhd %#lx: fault-recording registers (0x%x, %u) overlap IOTLB registers (0x%x)\n",
		       u->base_hpa, c->fro, c->nfr, c->iro);
		return -EINVAL;
	}
	return 0;
}

int vtd_probe_sized(hpa_t base, u64 reg_size, struct vtd_unit *u)
{
	memset(u, 0, sizeof(*u));
	if (!base || !IS_ALIGNED(base, VTD_REG_PAGE_SIZE) || !reg_size ||
	    !IS_ALIGNED(reg_size, VTD_REG_PAGE_SIZE) || reg_size > MiB(1)) {
		pr_err("drhd base %#lx size %#lx: not a 4 KiB-aligned register set\n", base,
		       reg_size);
		return -EINVAL;
	}
	u->base_hpa = base;
	u->regs = (hva_t)base; /* identity-mapped */
	u->reg_size = reg_size;

	u->ver = vtd_read32(u, VTD_REG32_VER);
	u->cap = vtd_read64(u, VTD_REG64_CAP);
	u->ecap = vtd_read64(u, VTD_REG64_ECAP);
	if (u->ver == ~0u || u->cap == ~0ull || u->ecap == ~0ull) {
		pr_err("drhd %#lx: registers read all-ones (ver=0x%x cap=0x%lx ecap=0x%lx): no remapping unit there\n",
		       base, u->ver, u->cap, u->ecap);
		return -ENODEV;
	}
	if (!FIELD_GET(VTD_VER_MAX, u->ver) || !u->cap || !u->ecap) {
		pr_err("drhd %#lx: registers read zero (ver=0x%x cap=0x%lx ecap=0x%lx): no remapping unit there\n",
		       base, u->ver, u->cap, u->ecap);
		return -ENODEV;
	}
	u->gsts = vtd_read32(u, VTD_REG32_GSTS);
	vtd_decode_caps(u->ver, u->cap, u->ecap, &u->caps);

	if (!u->caps.num_domains)
		pr_warn("drhd %#lx: reserved CAP.ND=7\n", base);
	if (!u->caps.level_mask)
		pr_warn("drhd %#lx: CAP.SAGAW=0x%x offers no 3/4/5-level tables\n", base,
			u->caps.sagaw);
	return vtd_check_layout(u);
}

int vtd_probe(hpa_t base, struct vtd_unit *u)
{
	return vtd_probe_sized(base, VTD_REG_PAGE_SIZE, u);
}

/* "3-level,4-level" for the supported table depths, or "none". */
static void vtd_format_levels(const struct vtd_caps *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int lv = 3; lv <= 5; lv++) {
		if (!vtd_caps_has_levels(c, lv))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%u-level", n ? "," : "", lv);
		if (n >= len)
			return;
	}
	if (!n)
		strlcpy(buf, "none", len);
}

static const char *vtd_sllps_name(const struct vtd_caps *c)
{
	if (c->sllps_2m && c->sllps_1g)
		return "2M,1G";
	if (c->sllps_2m)
		return "2M";
	if (c->sllps_1g)
		return "1G";
	return "none";
}

static void vtd_print_cap(const struct vtd_caps *c)
{
	char levels[32];

	vtd_format_levels(c, levels, sizeof(levels));
	printk("VTD:   cap: nd=%u(%u domains) sagaw=0x%x(%s) mgaw=%u fro=0x%x nfr=%u sllps=%s psi=%d mamv=%u cm=%d rwbf=%d plmr=%d phmr=%d zlr=%d afl=%d dwd=%d drd=%d pi=%d fl1gp=%d fl5lp=%d esrtps=%d esirtps=%d\n",
	       c->nd, c->num_domains, c->sagaw, levels, c->mgaw, c->fro, c->nfr, vtd_sllps_name(c),
	       c->psi, c->mamv, c->cm, c->rwbf, c->plmr, c->phmr, c->zlr, c->afl, c->dwd, c->drd,
	       c->pi, c->fl1gp, c->fl5lp, c->esrtps, c->esirtps);
}

static void vtd_print_ecap(const struct vtd_caps *c)
{
	printk("VTD:   ecap: c=%d(%s) qi=%d dt=%d ir=%d eim=%d pt=%d sc=%d iro=0x%x mhmv=%u nest=%d pasid=%d smts=%d mts=%d prs=%d ers=%d srs=%d nwfs=%d eafs=%d pss=%u dit=%d pds=%d vcs=%d slads=%d slts=%d flts=%d smpwcs=%d rps=%d adms=%d rprivs=%d\n",
	       c->coherent, c->coherent ? "coherent" : "non-coherent", c->qi, c->dt, c->ir, c->eim,
	       c->pt, c->sc, c->iro, c->mhmv, c->nest, c->pasid, c->smts, c->mts, c->prs, c->ers,
	       c->srs, c->nwfs, c->eafs, c->pss, c->dit, c->pds, c->vcs, c->slads, c->slts, c->flts,
	       c->smpwcs, c->rps, c->adms, c->rprivs);
}

static void vtd_print_gsts(u32 gsts)
{
	static const struct {
		u32 bit;
		const char *name;
	} flags[] = {
		{ VTD_GSTS_RTPS, "root-ptr" },
		{ VTD_GSTS_QIES, "qi" },
		{ VTD_GSTS_IRES, "ir" },
		{ VTD_GSTS_IRTPS, "irt-ptr" },
		{ VTD_GSTS_CFIS, "cfi" },
		{ VTD_GSTS_FLS, "fault-log" },
		{ VTD_GSTS_AFLS, "adv-fault-log" },
		{ VTD_GSTS_WBFS, "wbf" },
	};
	char buf[128];
	size_t n;

	n = (size_t)snprintf(buf, sizeof(buf), "translation %s",
			     gsts & VTD_GSTS_TES ? "on" : "off");
	for (size_t i = 0; i < ARRAY_SIZE(flags) && n < sizeof(buf); i++)
		if (gsts & flags[i].bit)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, ", %s", flags[i].name);
	printk("VTD:   gsts=0x%x (%s)\n", gsts, buf);
}

void vtd_print(const struct vtd_unit *u, unsigned int index)
{
	printk("VTD: drhd %u base=%#lx ver=%u.%u cap=0x%016lx ecap=0x%016lx\n", index, u->base_hpa,
	       u->caps.ver_major, u->caps.ver_minor, u->cap, u->ecap);
	vtd_print_cap(&u->caps);
	vtd_print_ecap(&u->caps);
	vtd_print_gsts(u->gsts);
}
