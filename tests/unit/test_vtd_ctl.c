// SPDX-License-Identifier: MIT
/*
 * drivers/vtd_ctl.c and drivers/vtd_fault.c against the fake unit
 * (tests/unit/vtd_fake.c): bring-up (GCMD sequence with preserved bits,
 * root table, global invalidations, stale state, timeouts, register-based
 * units), the NIC identity domain checked by DMAs through the fake's
 * walker and caches (identity for RAM, faults elsewhere and for every
 * other device), unmap + page-selective flush, re-attach/detach, caching
 * mode, write-buffer flushing, and fault decoding/clearing/rate limiting.
 */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_ctl.h"
#include "drivers/vtd_fault.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "tests/unit/vtd_fake.h"

#define NIC_DEVFN 0x10 /* 00:02.0 */
#define NIC_SID 0x0010

#define assert_log_has(s)                                                           \
	do {                                                                        \
		if (!strstr(harness_log(), (s)))                                    \
			fail_msg("log lacks \"%s\"; log:\n%s", (s), harness_log()); \
	} while (0)

static struct vtd_fake *f;
static struct vtd_unit *u;

static void up(u64 cap, u64 ecap)
{
	f = vtd_fake_new(cap, ecap);
	u = &f->unit;
	fake_mm_budget = -1;
	fake_hv_base = fake_hv_len = 0;
	harness_log_clear();
}

static int teardown(void **state)
{
	(void)state;
	if (!f)
		return 0;
	char error[sizeof(f->error)];
	unsigned int ro_writes;

	vtd_fake_arm(f);
	vtd_hw_fini(u);
	memcpy(error, f->error, sizeof(error));
	ro_writes = f->ro_writes;
	vtd_fake_free(f);
	f = NULL;
	fake_tsc_per_us = 1000;
	fake_mm_budget = -1;
	if (error[0])
		fail_msg("fake unit: %s", error);
	assert_int_equal(ro_writes, 0);
	assert_int_equal(fake_mm_live, 0);
	return 0;
}

static const struct vtd_inv_desc *logged(unsigned int i, unsigned int type)
{
	assert_true(i < f->nlog);
	assert_int_equal(FIELD_GET(VTD_INV_LO_TYPE, f->log[i].lo), type);
	return &f->log[i];
}

static void test_init_qemu(void **state)
{
	struct vtd_hw *hw;
	char line[160];

	(void)state;
	up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	assert_int_equal(vtd_hw_init(u), 0);
	hw = vtd_hw_find(u);
	assert_non_null(hw);
	snprintf(line, sizeof(line), "VTD: unit 0 initialised: root=%#lx qi=%#lx levels=3\n",
		 hw->root_hpa, hw->qi.queue_hpa);
	assert_log_has(line);
	assert_int_equal(vtd_fake_read32(f, VTD_REG32_GSTS), VTD_GSTS_RTPS | VTD_GSTS_QIES);
	assert_int_equal(f->rta, hw->root_hpa);
	assert_int_equal(f->srtp, 1);
	for (unsigned int i = 0; i < VTD_ROOT_ENTRIES; i++)
		assert_true(!hw->root[i].lo && !hw->root[i].hi);
	assert_true(vtd_fake_read32(f, VTD_REG32_FECTL) & VTD_FECTL_IM);
	assert_true(vtd_fake_read32(f, VTD_REG32_IECTL) & VTD_IECTL_IM);
	/* QIE, then SRTP keeping QIE (one-shot bits never repeated) */
	assert_int_equal(f->ngcmd, 2);
	assert_int_equal(f->gcmd[0], VTD_GCMD_QIE);
	assert_int_equal(f->gcmd[1], VTD_GCMD_QIE | VTD_GCMD_SRTP);
	/* global context-cache, then global IOTLB (draining), each waited for */
	assert_int_equal(f->nlog, 4);
	assert_int_equal(logged(0, VTD_INV_TYPE_CONTEXT)->lo, 0x11);
	logged(1, VTD_INV_TYPE_WAIT);
	assert_int_equal(logged(2, VTD_INV_TYPE_IOTLB)->lo, 0xd2);
	logged(3, VTD_INV_TYPE_WAIT);
	assert_int_equal(f->wbf, 0); /* CAP.RWBF=0 */
	assert_int_equal(vtd_hw_init(u), -EBUSY);
	vtd_hw_fini(u);
	assert_null(vtd_hw_find(u));
	assert_int_equal(vtd_fake_read32(f, VTD_REG32_GSTS) & VTD_GSTS_QIES, 0);
	assert_int_equal(fake_mm_live, 0);
}

