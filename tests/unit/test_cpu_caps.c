// SPDX-License-Identifier: MIT
/*
 * vmm/vmx_caps.c, vmm/svm_caps.c, vmm/cpu_vendor.c: decode of hand-built
 * capability MSR values (SDM Vol. 3D Appendix A), QEMU's SVM CPUID leaf,
 * the MSR existence rules (through a fake rdmsr_safe) and the printouts.
 */
#include "tests/unit/harness.h"
#include <cpuid.h>
#include <string.h>
#include "lib/errno.h"
#include "boot/msr.h"
#include "boot/x86.h"
#include "vmm/cpu_caps.h"
#include "vmm/svm_caps.h"
#include "vmm/vmx_caps.h"

#define assert_log_has(s)                                                           \
	do {                                                                        \
		if (!strstr(harness_log(), (s)))                                    \
			fail_msg("log lacks \"%s\"; log:\n%s", (s), harness_log()); \
	} while (0)

#define CTLS(allowed0, allowed1) (((u64)(allowed1) << 32) | (u32)(allowed0))

/*
 * A VMX CPU in the style of Bochs' models: rev 0x12345, 4 KiB VMCS, WB,
 * INS/OUTS info, TRUE controls. The legacy and TRUE control MSRs differ so
 * the test can tell which ones the decode used.
 */
static struct vmx_raw_msrs sample_raw(void)
{
	struct vmx_raw_msrs r = { 0 };

	r.feature_control = 0x5; /* locked, VMXON outside SMX */
	r.basic = 0x12345ull | (4096ull << 32) | (6ull << 50) | (1ull << 54) | (1ull << 55);
	r.pinbased = CTLS(0x16, 0x3f);	    /* no preemption timer */
	r.true_pinbased = CTLS(0x16, 0x7f); /* bit 6: preemption timer */
	r.procbased = CTLS(0x0401e172, 0xfff9fffe);
	r.true_procbased = CTLS(0x04006172, 0xfff9fffe); /* CR3 exits optional */
	r.exit = CTLS(0x00036dff, 0x003fffff);
	r.true_exit = CTLS(0x00036dfb, 0x003fffff);
	r.entry = CTLS(0x000011ff, 0x0000ffff);
	r.true_entry = CTLS(0x000011fb, 0x0000ffff);
	/* rate 5, exit stores LMA, HLT/shutdown/wait-for-SIPI, 4 CR3 targets */
	r.misc = 5 | (1u << 5) | (7u << 6) | (4u << 16);
	r.cr0_fixed0 = 0x80000021;
	r.cr0_fixed1 = 0xffffffff;
	r.cr4_fixed0 = 0x2000;
	r.cr4_fixed1 = 0x3727ff;
	r.vmcs_enum = 0x2e; /* max index 0x17 */
	/* EPT (1), RDTSCP (3), VPID (5), unrestricted guest (7), VMFUNC (13) */
	r.procbased2 = CTLS(0, 0x20aa);
	/* exec-only, 4-level walk, UC, WB, 2M, INVEPT single+all, INVVPID all types */
	r.ept_vpid_cap = (1ull << 0) | (1ull << 6) | (1ull << 8) | (1ull << 14) | (1ull << 16) |
			 (1ull << 20) | (1ull << 25) | (1ull << 26) | (1ull << 32) | (1ull << 40) |
			 (1ull << 41) | (1ull << 42) | (1ull << 43);
	r.vmfunc = 1;
	return r;
}

