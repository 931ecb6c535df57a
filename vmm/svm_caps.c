// SPDX-License-Identifier: MIT
/*
 * AMD SVM capabilities: CPUID Fn8000_0001 ECX.SVM, Fn8000_000A (revision,
 * ASID count, feature bits; AMD APM Vol. 3 Appendix E) and VM_CR (APM Vol. 2
 * 15.30.1), decoded into struct svm_caps and printed as the "SVM:" inventory.
 * The decode is pure and host-tested; svm_caps_read() does the CPUID/RDMSR.
 */
#include "vmm/svm_caps.h"
#include "lib/errno.h"
#include "lib/string.h"
#define LOG_PREFIX "SVM: "
#include "lib/log.h"
#include "boot/msr.h"

void svm_caps_decode(u32 ecx_80000001, struct cpuid_regs leaf_8000000a, u64 vm_cr,
		     struct svm_caps *out)
{
	u32 f = leaf_8000000a.edx;

	memset(out, 0, sizeof(*out));
	/* Fn8000_000A is only defined when SVM is present. */
	if (!(ecx_80000001 & SVM_CPUID_80000001_ECX_SVM))
		return;
	out->present = true;
	out->revision = (u8)FIELD_GET(SVM_CPUID_EAX_REV, leaf_8000000a.eax);
	out->nr_asids = leaf_8000000a.ebx;
	out->features = f;
	out->npt = f & SVM_FEAT_NP;
	out->lbrv = f & SVM_FEAT_LBRV;
	out->svml = f & SVM_FEAT_SVML;
	out->nrips = f & SVM_FEAT_NRIPS;
	out->tsc_rate_msr = f & SVM_FEAT_TSC_RATE_MSR;
	out->vmcb_clean = f & SVM_FEAT_VMCB_CLEAN;
	out->flush_by_asid = f & SVM_FEAT_FLUSH_BY_ASID;
	out->decode_assists = f & SVM_FEAT_DECODE_ASSISTS;
	out->pause_filter = f & SVM_FEAT_PAUSE_FILTER;
	out->pause_filter_threshold = f & SVM_FEAT_PAUSE_FILTER_THRESHOLD;
	out->avic = f & SVM_FEAT_AVIC;
	out->vmsave_virt = f & SVM_FEAT_VMSAVE_VIRT;
	out->vgif = f & SVM_FEAT_VGIF;
	out->gmet = f & SVM_FEAT_GMET;
	out->x2avic = f & SVM_FEAT_X2AVIC;
	out->vnmi = f & SVM_FEAT_VNMI;
	out->vmcb_addr_chk = f & SVM_FEAT_VMCB_ADDR_CHK;

	out->vm_cr = vm_cr;
	out->vm_cr_lock = vm_cr & SVM_VM_CR_LOCK;
	out->disabled = vm_cr & SVM_VM_CR_SVMDIS;
	/* SVMDIS is writable (and can be cleared) until LOCK is set. */
	out->usable = !out->disabled || !out->vm_cr_lock;
}

int svm_caps_read(struct svm_caps *out)
{
	struct cpuid_regs leaf = { 0 };
	u32 max_ext = cpuid(0x80000000).eax;
	u32 ecx = 0;
	u64 vm_cr;

	memset(out, 0, sizeof(*out));
	if (max_ext >= 0x80000001)
		ecx = cpuid(0x80000001).ecx;
	if (!(ecx & SVM_CPUID_80000001_ECX_SVM))
		return -ENODEV;
	if (max_ext >= SVM_CPUID_LEAF)
		leaf = cpuid(SVM_CPUID_LEAF);
	else
		pr_warn("CPUID leaf 0x%x missing (max 0x%x)\n", SVM_CPUID_LEAF, max_ext);
	if (!rdmsr_safe(MSR_AMD_VM_CR, &vm_cr)) {
		pr_warn("VM_CR not readable; assuming SVM enabled\n");
		vm_cr = 0;
	}
	svm_caps_decode(ecx, leaf, vm_cr, out);
	return 0;
}

void svm_caps_print(const struct svm_caps *c)
{
	printk("SVM: rev=%u asids=%u npt=%d nrips=%d decode_assists=%d vmcb_clean=%d flush_by_asid=%d pause_filter=%d avic=%d vgif=%d lbrv=%d svm_lock=%d disabled=%d svml=%d vmsave_virt=%d tsc_rate=%d pause_threshold=%d vnmi=%d vmcb_addr_chk=%d edx=0x%08x vm_cr=0x%lx usable=%d\n",
	       c->revision, c->nr_asids, c->npt, c->nrips, c->decode_assists, c->vmcb_clean,
	       c->flush_by_asid, c->pause_filter, c->avic, c->vgif, c->lbrv, c->vm_cr_lock,
	       c->disabled, c->svml, c->vmsave_virt, c->tsc_rate_msr, c->pause_filter_threshold,
	       c->vnmi, c->vmcb_addr_chk, c->features, c->vm_cr, c->usable);
}
