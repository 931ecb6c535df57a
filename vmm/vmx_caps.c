// SPDX-License-Identifier: MIT
/*
 * VMX capability MSRs (SDM Vol. 3D Appendix A): read them (following the
 * rules for which MSRs exist), decode them into struct vmx_caps, print the
 * "VMX:" inventory. The decode is pure and host-tested; only
 * vmx_raw_msrs_read()/vmx_caps_read() touch the CPU (RDMSR via rdmsr_safe,
 * CPUID).
 */
#include "vmm/vmx_caps.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#define LOG_PREFIX "VMX: "
#include "lib/log.h"
#include "boot/msr.h"
#include "boot/x86.h"

/* Control MSR layout (A.3-A.5): allowed 0-settings low, 1-settings high. */
static struct vmx_ctls vmx_ctls_from_msr(u64 msr)
{
	return (struct vmx_ctls){ .allowed0 = (u32)msr, .allowed1 = (u32)(msr >> 32) };
}

static void decode_basic(u64 basic, struct vmx_caps *out)
{
	out->basic = basic;
	out->revision_id = (u32)FIELD_GET(VMX_BASIC_REVISION, basic);
	out->vmcs_size = (u32)FIELD_GET(VMX_BASIC_VMCS_SIZE, basic);
	out->memtype = (u8)FIELD_GET(VMX_BASIC_MEMTYPE, basic);
	out->phys_addr_32bit = basic & VMX_BASIC_PHYS32;
	out->dual_monitor = basic & VMX_BASIC_DUAL_MONITOR;
	out->ins_outs_info = basic & VMX_BASIC_INS_OUTS;
	out->true_ctls = basic & VMX_BASIC_TRUE_CTLS;
	out->no_errcode_inject = basic & VMX_BASIC_NO_ERRCODE;
}

/* A.3-A.5: the TRUE_* MSRs replace the legacy ones when BASIC[55] is set. */
static void decode_ctls(const struct vmx_raw_msrs *raw, struct vmx_caps *out)
{
	bool t = out->true_ctls;

	out->pinbased = vmx_ctls_from_msr(t ? raw->true_pinbased : raw->pinbased);
	out->procbased = vmx_ctls_from_msr(t ? raw->true_procbased : raw->procbased);
	out->exit = vmx_ctls_from_msr(t ? raw->true_exit : raw->exit);
	out->entry = vmx_ctls_from_msr(t ? raw->true_entry : raw->entry);
	out->secondary_ctls = vmx_ctls_allows(&out->procbased, VMX_PROCBASED_SECONDARY_CTLS);
	/* A.3.3: IA32_VMX_PROCBASED_CTLS2 exists only with secondary controls. */
	if (out->secondary_ctls)
		out->procbased2 = vmx_ctls_from_msr(raw->procbased2);
}

static void decode_misc(u64 misc, struct vmx_caps *out)
{
	out->misc = misc;
	out->preemption_timer_rate = (u8)FIELD_GET(VMX_MISC_PREEMPTION_RATE, misc);
	out->exit_stores_lma = misc & VMX_MISC_EXIT_STORES_LMA;
	out->activity_hlt = misc & VMX_MISC_ACTIVITY_HLT;
	out->activity_shutdown = misc & VMX_MISC_ACTIVITY_SHUTDOWN;
	out->activity_wait_sipi = misc & VMX_MISC_ACTIVITY_WAIT_SIPI;
	out->cr3_target_count = (u16)FIELD_GET(VMX_MISC_CR3_TARGETS, misc);
	out->max_msr_list = 512 * ((u32)FIELD_GET(VMX_MISC_MAX_MSR_LIST, misc) + 1);
	out->vmwrite_any_field = misc & VMX_MISC_VMWRITE_ANY_FIELD;
	out->inject_zero_len = misc & VMX_MISC_INJECT_ZERO_LEN;
	out->mseg_revision = (u32)FIELD_GET(VMX_MISC_MSEG_REVISION, misc);
}

