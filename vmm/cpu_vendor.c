// SPDX-License-Identifier: MIT
/*
 * CPU vendor from the CPUID leaf 0 vendor string (12 bytes in EBX, EDX,
 * ECX order). Used to pick the VMX or SVM backend at run time.
 */
#include "vmm/cpu_caps.h"
#include "lib/string.h"

static bool vendor_is(struct cpuid_regs r, const char *s)
{
	u32 w[3] = { r.ebx, r.edx, r.ecx };

	return memcmp(w, s, 12) == 0;
}

enum cpu_vendor cpu_vendor_from_cpuid(struct cpuid_regs leaf0)
{
	if (vendor_is(leaf0, "GenuineIntel"))
		return CPU_INTEL;
	if (vendor_is(leaf0, "AuthenticAMD") || vendor_is(leaf0, "HygonGenuine"))
		return CPU_AMD;
	return CPU_OTHER;
}

enum cpu_vendor cpu_vendor(void)
{
	return cpu_vendor_from_cpuid(cpuid(0));
}

const char *cpu_vendor_name(enum cpu_vendor v)
{
	switch (v) {
	case CPU_INTEL:
		return "intel";
	case CPU_AMD:
		return "amd";
	default:
		return "other";
	}
}
