// SPDX-License-Identifier: MIT
/*
 * The emulated VT-d register file (spec ch. 11 "Register Descriptions"):
 * CAP/ECAP we advertise, GCMD -> GSTS, RTADDR latched by SRTP, register-
 * based invalidation (CCMD, IVA/IOTLB) as request -> caller -> completion,
 * primary fault recording (FSTS, one FRCD, FECTL/FEDATA/FEADDR), the queued-
 * invalidation registers (IQH/IQT/IQA/ICS/IECTL...). Invariants: read-only
 * and reserved bits never change on a guest write; FSTS.PPF == FRCD.F;
 * FECTL.IP/IECTL.IP set only while IM is set (else delivered at once).
 * Trap mode calls viommu_reg_read/write; sidecore mode renders/diffs a page.
 */
#include "viommu/regs.h"
#include "lib/errno.h"
#include "lib/string.h"

/*
 * Sidecore mode (the register page is plain guest RAM, polled).
 *
 * The polling loop owns this model and `last`, the image it last published.
 * One iteration:
 *   1. snap = copy of page 0 made of aligned 8-byte loads (each atomic
 *      against the guest's aligned 4- and 8-byte stores);
 *   2. ev = viommu_regs_apply_page(r, snap, last); act on ev (invalidate and
 *      viommu_regs_complete_*(), run the queue, send MSIs...);
 *   3. viommu_regs_render(r, img); publish every 8-byte granule where img
 *      differs from snap with a compare-exchange on the guest page that
 *      expects snap's value; then last = img.
 * A failed compare-exchange means the guest stored into that granule after
 * the snapshot: its store stays in the page, differs from last, and is
 * applied next iteration. A plain store could lose it (the guest clearing
 * FECTL.IM while we publish FECTL.IP, or a second GCMD command).
 *
 * (a) Same-value writes are invisible to polling. Registers whose writes are
 *     commands are therefore rendered so that the next command differs:
 *     - GCMD shows VIOMMU_GCMD_SENTINEL (reserved bits set), re-armed after
 *       every write: two identical commands are two changes. A guest that
 *       reads GCMD sees the sentinel (write-only register; traps read 0).
 *     - CCMD/IOTLB: ICC/IVT are cleared on completion, so the next request
 *       (bit set) differs. Software must not write them while a request is
 *       pending (11.4.7, 11.4.8.1); such writes are dropped.
 *     - IQT: every submission moves the tail; it cannot wrap back onto the
 *       rendered value before the head (which we move) advances.
 *     - Data registers (RTADDR, IQA, IVA, FEDATA, the IM bits...): rewriting
 *       the value they hold changes nothing, so missing it is harmless.
 *     apply_page applies data registers first, then GCMD, CCMD, IOTLB, IQT,
 *     so RTADDR+SRTP, IQA+QIE or IVA+IVT stored between two scans act in
 *     the order software issued them. Two commands stored into one register
 *     within one scan collapse to the last: software that does not wait for
 *     the status change (GSTS.TES/QIES, ICC/IVT, a wait descriptor) between
 *     them is not supported; Linux always waits. One status cannot be
 *     waited on: after SRTP, GSTS.RTPS may still be 1 from an earlier SRTP,
 *     so the guest can move on before the scan; what it does next (global
 *     context and IOTLB invalidation) is applied after the SRTP, in the same
 *     scan or a later one, and so sees the new root.
 * (b) Write-1-to-clear bits (FSTS.PFO/IQE/ICE/ITE, FRCD.F, ICS.IWC) cannot
 *     be polled: a 1 written over a 1 leaves the page unchanged. So polled
 *     RAM must never show one set: while viommu_regs_needs_trap(), page 0
 *     traps and is served by viommu_reg_read/write. Poll -> trap: before
 *     step 3, if needs_trap (after record_fault, report_iqe, set_iwc), do
 *     not publish; make the page trap, then run one last snapshot +
 *     apply_page for the stores that landed before the switch. Trap -> poll,
 *     when needs_trap turns false (check after VIOMMU_EV_W1C): render into
 *     the page while it still traps, last = that image, then map it back as
 *     RAM. Hence a polled store into FSTS, ICS or the record is always a
 *     no-op, and apply_page skips them (the next publication restores what
 *     the guest scribbled there). With VIOMMU_FRO_PAGE1 the record is in
 *     page 1, which always traps, so a pending fault alone (PPF, RO) leaves
 *     page 0 polled; with VIOMMU_FRO_PAGE0 a set F traps page 0 too.
 * (c) Torn 64-bit writes (two 32-bit stores; Linux's 32-bit dmar_writeq
 *     stores the low half first): CCMD/IOTLB act only when the half holding
 *     ICC/IVT (the high one) is written with the bit set, using the low half
 *     as it then stands; a scan that catches only the low half applies it as
 *     data. IQT's tail lies entirely in the low dword (the high one is
 *     reserved) and Linux writes it with one store. RTADDR, IQA and IVA are
 *     consumed only by a later command (SRTP, QIE, IVT).
 * In both modes apply_page and viommu_reg_write go through the same code, so
 * the semantics below hold for either.
 */

