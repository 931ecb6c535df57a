// SPDX-License-Identifier: MIT
/*
 * Software walk of the guest's page tables (SDM Vol. 3A chapter 4): paging
 * off, 32-bit (4.3), PAE (4.4), 4-level and 5-level (4.5), with reserved-bit
 * and permission checks, and the instruction fetch built on it. Bounded by
 * construction: one loop over at most 5 levels, every entry read through
 * the caller's guest_mem_ops (so a self-referencing table is harmless).
 */
#include "vmm/guest_walk.h"
#include "lib/errno.h"

/* Internal access flag: fetch on behalf of the guest, CPL unknown. */
#define GW_ANY_CPL BIT(8)

#define PTE_ENTRIES_SHIFT 9			       /* 512 entries of 8 bytes per table */
#define PAE_PDPTE_RSVD (GENMASK(2, 1) | GENMASK(8, 5)) /* SDM Table 4-8 */
#define CR3_PAE_PDPT GENMASK(31, 5)		       /* SDM 4.4.1 */
#define CR3_32BIT_PD GENMASK(31, 12)		       /* SDM Table 4-3 */
#define PDE32_4M_LOW GENMASK(31, 22)		       /* SDM Table 4-4 */
#define PDE32_4M_HIGH GENMASK(20, 13)		       /* PA bits 39:32 */
#define PSE36_MAXPHY 40

struct walk {
	const struct guest_mem_ops *m;
	unsigned int maxphy;
	u64 addr_mask; /* bits maxphy-1:12 of an entry */
	u64 rsvd;      /* reserved in every 8-byte entry of this mode */
	bool nxe;
	/* Accumulated over the levels (SDM 4.6.1). */
	bool writable, user, nx;
};

static bool rd64(const struct walk *w, u64 gpa, u64 *v)
{
	return w->m && w->m->read64 && w->m->read64(w->m->ctx, gpa, v);
}

static bool rd32(const struct walk *w, u64 gpa, u32 *v)
{
	u64 q;

	if (!w->m)
		return false;
	if (w->m->read32)
		return w->m->read32(w->m->ctx, gpa, v);
	if (!rd64(w, gpa & ~7ULL, &q))
		return false;
	*v = (u32)(q >> ((gpa & 4) * 8));
	return true;
}

static void accumulate(struct walk *w, u64 e)
{
	w->writable = w->writable && (e & GW_PTE_RW);
	w->user = w->user && (e & GW_PTE_US);
	w->nx = w->nx || (w->nxe && (e & GW_PTE_XD));
}

/*
 * Walk 8-byte entries from the table at `table`, starting at `level`
 * (5 = PML5, 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT). Large pages: PS at
 * level 3 (1G) and 2 (2M); PS is reserved at levels 4 and 5.
 */
static int walk_levels(struct walk *w, u64 table, int level, u64 gva, u64 *gpa, u64 *page_size)
{
	for (; level >= 1; level--) {
		unsigned int shift = PAGE_SHIFT + PTE_ENTRIES_SHIFT * (level - 1);
		u64 idx = (gva >> shift) & ((1ULL << PTE_ENTRIES_SHIFT) - 1);
		u64 rsvd = w->rsvd;
		bool leaf = level == 1;
		u64 e;

		if (!rd64(w, table + idx * 8, &e))
			return GW_BAD_TABLE;
		if (!(e & GW_PTE_P))
			return GW_NOT_PRESENT;
		if (level >= 4) {
			rsvd |= GW_PTE_PS;
		} else if (level > 1 && (e & GW_PTE_PS)) {
			/* 1G: bits 29:13, 2M: bits 20:13 (bit 12 is PAT) */
			leaf = true;
			rsvd |= GENMASK(shift - 1, 13);
		}
		if (e & rsvd)
			return GW_RESERVED_BIT;
		accumulate(w, e);
		if (leaf) {
			u64 off = (1ULL << shift) - 1;

			*gpa = (e & w->addr_mask & ~off) | (gva & off);
			*page_size = 1ULL << shift;
			return GW_OK;
		}
		table = e & w->addr_mask;
	}
	return GW_BAD_TABLE; /* not reached: level 1 is always a leaf */
}

