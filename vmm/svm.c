// SPDX-License-Identifier: MIT
/*
 * AMD SVM backend: EFER.SVME, host save area, VMCB for the Linux 64-bit
 * entry state, I/O and MSR permission maps, nested paging, exit decoding
 * into struct vcpu_exit, event injection. APM Vol. 2 chapter 15.
 * Works without NRIPS, decode assists, clean bits and flush-by-ASID (QEMU
 * TCG has none of them): the instruction length then comes from decoding
 * the guest's instruction (vmm/guest_mem.c), clean bits are always 0 and
 * TLB flushes use TLB_CONTROL=1 (flush all).
 */
#define LOG_PREFIX "svm: "
#include "vmm/svm.h"
#include "boot/mm.h"
#include "boot/msr.h"
#include "boot/x86.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmm/exit_qual.h"
#include "vmm/svm_caps.h"
#include "vmm/svm_vmcb.h"

#define SVM_ATTR_CODE64 0x0a9b
#define SVM_ATTR_DATA 0x0c93
#define SVM_ATTR_TSS64_BUSY 0x008b
#define SVM_ASID 1
#define SVM_TLB_FLUSH_ALL 1
#define SVM_TLB_FLUSH_ASID 3 /* with CPUID FlushByAsid */

struct svm_vcpu {
	struct svm_caps caps;
	u8 *vmcb, *host_save, *hsave, *iopm, *msrpm;
	bool injected;
	bool flush_pending;
};

static struct svm_vcpu svm_state;

void __noreturn svm_run_loop(struct vcpu *v, hpa_t vmcb_pa, hpa_t host_pa);
void svm_exit_handler(struct vcpu *v);

static hpa_t pa_of(const void *p)
{
	return (hpa_t)(uintptr_t)p;
}

/* APM 15.11: two bits per MSR (read, write), three 2 KiB ranges. */
static void msr_intercept(u8 *pm, u32 msr)
{
	u32 base;

	if (msr <= 0x1fff)
		base = 0;
	else if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		base = 0x800 * 8, msr -= 0xc0000000;
	else if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		base = 0x1000 * 8, msr -= 0xc0010000;
	else
		return;
	for (u32 bit = base + msr * 2; bit < base + msr * 2 + 2; bit++)
		pm[bit / 8] |= (u8)(1u << (bit % 8));
}

int svm_init(struct vcpu *v, const struct vcpu_intercepts *ic)
{
	struct svm_vcpu *s = &svm_state;
	int err;

	memset(s, 0, sizeof(*s));
	err = svm_caps_read(&s->caps);
	if (err)
		return err;
	if (!s->caps.npt || s->caps.disabled) {
		pr_err("need SVM with nested paging, not disabled by firmware\n");
		return -ENODEV;
	}
	s->vmcb = mm_alloc_pages(1);
	s->host_save = mm_alloc_pages(1);
	s->hsave = mm_alloc_pages(1);
	s->iopm = mm_alloc_pages(3);
	s->msrpm = mm_alloc_pages(2);
	if (!s->vmcb || !s->host_save || !s->hsave || !s->iopm || !s->msrpm)
		return -ENOMEM;
	for (unsigned int i = 0; i < ic->nr_ports; i++)
		s->iopm[ic->ports[i] / 8] |= (u8)(1u << (ic->ports[i] % 8));
	for (unsigned int i = 0; i < ic->nr_msrs; i++)
		msr_intercept(s->msrpm, ic->msrs[i]);
	wrmsr(MSR_IA32_EFER, rdmsr(MSR_IA32_EFER) | MSR_EFER_SVME);
	wrmsr(MSR_AMD_VM_HSAVE_PA, pa_of(s->hsave));
	v->backend = s;
	v->ops = &svm_vcpu_ops;
	return 0;
}

void svm_cpuid_limits(bool *no_rdtscp, bool *no_invpcid, bool *no_xsaves)
{
	/* SVM runs these natively unless intercepted */
	*no_rdtscp = false;
	*no_invpcid = false;
	*no_xsaves = false;
}

