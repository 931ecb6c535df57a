// SPDX-License-Identifier: MIT
/*
 * vtdhostile: the plumbing every subtest uses. The tool's global state, the
 * unit's registers through the /dev/mem mapping, polling with timeouts, the
 * per-subtest report (sub_begin/CHECK/sub_end, "GUEST: vtd <name> ..."), the
 * mlock'ed DMA pages, the invalidation queue (put, kick, wait-descriptor
 * sync), global commands (QIE, TE, SRTP) and the primary-fault check.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vtdhostile.h"

/* ---- plumbing ------------------------------------------------------------ */

volatile u8 *regs;
int trap_mode, phys = 1, sparse_gib = 8;
const char *only, *xfail;
int xfailed;
int passed, failed;
unsigned int fro, iro, levels, sllps;
u64 cap, ecap;
struct page pg[NPAGES];
char detail[512];
int cur_ok;

u64 now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000ull + (u64)ts.tv_nsec / 1000;
}

u32 r32(u32 off)
{
	return *(volatile u32 *)(regs + off);
}
u64 r64(u32 off)
{
	return *(volatile u64 *)(regs + off);
}
void w32(u32 off, u32 v)
{
	__sync_synchronize();
	*(volatile u32 *)(regs + off) = v;
	__sync_synchronize();
}
void w64(u32 off, u64 v)
{
	__sync_synchronize();
	*(volatile u64 *)(regs + off) = v;
	__sync_synchronize();
}

void pause_us(u64 us)
{
	u64 end = now_us() + us;

	while (now_us() < end)
		__asm__ volatile("pause");
}

/* Wait until (r32(off) & mask) == val; false after ms. */
int wait32(u32 off, u32 mask, u32 val, unsigned int ms)
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
int ro_settles64(u32 off, u64 want, unsigned int *polls)
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

int ro_settles32(u32 off, u32 want, unsigned int *polls)
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

void note(const char *fmt, ...)
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

int want(const char *name)
{
	return !only || strstr(name, only) || strstr(only, name);
}

void sub_begin(void)
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

void sub_end(const char *name)
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

int alloc_pages(void)
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
int gcmd(u32 set, u32 clear, u32 wmask, u32 wval)
{
	u32 v = (r32(GSTS) & GSTS_ONESHOT_CLEAR & ~clear) | set;

	w32(GCMD, v);
	return wmask ? wait32(GSTS, wmask, wval, 1000) : 1;
}

u32 qtail; /* software tail (descriptor index) */
u32 status_seq = 0x1000;

struct desc *queue(void)
{
	return (struct desc *)pg[P_QUEUE].va;
}

volatile u32 *status_slot(unsigned int i)
{
	return (volatile u32 *)(pg[P_STATUS].va + 4 * (i % 1024));
}

void q_put(u64 lo, u64 hi)
{
	queue()[qtail].lo = lo;
	queue()[qtail].hi = hi;
	qtail = (qtail + 1) % QN;
}

void q_kick(void)
{
	__sync_synchronize();
	w64(IQT, (u64)qtail << 4);
}

/* 6.5.2.8 invalidation wait descriptor: SW, status data and address. */
u64 wait_lo(u32 data, int sw, int iflag)
{
	return 5 | (sw ? 1u << 5 : 0) | (iflag ? 1u << 4 : 0) | ((u64)data << 32);
}

/* Queue a status-writing wait and wait for it (the unit's "sync"). */
int q_sync(unsigned int ms)
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
int settle(void)
{
	if (trap_mode)
		return 1;
	if (r32(GSTS) & GSTS_QIES)
		return q_sync(1000);
	w64(CCMD, (1ull << 63) | (1ull << 61));
	return wait32(CCMD + 4, 1u << 31, 0, 1000);
}

u32 iqh_idx(void)
{
	return (u32)(r64(IQH) >> 4) & 0x7fff;
}

/* IQH reaches idx. Sidecore: the model publishes IQH after the pass that
 * did the status write, so a waiter can see the status first. */
int wait_iqh(u32 idx, unsigned int ms)
{
	u64 end = now_us() + (u64)ms * 1000;

	while (iqh_idx() != idx && now_us() < end)
		__asm__ volatile("pause");
	return iqh_idx() == idx;
}

int qi_enable(u64 iqa)
{
	w64(IQT, 0);
	w64(IQA, iqa);
	return gcmd(GCMD_QIE, 0, GSTS_QIES, GSTS_QIES);
}

int qi_disable(void)
{
	return gcmd(0, GCMD_QIE, GSTS_QIES, 0);
}

/* ---- faults (page 1) -------------------------------------------------------- */

/* With phys=1 nothing does DMA, so no primary fault may be recorded; with
 * phys=0 the unit refuses what it cannot enforce and records fr for the
 * NIC's source-id (chapter 7 primary fault logging, 11.4.14 FRCD). */
void expect_fault(int fr)
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

void clear_faults(void)
{
	if (r32(FSTS) & FSTS_PPF)
		w32(fro + 12, 1u << 31);
	if (r32(FSTS) & FSTS_W1C)
		w32(FSTS, FSTS_W1C);
}

int te(int on)
{
	return gcmd(on ? GCMD_TE : 0, on ? 0 : GCMD_TE, GSTS_TES, on ? GSTS_TES : 0);
}

/* SRTP (11.4.4): latch RTADDR; a wait after it is processed after it. */
int srtp(u64 rta)
{
	w64(RTADDR, rta);
	gcmd(GCMD_SRTP, 0, GSTS_RTPS, GSTS_RTPS);
	return q_sync(2000);
}
