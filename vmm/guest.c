// SPDX-License-Identifier: MIT
/*
 * Guest set-up, in order: hypervisor ranges -> guest memory map -> guest
 * ACPI tables (in a guest-RAM region marked ACPI in its E820) -> Linux boot
 * plan and images -> EPT/NPT identity map minus every hole -> CPUID
 * policy, PCI filter, intercepts -> backend -> run. Thin passthrough:
 * guest-physical == host-physical for all guest RAM.
 */
#define LOG_PREFIX "HV: "
#include "vmm/guest.h"
#include "boot/cmdline.h"
#include "boot/smp.h"
#include "drivers/vtd_ctl.h"
#include "drivers/vtd_fault.h"
#include "boot/mm.h"
#include "boot/msr.h"
#include "drivers/tsc.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmm/cpu_caps.h"
#include "vmm/cpuid.h"
#include "vmm/exit.h"
#include "vmm/guest_boot.h"
#include "vmm/guest_mem.h"
#include "vmm/mmio.h"
#include "vmm/monitor.h"
#include "vmm/npt.h"
#include "vmm/svm.h"
#include "vmm/vacpi.h"
#include "vmm/vcpu.h"
#include "vmm/vmx.h"
#include "vmm/vpci.h"
#include "viommu/core.h"

#define GUEST_LOW_SCRATCH_PA 0x10000
#define GUEST_ACPI_SIZE (64 * 1024)
#define VGA_HOLE_START 0xa0000
#define VGA_HOLE_END 0xc0000

static struct guest_boot_plan plan;
static struct npt npt;
static struct vpci vpci;
static u8 vacpi_scratch[GUEST_ACPI_SIZE];

struct npt *guest_npt(void)
{
	return &npt;
}

static u32 guest_apic;

int guest_remap_page(gpa_t gpa, hpa_t hpa, u64 timeout_us)
{
	int err = hpa ? npt_map(&npt, gpa, hpa, PAGE_SIZE, NPT_MT_WB, NPT_RWX)
		      : npt_unmap(&npt, gpa, PAGE_SIZE);

	if (err)
		return err;
	vcpu_remote_flush(&guest_vcpu, guest_apic, timeout_us);
	return 0;
}

static void *npt_alloc(void *ctx, hpa_t *pa)
{
	void *p = mm_alloc_pages(1);

	(void)ctx;
	*pa = (hpa_t)(uintptr_t)p;
	return p;
}

static void npt_free(void *ctx, void *page, hpa_t pa)
{
	(void)ctx;
	(void)pa;
	mm_free_pages(page, 1);
}

