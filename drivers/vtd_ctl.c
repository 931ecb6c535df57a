// SPDX-License-Identifier: MIT
/*
 * Physical VT-d, legacy mode: root table (9.1, one entry per bus), context
 * tables (9.3, one per bus with a device we let through), domains over
 * drivers/vtd_tables.c, GCMD/GSTS handshakes (11.4.4/11.4.5), translation
 * enable, invalidation policy (6.5.3 guidance) and the NIC identity set-up.
 * Invariants: every entry the hardware reads is written (release store)
 * and, when ECAP.C=0, clflushed before anything that lets the hardware use
 * it (a pointer to it, a context-cache invalidation, GCMD.TE); a device
 * without a context entry is blocked (its DMA faults).
 */
#include "drivers/vtd_ctl.h"
#include "boot/mm.h"
#include "boot/x86.h"
#include "drivers/tsc.h"
#include "drivers/vtd_fault.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#define LOG_PREFIX "VTD: "
#include "lib/log.h"

/* GCMD bits that are one-shot: never repeat them from GSTS (11.4.4). */
#define VTD_GCMD_KEEP_MASK 0x96ffffffu
_Static_assert(VTD_GCMD_KEEP_MASK == (u32)~VTD_GCMD_ONESHOT_MASK, "one-shot GCMD bits");

static struct vtd_hw hw_units[VTD_MAX_UNITS];
static struct spinlock gcmd_lock = SPINLOCK_INIT;
static struct vtd_domain nic_domain;
static bool nic_domain_live;

/* Write back [p, p+len) for a non-snooping walker (clflush per line, fence). */
static void cache_flush(const void *p, u64 len)
{
	static u32 line;
	uintptr_t a, end = (uintptr_t)p + len;

	if (!line) {
		line = ((cpuid(1).ebx >> 8) & 0xff) * 8;
		if (!line)
			line = 64;
	}
	for (a = (uintptr_t)p & ~(uintptr_t)(line - 1); a < end; a += line)
		clflush((const void *)a);
	mfence();
}

static void hw_flush(const struct vtd_unit *u, const void *p, u64 len)
{
	if (!u->caps.coherent)
		cache_flush(p, len);
	else
		mfence(); /* stores before the MMIO write that follows */
}

struct vtd_hw *vtd_hw_find(const struct vtd_unit *u)
{
	for (unsigned int i = 0; i < VTD_MAX_UNITS; i++)
		if (hw_units[i].u == u)
			return &hw_units[i];
	return NULL;
}

static const char *gcmd_name(u32 cmd)
{
	switch (cmd) {
	case VTD_GCMD_TE:
		return "TE";
	case VTD_GCMD_SRTP:
		return "SRTP";
	case VTD_GCMD_QIE:
		return "QIE";
	case VTD_GCMD_WBF:
		return "WBF";
	case VTD_GCMD_IRE:
		return "IRE";
	case VTD_GCMD_SIRTP:
		return "SIRTP";
	case VTD_GCMD_SFL:
		return "SFL";
	case VTD_GCMD_EAFL:
		return "EAFL";
	case VTD_GCMD_CFI:
		return "CFI";
	default:
		return "?";
	}
}

/* Has GSTS acknowledged cmd (see vtd_gcmd_update())? */
static bool gcmd_done(u32 gsts, u32 cmd, bool on)
{
	if (cmd == VTD_GCMD_WBF)
		return !(gsts & VTD_GSTS_WBFS);
	if (cmd & VTD_GCMD_ONESHOT_MASK)
		return (gsts & cmd) != 0; /* RTPS, FLS, IRTPS: bit n of GSTS */
	return !!(gsts & cmd) == on;
}

