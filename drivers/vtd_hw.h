/* SPDX-License-Identifier: MIT */
/*
 * Intel VT-d hardware definitions: a transcription of the "Intel Virtualization
 * Technology for Directed I/O Architecture Specification" (rev 3.x/4.x).
 * Shared by the physical driver (drivers/vtd*.c) and the emulated unit
 * (viommu/), so both sides use exactly these masks.
 *
 *   Chapter 11 "Register Descriptions" (11.4; chapter 10 in rev 2.x/3.x):
 *     MMIO register offsets (width in the name: VTD_REG32_ / VTD_REG64_),
 *     their fields indented beneath.
 *   Chapter 9 "Translation Structure Formats": root/context entries,
 *     second-level PTEs, fault records, IRTEs (u64 words + masks, no bitfields).
 *   Section 6.5.2 "Queued Invalidation Interface": 128-bit descriptors.
 * Field macros are masks for FIELD_GET/FIELD_PREP (lib/bitops.h). Address
 * fields (RTA, CTP, SLPTPTR, ADDR, IQA, STADDR...) hold the address in place:
 * use (word & MASK), not FIELD_GET, to get the address itself.
 */
#ifndef DRIVERS_VTD_HW_H
#define DRIVERS_VTD_HW_H
/* clang-format off: register tables keep their field indentation */

#include "lib/bitops.h"
#include "lib/types.h"

/* One remapping unit's register set is (at least) one 4 KiB page (11.1). */
#define VTD_REG_PAGE_SIZE 0x1000

/* ------------------------------------------------------------------------
 * 11.4 Register descriptions: offsets from the DRHD register base.
 * ------------------------------------------------------------------------ */

/* 11.4.1 Version Register */
#define VTD_REG32_VER 0x000
#define VTD_VER_MIN GENMASK(3, 0) /* minor version */
#define VTD_VER_MAX GENMASK(7, 4) /* major version */

/* 11.4.2 Capability Register (read-only) */
#define VTD_REG64_CAP 0x008
#define VTD_CAP_ND GENMASK(2, 0)     /* domains: 2^(4 + 2*ND); 7 reserved */
#define VTD_CAP_AFL BIT(3)	     /* advanced fault logging */
#define VTD_CAP_RWBF BIT(4)	     /* required write-buffer flushing */
#define VTD_CAP_PLMR BIT(5)	     /* protected low-memory region */
#define VTD_CAP_PHMR BIT(6)	     /* protected high-memory region */
#define VTD_CAP_CM BIT(7)	     /* caching mode: not-present entries cached */
#define VTD_CAP_SAGAW GENMASK(12, 8) /* supported AGAWs, see VTD_SAGAW_* */
/*       bits 15:13 reserved */
#define VTD_CAP_MGAW GENMASK(21, 16) /* max guest address width - 1 */
#define VTD_CAP_ZLR BIT(22)	     /* zero-length read */
/*       bit 23 deprecated (was ISOCH), reads 0 */
#define VTD_CAP_FRO GENMASK(33, 24)   /* fault-recording reg offset / 16 */
#define VTD_CAP_SLLPS GENMASK(37, 34) /* second-level large pages, VTD_SLLPS_* */
/*       bit 38 reserved */
#define VTD_CAP_PSI BIT(39)	     /* page-selective invalidation */
#define VTD_CAP_NFR GENMASK(47, 40)  /* number of fault-recording regs - 1 */
#define VTD_CAP_MAMV GENMASK(53, 48) /* max address mask value (PSI AM) */
#define VTD_CAP_DWD BIT(54)	     /* write draining */
#define VTD_CAP_DRD BIT(55)	     /* read draining */
#define VTD_CAP_FL1GP BIT(56)	     /* first-level 1 GiB pages */
/*       bits 58:57 reserved */
#define VTD_CAP_PI BIT(59)    /* posted interrupts */
#define VTD_CAP_FL5LP BIT(60) /* first-level 5-level paging */
/*       bit 61 reserved */
#define VTD_CAP_ESIRTPS BIT(62) /* SIRTP also invalidates IEC */
#define VTD_CAP_ESRTPS BIT(63)	/* SRTP also invalidates caches */

