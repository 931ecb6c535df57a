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
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

#define UNIT_BASE 0xfed90000ull
#define MAP_LEN 0x3000 /* the two register pages and the page after */
#define HV_MEM 0x100000ull /* the hypervisor image (linker.ld), never guest RAM */
#define LAPIC_MMIO 0xfee00000ull
#define BEYOND_RAM (1ull << 38) /* far above a 1 GiB guest, within 39 bits */

/* Registers (11.4). */
#define VER 0x000
#define CAP 0x008
#define ECAP 0x010
#define GCMD 0x018
#define GSTS 0x01c
#define RTADDR 0x020
#define CCMD 0x028
#define FSTS 0x034
#define FECTL 0x038
#define FEDATA 0x03c
#define FEADDR 0x040
#define FEUADDR 0x044
#define IQH 0x080
#define IQT 0x088
#define IQA 0x090
#define ICS 0x09c
#define IECTL 0x0a0
#define IEDATA 0x0a4
#define IEADDR 0x0a8
#define IQERCD 0x0b0

#define GCMD_TE (1u << 31)
#define GCMD_SRTP (1u << 30)
#define GCMD_QIE (1u << 26)
#define GSTS_TES (1u << 31)
#define GSTS_RTPS (1u << 30)
#define GSTS_QIES (1u << 26)
/* 11.4.4: software preserves the persistent bits and clears the one-shots */
#define GSTS_ONESHOT_CLEAR 0x96ffffffu

#define FSTS_PFO (1u << 0)
#define FSTS_PPF (1u << 1)
#define FSTS_IQE (1u << 4)
#define FSTS_W1C 0x7du
#define ECTL_IM (1u << 31)
#define ECTL_IP (1u << 30)
#define ICS_IWC 1u

/* IQERCD.IQEI (11.4.9.9) */
#define IQEI_NONE 0
#define IQEI_TAIL 1
#define IQEI_FETCH 2
#define IQEI_TYPE 3
#define IQEI_RSVD 4

/* Fault reasons (chapter 7, table "unrecoverable fault conditions") */
#define FR_CTX_INVALID 0x3
#define FR_ROOT_ACCESS 0x8
#define FR_ROOT_RSVD 0xa
#define FR_CTX_RSVD 0xb
#define FR_ROOT_NP 0x1
#define FR_CTX_NP 0x2

#define NIC_BUS 0
#define NIC_DEVFN 0x10 /* 00:02.0 */
#define NIC_SID ((NIC_BUS << 8) | NIC_DEVFN)

#define QN 256 /* IQA.QS = 0: one page, 256 128-bit descriptors */
#define PAGE 4096ull
#define NPAGES 24

/* ---- plumbing ------------------------------------------------------------ */

static volatile u8 *regs;
static int trap_mode, phys = 1, storm_s = 10, sparse_gib = 8;
static unsigned long long seed = 1;
static const char *only, *xfail;
static int xfailed;
static int passed, failed;
static unsigned int fro, iro, levels, sllps;
static u64 cap, ecap;

struct page {
	u8 *va;
	u64 pa;
};
static struct page pg[NPAGES];
/* page roles */
enum { P_ROOT, P_CTX, P_QUEUE, P_STATUS, P_PT3, P_PT2, P_PT1, P_DATA_A, P_DATA_B, P_LOOP, P_PT4,
       P_QUEUE2, P_SP4, P_SP3, P_SP2, P_SP1 };

static u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000ull + (u64)ts.tv_nsec / 1000;
}

static u32 r32(u32 off)
{
	return *(volatile u32 *)(regs + off);
}
static u64 r64(u32 off)
{
	return *(volatile u64 *)(regs + off);
}
static void w32(u32 off, u32 v)
{
	__sync_synchronize();
	*(volatile u32 *)(regs + off) = v;
	__sync_synchronize();
}
static void w64(u32 off, u64 v)
{
	__sync_synchronize();
	*(volatile u64 *)(regs + off) = v;
	__sync_synchronize();
}

static void pause_us(u64 us)
{
	u64 end = now_us() + us;

	while (now_us() < end)
		__asm__ volatile("pause");
}

/* Wait until (r32(off) & mask) == val; false after ms. */
static int wait32(u32 off, u32 mask, u32 val, unsigned int ms)
{
	u64 end = now_us() + (u64)ms * 1000;

	do {
		if ((r32(off) & mask) == val)
			return 1;
		__asm__ volatile("pause");
	} while (now_us() < end);
	return (r32(off) & mask) == val;
}

