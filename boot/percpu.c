// SPDX-License-Identifier: MIT
/*
 * Per-CPU blocks. cpus[0] is the BSP; APs are numbered in MADT order.
 * GS base points at the block; nothing else in the hypervisor uses GS.
 */
#include "boot/percpu.h"
#include "boot/msr.h"
#include "boot/x86.h"
#include "lib/bitops.h"

struct cpu cpus[MAX_CPUS];
unsigned int nr_cpus;

void percpu_set(struct cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
}

bool percpu_on_stack(hva_t addr)
{
	struct cpu *c = this_cpu();

	if (!c)
		return false;
	if (range_within(addr, 8, c->stack_bottom, c->stack_top - c->stack_bottom))
		return true;
	return c->ist_bottom && range_within(addr, 8, c->ist_bottom, IST_COUNT * IST_STACK_SIZE);
}

const char *cpu_role_name(enum cpu_role role)
{
	switch (role) {
	case CPU_ROLE_GUEST:
		return "guest";
	case CPU_ROLE_SIDECORE:
		return "sidecore";
	case CPU_ROLE_PARKED:
		return "parked";
	default:
		return "none";
	}
}
