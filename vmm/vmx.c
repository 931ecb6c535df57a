// SPDX-License-Identifier: MIT
/*
 * Intel VMX backend: VMXON, VMCS set-up for the Linux 64-bit entry state,
 * MSR and I/O bitmaps, EPT pointer, exit decoding into struct vcpu_exit,
 * event injection, CR0/CR4 shadowing. SDM Vol. 3C chapters 24-28.
 * The exit path: vmx_entry.asm saves the guest GPRs into v->gprs and calls
 * vmx_exit_handler(); on return it restores them and VMRESUMEs.
 */
#define LOG_PREFIX "vmx: "
#include "vmm/vmx.h"
#include "boot/gdt.h"
#include "boot/mm.h"
#include "boot/msr.h"
#include "boot/percpu.h"
#include "boot/x86.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"
#include "vmm/exit_qual.h"
#include "vmm/vmx_ops.h"

#define VMX_EXIT_STACK_SIZE (16 * 1024)
#define AR_CODE64 0xa09b /* P, S, DPL0, type 0xb, L, G */
#define AR_DATA 0xc093	 /* P, S, DPL0, type 3, D/B, G */
#define AR_TSS64_BUSY 0x008b
#define AR_UNUSABLE 0x10000
#define EPTP_MEMTYPE_WB 6
#define EPTP_WALK_4 (3 << 3)
#define CR4_OSXSAVE BIT(18)

enum vmx_exit_reason {
#define VMX_EXIT(name, nr) VMX_EXIT_##name = nr, // NOLINT(bugprone-macro-parentheses): X-macro
#include "vmm/vmx_exit_reasons.def"
#undef VMX_EXIT
};

struct vmx_vcpu {
	struct vmx_caps caps;
	void *vmxon_region, *vmcs;
	u8 *msr_bitmap, *io_bitmap_a, *io_bitmap_b;
	hva_t exit_stack_top;
	u64 cr0_must1, cr0_must0, cr4_must1, cr4_must0;
	u64 eptp;
	u32 entry_ctls;
	bool injected; /* an event was queued for the next entry */
	u32 idt_vectoring, idt_vectoring_error;
};

static struct vmx_vcpu vmx_state;

void vmx_exit_stub(void);
void __noreturn vmx_launch_guest(struct vcpu *v);
u64 vmx_exit_handler(struct vcpu *v);
void __noreturn vmx_resume_failed(struct vcpu *v);