/* Writable bits: everything else is read-only or reserved (held). */
#define RTADDR_WMASK VTD_RTADDR_RTA /* TTM: legacy only (ECAP.SMTS=0, ADMS=0) */
#define CCMD_WMASK (VTD_CCMD_DID | VTD_CCMD_SID | VTD_CCMD_FM | VTD_CCMD_CIRG | VTD_CCMD_ICC)
#define IVA_WMASK (VTD_IVA_ADDR | VTD_IVA_IH | VTD_IVA_AM)
#define IOTLB_WMASK (VTD_IOTLB_DID | VTD_IOTLB_DW | VTD_IOTLB_DR | VTD_IOTLB_IIRG | VTD_IOTLB_IVT)
#define IQT_WMASK VTD_IQT_QT
#define IQA_WMASK (VTD_IQA_IQA | VTD_IQA_QS) /* DW needs ECAP.SMTS: reserved */
/* FEDATA/IEDATA 31:16 (extended data) and FE/IEUADDR (needs ECAP.EIM) are
 * reserved here: 16-bit MSI data, xAPIC address range only. */
#define MSI_ADDR_RANGE_MASK 0xfff00000u
#define MSI_ADDR_RANGE 0xfee00000u
/* FSTS fields whose being set means "an interrupt condition is pending" (FECTL.IP). */
#define FSTS_STATUS (VTD_FSTS_RW1C_MASK | VTD_FSTS_PPF)
/* GCMD commands we implement; WBF (CAP.RWBF=0), SFL/EAFL (no AFL), SIRTP/
 * IRE/CFI (no ECAP.IR) are ignored (11.4.4). */

enum slot_phase { PH_W1C, PH_DATA, PH_GCMD, PH_INV, PH_IQT };

struct reg_slot {
	u16 off;
	u8 width;
	u8 phase;
};

/* Page-0 registers, in the order apply_page walks a phase. */
static const struct reg_slot slots[] = {
	{ VTD_REG32_VER, 4, PH_DATA },
	{ VTD_REG64_CAP, 8, PH_DATA },
	{ VTD_REG64_ECAP, 8, PH_DATA },
	{ VTD_REG32_GCMD, 4, PH_GCMD },
	{ VTD_REG32_GSTS, 4, PH_DATA },
	{ VTD_REG64_RTADDR, 8, PH_DATA },
	{ VTD_REG64_CCMD, 8, PH_INV },
	{ VTD_REG32_FSTS, 4, PH_W1C },
	{ VTD_REG32_FECTL, 4, PH_DATA },
	{ VTD_REG32_FEDATA, 4, PH_DATA },
	{ VTD_REG32_FEADDR, 4, PH_DATA },
	{ VTD_REG32_FEUADDR, 4, PH_DATA },
	{ VTD_REG64_IQH, 8, PH_DATA },
	{ VTD_REG64_IQT, 8, PH_IQT },
	{ VTD_REG64_IQA, 8, PH_DATA },
	{ VTD_REG32_ICS, 4, PH_W1C },
	{ VTD_REG32_IECTL, 4, PH_DATA },
	{ VTD_REG32_IEDATA, 4, PH_DATA },
	{ VTD_REG32_IEADDR, 4, PH_DATA },
	{ VTD_REG32_IEUADDR, 4, PH_DATA },
	{ VTD_REG64_IQERCD, 8, PH_DATA },
	{ VIOMMU_IRO_OFFSET + VTD_REL64_IVA, 8, PH_DATA },
	{ VIOMMU_IRO_OFFSET + VTD_REL64_IOTLB, 8, PH_INV },
};