/* Read-only value check: immediate in trap mode; in sidecore mode the
 * guest's store stays in polled RAM until the next publication. */
static int ro_settles64(u32 off, u64 want, unsigned int *polls)
{
	u64 end = now_us() + 200000;

	*polls = 0;
	if (trap_mode)
		return r64(off) == want;
	while (r64(off) != want && now_us() < end) {
		(*polls)++;
		__asm__ volatile("pause");
	}
	return r64(off) == want;
}

static int ro_settles32(u32 off, u32 want, unsigned int *polls)
{
	u64 end = now_us() + 200000;

	*polls = 0;
	if (trap_mode)
		return r32(off) == want;
	while (r32(off) != want && now_us() < end) {
		(*polls)++;
		__asm__ volatile("pause");
	}
	return r32(off) == want;
}

static int expect_ip = 1; /* FECTL.IM set: IQE leaves IP pending */
static char detail[512];
static int cur_ok;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(detail);

	if (n >= sizeof(detail) - 2)
		return;
	if (n)
		detail[n++] = ';', detail[n] = 0;
	va_start(ap, fmt);
	vsnprintf(detail + n, sizeof(detail) - n, fmt, ap);
	va_end(ap);
}

#define CHECK(cond, ...)                 \
	do {                             \
		if (!(cond)) {           \
			cur_ok = 0;      \
			note(__VA_ARGS__); \
		}                        \
	} while (0)

static int want(const char *name)
{
	return !only || strstr(name, only) || strstr(only, name);
}

static void begin(void)
{
	detail[0] = 0;
	cur_ok = 1;
}

/* xfail=NAME[+NAME...]: a known deviation awaiting a fix outside the
 * tool's reach; it prints "xfail" instead of "FAIL" and is not counted. */
static int is_xfail(const char *name)
{
	const char *p = xfail;
	size_t n = strlen(name);

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == 0 || p[n] == '+'))
			return 1;
		p = strchr(p, '+');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

static void end(const char *name)
{
	const char *verdict = cur_ok ? "ok" : is_xfail(name) ? "xfail" : "FAIL";

	printf("GUEST: vtd %s %s%s%s\n", name, verdict, detail[0] ? " " : "", detail);
	fflush(stdout);
	if (cur_ok)
		passed++;
	else if (is_xfail(name))
		xfailed++;
	else
		failed++;
}

static u64 virt_to_phys(void *va)
{
	static int fd = -1;
	u64 e;
	off_t off = (off_t)((uintptr_t)va / PAGE) * 8;

	if (fd < 0)
		fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &e, 8, off) != 8 || !(e & (1ull << 63)))
		return 0;
	return (e & ((1ull << 55) - 1)) * PAGE;
}

