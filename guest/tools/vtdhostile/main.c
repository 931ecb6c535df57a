// SPDX-License-Identifier: MIT
/*
 * vtdhostile: a hostile VT-d driver in guest userspace (issue #7 case 3).
 * The guest boots with intel_iommu=off iomem=relaxed, so this tool owns the
 * emulated unit at 0xfed90000 (registers through /dev/mem, DMA buffers
 * mmap+mlock'ed and translated through /proc/self/pagemap). It runs named
 * subtests, each checking through the registers what the VT-d spec (rev
 * 3.x/4.x, chapter numbers of rev 4.0) says hardware does, and prints
 *     GUEST: vtd <name> ok|FAIL <detail>
 * per subtest and "GUEST: vtd summary passed=N failed=M" at the end.
 *
 * Usage: vtdhostile [mode=trap|sidecore] [phys=0|1] [storm=SECONDS]
 *                   [seed=N] [only=NAME[+NAME]] [xfail=NAME[+NAME]] [sparse=GIB]
 *   mode:  sidecore: register page 0 is polled RAM, so a store to a read-only
 *          register can be seen for the length of one polling pass before the
 *          model's image is published again (checked "settled": it must come
 *          back); trap: every access is emulated at once (checked immediately).
 *   phys:  1 (QEMU) the unit shadows translations in a physical IOMMU and
 *          records no fault without DMA; 0 (Bochs) translated contexts are
 *          refused and recorded as primary faults (FR 3) at once.
 * Deviations from real hardware that are the emulation's documented policy
 * (hypervisor memory and MMIO are never read or written by the unit) are
 * named in the subtest comments.
 *
 * This file: the arguments, the subtests' order, the random register and
 * descriptor storm and the final liveness check. The subtests live in
 * regs.c, queue.c and tables.c; common.c has the plumbing they share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vtdhostile.h"

static int storm_s = 10;
static unsigned long long seed = 1;

/* ---- storm ---------------------------------------------------------------- */

static u64 rng_state;
static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static u64 hostile_addr(void)
{
	static u64 list[8];

	list[0] = pg[P_QUEUE].pa;
	list[1] = pg[P_ROOT].pa;
	list[2] = HV_MEM;
	list[3] = UNIT_BASE;
	list[4] = LAPIC_MMIO;
	list[5] = BEYOND_RAM;
	list[6] = pg[P_QUEUE2].pa;
	list[7] = 0;
	return list[rnd() % 8];
}

/* A random descriptor: mostly valid types with random fields, wait status
 * addresses in the tool's status page or hostile places. */
static void rnd_desc(struct desc *d)
{
	switch (rnd() % 5) {
	case 0:
		d->lo = rnd();
		d->hi = rnd();
		break;
	case 1:
		d->lo = (rnd() & 0x3ffffffff0030ull) | 1;
		d->hi = 0;
		break;
	case 2:
		d->lo = (rnd() & 0xffff00f0ull) | 2;
		d->hi = rnd() & ~0xf80ull;
		break;
	default:
		d->lo = (rnd() & 0xffffffff00000070ull) | 5;
		d->hi = rnd() % 2 ? pg[P_STATUS].pa + (rnd() % 1024) * 4 : hostile_addr();
		break;
	}
}

static const u32 storm_regs[] = { VER,	    GCMD,   GSTS,   RTADDR,  RTADDR + 4, CCMD,
				  CCMD + 4, FSTS,   FECTL,  FEDATA,  FEADDR,	 FEUADDR,
				  IQH,	    IQT,    IQA,    IQA + 4, ICS,	 IECTL,
				  IEDATA,   IEADDR, IQERCD, CAP,     ECAP };

static void t_storm(void)
{
	u64 end_t, n = 0, n8 = 0, nodd = 0;
	struct desc *q2 = (struct desc *)pg[P_QUEUE2].va;

	sub_begin();
	rng_state = seed ? seed : 1;
	printf("GUEST: vtd storm seed=%llu seconds=%d\n", seed, storm_s);
	fflush(stdout);
	for (int i = 0; i < QN; i++) {
		rnd_desc(&queue()[i]);
		rnd_desc(&q2[i]);
	}
	/* the tool's context table: random entries with tables in its pages */
	for (int i = 0; i < 512; i++)
		pt(P_CTX)[i] = rnd() & ~0xfffffffff000ull;
	pt(P_CTX)[2 * NIC_DEVFN] = 1 | (rnd() & 0xc) | top_table();
	pt(P_CTX)[2 * NIC_DEVFN + 1] = (rnd() & 7) | (1u << 8);
	set_root(1, 0, 0);
	end_t = now_us() + (u64)storm_s * 1000000;
	while (now_us() < end_t) {
		for (int k = 0; k < 64; k++) {
			u64 r = rnd(), v = rnd();
			u32 off;

			if (r % 4 == 0)
				off = (u32)((r >> 8) % 0x2000) & ~3u; /* anywhere in the unit */
			else if (r % 4 == 1)
				off = fro + (u32)((r >> 8) % 4) * 4; /* the fault record */
			else
				off = storm_regs[(r >> 8) % (sizeof(storm_regs) / sizeof(u32))];
			/* keep the tool's own guest alive: interrupts stay masked
			 * (a random vector would only hurt the guest), queue and
			 * root tables point at the tool's pages or hostile places */
			if (off == FECTL || off == IECTL)
				v |= ECTL_IM;
			if (off == RTADDR || off == IQA)
				v = hostile_addr() | (v & 0xfff);
			if (off == RTADDR + 4 || off == IQA + 4)
				v = v % 2 ? 0 : (u32)(BEYOND_RAM >> 32);
			if (off == IQT)
				v &= 0x7fff0 | (v % 2 ? 0xf : 0);
			if (off == GCMD && (v & 3) == 0)
				v = (r32(GSTS) & GSTS_ONESHOT_CLEAR) ^ (1u << (26 + (v >> 8) % 6));
			if ((r >> 40) % 16 == 0 && off != FECTL && off != IECTL &&
			    (off & ~7u) != RTADDR && (off & ~7u) != IQA) {
				*(volatile u8 *)(regs + off + (v % 4)) = (u8)v;
				nodd++;
			} else if ((r >> 44) % 2 && !(off & 7)) {
				w64(off, v);
				n8++;
			} else {
				w32(off, (u32)v);
			}
			n++;
			if ((r >> 50) % 8 == 0)
				(void)r32(off);
		}
	}
	note("seed=%llu writes=%llu (64-bit %llu, byte %llu)", seed, (unsigned long long)n,
	     (unsigned long long)n8, (unsigned long long)nodd);
	{
		unsigned int polls;

		/* sidecore: the storm's last store may still sit in polled RAM */
		CHECK(ro_settles32(VER, 0x10, &polls), "VER=%#x after the storm", r32(VER));
	}
	sub_end("storm");
}

