// SPDX-License-Identifier: MIT
/*
 * vtdhostile: queued-invalidation subtests (6.5.2). Enabling QI, wait
 * descriptors with IF, event unmasking, bad descriptors (reserved types
 * and fields, status writes outside guest RAM) and the stall/recovery each
 * must cause, IQE across QI off/on, IQT beyond the queue and IQA placed
 * where the unit must not read.
 */
#include <stdio.h>
#include <string.h>

#include "vtdhostile.h"

int expect_ip = 1; /* FECTL.IM set: IQE leaves IP pending */

/* 6.5.2.10 (queued-invalidation errors): the unit stops AT the bad
 * descriptor with FSTS.IQE; software fixes it and clears IQE (W1C), then
 * processing resumes at IQH. Put a harmless wait descriptor at head. */
static void iqe_fix_and_clear(u32 head)
{
	queue()[head].lo = wait_lo(0, 0, 0);
	queue()[head].hi = 0;
	__sync_synchronize();
	w32(FSTS, FSTS_IQE);
}

/* Full check of one bad descriptor (lo, hi) expected to give iqei. */
void bad_desc(const char *name, u64 lo, u64 hi, int iqei)
{
	u32 head = qtail, seq1, seq2;
	volatile u32 *st1, *st2;

	sub_begin();
	if (r32(FSTS) & FSTS_IQE)
		w32(FSTS, FSTS_IQE);
	q_put(lo, hi);
	seq1 = ++status_seq;
	st1 = status_slot(seq1);
	*st1 = 0;
	q_put(wait_lo(seq1, 1, 0), pg[P_STATUS].pa + 4 * (seq1 % 1024));
	q_kick();
	/* IQE; IQH stays at the bad descriptor; IQERCD.IQEI says why (11.4.9.9) */
	CHECK(wait32(FSTS, FSTS_IQE, FSTS_IQE, 1000), "no IQE (fsts=%#x)", r32(FSTS));
	CHECK(iqh_idx() == head, "IQH=%u, bad descriptor at %u", iqh_idx(), head);
	CHECK(iqei < 0 || (r64(IQERCD) & 0xf) == (u64)iqei, "IQEI=%llu want %d",
	      (unsigned long long)(r64(IQERCD) & 0xf), iqei);
	/* FECTL.IM is set: the condition is pending, not delivered (11.4.5) */
	CHECK(!expect_ip || (r32(FECTL) & ECTL_IP), "FECTL.IP not set (fectl=%#x)", r32(FECTL));
	/* the queue stalls: the wait behind it and a newly queued one stay undone */
	seq2 = ++status_seq;
	st2 = status_slot(seq2);
	*st2 = 0;
	q_put(wait_lo(seq2, 1, 0), pg[P_STATUS].pa + 4 * (seq2 % 1024));
	q_kick();
	pause_us(30000);
	CHECK(*st1 == 0 && *st2 == 0, "queue ran past the error (%#x %#x)", *st1, *st2);
	CHECK(r32(FSTS) & FSTS_IQE, "IQE cleared by itself");
	CHECK(iqh_idx() == head, "IQH moved to %u while stalled", iqh_idx());
	/* fix + clear: resumes, both waits complete, IP clears (serviced) */
	iqe_fix_and_clear(head);
	{
		u64 end2 = now_us() + 1000000;

		while ((*st1 != seq1 || *st2 != seq2) && now_us() < end2)
			__asm__ volatile("pause");
	}
	CHECK(*st1 == seq1 && *st2 == seq2, "queue did not resume after IQE cleared");
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE still set (fsts=%#x)", r32(FSTS));
	CHECK(wait32(FECTL, ECTL_IP, 0, 200), "FECTL.IP still set after service");
	CHECK(wait_iqh(qtail, 500), "IQH=%u != tail %u", iqh_idx(), qtail);
	sub_end(name);
}

/* 6.5.2 / 11.4.4 QIE: enable QI on a one-page queue; IQH reads 0. */
void t_qi_up(void)
{
	sub_begin();
	qtail = 0;
	CHECK(qi_enable(pg[P_QUEUE].pa), "QIES not set (gsts=%#x)", r32(GSTS));
	CHECK(r64(IQH) == 0, "IQH=%#llx", (unsigned long long)r64(IQH));
	CHECK(q_sync(1000), "wait descriptor status not written");
	CHECK(wait_iqh(qtail, 500), "IQH=%u tail=%u", iqh_idx(), qtail);
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE (fsts=%#x)", r32(FSTS));
	sub_end("qi-up");
}

/* Register-based invalidation while QI is on (11.4.4 QIE: software must
 * not use it; the emulation ignores the request): ICC never sticks, and the
 * queue still works. GCMD commands for features not advertised (IRE,
 * SIRTP, CFI need ECAP.IR; WBF needs CAP.RWBF; SFL/EAFL need CAP.AFL) are
 * ignored: GSTS does not show them. */
void t_qi_misc(void)
{
	u32 gsts;

	sub_begin();
	w64(CCMD, (1ull << 63) | (1ull << 61));
	CHECK(settle(), "no settle");
	CHECK(wait32(CCMD + 4, 1u << 31, 0, 200), "CCMD.ICC stuck under QI (%#llx)",
	      (unsigned long long)r64(CCMD));
	w64(iro + 8, (1ull << 63) | (1ull << 60));
	CHECK(settle(), "no settle");
	CHECK(wait32(iro + 12, 1u << 31, 0, 200), "IOTLB.IVT stuck under QI (%#llx)",
	      (unsigned long long)r64(iro + 8));
	gsts = r32(GSTS);
	for (int b = 23; b <= 29; b++) {
		if (b == 26)
			continue;
		gcmd(1u << b, 0, 0, 0);
		CHECK(settle(), "no settle");
		CHECK((r32(GSTS) & 0x3b800000u) == 0, "GSTS=%#x after GCMD bit %d", r32(GSTS), b);
	}
	CHECK(r32(GSTS) == gsts, "GSTS %#x -> %#x", gsts, r32(GSTS));
	CHECK(q_sync(1000), "queue dead");
	sub_end("qi-misc");
}

/* Clearing IM while IP is pending sends the message and clears IP (11.4.5
 * FECTL, 11.4.9.5 IECTL). Data 0 (vector 0: illegal, never delivered) so
 * the tool's guest sees nothing. */
void t_ectl_unmask(void)
{
	sub_begin();
	w32(IEDATA, 0);
	w32(IEADDR, 0xfee00000u);
	w32(IECTL, ECTL_IM);
	q_put(wait_lo(0, 0, 1), 0);
	q_kick();
	CHECK(wait32(ICS, ICS_IWC, ICS_IWC, 1000), "ICS.IWC not set");
	CHECK(r32(IECTL) & ECTL_IP, "IECTL.IP not set");
	w32(IECTL, 0);
	CHECK(wait32(IECTL, ECTL_IP, 0, 500), "IECTL.IP still set after IM cleared");
	w32(ICS, ICS_IWC);
	CHECK(wait32(ICS, ICS_IWC, 0, 500), "IWC not cleared");
	w32(IECTL, ECTL_IM);
	w32(FEDATA, 0);
	w32(FEADDR, 0xfee00000u);
	w32(FECTL, ECTL_IM);
	q_put(0, 0);
	q_kick();
	CHECK(wait32(FSTS, FSTS_IQE, FSTS_IQE, 1000), "no IQE");
	CHECK(r32(FECTL) & ECTL_IP, "FECTL.IP not set");
	w32(FECTL, 0);
	CHECK(wait32(FECTL, ECTL_IP, 0, 500), "FECTL.IP still set after IM cleared");
	w32(FECTL, ECTL_IM);
	iqe_fix_and_clear(iqh_idx());
	CHECK(wait32(FSTS, FSTS_IQE, 0, 500), "IQE not cleared");
	CHECK(q_sync(1000), "queue dead");
	sub_end("ectl-unmask");
}

/* Wait with IF (6.5.2.8): ICS.IWC set; IECTL.IM set -> IP pending (11.4.9.5);
 * IWC is RW1C, clearing it clears IP. In sidecore mode page 0 traps while
 * IWC is pending and is polled again after it is cleared. */
void t_wait_if(void)
{
	sub_begin();
	w32(IECTL, ECTL_IM);
	if (r32(ICS) & ICS_IWC)
		w32(ICS, ICS_IWC);
	for (int round = 0; round < 3; round++) {
		q_put(wait_lo(0, 0, 1), 0);
		q_kick();
		CHECK(wait32(ICS, ICS_IWC, ICS_IWC, 1000), "ICS.IWC not set (round %d)", round);
		CHECK(r32(IECTL) & ECTL_IP, "IECTL.IP not set (%#x)", r32(IECTL));
		/* writing 0 changes nothing */
		w32(ICS, 0);
		CHECK(r32(ICS) & ICS_IWC, "IWC cleared by writing 0");
		w32(ICS, ICS_IWC);
		CHECK(wait32(ICS, ICS_IWC, 0, 500), "IWC not cleared by W1C");
		CHECK(!(r32(IECTL) & ECTL_IP), "IECTL.IP not cleared");
		CHECK(q_sync(1000), "queue dead after IWC (round %d)", round);
	}
	sub_end("wait-if");
}

void t_bad_descs(void)
{
	u64 st = pg[P_STATUS].pa;

	/* 6.5.2: types 0 and 9-15 are reserved; 3 (device-TLB) needs ECAP.DT,
	 * 4 (IEC) ECAP.IR, 6-8 PASID (scalable mode): invalid type (IQEI 3);
	 * bits 11:9 are the high type bits (types >= 16: none defined). */
	if (want("iqe-type")) {
		static const unsigned int types[] = { 0, 3, 4, 6, 7, 8, 9, 15 };
		char name[32];

		for (unsigned int i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
			snprintf(name, sizeof(name), "iqe-type%u", types[i]);
			bad_desc(name, types[i], 0, IQEI_TYPE);
		}
		bad_desc("iqe-type-hi", 1 | (1u << 4) | (1u << 9), 0, IQEI_TYPE);
	}
	/* Reserved fields set (IQEI 4) in each supported type (6.5.2.1/3/8),
	 * granularity 0 (reserved encoding). */
	if (want("iqe-rsvd")) {
		bad_desc("iqe-rsvd-cc-lo", CC_GLOBAL | (1u << 6), 0, IQEI_RSVD);
		bad_desc("iqe-rsvd-cc-hi", CC_GLOBAL, 1, IQEI_RSVD);
		bad_desc("iqe-rsvd-cc-gran0", 1, 0, IQEI_RSVD);
		bad_desc("iqe-rsvd-iotlb-lo", IOTLB_GLOBAL | (1u << 8), 0, IQEI_RSVD);
		bad_desc("iqe-rsvd-iotlb-hi", IOTLB_GLOBAL, 1u << 7, IQEI_RSVD);
		bad_desc("iqe-rsvd-iotlb-gran0", 2, 0, IQEI_RSVD);
		bad_desc("iqe-rsvd-wait-lo", wait_lo(1, 1, 0) | (1u << 8), st, IQEI_RSVD);
		bad_desc("iqe-rsvd-wait-pd", wait_lo(1, 1, 0) | (1u << 7), st, IQEI_RSVD);
		bad_desc("iqe-rsvd-wait-staddr", wait_lo(1, 1, 0), st | 2, IQEI_RSVD);
	}
	/* Status address that is not guest RAM: real hardware would DMA there;
	 * the emulation never writes outside guest RAM and treats the
	 * descriptor as one it cannot perform: IQE (IQEI 0, no finer code). */
	if (want("iqe-status")) {
		bad_desc("iqe-status-hv", wait_lo(0xdead, 1, 0), HV_MEM + 0x40, IQEI_NONE);
		bad_desc("iqe-status-lapic", wait_lo(0xdead, 1, 0), LAPIC_MMIO + 0x80, IQEI_NONE);
		bad_desc("iqe-status-unit", wait_lo(0xdead, 1, 0), UNIT_BASE + IQT, IQEI_NONE);
		bad_desc("iqe-status-beyond", wait_lo(0xdead, 1, 0), BEYOND_RAM, IQEI_NONE);
	}
	/* IOTLB PSI with AM beyond CAP.MAMV (6.5.2.3: undefined; must not hurt). */
	if (want("psi-am")) {
		sub_begin();
		q_put(iotlb_psi_lo(1), 0 | 63);
		q_put(iotlb_psi_lo(1), 0xfffffffffffff000ull | 20);
		q_put(2 | (3u << 4) | (3u << 6) | (1ull << 16), (1u << 6) | 9); /* DR DW IH */
		CHECK(q_sync(2000), "queue stuck after wide PSI");
		CHECK(!(r32(FSTS) & FSTS_IQE), "IQE (fsts=%#x)", r32(FSTS));
		sub_end("psi-am");
	}
}

/* IQE stays set across QI off/on: software disabled and re-enabled QI
 * without clearing IQE. FSTS.IQE (11.4.5): while set, hardware does not
 * process descriptors (6.5.2.10); re-enabling QI neither clears it nor
 * restarts the queue. */
void t_iqe_qi_toggle(void)
{
	u32 seq = ++status_seq;
	volatile u32 *st = status_slot(seq);

	sub_begin();
	q_put(0, 0); /* type 0: IQE */
	q_kick();
	CHECK(wait32(FSTS, FSTS_IQE, FSTS_IQE, 1000), "no IQE");
	CHECK(qi_disable(), "QI would not turn off");
	CHECK(r32(FSTS) & FSTS_IQE, "IQE cleared by QI off");
	memset(pg[P_QUEUE].va, 0, PAGE);
	qtail = 0;
	*st = 0;
	q_put(wait_lo(seq, 1, 0), pg[P_STATUS].pa + 4 * (seq % 1024));
	w64(IQA, pg[P_QUEUE].pa);
	w64(IQT, (u64)qtail << 4); /* tail set before QIE: work pending at once */
	CHECK(gcmd(GCMD_QIE, 0, GSTS_QIES, GSTS_QIES), "QIES not set");
	pause_us(30000);
	CHECK(r32(FSTS) & FSTS_IQE, "IQE cleared by QI on");
	CHECK(*st == 0, "queue ran while FSTS.IQE was set");
	w32(FSTS, FSTS_IQE);
	{
		u64 e = now_us() + 1000000;

		while (*st != seq && now_us() < e)
			__asm__ volatile("pause");
	}
	CHECK(*st == seq, "queue did not run after IQE cleared");
	CHECK(q_sync(1000), "queue dead");
	sub_end("iqe-qi-toggle");
}

/* IQT beyond the queue (6.5.2, 11.4.9.2): IQE with IQEI 1, nothing done,
 * resumes once software writes a valid tail and clears IQE. IQT bits 3:0
 * are reserved with 128-bit descriptors: masked, no error. */
void t_iqt(void)
{
	u32 head = qtail, seq = ++status_seq;
	volatile u32 *st = status_slot(seq);

	sub_begin();
	*st = 0;
	q_put(wait_lo(seq, 1, 0), pg[P_STATUS].pa + 4 * (seq % 1024));
	w64(IQT, (u64)QN << 4); /* one past the last descriptor */
	CHECK(wait32(FSTS, FSTS_IQE, FSTS_IQE, 1000), "no IQE for IQT=%#x", QN << 4);
	CHECK((r64(IQERCD) & 0xf) == IQEI_TAIL, "IQEI=%llu",
	      (unsigned long long)(r64(IQERCD) & 0xf));
	CHECK(iqh_idx() == head, "IQH moved (%u)", iqh_idx());
	w64(IQT, 0x7fffull << 4);
	pause_us(20000);
	CHECK(*st == 0, "descriptor done with a bad tail");
	w64(IQT, (u64)qtail << 4);
	w32(FSTS, FSTS_IQE);
	CHECK(wait32(FSTS, FSTS_IQE, 0, 500), "IQE not cleared");
	{
		u64 e = now_us() + 1000000;

		while (*st != seq && now_us() < e)
			__asm__ volatile("pause");
	}
	CHECK(*st == seq, "no resume after fixing IQT");
	sub_end("iqt-beyond");

	sub_begin();
	seq = ++status_seq;
	st = status_slot(seq);
	*st = 0;
	q_put(wait_lo(seq, 1, 0), pg[P_STATUS].pa + 4 * (seq % 1024));
	w64(IQT, ((u64)qtail << 4) | 0xf);
	{
		u64 e = now_us() + 1000000;

		while (*st != seq && now_us() < e)
			__asm__ volatile("pause");
	}
	CHECK(*st == seq, "wait not done with IQT bits 3:0 set");
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE for reserved IQT bits");
	{
		unsigned int polls;

		CHECK(ro_settles64(IQT, (u64)qtail << 4, &polls),
		      "IQT reserved bits read back (%#llx)", (unsigned long long)r64(IQT));
	}
	sub_end("iqt-rsvd");
}

/* IQA placed where the unit must not read (hypervisor memory, MMIO, the
 * unit itself, beyond RAM): the descriptor fetch fails -> IQE with IQEI 2
 * (hardware error fetching a descriptor), IQH stays 0. Recovery: QI off,
 * clear IQE, IQA good, QI on. */
void t_iqa(const char *name, u64 iqa)
{
	sub_begin();
	CHECK(qi_disable(), "QI would not turn off");
	w64(IQT, 0);
	w64(IQA, iqa);
	CHECK((r64(IQA) & ~0xfffull) == iqa, "IQA not taken (%#llx)", (unsigned long long)r64(IQA));
	CHECK(gcmd(GCMD_QIE, 0, GSTS_QIES, GSTS_QIES), "QIES not set");
	w64(IQT, 2ull << 4);
	CHECK(wait32(FSTS, FSTS_IQE, FSTS_IQE, 1000), "no IQE");
	CHECK((r64(IQERCD) & 0xf) == IQEI_FETCH, "IQEI=%llu",
	      (unsigned long long)(r64(IQERCD) & 0xf));
	CHECK(iqh_idx() == 0, "IQH=%u", iqh_idx());
	/* IQA must not move while QI is enabled (it is held) */
	{
		u64 held = r64(IQA);
		unsigned int polls;

		w64(IQA, pg[P_QUEUE].pa);
		CHECK(ro_settles64(IQA, held, &polls), "IQA changed under QIE (%#llx)",
		      (unsigned long long)r64(IQA));
	}
	CHECK(qi_disable(), "QI would not turn off");
	w32(FSTS, FSTS_IQE);
	CHECK(wait32(FSTS, FSTS_IQE, 0, 500), "IQE not cleared");
	qtail = 0;
	CHECK(qi_enable(pg[P_QUEUE].pa), "QI would not come back");
	CHECK(q_sync(1000), "queue dead after recovery");
	sub_end(name);
}
