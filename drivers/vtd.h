/* SPDX-License-Identifier: MIT */
/*
 * Physical Intel VT-d remapping unit (one per DRHD): capability decode,
 * probe and read-out. The unit's registers are identity-mapped (hva == hpa).
 * Register/structure layouts live in drivers/vtd_hw.h; the later driver
 * parts (root/context tables, queued invalidation, fault polling) go in
 * further drivers/vtd_*.c files that share struct vtd_unit and the
 * accessors below.
 */
#ifndef DRIVERS_VTD_H
#define DRIVERS_VTD_H

#include "lib/types.h"
#include "boot/x86.h"
#include "drivers/vtd_hw.h"

/* VER/CAP/ECAP decoded into named fields (11.4.1-11.4.3). */
struct vtd_caps {
	/* VER */
	u8 ver_major, ver_minor;

	/* CAP */
	u8 nd;		 /* raw ND field */
	u32 num_domains; /* 2^(4+2*ND); 0 if ND is the reserved 7 */
	u8 sagaw;	 /* raw SAGAW field, VTD_SAGAW_* */
	u8 level_mask;	 /* BIT(n): n-level tables supported (3, 4, 5) */
	u8 mgaw;	 /* maximum guest address width in bits (MGAW+1) */
	u32 fro;	 /* fault-recording registers: byte offset */
	u16 nfr;	 /* number of fault-recording registers (NFR+1) */
	u8 sllps;	 /* raw SLLPS field, VTD_SLLPS_* */
	bool sllps_2m, sllps_1g;
	u8 mamv; /* max address mask for page-selective invalidation */
	bool afl, rwbf, plmr, phmr, cm, zlr, psi, dwd, drd;
	bool fl1gp, pi, fl5lp, esirtps, esrtps;

	/* ECAP */
	bool coherent; /* ECAP.C: page walks snoop CPU caches */
	bool qi, dt, ir, eim, pt, sc;
	u32 iro; /* IOTLB registers: byte offset */
	u8 mhmv; /* max handle mask value for IEC invalidation */
	bool mts, nest, prs, ers, srs, nwfs, eafs;
	u8 pss; /* raw PSS (PASID bits - 1) */
	bool pasid, dit, pds, smts, vcs, slads, slts, flts, smpwcs, rps;
	bool adms, rprivs;
};

/* One remapping unit. */
struct vtd_unit {
	hpa_t base_hpa; /* DRHD register base */
	hva_t regs;	/* where the register set is mapped */
	u64 reg_size;	/* mapped register-set size in bytes */
	u32 ver;	/* raw registers as read at probe time */
	u64 cap, ecap;
	u32 gsts;
	struct vtd_caps caps;
};

/** Decode raw VER/CAP/ECAP values. Pure: no hardware access. */
void vtd_decode_caps(u32 ver, u64 cap, u64 ecap, struct vtd_caps *out);

/** Does the unit support n-level second-level tables (n = 3, 4 or 5)? */
bool vtd_caps_has_levels(const struct vtd_caps *c, unsigned int levels);

/**
 * Read VER/CAP/ECAP/GSTS of the unit at base (one 4 KiB register page) and
 * fill u. -EINVAL for a misaligned base or fault-recording/IOTLB registers
 * outside the page; -ENODEV when the registers read all-ones or zero.
 * Touches no register except by reading; translation state is left alone.
 */
int __must_check vtd_probe(hpa_t base, struct vtd_unit *u);

/**
 * Same, for a register set of reg_size bytes (a multiple of 4 KiB, e.g. from
 * the DRHD Size field: units with IOTLB registers above 4 KiB need it).
 */
int __must_check vtd_probe_sized(hpa_t base, u64 reg_size, struct vtd_unit *u);

/** Print the inventory lines ("VTD: drhd N base=... ") for one unit. */
void vtd_print(const struct vtd_unit *u, unsigned int index);

/* Register accessors; off is a VTD_REG32_/VTD_REG64_ offset. */
static inline u32 vtd_read32(const struct vtd_unit *u, u32 off)
{
	return mmio_read32(u->regs + off);
}

static inline u64 vtd_read64(const struct vtd_unit *u, u32 off)
{
	return mmio_read64(u->regs + off);
}

static inline void vtd_write32(const struct vtd_unit *u, u32 off, u32 v)
{
	mmio_write32(u->regs + off, v);
}

static inline void vtd_write64(const struct vtd_unit *u, u32 off, u64 v)
{
	mmio_write64(u->regs + off, v);
}

#endif /* DRIVERS_VTD_H */
