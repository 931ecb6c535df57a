// SPDX-License-Identifier: MIT
/*
 * Fake VT-d unit (see vtd_fake.h). Write trapping: the register page is
 * PROT_READ; SIGSEGV on a write saves the page, opens it and sets the trap
 * flag; the write executes; SIGTRAP then applies the register semantics
 * (knowing the old contents, so RW1C and read-only registers behave) and
 * closes the page again. Synchronous, single-threaded: no locking needed.
 */
#define _GNU_SOURCE
#include "tests/unit/vtd_fake.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include "boot/mm.h"
#include "drivers/tsc.h"
#include "drivers/vtd_hw.h"
#include "lib/bitops.h"

#define PG VTD_REG_PAGE_SIZE
#define EFLAGS_TF 0x100

long fake_mm_budget = -1;
unsigned long fake_mm_live;
hpa_t fake_hv_base;
u64 fake_hv_len;
u64 fake_tsc_per_us = 1000;

static struct vtd_fake *cur;
static u8 before[PG];
static uintptr_t trap_off;
static struct sigaction old_segv, old_trap;

/* ---- host stand-ins ---------------------------------------------------- */

void *mm_alloc_pages(u64 nr)
{
	void *p;

	if (fake_mm_budget == 0)
		return NULL;
	if (fake_mm_budget > 0)
		fake_mm_budget--;
	p = aligned_alloc(PAGE_SIZE, nr * PAGE_SIZE);
	memset(p, 0, nr * PAGE_SIZE);
	fake_mm_live += nr;
	return p;
}

void mm_free_pages(void *p, u64 nr)
{
	free(p);
	fake_mm_live -= nr;
}

bool mm_is_hv_memory(hpa_t pa, u64 len)
{
	return fake_hv_len && ranges_overlap(pa, len, fake_hv_base, fake_hv_len);
}

u64 tsc_deadline_us(u64 us)
{
	return rdtsc() + us * fake_tsc_per_us;
}

/* ---- register page ------------------------------------------------------ */

static void open_page(struct vtd_fake *f, bool rw)
{
	mprotect(f->regs, PG, rw ? PROT_READ | PROT_WRITE : PROT_READ);
}

static u32 r32(const struct vtd_fake *f, u32 off)
{
	u32 v;

	memcpy(&v, f->regs + off, 4);
	return v;
}

static u64 r64(const struct vtd_fake *f, u32 off)
{
	u64 v;

	memcpy(&v, f->regs + off, 8);
	return v;
}

/* @pre: page open */
static void w32(struct vtd_fake *f, u32 off, u32 v)
{
	memcpy(f->regs + off, &v, 4);
}

static void w64(struct vtd_fake *f, u32 off, u64 v)
{
	memcpy(f->regs + off, &v, 8);
}

u32 vtd_fake_read32(const struct vtd_fake *f, u32 off)
{
	return r32(f, off);
}

u64 vtd_fake_read64(const struct vtd_fake *f, u32 off)
{
	return r64(f, off);
}

void vtd_fake_poke32(struct vtd_fake *f, u32 off, u32 v)
{
	open_page(f, true);
	w32(f, off, v);
	open_page(f, false);
}

void vtd_fake_poke64(struct vtd_fake *f, u32 off, u64 v)
{
	open_page(f, true);
	w64(f, off, v);
	open_page(f, false);
}

static void model_error(struct vtd_fake *f, const char *msg, u64 a, u64 b)
{
	if (!f->error[0])
		snprintf(f->error, sizeof(f->error), "%s (0x%llx, 0x%llx)", msg,
			 (unsigned long long)a, (unsigned long long)b);
}

static u32 fro(const struct vtd_fake *f)
{
	return (u32)FIELD_GET(VTD_CAP_FRO, f->unit.cap) * 16;
}

static u32 iro(const struct vtd_fake *f)
{
	return (u32)FIELD_GET(VTD_ECAP_IRO, f->unit.ecap) * 16;
}

static unsigned int nfr(const struct vtd_fake *f)
{
	return (unsigned int)FIELD_GET(VTD_CAP_NFR, f->unit.cap) + 1;
}

/* ---- caches and invalidation ------------------------------------------- */