static void test_init_4level(void **state)
{
	struct vtd_domain d;
	hpa_t hpa;
	u64 size;
	bool write;

	(void)state;
	up(FAKE_QEMU_CAP | FAKE_CAP_SAGAW_48, FAKE_QEMU_ECAP);
	assert_int_equal(vtd_hw_init(u), 0);
	assert_log_has("levels=4\n");
	assert_int_equal(vtd_domain_init(&d, u, 1), 0);
	assert_int_equal(d.pt.levels, 4);
	assert_int_equal(d.aw, VTD_AW_48BIT);
	assert_int_equal(d.pt.addr_bits, 39); /* MGAW stays 39 */
	assert_non_null(d.pt.mem->flush);     /* ECAP.C=0: entries are clflushed */
	assert_int_equal(vtd_domain_map(&d, 1ULL << 39, 0, PAGE_SIZE, true), -ERANGE);
	/* CAP.SLLPS allows 1 GiB and 2 MiB leaves */
	assert_int_equal(vtd_domain_map(&d, GiB(1), GiB(1), GiB(1) + MiB(2), false), 0);
	assert_true(vtd_domain_lookup(&d, GiB(1) + 0x1234, &hpa, &size, &write));
	assert_int_equal(hpa, GiB(1) + 0x1234);
	assert_int_equal(size, GiB(1));
	assert_false(write);
	assert_true(vtd_domain_lookup(&d, GiB(2), NULL, &size, NULL));
	assert_int_equal(size, MiB(2));
	vtd_domain_destroy(&d);

	/* without 1 GiB support: 2 MiB leaves */
	teardown(NULL);
	up(FAKE_QEMU_CAP & ~FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_1G), FAKE_QEMU_ECAP);
	assert_int_equal(vtd_domain_init(&d, u, 1), 0);
	assert_int_equal(vtd_domain_map(&d, GiB(1), GiB(1), GiB(1), true), 0);
	assert_true(vtd_domain_lookup(&d, GiB(1), NULL, &size, &write));
	assert_int_equal(size, MiB(2));
	assert_true(write);
	vtd_domain_destroy(&d);
}

static void test_init_stale_state(void **state)
{
	(void)state;
	up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP | VTD_ECAP_C);
	/* firmware left translation and QI on (empty queue) */
	vtd_fake_poke32(f, VTD_REG32_GSTS, VTD_GSTS_TES | VTD_GSTS_QIES | VTD_GSTS_RTPS);
	f->iq_entries = 256;
	assert_int_equal(vtd_hw_init(u), 0);
	assert_log_has("translation was on at init: turning it off");
	assert_log_has("queued invalidation was on at init: draining it");
	assert_int_equal(f->gcmd[0], VTD_GCMD_QIE); /* TE off, QIE kept */
	assert_int_equal(f->gcmd[1], 0);	    /* QIE off */
	assert_int_equal(f->gcmd[2], VTD_GCMD_QIE); /* QIE on, our queue */
	assert_int_equal(f->iq_base, vtd_hw_find(u)->qi.queue_hpa);
	assert_false(vtd_fake_read32(f, VTD_REG32_GSTS) & VTD_GSTS_TES);
}

static void test_init_timeout(void **state)
{
	(void)state;
	up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	fake_tsc_per_us = 10;
	f->ignore_gcmd = true;
	assert_int_equal(vtd_hw_init(u), -ETIMEDOUT);
	assert_log_has("VTD: GCMD.QIE=1: no GSTS acknowledgement within 100 ms");
	assert_log_has("initialisation failed (ETIMEDOUT); translation stays off");
	assert_null(vtd_hw_find(u));
	assert_int_equal(fake_mm_live, 0);
}

