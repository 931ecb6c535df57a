// SPDX-License-Identifier: MIT
/*
 * lib/integrity.c: the integrity line's exact shape for the four verdicts
 * (other suites grep it), CRC zero-padding, and truncation.
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "lib/integrity.h"

#define CHECK_LINE(expect, ...)                                                                  \
	do {                                                                                     \
		struct integrity_result r_ = { __VA_ARGS__ };                                    \
		char b_[160];                                                                    \
		int n_ = integrity_format_line(b_, sizeof(b_), &r_);                             \
		assert_string_equal(b_, expect);                                                 \
		assert_int_equal(n_, (int)strlen(expect));                                       \
		assert_int_equal(integrity_ok(&r_), strstr(expect, "image=ok heap=ok") != NULL); \
	} while (0)

static void test_ok(void **state)
{
	(void)state;
	CHECK_LINE(
		"HV: integrity image=ok heap=ok (text+rodata crc=0x1a2b3c4d, 16000 free pages checked)",
		.crc_recorded = 0x1a2b3c4d, .crc_now = 0x1a2b3c4d, .pages_checked = 16000);
	CHECK_LINE(
		"HV: integrity image=ok heap=ok (text+rodata crc=0x0000abcd, 0 free pages checked)",
		.crc_recorded = 0xabcd, .crc_now = 0xabcd);
	CHECK_LINE(
		"HV: integrity image=ok heap=ok (text+rodata crc=0x00000000, 1 free pages checked)",
		.pages_checked = 1);
}

static void test_failures(void **state)
{
	(void)state;
	CHECK_LINE(
		"HV: integrity image=CHANGED heap=ok (text+rodata crc=0xdeadbeef, 5 free pages checked)",
		.crc_recorded = 0xdeadbeef, .crc_now = 0xdeadbeee, .pages_checked = 5);
	CHECK_LINE(
		"HV: integrity image=ok heap=CORRUPT first=0x3be01008 (text+rodata crc=0x00000001, 7 free pages checked)",
		.crc_recorded = 1, .crc_now = 1, .pages_checked = 7, .bad_pages = 1,
		.first_bad = 0x3be01008);
	CHECK_LINE(
		"HV: integrity image=CHANGED heap=CORRUPT first=0xffffffffffff0000 (text+rodata crc=0xffffffff, 18446744073709551615 free pages checked)",
		.crc_recorded = 0xffffffff, .crc_now = 0, .pages_checked = ~0ULL, .bad_pages = 3,
		.first_bad = 0xffffffffffff0000ULL);
}

static void test_truncation(void **state)
{
	struct integrity_result r = { .crc_recorded = 2, .crc_now = 2, .pages_checked = 3 };
	char b[20];
	int n;

	(void)state;
	n = integrity_format_line(b, sizeof(b), &r);
	assert_int_equal(strlen(b), sizeof(b) - 1);
	assert_int_equal(
		n,
		(int)strlen(
			"HV: integrity image=ok heap=ok (text+rodata crc=0x00000002, 3 free pages checked)"));
	assert_memory_equal(b, "HV: integrity image", 19);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_truncation),
	};
	return HARNESS_RUN(tests);
}
