// SPDX-License-Identifier: MIT
/*
 * AP bring-up and CPU roles. APs are started one at a time through the same
 * trampoline page and parameter block (SDM Vol. 3A 9.4.4.1: INIT, 10 ms,
 * SIPI, 200 us, second SIPI only if the AP has not arrived). Every wait is
 * bounded; an AP that does not come up is reported and left out.
 *
 * The sidecore runs sidecore_loop(): it bumps its heartbeat and calls the
 * installed work function (the vIOMMU poller, once there is one), with PAUSE
 * on every iteration.
 */
#define LOG_PREFIX "HV: "
#include "boot/smp.h"
#include "boot/exception.h"
#include "boot/gdt.h"
#include "boot/mm.h"
#include "boot/percpu.h"
#include "boot/x86.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "lib/string.h"

#define AP_ONLINE_TIMEOUT_US 500000
#define AP_FIRST_SIPI_WAIT_US 200

extern const u8 __ap_trampoline_start[], __ap_trampoline_end[];

static int sidecore_idx = -1;
static smp_sidecore_fn sidecore_work; /* release/acquire: installed later */
static smp_ap_guard_fn ap_guard;
static const char *ap_guard_what;

void smp_set_ap_guard(smp_ap_guard_fn fn, const char *what)
{
	ap_guard = fn;
	ap_guard_what = what;
}

static bool cpu_online(const struct cpu *c)
{
	return LOAD_ACQUIRE(c->shared.state) == CPU_STATE_ONLINE;
}

static void __noreturn sidecore_loop(struct cpu *c)
{
	for (;;) {
		smp_sidecore_fn fn = LOAD_ACQUIRE(sidecore_work);

		__atomic_fetch_add(&c->shared.heartbeat, 1, __ATOMIC_RELAXED);
		if (fn)
			fn(c->index);
		cpu_relax();
	}
}

/* C entry of every AP, called by the trampoline on its own stack. */
void __noreturn ap_entry(struct cpu *c);
void __noreturn ap_entry(struct cpu *c)
{
	hva_t ist[IST_COUNT];

	percpu_set(c);
	for (int i = 0; i < IST_COUNT; i++)
		ist[i] = c->ist_bottom + (u64)(i + 1) * IST_STACK_SIZE;
	gdt_load_percpu(c, ist);
	idt_load();
	lapic_init_ap();
	c->shared.guard = ap_guard ? ap_guard() : 0;
	STORE_RELEASE(c->shared.state, (u32)CPU_STATE_ONLINE);
	if (c->role == CPU_ROLE_SIDECORE)
		sidecore_loop(c);
	cpu_halt_forever();
}

static bool alloc_stacks(struct cpu *c)
{
	u8 *stack = mm_alloc_pages(CPU_STACK_SIZE / PAGE_SIZE);
	u8 *ist = mm_alloc_pages(IST_COUNT * IST_STACK_SIZE / PAGE_SIZE);

	if (!stack || !ist)
		return false;
	c->stack_bottom = (hva_t)(uintptr_t)stack;
	c->stack_top = c->stack_bottom + CPU_STACK_SIZE;
	c->ist_bottom = (hva_t)(uintptr_t)ist;
	return true;
}

static bool start_ap(struct cpu *c)
{
	volatile struct ap_boot_params *p =
		(volatile struct ap_boot_params *)(uintptr_t)AP_PARAMS_PA;

	if (!alloc_stacks(c)) {
		pr_err("cpu %u: out of memory for stacks\n", c->index);
		return false;
	}
	p->cr3 = read_cr3();
	p->stack_top = c->stack_top;
	p->cpu = (u64)(uintptr_t)c;
	p->entry = (u64)(uintptr_t)ap_entry;
	STORE_RELEASE(c->shared.state, (u32)CPU_STATE_STARTING);
	mfence();

	if (!lapic_send_init(c->apic_id))
		return false;
	mdelay(10);
	if (!lapic_send_sipi(c->apic_id, AP_TRAMPOLINE_PA >> PAGE_SHIFT))
		return false;
	if (tsc_wait_until(AP_FIRST_SIPI_WAIT_US, cpu_online(c)))
		return true;
	if (!lapic_send_sipi(c->apic_id, AP_TRAMPOLINE_PA >> PAGE_SHIFT))
		return false;
	return tsc_wait_until(AP_ONLINE_TIMEOUT_US, cpu_online(c));
}

