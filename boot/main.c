// SPDX-License-Identifier: MIT
/*
 * boot_main(): the hypervisor's whole bring-up as one readable sequence
 * (xv6 main.c style). Each step prints what it found; a missing platform
 * feature ends in "FATAL:", bad firmware input in a warning and a fallback.
 * The BSP becomes the guest CPU; the sidecore CPU polls in smp.c.
 */
#include "boot/console.h"
#include "boot/exception.h"
#include "boot/gdt.h"
#include "boot/mbi.h"
#include "boot/mm.h"
#include "boot/percpu.h"
#include "boot/smp.h"
#include "boot/version.h"
#include "boot/x86.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "drivers/uart.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/spinlock.h"

void __noreturn boot_main(u32 magic, u64 mbi_pa);

extern u8 boot_stack_top[];

static struct mbi_info mbi;
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

static void boot_info(u32 magic, u64 mbi_pa)
{
	int err = mbi_parse(magic, (const void *)(uintptr_t)mbi_pa, mbi_pa, &mbi);

	if (err == -EINVAL)
		hv_fatal("not started by a multiboot2 loader (magic %#x)", magic);
	if (err)
		pr_warn("HV: multiboot2 information is damaged (%s); using what was readable\n",
			errno_name(err));
}

void boot_main(u32 magic, u64 mbi_pa)
{
	console_init(UART_COM1);
	bsp_cpu_init();
	printk("\nSidevisor %s starting\n", SIDEVISOR_VERSION);

	boot_info(magic, mbi_pa);
	mbi_print(&mbi);
	if (!mbi.nr_mmap)
		hv_fatal("the boot loader gave no memory map");
	if (mm_init(&mbi, MiB(64)))
		hv_fatal("no room for the hypervisor's page pool below 4 GiB");
	mm_print();

	if (tsc_calibrate(TSC_CALIB_AUTO, 0))
		pr_warn("HV: delays are approximate\n");
	lapic_init();
	cpus[0].apic_id = lapic_id();

	{
		struct smp_cpu_desc d[2] = { { 0, true }, { 1, true } };

		smp_init(d, 2, cpus[0].apic_id, -1);
	}
	smp_check_heartbeat(20);

	printk("HV: ready\n");
	cpu_halt_forever();
}