static const char *const insn_errors[] = {
	[1] = "VMCALL in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer",
	[19] = "VMCALL with non-clear VMCS",
	[20] = "VMCALL with invalid VM-exit control fields",
	[22] = "VMCALL with incorrect MSEG revision identifier",
	[23] = "VMXOFF under dual-monitor treatment",
	[24] = "VMCALL with invalid SMM-monitor features",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS",
	[26] = "VM entry with events blocked by MOV SS",
	[28] = "Invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(u32 err)
{
	if (err < ARRAY_SIZE(insn_errors) && insn_errors[err])
		return insn_errors[err];
	return "unknown VM-instruction error";
}

void vmcs_access_failed(const char *op, unsigned long field, const char *name)
{
	u64 err = 0;

	vmx_vmread_raw(VMCS_VM_INSTRUCTION_ERROR, &err);
	panic("%s of VMCS field %s (%#lx) failed: error %llu (%s)", op, name, field,
	      (unsigned long long)err, vmx_insn_error_name((u32)err));
}

static const char *const vmx_exit_names[] = {
#define VMX_EXIT(name, nr) [nr] = #name,
#include "vmm/vmx_exit_reasons.def"
#undef VMX_EXIT
};

static const char *vmx_raw_exit_name(u32 raw)
{
	if (raw < ARRAY_SIZE(vmx_exit_names) && vmx_exit_names[raw])
		return vmx_exit_names[raw];
	return "?";
}

/* Basic exit reason -> generic reason; unlisted reasons are UNKNOWN. */
static const u8 vmx_to_generic[] = {
	[VMX_EXIT_EXCEPTION_NMI] = VCPU_EXIT_EXCEPTION,
	[VMX_EXIT_EXTERNAL_INTERRUPT] = VCPU_EXIT_INTR,
	[VMX_EXIT_TRIPLE_FAULT] = VCPU_EXIT_TRIPLE_FAULT,
	[VMX_EXIT_INIT_SIGNAL] = VCPU_EXIT_INIT,
	[VMX_EXIT_SIPI] = VCPU_EXIT_SIPI,
	[VMX_EXIT_TASK_SWITCH] = VCPU_EXIT_TASK_SWITCH,
	[VMX_EXIT_CPUID] = VCPU_EXIT_CPUID,
	[VMX_EXIT_HLT] = VCPU_EXIT_HLT,
	[VMX_EXIT_INVD] = VCPU_EXIT_INVD,
	[VMX_EXIT_INVLPG] = VCPU_EXIT_INVLPG,
	[VMX_EXIT_RDTSC] = VCPU_EXIT_RDTSC,
	[VMX_EXIT_VMCALL] = VCPU_EXIT_HYPERCALL,
	[VMX_EXIT_VMCLEAR] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMLAUNCH] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMPTRLD] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMPTRST] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMREAD] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMRESUME] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMWRITE] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMXOFF] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMXON] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_INVEPT] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_INVVPID] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_VMFUNC] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_GETSEC] = VCPU_EXIT_VIRT_INSN,
	[VMX_EXIT_CR_ACCESS] = VCPU_EXIT_CR_ACCESS,
	[VMX_EXIT_IO_INSTRUCTION] = VCPU_EXIT_IO,
	[VMX_EXIT_MSR_READ] = VCPU_EXIT_RDMSR,
	[VMX_EXIT_MSR_WRITE] = VCPU_EXIT_WRMSR,
	[VMX_EXIT_INVALID_GUEST_STATE] = VCPU_EXIT_ENTRY_FAIL,
	[VMX_EXIT_MSR_LOADING] = VCPU_EXIT_ENTRY_FAIL,
	[VMX_EXIT_MCE_DURING_ENTRY] = VCPU_EXIT_ENTRY_FAIL,
	[VMX_EXIT_MWAIT] = VCPU_EXIT_MONITOR_MWAIT,
	[VMX_EXIT_MONITOR] = VCPU_EXIT_MONITOR_MWAIT,
	[VMX_EXIT_PAUSE] = VCPU_EXIT_PAUSE,
	[VMX_EXIT_EPT_VIOLATION] = VCPU_EXIT_NPF,
	[VMX_EXIT_EPT_MISCONFIG] = VCPU_EXIT_NPT_MISCONFIG,
	[VMX_EXIT_WBINVD] = VCPU_EXIT_WBINVD,
	[VMX_EXIT_XSETBV] = VCPU_EXIT_XSETBV,
};

static void bitmap_set(u8 *map, u32 bit)
{
	map[bit / 8] |= (u8)(1u << (bit % 8));
}

/* SDM 24.6.9: read bitmap low/high at 0/1024, write bitmap at 2048/3072. */
static void msr_intercept(u8 *bm, u32 msr)
{
	if (msr <= 0x1fff) {
		bitmap_set(bm, msr);
		bitmap_set(bm + 2048, msr);
	} else if (msr >= 0xc0000000 && msr <= 0xc0001fff) {
		bitmap_set(bm + 1024, msr - 0xc0000000);
		bitmap_set(bm + 3072, msr - 0xc0000000);
	}
}

static void io_intercept(struct vmx_vcpu *x, u16 port)
{
	if (port < 0x8000)
		bitmap_set(x->io_bitmap_a, port);
	else
		bitmap_set(x->io_bitmap_b, port - 0x8000);
}

/* VMXON on this CPU with the region at `region` (one zeroed page). */
static int vmxon_this_cpu(const struct vmx_caps *c, void *region)
{
	u64 fc = rdmsr(MSR_IA32_FEATURE_CONTROL);

	if (!(fc & MSR_FEATURE_CONTROL_LOCK)) {
		wrmsr(MSR_IA32_FEATURE_CONTROL,
		      fc | MSR_FEATURE_CONTROL_LOCK | MSR_FEATURE_CONTROL_VMXON_OUTSIDE_SMX);
	} else if (!(fc & MSR_FEATURE_CONTROL_VMXON_OUTSIDE_SMX)) {
		pr_err("VMX is disabled and locked in IA32_FEATURE_CONTROL (firmware setting)\n");
		return -ENODEV;
	}
	write_cr0((read_cr0() | c->cr0_fixed0) & c->cr0_fixed1);
	write_cr4((read_cr4() | c->cr4_fixed0 | X86_CR4_VMXE) & c->cr4_fixed1);
	*(u32 *)region = c->revision_id;
	if (!vmx_vmxon((hpa_t)(uintptr_t)region)) {
		pr_err("VMXON failed\n");
		return -EIO;
	}
	return 0;
}

