// SPDX-License-Identifier: MIT
/* Shared helpers of the vmm/vacpi.c tests: see vacpi_bed.h. */
#include "tests/unit/vacpi_bed.h"
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "vmm/vacpi.h"

/* ---- fake physical memory ------------------------------------------------ */

static const void *fake_map(void *ctx, u64 pa, u64 len)
{
	struct mem *m = ctx;

	for (unsigned int i = 0; i < m->n; i++) {
		struct region *r = &m->r[i];

		if (pa >= r->pa && len <= r->len && pa - r->pa <= r->len - len)
			return r->data + (pa - r->pa);
	}
	return NULL;
}

struct mem *mem_new(void)
{
	struct mem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->am.map = fake_map;
	m->am.ctx = m;
	return m;
}

struct region *mem_add(struct mem *m, u64 pa, const void *data, size_t len, const char *sig)
{
	struct region *r;

	assert_true(m->n < MAX_REGIONS);
	r = &m->r[m->n++];
	r->pa = pa;
	r->len = len;
	r->data = calloc(1, len ? len : 1);
	assert_non_null(r->data);
	if (data)
		memcpy(r->data, data, len);
	snprintf(r->sig, sizeof(r->sig), "%.4s", sig);
	return r;
}

u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

void mem_free(struct mem *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		free(m->r[i].data);
	free(m);
}

struct region *region(struct mem *m, const char *sig)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (!strcmp(m->r[i].sig, sig))
			return &m->r[i];
	fail_msg("no region %s", sig);
	return NULL;
}

/* ---- firmware beds -------------------------------------------------------- */

/* tests/data/acpi/<name> at its addresses, parsed with acpi_init(). */
static void fw_add_blob(void *ctx, const char *sig, u64 pa, const void *data, size_t len)
{
	struct fw *fw = ctx;

	if (!strcmp(sig, "RSDP")) {
		assert_true(pa + len <= LOW_SIZE);
		memcpy(region(fw->m, "LOW")->data + pa, data, len);
	} else {
		mem_add(fw->m, pa, data, len, sig);
	}
}

struct fw *fw_load(const char *name)
{
	struct fw *fw = calloc(1, sizeof(*fw));

	assert_non_null(fw);
	fw->m = mem_new();
	(void)mem_add(fw->m, 0, NULL, LOW_SIZE, "LOW");
	harness_acpi_bed_foreach(name, fw_add_blob, fw);
	assert_int_equal(acpi_init(&fw->m->am, NULL, &fw->info), 0);
	assert_int_equal(fw->info.nr_bad_tables, 0);
	harness_log_clear();
	return fw;
}

void fw_free(struct fw *fw)
{
	mem_free(fw->m);
	free(fw);
}

struct vacpi_input input(const struct fw *fw, u32 apic_id)
{
	return (struct vacpi_input){ .fw = &fw->info, .mem = &fw->m->am, .guest_apic_id = apic_id };
}

/* ---- build and parse back -------------------------------------------------- */

void built_free(struct built *b)
{
	mem_free(b->g);
	free(b);
}

/*
 * Build into a roomy buffer, then again into an exact-size one (must give
 * the same bytes), and parse the result back with acpi_init(). The RSDP is
 * handed over as a copy, like boot_params.acpi_rsdp_addr points at it.
 */
struct built *build(const struct fw *fw, const struct vacpi_input *in, u64 base)
{
	struct built *b = calloc(1, sizeof(*b));
	size_t cap = 1 << 20, used2;
	u8 *big = malloc(cap);
	u64 rsdp2;

	assert_non_null(b);
	assert_non_null(big);
	assert_int_equal(vacpi_build(in, base, big, cap, &b->rsdp, &b->used), 0);
	assert_true(b->used > 0 && b->used <= cap);
	assert_true(b->rsdp >= base && b->rsdp - base < b->used);
	b->base = base;
	b->g = mem_new();
	mem_add(b->g, 0, NULL, LOW_SIZE, "LOW");
	b->buf = mem_add(b->g, base, NULL, b->used, "BUF")->data;
	assert_int_equal(vacpi_build(in, base, b->buf, b->used, &rsdp2, &used2), 0);
	assert_int_equal(rsdp2, b->rsdp);
	assert_int_equal(used2, b->used);
	assert_memory_equal(b->buf, big, b->used);
	free(big);
	mem_add(b->g, fw->info.fadt.dsdt_pa, region(fw->m, "DSDT")->data,
		region(fw->m, "DSDT")->len, "DSDT");
	mem_add(b->g, fw->info.fadt.facs_pa, region(fw->m, "FACS")->data,
		region(fw->m, "FACS")->len, "FACS");
	harness_log_clear();
	assert_int_equal(acpi_init(&b->g->am, b->buf + (b->rsdp - base), &b->info), 0);
	return b;
}

const u8 *built_at(const struct built *b, u64 pa)
{
	assert_true(pa >= b->base && pa - b->base < b->used);
	return b->buf + (pa - b->base);
}

