// SPDX-License-Identifier: MIT
/*
 * drivers/vtd_qi.c: the 128-bit descriptor encodings checked bit by bit
 * against the spec (6.5.2.1 context-cache, 6.5.2.3 IOTLB, 6.5.2.8 wait)
 * and QEMU 7.2's reserved masks; then the queue against the fake unit
 * (tests/unit/vtd_fake.c): submission and completion, wrap-around at 256,
 * timeouts (no status write, queue full), IQE recovery (in the waiter and
 * from the fault poller), ICE/ITE reporting, QI disable, and the
 * register-based fallback (CCMD/IOTLB registers) when ECAP.QI=0.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_ctl.h"
#include "drivers/vtd_fault.h"
#include "drivers/vtd_qi.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "tests/unit/vtd_fake.h"

/* QEMU 7.2's reserved masks (intel_iommu_internal.h): must stay clear. */
#define QEMU_CC_RSVD 0xfffc00000000ffc0ull
#define QEMU_IOTLB_RSVD_LO 0xffffffff0000ff00ull
#define QEMU_IOTLB_RSVD_HI 0xf80ull
#define QEMU_WAIT_RSVD_LO 0xffffff80ull
#define QEMU_WAIT_RSVD_HI 0x3ull

#define assert_log_has(s)                                                           \
	do {                                                                        \
		if (!strstr(harness_log(), (s)))                                    \
			fail_msg("log lacks \"%s\"; log:\n%s", (s), harness_log()); \
	} while (0)

struct fix {
	struct vtd_fake *f;
	struct vtd_qi q;
	struct vtd_inv_desc *queue;
	u32 *status;
};

static struct fix *fx;

static void fix_up(u64 cap, u64 ecap, bool enable)
{
	fx = calloc(1, sizeof(*fx));
	fx->f = vtd_fake_new(cap, ecap);
	fx->queue = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	fx->status = aligned_alloc(64, 64);
	vtd_qi_init(&fx->q, &fx->f->unit, fx->queue, (hpa_t)(uintptr_t)fx->queue, fx->status,
		    (hpa_t)(uintptr_t)fx->status);
	if (enable)
		assert_int_equal(vtd_qi_enable(&fx->q), 0);
	harness_log_clear();
}

static int teardown(void **state)
{
	(void)state;
	if (!fx)
		return 0;
	char error[sizeof(fx->f->error)];
	unsigned int ro_writes;

	vtd_fake_arm(fx->f);
	vtd_hw_fini(&fx->f->unit);
	memcpy(error, fx->f->error, sizeof(error));
	ro_writes = fx->f->ro_writes;
	vtd_fake_free(fx->f);
	free(fx->queue);
	free(fx->status);
	free(fx);
	fx = NULL;
	fake_tsc_per_us = 1000;
	if (error[0])
		fail_msg("fake unit: %s", error);
	assert_int_equal(ro_writes, 0);
	assert_int_equal(fake_mm_live, 0);
	return 0;
}

static void test_context_desc(void **state)
{
	struct vtd_inv_desc d;

	(void)state;
	/* type 1 [3:0], G [5:4], DID [31:16], SID [47:32], FM [49:48] */
	d = vtd_qi_context_desc(VTD_CC_GRAN_DEVICE, 0x1234, 0x0210, 2);
	assert_int_equal(d.lo, 0x0002021012340031ull);
	assert_int_equal(d.hi, 0);
	d = vtd_qi_context_desc(VTD_CC_GRAN_GLOBAL, 0, 0, 0);
	assert_int_equal(d.lo, 0x11);
	d = vtd_qi_context_desc(VTD_CC_GRAN_DOMAIN, 0xffff, 0xffff, 3);
	assert_int_equal(d.lo, 0x0003ffffffff0021ull);
	assert_int_equal(d.lo & QEMU_CC_RSVD, 0);
}