static void decode_ept_vpid(u64 cap, struct vmx_caps *out)
{
	out->ept_vpid_cap = cap;
	out->ept_exec_only = cap & VMX_EPT_EXEC_ONLY;
	out->ept_walk4 = cap & VMX_EPT_WALK_4;
	out->ept_walk5 = cap & VMX_EPT_WALK_5;
	out->ept_uc = cap & VMX_EPT_MEMTYPE_UC;
	out->ept_wb = cap & VMX_EPT_MEMTYPE_WB;
	out->ept_2m = cap & VMX_EPT_2M_PAGES;
	out->ept_1g = cap & VMX_EPT_1G_PAGES;
	out->ept_ad = cap & VMX_EPT_AD_BITS;
	out->ept_adv_exit_info = cap & VMX_EPT_ADV_EXIT_INFO;
	out->invept = cap & VMX_EPT_INVEPT;
	out->invept_single = cap & VMX_EPT_INVEPT_SINGLE;
	out->invept_all = cap & VMX_EPT_INVEPT_ALL;
	out->invvpid = cap & VMX_VPID_INVVPID;
	out->invvpid_addr = cap & VMX_VPID_INVVPID_ADDR;
	out->invvpid_single = cap & VMX_VPID_INVVPID_SINGLE;
	out->invvpid_all = cap & VMX_VPID_INVVPID_ALL;
	out->invvpid_single_globals = cap & VMX_VPID_INVVPID_SINGLE_GLOBALS;
}

static void decode_summary(struct vmx_caps *out)
{
	const struct vmx_ctls *p2 = &out->procbased2;

	/* procbased2 is all-zero unless secondary controls can be activated. */
	out->ept = vmx_ctls_allows(p2, VMX_PROCBASED2_ENABLE_EPT);
	out->vpid = vmx_ctls_allows(p2, VMX_PROCBASED2_ENABLE_VPID);
	/* SDM 3C "Checks on VM-Execution Control Fields": UG requires EPT. */
	out->unrestricted = out->ept && vmx_ctls_allows(p2, VMX_PROCBASED2_UNRESTRICTED_GUEST);
	out->preemption_timer = vmx_ctls_allows(&out->pinbased, VMX_PINBASED_PREEMPTION_TIMER);
	out->posted_intr = vmx_ctls_allows(&out->pinbased, VMX_PINBASED_POSTED_INTR);
	out->virtual_nmis = vmx_ctls_allows(&out->pinbased, VMX_PINBASED_VIRTUAL_NMIS);
	out->msr_bitmaps = vmx_ctls_allows(&out->procbased, VMX_PROCBASED_MSR_BITMAPS);
	out->io_bitmaps = vmx_ctls_allows(&out->procbased, VMX_PROCBASED_IO_BITMAPS);
	out->tpr_shadow = vmx_ctls_allows(&out->procbased, VMX_PROCBASED_TPR_SHADOW);
	out->load_efer = vmx_ctls_allows(&out->entry, VMX_ENTRY_CTLS_LOAD_EFER) &&
			 vmx_ctls_allows(&out->exit, VMX_EXIT_CTLS_LOAD_EFER);
	out->load_pat = vmx_ctls_allows(&out->entry, VMX_ENTRY_CTLS_LOAD_PAT) &&
			vmx_ctls_allows(&out->exit, VMX_EXIT_CTLS_LOAD_PAT);
}

void vmx_caps_decode(const struct vmx_raw_msrs *raw, struct vmx_caps *out)
{
	memset(out, 0, sizeof(*out));

	out->feature_control = raw->feature_control;
	out->fc_locked = raw->feature_control & MSR_FEATURE_CONTROL_LOCK;
	out->fc_vmxon_outside_smx = raw->feature_control & MSR_FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
	/* Unlocked: the VMM may set the enable bit and lock it itself. */
	out->vmxon_allowed = !out->fc_locked || out->fc_vmxon_outside_smx;

	decode_basic(raw->basic, out);
	decode_ctls(raw, out);
	decode_misc(raw->misc, out);
	out->cr0_fixed0 = raw->cr0_fixed0;
	out->cr0_fixed1 = raw->cr0_fixed1;
	out->cr4_fixed0 = raw->cr4_fixed0;
	out->cr4_fixed1 = raw->cr4_fixed1;
	out->vmcs_enum = raw->vmcs_enum;
	out->vmcs_max_index = (u16)FIELD_GET(VMX_VMCS_ENUM_MAX_INDEX, raw->vmcs_enum);
	decode_summary(out);
	/* A.10: the EPT/VPID capability MSR exists only with EPT or VPID. */
	if (out->ept || out->vpid)
		decode_ept_vpid(raw->ept_vpid_cap, out);
	/* A.11: IA32_VMX_VMFUNC exists only if VM functions can be enabled. */
	if (vmx_ctls_allows(&out->procbased2, VMX_PROCBASED2_ENABLE_VMFUNC)) {
		out->vmfunc = raw->vmfunc;
		out->vmfunc_eptp_switching = raw->vmfunc & VMX_VMFUNC_EPTP_SWITCHING;
	}
}

