// SPDX-License-Identifier: MIT
/*
 * Glue of the emulated VT-d. Every event of the register model is handled
 * here in order, under one lock (the guest CPU in trap mode, the sidecore
 * in sidecore mode, and the sidecore's expiry pass can race):
 *   SRTP/TE -> the shadow re-reads the NIC's context and picks a domain;
 *   QIE/IQT/IQE cleared -> the queue runs (descriptors copied by value);
 *   CCMD/IOTLB registers -> the same invalidations, then completion;
 *   wait completion / faults -> the guest's MSI, sent as a fixed IPI.
 * A wait descriptor completes only after the physical flushes before it
 * finished: the physical ops below are synchronous (QI wait in vtd_qi.c).
 */
#define LOG_PREFIX "VIOMMU: "
#include "viommu/core.h"
#include "boot/mm.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "drivers/vtd_ctl.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "viommu/dmar.h"
#include "viommu/iq.h"
#include "viommu/regs.h"
#include "viommu/shadow.h"
#include "vmm/guest.h"
#include "vmm/guest_mem.h"
#include "vmm/mmio.h"

#define VIOMMU_SHADOW_DID 2
#define VIOMMU_SHADOW_ENTRIES 65536
#define VIOMMU_SHADOW_MAX_TABLES 2048 /* 8 MiB of the pool */

static struct {
	struct viommu_setup set;
	struct viommu_regs regs;
	struct viommu_iq iq;
	struct viommu_shadow shadow;
	struct viommu_stats stats;
	struct vtd_domain dom;
	struct spinlock lock;
	u8 dmar[VIOMMU_DMAR_LEN];
	bool ready;
	/* sidecore mode: page 0 is this hypervisor page, mapped in the guest's
	 * NPT while polled (page0_mapped) and unmapped (trapped) while a W1C
	 * bit is pending; page 1 (fault record) always traps. */
	u8 *page0;
	bool page0_mapped;
	u64 to_trap, to_poll;	/* page 0 switches */
	unsigned int ctx_fault; /* reason of the NIC's last context fault, 0: none */
	u32 pending_msi;
	u32 polls_since_scan; /* sidecore: polls since the last full page compare */
	u64 next_expire_tsc;
	/* the next teardown batch */ /* MSI_* to send once the guest can see the cause */
	u64 poll_start_tsc;	      /* first sidecore poll: the busy fraction's base */
	u8 last[VTD_REG_PAGE_SIZE], snap[VTD_REG_PAGE_SIZE], img[VTD_REG_PAGE_SIZE];
} vi;

#define VIOMMU_KICK_US 10000

/* ---- guest memory: guest RAM only ---- */

static bool gm_read(void *ctx, gpa_t gpa, void *buf, u32 len)
{
	const void *p = guest_ram_ptr(gpa, len);

	(void)ctx;
	if (!p)
		return false;
	memcpy(buf, p, len);
	return true;
}

static bool gm_write(void *ctx, gpa_t gpa, const void *buf, u32 len)
{
	void *p = guest_ram_ptr(gpa, len);

	(void)ctx;
	if (!p)
		return false;
	memcpy(p, buf, len);
	return true;
}

static const struct viommu_guest_mem guest_mem = { gm_read, gm_write, NULL };

/* ---- the physical side: the NIC's shadow domain in drivers/vtd ---- */

static int ph_map(void *ctx, iova_t iova, hpa_t hpa, bool read, bool write)
{
	int err;

	(void)ctx;
	(void)read;
	err = vtd_domain_map(&vi.dom, iova, hpa, PAGE_SIZE, write);
	/* a unit that caches not-present entries (CAP.CM) needs a flush */
	if (!err && vi.set.vtd->caps.cm)
		err = vtd_flush_iotlb_pages(vi.set.vtd, VIOMMU_SHADOW_DID, iova, 0);
	return err;
}

static int ph_unmap(void *ctx, iova_t iova)
{
	(void)ctx;
	return vtd_domain_unmap(&vi.dom, iova, PAGE_SIZE);
}

static int ph_flush(void *ctx, iova_t iova, unsigned int order, bool all)
{
	(void)ctx; /* counted in shadow.c (phys_flushes) */
	if (all)
		return vtd_flush_iotlb_domain(vi.set.vtd, VIOMMU_SHADOW_DID);
	return vtd_flush_iotlb_pages(vi.set.vtd, VIOMMU_SHADOW_DID, iova, order);
}

