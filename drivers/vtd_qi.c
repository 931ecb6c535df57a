// SPDX-License-Identifier: MIT
/*
 * VT-d invalidation (spec 6.5). Queued (6.5.2): software writes descriptors
 * at the tail, publishes them with one IQT write, and ends every batch with
 * a wait descriptor whose status write (a rising sequence number) it polls
 * with a bounded wait. One slot always stays empty (head == tail means an
 * empty queue). On IQE the hardware stops at the rejected descriptor (IQH);
 * we log it, overwrite it with a harmless wait descriptor (status into the
 * discard dword) and clear IQE so the queue moves on. Register-based
 * (6.5.1, CCMD and the IOTLB registers) only when ECAP.QI=0.
 */
#include "drivers/vtd_qi.h"
#include "drivers/tsc.h"
#include "drivers/vtd_ctl.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"
#define LOG_PREFIX "VTD: "
#include "lib/log.h"

struct vtd_inv_desc vtd_qi_context_desc(unsigned int gran, u16 did, u16 sid, u8 fm)
{
	return (struct vtd_inv_desc){
		.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_CONTEXT) |
		      FIELD_PREP(VTD_INV_CC_LO_G, gran) | FIELD_PREP(VTD_INV_CC_LO_DID, did) |
		      FIELD_PREP(VTD_INV_CC_LO_SID, sid) | FIELD_PREP(VTD_INV_CC_LO_FM, fm),
		.hi = 0,
	};
}

struct vtd_inv_desc vtd_qi_iotlb_desc(unsigned int gran, bool drain_reads, bool drain_writes,
				      u16 did, iova_t addr, unsigned int am, bool ih)
{
	struct vtd_inv_desc d = {
		.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_IOTLB) |
		      FIELD_PREP(VTD_INV_IOTLB_LO_G, gran) | FIELD_PREP(VTD_INV_IOTLB_LO_DID, did),
		.hi = 0,
	};

	if (drain_reads)
		d.lo |= VTD_INV_IOTLB_LO_DR;
	if (drain_writes)
		d.lo |= VTD_INV_IOTLB_LO_DW;
	if (gran == VTD_IOTLB_GRAN_PAGE)
		d.hi = (addr & VTD_INV_IOTLB_HI_ADDR) | FIELD_PREP(VTD_INV_IOTLB_HI_AM, am) |
		       (ih ? VTD_INV_IOTLB_HI_IH : 0);
	return d;
}

struct vtd_inv_desc vtd_qi_wait_desc(u32 data, hpa_t status_hpa)
{
	return (struct vtd_inv_desc){
		.lo = FIELD_PREP(VTD_INV_LO_TYPE, VTD_INV_TYPE_WAIT) | VTD_INV_WAIT_LO_SW |
		      VTD_INV_WAIT_LO_FN | FIELD_PREP(VTD_INV_WAIT_LO_STDATA, data),
		.hi = status_hpa & VTD_INV_WAIT_HI_STADDR,
	};
}

void vtd_qi_init(struct vtd_qi *q, const struct vtd_unit *u, void *queue, hpa_t queue_hpa,
		 u32 *status, hpa_t status_hpa)
{
	memset(q, 0, sizeof(*q));
	q->u = u;
	q->queue = queue;
	q->queue_hpa = queue_hpa;
	q->status = status;
	q->status_hpa = status_hpa;
	memset(queue, 0, VTD_QI_ENTRIES * sizeof(struct vtd_inv_desc));
	status[0] = status[1] = 0;
}

int vtd_qi_enable(struct vtd_qi *q)
{
	const struct vtd_unit *u = q->u;
	u32 head;
	int err;

	if (!u->caps.qi)
		return -ENODEV;
	/* 6.5.2: program IQT and IQA while QIE is off, then enable. */
	q->tail = 0;
	vtd_write64(u, VTD_REG64_IQT, 0);
	vtd_write64(u, VTD_REG64_IQA, (q->queue_hpa & VTD_IQA_IQA) | FIELD_PREP(VTD_IQA_QS, 0));
	err = vtd_gcmd_update(u, VTD_GCMD_QIE, true);
	if (err)
		return err;
	head = (u32)FIELD_GET(VTD_IQH_QH, vtd_read64(u, VTD_REG64_IQH));
	if (head) {
		pr_warn("queue head %u after enabling QI (expected 0)\n", head);
		q->tail = head % VTD_QI_ENTRIES;
		vtd_write64(u, VTD_REG64_IQT, FIELD_PREP(VTD_IQT_QT, q->tail));
	}
	q->active = true;
	return 0;
}