int vtd_gcmd_update(const struct vtd_unit *u, u32 cmd, bool on)
{
	u32 gsts;
	bool ok;

	spin_lock(&gcmd_lock);
	/* the spec's pseudo-code: keep the state, drop one-shot status bits */
	gsts = vtd_read32(u, VTD_REG32_GSTS) & VTD_GCMD_KEEP_MASK;
	vtd_write32(u, VTD_REG32_GCMD, on ? gsts | cmd : gsts & ~cmd);
	ok = tsc_wait_until(VTD_GCMD_TIMEOUT_US,
			    gcmd_done(gsts = vtd_read32(u, VTD_REG32_GSTS), cmd, on));
	spin_unlock(&gcmd_lock);
	if (!ok) {
		pr_err("GCMD.%s=%d: no GSTS acknowledgement within %u ms (GSTS=0x%x)\n",
		       gcmd_name(cmd), on, VTD_GCMD_TIMEOUT_US / 1000, gsts);
		return -ETIMEDOUT;
	}
	return 0;
}

static int write_buffer_flush(const struct vtd_unit *u)
{
	return u->caps.rwbf ? vtd_gcmd_update(u, VTD_GCMD_WBF, true) : 0;
}

static unsigned int pick_levels(const struct vtd_caps *c)
{
	if (vtd_caps_has_levels(c, 4))
		return 4;
	if (vtd_caps_has_levels(c, 3))
		return 3;
	return vtd_caps_has_levels(c, 5) ? 5 : 0;
}

/* Leave whatever firmware or an earlier run left behind: TE and QIE off. */
static int quiesce(struct vtd_hw *hw)
{
	struct vtd_unit *u = hw->u;
	u32 gsts = vtd_read32(u, VTD_REG32_GSTS);
	int err = 0;

	if (gsts & VTD_GSTS_TES) {
		pr_warn("unit %u: translation was on at init: turning it off\n", hw->index);
		err = vtd_gcmd_update(u, VTD_GCMD_TE, false);
	}
	if (!err && (gsts & VTD_GSTS_QIES)) {
		pr_warn("unit %u: queued invalidation was on at init: draining it\n", hw->index);
		hw->qi.u = u;
		err = vtd_qi_disable(&hw->qi);
	}
	return err;
}

/* Turn QI off; if the hardware will not let go of the queue, never reuse its page. */
static void qi_off(struct vtd_hw *hw)
{
	if (hw->qi.active && vtd_qi_disable(&hw->qi)) {
		pr_err("unit %u: queued invalidation stuck on: queue page leaked\n", hw->index);
		hw->qi_page = NULL;
		hw->status_page = NULL;
	}
}

static void hw_free(struct vtd_hw *hw)
{
	for (unsigned int bus = 0; hw->root && bus < VTD_ROOT_ENTRIES; bus++)
		if (hw->root[bus].lo & VTD_ROOT_LO_P)
			mm_free_pages((void *)(uintptr_t)(hw->root[bus].lo & VTD_ROOT_LO_CTP), 1);
	if (hw->root)
		mm_free_pages(hw->root, 1);
	if (hw->qi_page)
		mm_free_pages(hw->qi_page, 1);
	if (hw->status_page)
		mm_free_pages(hw->status_page, 1);
	memset(hw, 0, sizeof(*hw));
}

