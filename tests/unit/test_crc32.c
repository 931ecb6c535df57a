// SPDX-License-Identifier: MIT
/*
 * lib/crc32.c: published check values (the CRC catalogue's "123456789",
 * zlib/PNG strings), piecewise == one-shot, agreement with a bit-at-a-time
 * reference on random buffers, and every single-bit flip detected.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/crc32.h"

static u32 crc32_ref(const u8 *p, size_t len)
{
	u32 c = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (c & 1 ? 0xedb88320u : 0);
	}
	return ~c;
}

static void test_vectors(void **state)
{
	static const u8 zeros[32];

	(void)state;
	assert_int_equal(crc32(0, "", 0), 0);
	assert_int_equal(crc32(0, "a", 1), 0xe8b7be43u);
	assert_int_equal(crc32(0, "abc", 3), 0x352441c2u);
	assert_int_equal(crc32(0, "123456789", 9), 0xcbf43926u);
	assert_int_equal(crc32(0, "The quick brown fox jumps over the lazy dog", 43), 0x414fa339u);
	assert_int_equal(crc32(0, zeros, sizeof(zeros)), 0x190a55adu);
}

static void test_piecewise(void **state)
{
	size_t len = 1 << 16;
	u8 *buf = malloc(len);

	(void)state;
	assert_non_null(buf);
	srand(7);
	for (size_t i = 0; i < len; i++)
		buf[i] = (u8)rand();
	for (size_t cut = 0; cut <= len; cut += 4093) {
		u32 c = crc32(crc32(0, buf, cut), buf + cut, len - cut);

		assert_int_equal(c, crc32(0, buf, len));
	}
	assert_int_equal(crc32(0, buf, len), crc32_ref(buf, len));
	free(buf);
}

static void test_random_against_reference(void **state)
{
	u8 buf[300];

	(void)state;
	srand(11);
	for (int round = 0; round < 2000; round++) {
		size_t len = (size_t)rand() % sizeof(buf);

		for (size_t i = 0; i < len; i++)
			buf[i] = (u8)rand();
		assert_int_equal(crc32(0, buf, len), crc32_ref(buf, len));
	}
}

static void test_single_bit_flips(void **state)
{
	u8 buf[256];
	u32 base;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)(i * 37 + 1);
	base = crc32(0, buf, sizeof(buf));
	for (size_t bit = 0; bit < sizeof(buf) * 8; bit++) {
		buf[bit / 8] ^= (u8)(1u << (bit % 8));
		assert_int_not_equal(crc32(0, buf, sizeof(buf)), base);
		buf[bit / 8] ^= (u8)(1u << (bit % 8));
	}
	assert_int_equal(crc32(0, buf, sizeof(buf)), base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_piecewise),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_single_bit_flips),
	};
	return HARNESS_RUN(tests);
}
