// SPDX-License-Identifier: MIT
/*
 * vtdhostile: translation-structure subtests. The root and context entries
 * for the NIC and a second-level tree with hostile leaves (tables in
 * hypervisor memory, MMIO, beyond RAM); root tables the unit must not read,
 * invalid and reserved context entries with their fault reasons, fault
 * overflow, pass-through, a self-looping and a sparse second-level tree.
 */
#include <string.h>

#include "vtdhostile.h"

/* ---- translation structures -------------------------------------------------- */

u64 *pt(int p)
{
	return (u64 *)pg[p].va;
}

void set_root(int present, u64 extra_lo, u64 hi)
{
	u64 *root = pt(P_ROOT);

	memset(root, 0, PAGE);
	root[2 * NIC_BUS] = (present ? 1 : 0) | pg[P_CTX].pa | extra_lo;
	root[2 * NIC_BUS + 1] = hi;
}

/* 9.3 context entry: lo P, FPD, TT 3:2, SLPTPTR; hi AW 2:0, DID 23:8. */
static void set_ctx(u64 lo, u64 hi)
{
	u64 *ctx = pt(P_CTX);

	memset(ctx, 0, PAGE);
	ctx[2 * NIC_DEVFN] = lo;
	ctx[2 * NIC_DEVFN + 1] = hi;
	__sync_synchronize();
}

static unsigned int good_aw(void)
{
	return levels - 2;
}

u64 top_table(void)
{
	return levels == 4 ? pg[P_PT4].pa : pg[P_PT3].pa;
}

/* A tree mapping a few RAM pages and, hostile, pages and tables that are
 * not guest RAM (9.8 second-level entries: R 0, W 1, PS 7, ADDR 51:12). */
static void build_tables(void)
{
	u64 *t4 = pt(P_PT4), *t3 = pt(P_PT3), *t2 = pt(P_PT2), *t1 = pt(P_PT1);

	memset(t4, 0, PAGE);
	memset(t3, 0, PAGE);
	memset(t2, 0, PAGE);
	memset(t1, 0, PAGE);
	t4[0] = pg[P_PT3].pa | 3;
	t4[1] = HV_MEM | 3; /* an L3 table in hypervisor memory */
	t3[0] = pg[P_PT2].pa | 3;
	t3[1] = UNIT_BASE | 3;	/* an L2 table that is the unit's own registers */
	t3[2] = LAPIC_MMIO | 3; /* ... the local APIC */
	t2[0] = pg[P_PT1].pa | 3;
	t2[1] = HV_MEM | 3; /* an L1 table in hypervisor memory */
	if (sllps & 1)
		t2[2] = 0 | (1 << 7) | 3; /* 2M leaf at 0: covers the hypervisor image */
	t1[0] = pg[P_DATA_A].pa | 3;
	t1[1] = pg[P_DATA_B].pa | 1;
	t1[2] = HV_MEM | 3; /* leaves outside guest RAM */
	t1[3] = (HV_MEM + 0x5000) | 3;
	t1[4] = LAPIC_MMIO | 3;
	t1[5] = UNIT_BASE | 3;
	t1[6] = (UNIT_BASE + 0x1000) | 3;
	t1[7] = BEYOND_RAM | 3;
	t1[8] = pg[P_ROOT].pa | 3; /* the guest's own root table: RAM, legal */
	__sync_synchronize();
}

static u64 ctx_lo_tt(unsigned int tt, u64 slpt)
{
	return 1 | ((u64)tt << 2) | slpt;
}

static u64 ctx_hi(unsigned int aw, unsigned int did)
{
	return aw | ((u64)did << 8);
}

u64 iotlb_psi_lo(unsigned int did)
{
	return 2 | (3u << 4) | ((u64)did << 16);
}

/* Root table where the unit must not read: with TE the NIC's root entry
 * cannot be fetched. Hardware: fault reason 8 on the first DMA; here
 * (phys=0) recorded at once, (phys=1) DMA is blocked, no record without DMA. */
void t_root(const char *name, u64 rta)
{
	sub_begin();
	clear_faults();
	CHECK(srtp(rta), "SRTP + wait failed");
	CHECK(te(1), "TES not set");
	CHECK(q_sync(2000), "queue stuck");
	expect_fault(FR_ROOT_ACCESS);
	CHECK(te(0), "TES not cleared");
	CHECK(q_sync(2000), "queue stuck");
	expect_fault(0);
	sub_end(name);
}

/* A context for the NIC, made current by a global context-cache
 * invalidation (6.5.2.1) while TE is on; expect fr (0 = none). */
