/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data: one struct cpu per CPU, reached in O(1) through IA32_GS_BASE
 * (%gs:0 holds the block's own address). Fields another CPU touches live in
 * struct cpu_shared, each with its ordering rule.
 */
#ifndef BOOT_PERCPU_H
#define BOOT_PERCPU_H

#include "boot/gdt.h"
#include "lib/types.h"

#define MAX_CPUS 64
#define CPU_STACK_SIZE (16 * 1024)

enum cpu_role {
	CPU_ROLE_NONE = 0,
	CPU_ROLE_GUEST,	   /* the BSP: runs the guest vCPU */
	CPU_ROLE_SIDECORE, /* polls the emulated IOMMU */
	CPU_ROLE_PARKED,   /* halted with interrupts off; wakes only to stop */
};

enum cpu_state {
	CPU_STATE_OFF = 0,
	CPU_STATE_STARTING, /* written by the BSP before INIT-SIPI-SIPI */
	CPU_STATE_ONLINE,   /* written by the AP once its C code runs */
	CPU_STATE_STOPPED,  /* written by a CPU stopped by panic */
};

/*
 * Cross-CPU fields.
 *  state:     written by the owner with release, read by others with acquire.
 *  heartbeat: incremented by the owner (relaxed); read by others as a
 *             liveness hint only, never to order other data.
 */
struct cpu_shared {
	u32 state;
	s32 guard; /* the AP guard's result (smp_set_ap_guard), before ONLINE */
	u64 heartbeat;
} __aligned(64);

struct cpu {
	struct cpu *self; /* must stay first: this_cpu() reads %gs:0 */
	u32 index;	  /* 0 = BSP */
	u32 apic_id;
	enum cpu_role role;
	hva_t stack_top;
	hva_t stack_bottom;
	hva_t ist_bottom; /* IST_COUNT stacks of IST_STACK_SIZE from here */
	struct tss64 tss __aligned(16);
	u64 gdt[GDT_NR_ENTRIES] __aligned(16);
	struct cpu_shared shared;
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned int nr_cpus;

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ __volatile__("mov %%gs:0, %0" : "=r"(c));
	return c;
}

/** Make c the current CPU's block (writes IA32_GS_BASE). */
void percpu_set(struct cpu *c);
/** Is [addr, addr+8) inside the current CPU's normal or IST stacks? */
bool percpu_on_stack(hva_t addr);

const char *cpu_role_name(enum cpu_role role);

#endif /* BOOT_PERCPU_H */