static void cc_drop(struct vtd_fake *f, unsigned int gran, u16 did, u16 sid, u8 fm)
{
	static const u16 fm_mask[] = { 0xffff, 0xfffb, 0xfff9, 0xfff8 };

	for (unsigned int i = 0; i < FAKE_CC_MAX; i++) {
		struct fake_cc *c = &f->cc[i];

		if (!c->valid)
			continue;
		if (gran == VTD_CC_GRAN_GLOBAL || (gran == VTD_CC_GRAN_DOMAIN && c->did == did) ||
		    (gran == VTD_CC_GRAN_DEVICE &&
		     (c->sid & fm_mask[fm & 3]) == (sid & fm_mask[fm & 3]))) {
			c->valid = false;
			f->cc_flushes++;
		}
	}
}

static void tlb_drop(struct vtd_fake *f, unsigned int gran, u16 did, iova_t addr, unsigned int am)
{
	u64 len = PAGE_SIZE << am;

	addr &= ~(len - 1);
	for (unsigned int i = 0; i < FAKE_TLB_MAX; i++) {
		struct fake_tlb *t = &f->tlb[i];

		if (!t->valid)
			continue;
		if (gran == VTD_IOTLB_GRAN_GLOBAL ||
		    (gran == VTD_IOTLB_GRAN_DOMAIN && t->did == did) ||
		    (gran == VTD_IOTLB_GRAN_PAGE && t->did == did &&
		     ranges_overlap(t->iova, t->size, addr, len))) {
			t->valid = false;
			f->tlb_flushes++;
		}
	}
}

static void log_desc(struct vtd_fake *f, struct vtd_inv_desc d)
{
	if (f->nlog < FAKE_LOG_MAX)
		f->log[f->nlog++] = d;
}

/* Execute one descriptor; false (and IQERCD.IQEI set) if it is invalid. */
static bool exec_desc(struct vtd_fake *f, struct vtd_inv_desc d)
{
	unsigned int type = (unsigned int)FIELD_GET(VTD_INV_LO_TYPE, d.lo);
	unsigned int g = (unsigned int)FIELD_GET(VTD_INV_CC_LO_G, d.lo);
	bool rsvd;

	switch (type) {
	case VTD_INV_TYPE_CONTEXT: /* QEMU 7.2: VTD_INV_DESC_CC_RSVD, hi must be 0 */
		rsvd = (d.lo & 0xfffc00000000ffc0ull) || d.hi || !g;
		if (!rsvd)
			cc_drop(f, g, (u16)FIELD_GET(VTD_INV_CC_LO_DID, d.lo),
				(u16)FIELD_GET(VTD_INV_CC_LO_SID, d.lo),
				(u8)FIELD_GET(VTD_INV_CC_LO_FM, d.lo));
		break;
	case VTD_INV_TYPE_IOTLB: /* QEMU 7.2: VTD_INV_DESC_IOTLB_RSVD_LO/HI, MAMV */
		rsvd = (d.lo & 0xffffffff0000ff00ull) || (d.hi & 0xf80) || !g ||
		       (g == VTD_IOTLB_GRAN_PAGE && FIELD_GET(VTD_INV_IOTLB_HI_AM, d.hi) >
							    FIELD_GET(VTD_CAP_MAMV, f->unit.cap));
		if (!rsvd)
			tlb_drop(f, g, (u16)FIELD_GET(VTD_INV_IOTLB_LO_DID, d.lo),
				 d.hi & VTD_INV_IOTLB_HI_ADDR,
				 (unsigned int)FIELD_GET(VTD_INV_IOTLB_HI_AM, d.hi));
		break;
	case VTD_INV_TYPE_WAIT: /* QEMU 7.2: VTD_INV_DESC_WAIT_RSVD_LO/HI; SW or IF */
		rsvd = (d.lo & 0xffffff80ull) || (d.hi & 3) ||
		       !(d.lo & (VTD_INV_WAIT_LO_SW | VTD_INV_WAIT_LO_IF));
		if (!rsvd && (d.lo & VTD_INV_WAIT_LO_SW) && !f->no_status_write) {
			*(volatile u32 *)(uintptr_t)(d.hi & VTD_INV_WAIT_HI_STADDR) =
				(u32)FIELD_GET(VTD_INV_WAIT_LO_STDATA, d.lo);
			f->status_writes++;
		}
		break;
	default:
		w64(f, VTD_REG64_IQERCD, VTD_IQEI_BAD_TYPE);
		return false;
	}
	if (rsvd) {
		w64(f, VTD_REG64_IQERCD, VTD_IQEI_RSVD_SET);
		return false;
	}
	log_desc(f, d);
	return true;
}