static int alloc_pages(void)
{
	u8 *buf = mmap(NULL, NPAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (buf == MAP_FAILED || mlock(buf, NPAGES * PAGE))
		return -1;
	memset(buf, 0, NPAGES * PAGE);
	for (int i = 0; i < NPAGES; i++) {
		pg[i].va = buf + i * PAGE;
		pg[i].pa = virt_to_phys(pg[i].va);
		if (!pg[i].pa)
			return -1;
	}
	return 0;
}

/* ---- global command, queue ---------------------------------------------- */

/* 11.4.4: read GSTS, keep the persistent bits, add/remove one command. */
static int gcmd(u32 set, u32 clear, u32 wmask, u32 wval)
{
	u32 v = (r32(GSTS) & GSTS_ONESHOT_CLEAR & ~clear) | set;

	w32(GCMD, v);
	return wmask ? wait32(GSTS, wmask, wval, 1000) : 1;
}

struct desc {
	u64 lo, hi;
};
static u32 qtail; /* software tail (descriptor index) */
static u32 status_seq = 0x1000;

static struct desc *queue(void)
{
	return (struct desc *)pg[P_QUEUE].va;
}

static volatile u32 *status_slot(unsigned int i)
{
	return (volatile u32 *)(pg[P_STATUS].va + 4 * (i % 1024));
}

static void q_put(u64 lo, u64 hi)
{
	queue()[qtail].lo = lo;
	queue()[qtail].hi = hi;
	qtail = (qtail + 1) % QN;
}

static void q_kick(void)
{
	__sync_synchronize();
	w64(IQT, (u64)qtail << 4);
}

/* 6.5.2.8 invalidation wait descriptor: SW, status data and address. */
static u64 wait_lo(u32 data, int sw, int iflag)
{
	return 5 | (sw ? 1u << 5 : 0) | (iflag ? 1u << 4 : 0) | ((u64)data << 32);
}

/* Queue a status-writing wait and wait for it (the unit's "sync"). */
static int q_sync(unsigned int ms)
{
	u32 seq = ++status_seq;
	volatile u32 *st = status_slot(seq);
	u64 end;

	*st = 0;
	q_put(wait_lo(seq, 1, 0), pg[P_STATUS].pa + 4 * (seq % 1024));
	q_kick();
	end = now_us() + (u64)ms * 1000;
	while (*st != seq && now_us() < end)
		__asm__ volatile("pause");
	return *st == seq;
}

/* Sidecore mode: a store to polled page 0 is only seen at the sidecore's next
 * scan, and data registers are applied before commands in a scan, so a
 * completed command proves the stores before it were applied (CCMD global
 * with QI off, a wait descriptor with QI on). Trap mode: nothing to do. */
static int settle(void)
{
	if (trap_mode)
		return 1;
	if (r32(GSTS) & GSTS_QIES)
		return q_sync(1000);
	w64(CCMD, (1ull << 63) | (1ull << 61));
	return wait32(CCMD + 4, 1u << 31, 0, 1000);
}

static u32 iqh_idx(void)
{
	return (u32)(r64(IQH) >> 4) & 0x7fff;
}

/* IQH reaches idx. Sidecore: the model publishes IQH after the pass that
 * did the status write, so a waiter can see the status first. */
static int wait_iqh(u32 idx, unsigned int ms)
{
	u64 end = now_us() + (u64)ms * 1000;

	while (iqh_idx() != idx && now_us() < end)
		__asm__ volatile("pause");
	return iqh_idx() == idx;
}

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
static void bad_desc(const char *name, u64 lo, u64 hi, int iqei)
{
	u32 head = qtail, seq1, seq2;
	volatile u32 *st1, *st2;

	begin();
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
	end(name);
}

/* ---- faults (page 1) -------------------------------------------------------- */

/* With phys=1 nothing does DMA, so no primary fault may be recorded; with
 * phys=0 the unit refuses what it cannot enforce and records fr for the
 * NIC's source-id (chapter 7 primary fault logging, 11.4.14 FRCD). */
static void expect_fault(int fr)
{
	u32 fsts;

	if (phys || fr == 0) {
		pause_us(5000);
		fsts = r32(FSTS);
		CHECK(!(fsts & (FSTS_PPF | FSTS_PFO)), "unexpected fault (fsts=%#x frcd_hi=%#llx)",
		      fsts, (unsigned long long)r64(fro + 8));
		if (fsts & FSTS_PPF)
			w32(fro + 12, 1u << 31);
		if (fsts & FSTS_PFO)
			w32(FSTS, FSTS_PFO);
		return;
	}
	if (!wait32(FSTS, FSTS_PPF, FSTS_PPF, 1000)) {
		CHECK(0, "no fault recorded (fsts=%#x), want FR %#x", r32(FSTS), fr);
		return;
	}
	{
		u64 hi = r64(fro + 8);
		unsigned int got = (unsigned int)(hi >> 32) & 0xff;

		CHECK(hi >> 63, "FRCD.F clear while PPF set");
		CHECK(got == (unsigned int)fr, "FR=%#x want %#x", got, fr);
		CHECK((hi & 0xffff) == NIC_SID, "SID=%#llx", (unsigned long long)(hi & 0xffff));
		/* F is RW1C (11.4.14); PPF follows it (11.4.5) */
		w32(fro + 12, 1u << 31);
		CHECK(wait32(FSTS, FSTS_PPF, 0, 500), "PPF still set after F cleared");
		CHECK(!(r64(fro + 8) >> 63), "F still set after W1C");
	}
	if (r32(FSTS) & FSTS_PFO) {
		CHECK(0, "PFO set (a fault was lost)");
		w32(FSTS, FSTS_PFO);
	}
}

/* ---- translation structures -------------------------------------------------- */

static u64 *pt(int p)
{
	return (u64 *)pg[p].va;
}

static void set_root(int present, u64 extra_lo, u64 hi)
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

static u64 top_table(void)
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
	t4[1] = HV_MEM | 3;	   /* an L3 table in hypervisor memory */
	t3[0] = pg[P_PT2].pa | 3;
	t3[1] = UNIT_BASE | 3;	   /* an L2 table that is the unit's own registers */
	t3[2] = LAPIC_MMIO | 3;	   /* ... the local APIC */
	t2[0] = pg[P_PT1].pa | 3;
	t2[1] = HV_MEM | 3;	   /* an L1 table in hypervisor memory */
	if (sllps & 1)
		t2[2] = 0 | (1 << 7) | 3; /* 2M leaf at 0: covers the hypervisor image */
	t1[0] = pg[P_DATA_A].pa | 3;
	t1[1] = pg[P_DATA_B].pa | 1;
	t1[2] = HV_MEM | 3;	   /* leaves outside guest RAM */
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

/* 6.5.2.1 context-cache invalidate, global; 6.5.2.3 IOTLB global. */
#define CC_GLOBAL (1 | (1u << 4))
#define IOTLB_GLOBAL (2 | (1u << 4))
static u64 iotlb_psi_lo(unsigned int did)
{
	return 2 | (3u << 4) | ((u64)did << 16);
}

/* ---- subtests ---------------------------------------------------------------- */

static void t_id(void)
{
	begin();
	/* 11.4.1: VER 1.0 as advertised by the emulation; 11.4.2/11.4.3 */
	CHECK(r32(VER) == 0x10, "VER=%#x", r32(VER));
	CHECK(cap & (1ull << 7), "CAP.CM=0");
	CHECK(ecap & 2, "ECAP.QI=0");
	CHECK(levels == 3 || levels == 4, "SAGAW=%#llx", (unsigned long long)((cap >> 8) & 0x1f));
	CHECK(fro >= 0x100 && fro + 16 <= 0x2000, "FRO=%#x", fro);
	note("cap=%#llx ecap=%#llx levels=%u fro=%#x iro=%#x", (unsigned long long)cap,
	     (unsigned long long)ecap, levels, fro, iro);
	end("id");
}

/* Read-only registers and fields ignore writes (11.4: RO attribute). */
static void t_ro_bits(void)
{
	static const u32 ro64[] = { CAP, ECAP, IQH, IQERCD };
	unsigned int polls, maxpolls = 0;
	u64 v;
	u32 v32;

	begin();
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
	end("ro-bits");
}

/* FEADDR/IEADDR: the emulation keeps only 0xFEEx_xxxx (an MSI address);
 * anything else would be a DMA write by the unit (11.4.5, 5.1.x), refused
 * and the old value kept. Bits 1:0 are reserved. */
static void t_feaddr(void)
{
	static const u32 bad[] = { (u32)HV_MEM, (u32)UNIT_BASE, 0, 0xfef00000u, 0x12345678u };
	unsigned int polls;

	begin();
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
	end("feaddr");
}

/* Register-based invalidation (6.5.1, 11.4.7 CCMD, 11.4.8.1 IOTLB) while
 * QI is off: ICC/IVT clear when done, CAIG/IAIG report the granularity. */
static void t_reg_inv(void)
{
	begin();
	w64(CCMD, (1ull << 63) | (1ull << 61)); /* ICC, CIRG=global */
	CHECK(wait32(CCMD + 4, 1u << 31, 0, 1000), "CCMD.ICC stuck (%#llx)",
	      (unsigned long long)r64(CCMD));
	CHECK(((r64(CCMD) >> 59) & 3) == 1, "CAIG=%llu", (unsigned long long)((r64(CCMD) >> 59) & 3));
	w64(iro + 8, (1ull << 63) | (1ull << 60)); /* IVT, IIRG=global */
	CHECK(wait32(iro + 12, 1u << 31, 0, 1000), "IOTLB.IVT stuck (%#llx)",
	      (unsigned long long)r64(iro + 8));
	CHECK(((r64(iro + 8) >> 57) & 3) == 1, "IAIG=%llu",
	      (unsigned long long)((r64(iro + 8) >> 57) & 3));
	end("reg-inv");
}

static int qi_enable(u64 iqa)
{
	w64(IQT, 0);
	w64(IQA, iqa);
	return gcmd(GCMD_QIE, 0, GSTS_QIES, GSTS_QIES);
}

static int qi_disable(void)
{
	return gcmd(0, GCMD_QIE, GSTS_QIES, 0);
}

/* 6.5.2 / 11.4.4 QIE: enable QI on a one-page queue; IQH reads 0. */
static void t_qi_up(void)
{
	begin();
	qtail = 0;
	CHECK(qi_enable(pg[P_QUEUE].pa), "QIES not set (gsts=%#x)", r32(GSTS));
	CHECK(r64(IQH) == 0, "IQH=%#llx", (unsigned long long)r64(IQH));
	CHECK(q_sync(1000), "wait descriptor status not written");
	CHECK(wait_iqh(qtail, 500), "IQH=%u tail=%u", iqh_idx(), qtail);
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE (fsts=%#x)", r32(FSTS));
	end("qi-up");
}

/* Register-based invalidation while QI is on (11.4.4 QIE: software must
 * not use it; the emulation ignores the request): ICC never sticks, and the
 * queue still works. GCMD commands for features not advertised (IRE,
 * SIRTP, CFI need ECAP.IR; WBF needs CAP.RWBF; SFL/EAFL need CAP.AFL) are
 * ignored: GSTS does not show them. */
static void t_qi_misc(void)
{
	u32 gsts;

	begin();
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
	end("qi-misc");
}

/* Clearing IM while IP is pending sends the message and clears IP (11.4.5
 * FECTL, 11.4.9.5 IECTL). Data 0 (vector 0: illegal, never delivered) so
 * the tool's guest sees nothing. */
static void t_ectl_unmask(void)
{
	begin();
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
	end("ectl-unmask");
}

/* Wait with IF (6.5.2.8): ICS.IWC set; IECTL.IM set -> IP pending (11.4.9.5);
 * IWC is RW1C, clearing it clears IP. In sidecore mode page 0 traps while
 * IWC is pending and is polled again after it is cleared. */
static void t_wait_if(void)
{
	begin();
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
	end("wait-if");
}

static void t_bad_descs(void)
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
		begin();
		q_put(iotlb_psi_lo(1), 0 | 63);
		q_put(iotlb_psi_lo(1), 0xfffffffffffff000ull | 20);
		q_put(2 | (3u << 4) | (3u << 6) | (1ull << 16), (1u << 6) | 9); /* DR DW IH */
		CHECK(q_sync(2000), "queue stuck after wide PSI");
		CHECK(!(r32(FSTS) & FSTS_IQE), "IQE (fsts=%#x)", r32(FSTS));
		end("psi-am");
	}
}