static void test_init_register_based(void **state)
{
	(void)state;
	up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP & ~VTD_ECAP_QI);
	assert_int_equal(vtd_hw_init(u), 0);
	assert_log_has("qi=none(register-based) levels=3");
	assert_int_equal(f->nlog, 0);
	assert_int_equal(f->nccmd, 1);
	assert_int_equal(f->ccmd[0], 0xa000000000000000ull); /* ICC, global */
	assert_int_equal(f->niotlb, 1);
	assert_int_equal(f->iotlb_reg[0], 0x9003000000000000ull); /* IVT, global, DR, DW */
	assert_int_equal(f->gcmd[0], VTD_GCMD_SRTP);
}

/* A guest E820 in the first GiB; the hypervisor sits above it. */
static const struct mem_range guest_ram[] = {
	{ 0x0, 0x9fc00, MEMRANGE_AVAILABLE },
	{ 0x9fc00, 0x400, MEMRANGE_RESERVED },
	{ 0xf0000, 0x10000, MEMRANGE_RESERVED },
	{ 0x100000, 0x3ee00000 - 0x100000, MEMRANGE_AVAILABLE },
	{ 0x3ee00000, 0x10000, MEMRANGE_ACPI },
	{ 0x3ee10800, 0x800, MEMRANGE_AVAILABLE }, /* no whole page */
	{ 0xfec00000, 0x1000, MEMRANGE_RESERVED },
};
#define GUEST_RAM_BYTES (0x9f000 + 0x3ee00000 - 0x100000 + 0x10000)

static void nic_up(u64 cap, u64 ecap)
{
	up(cap, ecap);
	fake_hv_base = 0x3f000000;
	fake_hv_len = MiB(16);
	assert_int_equal(vtd_setup_nic_identity(u, 0, NIC_DEVFN, guest_ram, ARRAY_SIZE(guest_ram)),
			 0);
	assert_non_null(vtd_nic_domain());
}

static unsigned int dma(u16 sid, iova_t iova, bool write)
{
	hpa_t hpa = ~0ULL;
	unsigned int fr = vtd_fake_dma(f, sid, iova, write, &hpa);

	if (!fr)
		assert_int_equal(hpa, iova); /* only identity exists here */
	return fr;
}

