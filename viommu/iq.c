// SPDX-License-Identifier: MIT
/*
 * Invalidation queue engine of the emulated VT-d unit (spec 6.5.2; IQA,
 * IQH, IQT, IQERCD in 11.4). Invariants: head and tail stay below the
 * queue size; each descriptor is read from guest memory exactly once, as
 * one 16-byte copy, and only that copy is decoded (the guest may rewrite
 * the queue at any time); head moves past a descriptor only once it was
 * valid and applied; a call does at most one queue's worth of work.
 */
#include "viommu/iq.h"
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"
#include "lib/errno.h"

/*
 * Reserved bits (6.5.2): everything that is not a field of the type.
 * The type's bits 11:9 (VTD_INV_LO_TYPE_HI) are checked as part of the type.
 * Context-cache: lo 15:6 and 63:50, all of hi.
 * IOTLB: lo bit 8, 15:12, 63:32; hi 11:7. DR/DW are fields: accepted;
 * draining means nothing more here than what the barrier hook does.
 * Wait: lo bit 8 and 31:12, and bit 7 (PD: page-request drain, ECAP.PDS
 * not advertised); hi 1:0 (the status address is dword aligned).
 */
#define TYPE_BITS (VTD_INV_LO_TYPE | VTD_INV_LO_TYPE_HI)
#define CC_LO_RSVD \
	(~(TYPE_BITS | VTD_INV_CC_LO_G | VTD_INV_CC_LO_DID | VTD_INV_CC_LO_SID | VTD_INV_CC_LO_FM))
#define IOTLB_LO_RSVD                                                                   \
	(~(TYPE_BITS | VTD_INV_IOTLB_LO_G | VTD_INV_IOTLB_LO_DW | VTD_INV_IOTLB_LO_DR | \
	   VTD_INV_IOTLB_LO_DID))
#define IOTLB_HI_RSVD (~(VTD_INV_IOTLB_HI_AM | VTD_INV_IOTLB_HI_IH | VTD_INV_IOTLB_HI_ADDR))
#define WAIT_LO_RSVD                                                                  \
	(~(TYPE_BITS | VTD_INV_WAIT_LO_IF | VTD_INV_WAIT_LO_SW | VTD_INV_WAIT_LO_FN | \
	   VTD_INV_WAIT_LO_STDATA))
#define WAIT_HI_RSVD (~VTD_INV_WAIT_HI_STADDR)

/* Context-cache granularity 1 global, 2 domain, 3 device; 0 is reserved. */
#define CC_GRAN_GLOBAL 1

/* Outcome of one descriptor. */
enum desc_result {
	DESC_APPLIED,
	DESC_WAIT_IRQ, /* applied, and a completion interrupt is due */
	DESC_INVALID,  /* IQE; *iqei says why */
	DESC_RETRY,    /* an ops hook failed: leave it at head */
};

u32 viommu_iq_entries(const struct viommu_iq *q)
{
	return 1u << ((q->qs & 7) + 8); /* QS is 3 bits */
}

int viommu_iq_set_base(struct viommu_iq *q, u64 iqa_reg)
{
	q->base = iqa_reg & VTD_IQA_IQA;
	q->qs = (unsigned int)FIELD_GET(VTD_IQA_QS, iqa_reg);
	q->bad_width = iqa_reg & VTD_IQA_DW;
	q->head = 0;
	q->tail = 0;
	q->error = false;
	q->err_info = VTD_IQEI_NONE;
	return q->bad_width ? -ENOTSUP : 0;
}

void viommu_iq_clear_error(struct viommu_iq *q)
{
	q->error = false;
}

u64 viommu_iq_head_reg(const struct viommu_iq *q)
{
	return FIELD_PREP(VTD_IQH_QH, q->head);
}

static void count(u64 *counter)
{
	if (counter)
		(*counter)++;
}

#define STAT(st, field) count((st) ? &(st)->field : NULL)

static enum desc_result do_context(const struct vtd_inv_desc *d, const struct viommu_inv_ops *ops,
				   unsigned int *iqei)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_INV_CC_LO_G, d->lo);

	if ((d->lo & CC_LO_RSVD) || d->hi || g < CC_GRAN_GLOBAL) {
		*iqei = VTD_IQEI_RSVD_SET;
		return DESC_INVALID;
	}
	if (ops->context(ops->ctx, g, (u16)FIELD_GET(VTD_INV_CC_LO_DID, d->lo),
			 (u16)FIELD_GET(VTD_INV_CC_LO_SID, d->lo),
			 (u8)FIELD_GET(VTD_INV_CC_LO_FM, d->lo)))
		return DESC_RETRY;
	return DESC_APPLIED;
}