/* @pre: page open. Run descriptors from IQH to IQT unless stalled or in error. */
static void run_queue(struct vtd_fake *f)
{
	u32 tail = (u32)FIELD_GET(VTD_IQT_QT, r64(f, VTD_REG64_IQT));

	if (!(r32(f, VTD_REG32_GSTS) & VTD_GSTS_QIES))
		return;
	if (tail >= f->iq_entries) {
		w64(f, VTD_REG64_IQERCD, VTD_IQEI_TAIL_INVALID);
		w32(f, VTD_REG32_FSTS, r32(f, VTD_REG32_FSTS) | VTD_FSTS_IQE);
		f->iqe_raised++;
		return;
	}
	while (!f->qi_stall && f->iqh != tail && !(r32(f, VTD_REG32_FSTS) & VTD_FSTS_IQE)) {
		struct vtd_inv_desc d = ((struct vtd_inv_desc *)(uintptr_t)f->iq_base)[f->iqh];

		if (!exec_desc(f, d)) {
			w32(f, VTD_REG32_FSTS, r32(f, VTD_REG32_FSTS) | VTD_FSTS_IQE);
			f->iqe_raised++;
			break;
		}
		f->iqh = (f->iqh + 1) % f->iq_entries;
	}
	w64(f, VTD_REG64_IQH, FIELD_PREP(VTD_IQH_QH, f->iqh));
}

void vtd_fake_run_queue(struct vtd_fake *f)
{
	open_page(f, true);
	run_queue(f);
	open_page(f, false);
}

unsigned int vtd_fake_count(const struct vtd_fake *f, unsigned int type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < f->nlog; i++)
		n += FIELD_GET(VTD_INV_LO_TYPE, f->log[i].lo) == type;
	return n;
}

/* ---- register writes ----------------------------------------------------- */

static void gcmd_write(struct vtd_fake *f, u32 v)
{
	u32 sts = r32(f, VTD_REG32_GSTS);

	if (f->ngcmd < ARRAY_SIZE(f->gcmd))
		f->gcmd[f->ngcmd++] = v;
	w32(f, VTD_REG32_GCMD, 0); /* write-only: reads 0 */
	if (f->ignore_gcmd)
		return;
	if (v & (VTD_GCMD_SFL | VTD_GCMD_SIRTP | VTD_GCMD_IRE | VTD_GCMD_EAFL | VTD_GCMD_CFI))
		model_error(f, "unexpected GCMD bits", v, sts);
	if (v & VTD_GCMD_SRTP) {
		u64 rt = r64(f, VTD_REG64_RTADDR);

		if (FIELD_GET(VTD_RTADDR_TTM, rt) != VTD_TTM_LEGACY)
			model_error(f, "RTADDR.TTM not legacy", rt, 0);
		f->rta = rt & VTD_RTADDR_RTA;
		f->srtp++;
		sts |= VTD_GSTS_RTPS;
	}
	if (v & VTD_GCMD_WBF)
		f->wbf++;
	if ((v & VTD_GCMD_QIE) && !(sts & VTD_GSTS_QIES)) {
		u64 iqa = r64(f, VTD_REG64_IQA);

		if (iqa & VTD_IQA_DW)
			model_error(f, "IQA.DW set", iqa, 0);
		f->iq_base = iqa & VTD_IQA_IQA;
		f->iq_entries = 256u << FIELD_GET(VTD_IQA_QS, iqa);
		sts |= VTD_GSTS_QIES;
	} else if (!(v & VTD_GCMD_QIE) && (sts & VTD_GSTS_QIES)) {
		if (f->iqh != FIELD_GET(VTD_IQT_QT, r64(f, VTD_REG64_IQT))) {
			model_error(f, "QIE cleared with a non-empty queue", f->iqh, v);
		} else {
			f->iqh = 0;
			w64(f, VTD_REG64_IQH, 0);
			sts &= ~VTD_GSTS_QIES;
		}
	}
	if (v & VTD_GCMD_TE) {
		if (!(sts & VTD_GSTS_RTPS))
			model_error(f, "TE without a root table", v, sts);
		sts |= VTD_GSTS_TES;
	} else {
		sts &= ~VTD_GSTS_TES;
	}
	w32(f, VTD_REG32_GSTS, sts);
}