static int vmx_enable_this_cpu(struct vmx_vcpu *x)
{
	int err = vmxon_this_cpu(&x->caps, x->vmxon_region);

	if (!err && (cpuid(1).ecx & BIT(26))) /* XSAVE: needed to run XSETBV for the guest */
		write_cr4(read_cr4() | CR4_OSXSAVE);
	return err;
}

/*
 * A CPU the guest must not control (the sidecore, parked CPUs) enters VMX
 * root operation and stays there: INIT signals are blocked in VMX root
 * operation (SDM Vol. 3C, "Restrictions on VMX Operation"), so the guest,
 * which owns CPU0's LAPIC, cannot INIT-SIPI it into its own code.
 */
int vmx_block_init_this_cpu(void)
{
	struct vmx_caps c;
	void *region;
	int err = vmx_caps_read(&c);

	if (err)
		return err;
	if (!c.vmxon_allowed)
		return -ENODEV;
	region = mm_alloc_pages(1);
	if (!region)
		return -ENOMEM;
	return vmxon_this_cpu(&c, region);
}

static int vmx_alloc(struct vmx_vcpu *x)
{
	u8 *stack;

	x->vmxon_region = mm_alloc_pages(1);
	x->vmcs = mm_alloc_pages(1);
	x->msr_bitmap = mm_alloc_pages(1);
	x->io_bitmap_a = mm_alloc_pages(1);
	x->io_bitmap_b = mm_alloc_pages(1);
	stack = mm_alloc_pages(VMX_EXIT_STACK_SIZE / PAGE_SIZE);
	if (!x->vmxon_region || !x->vmcs || !x->msr_bitmap || !x->io_bitmap_a || !x->io_bitmap_b ||
	    !stack)
		return -ENOMEM;
	x->exit_stack_top = (hva_t)(uintptr_t)stack + VMX_EXIT_STACK_SIZE;
	return 0;
}

int vmx_init(struct vcpu *v, const struct vcpu_intercepts *ic)
{
	struct vmx_vcpu *x = &vmx_state;
	int err;

	memset(x, 0, sizeof(*x));
	err = vmx_caps_read(&x->caps);
	if (err)
		return err;
	if (!x->caps.vmxon_allowed || !x->caps.ept || !x->caps.unrestricted || !x->caps.ept_walk4 ||
	    !x->caps.ept_wb || !x->caps.load_efer) {
		pr_err("need VMXON, EPT (4-level, WB), unrestricted guest and EFER load/save\n");
		return -ENODEV;
	}
	err = vmx_alloc(x);
	if (err)
		return err;
	for (unsigned int i = 0; i < ic->nr_msrs; i++)
		msr_intercept(x->msr_bitmap, ic->msrs[i]);
	for (u32 msr = MSR_IA32_VMX_BASIC; msr <= MSR_IA32_VMX_VMFUNC; msr++)
		msr_intercept(x->msr_bitmap, msr);
	msr_intercept(x->msr_bitmap, MSR_IA32_FEATURE_CONTROL);
	for (unsigned int i = 0; i < ic->nr_ports; i++)
		io_intercept(x, ic->ports[i]);
	/* CR bits the guest may not choose: fixed to 1 or 0 (PE/PG free with UG) */
	x->cr0_must1 = x->caps.cr0_fixed0 & ~(u64)(X86_CR0_PE | X86_CR0_PG);
	x->cr0_must0 = ~x->caps.cr0_fixed1 & 0xffffffffULL;
	x->cr4_must1 = x->caps.cr4_fixed0;
	x->cr4_must0 = ~x->caps.cr4_fixed1 & 0xffffffffULL;
	err = vmx_enable_this_cpu(x);
	if (err)
		return err;
	v->backend = x;
	v->ops = &vmx_vcpu_ops;
	return 0;
}