/* Checks every build must pass. */
void check_common(const struct fw *fw, const struct built *b, u32 apic_id, bool added_dmar)
{
	const struct acpi_info *i = &b->info;
	const struct acpi_madt *m = &i->madt;
	const struct acpi_table *fw_root = NULL, *fw_facp;
	const u8 *rsdp = built_at(b, b->rsdp), *x, *r;
	unsigned int n;

	/* RSDP revision 2, both checksums (acpi_init drops a bad extended
	 * checksum by ignoring the XSDT), firmware OEM id */
	assert_true(i->rsdp_found);
	assert_int_equal(i->rsdp_revision, 2);
	assert_int_equal(i->rsdp_len, 36);
	assert_true(i->using_xsdt);
	assert_true(acpi_checksum_ok(rsdp, 20));
	assert_true(acpi_checksum_ok(rsdp, 36));
	assert_memory_equal(rsdp + 9, fw->info.rsdp_raw + 9, 6);
	assert_int_equal(i->nr_bad_tables, 0);
	assert_false(i->tables_truncated);

	/* every root table is ours, 16-byte aligned, inside the buffer */
	for (unsigned int k = 0; k < i->nr_tables; k++) {
		const struct acpi_table *t = &i->tables[k];

		assert_true(t->valid);
		if (t->source == ACPI_SRC_FADT)
			continue;
		assert_int_equal(t->pa % 16, 0);
		assert_true(t->pa >= b->base && t->pa + t->len <= b->base + b->used);
	}
	if (!added_dmar) {
		assert_null(acpi_find_table(i, "DMAR", 0));
		assert_false(i->dmar.present);
	}

	/* the RSDT (when present) lists the XSDT's tables, checksum valid */
	x = built_at(b, i->xsdt_pa);
	n = (acpi_find_table(i, "XSDT", 0)->len - 36) / 8;
	if (i->rsdt_pa) {
		r = built_at(b, i->rsdt_pa);
		assert_memory_equal(r, "RSDT", 4);
		assert_int_equal(rd32(r + 4), 36 + 4 * n);
		assert_true(acpi_checksum_ok(r, 36 + 4 * n));
		for (unsigned int k = 0; k < n; k++)
			assert_int_equal(rd32(r + 36 + 4 * k), rd64(x + 36 + 8 * k));
		assert_int_equal(i->rsdt_pa % 16, 0);
	}
	for (unsigned int k = 0; k < fw->info.nr_tables && !fw_root; k++)
		if (fw->info.tables[k].source == ACPI_SRC_RSDP && fw->info.tables[k].valid)
			fw_root = &fw->info.tables[k];
	assert_non_null(fw_root); /* OEM fields of the firmware's root */
	assert_memory_equal(x + 10, (const u8 *)acpi_map_table(&fw->m->am, fw_root) + 10, 26);

	/* one CPU, enabled; interrupt routing as the firmware's */
	assert_true(m->present);
	assert_int_equal(m->err, 0);
	assert_int_equal(m->nr_cpus, 1);
	assert_int_equal(m->nr_enabled, 1);
	assert_int_equal(m->cpus[0].apic_id, apic_id);
	assert_true(acpi_cpu_enabled(&m->cpus[0]));
	assert_int_equal(m->lapic_pa, fw->info.madt.lapic_pa);
	assert_int_equal(m->flags, fw->info.madt.flags);
	assert_int_equal(m->nr_ioapics, fw->info.madt.nr_ioapics);
	assert_memory_equal(m->ioapics, fw->info.madt.ioapics, sizeof(m->ioapics));
	assert_int_equal(m->nr_isos, fw->info.madt.nr_isos);
	assert_memory_equal(m->isos, fw->info.madt.isos, sizeof(m->isos));
	assert_int_equal(m->nr_lapic_nmis, fw->info.madt.nr_lapic_nmis);

	/* FADT copied byte for byte: DSDT/FACS still in firmware memory */
	assert_true(i->fadt.present);
	assert_int_equal(i->fadt.dsdt_pa, fw->info.fadt.dsdt_pa);
	assert_int_equal(i->fadt.facs_pa, fw->info.fadt.facs_pa);
	fw_facp = acpi_find_table(&fw->info, "FACP", 0);
	assert_int_equal(acpi_find_table(i, "FACP", 0)->len, fw_facp->len);
	assert_memory_equal(built_at(b, acpi_find_table(i, "FACP", 0)->pa),
			    acpi_map_table(&fw->m->am, fw_facp), fw_facp->len);
	assert_true(acpi_find_table(i, "DSDT", 0) != NULL);
	assert_true(acpi_find_table(i, "FACS", 0) != NULL);
	assert_int_equal(i->hpet.base, fw->info.hpet.base);
}

/* Signatures of the guest's root tables, in XSDT order, space separated. */
void root_sigs(const struct built *b, char *out, size_t len)
{
	out[0] = '\0';
	for (unsigned int k = 0; k < b->info.nr_tables; k++) {
		const struct acpi_table *t = &b->info.tables[k];

		if (t->source != ACPI_SRC_ROOT)
			continue;
		if (out[0])
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, t->sig, len - strlen(out) - 1);
	}
}

void assert_log_has(const char *s)
{
	if (!strstr(harness_log(), s))
		fail_msg("log lacks \"%s\"; log:\n%s", s, harness_log());
}
