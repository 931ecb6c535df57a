// SPDX-License-Identifier: MIT
/* Host harness implementation: see harness.h. */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include "lib/log.h"

static char log_buf[1 << 16];
static size_t log_len;

static void host_write(const char *s, size_t len)
{
	size_t room = sizeof(log_buf) - 1 - log_len;
	size_t n = len < room ? len : room;

	for (size_t i = 0; i < n; i++)
		log_buf[log_len + i] = s[i];
	log_len += n;
	log_buf[log_len] = '\0';
	if (getenv("HARNESS_VERBOSE"))
		fwrite(s, 1, len, stderr);
}

static unsigned int host_panic_enter(void)
{
	return 0;
}

static __noreturn void host_panic_exit(void)
{
	fprintf(stderr, "harness: hypervisor panic:\n%s\n", log_buf);
	abort();
}

static const struct log_ops host_log_ops = {
	.write = host_write,
	.panic_enter = host_panic_enter,
	.panic_exit = host_panic_exit,
};

void harness_init(void)
{
	setenv("CMOCKA_MESSAGE_OUTPUT", "TAP", 0);
	log_init(&host_log_ops);
	log_set_level(LOG_DEBUG);
}

const char *harness_log(void)
{
	return log_buf;
}

void harness_log_clear(void)
{
	log_len = 0;
	log_buf[0] = '\0';
}

void harness_acpi_bed_foreach(const char *name,
			      void (*fn)(void *ctx, const char *sig, u64 pa, const void *data,
					 size_t len),
			      void *ctx)
{
	char path[256], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/acpi/%s/index.txt", harness_data_dir(), name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char file[64], sig[8], rel[128];
		unsigned long long pa;
		unsigned int len;
		size_t got;
		void *data;

		if (line[0] == '#')
			continue;
		assert_int_equal(sscanf(line, "%63s %7s %llx %u", file, sig, &pa, &len), 4);
		snprintf(rel, sizeof(rel), "acpi/%s/%s", name, file);
		data = harness_load_file(rel, &got);
		assert_int_equal(got, len);
		fn(ctx, sig, pa, data, len);
		free(data);
	}
	fclose(f);
}

const char *harness_data_dir(void)
{
	const char *d = getenv("SIDEVISOR_TEST_DATA");

	return d ? d : "tests/data";
}

void *harness_load_file(const char *path, size_t *len)
{
	char full[512];
	FILE *f;
	long n;
	void *buf;

	hv_snprintf(full, sizeof(full), "%s/%s", harness_data_dir(), path);
	f = fopen(full, "rb");
	if (!f)
		fail_msg("cannot open test data %s", full);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	assert_non_null(buf);
	if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read on %s", full);
	fclose(f);
	*len = (size_t)n;
	return buf;
}
