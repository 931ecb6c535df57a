/* SPDX-License-Identifier: MIT */
/*
 * VT-d invalidation: the queued interface (spec 6.5.2) with 128-bit
 * descriptors in one 4 KiB queue, completion through an invalidation-wait
 * descriptor that writes a status dword (polled, bounded), queue-error
 * (IQE) recovery; and the register-based interface (CCMD, IOTLB registers:
 * 6.5.1) used only when ECAP.QI=0. Callers use vtd_inv_context() and
 * vtd_inv_iotlb(), which pick the interface.
 */
#ifndef DRIVERS_VTD_QI_H
#define DRIVERS_VTD_QI_H

#include "drivers/vtd.h"
#include "lib/spinlock.h"
#include "lib/types.h"

#define VTD_QI_ENTRIES 256	  /* one 4 KiB page (IQA.QS = 0) */
#define VTD_QI_MAX_BATCH 8	  /* descriptors per vtd_qi_submit() */
#define VTD_QI_TIMEOUT_US 100000  /* wait descriptor, queue space: 100 ms */
#define VTD_REG_TIMEOUT_US 100000 /* CCMD.ICC / IOTLB.IVT to clear */

struct vtd_qi {
	const struct vtd_unit *u;
	struct vtd_inv_desc *queue; /* VTD_QI_ENTRIES descriptors */
	hpa_t queue_hpa;
	volatile u32 *status; /* [0] wait status, [1] discard slot */
	hpa_t status_hpa;
	u32 tail;	      /* next free slot; IQT mirrors it */
	u32 seq;	      /* status value of the latest wait */
	bool active;	      /* QIE on: queued, else register-based */
	struct spinlock lock; /* serialises submitters and IQE recovery */
	/* statistics */
	u64 descs;			/* descriptors queued, waits included */
	u64 waits;			/* wait descriptors completed */
	u64 iotlb_flushes, ctx_flushes; /* by either interface */
	u64 queue_errors, timeouts;
};

/* 6.5.2.1 Context-cache invalidate: gran VTD_CC_GRAN_*, fm function mask. */
struct vtd_inv_desc vtd_qi_context_desc(unsigned int gran, u16 did, u16 sid, u8 fm);
/* 6.5.2.3 IOTLB invalidate: gran VTD_IOTLB_GRAN_*; addr/am/ih for PAGE only. */
struct vtd_inv_desc vtd_qi_iotlb_desc(unsigned int gran, bool drain_reads, bool drain_writes,
				      u16 did, iova_t addr, unsigned int am, bool ih);
/* 6.5.2.8 Invalidation wait with status write (SW=1) and fence (FN=1). */
struct vtd_inv_desc vtd_qi_wait_desc(u32 data, hpa_t status_hpa);

/**
 * Prepare q for unit u: queue is a 4 KiB page at queue_hpa, status two
 * dwords at status_hpa (8-byte aligned). No register access; q stays
 * register-based until vtd_qi_enable().
 */
void vtd_qi_init(struct vtd_qi *q, const struct vtd_unit *u, void *queue, hpa_t queue_hpa,
		 u32 *status, hpa_t status_hpa);

/**
 * IQT = 0, IQA = the queue (128-bit descriptors), then GCMD.QIE with the
 * GSTS.QIES handshake. 0, -ENODEV (ECAP.QI=0) or -ETIMEDOUT.
 */
int __must_check vtd_qi_enable(struct vtd_qi *q);

/** Wait until the hardware drained the queue, then clear QIE. 0 or -ETIMEDOUT. */
int __must_check vtd_qi_disable(struct vtd_qi *q);

/**
 * Queue n (1..VTD_QI_MAX_BATCH) descriptors plus a wait descriptor and
 * poll its status write (bounded). 0; -EINVAL (bad n or QI off); -EIO (the
 * hardware rejected a descriptor: IQE, reported and skipped); -ETIMEDOUT
 * (no completion, or no room in the queue).
 */
int __must_check vtd_qi_submit(struct vtd_qi *q, const struct vtd_inv_desc *d, unsigned int n);

/** Context-cache invalidation, queued or through CCMD. 0, -EIO, -ETIMEDOUT. */
int __must_check vtd_inv_context(struct vtd_qi *q, unsigned int gran, u16 did, u16 sid, u8 fm);

/**
 * IOTLB invalidation (draining reads/writes when CAP.DRD/DWD), queued or
 * through the IOTLB registers. For VTD_IOTLB_GRAN_PAGE, addr must be
 * aligned to 2^am pages and am <= CAP.MAMV (-EINVAL otherwise).
 */
int __must_check vtd_inv_iotlb(struct vtd_qi *q, unsigned int gran, u16 did, iova_t addr,
			       unsigned int am);

/**
 * Invalidation errors reported in fsts (IQE/ICE/ITE): log, recover (IQE:
 * replace the rejected descriptor, let the queue go on), clear. Returns how
 * many were handled. Safe from a polling CPU: an IQE is left to a
 * submitter that is waiting on the queue at that moment.
 */
unsigned int vtd_qi_handle_errors(struct vtd_qi *q, u32 fsts);

#endif /* DRIVERS_VTD_QI_H */