/* After everything: put the unit back to reset-like state and prove it
 * still works (11.4.4 disable TE/QI, clear every W1C status). */
static void t_alive(void)
{
	sub_begin();
	w32(FECTL, ECTL_IM);
	w32(IECTL, ECTL_IM);
	CHECK(te(0), "TES stuck");
	CHECK(qi_disable(), "QIES stuck");
	clear_faults();
	if (r32(ICS) & ICS_IWC)
		w32(ICS, ICS_IWC);
	CHECK(wait32(FSTS, FSTS_W1C | FSTS_PPF, 0, 500), "FSTS=%#x after clearing", r32(FSTS));
	memset(pg[P_QUEUE].va, 0, PAGE);
	qtail = 0;
	CHECK(qi_enable(pg[P_QUEUE].pa), "QI would not come back");
	CHECK(q_sync(2000), "wait descriptor not done");
	CHECK(r32(VER) == 0x10 && r64(CAP) == cap && r64(ECAP) == ecap, "ID registers changed");
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE");
	CHECK(qi_disable(), "QIES stuck");
	sub_end("alive");
}

int main(int argc, char **argv)
{
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "mode=", 5))
			trap_mode = !strcmp(argv[i] + 5, "trap");
		else if (!strncmp(argv[i], "phys=", 5))
			phys = atoi(argv[i] + 5);
		else if (!strncmp(argv[i], "storm=", 6))
			storm_s = atoi(argv[i] + 6);
		else if (!strncmp(argv[i], "seed=", 5))
			seed = strtoull(argv[i] + 5, NULL, 0);
		else if (!strncmp(argv[i], "only=", 5))
			only = argv[i] + 5;
		else if (!strncmp(argv[i], "sparse=", 7))
			sparse_gib = atoi(argv[i] + 7);
		else if (!strncmp(argv[i], "xfail=", 6))
			xfail = argv[i] + 6;
		else {
			fprintf(stderr, "vtdhostile: unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	if (fd < 0) {
		printf("GUEST: vtd setup FAIL open /dev/mem: %s\n", strerror(errno));
		return 1;
	}
	regs = mmap(NULL, MAP_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, UNIT_BASE);
	if (regs == MAP_FAILED) {
		printf("GUEST: vtd setup FAIL mmap %#llx: %s\n", UNIT_BASE, strerror(errno));
		return 1;
	}
	if (alloc_pages()) {
		printf("GUEST: vtd setup FAIL DMA pages (mlock/pagemap)\n");
		return 1;
	}
	cap = r64(CAP);
	ecap = r64(ECAP);
	fro = (unsigned int)((cap >> 24) & 0x3ff) * 16;
	iro = (unsigned int)((ecap >> 8) & 0x3ff) * 16;
	levels = (cap >> 8) & 4 ? 4 : 3;
	sllps = (unsigned int)(cap >> 34) & 0xf;
	printf("GUEST: vtd start mode=%s phys=%d cap=%#llx ecap=%#llx\n",
	       trap_mode ? "trap" : "sidecore", phys, (unsigned long long)cap,
	       (unsigned long long)ecap);

	if (want("id"))
		t_id();
	if (want("ro-bits"))
		t_ro_bits();
	if (want("feaddr"))
		t_feaddr();
	if (want("reg-inv"))
		t_reg_inv();
	t_qi_up();
	if (want("wait-if"))
		t_wait_if();
	if (want("qi-misc"))
		t_qi_misc();
	if (want("ectl-unmask"))
		t_ectl_unmask();
	t_bad_descs();
	if (want("iqt"))
		t_iqt();
	if (want("iqe-qi-toggle"))
		t_iqe_qi_toggle();
	if (want("iqa")) {
		t_iqa("iqa-hv", HV_MEM);
		t_iqa("iqa-lapic", LAPIC_MMIO);
		t_iqa("iqa-unit", UNIT_BASE);
		t_iqa("iqa-beyond", BEYOND_RAM);
	}
	if (want("root")) {
		t_root("root-hv", HV_MEM);
		t_root("root-lapic", LAPIC_MMIO);
		t_root("root-unit", UNIT_BASE);
		t_root("root-beyond", BEYOND_RAM);
	}
	t_contexts();
	if (want("msi-sidecore"))
		t_msi_sidecore();
	if (want("straddle"))
		t_straddle();
	if (want("storm") && storm_s > 0)
		t_storm();
	t_alive();
	if (xfailed)
		printf("GUEST: vtd known deviations xfail=%d\n", xfailed);
	printf("GUEST: vtd summary passed=%d failed=%d\n", passed, failed);
	return failed ? 1 : 0;
}
