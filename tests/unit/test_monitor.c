// SPDX-License-Identifier: MIT
/*
 * vmm/monitor.c on the host: the control-port key map, the STATS line
 * (fields, busy fraction over the interval, clock), and monitor_poll's
 * period with a fake TSC frequency; ctl=off (no port I/O, no intercepts).
 * The vIOMMU sample, the pool and the vCPU are stubs defined here.
 */
#include <string.h>
#include "boot/cmdline.h"
#include "boot/mm.h"
#include "drivers/tsc.h"
#include "lib/printf.h"
#include "tests/unit/harness.h"
#include "vmm/exit.h"
#include "vmm/monitor.h"
#include "vmm/vcpu.h"

/* ---- stubs ---- */
struct page_pool hv_pool;
struct exit_platform exit_platform;
struct vcpu guest_vcpu;
/* 250 GHz "calibrated": one stats_ms is 2.5e8 real TSC cycles, ~0.1 s on
 * the host, so scheduling jitter cannot make a period look elapsed */
static u64 fake_khz = 250000000;
#define PERIOD_CYCLES (2 * 250000000ull) /* stats_ms=2 */
static u64 free_pages = 15580;
static struct viommu_sample fake_sample;
static unsigned int samples_taken, vcpu_prints, hook_calls;

u64 tsc_khz(void)
{
	return fake_khz;
}

u64 page_pool_free_pages(const struct page_pool *p)
{
	(void)p;
	return free_pages;
}

void viommu_sample(struct viommu_sample *out)
{
	samples_taken++;
	*out = fake_sample;
}

void vcpu_print_stats(const struct vcpu *v)
{
	(void)v;
	vcpu_prints++;
}

static void hook(void)
{
	hook_calls++;
}

static bool logged(const char *needle)
{
	return strstr(harness_log(), needle) != NULL;
}

static unsigned int count(const char *needle)
{
	unsigned int n = 0;

	for (const char *p = harness_log(); (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* ---- tests ---- */

static void test_keys(void **state)
{
	(void)state;
	assert_int_equal(monitor_key_action('s'), MONITOR_KEY_COUNTERS);
	assert_int_equal(monitor_key_action('S'), MONITOR_KEY_COUNTERS);
	assert_int_equal(monitor_key_action('h'), MONITOR_KEY_HELP);
	assert_int_equal(monitor_key_action('?'), MONITOR_KEY_HELP);
	assert_int_equal(monitor_key_action('\r'), MONITOR_KEY_NONE);
	assert_int_equal(monitor_key_action('\n'), MONITOR_KEY_NONE);
	assert_int_equal(monitor_key_action(' '), MONITOR_KEY_NONE);
	assert_int_equal(monitor_key_action('x'), MONITOR_KEY_UNKNOWN);
	assert_int_equal(monitor_key_action(0), MONITOR_KEY_UNKNOWN);
	assert_int_equal(monitor_key_action(0xff), MONITOR_KEY_UNKNOWN);
}

static void test_format(void **state)
{
	struct monitor_snapshot prev, cur;
	char buf[320];
	int n;

	(void)state;
	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	cur.t_ms = 12345;
	cur.heap_free_pages = 15580;
	cur.s.shadow_entries = 259;
	cur.s.deferred = 3;
	cur.s.shadow_tables = 3;
	cur.s.stats.shadow_maps = 1000;
	cur.s.stats.shadow_unmaps = 900;
	cur.s.stats.revivals = 77;
	cur.s.stats.phys_flushes = 50;
	cur.s.stats.expired = 899;
	cur.s.stats.loop_iters = 3000;
	cur.s.stats.loop_busy = 300;
	prev.s.stats.loop_iters = 1000;
	prev.s.stats.loop_busy = 100;
	n = monitor_format_stats(buf, sizeof(buf), &cur, &prev);
	assert_string_equal(buf, "STATS: t_ms=12345 heap_free_pages=15580 shadow_entries=259 "
				 "deferred=3 shadow_tables=3 maps=1000 unmaps=900 revivals=77 "
				 "phys_flushes=50 expired=899 busy_permille=100\n");
	assert_int_equal(n, (int)strlen(buf));
	/* without a previous sample: since boot (300/3000) */
	monitor_format_stats(buf, sizeof(buf), &cur, NULL);
	assert_non_null(strstr(buf, " busy_permille=100\n"));
	cur.s.stats.loop_busy = 3000;
	monitor_format_stats(buf, sizeof(buf), &cur, NULL);
	assert_non_null(strstr(buf, " busy_permille=1000\n"));
	/* no iterations in the interval: 0, not a division by zero */
	prev = cur;
	monitor_format_stats(buf, sizeof(buf), &cur, &prev);
	assert_non_null(strstr(buf, " busy_permille=0\n"));
	/* counters that went backwards (a reset) fall back to since-boot */
	prev.s.stats.loop_iters = 5000;
	monitor_format_stats(buf, sizeof(buf), &cur, &prev);
	assert_non_null(strstr(buf, " busy_permille=1000\n"));
	/* a short buffer is cut, NUL-terminated, and the full length returned */
	n = monitor_format_stats(buf, 20, &cur, NULL);
	assert_true(n > 100);
	assert_int_equal(strlen(buf), 19);
	/* u64 extremes print whole */
	cur.heap_free_pages = ~0ull;
	monitor_format_stats(buf, sizeof(buf), &cur, NULL);
	assert_non_null(strstr(buf, "heap_free_pages=18446744073709551615 "));
}

static void wait_cycles(u64 c)
{
	u64 t = tsc_now();

	while (tsc_now() - t < c)
		;
}

static void test_poll_period_ctl_off(void **state)
{
	struct vcpu_intercepts ic;

	(void)state;
	/* before monitor_init nothing happens */
	harness_log_clear();
	monitor_poll();
	assert_int_equal(samples_taken, 0);
	assert_int_equal(hv_options_parse("stats_ms=2 ctl=off"), 0);
	memset(&ic, 0, sizeof(ic));
	ic.nr_ports = 3;
	exit_platform.shutdown_hooks[0] = hook;
	fake_sample.shadow_entries = 42;
	fake_sample.stats.shadow_maps = 7;
	monitor_init(&ic);
	assert_int_equal(ic.nr_ports, 3); /* ctl=off: nothing hidden */
	assert_false(monitor_owns_port(0x2f8));
	assert_false(monitor_owns_port(0x3f8));
	assert_true(logged("HV: a STATS line every 2 ms\n"));
	/* not due yet */
	monitor_poll();
	assert_int_equal(samples_taken, 0);
	wait_cycles(PERIOD_CYCLES + PERIOD_CYCLES / 20);
	monitor_poll();
	assert_int_equal(samples_taken, 1);
	assert_true(logged("STATS: t_ms=2 heap_free_pages=15580 shadow_entries=42 deferred=0 "
			   "shadow_tables=0 maps=7 "));
	monitor_poll(); /* the next one is a period later */
	assert_int_equal(samples_taken, 1);
	wait_cycles(PERIOD_CYCLES);
	monitor_poll();
	assert_int_equal(samples_taken, 2);
	/* after a stall of many periods: one line, not a burst */
	wait_cycles(6 * PERIOD_CYCLES);
	monitor_poll();
	monitor_poll();
	monitor_poll();
	assert_int_equal(samples_taken, 3);
	assert_int_equal(count("STATS: t_ms="), 3);
	/* the key handling never ran: ctl=off */
	assert_int_equal(vcpu_prints, 0);
	assert_int_equal(hook_calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_poll_period_ctl_off),
	};

	return HARNESS_RUN(tests);
}