static void seg(u8 *vmcb, unsigned int off, u16 sel, u16 attr, u32 limit, u64 base)
{
	vmcb_write16(vmcb, off + VMCB_SEG_SEL, sel);
	vmcb_write16(vmcb, off + VMCB_SEG_ATTR, attr);
	vmcb_write32(vmcb, off + VMCB_SEG_LIMIT, limit);
	vmcb_write64(vmcb, off + VMCB_SEG_BASE, base);
}

static int svm_setup(struct vcpu *v, const struct vcpu_boot_state *b)
{
	struct svm_vcpu *s = v->backend;
	u8 *vmcb = s->vmcb;

	memset(vmcb, 0, PAGE_SIZE);
	vmcb_write32(vmcb, VMCB_INTERCEPT_MISC1,
		     SVM_I1_NMI | SVM_I1_CPUID | SVM_I1_INVD | SVM_I1_IOIO | SVM_I1_MSR |
			     SVM_I1_SHUTDOWN | BIT(26) /* INVLPGA */);
	vmcb_write32(vmcb, VMCB_INTERCEPT_MISC2,
		     SVM_I2_VMRUN | SVM_I2_VMMCALL | SVM_I2_VMLOAD | SVM_I2_VMSAVE | SVM_I2_STGI |
			     SVM_I2_CLGI | SVM_I2_SKINIT);
	vmcb_write64(vmcb, VMCB_IOPM_BASE, pa_of(s->iopm));
	vmcb_write64(vmcb, VMCB_MSRPM_BASE, pa_of(s->msrpm));
	vmcb_write32(vmcb, VMCB_ASID, SVM_ASID);
	vmcb_write8(vmcb, VMCB_TLB_CONTROL, 1);
	vmcb_write64(vmcb, VMCB_NP_ENABLE, 1);
	vmcb_write64(vmcb, VMCB_NCR3, b->npt_root);
	seg(vmcb, VMCB_CS, b->cs_sel, SVM_ATTR_CODE64, 0xffffffff, 0);
	seg(vmcb, VMCB_DS, b->ds_sel, SVM_ATTR_DATA, 0xffffffff, 0);
	seg(vmcb, VMCB_ES, b->ds_sel, SVM_ATTR_DATA, 0xffffffff, 0);
	seg(vmcb, VMCB_SS, b->ds_sel, SVM_ATTR_DATA, 0xffffffff, 0);
	seg(vmcb, VMCB_FS, b->ds_sel, SVM_ATTR_DATA, 0xffffffff, 0);
	seg(vmcb, VMCB_GS, b->ds_sel, SVM_ATTR_DATA, 0xffffffff, 0);
	seg(vmcb, VMCB_TR, 0, SVM_ATTR_TSS64_BUSY, 0x67, 0);
	seg(vmcb, VMCB_LDTR, 0, 0, 0, 0);
	seg(vmcb, VMCB_GDTR, 0, 0, b->gdt_limit, b->gdt_base);
	seg(vmcb, VMCB_IDTR, 0, 0, 0, 0);
	vmcb_write64(vmcb, VMCB_EFER, b->efer | MSR_EFER_SVME);
	vmcb_write64(vmcb, VMCB_CR0, b->cr0);
	vmcb_write64(vmcb, VMCB_CR3, b->cr3);
	vmcb_write64(vmcb, VMCB_CR4, b->cr4);
	vmcb_write64(vmcb, VMCB_DR6, 0xffff0ff0);
	vmcb_write64(vmcb, VMCB_DR7, 0x400);
	vmcb_write64(vmcb, VMCB_RFLAGS, b->rflags | BIT(1));
	vmcb_write64(vmcb, VMCB_RIP, b->rip);
	vmcb_write64(vmcb, VMCB_RSP, b->rsp);
	vmcb_write64(vmcb, VMCB_G_PAT, 0x0007040600070406ULL);
	v->gprs[GPR_RSI] = b->rsi;
	v->gprs[GPR_RSP] = b->rsp;
	return 0;
}