/* CAP.SAGAW bits (11.4.2): bit n = context-entry AW value n supported. */
#define VTD_SAGAW_39BIT BIT(1) /* 3-level table, AW=1 */
#define VTD_SAGAW_48BIT BIT(2) /* 4-level table, AW=2 */
#define VTD_SAGAW_57BIT BIT(3) /* 5-level table, AW=3 */
/* CAP.SLLPS bits (11.4.2). */
#define VTD_SLLPS_2M BIT(0) /* 21-bit offset */
#define VTD_SLLPS_1G BIT(1) /* 30-bit offset */

/* 11.4.3 Extended Capability Register (read-only) */
#define VTD_REG64_ECAP 0x010
#define VTD_ECAP_C BIT(0)   /* page-walk coherency */
#define VTD_ECAP_QI BIT(1)  /* queued invalidation */
#define VTD_ECAP_DT BIT(2)  /* device-TLB */
#define VTD_ECAP_IR BIT(3)  /* interrupt remapping */
#define VTD_ECAP_EIM BIT(4) /* extended interrupt mode (x2APIC) */
/*       bit 5 deprecated (was CH), reads 0 */
#define VTD_ECAP_PT BIT(6)	    /* pass-through (context TT=2) */
#define VTD_ECAP_SC BIT(7)	    /* snoop control */
#define VTD_ECAP_IRO GENMASK(17, 8) /* IOTLB register offset / 16 */
/*       bits 19:18 reserved */
#define VTD_ECAP_MHMV GENMASK(23, 20) /* max handle mask value (IEC) */
/*       bit 24 deprecated (was ECS) */
#define VTD_ECAP_MTS BIT(25)  /* memory type support */
#define VTD_ECAP_NEST BIT(26) /* nested translation */
/*       bits 28:27 reserved/deprecated */
#define VTD_ECAP_PRS BIT(29) /* page requests */
#define VTD_ECAP_ERS BIT(30) /* execute requests */
#define VTD_ECAP_SRS BIT(31) /* supervisor requests */
/*       bit 32 reserved */
#define VTD_ECAP_NWFS BIT(33)	     /* no-write flag */
#define VTD_ECAP_EAFS BIT(34)	     /* extended accessed flag */
#define VTD_ECAP_PSS GENMASK(39, 35) /* PASID size - 1 (bits) */
#define VTD_ECAP_PASID BIT(40)	     /* PASID support */
#define VTD_ECAP_DIT BIT(41)	     /* device-TLB invalidation throttle */
#define VTD_ECAP_PDS BIT(42)	     /* page-request drain */
#define VTD_ECAP_SMTS BIT(43)	     /* scalable-mode translation */
#define VTD_ECAP_VCS BIT(44)	     /* virtual command */
#define VTD_ECAP_SLADS BIT(45)	     /* second-level A/D bits */
#define VTD_ECAP_SLTS BIT(46)	     /* second-level translation (SM) */
#define VTD_ECAP_FLTS BIT(47)	     /* first-level translation (SM) */
#define VTD_ECAP_SMPWCS BIT(48)	     /* scalable-mode page-walk coherency */
#define VTD_ECAP_RPS BIT(49)	     /* RID_PASID */
/*       bits 51:50 reserved */
#define VTD_ECAP_ADMS BIT(52)	/* abort DMA mode (RTADDR.TTM=3) */
#define VTD_ECAP_RPRIVS BIT(53) /* RID_PRIV */
/*       bits 63:54 reserved */

/*
 * 11.4.4 Global Command Register (write-only). Each write carries one new
 * command; the other bits must repeat the current state from GSTS, except the
 * one-shot commands (SRTP, SFL, WBF, SIRTP) which must then be written as 0.
 * Software then polls GSTS for the matching status bit (bounded wait).
 */