/* IQE stays set across QI off/on: software disabled and re-enabled QI
 * without clearing IQE. FSTS.IQE (11.4.5): while set, hardware does not
 * process descriptors (6.5.2.10); re-enabling QI neither clears it nor
 * restarts the queue. */
static void t_iqe_qi_toggle(void)
{
	u32 seq = ++status_seq;
	volatile u32 *st = status_slot(seq);

	begin();
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
	end("iqe-qi-toggle");
}

/* IQT beyond the queue (6.5.2, 11.4.9.2): IQE with IQEI 1, nothing done,
 * resumes once software writes a valid tail and clears IQE. IQT bits 3:0
 * are reserved with 128-bit descriptors: masked, no error. */
static void t_iqt(void)
{
	u32 head = qtail, seq = ++status_seq;
	volatile u32 *st = status_slot(seq);

	begin();
	*st = 0;
	q_put(wait_lo(seq, 1, 0), pg[P_STATUS].pa + 4 * (seq % 1024));
	w64(IQT, (u64)QN << 4); /* one past the last descriptor */
	CHECK(wait32(FSTS, FSTS_IQE, FSTS_IQE, 1000), "no IQE for IQT=%#x", QN << 4);
	CHECK((r64(IQERCD) & 0xf) == IQEI_TAIL, "IQEI=%llu", (unsigned long long)(r64(IQERCD) & 0xf));
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
	end("iqt-beyond");

	begin();
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

		CHECK(ro_settles64(IQT, (u64)qtail << 4, &polls), "IQT reserved bits read back (%#llx)",
		      (unsigned long long)r64(IQT));
	}
	end("iqt-rsvd");
}