static inline u64 merge(u64 old, u64 val, u64 mask)
{
	return (old & ~mask) | (val & mask);
}

static bool msi_addr_ok(u32 addr)
{
	return (addr & MSI_ADDR_RANGE_MASK) == MSI_ADDR_RANGE;
}

/*
 * A new fault-event interrupt condition (FECTL.IP, 11.4, Fault Event Control):
 * only if no FSTS status field was set before (old_status); delivered at once
 * unless masked. Returns true if the MSI must be sent now.
 */
static bool fault_condition(struct viommu_regs *r, u32 old_status)
{
	if (old_status)
		return false;
	if (r->fectl & VTD_FECTL_IM) {
		r->fectl |= VTD_FECTL_IP;
		return false;
	}
	return true;
}

/* IP clears when software has serviced every pending status field. */
static void fault_serviced(struct viommu_regs *r)
{
	if (!(r->fsts & FSTS_STATUS))
		r->fectl &= ~VTD_FECTL_IP;
}

int viommu_regs_init(struct viommu_regs *r, const struct viommu_config *cfg, u32 fro_offset)
{
	u64 sllps = 0;
	u32 size;

	if (cfg->levels != 3 && cfg->levels != 4)
		return -EINVAL;
	if (cfg->mgaw < 32 || cfg->mgaw > vtd_aw_bits(cfg->levels - 2))
		return -EINVAL;
	/* The record must not overlap another register and must fit FRO. */
	if (fro_offset % VTD_FRCD_SIZE || fro_offset < 0x100 ||
	    fro_offset / 16 > FIELD_GET(VTD_CAP_FRO, VTD_CAP_FRO) ||
	    ranges_overlap(fro_offset, VTD_FRCD_SIZE, VIOMMU_IRO_OFFSET, VTD_IOTLB_REGS_SIZE) ||
	    fro_offset + VTD_FRCD_SIZE > 2 * VTD_REG_PAGE_SIZE)
		return -EINVAL;
	size = fro_offset + VTD_FRCD_SIZE > VTD_REG_PAGE_SIZE ? 2 * VTD_REG_PAGE_SIZE
							      : VTD_REG_PAGE_SIZE;

	memset(r, 0, sizeof(*r));
	r->fro = fro_offset;
	r->size = size;
	if (cfg->sllps_2m)
		sllps |= VTD_SLLPS_2M;
	if (cfg->sllps_1g)
		sllps |= VTD_SLLPS_1G;
	/* 11.4.2: CM=1 makes the guest invalidate after every map, which is
	 * what lets us shadow its tables. No RWBF/PLMR/PHMR/ZLR/AFL/DWD/DRD. */
	r->cap = FIELD_PREP(VTD_CAP_ND, VIOMMU_CAP_ND) | VTD_CAP_CM |
		 FIELD_PREP(VTD_CAP_SAGAW, cfg->levels == 4 ? VTD_SAGAW_48BIT : VTD_SAGAW_39BIT) |
		 FIELD_PREP(VTD_CAP_MGAW, cfg->mgaw - 1) |
		 FIELD_PREP(VTD_CAP_FRO, fro_offset / 16) | FIELD_PREP(VTD_CAP_SLLPS, sllps) |
		 VTD_CAP_PSI | FIELD_PREP(VTD_CAP_NFR, VIOMMU_NFR - 1) |
		 FIELD_PREP(VTD_CAP_MAMV, VIOMMU_CAP_MAMV);
	/* 11.4.3: C=1, our walker is a CPU reading through the cache, so the
	 * guest need not flush its table updates. No DT/IR/EIM/SC/PASID/SMTS. */
	r->ecap = VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_PT |
		  FIELD_PREP(VTD_ECAP_IRO, VIOMMU_IRO_OFFSET / 16);
	/* Reset values: interrupt messages masked (FECTL/IECTL IM=1). */
	r->fectl = VTD_FECTL_IM;
	r->iectl = VTD_IECTL_IM;
	return 0;
}

