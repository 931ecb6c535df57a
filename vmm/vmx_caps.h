/* SPDX-License-Identifier: MIT */
/*
 * Intel VMX capabilities: the VMX capability MSRs (SDM Vol. 3D Appendix A)
 * decoded into named fields, plus the VM-execution/exit/entry control bits
 * (SDM Vol. 3C 25.6.1-25.6.2 execution, 25.7.1 exit, 25.8.1 entry controls;
 * chapter 24 in older editions). Decoding is pure; vmx_caps_read() is the only
 * part that touches the CPU (CPUID, RDMSR).
 */
#ifndef VMM_VMX_CAPS_H
#define VMM_VMX_CAPS_H

#include "lib/bitops.h"
#include "lib/types.h"

/* CPUID.1:ECX.VMX (SDM Vol. 2A, CPUID). */
#define VMX_CPUID_1_ECX_VMX BIT(5)

/* IA32_VMX_BASIC (A.1) */
#define VMX_BASIC_REVISION GENMASK(30, 0)   /* VMCS revision identifier */
#define VMX_BASIC_VMCS_SIZE GENMASK(44, 32) /* bytes for VMXON/VMCS regions */
#define VMX_BASIC_PHYS32 BIT(48)	    /* region addresses limited to 32 bits */
#define VMX_BASIC_DUAL_MONITOR BIT(49)	    /* dual-monitor SMM treatment */
#define VMX_BASIC_MEMTYPE GENMASK(53, 50)   /* VMCS access memory type */
#define VMX_BASIC_INS_OUTS BIT(54)	    /* INS/OUTS exit instruction info */
#define VMX_BASIC_TRUE_CTLS BIT(55)	    /* IA32_VMX_TRUE_*_CTLS exist */
#define VMX_BASIC_NO_ERRCODE BIT(56)	    /* inject HW exception w/o error code */
#define VMX_MEMTYPE_UC 0
#define VMX_MEMTYPE_WB 6

/* Pin-based VM-execution controls (25.6.1) */
#define VMX_PINBASED_EXT_INTR_EXITING BIT(0)
#define VMX_PINBASED_NMI_EXITING BIT(3)
#define VMX_PINBASED_VIRTUAL_NMIS BIT(5)
#define VMX_PINBASED_PREEMPTION_TIMER BIT(6)
#define VMX_PINBASED_POSTED_INTR BIT(7)

/* Primary processor-based VM-execution controls (25.6.2) */
#define VMX_PROCBASED_INTR_WINDOW_EXITING BIT(2)
#define VMX_PROCBASED_TSC_OFFSETTING BIT(3)
#define VMX_PROCBASED_HLT_EXITING BIT(7)
#define VMX_PROCBASED_INVLPG_EXITING BIT(9)
#define VMX_PROCBASED_MWAIT_EXITING BIT(10)
#define VMX_PROCBASED_RDPMC_EXITING BIT(11)
#define VMX_PROCBASED_RDTSC_EXITING BIT(12)
#define VMX_PROCBASED_CR3_LOAD_EXITING BIT(15)
#define VMX_PROCBASED_CR3_STORE_EXITING BIT(16)
#define VMX_PROCBASED_TERTIARY_CTLS BIT(17)
#define VMX_PROCBASED_CR8_LOAD_EXITING BIT(19)
#define VMX_PROCBASED_CR8_STORE_EXITING BIT(20)
#define VMX_PROCBASED_TPR_SHADOW BIT(21)
#define VMX_PROCBASED_NMI_WINDOW_EXITING BIT(22)
#define VMX_PROCBASED_MOV_DR_EXITING BIT(23)
#define VMX_PROCBASED_UNCOND_IO_EXITING BIT(24)
#define VMX_PROCBASED_IO_BITMAPS BIT(25)
#define VMX_PROCBASED_MONITOR_TRAP_FLAG BIT(27)
#define VMX_PROCBASED_MSR_BITMAPS BIT(28)
#define VMX_PROCBASED_MONITOR_EXITING BIT(29)
#define VMX_PROCBASED_PAUSE_EXITING BIT(30)
#define VMX_PROCBASED_SECONDARY_CTLS BIT(31)

