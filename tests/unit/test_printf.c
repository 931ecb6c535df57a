// SPDX-License-Identifier: MIT
/* lib/printf.c: conversions, flags, truncation and return values. */
#include "tests/unit/harness.h"
#include <string.h>
#include "lib/printf.h"

#define CHECK_FMT(expect, ...)                               \
	do {                                                 \
		char b[128];                                 \
		int n = snprintf(b, sizeof(b), __VA_ARGS__); \
		assert_string_equal(b, expect);              \
		assert_int_equal(n, (int)strlen(expect));    \
	} while (0)

static void test_integers(void **state)
{
	(void)state;
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-42", "%d", -42);
	CHECK_FMT("-2147483648", "%d", (int)0x80000000);
	CHECK_FMT("-9223372036854775808", "%lld", (long long)(1ULL << 63));
	CHECK_FMT("18446744073709551615", "%llu", ~0ULL);
	CHECK_FMT("ffffffff", "%x", 0xffffffffu);
	CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FMT("00d2008c22260206", "%016llx", 0x00d2008c22260206ULL);
	CHECK_FMT("0x1f", "%#x", 31);
	CHECK_FMT("17", "%o", 15);
	CHECK_FMT("+5", "%+d", 5);
	CHECK_FMT(" 5", "% d", 5);
	CHECK_FMT("255", "%hhu", 0x1ff);
	CHECK_FMT("-1", "%hd", 0xffff);
	CHECK_FMT("123", "%zu", (size_t)123);
}

static void test_width_precision(void **state)
{
	(void)state;
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("00042", "%05d", 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("  042", "%5.3d", 42);
	CHECK_FMT("    7", "%*d", 5, 7);
	CHECK_FMT("7    |", "%*d|", -5, 7);
	CHECK_FMT("abc", "%.3s", "abcdef");
	CHECK_FMT("ab", "%.*s", 2, "abcdef");
	CHECK_FMT("   hi", "%5s", "hi");
	CHECK_FMT("hi   |", "%-5s|", "hi");
	CHECK_FMT("", "%.0d", 0);
}

static void test_misc(void **state)
{
	(void)state;
	const char *volatile nul = NULL;

	CHECK_FMT("(null)", "%s", nul);
	CHECK_FMT("x", "%c", 'x');
	CHECK_FMT("100%", "100%%");
	CHECK_FMT("0x1000", "%p", (void *)0x1000);
	/* unknown conversions are printed verbatim, not swallowed */
	const char *volatile unk = "%q";

	CHECK_FMT("%q", unk);
}

static void test_truncation(void **state)
{
	char b[8];
	int n;

	(void)state;
	memset(b, 'Z', sizeof(b));
	n = snprintf(b, sizeof(b), "%s", "0123456789");
	assert_int_equal(n, 10);
	assert_string_equal(b, "0123456");
	n = snprintf(b, 1, "abc");
	assert_int_equal(n, 3);
	assert_int_equal(b[0], '\0');
	/* size 0: nothing written, length still computed */
	b[0] = 'Q';
	n = snprintf(b, 0, "%d", 12345);
	assert_int_equal(n, 5);
	assert_int_equal(b[0], 'Q');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_width_precision),
		cmocka_unit_test(test_misc),
		cmocka_unit_test(test_truncation),
	};
	return HARNESS_RUN(tests);
}