/* SDM 4.3: two levels of 4-byte entries; 4M pages with CR4.PSE (PSE-36). */
static int walk_32bit(struct walk *w, const struct guest_paging *p, u32 gva, u64 *gpa,
		      u64 *page_size)
{
	u64 pd = p->cr3 & CR3_32BIT_PD;
	u32 pde, pte;

	if (!rd32(w, pd + (u64)(gva >> 22) * 4, &pde))
		return GW_BAD_TABLE;
	if (!(pde & GW_PTE_P))
		return GW_NOT_PRESENT;
	accumulate(w, pde);
	if ((pde & GW_PTE_PS) && (p->cr4 & GW_CR4_PSE)) {
		unsigned int m = MIN(w->maxphy, PSE36_MAXPHY);
		u64 high = FIELD_GET(PDE32_4M_HIGH, pde);

		/* Bits 21:(M-19) reserved, (M-20):13 hold PA bits (M-1):32. */
		if (pde & GENMASK(21, m - 19))
			return GW_RESERVED_BIT;
		*gpa = (pde & PDE32_4M_LOW) | (high << 32) | (gva & GENMASK(21, 0));
		*page_size = MiB(4);
		return GW_OK;
	}
	if (!rd32(w, (pde & CR3_32BIT_PD) + ((gva >> 12) & 0x3ff) * 4, &pte))
		return GW_BAD_TABLE;
	if (!(pte & GW_PTE_P))
		return GW_NOT_PRESENT;
	accumulate(w, pte);
	*gpa = (pte & CR3_32BIT_PD) | (gva & 0xfff);
	*page_size = PAGE_SIZE;
	return GW_OK;
}

/* SDM 4.4: four PDPTEs at CR3[31:5], then 8-byte PD and PT entries. */
static int walk_pae(struct walk *w, const struct guest_paging *p, u32 gva, u64 *gpa, u64 *page_size)
{
	u64 pdpt = p->cr3 & CR3_PAE_PDPT;
	u64 e;

	if (!rd64(w, pdpt + (u64)(gva >> 30) * 8, &e))
		return GW_BAD_TABLE;
	if (!(e & GW_PTE_P))
		return GW_NOT_PRESENT;
	/* PDPTE: bits 63:M, 8:5, 2:1 reserved; no R/W, U/S or XD. */
	if (e & ((~w->addr_mask & GENMASK(63, 12)) | PAE_PDPTE_RSVD))
		return GW_RESERVED_BIT;
	return walk_levels(w, e & w->addr_mask, 2, gva, gpa, page_size);
}

/* SDM 4.6.1 (data) and 4.6.2 (fetch); no SMAP, no protection keys. */
static int check_access(const struct walk *w, const struct guest_paging *p, unsigned int access)
{
	if ((access & GW_FETCH) && w->nx)
		return GW_PROTECTION;
	if (access & GW_ANY_CPL)
		return GW_OK;
	if (access & GW_USER) {
		if (!w->user || ((access & GW_WRITE) && !w->writable))
			return GW_PROTECTION;
		return GW_OK;
	}
	if ((access & GW_WRITE) && !w->writable && (p->cr0 & GW_CR0_WP))
		return GW_PROTECTION;
	if ((access & GW_FETCH) && w->user && (p->cr4 & GW_CR4_SMEP))
		return GW_PROTECTION;
	return GW_OK;
}

static bool long_mode(const struct guest_paging *p)
{
	return (p->cr0 & GW_CR0_PG) && (p->efer & GW_EFER_LMA);
}