static int hw_bringup(struct vtd_hw *hw)
{
	struct vtd_unit *u = hw->u;
	int err;

	/* We poll faults and waits: no fault or completion interrupts. */
	vtd_write32(u, VTD_REG32_FECTL, VTD_FECTL_IM);
	vtd_write32(u, VTD_REG32_IECTL, VTD_IECTL_IM);
	err = quiesce(hw);
	if (err)
		return err;
	hw->root = mm_alloc_pages(1);
	hw->qi_page = mm_alloc_pages(1);
	hw->status_page = mm_alloc_pages(1);
	if (!hw->root || !hw->qi_page || !hw->status_page)
		return -ENOMEM;
	hw->root_hpa = (hpa_t)(uintptr_t)hw->root;
	vtd_qi_init(&hw->qi, u, hw->qi_page, (hpa_t)(uintptr_t)hw->qi_page, hw->status_page,
		    (hpa_t)(uintptr_t)hw->status_page);
	if (u->caps.qi) {
		err = vtd_qi_enable(&hw->qi);
		if (err)
			return err;
	}
	/* An empty root table (every bus blocked), visible before SRTP. */
	hw_flush(u, hw->root, PAGE_SIZE);
	vtd_write64(u, VTD_REG64_RTADDR, hw->root_hpa & VTD_RTADDR_RTA); /* TTM legacy */
	err = vtd_gcmd_update(u, VTD_GCMD_SRTP, true);
	/* 6.5.3: after SRTP, global context-cache then global IOTLB. */
	if (!err)
		err = write_buffer_flush(u);
	if (!err)
		err = vtd_inv_context(&hw->qi, VTD_CC_GRAN_GLOBAL, 0, 0, 0);
	if (!err)
		err = vtd_inv_iotlb(&hw->qi, VTD_IOTLB_GRAN_GLOBAL, 0, 0, 0);
	return err;
}

int vtd_hw_init(struct vtd_unit *u)
{
	struct vtd_hw *hw;
	unsigned int levels = pick_levels(&u->caps);
	int err;

	if (vtd_hw_find(u))
		return -EBUSY;
	if (!levels) {
		pr_err("unit at %#lx: no 3/4/5-level table support (SAGAW=0x%x)\n", u->base_hpa,
		       u->caps.sagaw);
		return -ENODEV;
	}
	hw = vtd_hw_find(NULL);
	if (!hw)
		return -ENOMEM;
	hw->u = u;
	hw->index = (unsigned int)(hw - hw_units);
	err = hw_bringup(hw);
	if (err) {
		pr_err("unit %u: initialisation failed (%s); translation stays off\n", hw->index,
		       errno_name(-err));
		qi_off(hw);
		hw_free(hw);
		return err;
	}
	(void)vtd_fault_poll(u); /* stale faults from before us */
	if (hw->qi.active)
		printk("VTD: unit %u initialised: root=%#lx qi=%#lx levels=%u\n", hw->index,
		       hw->root_hpa, hw->qi.queue_hpa, levels);
	else
		printk("VTD: unit %u initialised: root=%#lx qi=none(register-based) levels=%u\n",
		       hw->index, hw->root_hpa, levels);
	return 0;
}

void vtd_hw_fini(struct vtd_unit *u)
{
	struct vtd_hw *hw = vtd_hw_find(u);

	if (!hw)
		return;
	if ((vtd_read32(u, VTD_REG32_GSTS) & VTD_GSTS_TES) && vtd_disable_translation(u)) {
		pr_err("unit %u: translation stuck on: tables leaked\n", hw->index);
		memset(hw, 0, sizeof(*hw));
		return;
	}
	if (nic_domain_live && nic_domain.u == u) {
		vtd_domain_destroy(&nic_domain);
		nic_domain_live = false;
	}
	qi_off(hw);
	hw_free(hw);
}

static void *pt_alloc(void *ctx, hpa_t *pa)
{
	void *p = mm_alloc_pages(1);

	(void)ctx;
	*pa = (hpa_t)(uintptr_t)p;
	return p;
}

static void pt_free(void *ctx, void *page, hpa_t pa)
{
	(void)ctx;
	(void)pa;
	mm_free_pages(page, 1);
}

static void *pt_ptr(void *ctx, hpa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa; /* identity-mapped pool */
}

static void pt_flush(void *ctx, const void *p, u64 len)
{
	(void)ctx;
	cache_flush(p, len);
}

static const struct vtd_pt_ops pt_ops_coherent = { pt_alloc, pt_free, pt_ptr, NULL, NULL };
static const struct vtd_pt_ops pt_ops_flush = { pt_alloc, pt_free, pt_ptr, pt_flush, NULL };

