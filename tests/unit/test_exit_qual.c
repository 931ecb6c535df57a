// SPDX-License-Identifier: MIT
/*
 * vmm/exit_qual.h decoders on exit information built by hand from the
 * specs: SDM Vol. 3C Table 28-3 (control-register access) and Table 28-5
 * (I/O instruction) exit qualifications, AMD APM Vol. 2 Figure 15-2 (IOIO
 * EXITINFO1), plus the bit positions of the other exit-information masks.
 */
#include "tests/unit/harness.h"
#include "lib/bitops.h"
#include "vmm/exit_qual.h"

struct io_case {
	const char *what;
	u64 raw;
	u16 port;
	u8 size;
	bool in, string, rep;
};

static void check_io(const struct io_case *c, struct qual_io q)
{
	if (q.port != c->port || q.size != c->size || q.in != c->in || q.string != c->string ||
	    q.rep != c->rep)
		fail_msg("%s (%#llx): port %#x size %u in %d string %d rep %d", c->what,
			 (unsigned long long)c->raw, q.port, q.size, q.in, q.string, q.rep);
}

/*
 * Table 28-5: 2:0 size - 1 (0, 1, 3), 3 IN, 4 string, 5 REP, 6 immediate
 * operand, 15:7 reserved, 31:16 port, 63:32 reserved.
 */
