// SPDX-License-Identifier: MIT
/*
 * vmm/cpuid.c, the guest CPUID policy, on made-up host answers: VMX and
 * SVM hidden, the hypervisor bit and the "Sidevisor" leaves, a one-CPU
 * topology with the guest's APIC id (leaves 1, 4, 0xB/0x1F, 0x80000008),
 * the optional hides only when asked for, everything else passed through.
 * Bit positions: SDM Vol. 2A CPUID, AMD APM Vol. 3 Appendix E.
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "lib/bitops.h"
#include "vmm/cpuid.h"

static const struct cpuid_policy no_hides = { .guest_apic_id = 3 };
static const struct cpuid_policy all_hides = {
	.hide_rdtscp = true,
	.hide_invpcid = true,
	.hide_xsaves = true,
	.hide_tsc_leaves = true,
	.guest_apic_id = 3,
};

static struct cpuid_regs filt(const struct cpuid_policy *p, u32 leaf, u32 sub, u32 a, u32 b, u32 c,
			      u32 d)
{
	struct cpuid_regs r = { a, b, c, d };

	cpuid_filter(p, leaf, sub, &r);
	return r;
}

#define EXPECT_REGS(r, a, b, c, d)                  \
	do {                                        \
		struct cpuid_regs r_ = (r);         \
		assert_int_equal(r_.eax, (u32)(a)); \
		assert_int_equal(r_.ebx, (u32)(b)); \
		assert_int_equal(r_.ecx, (u32)(c)); \
		assert_int_equal(r_.edx, (u32)(d)); \
	} while (0)

static void test_leaf1(void **state)
{
	(void)state;
	/* a Coffee Lake-like answer: 16 logical CPUs, APIC id 0x0c, VMX, HTT */
	EXPECT_REGS(filt(&no_hides, 1, 0, 0x000906ea, 0x0c100800, 0x7ffafbff, 0xbfebfbff),
		    0x000906ea, 0x03010800, 0xfffafbdf, 0xafebfbff);
	/* every bit set / none set: only VMX (ECX 5), HYPERVISOR (ECX 31),
	 * HTT (EDX 28) and EBX 31:16 change */
	EXPECT_REGS(filt(&no_hides, 1, 0, ~0u, ~0u, ~0u, ~0u), ~0u, 0x0301ffff, ~0u & ~BIT(5),
		    ~0u & ~BIT(28));
	EXPECT_REGS(filt(&no_hides, 1, 0, 0, 0, 0, 0), 0, 0x03010000, BIT(31), 0);
	/* the subleaf does not matter for leaf 1; hides do not touch it */
	EXPECT_REGS(filt(&all_hides, 1, 7, 0, 0xff00ffff, 0x20, BIT(28)), 0, 0x0301ffff, BIT(31),
		    0);
	/* an x2APIC id above 255: the low byte in the 8-bit field */
	struct cpuid_policy big = { .guest_apic_id = 0x1a5 };

	EXPECT_REGS(filt(&big, 1, 0, 0, 0x00080800, 0, 0), 0, 0xa5010800, BIT(31), 0);
}

static void test_hypervisor_leaves(void **state)
{
	struct cpuid_regs r;
	char sig[13] = { 0 };

	(void)state;
	r = filt(&no_hides, 0x40000000, 0, 0x11, 0x22, 0x33, 0x44);
	assert_int_equal(r.eax, 0x40000001); /* highest hypervisor leaf */
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	assert_memory_equal(sig, "Sidevisor\0\0\0", 12);
	/* little-endian register images of "Side" "viso" "r\0\0\0" */
	EXPECT_REGS(r, 0x40000001, 0x65646953, 0x6f736976, 0x00000072);
	EXPECT_REGS(filt(&no_hides, 0x40000001, 0, ~0u, ~0u, ~0u, ~0u), 1, 0, 0, 0);
	/* the rest of the range exists and is empty, whatever the host said */
	static const u32 empty[] = { 0x40000002, 0x40000010, 0x40000100, 0x4fffffff };

	for (unsigned int i = 0; i < ARRAY_SIZE(empty); i++)
		EXPECT_REGS(filt(&all_hides, empty[i], 0, ~0u, ~0u, ~0u, ~0u), 0, 0, 0, 0);
	/* just outside the range: the host's answer */
	EXPECT_REGS(filt(&all_hides, 0x3fffffff, 0, 1, 2, 3, 4), 1, 2, 3, 4);
	EXPECT_REGS(filt(&all_hides, 0x50000000, 0, 1, 2, 3, 4), 1, 2, 3, 4);
}