static void __noreturn svm_run(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;

	svm_run_loop(v, pa_of(s->vmcb), pa_of(s->host_save));
}

static u64 svm_read(struct vcpu *v, enum vcpu_state st)
{
	const u8 *vmcb = ((struct svm_vcpu *)v->backend)->vmcb;
	u16 cs_attr = vmcb_read16(vmcb, VMCB_CS + VMCB_SEG_ATTR);

	switch (st) {
	case VCPU_RIP:
		return vmcb_read64(vmcb, VMCB_RIP);
	case VCPU_RSP:
		return vmcb_read64(vmcb, VMCB_RSP);
	case VCPU_RFLAGS:
		return vmcb_read64(vmcb, VMCB_RFLAGS);
	case VCPU_CR0:
		return vmcb_read64(vmcb, VMCB_CR0);
	case VCPU_CR2:
		return vmcb_read64(vmcb, VMCB_CR2);
	case VCPU_CR3:
		return vmcb_read64(vmcb, VMCB_CR3);
	case VCPU_CR4:
		return vmcb_read64(vmcb, VMCB_CR4);
	case VCPU_EFER:
		return vmcb_read64(vmcb, VMCB_EFER) & ~(u64)MSR_EFER_SVME;
	case VCPU_CS_BASE:
		return vmcb_read64(vmcb, VMCB_CS + VMCB_SEG_BASE);
	case VCPU_CS_LONG:
		return (cs_attr >> 9) & 1;
	case VCPU_CS_DB:
		return (cs_attr >> 10) & 1;
	case VCPU_CPL:
		return vmcb_read8(vmcb, VMCB_CPL);
	case VCPU_PAT:
		return vmcb_read64(vmcb, VMCB_G_PAT);
	default:
		return 0;
	}
}

static void svm_write(struct vcpu *v, enum vcpu_state st, u64 val)
{
	u8 *vmcb = ((struct svm_vcpu *)v->backend)->vmcb;
	u64 old;

	switch (st) {
	case VCPU_RIP:
		vmcb_write64(vmcb, VMCB_RIP, val);
		break;
	case VCPU_RSP:
		vmcb_write64(vmcb, VMCB_RSP, val);
		break;
	case VCPU_RFLAGS:
		vmcb_write64(vmcb, VMCB_RFLAGS, val);
		break;
	case VCPU_CR3:
		vmcb_write64(vmcb, VMCB_CR3, val);
		break;
	case VCPU_EFER: /* LMA is the CPU's; SVME must stay set in the VMCB */
		old = vmcb_read64(vmcb, VMCB_EFER);
		vmcb_write64(vmcb, VMCB_EFER,
			     (val & ~(u64)MSR_EFER_LMA) | (old & MSR_EFER_LMA) | MSR_EFER_SVME);
		break;
	case VCPU_PAT:
		vmcb_write64(vmcb, VMCB_G_PAT, val);
		break;
	default:
		panic("svm_write of state %u", st);
	}
}

static void svm_set_cr(struct vcpu *v, unsigned int cr, u64 val)
{
	u8 *vmcb = ((struct svm_vcpu *)v->backend)->vmcb;

	vmcb_write64(vmcb, cr == 0 ? VMCB_CR0 : VMCB_CR4, val);
}

static void svm_inject(struct vcpu *v, enum vcpu_event type, u8 vector, bool has_error, u32 error)
{
	struct svm_vcpu *s = v->backend;
	u64 ev = SVM_EVTINJ_VALID | vector |
		 (type == VCPU_EVENT_NMI ? SVM_EVTINJ_TYPE_NMI : SVM_EVTINJ_TYPE_EXC);

	if (has_error)
		ev |= SVM_EVTINJ_ERR_VALID | ((u64)error << 32);
	vmcb_write64(s->vmcb, VMCB_EVENTINJ, ev);
	s->injected = true;
}