static int read_msr(u32 msr, const char *name, u64 *val)
{
	if (rdmsr_safe(msr, val))
		return 0;
	*val = 0;
	pr_err("RDMSR %s (0x%x) faulted\n", name, msr);
	return -EIO;
}

#define READ_MSR(msr, field) read_msr(msr, #msr, field)

int vmx_raw_msrs_read(struct vmx_raw_msrs *raw)
{
	int ret = 0;

	memset(raw, 0, sizeof(*raw));
	if (!rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &raw->feature_control)) {
		raw->feature_control = 0;
		pr_warn("IA32_FEATURE_CONTROL not readable; assuming unlocked\n");
	}
	ret |= READ_MSR(MSR_IA32_VMX_BASIC, &raw->basic);
	ret |= READ_MSR(MSR_IA32_VMX_PINBASED_CTLS, &raw->pinbased);
	ret |= READ_MSR(MSR_IA32_VMX_PROCBASED_CTLS, &raw->procbased);
	ret |= READ_MSR(MSR_IA32_VMX_EXIT_CTLS, &raw->exit);
	ret |= READ_MSR(MSR_IA32_VMX_ENTRY_CTLS, &raw->entry);
	ret |= READ_MSR(MSR_IA32_VMX_MISC, &raw->misc);
	ret |= READ_MSR(MSR_IA32_VMX_CR0_FIXED0, &raw->cr0_fixed0);
	ret |= READ_MSR(MSR_IA32_VMX_CR0_FIXED1, &raw->cr0_fixed1);
	ret |= READ_MSR(MSR_IA32_VMX_CR4_FIXED0, &raw->cr4_fixed0);
	ret |= READ_MSR(MSR_IA32_VMX_CR4_FIXED1, &raw->cr4_fixed1);
	ret |= READ_MSR(MSR_IA32_VMX_VMCS_ENUM, &raw->vmcs_enum);
	if (raw->basic & VMX_BASIC_TRUE_CTLS) {
		ret |= READ_MSR(MSR_IA32_VMX_TRUE_PINBASED_CTLS, &raw->true_pinbased);
		ret |= READ_MSR(MSR_IA32_VMX_TRUE_PROCBASED_CTLS, &raw->true_procbased);
		ret |= READ_MSR(MSR_IA32_VMX_TRUE_EXIT_CTLS, &raw->true_exit);
		ret |= READ_MSR(MSR_IA32_VMX_TRUE_ENTRY_CTLS, &raw->true_entry);
	}
	/* Allowed 1-settings are the same in the TRUE and legacy MSRs. */
	if ((raw->procbased >> 32) & VMX_PROCBASED_SECONDARY_CTLS) {
		ret |= READ_MSR(MSR_IA32_VMX_PROCBASED_CTLS2, &raw->procbased2);
		if ((raw->procbased2 >> 32) &
		    (VMX_PROCBASED2_ENABLE_EPT | VMX_PROCBASED2_ENABLE_VPID))
			ret |= READ_MSR(MSR_IA32_VMX_EPT_VPID_CAP, &raw->ept_vpid_cap);
		if ((raw->procbased2 >> 32) & VMX_PROCBASED2_ENABLE_VMFUNC)
			ret |= READ_MSR(MSR_IA32_VMX_VMFUNC, &raw->vmfunc);
	}
	return ret ? -EIO : 0;
}