#define VTD_REG32_GCMD 0x018
#define VTD_GCMD_CFI BIT(23)   /* compatibility format interrupts */
#define VTD_GCMD_SIRTP BIT(24) /* set interrupt remap table ptr (1-shot) */
#define VTD_GCMD_IRE BIT(25)   /* interrupt remapping enable */
#define VTD_GCMD_QIE BIT(26)   /* queued invalidation enable */
#define VTD_GCMD_WBF BIT(27)   /* write buffer flush (1-shot) */
#define VTD_GCMD_EAFL BIT(28)  /* enable advanced fault logging */
#define VTD_GCMD_SFL BIT(29)   /* set fault log (1-shot) */
#define VTD_GCMD_SRTP BIT(30)  /* set root table pointer (1-shot) */
#define VTD_GCMD_TE BIT(31)    /* translation enable */
#define VTD_GCMD_ONESHOT_MASK (VTD_GCMD_SIRTP | VTD_GCMD_WBF | VTD_GCMD_SFL | VTD_GCMD_SRTP)

/* 11.4.5 Global Status Register (read-only); bit n reports GCMD bit n. */
#define VTD_REG32_GSTS 0x01c
#define VTD_GSTS_CFIS BIT(23)  /* compatibility format interrupts */
#define VTD_GSTS_IRTPS BIT(24) /* interrupt remap table ptr set */
#define VTD_GSTS_IRES BIT(25)  /* interrupt remapping enabled */
#define VTD_GSTS_QIES BIT(26)  /* queued invalidation enabled */
#define VTD_GSTS_WBFS BIT(27)  /* write buffer flush in progress */
#define VTD_GSTS_AFLS BIT(28)  /* advanced fault logging enabled */
#define VTD_GSTS_FLS BIT(29)   /* fault log pointer set */
#define VTD_GSTS_RTPS BIT(30)  /* root table pointer set */
#define VTD_GSTS_TES BIT(31)   /* translation enabled */

/* 11.4.6 Root Table Address Register */
#define VTD_REG64_RTADDR 0x020
#define VTD_RTADDR_TTM GENMASK(11, 10) /* translation table mode, VTD_TTM_* */
#define VTD_RTADDR_RTA GENMASK(63, 12) /* root table address (4 KiB aligned) */
#define VTD_TTM_LEGACY 0
#define VTD_TTM_SCALABLE 1
#define VTD_TTM_ABORT_DMA 3 /* needs ECAP.ADMS */

/* 11.4.7 Context Command Register (register-based invalidation) */
#define VTD_REG64_CCMD 0x028
#define VTD_CCMD_DID GENMASK(15, 0)   /* domain id (domain/device gran.) */
#define VTD_CCMD_SID GENMASK(31, 16)  /* source id (device gran.) */
#define VTD_CCMD_FM GENMASK(33, 32)   /* function mask */
#define VTD_CCMD_CAIG GENMASK(60, 59) /* actual granularity (RO) */
#define VTD_CCMD_CIRG GENMASK(62, 61) /* requested granularity */
#define VTD_CCMD_ICC BIT(63)	      /* invalidate; clears when done */
/* CIRG/CAIG values, also the context-cache descriptor's G field. */
#define VTD_CC_GRAN_GLOBAL 1
#define VTD_CC_GRAN_DOMAIN 2
#define VTD_CC_GRAN_DEVICE 3

/* 11.4, Fault Status Register (RW1C status bits) */
#define VTD_REG32_FSTS 0x034
#define VTD_FSTS_PFO BIT(0) /* primary fault overflow */
#define VTD_FSTS_PPF BIT(1) /* primary pending fault (RO) */
#define VTD_FSTS_AFO BIT(2) /* advanced fault overflow */
#define VTD_FSTS_APF BIT(3) /* advanced pending fault */
#define VTD_FSTS_IQE BIT(4) /* invalidation queue error */
#define VTD_FSTS_ICE BIT(5) /* invalidation completion error */
#define VTD_FSTS_ITE BIT(6) /* invalidation time-out error */
/*       bit 7 deprecated (was PRO) */
#define VTD_FSTS_FRI GENMASK(15, 8) /* fault record index (RO) */
#define VTD_FSTS_RW1C_MASK \
	(VTD_FSTS_PFO | VTD_FSTS_AFO | VTD_FSTS_APF | VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)

/* 11.4, Fault Event Control Register */
#define VTD_REG32_FECTL 0x038
#define VTD_FECTL_IP BIT(30) /* interrupt pending (RO) */
#define VTD_FECTL_IM BIT(31) /* interrupt mask */