static void *npt_ptr(void *ctx, hpa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static const struct npt_mem_ops npt_mem = {
	.alloc_page = npt_alloc,
	.free_page = npt_free,
	.table_ptr = npt_ptr,
};

static bool is_ram_type(u32 type)
{
	return type == MEMRANGE_AVAILABLE || type == MEMRANGE_ACPI || type == MEMRANGE_NVS;
}

/*
 * Identity map [0, max(4 GiB, top of RAM)): RAM write-back, everything else
 * uncached; then punch out the hypervisor, the physical IOMMUs, the ECAM
 * window and every emulated MMIO region.
 */
static int build_npt(const struct guest_platform *p, enum npt_kind kind)
{
	const struct mbi_info *mbi = p->mbi;
	static struct mem_range hv[4];
	unsigned int nr_hv = mm_hv_ranges(hv, ARRAY_SIZE(hv));
	u64 top = GiB(4), cur = 0;
	int err;

	err = npt_init(&npt, kind, true, true, &npt_mem);
	if (err)
		return err;
	for (unsigned int i = 0; i < mbi->nr_mmap; i++)
		if (is_ram_type(mbi->mmap[i].type))
			top = MAX(top, mbi->mmap[i].base + mbi->mmap[i].len);
	top = ALIGN_UP(top, GiB(1));
	/* everything uncached first, then RAM (rounded out to pages) as WB */
	err = npt_map(&npt, 0, 0, top, NPT_MT_UC, NPT_RWX);
	for (unsigned int i = 0; !err && i < mbi->nr_mmap; i++) {
		const struct mbi_mem_region *r = &mbi->mmap[i];
		u64 b = ALIGN_DOWN(r->base, PAGE_SIZE);
		u64 e = ALIGN_UP(r->base + r->len, PAGE_SIZE);

		if (is_ram_type(r->type) && e > b)
			err = npt_map(&npt, b, b, e - b, NPT_MT_WB, NPT_RWX);
	}
	/* the legacy low MiB is RAM except the VGA window */
	if (!err)
		err = npt_map(&npt, 0, 0, VGA_HOLE_START, NPT_MT_WB, NPT_RWX);
	if (!err)
		err = npt_map(&npt, VGA_HOLE_END, VGA_HOLE_END, MiB(1) - VGA_HOLE_END, NPT_MT_WB,
			      NPT_RWX);
	for (unsigned int i = 0; !err && i < nr_hv; i++)
		err = npt_unmap(&npt, hv[i].base, ALIGN_UP(hv[i].len, PAGE_SIZE));
	for (unsigned int i = 0; !err && i < p->nr_iommus; i++)
		err = npt_unmap(&npt, p->iommu_regs[i], ALIGN_UP(p->iommu_sizes[i], PAGE_SIZE));
	if (!err && p->ecam_size)
		err = npt_unmap(&npt, p->ecam_base, p->ecam_size);
	for (unsigned int i = 0; !err && i < mmio_region_count(); i++) {
		gpa_t start;
		u64 size;
		const char *name;

		if (mmio_region_get(i, &start, &size, &name))
			err = npt_unmap(&npt, ALIGN_DOWN(start, PAGE_SIZE),
					ALIGN_UP(size, PAGE_SIZE));
	}
	cur = npt.nr_tables;
	pr_info("%s: identity map of %llu GiB, %llu table pages, %llu superpages split\n",
		kind == NPT_EPT ? "EPT" : "NPT", (unsigned long long)(top >> 30),
		(unsigned long long)cur, (unsigned long long)npt.nr_splits);
	return err;
}

/* The guest ACPI tables: 64 KiB of guest RAM, highest below 4 GiB. */
static int build_acpi(const struct guest_platform *p, struct mem_range *region, gpa_t *rsdp)
{
	static struct mem_range map[MBI_MAX_MMAP + 8], avoid[MBI_MAX_MODULES + 4];
	const struct mbi_info *mbi = p->mbi;
	unsigned int nr = 0, na = 0;
	const void *extra[1] = { viommu_dmar_table() };
	struct vacpi_input in = {
		.fw = p->acpi,
		.mem = &acpi_mem_identity,
		.guest_apic_id = p->guest_apic_id,
		.extra_tables = extra,
		.nr_extra = extra[0] ? 1 : 0,
	};
	size_t used;
	u64 base;
	int err;

	for (unsigned int i = 0; i < mbi->nr_mmap; i++)
		map[nr++] = (struct mem_range){ mbi->mmap[i].base, mbi->mmap[i].len,
						mbi->mmap[i].type };
	na = mm_hv_ranges(avoid, ARRAY_SIZE(avoid));
	for (unsigned int i = 0; i < mbi->nr_modules; i++)
		avoid[na++] = (struct mem_range){ mbi->modules[i].start,
						  mbi->modules[i].end - mbi->modules[i].start, 0 };
	err = memrange_find_top(map, nr, MEMRANGE_AVAILABLE, GUEST_ACPI_SIZE, PAGE_SIZE, GiB(4),
				avoid, na, &base);
	if (err)
		return err;
	err = vacpi_build(&in, base, vacpi_scratch, sizeof(vacpi_scratch), rsdp, &used);
	if (err)
		return err;
	memcpy((void *)(uintptr_t)base, vacpi_scratch, used);
	vacpi_print(&in, vacpi_scratch, used, base, *rsdp);
	*region = (struct mem_range){ base, GUEST_ACPI_SIZE, MEMRANGE_ACPI };
	return 0;
}

static void *identity_va(u64 pa, void *arg)
{
	(void)arg;
	return (void *)(uintptr_t)pa;
}

static int boot_images(const struct guest_platform *p, gpa_t rsdp,
		       const struct mem_range *acpi_region)
{
	static struct mem_range fw[MBI_MAX_MMAP], hv[4];
	const struct mbi_info *mbi = p->mbi;
	u8 *scratch = (u8 *)(uintptr_t)GUEST_LOW_SCRATCH_PA;
	struct guest_boot_input in;
	int err;

	for (unsigned int i = 0; i < mbi->nr_mmap; i++)
		fw[i] = (struct mem_range){ mbi->mmap[i].base, mbi->mmap[i].len,
					    mbi->mmap[i].type };
	memset(&in, 0, sizeof(in));
	in.fw_map = fw;
	in.nr_fw = mbi->nr_mmap;
	in.hv = hv;
	in.nr_hv = mm_hv_ranges(hv, ARRAY_SIZE(hv));
	in.extra = acpi_region;
	in.nr_extra = 1;
	in.kernel_pa = mbi->modules[0].start;
	in.kernel_len = mbi->modules[0].end - mbi->modules[0].start;
	in.initrd_pa = mbi->modules[1].start;
	in.initrd_len = mbi->modules[1].end - mbi->modules[1].start;
	in.cmdline = mbi->modules[0].string;
	in.acpi_rsdp_pa = rsdp;
	in.low_scratch_pa = GUEST_LOW_SCRATCH_PA;
	err = guest_boot_plan(&in, (const void *)(uintptr_t)in.kernel_pa, in.kernel_len, &plan);
	if (err) {
		printk("GUEST: cannot start: %s\n", plan.error);
		return err;
	}
	guest_boot_print(&plan);
	/* the zero page copies the setup header: build before moving images */
	err = guest_boot_build(&plan, &in, (const void *)(uintptr_t)in.kernel_pa,
			       scratch + GUEST_BOOT_ZERO_PAGE_OFF,
			       (char *)scratch + GUEST_BOOT_CMDLINE_OFF, GUEST_BOOT_CMDLINE_ROOM,
			       scratch + GUEST_BOOT_GDT_OFF, GUEST_BOOT_GDT_SIZE,
			       scratch + GUEST_BOOT_PML4_OFF, GUEST_BOOT_PT_SIZE);
	if (err) {
		printk("GUEST: cannot start: boot parameters (%s)\n", errno_name(err));
		return err;
	}
	guest_boot_move_images(&plan, identity_va, NULL);
	return 0;
}

static void cpuid_policy(const struct guest_platform *p, bool vmx)
{
	struct cpuid_policy *c = &exit_platform.cpuid;
	struct cpuid_regs max = cpuid(0);
	u64 claimed = 0;

	memset(c, 0, sizeof(*c));
	c->guest_apic_id = p->guest_apic_id;
	if (vmx)
		vmx_cpuid_limits(&c->hide_rdtscp, &c->hide_invpcid, &c->hide_xsaves);
	else
		svm_cpuid_limits(&c->hide_rdtscp, &c->hide_invpcid, &c->hide_xsaves);
	if (max.eax >= 0x15) {
		struct cpuid_regs r = cpuid(0x15);

		if (r.eax && r.ebx && r.ecx)
			claimed = (u64)r.ecx * r.ebx / r.eax / 1000;
	}
	if (!claimed && max.eax >= 0x16)
		claimed = (u64)(cpuid(0x16).eax & 0xffff) * 1000;
	/* a CPU model that lies about its TSC would slow the guest's clock */
	c->hide_tsc_leaves =
		claimed && p->tsc_khz &&
		(claimed > p->tsc_khz + p->tsc_khz / 10 || claimed < p->tsc_khz - p->tsc_khz / 10);
	if (c->hide_tsc_leaves)
		pr_info("guest CPUID 0x15/0x16 hidden (claim %llu MHz, TSC %llu MHz)\n",
			(unsigned long long)(claimed / 1000),
			(unsigned long long)(p->tsc_khz / 1000));
}

static void intercepts(const struct guest_platform *p, struct vcpu_intercepts *ic)
{
	/* PCI config (0xcf8-0xcff, with reset control 0xcf9), the 8042 (reset
	 * and A20 through its output port), System Control Port A (reset, A20),
	 * the emulators' exit ports (QEMU isa-debug-exit, Bochs shutdown) */
	static const u16 fixed_ports[] = {
		0xcf8, 0xcf9, 0xcfa, 0xcfb, 0xcfc, 0xcfd, 0xcfe, 0xcff,
		0x60,  0x64,  0x92,  0xf4,  0xf5,  0xf6,  0xf7,	 0x8900
	};
	const struct acpi_fadt *f = &p->acpi->fadt;

	memset(ic, 0, sizeof(*ic));
	for (unsigned int i = 0; i < ARRAY_SIZE(fixed_ports); i++)
		ic->ports[ic->nr_ports++] = fixed_ports[i];
	if (f->present && f->pm1a_cnt) {
		ic->ports[ic->nr_ports++] = f->pm1a_cnt;
		ic->ports[ic->nr_ports++] = f->pm1a_cnt + 1;
	}
	if (f->present && f->pm1b_cnt) {
		ic->ports[ic->nr_ports++] = f->pm1b_cnt;
		ic->ports[ic->nr_ports++] = f->pm1b_cnt + 1;
	}
	exit_platform.pm1a_cnt = f->present ? f->pm1a_cnt : 0;
	exit_platform.pm1b_cnt = f->present ? f->pm1b_cnt : 0;
	ic->msrs[ic->nr_msrs++] = MSR_IA32_FEATURE_CONTROL;
	ic->msrs[ic->nr_msrs++] = MSR_IA32_EFER;
	ic->msrs[ic->nr_msrs++] = MSR_AMD_VM_CR;
	ic->msrs[ic->nr_msrs++] = MSR_AMD_VM_HSAVE_PA;
	monitor_init(ic); /* hides the control UART's ports */
}

static struct vtd_unit *guest_vtd;

/* Sidecore work: the vIOMMU's housekeeping, the physical unit's fault log. */
static void sidecore_work(unsigned int cpu)
{
	static u64 iter;

	(void)cpu;
	viommu_poll();
	monitor_poll();
	if (guest_vtd && (++iter & 0x3ff) == 0)
		vtd_fault_poll(guest_vtd);
}

/* At guest shutdown: is the sidecore still running (the guest cannot stop it)? */
static void sidecore_alive(void)
{
	smp_check_heartbeat(5);
}

static void reflect_fault(void *ctx, u16 sid, u64 addr, unsigned int reason, bool write)
{
	(void)ctx;
	viommu_reflect_fault(sid, addr, reason, write);
}

static void print_vtd_stats(void)
{
	vtd_print_stats(guest_vtd);
}

/*
 * The physical IOMMU confines the NIC to guest RAM: its domain maps every
 * RAM range of the guest's E820 (never the hypervisor's memory) and every
 * other device has no context entry. Without a unit, say so: DMA is
 * unprotected.
 */
static int protect_nic(const struct guest_platform *p)
{
	int err;

	if (!p->nic)
		return 0;
	if (!p->vtd) {
		printk("HV: no physical IOMMU: the NIC's DMA is unprotected\n");
		return 0;
	}
	err = vtd_setup_nic_identity(p->vtd, p->nic->bus, PCI_DEVFN(p->nic->dev, p->nic->fn),
				     plan.e820, plan.nr_e820);
	if (err)
		return err;
	guest_vtd = p->vtd;
	exit_add_shutdown_hook(print_vtd_stats);
	return 0;
}

#define VIOMMU_REG_GPA 0xfed90000ULL /* where q35 has its VT-d: free MMIO */

/* The emulated VT-d (viommu=): registered before the guest's ACPI and NPT. */
static int viommu_setup(const struct guest_platform *p)
{
	struct viommu_setup vs;

	if (hv_opts.viommu == VIOMMU_OFF || !p->nic)
		return 0;
	memset(&vs, 0, sizeof(vs));
	vs.cfg.reg_gpa = VIOMMU_REG_GPA;
	vs.cfg.levels = (unsigned int)hv_opts.viommu_levels;
	vs.cfg.mgaw = vs.cfg.levels == 4 ? 48 : 39;
	vs.cfg.sllps_2m = true;
	vs.cfg.sllps_1g = false;
	vs.cfg.phys_iommu = p->vtd != NULL;
	vs.cfg.nic_sid = (u16)PCI_BDF(p->nic->bus, p->nic->dev, p->nic->fn);
	vs.cfg.teardown_ms = (u32)hv_opts.teardown_ms;
	vs.cfg.teardown_cap = (u32)hv_opts.teardown_cap;
	vs.cfg.tsc_khz = p->tsc_khz;
	vs.vtd = p->vtd;
	vs.nic_bus = p->nic->bus;
	vs.nic_devfn = PCI_DEVFN(p->nic->dev, p->nic->fn);
	vs.trap = hv_opts.viommu == VIOMMU_TRAP;
	vs.guest_apic_id = p->guest_apic_id;
	return viommu_init(&vs);
}

int guest_launch(const struct guest_platform *p)
{
	const struct mbi_info *mbi = p->mbi;
	struct vcpu *v = &guest_vcpu;
	struct vcpu_intercepts ic;
	struct vcpu_boot_state s;
	struct mem_range acpi_region;
	enum cpu_vendor vendor = cpu_vendor();
	bool use_vmx = vendor == CPU_INTEL;
	gpa_t rsdp = 0;
	int err;

	if (mbi->nr_modules < 1) {
		printk("GUEST: cannot start: no guest kernel (multiboot2 module 1 must be the bzImage)\n");
		return -ENOENT;
	}
	if (mbi->nr_modules < 2) {
		printk("GUEST: cannot start: no initrd (multiboot2 module 2 must be the initramfs)\n");
		return -ENOENT;
	}
	if (vendor != CPU_INTEL && vendor != CPU_AMD) {
		printk("GUEST: cannot start: neither VMX nor SVM\n");
		return -ENODEV;
	}
	err = viommu_setup(p);
	if (err) {
		printk("GUEST: cannot start: emulated VT-d (%s)\n", errno_name(err));
		return err;
	}
	err = build_acpi(p, &acpi_region, &rsdp);
	if (err) {
		printk("GUEST: cannot start: guest ACPI tables (%s)\n", errno_name(err));
		return err;
	}
	err = boot_images(p, rsdp, &acpi_region);
	if (err)
		return err;
	guest_mem_init(plan.e820, plan.nr_e820);
	err = protect_nic(p);
	if (!err && hv_opts.viommu != VIOMMU_OFF && p->nic)
		err = viommu_start();

	if (err) {
		printk("GUEST: cannot start: the NIC's IOMMU domain (%s)\n", errno_name(err));
		return err;
	}
	if (hv_opts.viommu != VIOMMU_OFF && p->nic) {
		exit_add_shutdown_hook(viommu_print_stats);
		vtd_fault_set_sink(reflect_fault, NULL);
	}
	smp_set_sidecore_fn(sidecore_work);
	exit_add_shutdown_hook(sidecore_alive);
	vpci_init(&vpci, p->pci_ops, p->pci,
		  p->nic ? PCI_BDF(p->nic->bus, p->nic->dev, p->nic->fn) : VPCI_NO_NIC);
	vpci_print(&vpci);
	exit_platform.vpci = &vpci;
	intercepts(p, &ic);
	err = use_vmx ? vmx_init(v, &ic) : svm_init(v, &ic);
	if (err) {
		printk("GUEST: cannot start: %s backend unavailable (%s)\n",
		       use_vmx ? "VMX" : "SVM", errno_name(err));
		return err;
	}
	cpuid_policy(p, use_vmx);
	err = build_npt(p, use_vmx ? NPT_EPT : NPT_AMD);
	if (!err && viommu_page0_hpa()) /* sidecore mode: the polled register page */
		err = npt_map(&npt, VIOMMU_REG_GPA, viommu_page0_hpa(), PAGE_SIZE, NPT_MT_WB,
			      NPT_RWX);
	if (err) {
		printk("GUEST: cannot start: nested page tables (%s)\n", errno_name(err));
		return err;
	}
	guest_apic = p->guest_apic_id;
	memset(&s, 0, sizeof(s));
	s.rip = plan.entry64_pa;
	s.rsi = plan.zero_page_pa;
	s.rsp = plan.zero_page_pa; /* unused by the 64-bit entry; stays in RAM */
	s.rflags = BIT(1);
	s.cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
	s.cr3 = plan.pml4_pa;
	s.cr4 = X86_CR4_PAE;
	s.efer = MSR_EFER_LME | MSR_EFER_LMA;
	s.gdt_base = plan.gdt_pa;
	s.gdt_limit = GUEST_BOOT_GDT_SIZE - 1;
	s.cs_sel = GUEST_BOOT_CS;
	s.ds_sel = GUEST_BOOT_DS;
	s.npt_root = npt.root_pa;
	err = v->ops->setup(v, &s);
	if (err) {
		printk("GUEST: cannot start: %s set-up (%s)\n", v->ops->name, errno_name(err));
		return err;
	}
	printk("HV: launching guest: %s backend, entry %#llx, zero page %#llx\n", v->ops->name,
	       (unsigned long long)s.rip, (unsigned long long)s.rsi);
	v->ops->run(v);
}