u32 viommu_regs_size(const struct viommu_regs *r)
{
	return r->size;
}

/* ---- register access ---------------------------------------------------- */

/* The 64-bit register at off8, or NULL. */
static const u64 *reg64(const struct viommu_regs *r, u32 off8)
{
	switch (off8) {
	case VTD_REG64_CAP:
		return &r->cap;
	case VTD_REG64_ECAP:
		return &r->ecap;
	case VTD_REG64_RTADDR:
		return &r->rtaddr;
	case VTD_REG64_CCMD:
		return &r->ccmd;
	case VTD_REG64_IQH:
		return &r->iqh;
	case VTD_REG64_IQT:
		return &r->iqt;
	case VTD_REG64_IQA:
		return &r->iqa;
	case VTD_REG64_IQERCD:
		return &r->iqercd;
	case VIOMMU_IRO_OFFSET + VTD_REL64_IVA:
		return &r->iva;
	case VIOMMU_IRO_OFFSET + VTD_REL64_IOTLB:
		return &r->iotlb;
	}
	if (off8 == r->fro + VTD_REL64_FRCD_LO)
		return &r->frcd_lo;
	if (off8 == r->fro + VTD_REL64_FRCD_HI)
		return &r->frcd_hi;
	return NULL;
}

/* The 32-bit register at off4 (0 if none). GCMD is write-only. */
static u32 get32(const struct viommu_regs *r, u32 off4, bool render)
{
	switch (off4) {
	case VTD_REG32_VER:
		return VIOMMU_VER;
	case VTD_REG32_GCMD:
		return render ? VIOMMU_GCMD_SENTINEL : 0;
	case VTD_REG32_GSTS:
		return r->gsts;
	case VTD_REG32_FSTS:
		return r->fsts;
	case VTD_REG32_FECTL:
		return r->fectl;
	case VTD_REG32_FEDATA:
		return r->fedata;
	case VTD_REG32_FEADDR:
		return r->feaddr;
	case VTD_REG32_ICS:
		return r->ics;
	case VTD_REG32_IECTL:
		return r->iectl;
	case VTD_REG32_IEDATA:
		return r->iedata;
	case VTD_REG32_IEADDR:
		return r->ieaddr;
	}
	return 0; /* unknown, or reserved (FEUADDR, IEUADDR) */
}

static u64 granule(const struct viommu_regs *r, u32 off8, bool render)
{
	const u64 *reg = reg64(r, off8);

	if (reg)
		return *reg;
	return get32(r, off8, render) | (u64)get32(r, off8 + 4, render) << 32;
}

static bool access_ok(const struct viommu_regs *r, u32 off, unsigned int size)
{
	return (size == 4 || size == 8) && off % size == 0 && off < r->size &&
	       size <= r->size - off;
}

u64 viommu_reg_read(struct viommu_regs *r, u32 off, unsigned int size)
{
	u64 v;

	if (!access_ok(r, off, size)) {
		r->cnt.bad_accesses++;
		return 0;
	}
	r->cnt.reads++;
	v = granule(r, off & ~7u, false);
	if (size == 8)
		return v;
	return (u32)(v >> (off & 4) * 8);
}

