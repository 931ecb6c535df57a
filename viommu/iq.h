/* SPDX-License-Identifier: MIT */
/*
 * The emulated unit's invalidation queue (VT-d spec 6.5.2): descriptors
 * between IQH and IQT are copied by value from guest memory, checked and
 * applied in order through struct viommu_inv_ops; a bad one stops the
 * queue at itself (IQE) until the guest clears the error. 128-bit
 * descriptors only (IQA.DW=1 needs scalable mode, not advertised).
 */
#ifndef VIOMMU_IQ_H
#define VIOMMU_IQ_H

#include "lib/types.h"
#include "viommu/viommu.h"

/* What each descriptor does; implemented by the shadow. Every hook returns
 * 0, or a negative errno when it could not do its part yet: processing then
 * stops AT that descriptor without an error and the next call retries it. */
struct viommu_inv_ops {
	/** Context-cache invalidation: granularity VTD_CC_GRAN-style 1 global,
	 *  2 domain (did), 3 device (did, sid, fm). Raw fields, all passed. */
	int (*context)(void *ctx, unsigned int granularity, u16 did, u16 sid, u8 fm);
	/** IOTLB invalidation: 1 global, 2 domain (did), 3 page (did, addr:
	 *  4 KiB aligned, am: raw 6-bit address mask 0..63, ih: leaf only).
	 *  Address fields are passed raw whatever the granularity; am beyond
	 *  CAP.MAMV is undefined in the spec and left to the implementation. */
	int (*iotlb)(void *ctx, unsigned int granularity, u16 did, iova_t addr, unsigned int am,
		     bool ih);
	/** Before a wait descriptor completes (status write, IF): everything
	 *  before it must be in the physical IOMMU by then. */
	int (*barrier)(void *ctx);
	void *ctx;
};

/* Queue state. Zeroed = base 0, 256 entries, empty. */
struct viommu_iq {
	gpa_t base;	       /* IQA.IQA, 4 KiB aligned */
	unsigned int qs;       /* IQA.QS: 2^qs pages, 2^(qs+8) descriptors */
	u32 head, tail;	       /* descriptor indices (IQH.QH/IQT.QT) */
	bool error;	       /* IQE: stopped at head until clear_error */
	bool bad_width;	       /* IQA.DW=1 programmed: every fetch fails */
	unsigned int err_info; /* VTD_IQEI_* of the last error, for IQERCD */
};

/*
 * viommu_iq_process() result bits. WAIT_IRQ: a wait descriptor with IF=1
 * completed; the caller sets ICS.IWC and sends the completion interrupt if
 * IECTL.IM is clear. ERROR: IQE is set (the caller sets FSTS.IQE and
 * IQERCD.IQEI from err_info). RETRY: an ops hook failed, call again later.
 */
#define VIOMMU_IQ_DONE (1u << 0) /* head == tail: the queue is drained */
#define VIOMMU_IQ_WAIT_IRQ (1u << 1)
#define VIOMMU_IQ_ERROR (1u << 2)
#define VIOMMU_IQ_RETRY (1u << 3)

/**
 * Load base, QS and DW from an IQA register value; head and tail go back
 * to 0 and the error is cleared (the register model calls this when
 * queued invalidation is enabled). 0, or -ENOTSUP for DW=1: the queue then
 * reports an invalid-width IQE as soon as it has work.
 */
int __must_check viommu_iq_set_base(struct viommu_iq *q, u64 iqa_reg);

/** Number of 128-bit descriptors the queue holds: 2^(QS+8). */
u32 viommu_iq_entries(const struct viommu_iq *q);

/**
 * Process descriptors from head to the tail in new_tail_reg (an IQT value),
 * at most one queue's worth per call. Types: 1 context-cache, 2 IOTLB,
 * 5 wait (SW: 32-bit status data written to the status address, which must
 * be guest RAM; IF: VIOMMU_IQ_WAIT_IRQ; FN: everything is already done in
 * order). Invalid: reserved bits set, granularity 0, types 3 (device-TLB),
 * 4 (interrupt entry cache: interrupt remapping is not advertised, and IQH
 * only moves past a valid, supported descriptor), 6, 7 (PASID-based) and
 * any other. An invalid descriptor, a descriptor that cannot be fetched
 * from guest RAM, or a tail beyond the queue sets the error: head stays AT
 * the offending descriptor and nothing more is done until
 * viommu_iq_clear_error(). Returns VIOMMU_IQ_* bits. st may be NULL.
 */
u32 viommu_iq_process(struct viommu_iq *q, u32 new_tail_reg, const struct viommu_guest_mem *m,
		      const struct viommu_inv_ops *ops, struct viommu_stats *st);

/** The guest cleared FSTS.IQE: the next viommu_iq_process() resumes at head. */
void viommu_iq_clear_error(struct viommu_iq *q);

/** IQH register value (the head as a byte offset into the queue). */
u64 viommu_iq_head_reg(const struct viommu_iq *q);

#endif /* VIOMMU_IQ_H */