static void test_nic_identity(void **state)
{
	struct vtd_context_entry *ct;
	struct vtd_hw *hw;
	char line[128];

	(void)state;
	nic_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	snprintf(line, sizeof(line),
		 "VTD: nic 00:02.0 domain 1 identity-mapped %llu MiB, translation on\n",
		 (unsigned long long)GUEST_RAM_BYTES >> 20);
	assert_log_has(line);
	assert_true(vtd_fake_read32(f, VTD_REG32_GSTS) & VTD_GSTS_TES);
	assert_int_equal(f->gcmd[f->ngcmd - 1], VTD_GCMD_QIE | VTD_GCMD_TE);
	assert_int_equal(f->srtp, 1);
	/* the context entry: SLPTPTR | TT=0 | P; AW=1 (39-bit), DID 1 */
	hw = vtd_hw_find(u);
	assert_true(hw->root[0].lo & VTD_ROOT_LO_P);
	ct = (void *)(uintptr_t)(hw->root[0].lo & VTD_ROOT_LO_CTP);
	assert_int_equal(ct[NIC_DEVFN].lo, vtd_nic_domain()->pt.root_pa | 1);
	assert_int_equal(ct[NIC_DEVFN].hi, 0x101);
	for (unsigned int i = 0; i < VTD_CONTEXT_ENTRIES; i++)
		if (i != NIC_DEVFN)
			assert_true(!ct[i].lo && !ct[i].hi);
	for (unsigned int b = 1; b < VTD_ROOT_ENTRIES; b++)
		assert_int_equal(hw->root[b].lo, 0);
	/* after init: device-selective context invalidation, domain IOTLB */
	assert_int_equal(logged(4, VTD_INV_TYPE_CONTEXT)->lo, 0x0000001000010031ull);
	assert_int_equal(logged(6, VTD_INV_TYPE_IOTLB)->lo, 0x100e2);

	/* other devices have no context entry, other buses no root entry */
	assert_int_equal(dma(0x00fa, 0x1000, false), VTD_FR_CTX_NOT_PRESENT);
	harness_log_clear();
	assert_int_equal(vtd_fault_poll(u), 1);
	assert_log_has(
		"VTD: fault sid=00:1f.2 addr=0x1000 reason=0x02 (context entry not present) read\n");
	assert_int_equal(dma(0x0300, 0x2000, true), VTD_FR_ROOT_NOT_PRESENT);
	assert_int_equal(vtd_fault_poll(u), 1);
	assert_log_has(
		"VTD: fault sid=03:00.0 addr=0x2000 reason=0x01 (root entry not present) write\n");

	/* the NIC reaches guest RAM, read and write; nothing else */
	for (u64 a = 0; a < GiB(1); a += 0x7000) {
		bool ram = a < 0x9f000 || (a >= MiB(1) && a < 0x3ee10000);

		assert_int_equal(dma(NIC_SID, a, true), ram ? 0 : VTD_FR_WRITE_DENIED);
		assert_int_equal(dma(NIC_SID, a + 8, false), ram ? 0 : VTD_FR_READ_DENIED);
		vtd_fault_poll(u);
	}
	assert_int_equal(dma(NIC_SID, 0x3ee10000, true), VTD_FR_WRITE_DENIED); /* partial page */
	assert_int_equal(vtd_fault_poll(u), 1);
	assert_int_equal(dma(NIC_SID, 0x3f000000, true), VTD_FR_WRITE_DENIED); /* hypervisor */
	assert_int_equal(vtd_fault_poll(u), 1);
	assert_int_equal(dma(NIC_SID, 0xfee00000, true), VTD_FR_WRITE_DENIED);
	assert_int_equal(vtd_fault_poll(u), 1);
	assert_int_equal(dma(NIC_SID, 1ULL << 39, false), VTD_FR_BEYOND_MGAW);
	assert_int_equal(vtd_fault_poll(u), 1);
	assert_int_equal(vtd_fault_poll(u), 0);
	assert_int_equal(vtd_fake_read32(f, VTD_REG32_FSTS), 0);
	assert_int_equal(f->frcd_clears, hw->faults);
	assert_true(hw->faults > 2);
	harness_log_clear();
	vtd_print_stats(u);
	snprintf(line, sizeof(line),
		 "VTD: stats faults=%lu qi_descs=8 waits=4 iotlb_flushes=2 context_flushes=2\n",
		 hw->faults);
	assert_log_has(line);
}

static void test_unmap_then_flush(void **state)
{
	struct vtd_domain *d;
	const iova_t page = MiB(100) + 0x5000;

	(void)state;
	nic_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	d = vtd_nic_domain();
	assert_int_equal(dma(NIC_SID, page, false), 0); /* cached in the IOTLB */
	assert_int_equal(vtd_domain_unmap(d, page, PAGE_SIZE), 0);
	assert_false(vtd_domain_lookup(d, page, NULL, NULL, NULL));
	assert_int_equal(dma(NIC_SID, page, false), 0); /* stale, as on hardware */
	f->nlog = 0;
	assert_int_equal(vtd_flush_iotlb_pages(u, 1, page, 0), 0);
	assert_int_equal(logged(0, VTD_INV_TYPE_IOTLB)->lo, 0x100f2);
	assert_int_equal(f->log[0].hi, page);
	assert_int_equal(dma(NIC_SID, page, false), VTD_FR_READ_DENIED);
	assert_int_equal(dma(NIC_SID, page + PAGE_SIZE, true), 0); /* the rest stays */
	assert_int_equal(vtd_fault_poll(u), 1);
	/* beyond MAMV, unaligned: domain-selective instead */
	assert_int_equal(vtd_flush_iotlb_pages(u, 1, 0, 19), 0);
	assert_int_equal(logged(2, VTD_INV_TYPE_IOTLB)->lo, 0x100e2);
	assert_int_equal(vtd_flush_iotlb_pages(u, 1, page, 2), 0);
	assert_int_equal(logged(4, VTD_INV_TYPE_IOTLB)->lo, 0x100e2);
	assert_int_equal(vtd_flush_iotlb_pages(u, 1, MiB(100), 4), 0);
	assert_int_equal(logged(6, VTD_INV_TYPE_IOTLB)->hi, MiB(100) | 4);
	/* a 2 MiB page whose hole is punched: the rest still translates */
	assert_int_equal(dma(NIC_SID, MiB(200), false), 0);
	assert_int_equal(vtd_domain_unmap(d, MiB(200) + MiB(1), PAGE_SIZE), 0);
	assert_int_equal(vtd_flush_iotlb_pages(u, 1, MiB(200) + MiB(1), 0), 0);
	assert_int_equal(dma(NIC_SID, MiB(200) + MiB(1), true), VTD_FR_WRITE_DENIED);
	assert_int_equal(dma(NIC_SID, MiB(200) + MiB(1) - 8, true), 0);
	assert_int_equal(vtd_fault_poll(u), 1);
}