int vtd_domain_init(struct vtd_domain *d, const struct vtd_unit *u, u16 did)
{
	const struct vtd_caps *c = &u->caps;
	unsigned int levels = pick_levels(c);
	u32 flags = 0;
	int err;

	memset(d, 0, sizeof(*d));
	if (!levels)
		return -ENODEV;
	if ((c->num_domains && did >= c->num_domains) || (c->cm && did == 0)) {
		pr_err("domain id %u not usable (%u domains, CM=%d)\n", did, c->num_domains, c->cm);
		return -EINVAL;
	}
	if (c->sllps_2m)
		flags |= VTD_PT_2M;
	if (c->sllps_1g)
		flags |= VTD_PT_1G;
	if (c->sc)
		flags |= VTD_PT_SNOOP;
	err = vtd_pt_init(&d->pt, levels, c->mgaw, flags,
			  c->coherent ? &pt_ops_coherent : &pt_ops_flush);
	if (err)
		return err;
	d->u = u;
	d->did = did;
	d->aw = (u8)(levels - 2);
	return 0;
}

int vtd_domain_map(struct vtd_domain *d, iova_t iova, hpa_t hpa, u64 len, bool write)
{
	return vtd_pt_map(&d->pt, iova, hpa, len, VTD_PT_R | (write ? VTD_PT_W : 0));
}

int vtd_domain_unmap(struct vtd_domain *d, iova_t iova, u64 len)
{
	return vtd_pt_unmap(&d->pt, iova, len);
}

bool vtd_domain_lookup(const struct vtd_domain *d, iova_t iova, hpa_t *hpa, u64 *page_size,
		       bool *write)
{
	unsigned int perms;

	if (!vtd_pt_lookup(&d->pt, iova, hpa, page_size, &perms))
		return false;
	if (write)
		*write = perms & VTD_PT_W;
	return true;
}

void vtd_domain_destroy(struct vtd_domain *d)
{
	vtd_pt_destroy(&d->pt);
}

static u16 sid_of(u8 bus, u8 devfn)
{
	return (u16)(bus << 8 | devfn);
}

/* bus's context table, created (and published in the root table) if asked. */
static struct vtd_context_entry *context_table(struct vtd_hw *hw, u8 bus, bool create)
{
	struct vtd_root_entry *re = &hw->root[bus];
	struct vtd_context_entry *ct;

	if (re->lo & VTD_ROOT_LO_P)
		return (struct vtd_context_entry *)(uintptr_t)(re->lo & VTD_ROOT_LO_CTP);
	if (!create)
		return NULL;
	ct = mm_alloc_pages(1);
	if (!ct)
		return NULL;
	hw_flush(hw->u, ct, PAGE_SIZE); /* all not-present, visible first */
	re->hi = 0;
	__atomic_store_n(&re->lo, ((hpa_t)(uintptr_t)ct & VTD_ROOT_LO_CTP) | VTD_ROOT_LO_P,
			 __ATOMIC_RELEASE);
	hw_flush(hw->u, re, sizeof(*re));
	return ct;
}

/*
 * Caches that may hold bus:devfn's old context entry: device-selective
 * context-cache invalidation, then domain-selective IOTLB (6.5.3.3). With
 * CM=1 a not-present entry may be cached under domain 0.
 */
static int flush_context_change(struct vtd_hw *hw, u16 did, u16 sid)
{
	int err = write_buffer_flush(hw->u);

	if (!err)
		err = vtd_flush_context_device(hw->u, did, sid);
	if (!err)
		err = vtd_flush_iotlb_domain(hw->u, did);
	return err;
}

static int clear_context(struct vtd_hw *hw, struct vtd_context_entry *ce, u16 sid)
{
	u16 old_did = (u16)FIELD_GET(VTD_CTX_HI_DID, ce->hi);

	__atomic_store_n(&ce->lo, 0, __ATOMIC_RELEASE);
	hw_flush(hw->u, ce, sizeof(*ce));
	ce->hi = 0;
	return flush_context_change(hw, old_did, sid);
}

