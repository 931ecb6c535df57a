// SPDX-License-Identifier: MIT
/*
 * lib/log.c: printk reaches the sink; a capture holds output back and
 * writes it in order at its end; a capture that fills up ends early with
 * nothing lost or reordered; a second capture is refused; ending someone
 * else's (or an already ended) capture does nothing.
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "lib/log.h"

static void test_printk_direct(void **state)
{
	(void)state;
	harness_log_clear();
	printk("a=%d\n", 1);
	assert_string_equal(harness_log(), "a=1\n");
}

static void test_capture_holds_then_writes(void **state)
{
	char buf[256];

	(void)state;
	harness_log_clear();
	assert_true(log_capture_begin(buf, sizeof(buf)));
	printk("one\n");
	pr_info("two %s\n", "2");
	assert_string_equal(harness_log(), ""); /* nothing out yet */
	log_capture_end(buf);
	assert_string_equal(harness_log(), "one\ntwo 2\n");
	printk("three\n"); /* capture over: direct again */
	assert_string_equal(harness_log(), "one\ntwo 2\nthree\n");
}

static void test_capture_overflow_keeps_order(void **state)
{
	char buf[12];

	(void)state;
	harness_log_clear();
	assert_true(log_capture_begin(buf, sizeof(buf)));
	printk("12345\n");    /* 6 bytes held */
	printk("abcdefgh\n"); /* does not fit: held line, then this one */
	assert_string_equal(harness_log(), "12345\nabcdefgh\n");
	printk("after\n"); /* the capture ended early */
	assert_string_equal(harness_log(), "12345\nabcdefgh\nafter\n");
	log_capture_end(buf); /* nothing held any more: no repeat */
	assert_string_equal(harness_log(), "12345\nabcdefgh\nafter\n");
}

static void test_capture_exact_fit(void **state)
{
	char buf[6];

	(void)state;
	harness_log_clear();
	assert_true(log_capture_begin(buf, sizeof(buf)));
	printk("12345\n"); /* exactly cap bytes: held */
	assert_string_equal(harness_log(), "");
	log_capture_end(buf);
	assert_string_equal(harness_log(), "12345\n");
}

static void test_second_capture_refused(void **state)
{
	char a[64], b[64];

	(void)state;
	harness_log_clear();
	assert_false(log_capture_begin(NULL, 8));
	assert_false(log_capture_begin(a, 0));
	assert_true(log_capture_begin(a, sizeof(a)));
	assert_false(log_capture_begin(b, sizeof(b)));
	printk("x\n");
	log_capture_end(b); /* not the capture that is on: no effect */
	assert_string_equal(harness_log(), "");
	log_capture_end(a);
	assert_string_equal(harness_log(), "x\n");
	assert_true(log_capture_begin(b, sizeof(b))); /* free again */
	log_capture_end(b);
	assert_string_equal(harness_log(), "x\n");
}

static void test_partial_line_held(void **state)
{
	char buf[64];

	(void)state;
	harness_log_clear();
	assert_true(log_capture_begin(buf, sizeof(buf)));
	printk("no newline");
	printk(" yet\nlast");
	log_capture_end(buf);
	assert_string_equal(harness_log(), "no newline yet\nlast");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printk_direct),
		cmocka_unit_test(test_capture_holds_then_writes),
		cmocka_unit_test(test_capture_overflow_keeps_order),
		cmocka_unit_test(test_capture_exact_fit),
		cmocka_unit_test(test_second_capture_refused),
		cmocka_unit_test(test_partial_line_held),
	};
	return HARNESS_RUN(tests);
}