static u32 qi_head(const struct vtd_qi *q)
{
	return (u32)FIELD_GET(VTD_IQH_QH, vtd_read64(q->u, VTD_REG64_IQH)) % VTD_QI_ENTRIES;
}

int vtd_qi_disable(struct vtd_qi *q)
{
	const struct vtd_unit *u = q->u;
	bool drained;
	int err;

	if (!(vtd_read32(u, VTD_REG32_GSTS) & VTD_GSTS_QIES)) {
		q->active = false;
		return 0;
	}
	/* 6.5.2: QIE may only be cleared once the queue is empty. */
	drained = tsc_wait_until(VTD_QI_TIMEOUT_US,
				 FIELD_GET(VTD_IQH_QH, vtd_read64(u, VTD_REG64_IQH)) ==
					 FIELD_GET(VTD_IQT_QT, vtd_read64(u, VTD_REG64_IQT)));
	if (!drained) {
		pr_err("queue not drained (IQH=0x%lx IQT=0x%lx): QI stays on\n",
		       vtd_read64(u, VTD_REG64_IQH), vtd_read64(u, VTD_REG64_IQT));
		return -ETIMEDOUT;
	}
	err = vtd_gcmd_update(u, VTD_GCMD_QIE, false);
	if (!err)
		q->active = false;
	return err;
}

static const char *iqei_name(unsigned int iqei)
{
	static const char *const names[] = {
		[VTD_IQEI_NONE] = "not reported",
		[VTD_IQEI_TAIL_INVALID] = "tail beyond queue",
		[VTD_IQEI_FETCH_ERROR] = "descriptor fetch error",
		[VTD_IQEI_BAD_TYPE] = "invalid descriptor type",
		[VTD_IQEI_RSVD_SET] = "reserved field set",
		[VTD_IQEI_BAD_WIDTH] = "descriptor width",
		[VTD_IQEI_TAIL_MISALIGNED] = "tail misaligned",
		[VTD_IQEI_BAD_TTM] = "invalid for the table mode",
	};

	return iqei < ARRAY_SIZE(names) && names[iqei] ? names[iqei] : "reserved";
}

/*
 * @pre: q->lock held, FSTS.IQE set. The hardware halted at IQH: log the
 * rejected descriptor, replace it by a wait descriptor writing the discard
 * dword, and clear IQE (RW1C) so it resumes from IQH.
 */
static void qi_recover(struct vtd_qi *q)
{
	const struct vtd_unit *u = q->u;
	u32 head = qi_head(q);
	u64 rec = vtd_read64(u, VTD_REG64_IQERCD);
	struct vtd_inv_desc bad = q->queue[head];
	unsigned int iqei = (unsigned int)FIELD_GET(VTD_IQERCD_IQEI, rec);

	pr_err("invalidation queue error (IQE) at descriptor %u: lo=0x%016lx hi=0x%016lx iqei=%u (%s); skipped\n",
	       head, bad.lo, bad.hi, iqei, iqei_name(iqei));
	q->queue[head] = vtd_qi_wait_desc(0, q->status_hpa + sizeof(u32));
	mfence();
	vtd_write32(u, VTD_REG32_FSTS, VTD_FSTS_IQE);
	q->queue_errors++;
}

/* @pre: q->lock held. Has the wait for seq completed? Recovers from IQE. */
static bool qi_wait_done(struct vtd_qi *q, u32 seq, int *err)
{
	if (READ_ONCE(q->status[0]) == seq)
		return true;
	if (vtd_read32(q->u, VTD_REG32_FSTS) & VTD_FSTS_IQE) {
		qi_recover(q);
		*err = -EIO;
	}
	return false;
}