static int walk(const struct guest_paging *p, const struct guest_mem_ops *m, u64 gva,
		unsigned int access, u64 *gpa, u64 *page_size)
{
	struct walk w = { .m = m, .writable = true, .user = true };
	int r;

	*gpa = 0;
	*page_size = 0;
	if (!(p->cr0 & GW_CR0_PG)) {
		*gpa = (u32)gva;
		*page_size = PAGE_SIZE;
		return GW_OK;
	}
	w.maxphy = p->maxphyaddr ? p->maxphyaddr : 52;
	w.maxphy = MIN(MAX(w.maxphy, 32u), 52u);
	w.addr_mask = GENMASK(w.maxphy - 1, PAGE_SHIFT);
	w.nxe = p->efer & GW_EFER_NXE;

	if (long_mode(p)) {
		bool la57 = p->cr4 & GW_CR4_LA57;
		unsigned int top = la57 ? 56 : 47;

		/* Canonical: bits 63:top all equal to bit top (SDM 3.3.7.1). */
		if ((u64)((s64)(gva << (63 - top)) >> (63 - top)) != gva)
			return GW_NONCANONICAL;
		w.rsvd = (w.maxphy < 52 ? GENMASK(51, w.maxphy) : 0) | (w.nxe ? 0 : GW_PTE_XD);
		r = walk_levels(&w, p->cr3 & w.addr_mask, la57 ? 5 : 4, gva, gpa, page_size);
	} else if (p->cr4 & GW_CR4_PAE) {
		/* PAE PDE/PTE: bits 62:M reserved, 63 is XD or reserved. */
		w.rsvd = GENMASK(62, w.maxphy) | (w.nxe ? 0 : GW_PTE_XD);
		r = walk_pae(&w, p, (u32)gva, gpa, page_size);
	} else {
		r = walk_32bit(&w, p, (u32)gva, gpa, page_size);
	}
	if (r == GW_OK)
		r = check_access(&w, p, access);
	if (r != GW_OK) {
		*gpa = 0;
		*page_size = 0;
	}
	return r;
}

int guest_walk(const struct guest_paging *p, const struct guest_mem_ops *m, u64 gva,
	       unsigned int access, u64 *gpa, u64 *page_size)
{
	return walk(p, m, gva, access & (GW_WRITE | GW_USER | GW_FETCH), gpa, page_size);
}

/* Copy n bytes at gpa (within one 4K page) with aligned 8-byte reads. */
static unsigned int read_bytes(const struct guest_mem_ops *m, u64 gpa, u8 *buf, unsigned int n)
{
	u64 word = 0, word_at = 1; /* never an aligned address */

	for (unsigned int i = 0; i < n; i++) {
		u64 a = gpa + i;

		if ((a & ~7ULL) != word_at) {
			word_at = a & ~7ULL;
			if (!m->read64 || !m->read64(m->ctx, word_at, &word))
				return i;
		}
		buf[i] = (u8)(word >> ((a & 7) * 8));
	}
	return n;
}

int guest_fetch_insn(const struct guest_paging *p, const struct guest_mem_ops *m, u64 linear_rip,
		     u8 *buf, unsigned int max)
{
	u64 lin = linear_rip;
	unsigned int got = 0;

	if (!max || !m)
		return -EINVAL;
	max = MIN(max, 15u);
	/* At most two pages: 15 bytes never span more than one boundary. */
	for (int page = 0; page < 2 && got < max; page++) {
		unsigned int chunk, n;
		u64 gpa, size;
		int r = walk(p, m, lin, GW_FETCH | GW_ANY_CPL, &gpa, &size);

		if (r != GW_OK) {
			if (got)
				break;
			return r == GW_BAD_TABLE ? -EIO : -EFAULT;
		}
		chunk = (unsigned int)MIN((u64)(max - got), PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
		n = read_bytes(m, gpa, buf + got, chunk);
		got += n;
		if (n < chunk)
			break;
		/* Outside long mode the walk keeps bits 31:0: a wrap at 4G. */
		lin += chunk;
	}
	return got ? (int)got : -EIO;
}

const char *guest_walk_result_name(int result)
{
	switch (result) {
	case GW_OK:
		return "ok";
	case GW_NOT_PRESENT:
		return "not-present";
	case GW_RESERVED_BIT:
		return "reserved-bit";
	case GW_BAD_TABLE:
		return "bad-table";
	case GW_NONCANONICAL:
		return "non-canonical";
	case GW_PROTECTION:
		return "protection";
	default:
		return "?";
	}
}