static void test_iotlb_desc(void **state)
{
	struct vtd_inv_desc d;

	(void)state;
	/* type 2, G [5:4], DW 6, DR 7, DID [31:16]; hi ADDR [63:12] IH 6 AM [5:0] */
	d = vtd_qi_iotlb_desc(VTD_IOTLB_GRAN_PAGE, true, true, 1, 0x12340000, 4, true);
	assert_int_equal(d.lo, 0x100f2);
	assert_int_equal(d.hi, 0x12340044);
	d = vtd_qi_iotlb_desc(VTD_IOTLB_GRAN_PAGE, false, true, 0xabcd, 0x7ffffff000ull, 0, false);
	assert_int_equal(d.lo, 0xabcd0072);
	assert_int_equal(d.hi, 0x7ffffff000ull);
	/* address fields only for page granularity */
	d = vtd_qi_iotlb_desc(VTD_IOTLB_GRAN_DOMAIN, false, false, 7, 0xdead000, 3, true);
	assert_int_equal(d.lo, 0x70022);
	assert_int_equal(d.hi, 0);
	d = vtd_qi_iotlb_desc(VTD_IOTLB_GRAN_GLOBAL, true, false, 0, 0, 0, false);
	assert_int_equal(d.lo, 0x92);
	assert_int_equal(d.lo & QEMU_IOTLB_RSVD_LO, 0);
	assert_int_equal(d.hi & QEMU_IOTLB_RSVD_HI, 0);
}

static void test_wait_desc(void **state)
{
	struct vtd_inv_desc d;

	(void)state;
	/* type 5, IF 4 (off: QEMU 7.2 asserts on SW+IF), SW 5, FN 6, data [63:32] */
	d = vtd_qi_wait_desc(0xabcdef01, 0x7f001238);
	assert_int_equal(d.lo, 0xabcdef0100000065ull);
	assert_int_equal(d.hi, 0x7f001238);
	assert_int_equal(d.lo & QEMU_WAIT_RSVD_LO, 0);
	assert_int_equal(d.hi & QEMU_WAIT_RSVD_HI, 0);
	assert_int_equal(d.lo & VTD_INV_WAIT_LO_IF, 0);
}

/* The fake executed desc i of its log: check type and (optionally) words. */
static const struct vtd_inv_desc *logged(unsigned int i, unsigned int type)
{
	const struct vtd_inv_desc *d;

	assert_true(i < fx->f->nlog);
	d = &fx->f->log[i];
	assert_int_equal(FIELD_GET(VTD_INV_LO_TYPE, d->lo), type);
	return d;
}

static void assert_wait_for(unsigned int i, u32 seq)
{
	const struct vtd_inv_desc *d = logged(i, VTD_INV_TYPE_WAIT);

	assert_int_equal(d->hi, (hpa_t)(uintptr_t)fx->status);
	assert_int_equal(d->lo >> 32, seq);
}

static void test_submit(void **state)
{
	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	assert_true(vtd_fake_read32(fx->f, VTD_REG32_GSTS) & VTD_GSTS_QIES);
	assert_int_equal(vtd_fake_read64(fx->f, VTD_REG64_IQA), (hpa_t)(uintptr_t)fx->queue);

	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_DEVICE, 1, 0x0010, 0), 0);
	assert_int_equal(fx->f->nlog, 2);
	assert_int_equal(logged(0, VTD_INV_TYPE_CONTEXT)->lo, 0x0000001000010031ull);
	assert_wait_for(1, 1);
	assert_int_equal(fx->status[0], 1);
	assert_int_equal(vtd_fake_read64(fx->f, VTD_REG64_IQT), 2 << 4);

	/* QEMU's CAP has DRD and DWD: both drain bits */
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_PAGE, 1, 0x5000, 0), 0);
	assert_int_equal(logged(2, VTD_INV_TYPE_IOTLB)->lo, 0x100f2);
	assert_int_equal(fx->f->log[2].hi, 0x5000);
	assert_wait_for(3, 2);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
	assert_int_equal(logged(4, VTD_INV_TYPE_IOTLB)->lo, 0xd2);

	assert_int_equal(fx->q.descs, 6);
	assert_int_equal(fx->q.waits, 3);
	assert_int_equal(fx->q.ctx_flushes, 1);
	assert_int_equal(fx->q.iotlb_flushes, 2);
	assert_int_equal(fx->f->status_writes, 3);
}