static void test_vmx_decode_true_ctls(void **state)
{
	struct vmx_raw_msrs r = sample_raw();
	struct vmx_caps c;

	(void)state;
	vmx_caps_decode(&r, &c);
	assert_false(c.present); /* only vmx_caps_read() knows CPUID */
	assert_int_equal(c.revision_id, 0x12345);
	assert_int_equal(c.vmcs_size, 4096);
	assert_int_equal(c.memtype, VMX_MEMTYPE_WB);
	assert_true(c.ins_outs_info);
	assert_true(c.true_ctls);
	assert_false(c.phys_addr_32bit);

	/* Controls from the TRUE MSRs. */
	assert_int_equal(c.pinbased.allowed0, 0x16);
	assert_int_equal(c.pinbased.allowed1, 0x7f);
	assert_int_equal(c.procbased.allowed0, 0x04006172);
	assert_int_equal(c.procbased.allowed1, 0xfff9fffe);
	assert_int_equal(c.exit.allowed0, 0x00036dfb);
	assert_int_equal(c.entry.allowed0, 0x000011fb);
	assert_int_equal(c.procbased2.allowed0, 0);
	assert_int_equal(c.procbased2.allowed1, 0x20aa);

	assert_true(c.secondary_ctls);
	assert_true(c.ept);
	assert_true(c.vpid);
	assert_true(c.unrestricted);
	assert_true(c.preemption_timer);
	assert_true(c.virtual_nmis);
	assert_false(c.posted_intr);
	assert_true(c.msr_bitmaps);
	assert_true(c.io_bitmaps);
	assert_true(c.load_efer);
	assert_true(c.load_pat);

	assert_true(c.ept_exec_only);
	assert_true(c.ept_walk4);
	assert_false(c.ept_walk5);
	assert_true(c.ept_uc);
	assert_true(c.ept_wb);
	assert_true(c.ept_2m);
	assert_false(c.ept_1g);
	assert_false(c.ept_ad);
	assert_true(c.invept);
	assert_true(c.invept_single);
	assert_true(c.invept_all);
	assert_true(c.invvpid);
	assert_true(c.invvpid_addr);
	assert_true(c.invvpid_single);
	assert_true(c.invvpid_all);
	assert_true(c.invvpid_single_globals);
	assert_true(c.vmfunc_eptp_switching);

	assert_int_equal(c.preemption_timer_rate, 5);
	assert_true(c.exit_stores_lma);
	assert_true(c.activity_hlt);
	assert_true(c.activity_shutdown);
	assert_true(c.activity_wait_sipi);
	assert_int_equal(c.cr3_target_count, 4);
	assert_int_equal(c.max_msr_list, 512);
	assert_int_equal(c.vmcs_max_index, 0x17);
	assert_int_equal(c.cr0_fixed0, 0x80000021);
	assert_int_equal(c.cr4_fixed1, 0x3727ff);

	assert_true(c.fc_locked);
	assert_true(c.fc_vmxon_outside_smx);
	assert_true(c.vmxon_allowed);
}

/* BASIC[55] clear: the legacy MSRs are authoritative, TRUE ones ignored. */
static void test_vmx_decode_legacy_ctls(void **state)
{
	struct vmx_raw_msrs r = sample_raw();
	struct vmx_caps c;

	(void)state;
	r.basic &= ~(1ull << 55);
	vmx_caps_decode(&r, &c);
	assert_false(c.true_ctls);
	assert_int_equal(c.pinbased.allowed1, 0x3f);
	assert_false(c.preemption_timer);
	assert_int_equal(c.procbased.allowed0, 0x0401e172);
	assert_int_equal(c.exit.allowed0, 0x00036dff);
	assert_int_equal(c.entry.allowed0, 0x000011ff);
	/* procbased2 has no TRUE variant: unchanged. */
	assert_int_equal(c.procbased2.allowed1, 0x20aa);
	assert_true(c.ept);
}

/* MSRs that cannot exist are ignored even if the raw struct has junk. */
static void test_vmx_decode_existence_rules(void **state)
{
	struct vmx_raw_msrs r = sample_raw();
	struct vmx_caps c;

	(void)state;
	/* No "activate secondary controls": no procbased2, EPT, VPID, VMFUNC. */
	r.true_procbased &= ~(1ull << 63);
	r.procbased &= ~(1ull << 63);
	vmx_caps_decode(&r, &c);
	assert_false(c.secondary_ctls);
	assert_int_equal(c.procbased2.allowed1, 0);
	assert_false(c.ept);
	assert_false(c.vpid);
	assert_false(c.unrestricted);
	assert_int_equal(c.ept_vpid_cap, 0);
	assert_false(c.ept_walk4);
	assert_false(c.invept);
	assert_int_equal(c.vmfunc, 0);

	/* Unrestricted guest without EPT is not usable. */
	r = sample_raw();
	r.procbased2 = CTLS(0, 1u << 7);
	vmx_caps_decode(&r, &c);
	assert_false(c.ept);
	assert_false(c.unrestricted);
	assert_int_equal(c.ept_vpid_cap, 0);

	/* VPID only: the EPT/VPID MSR exists. */
	r.procbased2 = CTLS(0, 1u << 5);
	vmx_caps_decode(&r, &c);
	assert_true(c.vpid);
	assert_false(c.ept);
	assert_true(c.invvpid_single);
	assert_int_equal(c.vmfunc, 0);
}

