/* SPDX-License-Identifier: MIT */
/* AMD SVM backend of the generic vCPU (vmm/vcpu.h). */
#ifndef VMM_SVM_H
#define VMM_SVM_H

#include "vmm/vcpu.h"
#include "vmm/vmx.h" /* struct vcpu_intercepts */

/** EFER.SVME, VM_HSAVE_PA, VMCB and permission maps. 0 or -ENODEV. */
int __must_check svm_init(struct vcpu *v, const struct vcpu_intercepts *ic);
extern const struct vcpu_ops svm_vcpu_ops;
void svm_cpuid_limits(bool *no_rdtscp, bool *no_invpcid, bool *no_xsaves);

#endif /* VMM_SVM_H */