static void test_drain_bits_follow_caps(void **state)
{
	(void)state;
	fix_up(FAKE_QEMU_CAP & ~(VTD_CAP_DRD | VTD_CAP_DWD), FAKE_QEMU_ECAP, true);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_DOMAIN, 5, 0, 0), 0);
	assert_int_equal(logged(0, VTD_INV_TYPE_IOTLB)->lo, 0x50022);
}

static void test_bad_arguments(void **state)
{
	struct vtd_inv_desc d[VTD_QI_MAX_BATCH + 1];

	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	memset(d, 0, sizeof(d));
	/* MAMV is 18 on QEMU */
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_PAGE, 1, 0, 19), -EINVAL);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_PAGE, 1, 0x1000, 1), -EINVAL);
	assert_int_equal(vtd_inv_iotlb(&fx->q, 0, 1, 0, 0), -EINVAL);
	assert_int_equal(vtd_inv_iotlb(&fx->q, 4, 1, 0, 0), -EINVAL);
	assert_int_equal(vtd_inv_context(&fx->q, 0, 1, 0, 0), -EINVAL);
	assert_int_equal(vtd_qi_submit(&fx->q, d, 0), -EINVAL);
	assert_int_equal(vtd_qi_submit(&fx->q, d, VTD_QI_MAX_BATCH + 1), -EINVAL);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_PAGE, 1, 0x40000, 6), 0);
	assert_int_equal(fx->f->nlog, 2); /* only the last one reached the queue */
	assert_int_equal(fx->f->log[0].hi, 0x40006);
	teardown(NULL);

	fix_up(FAKE_QEMU_CAP & ~VTD_CAP_PSI, FAKE_QEMU_ECAP, true);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_PAGE, 1, 0x1000, 0), -EINVAL);
	assert_int_equal(fx->f->nlog, 0);
}

static void test_wraparound(void **state)
{
	struct vtd_inv_desc batch[VTD_QI_MAX_BATCH];

	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	for (unsigned int i = 0; i < 300; i++)
		assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_DOMAIN, (u16)i, 0, 0), 0);
	assert_int_equal(fx->f->nlog, 600);
	for (unsigned int i = 0; i < 300; i++) {
		assert_int_equal(
			FIELD_GET(VTD_INV_IOTLB_LO_DID, logged(2 * i, VTD_INV_TYPE_IOTLB)->lo), i);
		assert_wait_for(2 * i + 1, i + 1);
	}
	/* 600 descriptors: the tail wrapped twice, to 88 */
	assert_int_equal(fx->q.tail, 88);
	assert_int_equal(vtd_fake_read64(fx->f, VTD_REG64_IQT), 88 << 4);
	assert_int_equal(vtd_fake_read64(fx->f, VTD_REG64_IQH), 88 << 4);
	assert_int_equal(FIELD_GET(VTD_INV_IOTLB_LO_DID, fx->queue[0].lo), 256);
	assert_int_equal(fx->status[0], 300);

	/* a batch straddling the end of the queue: slots 250..255, 0..2 */
	while (fx->q.tail != 250)
		assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
	for (unsigned int i = 0; i < VTD_QI_MAX_BATCH; i++)
		batch[i] = vtd_qi_context_desc(VTD_CC_GRAN_DOMAIN, (u16)(0x100 + i), 0, 0);
	fx->f->nlog = 0;
	assert_int_equal(vtd_qi_submit(&fx->q, batch, VTD_QI_MAX_BATCH), 0);
	assert_int_equal(fx->f->nlog, VTD_QI_MAX_BATCH + 1);
	for (unsigned int i = 0; i < VTD_QI_MAX_BATCH; i++)
		assert_int_equal(logged(i, VTD_INV_TYPE_CONTEXT)->lo, batch[i].lo);
	assert_int_equal(fx->q.tail, 3);
	assert_int_equal(fx->queue[255].lo, batch[5].lo);
	assert_int_equal(FIELD_GET(VTD_INV_LO_TYPE, fx->queue[2].lo), VTD_INV_TYPE_WAIT);
}

