/* SPDX-License-Identifier: MIT */
/* Intel VMX backend of the generic vCPU (vmm/vcpu.h). */
#ifndef VMM_VMX_H
#define VMM_VMX_H

#include "vmm/vcpu.h"
#include "vmm/vmx_caps.h"

/* Ports and MSRs the backend must intercept (set by the generic layer). */
struct vcpu_intercepts {
	u16 ports[32];
	unsigned int nr_ports;
	u32 msrs[32];
	unsigned int nr_msrs;
};

/**
 * Enable VMX on this CPU and prepare a backend for v (VMXON, VMCS, bitmaps).
 * Returns 0, -ENODEV (no usable VMX: EPT and unrestricted guest required).
 */
int __must_check vmx_init(struct vcpu *v, const struct vcpu_intercepts *ic);
/** VMXON on this non-guest CPU so the guest cannot INIT it. 0 or -errno. */
int __must_check vmx_block_init_this_cpu(void);
extern const struct vcpu_ops vmx_vcpu_ops;
/** What the guest CPUID must hide because VMX cannot pass it through. */
void vmx_cpuid_limits(bool *no_rdtscp, bool *no_invpcid, bool *no_xsaves);

#endif /* VMM_VMX_H */