static void test_vmx_feature_control(void **state)
{
	struct vmx_raw_msrs r = sample_raw();
	struct vmx_caps c;

	(void)state;
	r.feature_control = 0x1; /* locked, VMXON disabled by firmware */
	vmx_caps_decode(&r, &c);
	assert_false(c.vmxon_allowed);
	harness_log_clear();
	vmx_caps_print(&c);
	assert_log_has("feature_control=0x1 (locked off)\n");

	r.feature_control = 0; /* unlocked: the VMM may enable and lock */
	vmx_caps_decode(&r, &c);
	assert_true(c.vmxon_allowed);
	assert_false(c.fc_locked);
	harness_log_clear();
	vmx_caps_print(&c);
	assert_log_has("feature_control=0x0 (vmxon ok, unlocked)\n");
}

static void test_vmx_ctls_adjust(void **state)
{
	struct vmx_raw_msrs r = sample_raw();
	struct vmx_caps c;
	u32 v = 0xdead;

	(void)state;
	vmx_caps_decode(&r, &c);
	assert_true(vmx_ctls_adjust(&c.procbased,
				    VMX_PROCBASED_HLT_EXITING | VMX_PROCBASED_SECONDARY_CTLS, &v));
	assert_int_equal(v, 0x04006172u | (1u << 7) | (1u << 31));
	/* Bit 0 is never allowed to be 1 in this sample. */
	assert_false(vmx_ctls_adjust(&c.procbased, 1u, &v));
	assert_int_equal(v, 0x04006172u | (1u << 7) | (1u << 31));
	assert_true(vmx_ctls_allows(&c.procbased2,
				    VMX_PROCBASED2_ENABLE_EPT | VMX_PROCBASED2_UNRESTRICTED_GUEST));
	assert_false(vmx_ctls_allows(&c.procbased2, VMX_PROCBASED2_VIRT_INTR_DELIVERY));
}

static void test_vmx_print(void **state)
{
	struct vmx_raw_msrs r = sample_raw();
	struct vmx_caps c;

	(void)state;
	vmx_caps_decode(&r, &c);
	harness_log_clear();
	vmx_caps_print(&c);
	assert_log_has(
		"VMX: basic=0x00d8100000012345 rev=0x12345 vmcs_size=4096 memtype=WB true_ctls=1\n");
	assert_log_has("VMX: pinbased allowed0=0x00000016 allowed1=0x0000007f\n");
	assert_log_has("VMX: procbased allowed0=0x04006172 allowed1=0xfff9fffe\n");
	assert_log_has("VMX: procbased2 allowed0=0x00000000 allowed1=0x000020aa\n");
	assert_log_has("VMX: exit allowed0=0x00036dfb allowed1=0x003fffff\n");
	assert_log_has("VMX: entry allowed0=0x000011fb allowed1=0x0000ffff\n");
	assert_log_has("activity=hlt,shutdown,wait-sipi cr3_targets=4 ");
	assert_log_has("invvpid=addr,single,all,single-globals ");
	assert_log_has(
		"VMX: ept=1 vpid=1 unrestricted=1 ept_4level=1 ept_wb=1 ept_2m=1 ept_1g=0 invept=single,all ad=0 preemption_timer=1 feature_control=0x5 (vmxon ok)\n");

	r.procbased2 = CTLS(0, 0);
	vmx_caps_decode(&r, &c);
	harness_log_clear();
	vmx_caps_print(&c);
	assert_log_has(
		"VMX: ept=0 vpid=0 unrestricted=0 ept_4level=0 ept_wb=0 ept_2m=0 ept_1g=0 invept=none ad=0 ");
}

/* ---- fake RDMSR for vmx_raw_msrs_read() ---- */

static struct vmx_raw_msrs fake;
static u32 fake_fault_msr; /* this MSR raises #GP */
static u64 fake_read_mask; /* bit (msr - 0x480) per VMX MSR read */