/* Secondary processor-based VM-execution controls (25.6.2) */
#define VMX_PROCBASED2_VIRT_APIC_ACCESSES BIT(0)
#define VMX_PROCBASED2_ENABLE_EPT BIT(1)
#define VMX_PROCBASED2_DESC_TABLE_EXITING BIT(2)
#define VMX_PROCBASED2_ENABLE_RDTSCP BIT(3)
#define VMX_PROCBASED2_VIRT_X2APIC_MODE BIT(4)
#define VMX_PROCBASED2_ENABLE_VPID BIT(5)
#define VMX_PROCBASED2_WBINVD_EXITING BIT(6)
#define VMX_PROCBASED2_UNRESTRICTED_GUEST BIT(7)
#define VMX_PROCBASED2_APIC_REG_VIRT BIT(8)
#define VMX_PROCBASED2_VIRT_INTR_DELIVERY BIT(9)
#define VMX_PROCBASED2_PAUSE_LOOP_EXITING BIT(10)
#define VMX_PROCBASED2_RDRAND_EXITING BIT(11)
#define VMX_PROCBASED2_ENABLE_INVPCID BIT(12)
#define VMX_PROCBASED2_ENABLE_VMFUNC BIT(13)
#define VMX_PROCBASED2_VMCS_SHADOWING BIT(14)
#define VMX_PROCBASED2_ENCLS_EXITING BIT(15)
#define VMX_PROCBASED2_RDSEED_EXITING BIT(16)
#define VMX_PROCBASED2_ENABLE_PML BIT(17)
#define VMX_PROCBASED2_EPT_VIOLATION_VE BIT(18)
#define VMX_PROCBASED2_CONCEAL_VMX_FROM_PT BIT(19)
#define VMX_PROCBASED2_ENABLE_XSAVES BIT(20)
#define VMX_PROCBASED2_MODE_BASED_EPT_EXEC BIT(22)
#define VMX_PROCBASED2_SUBPAGE_WRITE BIT(23)
#define VMX_PROCBASED2_PT_USES_GPA BIT(24)
#define VMX_PROCBASED2_TSC_SCALING BIT(25)
#define VMX_PROCBASED2_USER_WAIT_PAUSE BIT(26)
#define VMX_PROCBASED2_ENCLV_EXITING BIT(28)

/* Primary VM-exit controls (25.7.1) */
#define VMX_EXIT_CTLS_SAVE_DEBUG_CTLS BIT(2)
#define VMX_EXIT_CTLS_HOST_ADDR_SPACE_SIZE BIT(9) /* 64-bit host */
#define VMX_EXIT_CTLS_LOAD_PERF_GLOBAL_CTRL BIT(12)
#define VMX_EXIT_CTLS_ACK_INTR_ON_EXIT BIT(15)
#define VMX_EXIT_CTLS_SAVE_PAT BIT(18)
#define VMX_EXIT_CTLS_LOAD_PAT BIT(19)
#define VMX_EXIT_CTLS_SAVE_EFER BIT(20)
#define VMX_EXIT_CTLS_LOAD_EFER BIT(21)
#define VMX_EXIT_CTLS_SAVE_PREEMPTION_TIMER BIT(22)
#define VMX_EXIT_CTLS_CLEAR_BNDCFGS BIT(23)
#define VMX_EXIT_CTLS_CONCEAL_VMX_FROM_PT BIT(24)
#define VMX_EXIT_CTLS_CLEAR_RTIT_CTL BIT(25)
#define VMX_EXIT_CTLS_LOAD_CET BIT(28)

/* VM-entry controls (25.8.1) */
#define VMX_ENTRY_CTLS_LOAD_DEBUG_CTLS BIT(2)
#define VMX_ENTRY_CTLS_IA32E_MODE_GUEST BIT(9)
#define VMX_ENTRY_CTLS_ENTRY_TO_SMM BIT(10)
#define VMX_ENTRY_CTLS_DEACT_DUAL_MONITOR BIT(11)
#define VMX_ENTRY_CTLS_LOAD_PERF_GLOBAL_CTRL BIT(13)
#define VMX_ENTRY_CTLS_LOAD_PAT BIT(14)
#define VMX_ENTRY_CTLS_LOAD_EFER BIT(15)
#define VMX_ENTRY_CTLS_LOAD_BNDCFGS BIT(16)
#define VMX_ENTRY_CTLS_CONCEAL_VMX_FROM_PT BIT(17)
#define VMX_ENTRY_CTLS_LOAD_RTIT_CTL BIT(18)
#define VMX_ENTRY_CTLS_LOAD_CET BIT(20)