/* IQA placed where the unit must not read (hypervisor memory, MMIO, the
 * unit itself, beyond RAM): the descriptor fetch fails -> IQE with IQEI 2
 * (hardware error fetching a descriptor), IQH stays 0. Recovery: QI off,
 * clear IQE, IQA good, QI on. */
static void t_iqa(const char *name, u64 iqa)
{
	begin();
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
	end(name);
}

static void clear_faults(void)
{
	if (r32(FSTS) & FSTS_PPF)
		w32(fro + 12, 1u << 31);
	if (r32(FSTS) & FSTS_W1C)
		w32(FSTS, FSTS_W1C);
}

static int te(int on)
{
	return gcmd(on ? GCMD_TE : 0, on ? 0 : GCMD_TE, GSTS_TES, on ? GSTS_TES : 0);
}

/* SRTP (11.4.4): latch RTADDR; a wait after it is processed after it. */
static int srtp(u64 rta)
{
	w64(RTADDR, rta);
	gcmd(GCMD_SRTP, 0, GSTS_RTPS, GSTS_RTPS);
	return q_sync(2000);
}

/* Root table where the unit must not read: with TE the NIC's root entry
 * cannot be fetched. Hardware: fault reason 8 on the first DMA; here
 * (phys=0) recorded at once, (phys=1) DMA is blocked, no record without DMA. */