bool rdmsr_safe(u32 msr, u64 *val)
{
	static const struct {
		u32 msr;
		size_t off;
	} map[] = {
		{ MSR_IA32_FEATURE_CONTROL, offsetof(struct vmx_raw_msrs, feature_control) },
		{ MSR_IA32_VMX_BASIC, offsetof(struct vmx_raw_msrs, basic) },
		{ MSR_IA32_VMX_PINBASED_CTLS, offsetof(struct vmx_raw_msrs, pinbased) },
		{ MSR_IA32_VMX_PROCBASED_CTLS, offsetof(struct vmx_raw_msrs, procbased) },
		{ MSR_IA32_VMX_EXIT_CTLS, offsetof(struct vmx_raw_msrs, exit) },
		{ MSR_IA32_VMX_ENTRY_CTLS, offsetof(struct vmx_raw_msrs, entry) },
		{ MSR_IA32_VMX_MISC, offsetof(struct vmx_raw_msrs, misc) },
		{ MSR_IA32_VMX_CR0_FIXED0, offsetof(struct vmx_raw_msrs, cr0_fixed0) },
		{ MSR_IA32_VMX_CR0_FIXED1, offsetof(struct vmx_raw_msrs, cr0_fixed1) },
		{ MSR_IA32_VMX_CR4_FIXED0, offsetof(struct vmx_raw_msrs, cr4_fixed0) },
		{ MSR_IA32_VMX_CR4_FIXED1, offsetof(struct vmx_raw_msrs, cr4_fixed1) },
		{ MSR_IA32_VMX_VMCS_ENUM, offsetof(struct vmx_raw_msrs, vmcs_enum) },
		{ MSR_IA32_VMX_PROCBASED_CTLS2, offsetof(struct vmx_raw_msrs, procbased2) },
		{ MSR_IA32_VMX_EPT_VPID_CAP, offsetof(struct vmx_raw_msrs, ept_vpid_cap) },
		{ MSR_IA32_VMX_TRUE_PINBASED_CTLS, offsetof(struct vmx_raw_msrs, true_pinbased) },
		{ MSR_IA32_VMX_TRUE_PROCBASED_CTLS, offsetof(struct vmx_raw_msrs, true_procbased) },
		{ MSR_IA32_VMX_TRUE_EXIT_CTLS, offsetof(struct vmx_raw_msrs, true_exit) },
		{ MSR_IA32_VMX_TRUE_ENTRY_CTLS, offsetof(struct vmx_raw_msrs, true_entry) },
		{ MSR_IA32_VMX_VMFUNC, offsetof(struct vmx_raw_msrs, vmfunc) },
	};

	if (msr >= MSR_IA32_VMX_BASIC && msr <= MSR_IA32_VMX_VMFUNC)
		fake_read_mask |= 1ull << (msr - MSR_IA32_VMX_BASIC);
	if (msr == fake_fault_msr)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (map[i].msr == msr) {
			*val = *(const u64 *)((const char *)&fake + map[i].off);
			return true;
		}
	}
	return false;
}

static bool was_read(u32 msr)
{
	return fake_read_mask & (1ull << (msr - MSR_IA32_VMX_BASIC));
}

static void test_vmx_raw_read(void **state)
{
	struct vmx_raw_msrs r;

	(void)state;
	fake = sample_raw();
	fake_fault_msr = 0;
	fake_read_mask = 0;
	assert_int_equal(vmx_raw_msrs_read(&r), 0);
	assert_memory_equal(&r, &fake, sizeof(r));
	assert_true(was_read(MSR_IA32_VMX_TRUE_ENTRY_CTLS));
	assert_true(was_read(MSR_IA32_VMX_VMFUNC));

	/* Without BASIC[55] the TRUE MSRs are not touched. */
	fake.basic &= ~(1ull << 55);
	fake_read_mask = 0;
	assert_int_equal(vmx_raw_msrs_read(&r), 0);
	assert_false(was_read(MSR_IA32_VMX_TRUE_PINBASED_CTLS));
	assert_false(was_read(MSR_IA32_VMX_TRUE_ENTRY_CTLS));
	assert_int_equal(r.true_pinbased, 0);
	assert_true(was_read(MSR_IA32_VMX_PINBASED_CTLS));

	/* Without secondary controls: no PROCBASED_CTLS2/EPT_VPID_CAP/VMFUNC. */
	fake = sample_raw();
	fake.procbased &= ~(1ull << 63);
	fake_read_mask = 0;
	assert_int_equal(vmx_raw_msrs_read(&r), 0);
	assert_false(was_read(MSR_IA32_VMX_PROCBASED_CTLS2));
	assert_false(was_read(MSR_IA32_VMX_EPT_VPID_CAP));
	assert_false(was_read(MSR_IA32_VMX_VMFUNC));
	assert_int_equal(r.procbased2, 0);

	/* A required MSR that faults fails the read. */
	fake = sample_raw();
	fake_fault_msr = MSR_IA32_VMX_EPT_VPID_CAP;
	harness_log_clear();
	assert_int_equal(vmx_raw_msrs_read(&r), -EIO);
	assert_log_has("MSR_IA32_VMX_EPT_VPID_CAP");
	fake_fault_msr = MSR_IA32_VMX_BASIC;
	assert_int_equal(vmx_raw_msrs_read(&r), -EIO);
	/* IA32_FEATURE_CONTROL faulting is tolerated (treated as unlocked). */
	fake_fault_msr = MSR_IA32_FEATURE_CONTROL;
	assert_int_equal(vmx_raw_msrs_read(&r), 0);
	assert_int_equal(r.feature_control, 0);
	fake_fault_msr = 0;
}