static void ccmd_write(struct vtd_fake *f, u64 v)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_CCMD_CIRG, v);

	if (!(v & VTD_CCMD_ICC) || f->ignore_regs)
		return;
	if (f->nccmd < ARRAY_SIZE(f->ccmd))
		f->ccmd[f->nccmd++] = v;
	if (r32(f, VTD_REG32_GSTS) & VTD_GSTS_QIES)
		model_error(f, "CCMD used while QI is on", v, 0);
	cc_drop(f, g, (u16)FIELD_GET(VTD_CCMD_DID, v), (u16)FIELD_GET(VTD_CCMD_SID, v),
		(u8)FIELD_GET(VTD_CCMD_FM, v));
	v &= ~(VTD_CCMD_ICC | VTD_CCMD_CAIG);
	w64(f, VTD_REG64_CCMD, v | FIELD_PREP(VTD_CCMD_CAIG, g));
}

static void iotlb_write(struct vtd_fake *f, u64 v)
{
	unsigned int g = (unsigned int)FIELD_GET(VTD_IOTLB_IIRG, v);
	u64 iva = r64(f, iro(f) + VTD_REL64_IVA);

	if (!(v & VTD_IOTLB_IVT) || f->ignore_regs)
		return;
	if (f->niotlb < ARRAY_SIZE(f->iotlb_reg)) {
		f->iva_reg[f->niotlb] = iva;
		f->iotlb_reg[f->niotlb++] = v;
	}
	if (r32(f, VTD_REG32_GSTS) & VTD_GSTS_QIES)
		model_error(f, "IOTLB register used while QI is on", v, 0);
	tlb_drop(f, g, (u16)FIELD_GET(VTD_IOTLB_DID, v), iva & VTD_IVA_ADDR,
		 (unsigned int)FIELD_GET(VTD_IVA_AM, iva));
	v &= ~(VTD_IOTLB_IVT | VTD_IOTLB_IAIG);
	w64(f, iro(f) + VTD_REL64_IOTLB, v | FIELD_PREP(VTD_IOTLB_IAIG, g));
}

static void update_ppf(struct vtd_fake *f)
{
	u32 fsts = r32(f, VTD_REG32_FSTS) & ~VTD_FSTS_PPF;

	for (unsigned int i = 0; i < nfr(f); i++)
		if (r64(f, fro(f) + i * VTD_FRCD_SIZE + 8) & VTD_FRCD_HI_F)
			fsts |= VTD_FSTS_PPF;
	w32(f, VTD_REG32_FSTS, fsts);
}

/* A write to fault record i at byte rel (8: 64-bit hi, 12: its upper dword). */
static void frcd_write(struct vtd_fake *f, unsigned int i, u32 rel)
{
	u32 off = fro(f) + i * VTD_FRCD_SIZE;
	u64 old_hi, new_hi = r64(f, off + 8);
	bool clear = rel == 8	 ? (new_hi & VTD_FRCD_HI_F)
		     : rel == 12 ? (r32(f, off + 12) & 0x80000000u)
				 : false;

	memcpy(&old_hi, before + off + 8, 8);
	memcpy(f->regs + off, before + off, VTD_FRCD_SIZE); /* all else RO */
	if (rel != 8 && rel != 12)
		f->ro_writes++;
	if (clear && (old_hi & VTD_FRCD_HI_F)) {
		w64(f, off + 8, old_hi & ~VTD_FRCD_HI_F);
		f->frcd_clears++;
	}
	update_ppf(f);
}

static bool is_read_only(u32 off)
{
	return off < 0x18 || (off >= VTD_REG32_GSTS && off < VTD_REG64_RTADDR) ||
	       (off >= VTD_REG64_IQH && off < VTD_REG64_IQT) ||
	       (off >= VTD_REG64_IQERCD && off < VTD_REG64_IQERCD + 8);
}