static void test_psi_unsupported(void **state)
{
	(void)state;
	nic_up(FAKE_QEMU_CAP & ~VTD_CAP_PSI, FAKE_QEMU_ECAP);
	f->nlog = 0;
	assert_int_equal(vtd_flush_iotlb_pages(u, 1, 0x1000, 0), 0);
	assert_int_equal(logged(0, VTD_INV_TYPE_IOTLB)->lo, 0x100e2);
}

static void test_setup_refusals(void **state)
{
	struct mem_range bad = { 0x3e000000, MiB(32), MEMRANGE_AVAILABLE };

	(void)state;
	up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	fake_hv_base = 0x3f000000;
	fake_hv_len = MiB(16);
	assert_int_equal(vtd_setup_nic_identity(u, 0, NIC_DEVFN, &bad, 1), -EINVAL);
	assert_log_has("overlaps hypervisor memory: not mapped for the NIC");
	assert_log_has("VTD: nic 00:02.0: DMA remapping set-up failed (EINVAL); translation off");
	assert_false(vtd_fake_read32(f, VTD_REG32_GSTS) & VTD_GSTS_TES);
	assert_null(vtd_nic_domain());
	assert_int_equal(fake_mm_live, 3); /* root, queue, status: the unit stays set up */
	assert_int_equal(dma(NIC_SID, 0x1000, true), 0); /* TE off: untranslated */

	/* out of memory half-way: translation stays off, nothing leaks */
	fake_mm_budget = 3;
	assert_int_equal(vtd_setup_nic_identity(u, 0, NIC_DEVFN, guest_ram, ARRAY_SIZE(guest_ram)),
			 -ENOMEM);
	assert_log_has("DMA remapping set-up failed (ENOMEM)");
	assert_false(vtd_fake_read32(f, VTD_REG32_GSTS) & VTD_GSTS_TES);
	assert_int_equal(fake_mm_live, 3);
	fake_mm_budget = -1;
	assert_int_equal(vtd_setup_nic_identity(u, 0, NIC_DEVFN, guest_ram, ARRAY_SIZE(guest_ram)),
			 0);
	assert_int_equal(vtd_setup_nic_identity(u, 0, NIC_DEVFN, guest_ram, ARRAY_SIZE(guest_ram)),
			 -EBUSY);
}