void vmx_cpuid_limits(bool *no_rdtscp, bool *no_invpcid, bool *no_xsaves)
{
	const struct vmx_ctls *c = &vmx_state.caps.procbased2;

	*no_rdtscp = !vmx_ctls_allows(c, VMX_PROCBASED2_ENABLE_RDTSCP);
	*no_invpcid = !vmx_ctls_allows(c, VMX_PROCBASED2_ENABLE_INVPCID);
	*no_xsaves = !vmx_ctls_allows(c, VMX_PROCBASED2_ENABLE_XSAVES);
}

static u32 ctl(const struct vmx_ctls *c, u32 want, u32 optional, const char *name)
{
	u32 val = 0;

	want |= optional & c->allowed1;
	if (!vmx_ctls_adjust(c, want, &val))
		panic("VMX %s controls %#x not allowed (allowed1 %#x)", name, want, c->allowed1);
	return val;
}

static void setup_controls(struct vmx_vcpu *x, hpa_t npt_root)
{
	const struct vmx_caps *c = &x->caps;
	u32 proc2_opt = VMX_PROCBASED2_ENABLE_VPID | VMX_PROCBASED2_ENABLE_RDTSCP |
			VMX_PROCBASED2_ENABLE_INVPCID | VMX_PROCBASED2_ENABLE_XSAVES;

	vmcs_write32(PIN_BASED_CTLS, ctl(&c->pinbased, VMX_PINBASED_NMI_EXITING, 0, "pin-based"));
	vmcs_write32(PROC_BASED_CTLS, ctl(&c->procbased,
					  VMX_PROCBASED_IO_BITMAPS | VMX_PROCBASED_MSR_BITMAPS |
						  VMX_PROCBASED_SECONDARY_CTLS,
					  0, "processor-based"));
	vmcs_write32(PROC_BASED_CTLS2,
		     ctl(&c->procbased2,
			 VMX_PROCBASED2_ENABLE_EPT | VMX_PROCBASED2_UNRESTRICTED_GUEST, proc2_opt,
			 "secondary"));
	vmcs_write32(EXIT_CTLS, ctl(&c->exit,
				    VMX_EXIT_CTLS_HOST_ADDR_SPACE_SIZE | VMX_EXIT_CTLS_SAVE_EFER |
					    VMX_EXIT_CTLS_LOAD_EFER,
				    VMX_EXIT_CTLS_SAVE_PAT | VMX_EXIT_CTLS_LOAD_PAT, "exit"));
	x->entry_ctls = ctl(&c->entry, VMX_ENTRY_CTLS_IA32E_MODE_GUEST | VMX_ENTRY_CTLS_LOAD_EFER,
			    VMX_ENTRY_CTLS_LOAD_PAT, "entry");
	vmcs_write32(ENTRY_CTLS, x->entry_ctls);
	vmcs_write32(EXCEPTION_BITMAP, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(ENTRY_INTR_INFO, 0);
	vmcs_write64(IO_BITMAP_A, (hpa_t)(uintptr_t)x->io_bitmap_a);
	vmcs_write64(IO_BITMAP_B, (hpa_t)(uintptr_t)x->io_bitmap_b);
	vmcs_write64(MSR_BITMAP, (hpa_t)(uintptr_t)x->msr_bitmap);
	x->eptp = npt_root | EPTP_WALK_4 | EPTP_MEMTYPE_WB;
	vmcs_write64(EPT_POINTER, x->eptp);
	if (c->vpid)
		vmcs_write16(VPID, 1);
	vmcs_writel(CR0_GUEST_HOST_MASK, x->cr0_must1 | x->cr0_must0);
	vmcs_writel(CR4_GUEST_HOST_MASK, x->cr4_must1 | x->cr4_must0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);
}

static void setup_host_state(struct vmx_vcpu *x)
{
	struct cpu *c = this_cpu();
	struct {
		u16 limit;
		u64 base;
	} __packed idtr;

	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	vmcs_writel(HOST_CR0, read_cr0());
	vmcs_writel(HOST_CR3, read_cr3());
	vmcs_writel(HOST_CR4, read_cr4());
	vmcs_write16(HOST_CS_SEL, BOOT_GDT_CODE64);
	vmcs_write16(HOST_SS_SEL, BOOT_GDT_DATA);
	vmcs_write16(HOST_DS_SEL, BOOT_GDT_DATA);
	vmcs_write16(HOST_ES_SEL, BOOT_GDT_DATA);
	vmcs_write16(HOST_FS_SEL, 0);
	vmcs_write16(HOST_GS_SEL, 0);
	vmcs_write16(HOST_TR_SEL, GDT_SEL_TSS);
	vmcs_writel(HOST_FS_BASE, 0);
	vmcs_writel(HOST_GS_BASE, (u64)(uintptr_t)c);
	vmcs_writel(HOST_TR_BASE, (u64)(uintptr_t)&c->tss);
	vmcs_writel(HOST_GDTR_BASE, (u64)(uintptr_t)c->gdt);
	vmcs_writel(HOST_IDTR_BASE, idtr.base);
	vmcs_write32(HOST_SYSENTER_CS, 0);
	vmcs_writel(HOST_SYSENTER_ESP, 0);
	vmcs_writel(HOST_SYSENTER_EIP, 0);
	vmcs_write64(HOST_IA32_EFER, rdmsr(MSR_IA32_EFER));
	vmcs_write64(HOST_IA32_PAT, rdmsr(MSR_IA32_PAT));
	/* the exit stub finds the vcpu at the top of its stack */
	vmcs_writel(HOST_RSP, x->exit_stack_top - 16);
	vmcs_writel(HOST_RIP, (u64)(uintptr_t)vmx_exit_stub);
}

static void setup_segment(unsigned int sel_f, unsigned int base_f, unsigned int limit_f,
			  unsigned int ar_f, u16 sel, u32 ar)
{
	__vmcs_write(sel_f, sel, "guest selector");
	__vmcs_write(base_f, 0, "guest base");
	__vmcs_write(limit_f, 0xffffffff, "guest limit");
	__vmcs_write(ar_f, ar, "guest access rights");
}

static void setup_guest_state(struct vmx_vcpu *x, const struct vcpu_boot_state *s)
{
#define SEG(n, sel, ar)                                                                    \
	setup_segment(VMCS_GUEST_##n##_SEL, VMCS_GUEST_##n##_BASE, VMCS_GUEST_##n##_LIMIT, \
		      VMCS_GUEST_##n##_AR, sel, ar)
	SEG(CS, s->cs_sel, AR_CODE64);
	SEG(DS, s->ds_sel, AR_DATA);
	SEG(ES, s->ds_sel, AR_DATA);
	SEG(SS, s->ds_sel, AR_DATA);
	SEG(FS, s->ds_sel, AR_DATA);
	SEG(GS, s->ds_sel, AR_DATA);
#undef SEG
	vmcs_write16(GUEST_LDTR_SEL, 0);
	vmcs_writel(GUEST_LDTR_BASE, 0);
	vmcs_write32(GUEST_LDTR_LIMIT, 0);
	vmcs_write32(GUEST_LDTR_AR, AR_UNUSABLE);
	vmcs_write16(GUEST_TR_SEL, 0);
	vmcs_writel(GUEST_TR_BASE, 0);
	vmcs_write32(GUEST_TR_LIMIT, 0x67);
	vmcs_write32(GUEST_TR_AR, AR_TSS64_BUSY);
	vmcs_writel(GUEST_GDTR_BASE, s->gdt_base);
	vmcs_write32(GUEST_GDTR_LIMIT, s->gdt_limit);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0);
	vmcs_writel(GUEST_CR0, (s->cr0 | x->cr0_must1) & ~x->cr0_must0);
	vmcs_writel(CR0_READ_SHADOW, s->cr0);
	vmcs_writel(GUEST_CR3, s->cr3);
	vmcs_writel(GUEST_CR4, (s->cr4 | x->cr4_must1) & ~x->cr4_must0);
	vmcs_writel(CR4_READ_SHADOW, s->cr4);
	vmcs_write64(GUEST_IA32_EFER, s->efer);
	vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_writel(GUEST_RSP, s->rsp);
	vmcs_writel(GUEST_RIP, s->rip);
	vmcs_writel(GUEST_RFLAGS, s->rflags | BIT(1));
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
}

static int vmx_setup(struct vcpu *v, const struct vcpu_boot_state *s)
{
	struct vmx_vcpu *x = v->backend;
	hpa_t pa = (hpa_t)(uintptr_t)x->vmcs;

	*(u32 *)x->vmcs = x->caps.revision_id;
	if (!vmx_vmclear(pa) || !vmx_vmptrld(pa)) {
		pr_err("VMCLEAR/VMPTRLD of the VMCS failed\n");
		return -EIO;
	}
	setup_controls(x, s->npt_root);
	setup_host_state(x);
	setup_guest_state(x, s);
	v->gprs[GPR_RSI] = s->rsi;
	v->gprs[GPR_RSP] = s->rsp;
	*(struct vcpu **)(uintptr_t)(x->exit_stack_top - 16) = v;
	return 0;
}

static void __noreturn vmx_run(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;
	struct cpu *c = this_cpu();

	/* from now on this CPU lives on the exit stack */
	c->stack_bottom = x->exit_stack_top - VMX_EXIT_STACK_SIZE;
	c->stack_top = x->exit_stack_top;
	vmx_launch_guest(v);
}

static u64 vmx_read(struct vcpu *v, enum vcpu_state s)
{
	(void)v;
	switch (s) {
	case VCPU_RIP:
		return vmcs_readl(GUEST_RIP);
	case VCPU_RSP:
		return vmcs_readl(GUEST_RSP);
	case VCPU_RFLAGS:
		return vmcs_readl(GUEST_RFLAGS);
	case VCPU_CR0: /* what the guest believes, real values where not masked */
		return (vmcs_readl(GUEST_CR0) & ~vmcs_readl(CR0_GUEST_HOST_MASK)) |
		       (vmcs_readl(CR0_READ_SHADOW) & vmcs_readl(CR0_GUEST_HOST_MASK));
	case VCPU_CR2:
		return read_cr2();
	case VCPU_CR3:
		return vmcs_readl(GUEST_CR3);
	case VCPU_CR4:
		return (vmcs_readl(GUEST_CR4) & ~vmcs_readl(CR4_GUEST_HOST_MASK)) |
		       (vmcs_readl(CR4_READ_SHADOW) & vmcs_readl(CR4_GUEST_HOST_MASK));
	case VCPU_EFER:
		return vmcs_read64(GUEST_IA32_EFER);
	case VCPU_CS_BASE:
		return vmcs_readl(GUEST_CS_BASE);
	case VCPU_CS_LONG:
		return (vmcs_read32(GUEST_CS_AR) >> 13) & 1;
	case VCPU_CS_DB:
		return (vmcs_read32(GUEST_CS_AR) >> 14) & 1;
	case VCPU_CPL:
		return (vmcs_read32(GUEST_SS_AR) >> 5) & 3;
	case VCPU_PAT:
		return vmcs_read64(GUEST_IA32_PAT);
	default:
		return 0;
	}
}

static void update_long_mode(struct vmx_vcpu *x, u64 cr0, u64 efer)
{
	bool lma = (cr0 & X86_CR0_PG) && (efer & MSR_EFER_LME);

	efer = lma ? efer | MSR_EFER_LMA : efer & ~(u64)MSR_EFER_LMA;
	vmcs_write64(GUEST_IA32_EFER, efer);
	if (lma)
		x->entry_ctls |= VMX_ENTRY_CTLS_IA32E_MODE_GUEST;
	else
		x->entry_ctls &= ~(u32)VMX_ENTRY_CTLS_IA32E_MODE_GUEST;
	vmcs_write32(ENTRY_CTLS, x->entry_ctls);
}

static void vmx_write(struct vcpu *v, enum vcpu_state s, u64 val)
{
	struct vmx_vcpu *x = v->backend;

	switch (s) {
	case VCPU_RIP:
		vmcs_writel(GUEST_RIP, val);
		break;
	case VCPU_RSP:
		vmcs_writel(GUEST_RSP, val);
		break;
	case VCPU_RFLAGS:
		vmcs_writel(GUEST_RFLAGS, val);
		break;
	case VCPU_CR3:
		vmcs_writel(GUEST_CR3, val);
		break;
	case VCPU_EFER:
		update_long_mode(x, vmcs_readl(GUEST_CR0), val);
		break;
	case VCPU_PAT:
		vmcs_write64(GUEST_IA32_PAT, val);
		break;
	default:
		panic("vmx_write of state %u", s);
	}
}

static void vmx_set_cr(struct vcpu *v, unsigned int cr, u64 val)
{
	struct vmx_vcpu *x = v->backend;

	if (cr == 0) {
		if (val & x->cr0_must0 & ~(u64)(BIT(29) | BIT(30))) {
			vcpu_inject_gp(v);
			return;
		}
		vmcs_writel(GUEST_CR0, (val | x->cr0_must1) & ~x->cr0_must0);
		vmcs_writel(CR0_READ_SHADOW, val);
		update_long_mode(x, val, vmcs_read64(GUEST_IA32_EFER));
	} else if (cr == 4) {
		if ((val & x->cr4_must0) || (val & X86_CR4_VMXE)) {
			vcpu_inject_gp(v);
			return;
		}
		vmcs_writel(GUEST_CR4, (val | x->cr4_must1) & ~x->cr4_must0);
		vmcs_writel(CR4_READ_SHADOW, val);
	}
}

static void vmx_inject(struct vcpu *v, enum vcpu_event type, u8 vector, bool has_error, u32 error)
{
	struct vmx_vcpu *x = v->backend;
	u32 info = VMX_INTR_INFO_VALID | vector;

	info |= (type == VCPU_EVENT_NMI ? VMX_INTR_TYPE_NMI : VMX_INTR_TYPE_HW_EXCEPTION) << 8;
	if (has_error) {
		info |= VMX_INTR_INFO_ERROR_VALID;
		vmcs_write32(ENTRY_EXCEPTION_ERROR_CODE, error);
	}
	vmcs_write32(ENTRY_INTR_INFO, info);
	x->injected = true;
}

static void vmx_flush_npt(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;

	if (!vmx_invept(x->caps.invept_single ? 1 : 2, x->eptp))
		panic("INVEPT failed");
}

static void vmx_dump(struct vcpu *v)
{
	(void)v;
	printk("  vmx: exit_reason=%#x intr_info=%#x idt_vectoring=%#x insn_len=%u error=%u (%s)\n",
	       vmcs_read32(EXIT_REASON), vmcs_read32(EXIT_INTR_INFO),
	       vmcs_read32(IDT_VECTORING_INFO), vmcs_read32(EXIT_INSTRUCTION_LEN),
	       vmcs_read32(VM_INSTRUCTION_ERROR),
	       vmx_insn_error_name(vmcs_read32(VM_INSTRUCTION_ERROR)));
	printk("  vmx: cs=%04x ar=%#x ss_ar=%#x guest_cr0=%#llx shadow=%#llx guest_cr4=%#llx shadow=%#llx\n",
	       vmcs_read16(GUEST_CS_SEL), vmcs_read32(GUEST_CS_AR), vmcs_read32(GUEST_SS_AR),
	       (unsigned long long)vmcs_readl(GUEST_CR0),
	       (unsigned long long)vmcs_readl(CR0_READ_SHADOW),
	       (unsigned long long)vmcs_readl(GUEST_CR4),
	       (unsigned long long)vmcs_readl(CR4_READ_SHADOW));
	printk("  vmx: interruptibility=%#x activity=%u entry_ctls=%#x eptp=%#llx\n",
	       vmcs_read32(GUEST_INTERRUPTIBILITY), vmcs_read32(GUEST_ACTIVITY_STATE),
	       vmcs_read32(ENTRY_CTLS), (unsigned long long)vmcs_read64(EPT_POINTER));
}

/* Fill v->exit from the VMCS. */
static void vmx_decode_exit(struct vcpu *v, struct vmx_vcpu *x)
{
	struct vcpu_exit *e = &v->exit;
	u32 reason = vmcs_read32(EXIT_REASON);
	u32 basic = reason & 0xffff;
	u64 q = vmcs_readl(EXIT_QUALIFICATION);
	struct qual_io io;
	struct qual_cr cr;
	u32 intr;

	memset(e, 0, sizeof(*e));
	e->raw = basic;
	e->qual = q;
	e->reason = basic < ARRAY_SIZE(vmx_to_generic) ? vmx_to_generic[basic] : VCPU_EXIT_UNKNOWN;
	if (reason & BIT(31))
		e->reason = VCPU_EXIT_ENTRY_FAIL;
	e->insn_len = vmcs_read32(EXIT_INSTRUCTION_LEN);
	x->idt_vectoring = vmcs_read32(IDT_VECTORING_INFO);
	if (x->idt_vectoring & VMX_INTR_INFO_ERROR_VALID)
		x->idt_vectoring_error = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	switch (e->reason) {
	case VCPU_EXIT_IO:
		io = vmx_qual_io(q);
		e->io.port = io.port;
		e->io.size = io.size;
		e->io.in = io.in;
		e->io.string = io.string;
		e->io.rep = io.rep;
		break;
	case VCPU_EXIT_CR_ACCESS:
		cr = vmx_qual_cr(q);
		e->cr.cr = cr.cr;
		e->cr.type = cr.type;
		e->cr.gpr = cr.gpr;
		e->cr.lmsw_src = cr.lmsw_src;
		break;
	case VCPU_EXIT_NPF:
		e->gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
		e->npf.read = q & VMX_QUAL_EPT_READ;
		e->npf.write = q & VMX_QUAL_EPT_WRITE;
		e->npf.fetch = q & VMX_QUAL_EPT_FETCH;
		e->npf.translated = FIELD_GET(VMX_QUAL_EPT_PERMS, q) != 0;
		e->gla_valid = q & VMX_QUAL_EPT_GLA_VALID;
		if (e->gla_valid)
			e->gla = vmcs_readl(GUEST_LINEAR_ADDRESS);
		break;
	case VCPU_EXIT_EXCEPTION:
		intr = vmcs_read32(EXIT_INTR_INFO);
		e->info2 = intr;
		e->exc.vector = (u8)FIELD_GET(VMX_INTR_INFO_VECTOR, intr);
		if (FIELD_GET(VMX_INTR_INFO_TYPE, intr) == VMX_INTR_TYPE_NMI)
			e->reason = VCPU_EXIT_NMI;
		break;
	default:
		break;
	}
}

/* Called by vmx_entry.asm with the guest GPRs saved in v->gprs. */
u64 vmx_exit_handler(struct vcpu *v)
{
	struct vmx_vcpu *x = v->backend;

	x->injected = false;
	vmx_decode_exit(v, x);
	v->gprs[GPR_RSP] = vmcs_readl(GUEST_RSP);
	vcpu_handle_exit(v);
	vmcs_writel(GUEST_RSP, v->gprs[GPR_RSP]);
	/* an event interrupted by the exit is delivered again (SDM 28.2.4) */
	if (!x->injected && (x->idt_vectoring & VMX_INTR_INFO_VALID)) {
		vmcs_write32(ENTRY_INTR_INFO, x->idt_vectoring & ~(u32)BIT(12));
		if (x->idt_vectoring & VMX_INTR_INFO_ERROR_VALID)
			vmcs_write32(ENTRY_EXCEPTION_ERROR_CODE, x->idt_vectoring_error);
		vmcs_write32(ENTRY_INSTRUCTION_LEN, vmcs_read32(EXIT_INSTRUCTION_LEN));
	}
	return (u64)(uintptr_t)v;
}

void vmx_resume_failed(struct vcpu *v)
{
	u32 err = vmcs_read32(VM_INSTRUCTION_ERROR);

	printk("FATAL: VM entry failed: error %u (%s)\n", err, vmx_insn_error_name(err));
	vmx_dump(v);
	panic("VMLAUNCH/VMRESUME failed");
}

const struct vcpu_ops vmx_vcpu_ops = {
	.name = "vmx",
	.setup = vmx_setup,
	.run = vmx_run,
	.read = vmx_read,
	.write = vmx_write,
	.inject = vmx_inject,
	.flush_npt = vmx_flush_npt,
	.raw_exit_name = vmx_raw_exit_name,
	.dump = vmx_dump,
	.set_cr = vmx_set_cr,
};