/* 11.4.4: one command per write; TE/QIE compare with GSTS, SRTP is 1-shot. */
static u32 write_gcmd(struct viommu_regs *r, u32 val)
{
	u32 ev = 0;

	if (val & VTD_GCMD_SRTP) {
		/* 11.4.6: RTADDR is used only when latched by SRTP. */
		r->root_gpa = r->rtaddr & VTD_RTADDR_RTA;
		r->root_latched = true;
		r->gsts |= VTD_GSTS_RTPS;
		ev |= VIOMMU_EV_SRTP;
	}
	if ((val ^ r->gsts) & VTD_GCMD_QIE) {
		r->gsts ^= VTD_GSTS_QIES;
		/* IQH reads 0 whenever QIES is clear (11.4, IQH). */
		if (!(r->gsts & VTD_GSTS_QIES))
			r->iqh = 0;
		ev |= VIOMMU_EV_QIE;
	}
	/* TE before any SRTP is a software error (11.4.4 TE: SRTP first) with
	 * no defined outcome; like QEMU we follow TE, and translation with no
	 * latched root (viommu_regs_root_table() false) must block all DMA. */
	if ((val ^ r->gsts) & VTD_GCMD_TE) {
		r->gsts ^= VTD_GSTS_TES;
		ev |= VIOMMU_EV_TE;
	}
	return ev;
}

/* 11.4, Fault Status: W1C status bits; PPF and FRI are read-only. */
static u32 write_fsts(struct viommu_regs *r, u32 val)
{
	u32 clear = val & r->fsts & (u32)VTD_FSTS_RW1C_MASK;
	u32 ev = 0;

	if (!clear)
		return 0;
	r->fsts &= ~clear;
	ev |= VIOMMU_EV_W1C;
	/* 6.5.2: the queue is stopped at the bad descriptor until IQE clears. */
	if ((clear & VTD_FSTS_IQE) && (r->gsts & VTD_GSTS_QIES))
		ev |= VIOMMU_EV_IQE_CLEARED;
	fault_serviced(r);
	return ev;
}

/* FECTL/IECTL: IM is RW, IP RO; clearing IM delivers a pending message. */
_Static_assert(VTD_FECTL_IM == VTD_IECTL_IM && VTD_FECTL_IP == VTD_IECTL_IP,
	       "FECTL and IECTL share their layout (11.4)");
static u32 write_ectl(u32 *ectl, u32 val, u32 irq_event)
{
	*ectl = (u32)merge(*ectl, val, VTD_FECTL_IM);
	if ((*ectl & VTD_FECTL_IP) && !(*ectl & VTD_FECTL_IM)) {
		*ectl &= ~VTD_FECTL_IP;
		return irq_event;
	}
	return 0;
}

static u32 write_msi_addr(struct viommu_regs *r, u32 *reg, u32 val)
{
	if (!msi_addr_ok(val)) {
		r->cnt.dropped_writes++; /* keep the old, valid address */
		return 0;
	}
	*reg = val & (u32)VTD_FEADDR_MA;
	return 0;
}

static u32 write32(struct viommu_regs *r, u32 off4, u32 val)
{
	switch (off4) {
	case VTD_REG32_GCMD:
		return write_gcmd(r, val);
	case VTD_REG32_FSTS:
		return write_fsts(r, val);
	case VTD_REG32_FECTL:
		return write_ectl(&r->fectl, val, VIOMMU_EV_FAULT_IRQ);
	case VTD_REG32_FEDATA:
		r->fedata = val & (u32)VTD_FEDATA_IMD;
		return 0;
	case VTD_REG32_FEADDR:
		return write_msi_addr(r, &r->feaddr, val);
	case VTD_REG32_ICS:
		if (!(val & r->ics & VTD_ICS_IWC))
			return 0;
		r->ics &= ~(u32)VTD_ICS_IWC;
		r->iectl &= ~(u32)VTD_IECTL_IP; /* serviced (11.4, IECTL.IP) */
		return VIOMMU_EV_W1C;
	case VTD_REG32_IECTL:
		return write_ectl(&r->iectl, val, VIOMMU_EV_INV_IRQ);
	case VTD_REG32_IEDATA:
		r->iedata = val & (u32)VTD_IEDATA_IMD;
		return 0;
	case VTD_REG32_IEADDR:
		return write_msi_addr(r, &r->ieaddr, val);
	}
	return 0; /* read-only (VER, GSTS), reserved or unknown */
}