static int ph_select(void *ctx, bool translated)
{
	struct vtd_domain *d = translated ? &vi.dom : vtd_nic_domain();
	int err;

	(void)ctx;
	if (!d)
		return -ENODEV;
	err = vtd_attach_device(vi.set.vtd, vi.set.nic_bus, vi.set.nic_devfn, d);
	if (!err)
		err = vtd_flush_iotlb_domain(vi.set.vtd, d->did);
	return err;
}

static const struct viommu_phys_ops phys_ops = { ph_map, ph_unmap, ph_flush, ph_select, NULL };

/* ---- events ---- */

/*
 * The unit's interrupts (fault event, invalidation event) are MSIs the guest
 * programmed; the guest CPU owns its LAPIC, so an IPI with that vector is
 * the MSI. Compatibility format (SDM Vol. 3A 11.11.1): destination in
 * address bits 19:12, bit 2 = logical destination mode, vector in data bits
 * 7:0. The guest has one CPU: a physical destination must be its APIC id; a
 * logical one (Linux uses flat logical mode, FEADDR 0xfee01004) reaches it
 * when the destination byte is non-zero (its only logical id) -- resolved
 * here and sent physically, since the sidecore's own LAPIC mode may differ.
 */
static void send_msi(struct viommu_msi m)
{
	u32 dest = (m.addr >> 12) & 0xff;
	bool logical = m.addr & BIT(2);

	/* vectors 0-15 are illegal for fixed delivery (SDM Vol. 3A 11.5.2) */
	if ((m.addr & 0xfff00000u) != 0xfee00000u || (m.data & 0xff) < 16)
		return;
	if (logical ? dest == 0 : dest != vi.set.guest_apic_id)
		return; /* addressed to no CPU of the guest's */
	vi.stats.msis_sent++;
	lapic_send_fixed(vi.set.guest_apic_id, (u8)m.data);
}

/*
 * Interrupts wait until the guest can see why they came: in sidecore mode the
 * register page must be published (or trapping) first, so events queue them
 * and flush_msis() sends them after publication (@pre: vi.lock held).
 */
#define MSI_FAULT BIT(0)
#define MSI_INV BIT(1)

static void queue_msi(u32 which)
{
	vi.pending_msi |= which;
}

static void flush_msis(void)
{
	u32 m = vi.pending_msi;

	vi.pending_msi = 0;
	if (m & MSI_FAULT)
		send_msi(viommu_regs_fault_msi(&vi.regs));
	if (m & MSI_INV)
		send_msi(viommu_regs_inv_msi(&vi.regs));
}

static void context_refresh(void)
{
	gpa_t root = 0;
	bool have_root = viommu_regs_root_table(&vi.regs, &root);
	bool te = viommu_regs_translation_enabled(&vi.regs);
	int r = viommu_shadow_context_changed(&vi.shadow, root, te && have_root, tsc_now());

	vi.ctx_fault = r > 0 ? (unsigned int)r : 0;
	if (r > 0 &&
	    viommu_regs_record_fault(&vi.regs, vi.set.cfg.nic_sid, 0, (unsigned int)r, false))
		queue_msi(MSI_FAULT);
}

static int inv_context(void *ctx, unsigned int gran, u16 did, u16 sid, u8 fm)
{
	(void)ctx;
	(void)did;
	(void)fm;
	if (gran != 3 || sid == vi.set.cfg.nic_sid)
		context_refresh();
	return 0;
}

static int inv_iotlb(void *ctx, unsigned int gran, u16 did, iova_t addr, unsigned int am, bool ih)
{
	int err;

	(void)ctx;
	(void)ih;
	err = viommu_shadow_invalidate(&vi.shadow, gran, did, addr, MIN(am, 52u), tsc_now());
	return err == -ENOMEM ? 0 : err; /* storage full: the page stays unmapped */
}

static int inv_barrier(void *ctx)
{
	(void)ctx;
	return 0; /* every physical flush above already waited for completion */
}

static const struct viommu_inv_ops inv_ops = { inv_context, inv_iotlb, inv_barrier, NULL };