/* 11.4, Fault Event Data / Address / Upper Address (MSI message) */
#define VTD_REG32_FEDATA 0x03c
#define VTD_FEDATA_IMD GENMASK(15, 0) /* interrupt message data */
#define VTD_REG32_FEADDR 0x040
#define VTD_FEADDR_MA GENMASK(31, 2) /* message address */
#define VTD_REG32_FEUADDR 0x044	     /* message upper address (x2APIC) */

/* 11.4, Advanced Fault Log Register */
#define VTD_REG64_AFLOG 0x058
#define VTD_AFLOG_FLS GENMASK(11, 9)  /* fault log size: 2^FLS pages */
#define VTD_AFLOG_FLA GENMASK(63, 12) /* fault log address */

/* 11.4, Protected Memory Enable / Low / High Memory Base and Limit */
#define VTD_REG32_PMEN 0x064
#define VTD_PMEN_PRS BIT(0)  /* protected region status (RO) */
#define VTD_PMEN_EPM BIT(31) /* enable protected memory */
#define VTD_REG32_PLMBASE 0x068
#define VTD_REG32_PLMLIMIT 0x06c
#define VTD_PLM_ADDR GENMASK(31, 21) /* 2 MiB granular; low bits RO-0 */
#define VTD_REG64_PHMBASE 0x070
#define VTD_REG64_PHMLIMIT 0x078
#define VTD_PHM_ADDR GENMASK(63, 21) /* 2 MiB granular; bits >= HAW RO-0 */

/* 11.4, Invalidation Queue Head/Tail/Address, Completion Status, Event
 * Control/Data/Address, Queue Error Record registers */
#define VTD_REG64_IQH 0x080
#define VTD_IQH_QH GENMASK(18, 4) /* head: index of 128-bit descriptor */
#define VTD_REG64_IQT 0x088
#define VTD_IQT_QT GENMASK(18, 4) /* tail: index of 128-bit descriptor */
#define VTD_REG64_IQA 0x090
#define VTD_IQA_QS GENMASK(2, 0)    /* size: 2^QS pages, 2^(QS+8) 128b descs */
#define VTD_IQA_DW BIT(11)	    /* 256-bit descriptors (needs SMTS) */
#define VTD_IQA_IQA GENMASK(63, 12) /* queue base address */
#define VTD_REG32_ICS 0x09c
#define VTD_ICS_IWC BIT(0) /* wait descriptor complete (RW1C) */
#define VTD_REG32_IECTL 0x0a0
#define VTD_IECTL_IP BIT(30) /* interrupt pending (RO) */
#define VTD_IECTL_IM BIT(31) /* interrupt mask */
#define VTD_REG32_IEDATA 0x0a4
#define VTD_IEDATA_IMD GENMASK(15, 0)
#define VTD_REG32_IEADDR 0x0a8
#define VTD_IEADDR_MA GENMASK(31, 2)
#define VTD_REG32_IEUADDR 0x0ac
#define VTD_REG64_IQERCD 0x0b0		  /* invalidation queue error record */
#define VTD_IQERCD_IQEI GENMASK(3, 0)	  /* error info, VTD_IQEI_* */
#define VTD_IQERCD_ITESID GENMASK(47, 32) /* time-out error source id */
#define VTD_IQERCD_ICESID GENMASK(63, 48) /* completion error source id */
#define VTD_IQEI_NONE 0
#define VTD_IQEI_TAIL_INVALID 1	   /* tail beyond queue size */
#define VTD_IQEI_FETCH_ERROR 2	   /* descriptor fetch failed */
#define VTD_IQEI_BAD_TYPE 3	   /* invalid descriptor type */
#define VTD_IQEI_RSVD_SET 4	   /* reserved field set */
#define VTD_IQEI_BAD_WIDTH 5	   /* descriptor width mismatch */
#define VTD_IQEI_TAIL_MISALIGNED 6 /* QT bit 4 set with DW=1 */
#define VTD_IQEI_BAD_TTM 7	   /* descriptor invalid for TTM */