/*
 * Register-based invalidation (11.4.7 CCMD, 11.4.8.1 IOTLB): ignored
 * while queued invalidation is on (11.4.4 QIE) or a request is in flight.
 * A request is the write of the bit-63 half with the bit set (see (c)).
 */
static u32 write_inv(struct viommu_regs *r, u64 *reg, u64 wmask, u64 go, u64 val, u64 m, u32 event)
{
	if ((r->gsts & VTD_GSTS_QIES) || (*reg & go)) {
		r->cnt.dropped_writes++;
		return 0;
	}
	*reg = merge(*reg, val, m & wmask);
	return (*reg & go) ? event : 0;
}

/* The 64-bit register at off8 exists; m = the bytes written. */
static u32 write64(struct viommu_regs *r, u32 off8, u64 val, u64 m)
{
	switch (off8) {
	case VTD_REG64_RTADDR:
		r->rtaddr = merge(r->rtaddr, val, m & RTADDR_WMASK);
		return 0;
	case VTD_REG64_CCMD:
		return write_inv(r, &r->ccmd, CCMD_WMASK, VTD_CCMD_ICC, val, m, VIOMMU_EV_CCMD);
	case VTD_REG64_IQT:
		r->iqt = merge(r->iqt, val, m & IQT_WMASK);
		/* 6.5.2: a tail write asks for processing up to it. */
		if ((m & IQT_WMASK) && (r->gsts & VTD_GSTS_QIES))
			return VIOMMU_EV_IQT;
		return 0;
	case VTD_REG64_IQA:
		/* The queue must not move under enabled QI: keep it stable. */
		if (r->gsts & VTD_GSTS_QIES) {
			r->cnt.dropped_writes++;
			return 0;
		}
		r->iqa = merge(r->iqa, val, m & IQA_WMASK);
		return 0;
	case VIOMMU_IRO_OFFSET + VTD_REL64_IVA:
		if (r->iotlb & VTD_IOTLB_IVT) {
			r->cnt.dropped_writes++;
			return 0;
		}
		r->iva = merge(r->iva, val, m & IVA_WMASK);
		return 0;
	case VIOMMU_IRO_OFFSET + VTD_REL64_IOTLB:
		return write_inv(r, &r->iotlb, IOTLB_WMASK, VTD_IOTLB_IVT, val, m, VIOMMU_EV_IOTLB);
	}
	/* 9.9: only F (bit 127) is writable in the fault record, W1C. */
	if (off8 == r->fro + VTD_REL64_FRCD_HI && (val & m & VTD_FRCD_HI_F) &&
	    (r->frcd_hi & VTD_FRCD_HI_F)) {
		r->frcd_hi &= ~VTD_FRCD_HI_F;
		r->fsts &= ~(u32)VTD_FSTS_PPF; /* the only record */
		fault_serviced(r);
		return VIOMMU_EV_W1C;
	}
	return 0; /* read-only: CAP, ECAP, IQH, IQERCD, FRCD */
}

u32 viommu_reg_write(struct viommu_regs *r, u32 off, unsigned int size, u64 val)
{
	u32 off8 = off & ~7u;

	if (!access_ok(r, off, size)) {
		r->cnt.bad_accesses++;
		return 0;
	}
	r->cnt.writes++;
	if (reg64(r, off8)) {
		if (size == 8)
			return write64(r, off8, val, ~0ull);
		return write64(r, off8, (u64)(u32)val << (off & 4) * 8,
			       (u64)0xffffffffu << (off & 4) * 8);
	}
	if (size == 8) /* two 32-bit registers: low, then high */
		return write32(r, off8, (u32)val) | write32(r, off8 + 4, (u32)(val >> 32));
	return write32(r, off, (u32)val);
}