static void svm_flush_npt(struct vcpu *v)
{
	((struct svm_vcpu *)v->backend)->flush_pending = true;
}

static const char *svm_raw_exit_name(u32 raw)
{
	switch (raw) {
	case SVM_EXIT_INTR:
		return "INTR";
	case SVM_EXIT_NMI:
		return "NMI";
	case SVM_EXIT_INIT:
		return "INIT";
	case SVM_EXIT_CPUID:
		return "CPUID";
	case SVM_EXIT_INVD:
		return "INVD";
	case SVM_EXIT_HLT:
		return "HLT";
	case SVM_EXIT_IOIO:
		return "IOIO";
	case SVM_EXIT_MSR:
		return "MSR";
	case SVM_EXIT_SHUTDOWN:
		return "SHUTDOWN";
	case SVM_EXIT_VMRUN:
		return "VMRUN";
	case SVM_EXIT_VMMCALL:
		return "VMMCALL";
	case SVM_EXIT_NPF:
		return "NPF";
	default:
		return raw >= SVM_EXIT_EXCP_BASE && raw < SVM_EXIT_INTR ? "EXCEPTION" : "?";
	}
}

static void svm_dump(struct vcpu *v)
{
	const u8 *vmcb = ((struct svm_vcpu *)v->backend)->vmcb;

	printk("  svm: exitcode=%#llx info1=%#llx info2=%#llx exitintinfo=%#llx eventinj=%#llx\n",
	       (unsigned long long)vmcb_read64(vmcb, VMCB_EXITCODE),
	       (unsigned long long)vmcb_read64(vmcb, VMCB_EXITINFO1),
	       (unsigned long long)vmcb_read64(vmcb, VMCB_EXITINFO2),
	       (unsigned long long)vmcb_read64(vmcb, VMCB_EXITINTINFO),
	       (unsigned long long)vmcb_read64(vmcb, VMCB_EVENTINJ));
	printk("  svm: cs=%04x attr=%#x cpl=%u ncr3=%#llx\n", vmcb_read16(vmcb, VMCB_CS),
	       vmcb_read16(vmcb, VMCB_CS + VMCB_SEG_ATTR), vmcb_read8(vmcb, VMCB_CPL),
	       (unsigned long long)vmcb_read64(vmcb, VMCB_NCR3));
}

static enum vcpu_exit_reason svm_generic(u64 code)
{
	switch (code) {
	case SVM_EXIT_INTR:
		return VCPU_EXIT_INTR;
	case SVM_EXIT_NMI:
		return VCPU_EXIT_NMI;
	case SVM_EXIT_INIT:
		return VCPU_EXIT_INIT;
	case SVM_EXIT_CPUID:
		return VCPU_EXIT_CPUID;
	case SVM_EXIT_INVD:
		return VCPU_EXIT_INVD;
	case SVM_EXIT_HLT:
		return VCPU_EXIT_HLT;
	case SVM_EXIT_IOIO:
		return VCPU_EXIT_IO;
	case SVM_EXIT_SHUTDOWN:
		return VCPU_EXIT_TRIPLE_FAULT;
	case SVM_EXIT_VMMCALL:
		return VCPU_EXIT_HYPERCALL;
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case 0x07a: /* INVLPGA */
		return VCPU_EXIT_VIRT_INSN;
	case SVM_EXIT_WBINVD:
		return VCPU_EXIT_WBINVD;
	case SVM_EXIT_XSETBV:
		return VCPU_EXIT_XSETBV;
	case SVM_EXIT_NPF:
		return VCPU_EXIT_NPF;
	case SVM_EXIT_INVALID:
		return VCPU_EXIT_ENTRY_FAIL;
	default:
		return VCPU_EXIT_UNKNOWN;
	}
}