/* 11.4, Interrupt Remapping Table Address Register */
#define VTD_REG64_IRTA 0x0b8
#define VTD_IRTA_S GENMASK(3, 0)      /* table has 2^(S+1) entries */
#define VTD_IRTA_EIME BIT(11)	      /* extended (x2APIC) interrupt mode */
#define VTD_IRTA_IRTA GENMASK(63, 12) /* table address */

/* 11.4, Page Request Queue registers (scalable mode; not used by us) */
#define VTD_REG64_PQH 0x0c0
#define VTD_REG64_PQT 0x0c8
#define VTD_REG64_PQA 0x0d0
#define VTD_REG32_PRS 0x0dc
#define VTD_REG32_PECTL 0x0e0
#define VTD_REG32_PEDATA 0x0e4
#define VTD_REG32_PEADDR 0x0e8
#define VTD_REG32_PEUADDR 0x0ec

/* 11.4, MTRR registers (present when ECAP.MTS) */
#define VTD_REG64_MTRRCAP 0x100
#define VTD_REG64_MTRRDEF 0x108

/* 11.4, Virtual Command registers (present when ECAP.VCS) */
#define VTD_REG64_VCCAP 0xe00
#define VTD_REG64_VCMD 0xe10
#define VTD_REG64_VCRSP 0xe20

/*
 * 11.4.8 IOTLB registers: a pair at byte offset ECAP.IRO * 16.
 */
#define VTD_REL64_IVA 0x0	       /* 11.4.8.2 Invalidate Address */
#define VTD_IVA_AM GENMASK(5, 0)       /* address mask: 2^AM pages */
#define VTD_IVA_IH BIT(6)	       /* invalidation hint: leaf only */
#define VTD_IVA_ADDR GENMASK(63, 12)   /* page address (DMA address) */
#define VTD_REL64_IOTLB 0x8	       /* 11.4.8.1 IOTLB Invalidate */
#define VTD_IOTLB_DID GENMASK(47, 32)  /* domain id */
#define VTD_IOTLB_DW BIT(48)	       /* drain writes */
#define VTD_IOTLB_DR BIT(49)	       /* drain reads */
#define VTD_IOTLB_IAIG GENMASK(58, 57) /* actual granularity (RO) */
#define VTD_IOTLB_IIRG GENMASK(61, 60) /* requested granularity */
#define VTD_IOTLB_IVT BIT(63)	       /* invalidate; clears when done */
#define VTD_IOTLB_REGS_SIZE 16
/* IIRG/IAIG values, also the IOTLB descriptor's G field. */
#define VTD_IOTLB_GRAN_GLOBAL 1
#define VTD_IOTLB_GRAN_DOMAIN 2
#define VTD_IOTLB_GRAN_PAGE 3 /* domain + address (needs CAP.PSI) */

/*
 * 11.4, Fault Recording Registers: CAP.NFR+1 records of 128 bits each at
 * byte offset CAP.FRO * 16. Layout in 9.9 (same as the fault record).
 */
#define VTD_FRCD_SIZE 16
#define VTD_REL64_FRCD_LO 0x0
#define VTD_FRCD_LO_FI GENMASK(63, 12) /* fault info: page address */
#define VTD_REL64_FRCD_HI 0x8
#define VTD_FRCD_HI_SID GENMASK(15, 0) /* source id (bus:dev.fn) */
#define VTD_FRCD_HI_T2 BIT(28)	       /* type bit 2 (bit 92) */
#define VTD_FRCD_HI_PRIV BIT(29)       /* privilege mode requested */
#define VTD_FRCD_HI_EXE BIT(30)	       /* execute requested */
#define VTD_FRCD_HI_PP BIT(31)	       /* PASID present */
#define VTD_FRCD_HI_FR GENMASK(39, 32) /* fault reason, VTD_FR_* */
#define VTD_FRCD_HI_PV GENMASK(59, 40) /* PASID value */
#define VTD_FRCD_HI_AT GENMASK(61, 60) /* address type */
#define VTD_FRCD_HI_T1 BIT(62)	       /* type bit 1 (rev 2: T, 1=read) */
#define VTD_FRCD_HI_F BIT(63)	       /* fault; RW1C */
/* {T2,T1}: 00 write, 01 read, 10 page request, 11 atomic (9.9). */

