// SPDX-License-Identifier: MIT
/*
 * boot_main(): the hypervisor's whole bring-up as one readable sequence
 * (xv6 main.c style). Each step prints what it found; a missing platform
 * feature ends in "FATAL:", bad firmware input in a warning and a fallback.
 * The BSP becomes the guest CPU; the sidecore CPU polls in smp.c.
 */
#include "boot/cmdline.h"
#include "boot/console.h"
#include "boot/exception.h"
#include "boot/gdt.h"
#include "boot/integrity.h"
#include "boot/mbi.h"
#include "boot/mm.h"
#include "boot/multiboot2.h"
#include "boot/paging.h"
#include "boot/percpu.h"
#include "boot/smp.h"
#include "boot/version.h"
#include "boot/x86.h"
#include "drivers/acpi.h"
#include "drivers/lapic.h"
#include "drivers/pci.h"
#include "drivers/tsc.h"
#include "drivers/uart.h"
#include "drivers/vtd.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "vmm/cpu_caps.h"
#include "vmm/guest.h"
#include "vmm/svm_caps.h"
#include "vmm/vmx.h"
#include "vmm/vmx_caps.h"

void __noreturn boot_main(u32 magic, u64 mbi_pa);

extern u8 boot_stack_top[];

/* What boot found; too big for the stack, and kept for the later stages. */
static struct mbi_info mbi;
static struct acpi_info acpi;
static struct pci_bus_info pci;
static struct pci_ecam pci_ecam;
static struct pci_cf8 pci_cf8;
static struct vtd_unit vtd_units[ACPI_DMAR_MAX_DRHD];
static unsigned int nr_vtd_units;
static const struct pci_dev *nic;
static u8 bsp_ist[IST_COUNT][IST_STACK_SIZE] __aligned(16);

/* Per-CPU block, GDT/TSS and IDT for the BSP (APs do the same in smp.c). */
static void bsp_cpu_init(void)
{
	struct cpu *c = &cpus[0];
	hva_t ist[IST_COUNT];

	c->index = 0;
	c->role = CPU_ROLE_GUEST;
	c->stack_top = (hva_t)(uintptr_t)boot_stack_top;
	c->stack_bottom = c->stack_top - CPU_STACK_SIZE;
	c->ist_bottom = (hva_t)(uintptr_t)bsp_ist;
	for (int i = 0; i < IST_COUNT; i++)
		ist[i] = (hva_t)(uintptr_t)bsp_ist[i] + IST_STACK_SIZE;
	percpu_set(c);
	gdt_load_percpu(c, ist);
	idt_load();
	STORE_RELEASE(c->shared.state, (u32)CPU_STATE_ONLINE);
	nr_cpus = 1;
}

/* Multiboot2 information and the command line; the console may move. */
static void boot_info(u32 magic, u64 mbi_pa)
{
	int err = mbi_parse(magic, (const void *)(uintptr_t)mbi_pa, mbi_pa, &mbi);

	if (err == -EINVAL)
		hv_fatal("not started by a multiboot2 loader (magic %#x)", magic);
	if (err)
		printk("HV: multiboot2 information is damaged (%s); using what was readable\n",
		       errno_name(err));
	hv_options_parse(mbi.cmdline);
	if (hv_opts.console != UART_COM1)
		console_init((u16)hv_opts.console);
	log_set_level((enum log_level)hv_opts.loglevel);
	console_set_panic_action((enum console_panic_action)hv_opts.panic);
	mbi_print(&mbi);
	hv_options_print();
}

/* The page pool, and uncached mappings for everything that is not RAM. */
static void memory_init(void)
{
	static struct mem_range ram[MBI_MAX_MMAP];
	unsigned int nr = 0;

	if (!mbi.nr_mmap)
		hv_fatal("the boot loader gave no memory map");
	if (mm_init(&mbi, hv_opts.hv_mem))
		hv_fatal("no room for a %llu MiB page pool below 4 GiB (hv_mem=)",
			 (unsigned long long)(hv_opts.hv_mem >> 20));
	for (unsigned int i = 0; i < mbi.nr_mmap; i++)
		if (mbi.mmap[i].type == MB2_MMAP_AVAILABLE ||
		    mbi.mmap[i].type == MB2_MMAP_ACPI_RECLAIMABLE ||
		    mbi.mmap[i].type == MB2_MMAP_NVS)
			ram[nr++] = (struct mem_range){ mbi.mmap[i].base, mbi.mmap[i].len,
							mbi.mmap[i].type };
	paging_mark_mmio(ram, nr);
	mm_print();
}

static void firmware_init(void)
{
	int err = acpi_init(&acpi_mem_identity, mbi.rsdp, &acpi);

	if (err)
		printk("ACPI: unusable (%s): one CPU, no PCI ECAM, no IOMMU\n", errno_name(err));
	acpi_print(&acpi);
}

static void timers_init(void)
{
	static const enum tsc_calib_source src[] = {
		[TSC_AUTO] = TSC_CALIB_AUTO,
		[TSC_HPET] = TSC_CALIB_HPET,
		[TSC_PIT] = TSC_CALIB_PIT,
		[TSC_CPUID] = TSC_CALIB_CPUID,
	};
	hpa_t hpet = acpi.hpet.present ? acpi.hpet.base : 0;

	if (tsc_calibrate(src[hv_opts.tsc], hpet))
		printk("HV: TSC not calibrated; delays are approximate\n");
	lapic_init();
	cpus[0].apic_id = lapic_id();
}