static void print_guard(const struct cpu *c)
{
	if (!ap_guard)
		printk("HV: cpu %u: INIT from the guest not blocked (no guard on this platform)\n",
		       c->index);
	else if (c->shared.guard)
		printk("HV: cpu %u: INIT from the guest not blocked: %s failed (%s)\n", c->index,
		       ap_guard_what, errno_name(c->shared.guard));
	else
		printk("HV: cpu %u: INIT from the guest blocked (%s)\n", c->index, ap_guard_what);
}

static void assign_roles(s64 sidecore)
{
	if (nr_cpus < 2) {
		sidecore_idx = -1;
	} else if (sidecore < 0) {
		sidecore_idx = (int)nr_cpus - 1;
	} else if (sidecore == 0 || (u64)sidecore >= nr_cpus) {
		pr_warn("sidecore=%lld is not a usable CPU (0 is the guest's, %u CPUs); using %u\n",
			(long long)sidecore, nr_cpus, nr_cpus - 1);
		sidecore_idx = (int)nr_cpus - 1;
	} else {
		sidecore_idx = (int)sidecore;
	}
	for (unsigned int i = 0; i < nr_cpus; i++)
		cpus[i].role = i == 0			? CPU_ROLE_GUEST
			       : (int)i == sidecore_idx ? CPU_ROLE_SIDECORE
							: CPU_ROLE_PARKED;
}

static void install_trampoline(void)
{
	/* both symbols bound one linker section: their difference is its size */
	// cppcheck-suppress comparePointers
	size_t len = (size_t)(__ap_trampoline_end - __ap_trampoline_start);

	memcpy((void *)(uintptr_t)AP_TRAMPOLINE_PA, __ap_trampoline_start, len);
}

unsigned int smp_init(const struct smp_cpu_desc *descs, unsigned int n, u32 bsp_apic_id,
		      s64 sidecore)
{
	unsigned int online = 1;

	/* cpus[0] (the BSP) was set up by boot_main; APs follow in MADT order */
	nr_cpus = 1;
	for (unsigned int i = 0; i < n && nr_cpus < MAX_CPUS; i++) {
		if (!descs[i].enabled || descs[i].apic_id == bsp_apic_id)
			continue;
		cpus[nr_cpus].index = nr_cpus;
		cpus[nr_cpus].apic_id = descs[i].apic_id;
		nr_cpus++;
	}
	assign_roles(sidecore);
	printk("HV: cpus=%u bsp_apic=%u\n", nr_cpus, bsp_apic_id);
	for (unsigned int i = 0; i < nr_cpus; i++)
		printk("HV: cpu %u apic=%u role=%s\n", i, cpus[i].apic_id,
		       cpu_role_name(cpus[i].role));

	install_trampoline();
	for (unsigned int i = 1; i < nr_cpus; i++) {
		if (start_ap(&cpus[i])) {
			online++;
			if (cpus[i].role == CPU_ROLE_SIDECORE)
				printk("HV: sidecore online cpu=%u\n", i);
			else
				printk("HV: cpu %u online (parked)\n", i);
			print_guard(&cpus[i]);
		} else {
			pr_err("cpu %u (apic %u) did not start\n", i, cpus[i].apic_id);
			if ((int)i == sidecore_idx)
				sidecore_idx = -1;
			cpus[i].role = CPU_ROLE_NONE;
		}
	}
	if (sidecore_idx < 0)
		printk("HV: no sidecore (needs a second CPU)\n");
	return online;
}

int smp_sidecore_index(void)
{
	return sidecore_idx;
}

void smp_set_sidecore_fn(smp_sidecore_fn fn)
{
	STORE_RELEASE(sidecore_work, fn);
}

void smp_check_heartbeat(unsigned int ms)
{
	struct cpu *c;
	u64 a, b;

	if (sidecore_idx < 0)
		return;
	c = &cpus[sidecore_idx];
	if (this_cpu() == c) { /* asked from the sidecore's own loop (control port) */
		printk("HV: sidecore heartbeat cpu=%d (this CPU: running)\n", sidecore_idx);
		return;
	}
	a = READ_ONCE(c->shared.heartbeat);
	mdelay(ms);
	b = READ_ONCE(c->shared.heartbeat);
	printk("HV: sidecore heartbeat cpu=%d %llu -> %llu%s\n", sidecore_idx,
	       (unsigned long long)a, (unsigned long long)b, b > a ? "" : " (STALLED)");
}

void smp_stop_others(void)
{
	if (nr_cpus > 1)
		lapic_send_nmi_all_but_self();
}