/* @pre: page open; before[] holds the page as it was before the write at off. */
static void reg_write(struct vtd_fake *f, u32 off)
{
	u32 a8 = off & ~7u;

	if (off >= fro(f) && off < fro(f) + nfr(f) * VTD_FRCD_SIZE) {
		frcd_write(f, (off - fro(f)) / VTD_FRCD_SIZE, (off - fro(f)) % VTD_FRCD_SIZE);
	} else if (is_read_only(off)) {
		memcpy(f->regs + a8, before + a8, 8);
		f->ro_writes++;
	} else if (off == VTD_REG32_GCMD) {
		gcmd_write(f, r32(f, off));
	} else if (a8 == VTD_REG64_CCMD) {
		ccmd_write(f, r64(f, a8));
	} else if (off == VTD_REG32_FSTS) {
		u32 old, v = r32(f, off);

		memcpy(&old, before + off, 4);
		w32(f, off, old & ~(v & VTD_FSTS_RW1C_MASK));
		if ((old & VTD_FSTS_IQE) && (v & VTD_FSTS_IQE))
			run_queue(f); /* resumes at IQH */
	} else if (a8 == VTD_REG64_IQT) {
		run_queue(f);
	} else if (a8 == iro(f) + VTD_REL64_IOTLB) {
		iotlb_write(f, r64(f, a8));
	}
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	uintptr_t a = (uintptr_t)si->si_addr;

	if (!cur || a < (uintptr_t)cur->regs || a >= (uintptr_t)cur->regs + PG) {
		sigaction(SIGSEGV, &old_segv, NULL); /* not ours: fault again there */
		return;
	}
	trap_off = a - (uintptr_t)cur->regs;
	memcpy(before, cur->regs, PG);
	open_page(cur, true);
	uc->uc_mcontext.gregs[REG_EFL] |= EFLAGS_TF;
	(void)sig;
}

static void on_trap(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_EFL] &= ~EFLAGS_TF;
	reg_write(cur, (u32)trap_off);
	open_page(cur, false);
}

struct vtd_fake *vtd_fake_new(u64 cap, u64 ecap)
{
	struct vtd_fake *f = calloc(1, sizeof(*f));

	f->regs = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->regs == MAP_FAILED)
		abort();
	f->haw = 48;
	w32(f, VTD_REG32_VER, 0x10);
	w64(f, VTD_REG64_CAP, cap);
	w64(f, VTD_REG64_ECAP, ecap);
	open_page(f, false);
	if (vtd_probe((hpa_t)(uintptr_t)f->regs, &f->unit))
		abort();
	vtd_fake_arm(f);
	return f;
}

void vtd_fake_arm(struct vtd_fake *f)
{
	struct sigaction sa;

	cur = f;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, &old_segv);
	sa.sa_sigaction = on_trap;
	sigaction(SIGTRAP, &sa, &old_trap);
}

void vtd_fake_free(struct vtd_fake *f)
{
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGTRAP, &old_trap, NULL);
	cur = NULL;
	munmap(f->regs, PG);
	free(f);
}

/* ---- DMA model -------------------------------------------------------- */

static void record_fault(struct vtd_fake *f, u16 sid, iova_t iova, bool write, unsigned int fr)
{
	unsigned int i = f->next_frcd % nfr(f);
	u32 off = fro(f) + i * VTD_FRCD_SIZE;
	u32 fsts = r32(f, VTD_REG32_FSTS);

	open_page(f, true);
	if (r64(f, off + 8) & VTD_FRCD_HI_F) {
		w32(f, VTD_REG32_FSTS, fsts | VTD_FSTS_PFO);
	} else {
		w64(f, off, iova & VTD_FRCD_LO_FI);
		w64(f, off + 8,
		    VTD_FRCD_HI_F | FIELD_PREP(VTD_FRCD_HI_SID, sid) |
			    FIELD_PREP(VTD_FRCD_HI_FR, fr) | (write ? 0 : VTD_FRCD_HI_T1));
		if (!(fsts & VTD_FSTS_PPF))
			fsts = (fsts & ~(u32)VTD_FSTS_FRI) | (u32)FIELD_PREP(VTD_FSTS_FRI, i);
		w32(f, VTD_REG32_FSTS, fsts | VTD_FSTS_PPF);
		f->next_frcd++;
	}
	open_page(f, false);
}

static u64 haw_rsvd(const struct vtd_fake *f)
{
	return ~((1ull << f->haw) - 1);
}