static void pci_init(void)
{
	const struct pci_cfg_ops *ops = &pci_cf8.ops;

	pci_cf8_ops_init(&pci_cf8);
	for (unsigned int i = 0; i < acpi.mcfg.nr_ecam; i++) {
		const struct acpi_ecam *e = &acpi.mcfg.ecam[i];

		if (e->segment == 0 &&
		    !pci_ecam_ops_init(&pci_ecam, e->base, e->start_bus, e->end_bus)) {
			ops = &pci_ecam.ops;
			break;
		}
	}
	if (pci_enumerate(ops, 0, &pci))
		printk("PCI: enumeration failed\n");
	pci_print(&pci);
	if (hv_opts.dump_pci)
		pci_dump_config(ops, &pci);
	nic = pci_choose_nic(&pci, hv_opts.nic_set, hv_opts.nic_bdf);
	pci_print_nic(nic);
}

static void iommu_init(void)
{
	for (unsigned int i = 0; i < acpi.dmar.nr_drhd; i++) {
		const struct acpi_drhd *d = &acpi.dmar.drhd[i];
		struct vtd_unit *u = &vtd_units[nr_vtd_units];
		u64 size = PAGE_SIZE << d->size;

		if (vtd_probe_sized(d->base, size, u)) {
			printk("VTD: drhd %u base=%#llx unusable; ignored\n", i,
			       (unsigned long long)d->base);
			continue;
		}
		vtd_print(u, nr_vtd_units++);
	}
	if (!nr_vtd_units)
		printk("HV: no physical IOMMU: guest DMA will be unprotected\n");
}

static void virt_caps_init(void)
{
	static struct vmx_caps vmx;
	static struct svm_caps svm;
	enum cpu_vendor v = cpu_vendor();

	printk("HV: cpu vendor %s\n", cpu_vendor_name(v));
	if (v == CPU_INTEL && !vmx_caps_read(&vmx))
		vmx_caps_print(&vmx);
	else if (v == CPU_AMD && !svm_caps_read(&svm))
		svm_caps_print(&svm);
	else
		printk("HV: no usable hardware virtualization (VMX or SVM)\n");
}

static void cpus_init(void)
{
	static struct smp_cpu_desc descs[ACPI_MAX_CPUS];
	unsigned int n = 0;

	for (unsigned int i = 0; i < acpi.madt.nr_cpus && n < ACPI_MAX_CPUS; i++)
		descs[n++] = (struct smp_cpu_desc){
			.apic_id = acpi.madt.cpus[i].apic_id,
			.enabled = acpi_cpu_enabled(&acpi.madt.cpus[i]),
		};
	if (!acpi.madt.present)
		printk("HV: no MADT: running on the boot CPU only\n");
	/* Intel: APs stay in VMX root operation, where INIT is blocked */
	if (cpu_vendor() == CPU_INTEL)
		smp_set_ap_guard(vmx_block_init_this_cpu, "VMX root operation");
	smp_init(descs, n, cpus[0].apic_id, hv_opts.sidecore);
	smp_check_heartbeat(20);
}

/* Hand the BSP to the guest; returns only if the guest cannot start. */
static void guest_start(void)
{
	static hpa_t iommu_regs[ACPI_DMAR_MAX_DRHD];
	static u64 iommu_sizes[ACPI_DMAR_MAX_DRHD];
	struct guest_platform p = {
		.mbi = &mbi,
		.acpi = &acpi,
		.pci = &pci,
		.pci_ops = pci.ops,
		.nic = nic,
		.vtd = nr_vtd_units ? &vtd_units[0] : NULL,
		.iommu_regs = iommu_regs,
		.iommu_sizes = iommu_sizes,
		.guest_apic_id = cpus[0].apic_id,
		.tsc_khz = tsc_khz(),
	};

	for (unsigned int i = 0; i < acpi.dmar.nr_drhd; i++) {
		iommu_regs[p.nr_iommus] = acpi.dmar.drhd[i].base;
		iommu_sizes[p.nr_iommus++] = PAGE_SIZE << acpi.dmar.drhd[i].size;
	}
	for (unsigned int i = 0; i < acpi.mcfg.nr_ecam; i++) {
		const struct acpi_ecam *e = &acpi.mcfg.ecam[i];

		if (e->segment == 0) {
			p.ecam_base = e->base + ((u64)e->start_bus << 20);
			p.ecam_size = (u64)(e->end_bus - e->start_bus + 1) << 20;
		}
	}
	guest_launch(&p);
}

void boot_main(u32 magic, u64 mbi_pa)
{
	console_init(UART_COM1);
	bsp_cpu_init();
	printk("\nSidevisor %s starting\n", SIDEVISOR_VERSION);

	boot_info(magic, mbi_pa); /* multiboot2 info, command line */
	memory_init();		  /* page pool, MMIO uncached */
	firmware_init();	  /* ACPI: MADT, FADT, MCFG, HPET, DMAR */
	timers_init();		  /* TSC calibration, LAPIC */
	pci_init();		  /* all buses, the NIC */
	iommu_init();		  /* physical VT-d units */
	virt_caps_init();	  /* VMX or SVM capabilities */
	cpus_init();		  /* APs: sidecore online, others parked */

	if (hv_opts.test_panic)
		panic("test_panic=1 on the command line: deliberate panic");
	printk("HV: ready\n");
	integrity_record(); /* checked when the guest ends (vmm/exit.c) */
	guest_start();	    /* the BSP becomes the guest CPU */
	printk("HV: no guest running; halted\n");
	cpu_halt_forever();
}