/* IA32_VMX_MISC (A.6) */
#define VMX_MISC_PREEMPTION_RATE GENMASK(4, 0) /* timer ticks every 2^N TSC */
#define VMX_MISC_EXIT_STORES_LMA BIT(5)	       /* set iff unrestricted guest */
#define VMX_MISC_ACTIVITY_HLT BIT(6)
#define VMX_MISC_ACTIVITY_SHUTDOWN BIT(7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI BIT(8)
#define VMX_MISC_PT_IN_VMX BIT(14)
#define VMX_MISC_RDMSR_SMBASE BIT(15)
#define VMX_MISC_CR3_TARGETS GENMASK(24, 16)
#define VMX_MISC_MAX_MSR_LIST GENMASK(27, 25) /* 512 * (N + 1) entries */
#define VMX_MISC_SMM_MONITOR_CTL_B2 BIT(28)
#define VMX_MISC_VMWRITE_ANY_FIELD BIT(29) /* incl. exit-information fields */
#define VMX_MISC_INJECT_ZERO_LEN BIT(30)   /* zero-length insn injection */
#define VMX_MISC_MSEG_REVISION GENMASK(63, 32)

/* IA32_VMX_VMCS_ENUM (A.9) */
#define VMX_VMCS_ENUM_MAX_INDEX GENMASK(9, 1)

/* IA32_VMX_EPT_VPID_CAP (A.10) */
#define VMX_EPT_EXEC_ONLY BIT(0)
#define VMX_EPT_WALK_4 BIT(6)
#define VMX_EPT_WALK_5 BIT(7)
#define VMX_EPT_MEMTYPE_UC BIT(8)
#define VMX_EPT_MEMTYPE_WB BIT(14)
#define VMX_EPT_2M_PAGES BIT(16)
#define VMX_EPT_1G_PAGES BIT(17)
#define VMX_EPT_INVEPT BIT(20)
#define VMX_EPT_AD_BITS BIT(21)
#define VMX_EPT_ADV_EXIT_INFO BIT(22) /* advanced EPT-violation info */
#define VMX_EPT_SUPERVISOR_SSS BIT(23)
#define VMX_EPT_INVEPT_SINGLE BIT(25)
#define VMX_EPT_INVEPT_ALL BIT(26)
#define VMX_VPID_INVVPID BIT(32)
#define VMX_VPID_INVVPID_ADDR BIT(40)
#define VMX_VPID_INVVPID_SINGLE BIT(41)
#define VMX_VPID_INVVPID_ALL BIT(42)
#define VMX_VPID_INVVPID_SINGLE_GLOBALS BIT(43)

/* IA32_VMX_VMFUNC (A.11) */
#define VMX_VMFUNC_EPTP_SWITCHING BIT(0)

/* Raw MSR values. Fields whose MSR does not exist (see comments) are 0. */
struct vmx_raw_msrs {
	u64 feature_control; /* IA32_FEATURE_CONTROL */
	u64 basic;	     /* IA32_VMX_BASIC */
	u64 pinbased;	     /* IA32_VMX_PINBASED_CTLS ... */
	u64 procbased;
	u64 exit;
	u64 entry;
	u64 true_pinbased; /* IA32_VMX_TRUE_*: only if BASIC bit 55 */
	u64 true_procbased;
	u64 true_exit;
	u64 true_entry;
	u64 misc;
	u64 cr0_fixed0, cr0_fixed1;
	u64 cr4_fixed0, cr4_fixed1;
	u64 vmcs_enum;
	u64 procbased2;	  /* only if procbased allowed1 bit 31 */
	u64 ept_vpid_cap; /* only if procbased2 allows EPT or VPID */
	u64 vmfunc;	  /* only if procbased2 allows VM functions */
};

/*
 * A control field's capability (A.3-A.5): a bit set in allowed0 must be 1;
 * a bit clear in allowed1 must be 0.
 */