static void test_timeout_without_status(void **state)
{
	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	fake_tsc_per_us = 10; /* the 100 ms bound passes quickly */
	fx->f->no_status_write = true;
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_GLOBAL, 0, 0, 0), -ETIMEDOUT);
	assert_log_has("VTD: invalidation queue: wait descriptor timed out after 100 ms");
	assert_int_equal(fx->q.timeouts, 1);
	assert_int_equal(fx->q.waits, 0);
	assert_int_equal(fx->q.ctx_flushes, 0);
	/* the unit recovers: a later wait (new sequence number) completes */
	fx->f->no_status_write = false;
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_GLOBAL, 0, 0, 0), 0);
	assert_int_equal(fx->status[0], 2);
	assert_int_equal(fx->q.waits, 1);

	/* the sequence number skips 0 (the status dword's initial value) */
	teardown(NULL);
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	fake_tsc_per_us = 10;
	fx->q.seq = 0xffffffffu;
	fx->f->qi_stall = true;
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_GLOBAL, 0, 0, 0), -ETIMEDOUT);
	assert_int_equal(fx->q.seq, 1);
	fx->f->qi_stall = false;
	vtd_fake_run_queue(fx->f);
	assert_int_equal(fx->status[0], 1);
}

static void test_queue_full(void **state)
{
	struct vtd_inv_desc batch[VTD_QI_MAX_BATCH];
	unsigned int i;

	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	fake_tsc_per_us = 10;
	for (i = 0; i < VTD_QI_MAX_BATCH; i++)
		batch[i] = vtd_qi_iotlb_desc(VTD_IOTLB_GRAN_GLOBAL, false, false, 0, 0, 0, false);
	fx->f->qi_stall = true;
	/* 28 batches of 8 + wait fill 252 slots; the 29th does not fit */
	for (i = 0; i < 28; i++)
		assert_int_equal(vtd_qi_submit(&fx->q, batch, VTD_QI_MAX_BATCH), -ETIMEDOUT);
	assert_int_equal(fx->q.tail, 252);
	harness_log_clear();
	assert_int_equal(vtd_qi_submit(&fx->q, batch, VTD_QI_MAX_BATCH), -ETIMEDOUT);
	assert_log_has("waiting for queue space timed out");
	assert_int_equal(fx->q.tail, 252); /* nothing written */
	/* four slots are free but one must stay empty (head == tail: empty) */
	assert_int_equal(vtd_qi_submit(&fx->q, batch, 3), -ETIMEDOUT);
	assert_int_equal(fx->q.tail, 252);
	assert_int_equal(vtd_qi_submit(&fx->q, batch, 2), -ETIMEDOUT);
	assert_int_equal(fx->q.tail, 255);
	assert_int_equal(vtd_qi_submit(&fx->q, batch, 1), -ETIMEDOUT);
	/* the unit wakes up: everything runs, the next submission completes */
	fx->f->qi_stall = false;
	vtd_fake_run_queue(fx->f);
	assert_int_equal(fx->f->nlog, 255);
	assert_int_equal(vtd_qi_submit(&fx->q, batch, 1), 0);
	assert_int_equal(fx->status[0], fx->q.seq);
}