/* ---- sidecore: render and diff ------------------------------------------ */

static u64 ld64(const u8 *p)
{
	u64 v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void st64(u8 *p, u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (u8)(v >> 8 * i);
}

static u32 ld32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

void viommu_regs_render(const struct viommu_regs *r, u8 page[VTD_REG_PAGE_SIZE])
{
	memset(page, 0, VTD_REG_PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(slots); i++) {
		u32 off8 = slots[i].off & ~7u;

		st64(page + off8, granule(r, off8, true));
	}
	if (r->fro < VTD_REG_PAGE_SIZE) {
		st64(page + r->fro, r->frcd_lo);
		st64(page + r->fro + 8, r->frcd_hi);
	}
}

static u32 apply_slot(struct viommu_regs *r, const struct reg_slot *s, const u8 *page,
		      const u8 *last)
{
	u32 off = s->off;
	u64 v, old;
	bool lo, hi;

	if (s->width == 4) {
		v = ld32(page + off);
		return v != ld32(last + off) ? viommu_reg_write(r, off, 4, v) : 0;
	}
	/* 64-bit: only the halves that changed, as two 32-bit stores would. */
	v = ld64(page + off);
	old = ld64(last + off);
	lo = (u32)v != (u32)old;
	hi = (v >> 32) != (old >> 32);
	if (lo && hi)
		return viommu_reg_write(r, off, 8, v);
	if (lo)
		return viommu_reg_write(r, off, 4, (u32)v);
	if (hi)
		return viommu_reg_write(r, off + 4, 4, v >> 32);
	return 0;
}

u32 viommu_regs_apply_page(struct viommu_regs *r, const u8 *page, const u8 *last_rendered)
{
	static const u8 order[] = { PH_DATA, PH_GCMD, PH_INV, PH_IQT };
	u32 ev = 0;

	if (!memcmp(page, last_rendered, VTD_REG_PAGE_SIZE))
		return 0;
	for (size_t p = 0; p < ARRAY_SIZE(order); p++)
		for (size_t i = 0; i < ARRAY_SIZE(slots); i++)
			if (slots[i].phase == order[p])
				ev |= apply_slot(r, &slots[i], page, last_rendered);
	return ev;
}

bool viommu_regs_needs_trap(const struct viommu_regs *r)
{
	if (r->fsts & VTD_FSTS_RW1C_MASK)
		return true;
	if (r->ics & VTD_ICS_IWC)
		return true;
	return r->fro < VTD_REG_PAGE_SIZE && (r->frcd_hi & VTD_FRCD_HI_F);
}

/* ---- state for the rest of the emulation ---------------------------------- */

bool viommu_regs_translation_enabled(const struct viommu_regs *r)
{
	return r->gsts & VTD_GSTS_TES;
}

bool viommu_regs_root_table(const struct viommu_regs *r, gpa_t *root_gpa)
{
	if (!r->root_latched)
		return false;
	*root_gpa = r->root_gpa;
	return true;
}

bool viommu_regs_qi_enabled(const struct viommu_regs *r)
{
	return r->gsts & VTD_GSTS_QIES;
}

gpa_t viommu_regs_iq_base(const struct viommu_regs *r)
{
	return r->iqa & VTD_IQA_IQA;
}

u32 viommu_regs_iq_entries(const struct viommu_regs *r)
{
	return 1u << (FIELD_GET(VTD_IQA_QS, r->iqa) + 8);
}

u32 viommu_regs_iq_head(const struct viommu_regs *r)
{
	return (u32)FIELD_GET(VTD_IQH_QH, r->iqh);
}

u32 viommu_regs_iq_tail(const struct viommu_regs *r)
{
	return (u32)FIELD_GET(VTD_IQT_QT, r->iqt);
}

void viommu_regs_set_iq_head(struct viommu_regs *r, u32 idx)
{
	r->iqh = FIELD_PREP(VTD_IQH_QH, idx);
}

bool viommu_regs_iqe_pending(const struct viommu_regs *r)
{
	return r->fsts & VTD_FSTS_IQE;
}

bool viommu_regs_report_iqe(struct viommu_regs *r, unsigned int iqei)
{
	u32 old = r->fsts & FSTS_STATUS;

	r->fsts |= VTD_FSTS_IQE;
	r->iqercd = FIELD_SET(r->iqercd, VTD_IQERCD_IQEI, iqei);
	return fault_condition(r, old);
}

/* 11.4, ICS/IECTL: a new condition only if IWC was clear. */
bool viommu_regs_set_iwc(struct viommu_regs *r)
{
	if (r->ics & VTD_ICS_IWC)
		return false;
	r->ics |= VTD_ICS_IWC;
	if (r->iectl & VTD_IECTL_IM) {
		r->iectl |= VTD_IECTL_IP;
		return false;
	}
	return true;
}

u64 viommu_regs_ccmd(const struct viommu_regs *r)
{
	return r->ccmd;
}

u64 viommu_regs_iotlb(const struct viommu_regs *r)
{
	return r->iotlb;
}

u64 viommu_regs_iva(const struct viommu_regs *r)
{
	return r->iva;
}

void viommu_regs_complete_ccmd(struct viommu_regs *r, unsigned int caig)
{
	if (!(r->ccmd & VTD_CCMD_ICC))
		return;
	r->ccmd = FIELD_SET(r->ccmd & ~VTD_CCMD_ICC, VTD_CCMD_CAIG, caig);
}

void viommu_regs_complete_iotlb(struct viommu_regs *r, unsigned int iaig)
{
	if (!(r->iotlb & VTD_IOTLB_IVT))
		return;
	r->iotlb = FIELD_SET(r->iotlb & ~VTD_IOTLB_IVT, VTD_IOTLB_IAIG, iaig);
}

bool viommu_regs_record_fault(struct viommu_regs *r, u16 sid, iova_t addr, unsigned int reason,
			      bool is_write)
{
	u32 old = r->fsts & FSTS_STATUS;

	/* 11.4, FSTS.PFO: nothing is recorded while it is set. */
	if (r->fsts & VTD_FSTS_PFO) {
		r->cnt.faults_lost++;
		return false;
	}
	if (r->frcd_hi & VTD_FRCD_HI_F) {
		r->fsts |= VTD_FSTS_PFO; /* PPF is already set: no new condition */
		r->cnt.faults_lost++;
		return false;
	}
	/* 9.9: {T2,T1} = 00 write, 01 read; AT = 0 (untranslated request). */
	r->frcd_lo = addr & VTD_FRCD_LO_FI;
	r->frcd_hi = FIELD_PREP(VTD_FRCD_HI_SID, sid) | FIELD_PREP(VTD_FRCD_HI_FR, reason) |
		     (is_write ? 0 : VTD_FRCD_HI_T1) | VTD_FRCD_HI_F;
	r->fsts = (u32)FIELD_SET(r->fsts | VTD_FSTS_PPF, VTD_FSTS_FRI, 0);
	r->cnt.faults_recorded++;
	return fault_condition(r, old);
}

struct viommu_msi viommu_regs_fault_msi(const struct viommu_regs *r)
{
	return (struct viommu_msi){ .addr = r->feaddr, .data = r->fedata };
}

struct viommu_msi viommu_regs_inv_msi(const struct viommu_regs *r)
{
	return (struct viommu_msi){ .addr = r->ieaddr, .data = r->iedata };
}

u64 viommu_regs_cap(const struct viommu_regs *r)
{
	return r->cap;
}

u64 viommu_regs_ecap(const struct viommu_regs *r)
{
	return r->ecap;
}

const struct viommu_regs_counters *viommu_regs_counters(const struct viommu_regs *r)
{
	return &r->cnt;
}