/* On the host, vmx_caps_read() follows CPUID.1:ECX.VMX. */
static void test_vmx_read_host(void **state)
{
	unsigned int a, b, c, d;
	struct vmx_caps caps;
	int ret;

	(void)state;
	fake = sample_raw();
	fake_fault_msr = 0;
	__cpuid(1, a, b, c, d);
	ret = vmx_caps_read(&caps);
	if (c & (1u << 5)) {
		assert_int_equal(ret, 0);
		assert_true(caps.present);
		assert_true(caps.unrestricted); /* from the fake MSRs */
	} else {
		assert_int_equal(ret, -ENODEV);
		assert_false(caps.present);
	}
}

/* ---- SVM ---- */

/* QEMU 7.2 TCG -cpu max: SVM rev 1, 16 ASIDs, EDX = NP | VGIF. */
static const struct cpuid_regs qemu_leaf = {
	.eax = 1, .ebx = 16, .ecx = 0, .edx = (1u << 0) | (1u << 16)
};

static void test_svm_qemu(void **state)
{
	struct svm_caps c;

	(void)state;
	svm_caps_decode(1u << 2, qemu_leaf, 0, &c);
	assert_true(c.present);
	assert_int_equal(c.revision, 1);
	assert_int_equal(c.nr_asids, 16);
	assert_true(c.npt);
	assert_true(c.vgif);
	assert_false(c.nrips);
	assert_false(c.decode_assists);
	assert_false(c.vmcb_clean);
	assert_false(c.flush_by_asid);
	assert_false(c.pause_filter);
	assert_false(c.avic);
	assert_false(c.lbrv);
	assert_false(c.svml);
	assert_false(c.vm_cr_lock);
	assert_false(c.disabled);
	assert_true(c.usable);

	harness_log_clear();
	svm_caps_print(&c);
	assert_log_has(
		"SVM: rev=1 asids=16 npt=1 nrips=0 decode_assists=0 vmcb_clean=0 flush_by_asid=0 pause_filter=0 avic=0 vgif=1 lbrv=0 svm_lock=0 disabled=0 ");
	assert_log_has(" edx=0x00010001 vm_cr=0x0 usable=1\n");
}

static void test_svm_absent_and_vm_cr(void **state)
{
	struct cpuid_regs junk = { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff };
	struct svm_caps c;

	(void)state;
	/* Without CPUID Fn8000_0001 ECX[2], leaf 0x8000000A is meaningless. */
	svm_caps_decode(~(1u << 2), junk, ~0ull, &c);
	assert_false(c.present);
	assert_false(c.npt);
	assert_int_equal(c.nr_asids, 0);
	assert_false(c.usable);

	/* Firmware disabled SVM and locked it. */
	svm_caps_decode(1u << 2, qemu_leaf, (1u << 3) | (1u << 4), &c);
	assert_true(c.vm_cr_lock);
	assert_true(c.disabled);
	assert_false(c.usable);
	harness_log_clear();
	svm_caps_print(&c);
	assert_log_has(" svm_lock=1 disabled=1 ");
	/* Disabled but not locked: the VMM can clear SVMDIS. */
	svm_caps_decode(1u << 2, qemu_leaf, 1u << 4, &c);
	assert_true(c.disabled);
	assert_true(c.usable);
	/* Locked but enabled. */
	svm_caps_decode(1u << 2, qemu_leaf, 1u << 3, &c);
	assert_false(c.disabled);
	assert_true(c.usable);
}