/* Register offsets of the IOTLB pair and of fault record i. */
static inline u32 vtd_iotlb_reg_offset(u64 ecap)
{
	return (u32)FIELD_GET(VTD_ECAP_IRO, ecap) * 16;
}

static inline u32 vtd_frcd_reg_offset(u64 cap, unsigned int i)
{
	return (u32)FIELD_GET(VTD_CAP_FRO, cap) * 16 + i * VTD_FRCD_SIZE;
}

/* Primary fault reasons, legacy mode (chapter 7, fault-condition tables). */
#define VTD_FR_ROOT_NOT_PRESENT 0x1
#define VTD_FR_CTX_NOT_PRESENT 0x2
#define VTD_FR_CTX_INVALID 0x3 /* bad AW/TT in context entry */
#define VTD_FR_BEYOND_MGAW 0x4
#define VTD_FR_WRITE_DENIED 0x5
#define VTD_FR_READ_DENIED 0x6
#define VTD_FR_PT_ACCESS 0x7 /* paging entry fetch failed */
#define VTD_FR_ROOT_ACCESS 0x8
#define VTD_FR_CTX_ACCESS 0x9
#define VTD_FR_ROOT_RSVD 0xa
#define VTD_FR_CTX_RSVD 0xb
#define VTD_FR_PTE_RSVD 0xc
#define VTD_FR_TT_BLOCKED 0xd /* request type blocked by TT */
/* Interrupt-remapping fault reasons (chapter 7). */
#define VTD_FR_IR_RSVD 0x20  /* reserved bits in remappable request */
#define VTD_FR_IR_INDEX 0x21 /* index beyond table size */
#define VTD_FR_IRTE_NOT_PRESENT 0x22
#define VTD_FR_IRTE_ACCESS 0x23
#define VTD_FR_IRTE_RSVD 0x24
#define VTD_FR_IR_CFI_BLOCKED 0x25
#define VTD_FR_IRTE_SID 0x26 /* source-id validation failed */

/* ------------------------------------------------------------------------
 * Chapter 9: translation structures in memory.
 * ------------------------------------------------------------------------ */

/* 9.1 Root Entry (legacy mode): one per bus, 256 per 4 KiB root table. */
struct vtd_root_entry {
	u64 lo, hi;
};
_Static_assert(sizeof(struct vtd_root_entry) == 16, "VT-d 9.1 root entry");
#define VTD_ROOT_LO_P BIT(0)		/* present */
#define VTD_ROOT_LO_CTP GENMASK(63, 12) /* context table pointer */
/* hi: reserved (legacy mode) */
#define VTD_ROOT_ENTRIES 256

/* 9.2 Scalable-mode root entry: same 128 bits, lower/upper halves. */
#define VTD_SM_ROOT_LO_LP BIT(0) /* lower (devfn 0-127) present */
#define VTD_SM_ROOT_LO_LCTP GENMASK(63, 12)
#define VTD_SM_ROOT_HI_UP BIT(0) /* upper (devfn 128-255) present */
#define VTD_SM_ROOT_HI_UCTP GENMASK(63, 12)

/* 9.3 Context Entry (legacy mode): one per devfn, 256 per 4 KiB table. */
struct vtd_context_entry {
	u64 lo, hi;
};
_Static_assert(sizeof(struct vtd_context_entry) == 16, "VT-d 9.3 context entry");
#define VTD_CTX_LO_P BIT(0)		   /* present */
#define VTD_CTX_LO_FPD BIT(1)		   /* fault processing disable */
#define VTD_CTX_LO_TT GENMASK(3, 2)	   /* translation type, VTD_TT_* */
#define VTD_CTX_LO_SLPTPTR GENMASK(63, 12) /* second-level table pointer */
#define VTD_CTX_HI_AW GENMASK(2, 0)	   /* address width, VTD_AW_* */
#define VTD_CTX_HI_AVAIL GENMASK(6, 3)	   /* ignored by hardware */
#define VTD_CTX_HI_DID GENMASK(23, 8)	   /* domain id */
#define VTD_CONTEXT_ENTRIES 256
/* Context TT values (9.3). */
#define VTD_TT_UNTRANSLATED 0 /* second-level walk, no ATS */
#define VTD_TT_ALL 1	      /* also translated/ATS requests (DT) */
#define VTD_TT_PASS_THROUGH 2 /* needs ECAP.PT */
/* Context AW values (9.3): AW n uses n+2 levels, 30+9n address bits. */
#define VTD_AW_39BIT 1 /* 3-level */
#define VTD_AW_48BIT 2 /* 4-level */
#define VTD_AW_57BIT 3 /* 5-level */

