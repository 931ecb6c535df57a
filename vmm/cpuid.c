// SPDX-License-Identifier: MIT
/*
 * Guest CPUID policy. The guest owns one physical CPU, so most leaves pass
 * through; the changes are the ones that keep the guest from seeing (or
 * trying to use) the virtualization hardware and the other CPUs.
 */
#include "vmm/cpuid.h"
#include "lib/bitops.h"
#include "lib/string.h"

static void hv_leaves(u32 leaf, struct cpuid_regs *r)
{
	const char *sig = CPUID_HV_SIGNATURE;

	memset(r, 0, sizeof(*r));
	if (leaf == CPUID_HV_BASE) {
		r->eax = CPUID_HV_MAX;
		memcpy(&r->ebx, sig, 4);
		memcpy(&r->ecx, sig + 4, 4);
		memcpy(&r->edx, sig + 8, 4);
	} else if (leaf == CPUID_HV_MAX) {
		r->eax = 0x00000001; /* interface version */
	}
}

void cpuid_filter(const struct cpuid_policy *p, u32 leaf, u32 subleaf, struct cpuid_regs *r)
{
	if (leaf >= CPUID_HV_BASE && leaf <= 0x4fffffff) {
		hv_leaves(leaf, r);
		return;
	}
	switch (leaf) {
	case 0x1:
		r->ecx &= ~(u32)CPUID_1_ECX_VMX;
		r->ecx |= CPUID_1_ECX_HYPERVISOR;
		/* one logical processor per package, the guest CPU's APIC id */
		r->ebx = (r->ebx & 0x0000ffffu) | (1u << 16) | (p->guest_apic_id << 24);
		r->edx &= ~(u32)CPUID_1_EDX_HTT;
		break;
	case 0x4:
		/* cores per package - 1 = 0; threads sharing a cache - 1 = 0 */
		r->eax &= 0x00003fffu;
		break;
	case 0x7:
		if (subleaf == 0 && p->hide_invpcid)
			r->ebx &= ~(u32)CPUID_7_EBX_INVPCID;
		/* VMX: RDPID, like RDTSCP, #UDs unless "enable RDTSCP" is set */
		if (subleaf == 0 && p->hide_rdtscp)
			r->ecx &= ~(u32)CPUID_7_ECX_RDPID;
		break;
	case 0xb:
	case 0x1f:
		/* x2APIC topology: one thread, one core */
		if ((r->ecx & 0xff00) != 0) {
			r->eax = 0;
			r->ebx = 1;
			r->ecx = (r->ecx & 0xffffff00u) | (subleaf & 0xff);
			if (subleaf > 1) {
				r->ebx = 0;
				r->ecx = subleaf & 0xff;
			}
		}
		r->edx = p->guest_apic_id;
		break;
	case 0xd:
		if (subleaf == 1 && p->hide_xsaves)
			r->eax &= ~(u32)CPUID_D1_EAX_XSAVES;
		break;
	case 0x15:
	case 0x16:
		if (p->hide_tsc_leaves)
			memset(r, 0, sizeof(*r));
		break;
	case 0x80000001:
		r->ecx &= ~(u32)CPUID_80000001_ECX_SVM;
		if (p->hide_rdtscp)
			r->edx &= ~(u32)CPUID_80000001_EDX_RDTSCP;
		break;
	case 0x80000008:
		r->ecx &= ~0xffu; /* AMD: number of cores - 1 = 0 */
		break;
	case 0x8000000a: /* AMD SVM leaf: no SVM */
		memset(r, 0, sizeof(*r));
		break;
	default:
		break;
	}
}