int vtd_attach_device(struct vtd_unit *u, u8 bus, u8 devfn, struct vtd_domain *d)
{
	struct vtd_hw *hw = vtd_hw_find(u);
	struct vtd_context_entry *ct, *ce;
	u16 sid = sid_of(bus, devfn), inv_did;
	u64 lo;
	int err;

	if (!hw)
		return -ENODEV;
	if (d->u != u || !d->pt.root)
		return -EINVAL;
	ct = context_table(hw, bus, true);
	if (!ct)
		return -ENOMEM;
	ce = &ct[devfn];
	lo = (d->pt.root_pa & VTD_CTX_LO_SLPTPTR) | FIELD_PREP(VTD_CTX_LO_TT, VTD_TT_UNTRANSLATED) |
	     VTD_CTX_LO_P;
	inv_did = u->caps.cm ? 0 : d->did;
	if (ce->lo & VTD_CTX_LO_P) {
		if (ce->lo == lo && FIELD_GET(VTD_CTX_HI_DID, ce->hi) == d->did &&
		    FIELD_GET(VTD_CTX_HI_AW, ce->hi) == d->aw)
			return 0; /* already there */
		err = clear_context(hw, ce, sid);
		if (err)
			return err;
	}
	/* hi (AW, DID) first, then lo with P: one release store */
	ce->hi = FIELD_PREP(VTD_CTX_HI_AW, d->aw) | FIELD_PREP(VTD_CTX_HI_DID, d->did);
	__atomic_store_n(&ce->lo, lo, __ATOMIC_RELEASE);
	hw_flush(u, ce, sizeof(*ce));
	err = flush_context_change(hw, inv_did, sid);
	if (!err && inv_did != d->did)
		err = vtd_flush_iotlb_domain(u, d->did);
	return err;
}

int vtd_detach_device(struct vtd_unit *u, u8 bus, u8 devfn)
{
	struct vtd_hw *hw = vtd_hw_find(u);
	struct vtd_context_entry *ct;

	if (!hw)
		return -ENODEV;
	ct = context_table(hw, bus, false);
	if (!ct || !(ct[devfn].lo & VTD_CTX_LO_P))
		return 0;
	return clear_context(hw, &ct[devfn], sid_of(bus, devfn));
}

int vtd_enable_translation(struct vtd_unit *u)
{
	int err;

	if (!vtd_hw_find(u))
		return -ENODEV;
	err = write_buffer_flush(u);
	return err ? err : vtd_gcmd_update(u, VTD_GCMD_TE, true);
}

int vtd_disable_translation(struct vtd_unit *u)
{
	return vtd_gcmd_update(u, VTD_GCMD_TE, false);
}

int vtd_flush_iotlb_domain(struct vtd_unit *u, u16 did)
{
	struct vtd_hw *hw = vtd_hw_find(u);
	int err;

	if (!hw)
		return -ENODEV;
	err = write_buffer_flush(u);
	return err ? err : vtd_inv_iotlb(&hw->qi, VTD_IOTLB_GRAN_DOMAIN, did, 0, 0);
}

int vtd_flush_iotlb_pages(struct vtd_unit *u, u16 did, iova_t iova, unsigned int order)
{
	struct vtd_hw *hw = vtd_hw_find(u);
	const struct vtd_caps *c = &u->caps;
	int err;

	if (!hw)
		return -ENODEV;
	if (!c->psi || order > c->mamv || order >= 52 || !IS_ALIGNED(iova, PAGE_SIZE << order))
		return vtd_flush_iotlb_domain(u, did);
	err = write_buffer_flush(u);
	return err ? err : vtd_inv_iotlb(&hw->qi, VTD_IOTLB_GRAN_PAGE, did, iova, order);
}