static void test_reattach_detach(void **state)
{
	struct vtd_domain d2;

	(void)state;
	nic_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	assert_int_equal(vtd_domain_init(&d2, u, 2), 0);
	assert_int_equal(vtd_domain_map(&d2, 0, GiB(2), MiB(4), false), 0);
	assert_int_equal(dma(NIC_SID, 0x1000, false), 0); /* caches domain 1 */
	f->nlog = 0;
	assert_int_equal(vtd_attach_device(u, 0, NIC_DEVFN, &d2), 0);
	/* old entry: cleared, device-selective for DID 1, IOTLB DID 1; new: DID 2 */
	assert_int_equal(logged(0, VTD_INV_TYPE_CONTEXT)->lo, 0x0000001000010031ull);
	assert_int_equal(logged(2, VTD_INV_TYPE_IOTLB)->lo, 0x100e2);
	assert_int_equal(logged(4, VTD_INV_TYPE_CONTEXT)->lo, 0x0000001000020031ull);
	assert_int_equal(logged(6, VTD_INV_TYPE_IOTLB)->lo, 0x200e2);
	{
		hpa_t hpa;

		assert_int_equal(vtd_fake_dma(f, NIC_SID, 0x1000, false, &hpa), 0);
		assert_int_equal(hpa, GiB(2) + 0x1000);
		assert_int_equal(vtd_fake_dma(f, NIC_SID, 0x1000, true, &hpa),
				 VTD_FR_WRITE_DENIED); /* mapped read-only */
	}
	f->nlog = 0;
	assert_int_equal(vtd_attach_device(u, 0, NIC_DEVFN, &d2), 0); /* no-op */
	assert_int_equal(f->nlog, 0);
	assert_int_equal(vtd_detach_device(u, 0, NIC_DEVFN), 0);
	assert_int_equal(dma(NIC_SID, 0x1000, false), VTD_FR_CTX_NOT_PRESENT);
	/* one record (the write) and an overflow (one record on QEMU) */
	assert_int_equal(vtd_fault_poll(u), 2);
	assert_int_equal(vtd_detach_device(u, 0, NIC_DEVFN), 0);
	assert_int_equal(vtd_detach_device(u, 7, 0), 0);
	vtd_domain_destroy(&d2);
}

static void test_caching_mode(void **state)
{
	struct vtd_domain d;

	(void)state;
	up(FAKE_QEMU_CAP | VTD_CAP_CM, FAKE_QEMU_ECAP);
	assert_int_equal(vtd_hw_init(u), 0);
	assert_int_equal(vtd_domain_init(&d, u, 0), -EINVAL);
	assert_int_equal(vtd_domain_init(&d, u, 1), 0);
	f->nlog = 0;
	assert_int_equal(vtd_attach_device(u, 0, NIC_DEVFN, &d), 0);
	/* a not-present entry may be cached under DID 0 */
	assert_int_equal(logged(0, VTD_INV_TYPE_CONTEXT)->lo, 0x0000001000000031ull);
	assert_int_equal(logged(2, VTD_INV_TYPE_IOTLB)->lo, 0xe2);
	assert_int_equal(logged(4, VTD_INV_TYPE_IOTLB)->lo, 0x100e2);
	assert_int_equal(vtd_detach_device(u, 0, NIC_DEVFN), 0);
	vtd_domain_destroy(&d);
}

static void test_write_buffer_flush(void **state)
{
	(void)state;
	nic_up(FAKE_QEMU_CAP | VTD_CAP_RWBF, FAKE_QEMU_ECAP);
	assert_true(f->wbf >= 3); /* after SRTP, the context entry, before TE */
	assert_int_equal(f->gcmd[f->ngcmd - 2], VTD_GCMD_QIE | VTD_GCMD_WBF);
	f->ngcmd = 0;
	assert_int_equal(vtd_flush_iotlb_domain(u, 1), 0);
	assert_int_equal(f->gcmd[0], VTD_GCMD_QIE | VTD_GCMD_TE | VTD_GCMD_WBF);
	assert_true(vtd_fake_read32(f, VTD_REG32_GSTS) & VTD_GSTS_TES);
}

static void test_fault_rate_limit(void **state)
{
	struct vtd_stats s;
	const char *p;
	unsigned int lines = 0;

	(void)state;
	nic_up(FAKE_QEMU_CAP, FAKE_QEMU_ECAP);
	harness_log_clear();
	for (unsigned int i = 0; i < VTD_FAULT_PRINT_LIMIT + 6; i++) {
		assert_int_equal(dma(0x0008, (u64)i << 12, true), VTD_FR_CTX_NOT_PRESENT);
		assert_int_equal(vtd_fault_poll(u), 1);
	}
	for (p = harness_log(); (p = strstr(p, "VTD: fault sid=00:01.0")); p++)
		lines++;
	assert_int_equal(lines, VTD_FAULT_PRINT_LIMIT);
	assert_log_has("VTD: 64 faults printed; further faults are only counted");
	vtd_get_stats(u, &s);
	assert_int_equal(s.faults, VTD_FAULT_PRINT_LIMIT + 6);
}