static inline unsigned int vtd_aw_levels(unsigned int aw)
{
	return aw + 2;
}

static inline unsigned int vtd_aw_bits(unsigned int aw)
{
	return 30 + 9 * aw;
}

/*
 * 9.8 Second-Level Paging Entries (legacy mode): 512 u64 per 4 KiB table.
 * Non-leaf entries use R/W and ADDR only; PS=1 in a PDE/PDPE makes it a
 * 2 MiB/1 GiB leaf (needs CAP.SLLPS).
 */
#define VTD_SLPTE_R BIT(0)	       /* read */
#define VTD_SLPTE_W BIT(1)	       /* write */
#define VTD_SLPTE_X BIT(2)	       /* execute (ECAP.ERS) */
#define VTD_SLPTE_EMT GENMASK(5, 3)    /* extended memory type (ECAP.MTS) */
#define VTD_SLPTE_IPAT BIT(6)	       /* ignore PAT */
#define VTD_SLPTE_PS BIT(7)	       /* page size: leaf at PDE/PDPE */
#define VTD_SLPTE_A BIT(8)	       /* accessed (ECAP.SLADS, SM only) */
#define VTD_SLPTE_D BIT(9)	       /* dirty (ECAP.SLADS, SM only) */
#define VTD_SLPTE_SNP BIT(11)	       /* snoop (ECAP.SC; legacy mode) */
#define VTD_SLPTE_ADDR GENMASK(51, 12) /* next table / page frame */
#define VTD_SLPTE_TM BIT(62)	       /* transient mapping (rev 2; now reserved) */
#define VTD_SLPT_ENTRIES 512
#define VTD_SLPT_LEVEL_BITS 9
typedef u64 vtd_slpte_t;

/* 9.10 Interrupt Remapping Table Entry, remapped format (IM=0). */
struct vtd_irte {
	u64 lo, hi;
};
_Static_assert(sizeof(struct vtd_irte) == 16, "VT-d 9.10 IRTE");
#define VTD_IRTE_LO_P BIT(0)	      /* present */
#define VTD_IRTE_LO_FPD BIT(1)	      /* fault processing disable */
#define VTD_IRTE_LO_DM BIT(2)	      /* destination mode: 1 logical */
#define VTD_IRTE_LO_RH BIT(3)	      /* redirection hint */
#define VTD_IRTE_LO_TM BIT(4)	      /* trigger mode: 1 level */
#define VTD_IRTE_LO_DLM GENMASK(7, 5) /* delivery mode */
#define VTD_IRTE_LO_AVAIL GENMASK(11, 8)
#define VTD_IRTE_LO_IM BIT(15)		      /* IRTE mode: 1 posted (9.11) */
#define VTD_IRTE_LO_V GENMASK(23, 16)	      /* vector */
#define VTD_IRTE_LO_DST GENMASK(63, 32)	      /* x2APIC id (EIME=1) */
#define VTD_IRTE_LO_DST_XAPIC GENMASK(47, 40) /* xAPIC id (EIME=0) */
#define VTD_IRTE_HI_SID GENMASK(15, 0)	      /* source id */
#define VTD_IRTE_HI_SQ GENMASK(17, 16)	      /* source-id qualifier */
#define VTD_IRTE_HI_SVT GENMASK(19, 18)	      /* source validation type */

/* ------------------------------------------------------------------------
 * 6.5.2 Invalidation descriptors (128-bit format, IQA.DW=0).
 * Type is lo[3:0] (plus lo[11:9] for types >= 16, none defined yet).
 * ------------------------------------------------------------------------ */
