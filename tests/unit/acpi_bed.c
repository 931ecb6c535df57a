// SPDX-License-Identifier: MIT
/*
 * The fake physical memory of the drivers/acpi*.c discovery tests
 * (tests/unit/acpi_bed.h): the captured blobs of tests/data/acpi/<bed>/
 * loaded at their addresses in exact-size buffers, a map() that finds
 * them, and the helpers the tests edit and check tables with.
 */
#include "tests/unit/acpi_bed.h"
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const void *fake_map(void *ctx, u64 pa, u64 len)
{
	struct bed *b = ctx;

	b->maps++;
	for (unsigned int i = 0; i < b->n; i++) {
		struct region *r = &b->r[i];

		if (pa >= r->pa && len <= r->len && pa - r->pa <= r->len - len)
			return r->data + (pa - r->pa);
	}
	return NULL;
}

struct region *add_region(struct bed *b, u64 pa, const void *data, size_t len, const char *sig)
{
	struct region *r;

	assert_true(b->n < MAX_REGIONS);
	r = &b->r[b->n++];
	r->pa = pa;
	r->len = len;
	r->data = malloc(len ? len : 1);
	assert_non_null(r->data);
	if (data)
		memcpy(r->data, data, len);
	else
		memset(r->data, 0, len);
	snprintf(r->sig, sizeof(r->sig), "%.4s", sig);
	return r;
}

u8 *low(struct bed *b)
{
	return b->r[0].data;
}

static void bed_add_blob(void *ctx, const char *sig, u64 pa, const void *data, size_t len)
{
	struct bed *b = ctx;

	if (!strcmp(sig, "RSDP")) {
		assert_true(pa + len <= LOW_SIZE);
		memcpy(low(b) + pa, data, len);
		b->rsdp_pa = pa;
	} else {
		add_region(b, pa, data, len, sig);
	}
}

struct bed *bed_load(const char *name)
{
	struct bed *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->info = calloc(1, sizeof(*b->info));
	assert_non_null(b->info);
	b->mem.map = fake_map;
	b->mem.ctx = b;
	add_region(b, 0, NULL, LOW_SIZE, "LOW");
	low(b)[0x40e] = 0xc0; /* EBDA segment 0x9fc0, as SeaBIOS */
	low(b)[0x40f] = 0x9f;

	harness_acpi_bed_foreach(name, bed_add_blob, b);
	assert_true(b->rsdp_pa != 0);
	harness_log_clear();
	return b;
}

void bed_free(struct bed *b)
{
	for (unsigned int i = 0; i < b->n; i++)
		free(b->r[i].data);
	free(b->info);
	free(b);
}

struct region *blob(struct bed *b, const char *sig)
{
	for (unsigned int i = 1; i < b->n; i++)
		if (!strcmp(b->r[i].sig, sig))
			return &b->r[i];
	fail_msg("no blob %s", sig);
	return NULL;
}

void fix_csum(u8 *t, size_t len, size_t csum_off)
{
	u8 sum = 0;

	t[csum_off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + t[i]);
	t[csum_off] = (u8)-sum;
}

/* Fix a table's header checksum after editing it. */
void resum(struct region *r)
{
	fix_csum(r->data, r->len, 9);
}

void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

void assert_log_has(const char *s)
{
	if (!strstr(harness_log(), s))
		fail_msg("log lacks \"%s\"; log:\n%s", s, harness_log());
}

const struct acpi_table *table(const struct bed *b, const char *sig)
{
	for (unsigned int i = 0; i < b->info->nr_tables; i++)
		if (!strcmp(b->info->tables[i].sig, sig))
			return &b->info->tables[i];
	fail_msg("table %s not listed", sig);
	return NULL;
}
