/* SPDX-License-Identifier: MIT */
/*
 * The emulated VT-d unit's register file (VT-d spec ch. 11, "Register
 * Descriptions"; ch. 10 in rev 2.x): authoritative private state, guest
 * reads/writes (trap mode) and the render/diff pair that lets a polling
 * sidecore run the same model over a page of plain guest RAM.
 * Pure: no hardware, no guest memory; actions are reported to the caller as
 * VIOMMU_EV_* bits and completed through the functions below. Not
 * thread-safe: every call on one struct viommu_regs must be serialized
 * (one owner CPU, or a lock). See regs.c for the sidecore protocol.
 */
#ifndef VIOMMU_REGS_H
#define VIOMMU_REGS_H

#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/types.h"
#include "viommu/viommu.h"

/* What we advertise (CAP/ECAP, 11.4.2/11.4.3). */
#define VIOMMU_VER 0x10		/* VER 1.0 */
#define VIOMMU_CAP_ND 2		/* 2^(4+2*2) = 256 domains */
#define VIOMMU_CAP_MAMV 9	/* PSI up to 2^9 pages (2 MiB) */
#define VIOMMU_NFR 1		/* fault-recording registers (CAP.NFR = 0) */
#define VIOMMU_IRO_OFFSET 0x200 /* IVA at 0x200, IOTLB at 0x208 (ECAP.IRO) */

/*
 * Where the fault-recording register lives (CAP.FRO). Either layout works:
 *   VIOMMU_FRO_PAGE0  one 4 KiB register page (FRCD at 0x220, after the IOTLB
 *                     pair); in sidecore mode the page must be trapped while
 *                     a fault is pending (the guest clears F by writing 1
 *                     over 1, invisible to polling).
 *   VIOMMU_FRO_PAGE1  two pages: page 0 polled, page 1 (FRCD at 0x1000)
 *                     always trapped. The DRHD must cover both pages (Linux
 *                     also computes the size from CAP.FRO/ECAP.IRO).
 */
#define VIOMMU_FRO_PAGE0 0x220
#define VIOMMU_FRO_PAGE1 0x1000
#define VIOMMU_FRO_OFFSET VIOMMU_FRO_PAGE1 /* the default layout */

/*
 * Sidecore mode: what the rendered page holds at GCMD (a write-only
 * register). All reserved bits 22:0 set: a guest never writes this, so every
 * guest write, even 0 or a repeat of the previous command, differs from it.
 */
#define VIOMMU_GCMD_SENTINEL ((u32)GENMASK(22, 0))

/* Events returned by viommu_reg_write() / viommu_regs_apply_page(). */
#define VIOMMU_EV_SRTP BIT(0)	     /* root pointer latched: re-read root */
#define VIOMMU_EV_TE BIT(1)	     /* GSTS.TES changed */
#define VIOMMU_EV_QIE BIT(2)	     /* QIES changed; on enable run the queue if IQT != IQH */
#define VIOMMU_EV_IQT BIT(3)	     /* IQT written while QIES: run the queue */
#define VIOMMU_EV_IQE_CLEARED BIT(4) /* IQE cleared while QIES: run the queue */
#define VIOMMU_EV_CCMD BIT(5)	     /* context invalidation requested */
#define VIOMMU_EV_IOTLB BIT(6)	     /* IOTLB invalidation requested */
#define VIOMMU_EV_FAULT_IRQ BIT(7)   /* send the fault-event MSI now */
#define VIOMMU_EV_INV_IRQ BIT(8)     /* send the completion-event MSI now */
#define VIOMMU_EV_W1C BIT(9)	     /* a W1C bit cleared: re-check needs_trap */

/* An interrupt message as programmed by the guest (FEADDR/FEDATA...). */
struct viommu_msi {
	u32 addr; /* 0xFEEx_xxxx */
	u32 data;
};

struct viommu_regs_counters {
	u64 reads, writes;   /* accesses (trap) or applied registers (sidecore) */
	u64 bad_accesses;    /* odd size, misaligned, outside the window */
	u64 dropped_writes;  /* ignored by policy (see regs.c), e.g. CCMD when QIE */
	u64 faults_recorded; /* into a fault-recording register */
	u64 faults_lost;     /* PFO set or already set */
};

/* Authoritative state. Fields are private to regs.c: use the functions. */
struct viommu_regs {
	u64 cap, ecap;
	u32 fro;  /* byte offset of the fault-recording register */
	u32 size; /* register window: 4 KiB or 8 KiB */
	u32 gsts;
	u64 rtaddr;	/* as written */
	gpa_t root_gpa; /* latched by SRTP */
	bool root_latched;
	u64 ccmd, iva, iotlb;
	u32 fsts, fectl, fedata, feaddr;
	u64 iqh, iqt, iqa, iqercd;
	u32 ics, iectl, iedata, ieaddr;
	u64 frcd_lo, frcd_hi;
	struct viommu_regs_counters cnt;
};

/**
 * Reset state for cfg (levels 3 or 4, 32 <= mgaw <= table width) with the
 * fault-recording register at fro_offset (VIOMMU_FRO_PAGE0/PAGE1).
 * Returns -EINVAL (r untouched) on a configuration we cannot advertise.
 */
