/* SPDX-License-Identifier: MIT */
/*
 * Application-processor bring-up (INIT-SIPI-SIPI through a real-mode
 * trampoline below 1 MiB, SDM Vol. 3A 9.4.4) and CPU roles.
 */
#ifndef BOOT_SMP_H
#define BOOT_SMP_H

#include "lib/types.h"

/* The trampoline page and its parameter block (below 1 MiB, < 64 KiB). */
#define AP_TRAMPOLINE_PA 0x8000
#define AP_PARAMS_OFFSET 0xf00
#define AP_PARAMS_PA (AP_TRAMPOLINE_PA + AP_PARAMS_OFFSET)

/* Filled by the BSP before each SIPI; read by ap_trampoline.asm. */
struct ap_boot_params {
	u64 cr3;
	u64 stack_top;
	u64 cpu;   /* struct cpu * passed to the C entry */
	u64 entry; /* void entry(struct cpu *) */
};

/* One CPU as firmware describes it (MADT), in MADT order. */
struct smp_cpu_desc {
	u32 apic_id;
	bool enabled;
};

/** What a role-less AP runs; the sidecore's work function is replaceable. */
typedef void (*smp_sidecore_fn)(unsigned int cpu_index);
/* Run on every AP before it reports online: 0 or -errno (see smp_set_ap_guard). */
typedef int (*smp_ap_guard_fn)(void);

/**
 * Before smp_init: each AP (sidecore, parked) runs fn first, to make itself
 * immune to the guest (e.g. VMX root operation blocks INIT); the result is
 * printed with the AP's online line. NULL: nothing to run.
 */
void smp_set_ap_guard(smp_ap_guard_fn fn, const char *what);

/**
 * Assign roles (BSP = guest, sidecore = index `sidecore` or the highest when
 * < 0, the rest parked) and start every AP. Returns the number online.
 */
unsigned int smp_init(const struct smp_cpu_desc *descs, unsigned int n, u32 bsp_apic_id,
		      s64 sidecore);
/** Index of the sidecore CPU, or -1 when there is none. */
int smp_sidecore_index(void);
/** Install the function the sidecore polls in (before or after smp_init). */
void smp_set_sidecore_fn(smp_sidecore_fn fn);
/** Read the sidecore's heartbeat twice `ms` apart and print it. */
void smp_check_heartbeat(unsigned int ms);
/** NMI every other CPU (panic path); safe from any context. */
void smp_stop_others(void);

#endif /* BOOT_SMP_H */