/* @pre: q->lock held. Room for n more descriptors (one slot stays empty)? */
static bool qi_has_room(struct vtd_qi *q, unsigned int n, int *err)
{
	u32 used = (q->tail - qi_head(q)) % VTD_QI_ENTRIES;

	if (used + n < VTD_QI_ENTRIES)
		return true;
	if (vtd_read32(q->u, VTD_REG32_FSTS) & VTD_FSTS_IQE) {
		qi_recover(q);
		*err = -EIO;
	}
	return false;
}

static void qi_report_timeout(struct vtd_qi *q, const char *what)
{
	const struct vtd_unit *u = q->u;

	q->timeouts++;
	pr_err("invalidation queue: %s timed out after %u ms (IQH=0x%lx IQT=0x%lx FSTS=0x%x status=%u want %u)\n",
	       what, VTD_QI_TIMEOUT_US / 1000, vtd_read64(u, VTD_REG64_IQH),
	       vtd_read64(u, VTD_REG64_IQT), vtd_read32(u, VTD_REG32_FSTS), READ_ONCE(q->status[0]),
	       q->seq);
}

static void qi_put(struct vtd_qi *q, struct vtd_inv_desc d)
{
	q->queue[q->tail] = d;
	q->tail = (q->tail + 1) % VTD_QI_ENTRIES;
	q->descs++;
}

/* @pre: q->lock held. */
static int qi_submit_locked(struct vtd_qi *q, const struct vtd_inv_desc *d, unsigned int n)
{
	int err = 0, room_err = 0;
	u32 seq;

	if (!tsc_wait_until(VTD_QI_TIMEOUT_US, qi_has_room(q, n + 1, &room_err))) {
		qi_report_timeout(q, "waiting for queue space");
		return -ETIMEDOUT;
	}
	for (unsigned int i = 0; i < n; i++)
		qi_put(q, d[i]);
	seq = ++q->seq;
	if (!seq) /* 0 is the status dword's initial value */
		seq = ++q->seq;
	qi_put(q, vtd_qi_wait_desc(seq, q->status_hpa));
	/* descriptors in memory before the tail moves over them */
	mfence();
	vtd_write64(q->u, VTD_REG64_IQT, FIELD_PREP(VTD_IQT_QT, q->tail));
	if (!tsc_wait_until(VTD_QI_TIMEOUT_US, qi_wait_done(q, seq, &err))) {
		qi_report_timeout(q, "wait descriptor");
		return -ETIMEDOUT;
	}
	q->waits++;
	return err ? err : room_err;
}

int vtd_qi_submit(struct vtd_qi *q, const struct vtd_inv_desc *d, unsigned int n)
{
	int err;

	if (!q->active || !n || n > VTD_QI_MAX_BATCH)
		return -EINVAL;
	spin_lock(&q->lock);
	err = qi_submit_locked(q, d, n);
	spin_unlock(&q->lock);
	return err;
}

/* 6.5.1.1: CCMD with ICC, poll ICC clear; CAIG 0 means not performed. */
static int reg_context(const struct vtd_unit *u, unsigned int gran, u16 did, u16 sid, u8 fm)
{
	u64 v = VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, gran) | FIELD_PREP(VTD_CCMD_FM, fm) |
		FIELD_PREP(VTD_CCMD_SID, sid) | FIELD_PREP(VTD_CCMD_DID, did);

	vtd_write64(u, VTD_REG64_CCMD, v);
	if (!tsc_wait_until(VTD_REG_TIMEOUT_US,
			    !((v = vtd_read64(u, VTD_REG64_CCMD)) & VTD_CCMD_ICC))) {
		pr_err("context-cache invalidation (CCMD) timed out: 0x%lx\n", v);
		return -ETIMEDOUT;
	}
	if (!FIELD_GET(VTD_CCMD_CAIG, v)) {
		pr_err("context-cache invalidation (CCMD) not performed: 0x%lx\n", v);
		return -EIO;
	}
	return 0;
}