static void test_iqe_in_waiter(void **state)
{
	struct vtd_inv_desc d[3];

	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	d[0] = vtd_qi_iotlb_desc(VTD_IOTLB_GRAN_DOMAIN, true, true, 1, 0, 0, false);
	d[1] = (struct vtd_inv_desc){ 0x9, 0 }; /* no such type */
	d[2] = vtd_qi_context_desc(VTD_CC_GRAN_GLOBAL, 0, 0, 0);
	assert_int_equal(vtd_qi_submit(&fx->q, d, 3), -EIO);
	assert_log_has(
		"VTD: invalidation queue error (IQE) at descriptor 1: lo=0x0000000000000009 hi=0x0000000000000000 iqei=3 (invalid descriptor type); skipped");
	assert_int_equal(fx->q.queue_errors, 1);
	assert_int_equal(fx->f->iqe_raised, 1);
	assert_false(vtd_fake_read32(fx->f, VTD_REG32_FSTS) & VTD_FSTS_IQE);
	/* IOTLB, the replacement (a wait into the discard dword), context, wait */
	assert_int_equal(fx->f->nlog, 4);
	assert_int_equal(logged(1, VTD_INV_TYPE_WAIT)->hi, (hpa_t)(uintptr_t)&fx->status[1]);
	logged(2, VTD_INV_TYPE_CONTEXT);
	assert_wait_for(3, 1);

	/* a reserved bit: context descriptor with hi set (QEMU requires 0) */
	harness_log_clear();
	d[0] = vtd_qi_context_desc(VTD_CC_GRAN_GLOBAL, 0, 0, 0);
	d[0].hi = 1;
	assert_int_equal(vtd_qi_submit(&fx->q, d, 1), -EIO);
	assert_log_has("iqei=4 (reserved field set)");
	/* and the queue keeps working */
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_GLOBAL, 0, 0, 0), 0);
	assert_int_equal(fx->status[0], 3);
}

static void test_iqe_via_fault_poll(void **state)
{
	struct vtd_hw *hw;
	u32 tail;

	(void)state;
	fx = calloc(1, sizeof(*fx));
	fx->f = vtd_fake_new(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	assert_int_equal(vtd_hw_init(&fx->f->unit), 0);
	hw = vtd_hw_find(&fx->f->unit);
	assert_non_null(hw);
	/* a rogue descriptor behind the driver's back, then IQT */
	tail = hw->qi.tail;
	hw->qi.queue[tail] = (struct vtd_inv_desc){ 0x7f, 0 };
	hw->qi.tail = (tail + 1) % VTD_QI_ENTRIES;
	vtd_write64(&fx->f->unit, VTD_REG64_IQT, FIELD_PREP(VTD_IQT_QT, hw->qi.tail));
	assert_true(vtd_fake_read32(fx->f, VTD_REG32_FSTS) & VTD_FSTS_IQE);
	harness_log_clear();
	assert_int_equal(vtd_fault_poll(&fx->f->unit), 1);
	assert_log_has("invalidation queue error (IQE) at descriptor");
	assert_false(vtd_fake_read32(fx->f, VTD_REG32_FSTS) & VTD_FSTS_IQE);
	assert_int_equal(fx->f->iqh, hw->qi.tail);
	assert_int_equal(vtd_fault_poll(&fx->f->unit), 0);
	assert_int_equal(vtd_flush_iotlb_domain(&fx->f->unit, 1), 0);
	vtd_hw_fini(&fx->f->unit);
	assert_int_equal(fake_mm_live, 0);
	fx->queue = NULL;
	fx->status = NULL;
}

static void test_ice_ite_reported(void **state)
{
	(void)state;
	fx = calloc(1, sizeof(*fx));
	fx->f = vtd_fake_new(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	assert_int_equal(vtd_hw_init(&fx->f->unit), 0);
	vtd_fake_poke64(fx->f, VTD_REG64_IQERCD, 0x00100000ull << 32 | 0x0210ull << 32);
	vtd_fake_poke32(fx->f, VTD_REG32_FSTS, VTD_FSTS_ICE | VTD_FSTS_ITE);
	harness_log_clear();
	assert_int_equal(vtd_fault_poll(&fx->f->unit), 2);
	assert_log_has("VTD: invalidation completion error (ICE) sid=0x0010");
	assert_log_has("VTD: invalidation time-out error (ITE) sid=0x0210");
	assert_int_equal(vtd_fake_read32(fx->f, VTD_REG32_FSTS), 0);
	vtd_hw_fini(&fx->f->unit);
}

static void test_disable(void **state)
{
	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP, true);
	fake_tsc_per_us = 10;
	fx->f->qi_stall = true;
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_GLOBAL, 0, 0, 0), -ETIMEDOUT);
	assert_int_equal(vtd_qi_disable(&fx->q), -ETIMEDOUT);
	assert_true(vtd_fake_read32(fx->f, VTD_REG32_GSTS) & VTD_GSTS_QIES);
	assert_true(fx->q.active);
	fx->f->qi_stall = false;
	vtd_fake_run_queue(fx->f);
	assert_int_equal(vtd_qi_disable(&fx->q), 0);
	assert_false(vtd_fake_read32(fx->f, VTD_REG32_GSTS) & VTD_GSTS_QIES);
	assert_false(fx->q.active);
	assert_int_equal(vtd_qi_submit(&fx->q, fx->queue, 1), -EINVAL);
	/* GCMD kept nothing but the command: QIE alone, then 0 */
	assert_int_equal(fx->f->ngcmd, 2);
	assert_int_equal(fx->f->gcmd[0], VTD_GCMD_QIE);
	assert_int_equal(fx->f->gcmd[1], 0);
}