int __must_check viommu_regs_init(struct viommu_regs *r, const struct viommu_config *cfg,
				  u32 fro_offset);
/** Bytes of register window the DRHD must cover (4096 or 8192). */
u32 viommu_regs_size(const struct viommu_regs *r);

/**
 * Guest read of size 4 or 8 at off (naturally aligned). An 8-byte read of
 * two 32-bit registers returns both. Unknown offsets read 0; odd sizes,
 * misalignment and offsets outside the window read 0 and are counted.
 */
u64 viommu_reg_read(struct viommu_regs *r, u32 off, unsigned int size);
/**
 * Guest write (same access rules). Read-only and reserved bits keep their
 * value. Returns VIOMMU_EV_* for the caller to act on.
 */
u32 viommu_reg_write(struct viommu_regs *r, u32 off, unsigned int size, u64 val);

/* ---- sidecore mode (protocol in regs.c) ---- */
/** The page-0 image the guest should see (GCMD = VIOMMU_GCMD_SENTINEL). */
void viommu_regs_render(const struct viommu_regs *r, u8 page[VTD_REG_PAGE_SIZE]);
/**
 * Turn every register of page 0 that differs between page (a snapshot of
 * the guest's page) and last_rendered (the image last published) into a
 * viommu_reg_write, data registers first, then GCMD, CCMD, IOTLB, IQT.
 * W1C-bearing registers (FSTS, ICS, FRCD) are skipped: they are only ever
 * changed by trapped writes. Returns the OR of the events.
 */
u32 viommu_regs_apply_page(struct viommu_regs *r, const u8 *page, const u8 *last_rendered);
/**
 * True while the guest has a write-1-to-clear bit to clear that page 0
 * shows as 1 (FSTS.PFO/IQE/ICE/ITE, ICS.IWC, and F when the fault record
 * is in page 0): page 0 must then be trapped, not polled.
 */
bool viommu_regs_needs_trap(const struct viommu_regs *r);

/* ---- state for the rest of the emulation ---- */
bool viommu_regs_translation_enabled(const struct viommu_regs *r);
/** Root table latched by the last SRTP; false if SRTP was never written. */
bool viommu_regs_root_table(const struct viommu_regs *r, gpa_t *root_gpa);
bool viommu_regs_qi_enabled(const struct viommu_regs *r);
/** Queue base and size in 128-bit descriptors (from IQA; stable while QIES). */
gpa_t viommu_regs_iq_base(const struct viommu_regs *r);
u32 viommu_regs_iq_entries(const struct viommu_regs *r);
/** Head/tail as descriptor indices (IQH.QH/IQT.QT). Tail may be >= entries. */
u32 viommu_regs_iq_head(const struct viommu_regs *r);
u32 viommu_regs_iq_tail(const struct viommu_regs *r);
/** @pre idx < viommu_regs_iq_entries(r) */
void viommu_regs_set_iq_head(struct viommu_regs *r, u32 idx);
/** Queue processing is stopped while FSTS.IQE is set (6.5.2). */
bool viommu_regs_iqe_pending(const struct viommu_regs *r);
/**
 * Report an invalidation-queue error (VTD_IQEI_*): FSTS.IQE, IQERCD.IQEI.
 * Returns true if the fault-event MSI must be sent now.
 */
bool viommu_regs_report_iqe(struct viommu_regs *r, unsigned int iqei);
/** Wait descriptor with IF: ICS.IWC. True if the completion MSI must be sent. */
bool viommu_regs_set_iwc(struct viommu_regs *r);

/** The pending CCMD request (ICC set) / IOTLB request (IVT set) and IVA. */
u64 viommu_regs_ccmd(const struct viommu_regs *r);
u64 viommu_regs_iotlb(const struct viommu_regs *r);
u64 viommu_regs_iva(const struct viommu_regs *r);
/** Completion: clear ICC/IVT, CAIG/IAIG = the granularity performed (0 = none). */
void viommu_regs_complete_ccmd(struct viommu_regs *r, unsigned int caig);
void viommu_regs_complete_iotlb(struct viommu_regs *r, unsigned int iaig);

/**
 * Record a primary fault (ch. 7 primary fault logging, 9.9): fills the record if free, else sets
 * FSTS.PFO; nothing is recorded while PFO is set. Returns true if the
 * fault-event MSI must be sent now (FECTL.IM clear, new interrupt condition).
 */
bool viommu_regs_record_fault(struct viommu_regs *r, u16 sid, iova_t addr, unsigned int reason,
			      bool is_write);

struct viommu_msi viommu_regs_fault_msi(const struct viommu_regs *r);
struct viommu_msi viommu_regs_inv_msi(const struct viommu_regs *r);
u64 viommu_regs_cap(const struct viommu_regs *r);
u64 viommu_regs_ecap(const struct viommu_regs *r);
const struct viommu_regs_counters *viommu_regs_counters(const struct viommu_regs *r);

#endif /* VIOMMU_REGS_H */