static void ctx_case(const char *name, u64 root_extra_lo, u64 root_hi, int root_present, u64 lo,
		     u64 hi, int fr)
{
	if (!want(name))
		return;
	sub_begin();
	set_root(root_present, root_extra_lo, root_hi);
	set_ctx(lo, hi);
	q_put(CC_GLOBAL, 0);
	q_put(IOTLB_GLOBAL, 0);
	CHECK(q_sync(120000), "queue stuck");
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE (fsts=%#x)", r32(FSTS));
	expect_fault(fr);
	sub_end(name);
}

void t_contexts(void)
{
	u64 top, pt_lo;
	unsigned int aw = good_aw();

	build_tables();
	top = top_table();
	pt_lo = ctx_lo_tt(0, top);
	clear_faults();
	set_root(1, 0, 0);
	set_ctx(0, 0);
	if (want("ctx-")) {
		sub_begin();
		CHECK(srtp(pg[P_ROOT].pa), "SRTP + wait failed");
		CHECK(te(1), "TES not set");
		CHECK(q_sync(2000), "queue stuck");
		expect_fault(phys ? 0 : FR_CTX_NP);
		sub_end("ctx-te-on");
	}
	/* The valid tree with hostile leaves (build_tables): on phys=1 only the
	 * guest-RAM pages are shadowed (hypervisor counters); phys=0 refuses a
	 * translated context it cannot enforce: FR 3. */
	ctx_case("ctx-valid", 0, 0, 1, pt_lo, ctx_hi(aw, 1), phys ? 0 : FR_CTX_INVALID);
	if (want("ctx-valid-psi")) {
		sub_begin();
		q_put(iotlb_psi_lo(1), 0);		/* one page */
		q_put(iotlb_psi_lo(1), 0x1000 | 3);	/* misaligned addr, 8 pages */
		q_put(iotlb_psi_lo(1), BEYOND_RAM | 0); /* far */
		q_put(iotlb_psi_lo(7), 0);		/* another domain */
		q_put(2 | (2u << 4) | (1ull << 16), 0); /* domain */
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(0);
		sub_end("ctx-valid-psi");
	}
	/* 9.3: AW values the unit does not support (SAGAW), TT 1 without
	 * ECAP.DT, TT 3 reserved: fault reason 3; reserved bits: reason 0xb. */
	ctx_case("ctx-aw0", 0, 0, 1, pt_lo, ctx_hi(0, 1), FR_CTX_INVALID);
	ctx_case("ctx-aw3", 0, 0, 1, pt_lo, ctx_hi(3, 1), FR_CTX_INVALID);
	ctx_case("ctx-aw4", 0, 0, 1, pt_lo, ctx_hi(4, 1), FR_CTX_INVALID);
	ctx_case("ctx-aw7", 0, 0, 1, pt_lo, ctx_hi(7, 1), FR_CTX_INVALID);
	ctx_case("ctx-aw-other", 0, 0, 1, pt_lo, ctx_hi(levels == 3 ? 2 : 1, 1), FR_CTX_INVALID);
	ctx_case("ctx-tt1", 0, 0, 1, ctx_lo_tt(1, top), ctx_hi(aw, 1), FR_CTX_INVALID);
	ctx_case("ctx-tt3", 0, 0, 1, ctx_lo_tt(3, top), ctx_hi(aw, 1), FR_CTX_INVALID);
	ctx_case("ctx-rsvd-lo", 0, 0, 1, pt_lo | (1u << 4), ctx_hi(aw, 1), FR_CTX_RSVD);
	ctx_case("ctx-rsvd-hi7", 0, 0, 1, pt_lo, ctx_hi(aw, 1) | (1u << 7), FR_CTX_RSVD);
	ctx_case("ctx-rsvd-hi63", 0, 0, 1, pt_lo, ctx_hi(aw, 1) | (1ull << 63), FR_CTX_RSVD);
	ctx_case("ctx-not-present", 0, 0, 1, 0, 0, FR_CTX_NP);
	ctx_case("ctx-root-not-present", 0, 0, 0, pt_lo, ctx_hi(aw, 1), FR_ROOT_NP);
	ctx_case("ctx-root-rsvd", 1u << 5, 0, 1, pt_lo, ctx_hi(aw, 1), FR_ROOT_RSVD);
	ctx_case("ctx-root-rsvd-hi", 0, 1, 1, pt_lo, ctx_hi(aw, 1), FR_ROOT_RSVD);
	/* context table outside guest RAM: root entry CTP -> hypervisor memory */
	if (want("ctx-table-hv")) {
		sub_begin();
		set_ctx(pt_lo, ctx_hi(aw, 1));
		memset(pt(P_ROOT), 0, PAGE);
		pt(P_ROOT)[0] = HV_MEM | 1;
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(9); /* context-entry fetch failed */
		sub_end("ctx-table-hv");
	}
	/* phys=0: a second fault while F is set is lost: FSTS.PFO (11.4.5,
	 * RW1C); nothing is recorded while PFO is set; clearing F and PFO
	 * lets the next one in. */
	if (!phys && want("fault-pfo")) {
		sub_begin();
		clear_faults();
		set_root(1, 0, 0);
		set_ctx(pt_lo, ctx_hi(aw, 1));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(5000), "queue stuck");
		CHECK(wait32(FSTS, FSTS_PPF, FSTS_PPF, 1000), "no first fault");
		set_ctx(pt_lo, ctx_hi(0, 1));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(5000), "queue stuck");
		CHECK(wait32(FSTS, FSTS_PFO, FSTS_PFO, 1000), "no PFO (fsts=%#x)", r32(FSTS));
		CHECK(((r64(fro + 8) >> 32) & 0xff) == FR_CTX_INVALID, "first record overwritten");
		w32(fro + 12, 1u << 31);
		CHECK(wait32(FSTS, FSTS_PPF, 0, 500), "PPF still set");
		set_ctx(pt_lo, ctx_hi(aw, 1) | (1u << 7));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(5000), "queue stuck");
		pause_us(5000);
		CHECK(!(r32(FSTS) & FSTS_PPF), "recorded while PFO set");
		w32(FSTS, FSTS_PFO);
		CHECK(wait32(FSTS, FSTS_PFO, 0, 500), "PFO not cleared");
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(FR_CTX_RSVD);
		sub_end("fault-pfo");
	}
	/* pass-through (TT=2, ECAP.PT): no fault anywhere */
	ctx_case("ctx-pt", 0, 0, 1, ctx_lo_tt(2, 0), ctx_hi(aw, 1), 0);
	/* second-level root outside guest RAM: a context that translates to
	 * nothing (hardware: reason 3 on DMA, 9.3 SLPTPTR fetch error) */
	ctx_case("ctx-slpt-hv", 0, 0, 1, ctx_lo_tt(0, HV_MEM), ctx_hi(aw, 1),
		 phys ? 0 : FR_CTX_INVALID);
	ctx_case("ctx-slpt-unit", 0, 0, 1, ctx_lo_tt(0, UNIT_BASE), ctx_hi(aw, 1),
		 phys ? 0 : FR_CTX_INVALID);
	/* A second-level table that loops onto itself at every level, every
	 * entry: the walk must terminate (bounded), the unit must survive. */
	if (want("pt-loop")) {
		u64 *l = pt(P_LOOP);
		u64 t0 = now_us();

		sub_begin();
		for (int i = 0; i < 512; i++)
			l[i] = pg[P_LOOP].pa | 3;
		{
			const char *o = only;

			only = NULL;
			ctx_case("pt-loop-set", 0, 0, 1, ctx_lo_tt(0, pg[P_LOOP].pa), ctx_hi(aw, 1),
				 phys ? 0 : FR_CTX_INVALID);
			only = o;
		}
		sub_begin();
		/* back to a small tree: the loop's shadow is dropped */
		set_ctx(pt_lo, ctx_hi(aw, 1));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(120000), "queue stuck after the loop");
		expect_fault(phys ? 0 : FR_CTX_INVALID);
		note("%llu ms", (unsigned long long)(now_us() - t0) / 1000);
		sub_end("pt-loop");
	}
	/* A sparse tree: one shared L1 table reached from every L2 entry, so
	 * one page is mapped in every 2 MiB of the first sparse= GiB (512 pages
	 * per GiB from 3 guest pages; default 8 GiB: more than one walk budget
	 * of the emulation reads). A shadow that follows it needs one physical
	 * last-level table per 2 MiB. An IOTLB invalidation is never refused
	 * (6.5.2.3): the wait behind it must complete even when the walk ran
	 * out of budget (the queue stalled for good before shadow.c's fix). */
	if (want("pt-sparse")) {
		u64 *l3 = pt(P_SP3), *l2 = pt(P_SP2), *l1 = pt(P_SP1);
		u64 t0 = now_us();

		memset(l1, 0, PAGE);
		memset(l3, 0, PAGE);
		for (int i = 0; i < 512; i++)
			l2[i] = pg[P_SP1].pa | 3;
		for (int i = 0; i < sparse_gib && i < 512; i++)
			l3[i] = pg[P_SP2].pa | 3; /* 512 regions per GiB */
		l1[0] = pg[P_DATA_A].pa | 3;
		if (levels == 4) {
			u64 *l4 = pt(P_SP4);

			for (int i = 0; i < 512; i++)
				l4[i] = pg[P_SP3].pa | 3;
		}
		{
			const char *o = only;

			only = NULL;
			ctx_case("pt-sparse-set", 0, 0, 1,
				 ctx_lo_tt(0, levels == 4 ? pg[P_SP4].pa : pg[P_SP3].pa),
				 ctx_hi(aw, 1), phys ? 0 : FR_CTX_INVALID);
			only = o;
		}
		sub_begin();
		/* invalidate it all again: the same pages once more */
		q_put(IOTLB_GLOBAL, 0);
		CHECK(q_sync(120000), "queue stuck (global IOTLB)");
		set_ctx(pt_lo, ctx_hi(aw, 1));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(120000), "queue stuck after the sparse tree");
		expect_fault(phys ? 0 : FR_CTX_INVALID);
		note("%llu ms", (unsigned long long)(now_us() - t0) / 1000);
		sub_end("pt-sparse");
	}
	if (want("ctx-")) {
		sub_begin();
		CHECK(te(0), "TES not cleared");
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(0);
		sub_end("ctx-te-off");
	}
}
