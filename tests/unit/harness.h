/* SPDX-License-Identifier: MIT */
/*
 * Host unit-test harness: cmocka plus the hooks the hypervisor's lib/ needs
 * (log sink to stderr, panic -> abort so a broken invariant fails the test).
 */
#ifndef TESTS_UNIT_HARNESS_H
#define TESTS_UNIT_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "lib/types.h"

/** Install the host log hooks; call first in main(). */
void harness_init(void);

/** Read a whole file (test blob) into a malloc'd buffer; fails the test if missing. */
void *harness_load_file(const char *path, size_t *len);

/**
 * Each table of the captured firmware bed tests/data/acpi/<name>/ (its
 * index.txt: "file SIG pa len" lines), loaded: fn(ctx, sig, pa, data, len);
 * data is freed after fn returns. Fails the test on a bad index or blob.
 */
void harness_acpi_bed_foreach(const char *name,
			      void (*fn)(void *ctx, const char *sig, u64 pa, const void *data,
					 size_t len),
			      void *ctx);

/** Directory holding test data (tests/data), overridable with $SIDEVISOR_TEST_DATA. */
const char *harness_data_dir(void);

/** Everything printed through printk/pr_* since the last harness_log_clear(). */
const char *harness_log(void);
void harness_log_clear(void);

/** Run a cmocka group with TAP output; returns the failure count. */
#define HARNESS_RUN(tests) (harness_init(), cmocka_run_group_tests(tests, NULL, NULL))

#endif