static void run_queue(void)
{
	u64 t0 = tsc_now();
	u32 r = viommu_iq_process(&vi.iq, (u32)viommu_reg_read(&vi.regs, VTD_REG64_IQT, 8),
				  &guest_mem, &inv_ops, &vi.stats);

	viommu_regs_set_iq_head(&vi.regs, vi.iq.head);
	/* iq.c counts the error (iq_errors) */
	if ((r & VIOMMU_IQ_ERROR) && viommu_regs_report_iqe(&vi.regs, vi.iq.err_info))
		queue_msi(MSI_FAULT);
	if ((r & VIOMMU_IQ_WAIT_IRQ) && viommu_regs_set_iwc(&vi.regs))
		queue_msi(MSI_INV);
	vi.stats.inv_cycles_total += tsc_now() - t0;
	vi.stats.inv_cycles_count++;
}

static void register_invalidation(u32 ev)
{
	if (ev & VIOMMU_EV_CCMD) {
		u64 c = viommu_regs_ccmd(&vi.regs);

		inv_context(NULL, (unsigned int)FIELD_GET(VTD_CCMD_CIRG, c),
			    (u16)FIELD_GET(VTD_CCMD_DID, c), (u16)FIELD_GET(VTD_CCMD_SID, c),
			    (u8)FIELD_GET(VTD_CCMD_FM, c));
		viommu_regs_complete_ccmd(&vi.regs, (unsigned int)FIELD_GET(VTD_CCMD_CIRG, c));
	}
	if (ev & VIOMMU_EV_IOTLB) {
		u64 t = viommu_regs_iotlb(&vi.regs), a = viommu_regs_iva(&vi.regs);
		unsigned int gran = (unsigned int)FIELD_GET(VTD_IOTLB_IIRG, t);

		inv_iotlb(NULL, gran, (u16)FIELD_GET(VTD_IOTLB_DID, t), a & VTD_IVA_ADDR,
			  (unsigned int)FIELD_GET(VTD_IVA_AM, a), false);
		viommu_regs_complete_iotlb(&vi.regs, gran);
	}
}

/* @pre: vi.lock held */
static void handle_events(u32 ev)
{
	if (ev & (VIOMMU_EV_SRTP | VIOMMU_EV_TE))
		context_refresh();
	if ((ev & VIOMMU_EV_QIE) && viommu_regs_qi_enabled(&vi.regs)) {
		if (viommu_iq_set_base(&vi.iq, viommu_reg_read(&vi.regs, VTD_REG64_IQA, 8)))
			vi.stats.iq_errors++;
	}
	if (ev & VIOMMU_EV_IQE_CLEARED)
		viommu_iq_clear_error(&vi.iq);
	/* spec 6.5.2: the queue stays stopped while FSTS.IQE is set, even if
	 * QIE is toggled meanwhile */
	if ((ev & (VIOMMU_EV_QIE | VIOMMU_EV_IQT | VIOMMU_EV_IQE_CLEARED)) &&
	    viommu_regs_qi_enabled(&vi.regs) && !viommu_regs_iqe_pending(&vi.regs))
		run_queue();
	register_invalidation(ev);
	if (ev & VIOMMU_EV_FAULT_IRQ)
		queue_msi(MSI_FAULT);
	if (ev & VIOMMU_EV_INV_IRQ)
		queue_msi(MSI_INV);
}

/*
 * A primary fault of the physical unit (sidecore, vtd_fault_poll). Only the
 * NIC's faults while the guest translates it are the guest's to see: in the
 * shadow domain a fault means the guest's tables do not allow the access
 * (same address: the shadow is IOVA -> HPA; same reason: not present or
 * denied), in the blocked state its context is missing or invalid (the
 * reason the walk found). With translation off or pass-through, real
 * hardware would not fault at all: the hypervisor console reports it alone.
 */
void viommu_reflect_fault(u16 sid, u64 addr, unsigned int reason, bool write)
{
	enum viommu_shadow_mode m;

	if (!vi.ready || sid != vi.set.cfg.nic_sid)
		return;
	spin_lock(&vi.lock);
	m = viommu_shadow_mode(&vi.shadow);
	if (m == VIOMMU_SHADOW_BLOCKED && vi.ctx_fault)
		reason = vi.ctx_fault;
	if (m != VIOMMU_SHADOW_IDENTITY) {
		vi.stats.faults_reflected++;
		if (viommu_regs_record_fault(&vi.regs, sid, addr, reason, write))
			queue_msi(MSI_FAULT);
	}
	/* sidecore mode: the next poll publishes page 0, then sends it */
	if (!vi.page0_mapped)
		flush_msis();
	spin_unlock(&vi.lock);
}