static void test_svm_hidden(void **state)
{
	(void)state;
	/* 0x80000001 ECX bit 2 SVM; everything else stays */
	EXPECT_REGS(filt(&no_hides, 0x80000001, 0, 0x00a20f10, 0x20000000, 0x75c237ff, 0x2fd3fbff),
		    0x00a20f10, 0x20000000, 0x75c237fb, 0x2fd3fbff);
	EXPECT_REGS(filt(&no_hides, 0x80000001, 0, ~0u, ~0u, ~0u, ~0u), ~0u, ~0u, ~BIT(2), ~0u);
	/* 0x8000000A: the SVM leaf is all zero, with or without hides */
	EXPECT_REGS(filt(&no_hides, 0x8000000a, 0, 1, 0x8000, 0, 0x1ebfbcff), 0, 0, 0, 0);
	EXPECT_REGS(filt(&all_hides, 0x8000000a, 0, ~0u, ~0u, ~0u, ~0u), 0, 0, 0, 0);
}

/* Each optional hide alone: only its own bit or leaf changes. */
static void test_optional_hides(void **state)
{
	struct cpuid_policy p;

	(void)state;
	/* RDTSCP: 0x80000001 EDX 27; RDPID (CPUID.7.0:ECX 22) is enabled by
	 * the same VMX control ("enable RDTSCP"), so it goes with it */
	p = no_hides;
	EXPECT_REGS(filt(&p, 0x80000001, 0, 0, 0, 0, ~0u), 0, 0, 0, ~0u);
	EXPECT_REGS(filt(&p, 7, 0, 0, ~0u, ~0u, ~0u), 0, ~0u, ~0u, ~0u);
	p.hide_rdtscp = true;
	EXPECT_REGS(filt(&p, 0x80000001, 0, 0, 0, 0, ~0u), 0, 0, 0, ~BIT(27));
	EXPECT_REGS(filt(&p, 7, 0, 0, ~0u, ~0u, ~0u), 0, ~0u, ~BIT(22), ~0u);
	EXPECT_REGS(filt(&p, 7, 1, 0, ~0u, ~0u, ~0u), 0, ~0u, ~0u, ~0u);

	/* INVPCID: CPUID.7.0:EBX 10, subleaf 0 only */
	p = no_hides;
	p.hide_invpcid = true;
	EXPECT_REGS(filt(&p, 7, 0, 2, ~0u, 0, 0), 2, ~BIT(10), 0, 0);
	EXPECT_REGS(filt(&p, 7, 1, 2, ~0u, 0, 0), 2, ~0u, 0, 0);
	EXPECT_REGS(filt(&p, 0x80000001, 0, 0, 0, 0, ~0u), 0, 0, 0, ~0u);

	/* XSAVES: CPUID.0xD.1:EAX 3, subleaf 1 only */
	p = no_hides;
	p.hide_xsaves = true;
	EXPECT_REGS(filt(&p, 0xd, 1, 0xf, 0x3c0, 0x100, 0), 0x7, 0x3c0, 0x100, 0);
	EXPECT_REGS(filt(&p, 0xd, 0, 0xff, 0x340, 0xa88, 0), 0xff, 0x340, 0xa88, 0);
	EXPECT_REGS(filt(&p, 0xd, 2, 0x100, 0x240, 0, 0), 0x100, 0x240, 0, 0);
	p.hide_xsaves = false;
	EXPECT_REGS(filt(&p, 0xd, 1, 0xf, 0x3c0, 0x100, 0), 0xf, 0x3c0, 0x100, 0);

	/* TSC leaves 0x15 and 0x16 */
	p = no_hides;
	EXPECT_REGS(filt(&p, 0x15, 0, 2, 176, 24000000, 0), 2, 176, 24000000, 0);
	EXPECT_REGS(filt(&p, 0x16, 0, 2100, 4700, 100, 0), 2100, 4700, 100, 0);
	p.hide_tsc_leaves = true;
	EXPECT_REGS(filt(&p, 0x15, 0, 2, 176, 24000000, 0), 0, 0, 0, 0);
	EXPECT_REGS(filt(&p, 0x16, 0, 2100, 4700, 100, 0), 0, 0, 0, 0);
	EXPECT_REGS(filt(&p, 0x14, 0, 1, 2, 3, 4), 1, 2, 3, 4);
	EXPECT_REGS(filt(&p, 0x17, 0, 1, 2, 3, 4), 1, 2, 3, 4);
}