static void t_root(const char *name, u64 rta)
{
	begin();
	clear_faults();
	CHECK(srtp(rta), "SRTP + wait failed");
	CHECK(te(1), "TES not set");
	CHECK(q_sync(2000), "queue stuck");
	expect_fault(FR_ROOT_ACCESS);
	CHECK(te(0), "TES not cleared");
	CHECK(q_sync(2000), "queue stuck");
	expect_fault(0);
	end(name);
}

/* A context for the NIC, made current by a global context-cache
 * invalidation (6.5.2.1) while TE is on; expect fr (0 = none). */
static void ctx_case(const char *name, u64 root_extra_lo, u64 root_hi, int root_present, u64 lo,
		     u64 hi, int fr)
{
	if (!want(name))
		return;
	begin();
	set_root(root_present, root_extra_lo, root_hi);
	set_ctx(lo, hi);
	q_put(CC_GLOBAL, 0);
	q_put(IOTLB_GLOBAL, 0);
	CHECK(q_sync(120000), "queue stuck");
	CHECK(!(r32(FSTS) & FSTS_IQE), "IQE (fsts=%#x)", r32(FSTS));
	expect_fault(fr);
	end(name);
}

static void t_contexts(void)
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
		begin();
		CHECK(srtp(pg[P_ROOT].pa), "SRTP + wait failed");
		CHECK(te(1), "TES not set");
		CHECK(q_sync(2000), "queue stuck");
		expect_fault(phys ? 0 : FR_CTX_NP);
		end("ctx-te-on");
	}
	/* The valid tree with hostile leaves (build_tables): on phys=1 only the
	 * guest-RAM pages are shadowed (hypervisor counters); phys=0 refuses a
	 * translated context it cannot enforce: FR 3. */
	ctx_case("ctx-valid", 0, 0, 1, pt_lo, ctx_hi(aw, 1), phys ? 0 : FR_CTX_INVALID);
	if (want("ctx-valid-psi")) {
		begin();
		q_put(iotlb_psi_lo(1), 0);		       /* one page */
		q_put(iotlb_psi_lo(1), 0x1000 | 3);	       /* misaligned addr, 8 pages */
		q_put(iotlb_psi_lo(1), BEYOND_RAM | 0);	       /* far */
		q_put(iotlb_psi_lo(7), 0);		       /* another domain */
		q_put(2 | (2u << 4) | (1ull << 16), 0);	       /* domain */
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(0);
		end("ctx-valid-psi");
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
		begin();
		set_ctx(pt_lo, ctx_hi(aw, 1));
		memset(pt(P_ROOT), 0, PAGE);
		pt(P_ROOT)[0] = HV_MEM | 1;
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(9); /* context-entry fetch failed */
		end("ctx-table-hv");
	}
	/* phys=0: a second fault while F is set is lost: FSTS.PFO (11.4.5,
	 * RW1C); nothing is recorded while PFO is set; clearing F and PFO
	 * lets the next one in. */
	if (!phys && want("fault-pfo")) {
		begin();
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
		end("fault-pfo");
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

		begin();
		for (int i = 0; i < 512; i++)
			l[i] = pg[P_LOOP].pa | 3;
		{
			const char *o = only;

			only = NULL;
			ctx_case("pt-loop-set", 0, 0, 1, ctx_lo_tt(0, pg[P_LOOP].pa),
				 ctx_hi(aw, 1), phys ? 0 : FR_CTX_INVALID);
			only = o;
		}
		begin();
		/* back to a small tree: the loop's shadow is dropped */
		set_ctx(pt_lo, ctx_hi(aw, 1));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(120000), "queue stuck after the loop");
		expect_fault(phys ? 0 : FR_CTX_INVALID);
		note("%llu ms", (unsigned long long)(now_us() - t0) / 1000);
		end("pt-loop");
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
		begin();
		/* invalidate it all again: the same pages once more */
		q_put(IOTLB_GLOBAL, 0);
		CHECK(q_sync(120000), "queue stuck (global IOTLB)");
		set_ctx(pt_lo, ctx_hi(aw, 1));
		q_put(CC_GLOBAL, 0);
		CHECK(q_sync(120000), "queue stuck after the sparse tree");
		expect_fault(phys ? 0 : FR_CTX_INVALID);
		note("%llu ms", (unsigned long long)(now_us() - t0) / 1000);
		end("pt-sparse");
	}
	if (want("ctx-")) {
		begin();
		CHECK(te(0), "TES not cleared");
		CHECK(q_sync(5000), "queue stuck");
		expect_fault(0);
		end("ctx-te-off");
	}
}

