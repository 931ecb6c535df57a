/* SPDX-License-Identifier: MIT */
/*
 * A fake VT-d remapping unit for host tests of the physical driver. Its
 * register page is real memory mapped read-only: a driver write faults,
 * the fake lets that one instruction through (single step) and then
 * applies the register's semantics, as QEMU's intel-iommu does on an MMIO
 * write: GCMD/GSTS, RTADDR latching, queued invalidation (descriptors
 * checked against QEMU's reserved-bit masks, IQE on bad ones), CCMD and
 * IOTLB registers, RW1C FSTS and fault records. A DMA model translates
 * through root/context/second-level tables with context and IOTLB caches
 * that only invalidations clear, and records faults like the hardware.
 * Also stands in for boot/mm.c's pool and drivers/tsc.c's deadline.
 */
#ifndef TESTS_UNIT_VTD_FAKE_H
#define TESTS_UNIT_VTD_FAKE_H

#include "drivers/vtd.h"
#include "lib/types.h"

/* QEMU 7.2 intel-iommu defaults (TESTBEDS.md): 39-bit 3-level, CM=0, C=0. */
#define FAKE_QEMU_CAP 0x00d2008c22260206ull
#define FAKE_QEMU_ECAP 0x0000000000f00f4aull
#define FAKE_CAP_SAGAW_48 (4ull << 8) /* add 4-level (QEMU aw-bits=48) */

#define FAKE_LOG_MAX 2048
#define FAKE_CC_MAX 32
#define FAKE_TLB_MAX 128

struct fake_cc {
	bool valid;
	u16 sid, did;
	u64 lo, hi;
};

struct fake_tlb {
	bool valid;
	u16 did;
	iova_t iova; /* page-size aligned */
	u64 size;
	hpa_t hpa;
	bool write;
};

struct vtd_fake {
	u8 *regs;	      /* the register page, normally read-only */
	struct vtd_unit unit; /* probed on regs */
	/* knobs */
	bool ignore_gcmd;     /* never acknowledge a GCMD write */
	bool ignore_regs;     /* CCMD.ICC / IOTLB.IVT never clear */
	bool qi_stall;	      /* fetch nothing from the queue */
	bool no_status_write; /* execute waits without writing the status */
	unsigned int haw;     /* host address width (reserved-bit checks);
				 * 48 by default: host-test pointers are "hpa" */
	/* hardware state */
	hpa_t rta; /* root table latched by SRTP */
	hpa_t iq_base;
	unsigned int iq_entries;
	u32 iqh; /* head index */
	struct fake_cc cc[FAKE_CC_MAX];
	struct fake_tlb tlb[FAKE_TLB_MAX];
	unsigned int next_frcd;
	/* what the driver did */
	struct vtd_inv_desc log[FAKE_LOG_MAX]; /* descriptors executed, in order */
	unsigned int nlog;
	u32 gcmd[64]; /* GCMD values written */
	unsigned int ngcmd;
	u64 ccmd[64], iotlb_reg[64], iva_reg[64]; /* register-based requests */
	unsigned int nccmd, niotlb;
	unsigned int srtp, wbf, status_writes, iqe_raised, ro_writes, frcd_clears;
	unsigned int cc_flushes, tlb_flushes; /* entries dropped by invalidations */
	char error[256];		      /* first model violation, "" if none */
};

/** A unit with these CAP/ECAP (VER 1.0), traps installed, f->unit probed. */
struct vtd_fake *vtd_fake_new(u64 cap, u64 ecap);
/**
 * (Re)install the write traps for f, saving the current handlers: cmocka
 * replaces the SIGSEGV handler around every test and fixture, so a
 * teardown that writes registers must arm first.
 */
void vtd_fake_arm(struct vtd_fake *f);
/** Remove the traps (restoring the handlers saved by the last arm) and free. */
void vtd_fake_free(struct vtd_fake *f);

/**
 * A DMA from sid: translate iova (identity while TE is off) through the
 * caches and tables; on failure record a fault like the hardware and
 * return the reason (VTD_FR_*), else 0 with *hpa set.
 */
unsigned int vtd_fake_dma(struct vtd_fake *f, u16 sid, iova_t iova, bool write, hpa_t *hpa);
/** Process the queue now (e.g. after clearing qi_stall). */
void vtd_fake_run_queue(struct vtd_fake *f);
/** Set register bits directly, bypassing the write semantics. */
void vtd_fake_poke32(struct vtd_fake *f, u32 off, u32 v);
void vtd_fake_poke64(struct vtd_fake *f, u32 off, u64 v);
u32 vtd_fake_read32(const struct vtd_fake *f, u32 off);
u64 vtd_fake_read64(const struct vtd_fake *f, u32 off);
/** Count of executed descriptors of a type (VTD_INV_TYPE_*). */
unsigned int vtd_fake_count(const struct vtd_fake *f, unsigned int type);

/* boot/mm.c stand-in: pages from the heap; budget < 0 is unlimited. */
extern long fake_mm_budget;
extern unsigned long fake_mm_live;
/* mm_is_hv_memory() answers true for [fake_hv_base, +fake_hv_len). */
extern hpa_t fake_hv_base;
extern u64 fake_hv_len;
/* drivers/tsc.c stand-in: TSC cycles per microsecond of a deadline. */
extern u64 fake_tsc_per_us;

#endif /* TESTS_UNIT_VTD_FAKE_H */