static void test_fault_decode(void **state)
{
	u64 nfr4 = (FAKE_QEMU_CAP & ~VTD_CAP_NFR) | FIELD_PREP(VTD_CAP_NFR, 3);
	u32 fro = (u32)FIELD_GET(VTD_CAP_FRO, nfr4) * 16;
	const char *p1, *p2, *p3;

	(void)state;
	up(nfr4, FAKE_QEMU_ECAP);
	/* four records, FRI=2: walked 2, 3, 0, 1; record 1 empty */
	vtd_fake_poke64(f, fro + 2 * 16, 0xabc000);
	vtd_fake_poke64(f, fro + 2 * 16 + 8, VTD_FRCD_HI_F | 0x05ull << 32 | 0x0010);
	vtd_fake_poke64(f, fro + 3 * 16, 0x1000);
	vtd_fake_poke64(f, fro + 3 * 16 + 8,
			VTD_FRCD_HI_F | VTD_FRCD_HI_T2 | 0x55ull << 32 | 0x0108);
	vtd_fake_poke64(f, fro + 0 * 16, 0x7ffff000);
	vtd_fake_poke64(f, fro + 0 * 16 + 8,
			VTD_FRCD_HI_F | VTD_FRCD_HI_T1 | 0x0cull << 32 | 0xffff);
	vtd_fake_poke32(f, VTD_REG32_FSTS, VTD_FSTS_PPF | VTD_FSTS_PFO | (2u << 8));
	assert_int_equal(vtd_fault_poll(u), 4); /* three records and the overflow */
	p1 = strstr(harness_log(),
		    "VTD: fault sid=00:02.0 addr=0xabc000 reason=0x05 (write denied) write\n");
	p2 = strstr(harness_log(),
		    "VTD: fault sid=01:01.0 addr=0x1000 reason=0x55 (reserved) page-request\n");
	p3 = strstr(
		harness_log(),
		"VTD: fault sid=ff:1f.7 addr=0x7ffff000 reason=0x0c (paging entry reserved bits) read\n");
	if (!p1 || !p2 || !p3 || !(p1 < p2 && p2 < p3))
		fail_msg("records missing or out of order:\n%s", harness_log());
	assert_log_has("VTD: primary fault overflow: faults were lost");
	assert_int_equal(f->frcd_clears, 3);
	assert_int_equal(vtd_fake_read32(f, VTD_REG32_FSTS) & ~VTD_FSTS_FRI, 0);
	/* no driver state: still decoded and cleared */
	assert_null(vtd_hw_find(u));
	assert_int_equal(vtd_fault_poll(u), 0);
	assert_string_equal(vtd_fault_reason_name(VTD_FR_TT_BLOCKED),
			    "request blocked by translation type");
	assert_string_equal(vtd_fault_reason_name(0), "reserved");
	assert_string_equal(vtd_fault_reason_name(1000), "reserved");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_init_qemu, teardown),
		cmocka_unit_test_teardown(test_init_4level, teardown),
		cmocka_unit_test_teardown(test_init_stale_state, teardown),
		cmocka_unit_test_teardown(test_init_timeout, teardown),
		cmocka_unit_test_teardown(test_init_register_based, teardown),
		cmocka_unit_test_teardown(test_nic_identity, teardown),
		cmocka_unit_test_teardown(test_unmap_then_flush, teardown),
		cmocka_unit_test_teardown(test_psi_unsupported, teardown),
		cmocka_unit_test_teardown(test_setup_refusals, teardown),
		cmocka_unit_test_teardown(test_reattach_detach, teardown),
		cmocka_unit_test_teardown(test_caching_mode, teardown),
		cmocka_unit_test_teardown(test_write_buffer_flush, teardown),
		cmocka_unit_test_teardown(test_fault_rate_limit, teardown),
		cmocka_unit_test_teardown(test_fault_decode, teardown),
	};

	return HARNESS_RUN(tests);
}