/* ---- trap mode ---- */

static enum mmio_result viommu_mmio(void *arg, struct mmio_access *a)
{
	u32 off = (u32)(a->gpa - vi.set.cfg.reg_gpa);

	(void)arg;
	spin_lock(&vi.lock);
	if (a->write) {
		vi.stats.reg_writes++;
		handle_events(viommu_reg_write(&vi.regs, off, a->size, a->value));
	} else {
		vi.stats.reg_reads++;
		a->value = viommu_reg_read(&vi.regs, off, a->size);
	}
	/* sidecore mode: nothing left to clear -> page 0 becomes polled RAM again */
	if (vi.page0 && !vi.page0_mapped && !viommu_regs_needs_trap(&vi.regs)) {
		viommu_regs_render(&vi.regs, vi.page0);
		memcpy(vi.last, vi.page0, sizeof(vi.last));
		/* the guest CPU is in the hypervisor: map only, flush on entry */
		if (!guest_remap_page(vi.set.cfg.reg_gpa, (hpa_t)(uintptr_t)vi.page0, 0)) {
			vi.page0_mapped = true;
			vi.to_poll++;
		}
	}
	flush_msis(); /* the guest reads the model itself (trapped) or the fresh page */
	spin_unlock(&vi.lock);
	return MMIO_HANDLED;
}

/* Sidecore: page 0 must trap while the guest has W1C bits to clear. */
static void page0_to_trap(void)
{
	u32 ev;

	if (guest_remap_page(vi.set.cfg.reg_gpa, 0, VIOMMU_KICK_US))
		return;
	vi.page0_mapped = false;
	vi.to_trap++;
	/* stores that landed before the guest CPU dropped its mapping */
	memcpy(vi.snap, vi.page0, sizeof(vi.snap));
	ev = viommu_regs_apply_page(&vi.regs, vi.snap, vi.last);
	if (ev)
		handle_events(ev);
}