struct vmx_ctls {
	u32 allowed0;
	u32 allowed1;
};

struct vmx_caps {
	bool present; /* CPUID.1:ECX.VMX (vmx_caps_read) */

	/* IA32_FEATURE_CONTROL */
	u64 feature_control;
	bool fc_locked;
	bool fc_vmxon_outside_smx;
	bool vmxon_allowed; /* locked with VMXON enabled, or unlocked */

	/* IA32_VMX_BASIC */
	u64 basic;
	u32 revision_id;
	u32 vmcs_size; /* bytes */
	u8 memtype;    /* VMX_MEMTYPE_* */
	bool phys_addr_32bit;
	bool dual_monitor;
	bool ins_outs_info;
	bool true_ctls; /* controls below came from TRUE MSRs */
	bool no_errcode_inject;

	/* Controls (TRUE_* MSRs when true_ctls; procbased2 has no TRUE MSR) */
	struct vmx_ctls pinbased, procbased, procbased2, exit, entry;

	/* IA32_VMX_MISC */
	u64 misc;
	u8 preemption_timer_rate; /* timer counts every 2^rate TSC ticks */
	bool exit_stores_lma;	  /* reported by every UG-capable CPU */
	bool activity_hlt, activity_shutdown, activity_wait_sipi;
	u16 cr3_target_count;
	u32 max_msr_list; /* recommended max MSR-list entries */
	bool vmwrite_any_field;
	bool inject_zero_len;
	u32 mseg_revision;

	/* IA32_VMX_CR0/CR4_FIXED0/1: bits fixed to 1 / bits allowed to be 1 */
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	u64 vmcs_enum;
	u16 vmcs_max_index;

	/* IA32_VMX_EPT_VPID_CAP */
	u64 ept_vpid_cap;
	bool ept_exec_only, ept_walk4, ept_walk5, ept_uc, ept_wb;
	bool ept_2m, ept_1g, ept_ad, ept_adv_exit_info;
	bool invept, invept_single, invept_all;
	bool invvpid, invvpid_addr, invvpid_single, invvpid_all;
	bool invvpid_single_globals;

	/* IA32_VMX_VMFUNC */
	u64 vmfunc;
	bool vmfunc_eptp_switching;

	/* Summary: may the VMM set these controls? */
	bool secondary_ctls;   /* primary bit 31 */
	bool ept;	       /* secondary "enable EPT" */
	bool vpid;	       /* secondary "enable VPID" */
	bool unrestricted;     /* "unrestricted guest" (needs EPT too) */
	bool preemption_timer; /* pin-based "activate preemption timer" */
	bool posted_intr;
	bool virtual_nmis;
	bool msr_bitmaps, io_bitmaps, tpr_shadow;
	bool load_efer; /* entry "load EFER" and exit "load EFER" */
	bool load_pat;	/* entry "load PAT" and exit "load PAT" */
};

/** Decode raw MSR values (pure). Ignores raw MSRs that cannot exist. */
void vmx_caps_decode(const struct vmx_raw_msrs *raw, struct vmx_caps *out);

/**
 * Read the capability MSRs with rdmsr_safe(), following the existence rules
 * in the struct vmx_raw_msrs comments. -EIO if a required MSR faults.
 * Does not check CPUID; vmx_caps_read() does.
 */
int __must_check vmx_raw_msrs_read(struct vmx_raw_msrs *raw);

/** CPUID check, MSR read and decode. -ENODEV when the CPU has no VMX. */
int __must_check vmx_caps_read(struct vmx_caps *out);

/** Print the "VMX: ..." inventory lines. */
void vmx_caps_print(const struct vmx_caps *c);

/** May every bit of bits be set in this control field? */
static inline bool vmx_ctls_allows(const struct vmx_ctls *c, u32 bits)
{
	return (c->allowed1 & bits) == bits;
}

/**
 * The control value to program for the wanted bits: the required-1 bits are
 * added. Returns false (and leaves *val alone) if a wanted bit cannot be 1.
 */
static inline bool vmx_ctls_adjust(const struct vmx_ctls *c, u32 want, u32 *val)
{
	if (!vmx_ctls_allows(c, want))
		return false;
	*val = want | c->allowed0;
	return true;
}

#endif /* VMM_VMX_CAPS_H */