static void test_register_based(void **state)
{
	(void)state;
	fix_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP & ~VTD_ECAP_QI, false);
	assert_int_equal(vtd_qi_enable(&fx->q), -ENODEV);
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_DEVICE, 1, 0x0010, 1), 0);
	assert_int_equal(fx->f->nccmd, 1);
	/* ICC 63, CIRG [62:61], FM [33:32], SID [31:16], DID [15:0] */
	assert_int_equal(fx->f->ccmd[0], 0xe000000100100001ull);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_PAGE, 2, 0x4000, 2), 0);
	assert_int_equal(fx->f->niotlb, 1);
	/* IVA: ADDR | AM; IOTLB: IVT 63, IIRG [61:60], DR 49, DW 48, DID [47:32] */
	assert_int_equal(fx->f->iva_reg[0], 0x4002);
	assert_int_equal(fx->f->iotlb_reg[0], 0xb003000200000000ull);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), 0);
	assert_int_equal(fx->f->iotlb_reg[1], 0x9003000000000000ull);
	assert_int_equal(fx->q.descs, 0);
	assert_int_equal(fx->q.iotlb_flushes, 2);
	assert_int_equal(fx->q.ctx_flushes, 1);
	/* a unit that never completes: bounded */
	fake_tsc_per_us = 10;
	fx->f->ignore_regs = true;
	assert_int_equal(vtd_inv_context(&fx->q, VTD_CC_GRAN_GLOBAL, 0, 0, 0), -ETIMEDOUT);
	assert_int_equal(vtd_inv_iotlb(&fx->q, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0), -ETIMEDOUT);
	assert_log_has("VTD: IOTLB invalidation (register) timed out");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_context_desc),
		cmocka_unit_test(test_iotlb_desc),
		cmocka_unit_test(test_wait_desc),
		cmocka_unit_test_teardown(test_submit, teardown),
		cmocka_unit_test_teardown(test_drain_bits_follow_caps, teardown),
		cmocka_unit_test_teardown(test_bad_arguments, teardown),
		cmocka_unit_test_teardown(test_wraparound, teardown),
		cmocka_unit_test_teardown(test_timeout_without_status, teardown),
		cmocka_unit_test_teardown(test_queue_full, teardown),
		cmocka_unit_test_teardown(test_iqe_in_waiter, teardown),
		cmocka_unit_test_teardown(test_iqe_via_fault_poll, teardown),
		cmocka_unit_test_teardown(test_ice_ite_reported, teardown),
		cmocka_unit_test_teardown(test_disable, teardown),
		cmocka_unit_test_teardown(test_register_based, teardown),
	};

	return HARNESS_RUN(tests);
}