/* The context entry for sid, through the context cache; 0 or a fault reason. */
static unsigned int fake_context(struct vtd_fake *f, u16 sid, struct fake_cc *out)
{
	const struct vtd_root_entry *root = (const void *)(uintptr_t)f->rta;
	const struct vtd_context_entry *ce;
	u64 lo, hi;
	unsigned int aw;

	for (unsigned int i = 0; i < FAKE_CC_MAX; i++)
		if (f->cc[i].valid && f->cc[i].sid == sid) {
			*out = f->cc[i];
			return 0;
		}
	lo = root[sid >> 8].lo;
	if (!(lo & VTD_ROOT_LO_P))
		return VTD_FR_ROOT_NOT_PRESENT;
	if (lo & (0xffeull | haw_rsvd(f)))
		return VTD_FR_ROOT_RSVD;
	ce = (const void *)(uintptr_t)(lo & VTD_ROOT_LO_CTP);
	lo = ce[sid & 0xff].lo;
	hi = ce[sid & 0xff].hi;
	if (!(lo & VTD_CTX_LO_P))
		return VTD_FR_CTX_NOT_PRESENT; /* CM=0: not cached */
	if ((lo & (0xff0ull | haw_rsvd(f))) || (hi & 0xffffffffff000080ull))
		return VTD_FR_CTX_RSVD;
	aw = (unsigned int)FIELD_GET(VTD_CTX_HI_AW, hi);
	if (!(FIELD_GET(VTD_CAP_SAGAW, f->unit.cap) & BIT(aw)) ||
	    FIELD_GET(VTD_CTX_LO_TT, lo) != VTD_TT_UNTRANSLATED)
		return VTD_FR_CTX_INVALID;
	*out = (struct fake_cc){ true, sid, (u16)FIELD_GET(VTD_CTX_HI_DID, hi), lo, hi };
	for (unsigned int i = 0; i < FAKE_CC_MAX; i++)
		if (!f->cc[i].valid) {
			f->cc[i] = *out;
			break;
		}
	return 0;
}

/* Walk the second-level tables; 0 (and a TLB entry) or a fault reason. */
static unsigned int fake_walk(struct vtd_fake *f, const struct fake_cc *c, iova_t iova, bool write,
			      struct fake_tlb *out)
{
	unsigned int aw = (unsigned int)FIELD_GET(VTD_CTX_HI_AW, c->hi), level = aw + 2;
	const u64 *tab = (const void *)(uintptr_t)(c->lo & VTD_CTX_LO_SLPTPTR);
	bool sc = f->unit.ecap & VTD_ECAP_SC;

	if (iova >> vtd_aw_bits(aw))
		return VTD_FR_BEYOND_MGAW;
	for (;; level--) {
		u64 e = tab[(iova >> (12 + 9 * (level - 1))) & 511];
		u64 size = 1ull << (12 + 9 * (level - 1));
		bool leaf = level == 1 || (e & VTD_SLPTE_PS);

		if (!(e & (write ? VTD_SLPTE_W : VTD_SLPTE_R)))
			return write ? VTD_FR_WRITE_DENIED : VTD_FR_READ_DENIED;
		if ((e & haw_rsvd(f) & GENMASK(51, 0)) || (!sc && (e & VTD_SLPTE_SNP)) ||
		    (leaf && level > 1 && (e & VTD_SLPTE_ADDR & (size - 1))) ||
		    (leaf && level > 3) ||
		    (leaf && level == 3 &&
		     !(f->unit.cap & FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_1G))) ||
		    (leaf && level == 2 &&
		     !(f->unit.cap & FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_2M))))
			return VTD_FR_PTE_RSVD;
		if (leaf) {
			*out = (struct fake_tlb){ true,
						  c->did,
						  iova & ~(size - 1),
						  size,
						  e & VTD_SLPTE_ADDR & ~(size - 1),
						  (e & VTD_SLPTE_W) != 0 };
			return 0;
		}
		tab = (const void *)(uintptr_t)(e & VTD_SLPTE_ADDR);
	}
}

unsigned int vtd_fake_dma(struct vtd_fake *f, u16 sid, iova_t iova, bool write, hpa_t *hpa)
{
	struct fake_cc c;
	struct fake_tlb t;
	unsigned int fr;

	if (!(r32(f, VTD_REG32_GSTS) & VTD_GSTS_TES)) {
		*hpa = iova;
		return 0;
	}
	fr = fake_context(f, sid, &c);
	if (fr)
		goto fault;
	for (unsigned int i = 0; i < FAKE_TLB_MAX; i++) {
		const struct fake_tlb *e = &f->tlb[i];

		if (e->valid && e->did == c.did && iova - e->iova < e->size) {
			if (write && !e->write)
				break; /* re-walk: permissions may have grown */
			*hpa = e->hpa + (iova - e->iova);
			return 0;
		}
	}
	fr = fake_walk(f, &c, iova, write, &t);
	if (fr)
		goto fault;
	for (unsigned int i = 0; i < FAKE_TLB_MAX; i++)
		if (!f->tlb[i].valid) {
			f->tlb[i] = t;
			break;
		}
	*hpa = t.hpa + (iova - t.iova);
	return 0;
fault:
	record_fault(f, sid, iova, write, fr);
	return fr;
}