int vmx_caps_read(struct vmx_caps *out)
{
	struct vmx_raw_msrs raw;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!(cpuid(1).ecx & VMX_CPUID_1_ECX_VMX))
		return -ENODEV;
	ret = vmx_raw_msrs_read(&raw);
	if (ret)
		return ret;
	vmx_caps_decode(&raw, out);
	out->present = true;
	return 0;
}

struct name_flag {
	bool set;
	const char *name;
};

/* Comma-separated names of the set flags, or "none". */
static const char *join_flags(char *buf, size_t len, const struct name_flag *f, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && used < len; i++)
		if (f[i].set)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? "," : "",
						 f[i].name);
	return used ? buf : "none";
}

static const char *memtype_name(u8 t)
{
	return t == VMX_MEMTYPE_WB ? "WB" : t == VMX_MEMTYPE_UC ? "UC" : "?";
}

static void print_ctls(const char *name, const struct vmx_ctls *c)
{
	printk("VMX: %s allowed0=0x%08x allowed1=0x%08x\n", name, c->allowed0, c->allowed1);
}

static void print_details(const struct vmx_caps *c)
{
	const struct name_flag act[] = {
		{ c->activity_hlt, "hlt" },
		{ c->activity_shutdown, "shutdown" },
		{ c->activity_wait_sipi, "wait-sipi" },
	};
	const struct name_flag vpid[] = {
		{ c->invvpid_addr, "addr" },
		{ c->invvpid_single, "single" },
		{ c->invvpid_all, "all" },
		{ c->invvpid_single_globals, "single-globals" },
	};
	char b1[40], b2[48];

	printk("VMX: misc=0x%016lx preemption_rate=%u activity=%s cr3_targets=%u max_msr_list=%u exit_stores_lma=%d vmwrite_any=%d\n",
	       c->misc, c->preemption_timer_rate, join_flags(b1, sizeof(b1), act, ARRAY_SIZE(act)),
	       c->cr3_target_count, c->max_msr_list, c->exit_stores_lma, c->vmwrite_any_field);
	printk("VMX: cr0 fixed0=0x%lx fixed1=0x%lx cr4 fixed0=0x%lx fixed1=0x%lx vmcs_max_index=%u\n",
	       c->cr0_fixed0, c->cr0_fixed1, c->cr4_fixed0, c->cr4_fixed1, c->vmcs_max_index);
	printk("VMX: ept_vpid_cap=0x%016lx exec_only=%d walk5=%d ept_uc=%d adv_exit_info=%d invvpid=%s vmfunc=0x%lx\n",
	       c->ept_vpid_cap, c->ept_exec_only, c->ept_walk5, c->ept_uc, c->ept_adv_exit_info,
	       c->invvpid ? join_flags(b2, sizeof(b2), vpid, ARRAY_SIZE(vpid)) : "none", c->vmfunc);
}

static const char *feature_control_state(const struct vmx_caps *c)
{
	if (!c->fc_locked)
		return "vmxon ok, unlocked";
	return c->fc_vmxon_outside_smx ? "vmxon ok" : "locked off";
}

void vmx_caps_print(const struct vmx_caps *c)
{
	const struct name_flag invept[] = {
		{ c->invept_single, "single" },
		{ c->invept_all, "all" },
	};
	char b[24];

	printk("VMX: basic=0x%016lx rev=0x%x vmcs_size=%u memtype=%s true_ctls=%d\n", c->basic,
	       c->revision_id, c->vmcs_size, memtype_name(c->memtype), c->true_ctls);
	print_ctls("pinbased", &c->pinbased);
	print_ctls("procbased", &c->procbased);
	print_ctls("procbased2", &c->procbased2);
	print_ctls("exit", &c->exit);
	print_ctls("entry", &c->entry);
	print_details(c);
	printk("VMX: ept=%d vpid=%d unrestricted=%d ept_4level=%d ept_wb=%d ept_2m=%d ept_1g=%d invept=%s ad=%d preemption_timer=%d feature_control=0x%lx (%s)\n",
	       c->ept, c->vpid, c->unrestricted, c->ept_walk4, c->ept_wb, c->ept_2m, c->ept_1g,
	       c->invept ? join_flags(b, sizeof(b), invept, ARRAY_SIZE(invept)) : "none", c->ept_ad,
	       c->preemption_timer, c->feature_control, feature_control_state(c));
}
