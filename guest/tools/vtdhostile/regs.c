// SPDX-License-Identifier: MIT
/*
 * vtdhostile: register subtests. Identification registers, read-only
 * registers and fields, the event address registers, register-based
 * invalidation, a fault-event MSI aimed at the hypervisor's CPU and
 * accesses that straddle registers and pages.
 */
#include <stdint.h>

#include "vtdhostile.h"

void t_id(void)
{
	sub_begin();
	/* 11.4.1: VER 1.0 as advertised by the emulation; 11.4.2/11.4.3 */
	CHECK(r32(VER) == 0x10, "VER=%#x", r32(VER));
	CHECK(cap & (1ull << 7), "CAP.CM=0");
	CHECK(ecap & 2, "ECAP.QI=0");
	CHECK(levels == 3 || levels == 4, "SAGAW=%#llx", (unsigned long long)((cap >> 8) & 0x1f));
	CHECK(fro >= 0x100 && fro + 16 <= 0x2000, "FRO=%#x", fro);
	note("cap=%#llx ecap=%#llx levels=%u fro=%#x iro=%#x", (unsigned long long)cap,
	     (unsigned long long)ecap, levels, fro, iro);
	sub_end("id");
}

/* Read-only registers and fields ignore writes (11.4: RO attribute). */
void t_ro_bits(void)
{
	static const u32 ro64[] = { CAP, ECAP, IQH, IQERCD };
	unsigned int polls, maxpolls = 0;
	u64 v;
	u32 v32;

	sub_begin();
	for (unsigned int i = 0; i < sizeof(ro64) / sizeof(ro64[0]); i++) {
		u32 off = ro64[i];

		v = r64(off);
		w64(off, ~v);
		CHECK(ro_settles64(off, v, &polls), "reg %#x 64-bit flip kept (%#llx)", off,
		      (unsigned long long)r64(off));
		maxpolls = polls > maxpolls ? polls : maxpolls;
		w32(off + 4, ~(u32)(v >> 32));
		CHECK(ro_settles64(off, v, &polls), "reg %#x high-half flip kept", off);
		maxpolls = polls > maxpolls ? polls : maxpolls;
		w32(off, (u32)~v ^ 0x10);
		CHECK(ro_settles64(off, v, &polls), "reg %#x low-half flip kept", off);
		maxpolls = polls > maxpolls ? polls : maxpolls;
	}
	v32 = r32(VER);
	w32(VER, ~v32);
	CHECK(ro_settles32(VER, v32, &polls), "VER flip kept (%#x)", r32(VER));
	v32 = r32(GSTS);
	w32(GSTS, ~v32);
	CHECK(ro_settles32(GSTS, v32, &polls), "GSTS flip kept (%#x)", r32(GSTS));
	/* FSTS: PPF and FRI are RO, the rest W1C of clear bits: no change */
	v32 = r32(FSTS);
	w32(FSTS, FSTS_PPF | 0xff00);
	CHECK(ro_settles32(FSTS, v32, &polls), "FSTS RO bits changed (%#x)", r32(FSTS));
	/* FECTL.IP / IECTL.IP are RO */
	v32 = r32(FECTL);
	w32(FECTL, v32 | ECTL_IP);
	CHECK(ro_settles32(FECTL, v32, &polls), "FECTL.IP written (%#x)", r32(FECTL));
	v32 = r32(IECTL);
	w32(IECTL, v32 | ECTL_IP);
	CHECK(ro_settles32(IECTL, v32, &polls), "IECTL.IP written (%#x)", r32(IECTL));
	/* the fault record is RO except F (RW1C), page 1 always traps */
	v = r64(fro);
	w64(fro, ~v);
	CHECK(r64(fro) == v, "FRCD lo written");
	v = r64(fro + 8);
	w64(fro + 8, ~v & ~(1ull << 63));
	CHECK(r64(fro + 8) == v, "FRCD hi written");
	if (!trap_mode)
		note("sidecore: stores visible for up to %u polls before republish", maxpolls);
	sub_end("ro-bits");
}

/* FEADDR/IEADDR: the emulation keeps only 0xFEEx_xxxx (an MSI address);
 * anything else would be a DMA write by the unit (11.4.5, 5.1.x), refused
 * and the old value kept. Bits 1:0 are reserved. */