static void test_vmx_io(void **state)
{
	static const struct io_case cases[] = {
		{ "in al, dx (0x3f8)", 0x03f80008, 0x3f8, 1, true, false, false },
		{ "out 0x80, al", 0x00800040, 0x80, 1, false, false, false },
		{ "out dx, ax (0xcfc)", 0x0cfc0001, 0xcfc, 2, false, false, false },
		{ "in eax, dx (0xcfc)", 0x0cfc000b, 0xcfc, 4, true, false, false },
		{ "in eax, 0x71", 0x0071004b, 0x71, 4, true, false, false },
		{ "rep insw (0x1f0)", 0x01f00039, 0x1f0, 2, true, true, true },
		{ "outsb (0x3f8)", 0x03f80010, 0x3f8, 1, false, true, false },
		{ "rep outsd (0xffff)", 0xffff0033, 0xffff, 4, false, true, true },
		{ "out dx, al (0x0)", 0x00000000, 0, 1, false, false, false },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		check_io(&cases[i], vmx_qual_io(cases[i].raw));
	/* the port is bits 31:16 only: 63:32 and 15:7 do not leak into it */
	struct io_case hi = {
		"reserved bits set", 0xffffffff1234ff80ULL, 0x1234, 1, false, false, false
	};
	check_io(&hi, vmx_qual_io(hi.raw));
}

/*
 * Figure 15-2: 0 TYPE (1 = IN), 2 STR, 3 REP, 4 SZ8, 5 SZ16, 6 SZ32,
 * 7 A16, 8 A32, 9 A64, 12:10 SEG, 31:16 PORT. The address-size and
 * segment fields must not change the decoded size.
 */
static void test_svm_io(void **state)
{
	static const struct io_case cases[] = {
		{ "in al, dx (0x3f8), 64-bit", 0x03f80211, 0x3f8, 1, true, false, false },
		{ "out dx, eax (0xcfc), 32-bit", 0x0cfc0140, 0xcfc, 4, false, false, false },
		{ "in ax, 0x60, 64-bit", 0x00600221, 0x60, 2, true, false, false },
		{ "rep outsw (0x1f0), a16, DS", 0x01f00cac, 0x1f0, 2, false, true, true },
		{ "rep insb (0x3f8), a64, ES", 0x03f8021d, 0x3f8, 1, true, true, true },
		{ "insd (0xffff), a32, ES", 0xffff0145, 0xffff, 4, true, true, false },
		{ "out 0x80, al, a16", 0x00800090, 0x80, 1, false, false, false },
		{ "in eax, dx (0xcfc), 64-bit", 0x0cfc0241, 0xcfc, 4, true, false, false },
		{ "in al, dx (0x3f8), 32-bit", 0x03f80111, 0x3f8, 1, true, false, false },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		check_io(&cases[i], svm_qual_io(cases[i].raw));
	/* EXITINFO1 bits 63:32 are not part of the port */
	struct io_case hi = {
		"bits 63:32 set", 0xffffffff80860021ULL, 0x8086, 2, true, false, false
	};
	check_io(&hi, svm_qual_io(hi.raw));
}

/*
 * Table 28-3: 3:0 CR number, 5:4 type (0 MOV to CR, 1 MOV from CR, 2 CLTS,
 * 3 LMSW), 6 LMSW operand (1 = memory), 11:8 GPR (0 RAX .. 15 R15),
 * 31:16 LMSW source data.
 */
static void test_vmx_cr(void **state)
{
	static const struct {
		const char *what;
		u64 raw;
		u8 cr, type, gpr;
		u16 lmsw_src;
	} cases[] = {
		{ "mov cr0, rax", 0x000, 0, 0, 0, 0 },
		{ "mov cr4, rcx", 0x104, 4, 0, 1, 0 },
		{ "mov r15, cr3", 0xf13, 3, 1, 15, 0 },
		{ "mov cr8, r9", 0x908, 8, 0, 9, 0 },
		{ "mov rsp, cr8", 0x418, 8, 1, 4, 0 },
		{ "clts", 0x020, 0, 2, 0, 0 },
		{ "lmsw ax (=1)", 0x00010030, 0, 3, 0, 0x0001 },
		{ "lmsw [mem] (=0xfff1)", 0xfff10070, 0, 3, 0, 0xfff1 },
		{ "reserved 63:32 set", 0xffffffff00000d03ULL, 3, 0, 13, 0 },
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		struct qual_cr q = vmx_qual_cr(cases[i].raw);

		if (q.cr != cases[i].cr || q.type != cases[i].type || q.gpr != cases[i].gpr ||
		    q.lmsw_src != cases[i].lmsw_src)
			fail_msg("%s: cr %u type %u gpr %u lmsw %#x", cases[i].what, q.cr, q.type,
				 q.gpr, q.lmsw_src);
	}
	assert_true(0xfff10070 & VMX_QUAL_CR_LMSW_MEM);
	assert_false(0x00010030 & VMX_QUAL_CR_LMSW_MEM);
}

/* The other masks, position by position. */
static void test_masks(void **state)
{
	(void)state;
	/* Table 28-7, EPT violation */
	assert_int_equal(VMX_QUAL_EPT_READ, 0x1);
	assert_int_equal(VMX_QUAL_EPT_WRITE, 0x2);
	assert_int_equal(VMX_QUAL_EPT_FETCH, 0x4);
	assert_int_equal(VMX_QUAL_EPT_PERMS, 0x38);
	assert_int_equal(VMX_QUAL_EPT_GLA_VALID, 0x80);
	/* VM-exit interruption information */
	assert_int_equal(VMX_INTR_INFO_VECTOR, 0xff);
	assert_int_equal(VMX_INTR_INFO_TYPE, 0x700);
	assert_int_equal(VMX_INTR_INFO_ERROR_VALID, 0x800);
	assert_int_equal(VMX_INTR_INFO_VALID, 0x80000000);
	assert_int_equal(VMX_INTR_TYPE_EXT_INTR, 0);
	assert_int_equal(VMX_INTR_TYPE_NMI, 2);
	assert_int_equal(VMX_INTR_TYPE_HW_EXCEPTION, 3);
	/* #PF error code bits and the two #NPF bits (APM 15.25.6) */
	assert_int_equal(SVM_NPF_PRESENT | SVM_NPF_WRITE | SVM_NPF_USER | SVM_NPF_RSVD |
				 SVM_NPF_FETCH,
			 0x1f);
	assert_int_equal(SVM_NPF_FINAL_ADDR, 0x100000000ULL);
	assert_int_equal(SVM_NPF_IN_WALK, 0x200000000ULL);
	/* a #PF-style interruption info: valid, hw exception, error code, 14 */
	assert_int_equal(FIELD_GET(VMX_INTR_INFO_TYPE, 0x80000b0e), 3);
	assert_int_equal(FIELD_GET(VMX_INTR_INFO_VECTOR, 0x80000b0e), 14);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmx_io),
		cmocka_unit_test(test_svm_io),
		cmocka_unit_test(test_vmx_cr),
		cmocka_unit_test(test_masks),
	};

	return HARNESS_RUN(tests);
}
