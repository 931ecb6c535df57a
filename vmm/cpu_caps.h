/* SPDX-License-Identifier: MIT */
/*
 * CPU vendor from the CPUID leaf 0 vendor string (SDM Vol. 2A / AMD APM
 * Vol. 3 CPUID Fn0000_0000). Picks the VMX or SVM backend at run time.
 */
#ifndef VMM_CPU_CAPS_H
#define VMM_CPU_CAPS_H

#include "lib/types.h"
#include "boot/x86.h"

enum cpu_vendor {
	CPU_INTEL,
	CPU_AMD, /* also Hygon (an AMD-compatible SVM implementation) */
	CPU_OTHER,
};

/** Vendor from a CPUID leaf 0 result (EBX, EDX, ECX hold the string). Pure. */
enum cpu_vendor cpu_vendor_from_cpuid(struct cpuid_regs leaf0);

/** This CPU's vendor. */
enum cpu_vendor cpu_vendor(void);

/** "intel", "amd" or "other". */
const char *cpu_vendor_name(enum cpu_vendor v);

#endif /* VMM_CPU_CAPS_H */