static enum desc_result do_iotlb(const struct vtd_inv_desc *d, const struct viommu_inv_ops *ops,
				 struct viommu_stats *st, unsigned int *iqei)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_INV_IOTLB_LO_G, d->lo);

	if ((d->lo & IOTLB_LO_RSVD) || (d->hi & IOTLB_HI_RSVD) || g < VTD_IOTLB_GRAN_GLOBAL) {
		*iqei = VTD_IQEI_RSVD_SET;
		return DESC_INVALID;
	}
	if (ops->iotlb(ops->ctx, g, (u16)FIELD_GET(VTD_INV_IOTLB_LO_DID, d->lo),
		       d->hi & VTD_INV_IOTLB_HI_ADDR,
		       (unsigned int)FIELD_GET(VTD_INV_IOTLB_HI_AM, d->hi),
		       d->hi & VTD_INV_IOTLB_HI_IH))
		return DESC_RETRY;
	if (g == VTD_IOTLB_GRAN_GLOBAL)
		STAT(st, inv_global);
	else if (g == VTD_IOTLB_GRAN_DOMAIN)
		STAT(st, inv_domain);
	else
		STAT(st, inv_page);
	return DESC_APPLIED;
}

/*
 * Wait descriptor: the barrier first (all earlier descriptors are in the
 * physical unit), then the status write, then the interrupt. FN needs
 * nothing more: later descriptors are not started before this one is done.
 */
static enum desc_result do_wait(const struct vtd_inv_desc *d, const struct viommu_guest_mem *m,
				const struct viommu_inv_ops *ops, unsigned int *iqei)
{
	if ((d->lo & WAIT_LO_RSVD) || (d->hi & WAIT_HI_RSVD)) {
		*iqei = VTD_IQEI_RSVD_SET;
		return DESC_INVALID;
	}
	if (ops->barrier(ops->ctx))
		return DESC_RETRY;
	if (d->lo & VTD_INV_WAIT_LO_SW) {
		u32 data = (u32)FIELD_GET(VTD_INV_WAIT_LO_STDATA, d->lo);

		/* Not guest RAM: the descriptor is invalid (no IQEI code
		 * says so more precisely). */
		if (!m->write(m->ctx, d->hi & VTD_INV_WAIT_HI_STADDR, &data, sizeof(data))) {
			*iqei = VTD_IQEI_NONE;
			return DESC_INVALID;
		}
	}
	return (d->lo & VTD_INV_WAIT_LO_IF) ? DESC_WAIT_IRQ : DESC_APPLIED;
}

/* Check and apply one descriptor (a private copy). */
static enum desc_result do_desc(const struct vtd_inv_desc *d, const struct viommu_guest_mem *m,
				const struct viommu_inv_ops *ops, struct viommu_stats *st,
				unsigned int *iqei)
{
	unsigned int type = (unsigned int)FIELD_GET(VTD_INV_LO_TYPE, d->lo);

	if (d->lo & VTD_INV_LO_TYPE_HI)
		type = ~0u; /* types >= 16: none is defined */
	switch (type) {
	case VTD_INV_TYPE_CONTEXT:
		STAT(st, desc_cc);
		return do_context(d, ops, iqei);
	case VTD_INV_TYPE_IOTLB:
		STAT(st, desc_iotlb);
		return do_iotlb(d, ops, st, iqei);
	case VTD_INV_TYPE_WAIT:
		STAT(st, desc_wait);
		return do_wait(d, m, ops, iqei);
	case VTD_INV_TYPE_IEC:
		STAT(st, desc_iec);
		break;
	default: /* device-TLB, PASID-based, undefined */
		STAT(st, desc_other);
		break;
	}
	*iqei = VTD_IQEI_BAD_TYPE;
	return DESC_INVALID;
}

static u32 set_error(struct viommu_iq *q, unsigned int iqei, struct viommu_stats *st)
{
	q->error = true;
	q->err_info = iqei;
	STAT(st, iq_errors);
	return VIOMMU_IQ_ERROR;
}

u32 viommu_iq_process(struct viommu_iq *q, u32 new_tail_reg, const struct viommu_guest_mem *m,
		      const struct viommu_inv_ops *ops, struct viommu_stats *st)
{
	u32 entries = viommu_iq_entries(q);
	u32 tail = (u32)FIELD_GET(VTD_IQT_QT, new_tail_reg);
	u32 res = 0, budget;

	if (q->error)
		return VIOMMU_IQ_ERROR;
	if (q->head >= entries) /* only a corrupted struct gets here */
		q->head = 0;
	if (tail >= entries)
		return set_error(q, VTD_IQEI_TAIL_INVALID, st);
	q->tail = tail;
	if (q->head != tail && q->bad_width)
		return set_error(q, VTD_IQEI_BAD_WIDTH, st);

	for (budget = entries; q->head != tail && budget; budget--) {
		u64 off = (u64)q->head * VTD_INV_DESC_SIZE;
		struct vtd_inv_desc d;
		unsigned int iqei = VTD_IQEI_NONE;

		/* One copy; a queue wrapping past 2^64 is not guest RAM. */
		if (q->base + off < q->base || !m->read(m->ctx, q->base + off, &d, sizeof(d)))
			return res | set_error(q, VTD_IQEI_FETCH_ERROR, st);
		switch (do_desc(&d, m, ops, st, &iqei)) {
		case DESC_INVALID:
			STAT(st, desc_bad);
			return res | set_error(q, iqei, st);
		case DESC_RETRY:
			return res | VIOMMU_IQ_RETRY;
		case DESC_WAIT_IRQ:
			res |= VIOMMU_IQ_WAIT_IRQ;
			break;
		case DESC_APPLIED:
			break;
		}
		q->head = (q->head + 1) & (entries - 1);
	}
	return q->head == tail ? res | VIOMMU_IQ_DONE : res;
}
