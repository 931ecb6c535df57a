/* SPDX-License-Identifier: MIT */
/*
 * What the guest sees of CPUID: the host's values with virtualization
 * hidden (VMX, SVM), the hypervisor bit set, a "Sidevisor" leaf at
 * 0x40000000, a one-CPU topology, and features the backend cannot let the
 * guest use removed. Pure: the caller supplies the host's raw values.
 */
#ifndef VMM_CPUID_H
#define VMM_CPUID_H

#include "boot/x86.h"
#include "lib/types.h"

#define CPUID_HV_BASE 0x40000000
#define CPUID_HV_MAX 0x40000001
#define CPUID_HV_SIGNATURE "Sidevisor\0\0\0" /* EBX, ECX, EDX */

/* Feature bits touched (SDM Vol. 2A CPUID; AMD APM Vol. 3 E.3) */
#define CPUID_1_ECX_VMX BIT(5)
#define CPUID_1_ECX_X2APIC BIT(21)
#define CPUID_1_ECX_HYPERVISOR BIT(31)
#define CPUID_1_EDX_HTT BIT(28)
#define CPUID_7_EBX_INVPCID BIT(10)
#define CPUID_7_ECX_RDPID BIT(22)
#define CPUID_D1_EAX_XSAVES BIT(3)
#define CPUID_80000001_ECX_SVM BIT(2)
#define CPUID_80000001_EDX_RDTSCP BIT(27)

struct cpuid_policy {
	bool hide_rdtscp; /* backend cannot pass RDTSCP (and RDPID) through */
	bool hide_invpcid;
	bool hide_xsaves;
	bool hide_tsc_leaves; /* CPUID 0x15/0x16 disagree with the real TSC */
	u32 guest_apic_id;
};

/** Rewrite r (the host's answer to leaf/subleaf) into the guest's answer. */
void cpuid_filter(const struct cpuid_policy *p, u32 leaf, u32 subleaf, struct cpuid_regs *r);

#endif /* VMM_CPUID_H */