static void test_svm_feature_bits(void **state)
{
	static const struct {
		unsigned int bit;
		size_t off;
	} t[] = {
		{ 0, offsetof(struct svm_caps, npt) },
		{ 1, offsetof(struct svm_caps, lbrv) },
		{ 2, offsetof(struct svm_caps, svml) },
		{ 3, offsetof(struct svm_caps, nrips) },
		{ 4, offsetof(struct svm_caps, tsc_rate_msr) },
		{ 5, offsetof(struct svm_caps, vmcb_clean) },
		{ 6, offsetof(struct svm_caps, flush_by_asid) },
		{ 7, offsetof(struct svm_caps, decode_assists) },
		{ 10, offsetof(struct svm_caps, pause_filter) },
		{ 12, offsetof(struct svm_caps, pause_filter_threshold) },
		{ 13, offsetof(struct svm_caps, avic) },
		{ 15, offsetof(struct svm_caps, vmsave_virt) },
		{ 16, offsetof(struct svm_caps, vgif) },
		{ 17, offsetof(struct svm_caps, gmet) },
		{ 18, offsetof(struct svm_caps, x2avic) },
		{ 25, offsetof(struct svm_caps, vnmi) },
		{ 28, offsetof(struct svm_caps, vmcb_addr_chk) },
	};
	struct svm_caps c;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct cpuid_regs l = { 1, 8, 0, 1u << t[i].bit };
		unsigned int set = 0;

		svm_caps_decode(1u << 2, l, 0, &c);
		for (size_t j = 0; j < ARRAY_SIZE(t); j++)
			set += *(const bool *)((const char *)&c + t[j].off);
		if (!*(const bool *)((const char *)&c + t[i].off) || set != 1)
			fail_msg("EDX bit %u decoded wrongly (%u flags set)", t[i].bit, set);
	}
}

static void test_svm_read_host(void **state)
{
	unsigned int a, b, c, d;
	struct svm_caps caps;
	int ret;

	(void)state;
	fake_fault_msr = 0;
	__cpuid(0x80000000, a, b, c, d);
	c = 0;
	if (a >= 0x80000001)
		__cpuid(0x80000001, a, b, c, d);
	ret = svm_caps_read(&caps);
	if (c & (1u << 2)) {
		assert_int_equal(ret, 0);
		assert_true(caps.present);
	} else {
		assert_int_equal(ret, -ENODEV);
		assert_false(caps.present);
	}
}

/* ---- vendor ---- */

static void test_cpu_vendor(void **state)
{
	/* "GenuineIntel" / "AuthenticAMD" as EBX, EDX, ECX little-endian words. */
	struct cpuid_regs intel = { 0xd, 0x756e6547, 0x6c65746e, 0x49656e69 };
	struct cpuid_regs amd = { 0xd, 0x68747541, 0x444d4163, 0x69746e65 };
	struct cpuid_regs hygon = { 0xd, 0x6f677948, 0x656e6975, 0x6e65476e };
	struct cpuid_regs kvm = { 0, 0x4b4d564b, 0x564b4d56, 0x4d };
	struct cpuid_regs swapped = { 0xd, 0x756e6547, 0x49656e69, 0x6c65746e };
	struct cpuid_regs host;

	(void)state;
	assert_int_equal(cpu_vendor_from_cpuid(intel), CPU_INTEL);
	assert_int_equal(cpu_vendor_from_cpuid(amd), CPU_AMD);
	assert_int_equal(cpu_vendor_from_cpuid(hygon), CPU_AMD);
	assert_int_equal(cpu_vendor_from_cpuid(kvm), CPU_OTHER);
	assert_int_equal(cpu_vendor_from_cpuid(swapped), CPU_OTHER);
	assert_string_equal(cpu_vendor_name(CPU_INTEL), "intel");
	assert_string_equal(cpu_vendor_name(CPU_AMD), "amd");
	assert_string_equal(cpu_vendor_name(CPU_OTHER), "other");

	__cpuid(0, host.eax, host.ebx, host.ecx, host.edx);
	assert_int_equal(cpu_vendor(), cpu_vendor_from_cpuid(host));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmx_decode_true_ctls),
		cmocka_unit_test(test_vmx_decode_legacy_ctls),
		cmocka_unit_test(test_vmx_decode_existence_rules),
		cmocka_unit_test(test_vmx_feature_control),
		cmocka_unit_test(test_vmx_ctls_adjust),
		cmocka_unit_test(test_vmx_print),
		cmocka_unit_test(test_vmx_raw_read),
		cmocka_unit_test(test_vmx_read_host),
		cmocka_unit_test(test_svm_qemu),
		cmocka_unit_test(test_svm_absent_and_vm_cr),
		cmocka_unit_test(test_svm_feature_bits),
		cmocka_unit_test(test_svm_read_host),
		cmocka_unit_test(test_cpu_vendor),
	};

	return HARNESS_RUN(tests);
}