int vtd_flush_context_device(struct vtd_unit *u, u16 did, u16 sid)
{
	struct vtd_hw *hw = vtd_hw_find(u);

	if (!hw)
		return -ENODEV;
	return vtd_inv_context(&hw->qi, VTD_CC_GRAN_DEVICE, did, sid, 0);
}

static bool is_ram_type(u32 type)
{
	return type == MEMRANGE_AVAILABLE || type == MEMRANGE_ACPI || type == MEMRANGE_NVS;
}

/* Identity-map the RAM ranges into d; *mapped gets the byte count. */
static int map_guest_ram(struct vtd_domain *d, const struct mem_range *ram, unsigned int nr,
			 u64 *mapped)
{
	*mapped = 0;
	for (unsigned int i = 0; i < nr; i++) {
		u64 b = ALIGN_UP(ram[i].base, PAGE_SIZE);
		u64 e = ram[i].base + ram[i].len < ram[i].base ? ~0ULL : ram[i].base + ram[i].len;
		int err;

		e = ALIGN_DOWN(e, PAGE_SIZE);
		if (!is_ram_type(ram[i].type) || e <= b)
			continue;
		if (mm_is_hv_memory(b, e - b)) {
			pr_err("guest RAM [%#lx-%#lx) overlaps hypervisor memory: not mapped for the NIC\n",
			       b, e);
			return -EINVAL;
		}
		err = vtd_domain_map(d, b, b, e - b, true);
		if (err) {
			pr_err("identity map of [%#lx-%#lx) failed (%s)\n", b, e, errno_name(-err));
			return err;
		}
		*mapped += e - b;
	}
	return 0;
}

int vtd_setup_nic_identity(struct vtd_unit *u, u8 bus, u8 devfn, const struct mem_range *guest_ram,
			   unsigned int nr)
{
	u64 mapped = 0;
	int err = 0;

	if (nic_domain_live)
		return -EBUSY;
	if (!vtd_hw_find(u))
		err = vtd_hw_init(u);
	if (!err)
		err = vtd_domain_init(&nic_domain, u, VTD_NIC_DID);
	if (err)
		goto out;
	err = map_guest_ram(&nic_domain, guest_ram, nr, &mapped);
	if (!err)
		err = vtd_attach_device(u, bus, devfn, &nic_domain);
	if (!err)
		err = vtd_enable_translation(u);
	if (err) {
		if (vtd_detach_device(u, bus, devfn))
			pr_err("nic context entry could not be cleared: domain leaked\n");
		else
			vtd_domain_destroy(&nic_domain);
		goto out;
	}
	nic_domain_live = true;
	printk("VTD: nic %02x:%02x.%x domain %u identity-mapped %lu MiB, translation on\n", bus,
	       devfn >> 3, devfn & 7, VTD_NIC_DID, mapped >> 20);
	return 0;
out:
	printk("VTD: nic %02x:%02x.%x: DMA remapping set-up failed (%s); translation off\n", bus,
	       devfn >> 3, devfn & 7, errno_name(-err));
	return err;
}

struct vtd_domain *vtd_nic_domain(void)
{
	return nic_domain_live ? &nic_domain : NULL;
}

void vtd_get_stats(const struct vtd_unit *u, struct vtd_stats *out)
{
	const struct vtd_hw *hw = vtd_hw_find(u);

	memset(out, 0, sizeof(*out));
	if (!hw)
		return;
	out->faults = hw->faults;
	out->qi_descs = hw->qi.descs;
	out->qi_waits = hw->qi.waits;
	out->iotlb_flushes = hw->qi.iotlb_flushes;
	out->ctx_flushes = hw->qi.ctx_flushes;
}

void vtd_print_stats(const struct vtd_unit *u)
{
	struct vtd_stats s;

	vtd_get_stats(u, &s);
	printk("VTD: stats faults=%lu qi_descs=%lu waits=%lu iotlb_flushes=%lu context_flushes=%lu\n",
	       s.faults, s.qi_descs, s.qi_waits, s.iotlb_flushes, s.ctx_flushes);
}
