/* SPDX-License-Identifier: MIT */
/*
 * AMD SVM capabilities: CPUID Fn8000_0001 ECX[2] (SVM), CPUID Fn8000_000A
 * (revision, ASIDs, feature bits; AMD APM Vol. 3 Appendix E) and the VM_CR
 * MSR (APM Vol. 2 15.30.1). Decoding is pure; svm_caps_read() is the only
 * part that touches the CPU.
 */
#ifndef VMM_SVM_CAPS_H
#define VMM_SVM_CAPS_H

#include "lib/bitops.h"
#include "lib/types.h"
#include "boot/x86.h"

/* CPUID Fn8000_0001 ECX */
#define SVM_CPUID_80000001_ECX_SVM BIT(2)
#define SVM_CPUID_LEAF 0x8000000a

/* CPUID Fn8000_000A EAX/EBX */
#define SVM_CPUID_EAX_REV GENMASK(7, 0) /* SVM revision */
/* EBX: number of ASIDs (ASID 0 is the host's) */

/* CPUID Fn8000_000A EDX: SVM features (bits not listed: reserved/not used) */
#define SVM_FEAT_NP BIT(0)	      /* nested paging */
#define SVM_FEAT_LBRV BIT(1)	      /* LBR virtualization */
#define SVM_FEAT_SVML BIT(2)	      /* SVM lock (VM_CR.LOCK key) */
#define SVM_FEAT_NRIPS BIT(3)	      /* next RIP saved on #VMEXIT */
#define SVM_FEAT_TSC_RATE_MSR BIT(4)  /* TSC ratio MSR */
#define SVM_FEAT_VMCB_CLEAN BIT(5)    /* VMCB clean bits */
#define SVM_FEAT_FLUSH_BY_ASID BIT(6) /* TLB_CONTROL 3/7 */
#define SVM_FEAT_DECODE_ASSISTS BIT(7)
#define SVM_FEAT_PAUSE_FILTER BIT(10)
#define SVM_FEAT_PAUSE_FILTER_THRESHOLD BIT(12)
#define SVM_FEAT_AVIC BIT(13)
#define SVM_FEAT_VMSAVE_VIRT BIT(15) /* virtualized VMSAVE/VMLOAD */
#define SVM_FEAT_VGIF BIT(16)	     /* virtual GIF */
#define SVM_FEAT_GMET BIT(17)	     /* guest mode execute trap */
#define SVM_FEAT_X2AVIC BIT(18)
#define SVM_FEAT_SPEC_CTRL BIT(20)     /* SPEC_CTRL virtualization */
#define SVM_FEAT_VNMI BIT(25)	       /* virtual NMI */
#define SVM_FEAT_VMCB_ADDR_CHK BIT(28) /* VMRUN checks VMCB address */

/* VM_CR (MSR_AMD_VM_CR) */
#define SVM_VM_CR_DPD BIT(0)	/* debug port disable */
#define SVM_VM_CR_R_INIT BIT(1) /* INIT as #SX */
#define SVM_VM_CR_DIS_A20M BIT(2)
#define SVM_VM_CR_LOCK BIT(3)	/* SVMDIS is read-only */
#define SVM_VM_CR_SVMDIS BIT(4) /* EFER.SVME must be zero */

struct svm_caps {
	bool present; /* CPUID Fn8000_0001 ECX.SVM */
	u8 revision;
	u32 nr_asids;
	u32 features; /* raw Fn8000_000A EDX */
	bool npt, lbrv, svml, nrips, tsc_rate_msr, vmcb_clean, flush_by_asid;
	bool decode_assists, pause_filter, pause_filter_threshold;
	bool avic, vmsave_virt, vgif, gmet, x2avic, vnmi, vmcb_addr_chk;

	u64 vm_cr;
	bool vm_cr_lock; /* VM_CR.LOCK */
	bool disabled;	 /* VM_CR.SVMDIS: EFER.SVME cannot be set */
	bool usable;	 /* present and (enabled, or SVMDIS not locked) */
};

/** Decode CPUID Fn8000_0001 ECX, Fn8000_000A and VM_CR (pure). */
void svm_caps_decode(u32 ecx_80000001, struct cpuid_regs leaf_8000000a, u64 vm_cr,
		     struct svm_caps *out);

/** CPUID/MSR read and decode. -ENODEV when the CPU has no SVM. */
int __must_check svm_caps_read(struct svm_caps *out);

/** Print the "SVM: rev=..." inventory line. */
void svm_caps_print(const struct svm_caps *c);

#endif /* VMM_SVM_CAPS_H */