void t_feaddr(void)
{
	static const u32 bad[] = { (u32)HV_MEM, (u32)UNIT_BASE, 0, 0xfef00000u, 0x12345678u };
	unsigned int polls;

	sub_begin();
	w32(FEADDR, 0xfee00000u);
	w32(IEADDR, 0xfee00000u);
	CHECK(settle(), "no settle");
	CHECK(ro_settles32(FEADDR, 0xfee00000u, &polls), "FEADDR valid value not taken (%#x)",
	      r32(FEADDR));
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w32(FEADDR, bad[i]);
		settle();
		CHECK(ro_settles32(FEADDR, 0xfee00000u, &polls), "FEADDR took %#x (reads %#x)",
		      bad[i], r32(FEADDR));
		w32(IEADDR, bad[i]);
		settle();
		CHECK(ro_settles32(IEADDR, 0xfee00000u, &polls), "IEADDR took %#x (reads %#x)",
		      bad[i], r32(IEADDR));
	}
	w32(FEADDR, 0xfee00003u);
	settle();
	CHECK(ro_settles32(FEADDR, 0xfee00000u, &polls), "FEADDR reserved bits 1:0 kept (%#x)",
	      r32(FEADDR));
	/* FEUADDR is reserved without ECAP.EIM */
	w32(FEUADDR, 0xffffffffu);
	CHECK(ro_settles32(FEUADDR, 0, &polls), "FEUADDR took a value (%#x)", r32(FEUADDR));
	sub_end("feaddr");
}

/* Register-based invalidation (6.5.1, 11.4.7 CCMD, 11.4.8.1 IOTLB) while
 * QI is off: ICC/IVT clear when done, CAIG/IAIG report the granularity. */
void t_reg_inv(void)
{
	sub_begin();
	w64(CCMD, (1ull << 63) | (1ull << 61)); /* ICC, CIRG=global */
	CHECK(wait32(CCMD + 4, 1u << 31, 0, 1000), "CCMD.ICC stuck (%#llx)",
	      (unsigned long long)r64(CCMD));
	CHECK(((r64(CCMD) >> 59) & 3) == 1, "CAIG=%llu",
	      (unsigned long long)((r64(CCMD) >> 59) & 3));
	w64(iro + 8, (1ull << 63) | (1ull << 60)); /* IVT, IIRG=global */
	CHECK(wait32(iro + 12, 1u << 31, 0, 1000), "IOTLB.IVT stuck (%#llx)",
	      (unsigned long long)r64(iro + 8));
	CHECK(((r64(iro + 8) >> 57) & 3) == 1, "IAIG=%llu",
	      (unsigned long long)((r64(iro + 8) >> 57) & 3));
	sub_end("reg-inv");
}

/* Fault-event MSI aimed at the hypervisor's CPU (APIC id 1, the sidecore)
 * and an IQE with FECTL.IM clear: the unit may send it (the guest asked),
 * the hypervisor must survive; nothing to see in the guest. */
void t_msi_sidecore(void)
{
	sub_begin();
	w32(FEDATA, 0x31);
	w32(FEADDR, 0xfee01000u);
	w32(FECTL, 0);
	expect_ip = 0;
	bad_desc("msi-sidecore-iqe", 0, 0, IQEI_TYPE);
	expect_ip = 1;
	sub_begin();
	w32(FECTL, ECTL_IM);
	w32(FEADDR, 0xfee00000u);
	CHECK(q_sync(1000), "queue dead");
	CHECK(r32(VER) == 0x10, "VER=%#x", r32(VER));
	sub_end("msi-sidecore");
}

/* Accesses that straddle registers and pages, odd sizes (11.2: software
 * accesses registers with aligned 32/64-bit accesses; others are undefined
 * and must not hurt the hypervisor). */
void t_straddle(void)
{
	volatile u8 *b = regs;

	sub_begin();
	*(volatile uint16_t *)(b + FEDATA) = 0x1234;
	*(volatile u8 *)(b + FEDATA + 2) = 0x56;
	(void)*(volatile uint16_t *)(b + VER);
	(void)*(volatile u8 *)(b + CAP + 3);
	__asm__ volatile("movq %%rax, (%0)"
			 :
			 : "r"(b + 0x0ffc), "a"(0x5a5a5a5a5a5a5a5aull)
			 : "memory");
	(void)*(volatile u64 *)(b + 0x0ffc);
	(void)*(volatile u64 *)(b + 0x1ffc);
	(void)*(volatile u32 *)(b + 0x1ffe);
	__asm__ volatile("movq %%rax, (%0)" : : "r"(b + 0x1ffc), "a"(0ull) : "memory");
	(void)*(volatile u64 *)(b + 0x2000);
	CHECK(q_sync(1000), "queue dead");
	CHECK(r32(VER) == 0x10, "VER=%#x", r32(VER));
	CHECK(r64(CAP) == cap, "CAP changed");
	sub_end("straddle");
}