static void svm_decode_exit(struct vcpu *v, struct svm_vcpu *s)
{
	struct vcpu_exit *e = &v->exit;
	const u8 *vmcb = s->vmcb;
	u64 code = vmcb_read64(vmcb, VMCB_EXITCODE);
	u64 rip = vmcb_read64(vmcb, VMCB_RIP);
	struct qual_io io;

	memset(e, 0, sizeof(*e));
	e->raw = (u32)code;
	e->qual = vmcb_read64(vmcb, VMCB_EXITINFO1);
	e->info2 = vmcb_read64(vmcb, VMCB_EXITINFO2);
	e->reason = svm_generic(code);
	if (code == SVM_EXIT_MSR)
		e->reason = e->qual ? VCPU_EXIT_WRMSR : VCPU_EXIT_RDMSR;
	if (s->caps.nrips && vmcb_read64(vmcb, VMCB_NRIP) > rip)
		e->insn_len = (u32)(vmcb_read64(vmcb, VMCB_NRIP) - rip);
	switch (e->reason) {
	case VCPU_EXIT_IO:
		io = svm_qual_io(e->qual);
		e->io.port = io.port;
		e->io.size = io.size;
		e->io.in = io.in;
		e->io.string = io.string;
		e->io.rep = io.rep;
		e->insn_len = (u32)(e->info2 - rip); /* EXITINFO2 = next RIP */
		break;
	case VCPU_EXIT_NPF:
		e->gpa = e->info2;
		e->npf.write = e->qual & SVM_NPF_WRITE;
		e->npf.fetch = e->qual & SVM_NPF_FETCH;
		e->npf.read = !e->npf.write && !e->npf.fetch;
		e->npf.translated = e->qual & SVM_NPF_PRESENT;
		e->insn_len = 0; /* the faulting instruction is decoded */
		if (s->caps.decode_assists) {
			e->nr_insn_bytes = MIN(vmcb_read8(vmcb, VMCB_INSN_LEN), 15);
			memcpy(e->insn_bytes, vmcb + VMCB_INSN_BYTES, e->nr_insn_bytes);
		}
		break;
	default:
		break;
	}
}

/* Called by svm_entry.asm after #VMEXIT with GIF=1 again. */
void svm_exit_handler(struct vcpu *v)
{
	struct svm_vcpu *s = v->backend;
	u8 *vmcb = s->vmcb;
	u64 intinfo = vmcb_read64(vmcb, VMCB_EXITINTINFO);

	s->injected = false;
	vmcb_write64(vmcb, VMCB_EVENTINJ, 0);
	vmcb_write8(vmcb, VMCB_TLB_CONTROL, 0);
	svm_decode_exit(v, s);
	v->gprs[GPR_RAX] = vmcb_read64(vmcb, VMCB_RAX);
	v->gprs[GPR_RSP] = vmcb_read64(vmcb, VMCB_RSP);
	vcpu_handle_exit(v);
	vmcb_write64(vmcb, VMCB_RAX, v->gprs[GPR_RAX]);
	vmcb_write64(vmcb, VMCB_RSP, v->gprs[GPR_RSP]);
	/* an event interrupted by the exit is delivered again (APM 15.7.2) */
	if (!s->injected && (intinfo & SVM_EVTINJ_VALID))
		vmcb_write64(vmcb, VMCB_EVENTINJ, intinfo);
	if (s->flush_pending) {
		vmcb_write8(vmcb, VMCB_TLB_CONTROL,
			    s->caps.flush_by_asid ? SVM_TLB_FLUSH_ASID : SVM_TLB_FLUSH_ALL);
		s->flush_pending = false;
	}
	vmcb_write32(vmcb, VMCB_CLEAN, 0);
}

const struct vcpu_ops svm_vcpu_ops = {
	.name = "svm",
	.setup = svm_setup,
	.run = svm_run,
	.read = svm_read,
	.write = svm_write,
	.inject = svm_inject,
	.flush_npt = svm_flush_npt,
	.raw_exit_name = svm_raw_exit_name,
	.dump = svm_dump,
	.set_cr = svm_set_cr,
};