struct vtd_inv_desc {
	u64 lo, hi;
};
_Static_assert(sizeof(struct vtd_inv_desc) == 16, "VT-d 6.5.2 descriptor");
#define VTD_INV_DESC_SIZE 16
#define VTD_INV_LO_TYPE GENMASK(3, 0)
#define VTD_INV_LO_TYPE_HI GENMASK(11, 9)
#define VTD_INV_TYPE_CONTEXT 1	   /* context-cache */
#define VTD_INV_TYPE_IOTLB 2	   /* IOTLB */
#define VTD_INV_TYPE_DEV_IOTLB 3   /* device-TLB */
#define VTD_INV_TYPE_IEC 4	   /* interrupt entry cache */
#define VTD_INV_TYPE_WAIT 5	   /* invalidation wait */
#define VTD_INV_TYPE_PIOTLB 6	   /* PASID-based IOTLB */
#define VTD_INV_TYPE_PASID_CACHE 7 /* PASID cache */
#define VTD_INV_TYPE_PDEV_IOTLB 8  /* PASID-based device-TLB */

/* 6.5.2, Context-cache invalidate descriptor (G: VTD_CC_GRAN_*) */
#define VTD_INV_CC_LO_G GENMASK(5, 4)
#define VTD_INV_CC_LO_DID GENMASK(31, 16)
#define VTD_INV_CC_LO_SID GENMASK(47, 32)
#define VTD_INV_CC_LO_FM GENMASK(49, 48) /* function mask */

/* 6.5.2, IOTLB invalidate descriptor (G: VTD_IOTLB_GRAN_*) */
#define VTD_INV_IOTLB_LO_G GENMASK(5, 4)
#define VTD_INV_IOTLB_LO_DW BIT(6) /* drain writes */
#define VTD_INV_IOTLB_LO_DR BIT(7) /* drain reads */
#define VTD_INV_IOTLB_LO_DID GENMASK(31, 16)
#define VTD_INV_IOTLB_HI_AM GENMASK(5, 0) /* address mask (<= CAP.MAMV) */
#define VTD_INV_IOTLB_HI_IH BIT(6)	  /* invalidation hint: leaf only */
#define VTD_INV_IOTLB_HI_ADDR GENMASK(63, 12)

/* 6.5.2, Device-TLB invalidate descriptor */
#define VTD_INV_DIOTLB_LO_PFSID_LO GENMASK(15, 12) /* PF source id [3:0] */
#define VTD_INV_DIOTLB_LO_MIP GENMASK(20, 16)	   /* max invs pending */
#define VTD_INV_DIOTLB_LO_SID GENMASK(47, 32)
#define VTD_INV_DIOTLB_LO_PFSID_HI GENMASK(63, 52) /* PF source id [15:4] */
#define VTD_INV_DIOTLB_HI_S BIT(0)		   /* size: range encoded in ADDR */
#define VTD_INV_DIOTLB_HI_ADDR GENMASK(63, 12)

/* 6.5.2, Interrupt entry cache invalidate descriptor */
#define VTD_INV_IEC_LO_G BIT(4)		    /* 0 global, 1 index-selective */
#define VTD_INV_IEC_LO_IM GENMASK(31, 27)   /* index mask: 2^IM entries */
#define VTD_INV_IEC_LO_IIDX GENMASK(47, 32) /* interrupt index */

/*
 * 6.5.2, Invalidation wait descriptor: completes after all earlier
 * descriptors; SW writes status data to the status address, IF sets ICS.IWC,
 * FN fences later descriptors.
 */
#define VTD_INV_WAIT_LO_IF BIT(4)	       /* interrupt flag */
#define VTD_INV_WAIT_LO_SW BIT(5)	       /* status write */
#define VTD_INV_WAIT_LO_FN BIT(6)	       /* fence */
#define VTD_INV_WAIT_LO_PD BIT(7)	       /* page-request drain (ECAP.PDS) */
#define VTD_INV_WAIT_LO_STDATA GENMASK(63, 32) /* status data */
#define VTD_INV_WAIT_HI_STADDR GENMASK(63, 2)  /* status address, dword aligned */

/* clang-format on */
#endif /* DRIVERS_VTD_HW_H */