/* 6.5.1.2: IVA (page granularity), then IOTLB with IVT; poll IVT clear. */
static int reg_iotlb(const struct vtd_unit *u, unsigned int gran, u16 did, iova_t addr,
		     unsigned int am)
{
	u32 base = u->caps.iro;
	u64 v = VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, gran) | FIELD_PREP(VTD_IOTLB_DID, did) |
		(u->caps.drd ? VTD_IOTLB_DR : 0) | (u->caps.dwd ? VTD_IOTLB_DW : 0);

	if (gran == VTD_IOTLB_GRAN_PAGE)
		vtd_write64(u, base + VTD_REL64_IVA,
			    (addr & VTD_IVA_ADDR) | FIELD_PREP(VTD_IVA_AM, am));
	vtd_write64(u, base + VTD_REL64_IOTLB, v);
	if (!tsc_wait_until(VTD_REG_TIMEOUT_US,
			    !((v = vtd_read64(u, base + VTD_REL64_IOTLB)) & VTD_IOTLB_IVT))) {
		pr_err("IOTLB invalidation (register) timed out: 0x%lx\n", v);
		return -ETIMEDOUT;
	}
	if (!FIELD_GET(VTD_IOTLB_IAIG, v)) {
		pr_err("IOTLB invalidation (register) not performed: 0x%lx\n", v);
		return -EIO;
	}
	return 0;
}

int vtd_inv_context(struct vtd_qi *q, unsigned int gran, u16 did, u16 sid, u8 fm)
{
	struct vtd_inv_desc d;
	int err;

	if (gran < VTD_CC_GRAN_GLOBAL || gran > VTD_CC_GRAN_DEVICE)
		return -EINVAL;
	if (q->active) {
		d = vtd_qi_context_desc(gran, did, sid, fm);
		err = vtd_qi_submit(q, &d, 1);
	} else {
		spin_lock(&q->lock);
		err = reg_context(q->u, gran, did, sid, fm);
		spin_unlock(&q->lock);
	}
	if (!err) /* outside the lock: several CPUs may count */
		__atomic_fetch_add(&q->ctx_flushes, 1, __ATOMIC_RELAXED);
	return err;
}

int vtd_inv_iotlb(struct vtd_qi *q, unsigned int gran, u16 did, iova_t addr, unsigned int am)
{
	const struct vtd_caps *c = &q->u->caps;
	struct vtd_inv_desc d;
	int err;

	if (gran < VTD_IOTLB_GRAN_GLOBAL || gran > VTD_IOTLB_GRAN_PAGE)
		return -EINVAL;
	if (gran == VTD_IOTLB_GRAN_PAGE &&
	    (!c->psi || am > c->mamv || !IS_ALIGNED(addr, PAGE_SIZE << am)))
		return -EINVAL;
	if (q->active) {
		d = vtd_qi_iotlb_desc(gran, c->drd, c->dwd, did, addr, am, false);
		err = vtd_qi_submit(q, &d, 1);
	} else {
		spin_lock(&q->lock);
		err = reg_iotlb(q->u, gran, did, addr, am);
		spin_unlock(&q->lock);
	}
	if (!err)
		__atomic_fetch_add(&q->iotlb_flushes, 1, __ATOMIC_RELAXED);
	return err;
}

unsigned int vtd_qi_handle_errors(struct vtd_qi *q, u32 fsts)
{
	const struct vtd_unit *u = q->u;
	unsigned int n = 0;
	u64 rec;

	/* A submitter holding the lock recovers IQE itself while it waits. */
	if ((fsts & VTD_FSTS_IQE) && spin_trylock(&q->lock)) {
		if (vtd_read32(u, VTD_REG32_FSTS) & VTD_FSTS_IQE) {
			qi_recover(q);
			n++;
		}
		spin_unlock(&q->lock);
	}
	if (fsts & (VTD_FSTS_ICE | VTD_FSTS_ITE)) {
		rec = vtd_read64(u, VTD_REG64_IQERCD);
		if (fsts & VTD_FSTS_ICE)
			pr_err("invalidation completion error (ICE) sid=0x%04x\n",
			       (unsigned int)FIELD_GET(VTD_IQERCD_ICESID, rec));
		if (fsts & VTD_FSTS_ITE)
			pr_err("invalidation time-out error (ITE) sid=0x%04x\n",
			       (unsigned int)FIELD_GET(VTD_IQERCD_ITESID, rec));
		vtd_write32(u, VTD_REG32_FSTS, fsts & (VTD_FSTS_ICE | VTD_FSTS_ITE));
		n += !!(fsts & VTD_FSTS_ICE) + !!(fsts & VTD_FSTS_ITE);
	}
	return n;
}