static void test_topology(void **state)
{
	struct cpuid_policy p = { .guest_apic_id = 0x41 };

	(void)state;
	/* leaf 4: EAX 31:26 cores - 1 and 25:14 sharing threads - 1 become 0 */
	EXPECT_REGS(filt(&p, 4, 0, 0x1c004121, 0x01c0003f, 0x3f, 0), 0x00000121, 0x01c0003f, 0x3f,
		    0);
	EXPECT_REGS(filt(&p, 4, 3, 0xfc0fc163, 0x03c0003f, 0x3fff, 6), 0x00000163, 0x03c0003f,
		    0x3fff, 6);
	/* 0xB / 0x1F: SMT and core levels hold one CPU, higher levels vanish,
	 * EDX is the guest's x2APIC id at every subleaf */
	for (u32 leaf = 0xb; leaf <= 0x1f; leaf += 0x1f - 0xb) {
		EXPECT_REGS(filt(&p, leaf, 0, 1, 2, 0x100, 7), 0, 1, 0x100, 0x41);
		EXPECT_REGS(filt(&p, leaf, 1, 4, 8, 0x201, 7), 0, 1, 0x201, 0x41);
		EXPECT_REGS(filt(&p, leaf, 2, 6, 16, 0x502, 7), 0, 0, 0x002, 0x41);
		EXPECT_REGS(filt(&p, leaf, 3, 0, 0, 0x003, 7), 0, 0, 0x003, 0x41);
	}
	/* 0x80000008 ECX 7:0 (NC, cores - 1) cleared, the rest kept */
	EXPECT_REGS(filt(&p, 0x80000008, 0, 0x3030, 0x7, 0x707f, 0), 0x3030, 0x7, 0x7000, 0);
	/* leaf 1 EBX 23:16 = 1 and 31:24 = APIC id; EDX HTT off */
	EXPECT_REGS(filt(&p, 1, 0, 0, 0x00400800, 0, BIT(28) | 1), 0, 0x41010800, BIT(31), 1);
}

/* Leaves the policy has no business with come back bit for bit. */
static void test_untouched(void **state)
{
	static const u32 leaves[] = { 0,	  2,	      3,	  5,	      6,
				      8,	  0xa,	      0x10,	  0x12,	      0x14,
				      0x18,	  0x1e,	      0x20,	  0x80000000, 0x80000002,
				      0x80000003, 0x80000004, 0x80000005, 0x80000006, 0x80000007,
				      0x80000009, 0x8000000b, 0x80000019, 0x8000001f, 0xc0000000,
				      0xffffffff };
	u64 x = 0x0123456789abcdefULL;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(leaves); i++) {
		for (u32 sub = 0; sub < 3; sub++) {
			u32 a, b, c, d;

			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			a = (u32)(x >> 32);
			b = (u32)x;
			c = (u32)(x >> 16);
			d = ~(u32)(x >> 8);
			EXPECT_REGS(filt(&all_hides, leaves[i], sub, a, b, c, d), a, b, c, d);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf1),	   cmocka_unit_test(test_hypervisor_leaves),
		cmocka_unit_test(test_svm_hidden), cmocka_unit_test(test_optional_hides),
		cmocka_unit_test(test_topology),   cmocka_unit_test(test_untouched),
	};

	return HARNESS_RUN(tests);
}