/* One polling step of the sidecore: apply the guest's stores, publish. */
static void sidecore_step(void)
{
	volatile u64 *pg = (volatile u64 *)vi.page0;
	u64 *snap = (u64 *)vi.snap, *img = (u64 *)vi.img;
	u32 ev;

	for (unsigned int i = 0; i < VTD_REG_PAGE_SIZE / 8; i++)
		snap[i] = pg[i];
	ev = viommu_regs_apply_page(&vi.regs, vi.snap, vi.last);
	if (ev) {
		vi.stats.loop_busy++;
		vi.stats.reg_writes++;
		handle_events(ev);
	}
	if (viommu_regs_needs_trap(&vi.regs)) {
		page0_to_trap();
		return;
	}
	viommu_regs_render(&vi.regs, vi.img);
	for (unsigned int i = 0; i < VTD_REG_PAGE_SIZE / 8; i++) {
		u64 expect = snap[i];

		/* a failed exchange means the guest stored meanwhile: applied next time */
		if (img[i] != expect)
			__atomic_compare_exchange_n((u64 *)&pg[i], &expect, img[i], false,
						    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
	}
	memcpy(vi.last, vi.img, sizeof(vi.last));
}

/*
 * Sidecore fast path: the registers a running guest writes all the time
 * (IQT for each invalidation; GCMD) are compared on every poll, the whole
 * page only every VIOMMU_FULL_SCAN_EVERY polls (under emulation a full
 * compare of 4 KiB is most of an iteration). Any change found runs the
 * full step, so no write is lost; others are merely seen a little later,
 * as with any polled device. A pending interrupt also forces it: its cause
 * must be published first.
 */
#define VIOMMU_FULL_SCAN_EVERY 32

static bool page0_hot_changed(void)
{
	static const u16 hot[] = { VTD_REG64_IQT / 8, VTD_REG32_GCMD / 8 };
	const volatile u64 *pg = (const volatile u64 *)vi.page0;
	const u64 *last = (const u64 *)vi.last;

	for (unsigned int i = 0; i < ARRAY_SIZE(hot); i++)
		if (pg[hot[i]] != last[hot[i]])
			return true;
	return false;
}

/*
 * Expired entries are torn down in batches: at most every half window
 * (teardown_ms / 2, at least 1 ms), so one physical invalidation covers all
 * that fell due meanwhile. An unmapped entry thus lives between N and 1.5 N
 * ms (plus one polling step).
 */
static bool expiry_due(u64 now)
{
	u64 period = tsc_khz() * (vi.set.cfg.teardown_ms / 2 ? vi.set.cfg.teardown_ms / 2 : 1);

	if (now < vi.next_expire_tsc)
		return false;
	vi.next_expire_tsc = now + period;
	return true;
}

void viommu_poll(void)
{
	u64 t0, busy;

	if (!vi.ready || !spin_trylock(&vi.lock))
		return;
	t0 = tsc_now();
	busy = vi.stats.loop_busy;
	if (!vi.poll_start_tsc)
		vi.poll_start_tsc = t0;
	vi.stats.loop_iters++;
	if (vi.page0_mapped && (++vi.polls_since_scan >= VIOMMU_FULL_SCAN_EVERY || vi.pending_msi ||
				page0_hot_changed())) {
		vi.polls_since_scan = 0;
		sidecore_step();
	}
	if (vi.set.cfg.teardown_ms && expiry_due(t0) && viommu_shadow_expire(&vi.shadow, t0) > 0)
		vi.stats.loop_busy++;
	if (vi.stats.loop_busy != busy)
		vi.stats.busy_cycles += tsc_now() - t0;
	flush_msis(); /* page 0 is published (or trapping) by now */
	spin_unlock(&vi.lock);
}

hpa_t viommu_page0_hpa(void)
{
	return vi.page0 ? (hpa_t)(uintptr_t)vi.page0 : 0;
}

/* ---- set-up and counters ---- */

int viommu_init(const struct viommu_setup *s)
{
	size_t bytes = viommu_shadow_storage_bytes(VIOMMU_SHADOW_ENTRIES);
	void *storage = mm_alloc_pages(DIV_ROUND_UP(bytes, PAGE_SIZE));
	int err;

	memset(&vi, 0, sizeof(vi));
	vi.set = *s;
	if (!storage)
		return -ENOMEM;
	err = viommu_regs_init(&vi.regs, &vi.set.cfg, VIOMMU_FRO_OFFSET);
	if (!err)
		err = viommu_shadow_init(&vi.shadow, &vi.set.cfg, &guest_mem,
					 s->vtd ? &phys_ops : NULL, &vi.stats, storage, bytes);
	if (!err)
		err = mmio_region_register(vi.set.cfg.reg_gpa, viommu_regs_size(&vi.regs),
					   viommu_mmio, NULL, "viommu");
	if (err)
		return err;
	if (!s->trap) {
		vi.page0 = mm_alloc_pages(1);
		if (!vi.page0)
			return -ENOMEM;
		viommu_regs_render(&vi.regs, vi.page0);
		memcpy(vi.last, vi.page0, sizeof(vi.last));
		vi.page0_mapped = true; /* guest.c maps it into the NPT */
	}
	if (!viommu_dmar_build(vi.dmar, sizeof(vi.dmar), vi.set.cfg.reg_gpa,
			       viommu_regs_size(&vi.regs) > PAGE_SIZE ? 1 : 0, vi.set.cfg.mgaw))
		return -EINVAL;
	vi.ready = true;
	pr_info("unit at %#llx (%u KiB, %s), cap=%#llx ecap=%#llx, %u-level, teardown %u ms%s\n",
		(unsigned long long)vi.set.cfg.reg_gpa, viommu_regs_size(&vi.regs) >> 10,
		s->trap ? "trap" : "sidecore", (unsigned long long)viommu_regs_cap(&vi.regs),
		(unsigned long long)viommu_regs_ecap(&vi.regs), vi.set.cfg.levels,
		vi.set.cfg.teardown_ms,
		s->vtd ? "" : "; no physical IOMMU: pass-through only, DMA unprotected");
	return 0;
}

int viommu_start(void)
{
	int err = 0;

	if (vi.set.vtd)
		err = vtd_domain_init(&vi.dom, vi.set.vtd, VIOMMU_SHADOW_DID);
	/* the guest shapes this tree: bound it (a map past it stays unmapped, faults) */
	if (!err && vi.set.vtd)
		vi.dom.pt.max_tables = VIOMMU_SHADOW_MAX_TABLES;
	return err;
}

u64 viommu_reg_size(void)
{
	return viommu_regs_size(&vi.regs);
}

const void *viommu_dmar_table(void)
{
	return vi.ready ? vi.dmar : NULL;
}

/* Share of the sidecore's time since its first poll spent on vIOMMU work. */
static u64 busy_permille(void)
{
	u64 total = vi.poll_start_tsc ? tsc_now() - vi.poll_start_tsc : 0;

	return total ? vi.stats.busy_cycles * 1000 / total : 0;
}

void viommu_sample(struct viommu_sample *out)
{
	memset(out, 0, sizeof(*out));
	if (!vi.ready)
		return;
	spin_lock(&vi.lock);
	out->shadow_entries = viommu_shadow_count(&vi.shadow);
	out->deferred = viommu_shadow_deferred(&vi.shadow);
	out->shadow_tables = vi.set.vtd ? vi.dom.pt.nr_tables : 0;
	out->stats = vi.stats;
	spin_unlock(&vi.lock);
}

void viommu_print_stats(void)
{
	const struct viommu_stats *s = &vi.stats;
	const struct viommu_regs_counters *rc = viommu_regs_counters(&vi.regs);

	printk("VIOMMU: regs reads=%llu writes=%llu bad=%llu dropped=%llu\n",
	       (unsigned long long)rc->reads, (unsigned long long)rc->writes,
	       (unsigned long long)rc->bad_accesses, (unsigned long long)rc->dropped_writes);
	printk("VIOMMU: descriptors cc=%llu iotlb=%llu wait=%llu iec=%llu other=%llu bad=%llu\n",
	       (unsigned long long)s->desc_cc, (unsigned long long)s->desc_iotlb,
	       (unsigned long long)s->desc_wait, (unsigned long long)s->desc_iec,
	       (unsigned long long)s->desc_other, (unsigned long long)s->desc_bad);
	printk("VIOMMU: invalidations global=%llu domain=%llu page=%llu iq_errors=%llu\n",
	       (unsigned long long)s->inv_global, (unsigned long long)s->inv_domain,
	       (unsigned long long)s->inv_page, (unsigned long long)s->iq_errors);
	printk("VIOMMU: shadow maps=%llu unmaps=%llu walks=%llu walk_faults=%llu\n",
	       (unsigned long long)s->shadow_maps, (unsigned long long)s->shadow_unmaps,
	       (unsigned long long)s->walks, (unsigned long long)s->walk_faults);
	printk("VIOMMU: teardown revivals=%llu deferred=%llu expired=%llu batches=%llu phys_flushes=%llu\n",
	       (unsigned long long)s->revivals, (unsigned long long)s->deferred,
	       (unsigned long long)s->expired, (unsigned long long)s->batches,
	       (unsigned long long)s->phys_flushes);
	/* the paper's figure: physical invalidations per guest unmap */
	printk("VIOMMU: guest unmap invalidations=%llu physical invalidations=%llu (teardown %u ms)\n",
	       (unsigned long long)s->unmap_invalidations, (unsigned long long)s->phys_flushes,
	       vi.set.cfg.teardown_ms);
	if (vi.page0)
		printk("VIOMMU: sidecore page0 %s, switched to trap %llu times, back to polling %llu times\n",
		       vi.page0_mapped ? "polled" : "trapped", (unsigned long long)vi.to_trap,
		       (unsigned long long)vi.to_poll);
	printk("VIOMMU: faults_reflected=%llu loop_iters=%llu loop_busy=%llu inv_cycles_avg=%llu msis=%llu\n",
	       (unsigned long long)s->faults_reflected, (unsigned long long)s->loop_iters,
	       (unsigned long long)s->loop_busy,
	       (unsigned long long)(s->inv_cycles_count ? s->inv_cycles_total / s->inv_cycles_count
							: 0),
	       (unsigned long long)s->msis_sent);
	printk("VIOMMU: sidecore busy=%llu.%llu%% of %llu ms polling (busy_cycles=%llu poll_cycles=%llu "
	       "inv_cycles_total=%llu inv_count=%llu)\n",
	       (unsigned long long)(busy_permille() / 10),
	       (unsigned long long)(busy_permille() % 10),
	       (unsigned long long)(vi.poll_start_tsc
					    ? tsc_to_us(tsc_now() - vi.poll_start_tsc) / 1000
					    : 0),
	       (unsigned long long)s->busy_cycles,
	       (unsigned long long)(vi.poll_start_tsc ? tsc_now() - vi.poll_start_tsc : 0),
	       (unsigned long long)s->inv_cycles_total, (unsigned long long)s->inv_cycles_count);
}