/* Fault-event MSI aimed at the hypervisor's CPU (APIC id 1, the sidecore)
 * and an IQE with FECTL.IM clear: the unit may send it (the guest asked),
 * the hypervisor must survive; nothing to see in the guest. */
static void t_msi_sidecore(void)
{
	begin();
	w32(FEDATA, 0x31);
	w32(FEADDR, 0xfee01000u);
	w32(FECTL, 0);
	expect_ip = 0;
	bad_desc("msi-sidecore-iqe", 0, 0, IQEI_TYPE);
	expect_ip = 1;
	begin();
	w32(FECTL, ECTL_IM);
	w32(FEADDR, 0xfee00000u);
	CHECK(q_sync(1000), "queue dead");
	CHECK(r32(VER) == 0x10, "VER=%#x", r32(VER));
	end("msi-sidecore");
}

/* Accesses that straddle registers and pages, odd sizes (11.2: software
 * accesses registers with aligned 32/64-bit accesses; others are undefined
 * and must not hurt the hypervisor). */
static void t_straddle(void)
{
	volatile u8 *b = regs;

	begin();
	*(volatile uint16_t *)(b + FEDATA) = 0x1234;
	*(volatile u8 *)(b + FEDATA + 2) = 0x56;
	(void)*(volatile uint16_t *)(b + VER);
	(void)*(volatile u8 *)(b + CAP + 3);
	__asm__ volatile("movq %%rax, (%0)" : : "r"(b + 0x0ffc), "a"(0x5a5a5a5a5a5a5a5aull) : "memory");
	(void)*(volatile u64 *)(b + 0x0ffc);
	(void)*(volatile u64 *)(b + 0x1ffc);
	(void)*(volatile u32 *)(b + 0x1ffe);
	__asm__ volatile("movq %%rax, (%0)" : : "r"(b + 0x1ffc), "a"(0ull) : "memory");
	(void)*(volatile u64 *)(b + 0x2000);
	CHECK(q_sync(1000), "queue dead");
	CHECK(r32(VER) == 0x10, "VER=%#x", r32(VER));
	CHECK(r64(CAP) == cap, "CAP changed");
	end("straddle");
}

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

static const u32 storm_regs[] = { VER,	GCMD, GSTS, RTADDR, RTADDR + 4, CCMD, CCMD + 4, FSTS,
				  FECTL, FEDATA, FEADDR, FEUADDR, IQH, IQT, IQA, IQA + 4,
				  ICS,	IECTL, IEDATA, IEADDR, IQERCD, CAP, ECAP };

static void t_storm(void)
{
	u64 end_t, n = 0, n8 = 0, nodd = 0;
	struct desc *q2 = (struct desc *)pg[P_QUEUE2].va;

	begin();
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
	end("storm");
}

/* After everything: put the unit back to reset-like state and prove it
 * still works (11.4.4 disable TE/QI, clear every W1C status). */
static void t_alive(void)
{
	begin();
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
	end("alive");
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
