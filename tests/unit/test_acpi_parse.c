// SPDX-License-Identifier: MIT
/*
 * The pure ACPI table parsers (drivers/acpi_parse.c, acpi_dmar.c) on their
 * own: synthetic DMAR and MADT tables covering what the captured beds lack
 * (INCLUDE_PCI_ALL, RMRR, ATSR/RHSA, x2APIC, the ACPI_*_MAX_* bounds), short
 * and X_-field FADT variants of the real QEMU FADT, and every byte of the
 * real tables mutated, parsed from exact-size buffers (ASan-checked).
 * Discovery on the whole captured beds: tests/unit/test_acpi.c.
 */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "lib/errno.h"

struct blob {
	u8 *data;
	size_t len;
};

/* tests/data/acpi/<bed>/<sig>.dat in an exact-size buffer. */
static struct blob *blob_load(const char *bed, const char *sig)
{
	struct blob *b = calloc(1, sizeof(*b));
	char rel[128];

	assert_non_null(b);
	snprintf(rel, sizeof(rel), "acpi/%s/%s.dat", bed, sig);
	b->data = harness_load_file(rel, &b->len);
	return b;
}

static void blob_free(struct blob *b)
{
	free(b->data);
	free(b);
}

static void fix_csum(u8 *t, size_t len, size_t csum_off)
{
	u8 sum = 0;

	t[csum_off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + t[i]);
	t[csum_off] = (u8)-sum;
}

static void put32(u8 *p, u32 v)
{
	memcpy(p, &v, 4);
}

static void put64(u8 *p, u64 v)
{
	memcpy(p, &v, 8);
}

static void assert_log_has(const char *s)
{
	if (!strstr(harness_log(), s))
		fail_msg("log lacks \"%s\"; log:\n%s", s, harness_log());
}

static void check_scope(const struct acpi_devscope *s, u8 type, u8 id, u8 bus, u8 dev, u8 fn)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->enum_id, id);
	assert_int_equal(s->start_bus, bus);
	assert_int_equal(s->nr_path, 1);
	assert_int_equal(s->path[0].dev, dev);
	assert_int_equal(s->path[0].fn, fn);
}

struct tb {
	u8 buf[4096];
	size_t len;
};

static void tb_header(struct tb *t, const char *sig, size_t fixed)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->buf, sig, 4);
	t->buf[8] = 1;
	memcpy(t->buf + 10, "SIDEVR", 6);
	t->len = fixed;
}

static u8 *tb_put(struct tb *t, const void *bytes, size_t n)
{
	u8 *p = t->buf + t->len;

	assert_true(t->len + n <= sizeof(t->buf));
	memcpy(p, bytes, n);
	t->len += n;
	return p;
}

/* Finish: length and checksum; returns an exact-size heap copy. */
static u8 *tb_done(struct tb *t)
{
	u8 *c = malloc(t->len);

	put32(t->buf + 4, (u32)t->len);
	fix_csum(t->buf, t->len, 9);
	memcpy(c, t->buf, t->len);
	return c;
}

static void tb_scope(struct tb *t, u8 type, u8 id, u8 bus, unsigned int npath, const u8 *path)
{
	u8 h[6] = { type, (u8)(6 + 2 * npath), 0, 0, id, bus };

	tb_put(t, h, 6);
	tb_put(t, path, 2 * npath);
}

static void test_dmar_synthetic(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	struct acpi_dmar *d = malloc(sizeof(*d));
	u8 *drhd, *rmrr, *atsr, *c;
	u8 hdr[16] = { 0 };

	(void)state;
	tb_header(t, "DMAR", 48);
	t->buf[36] = 47; /* 48-bit */
	t->buf[37] = ACPI_DMAR_F_INTR_REMAP | ACPI_DMAR_F_X2APIC_OPT_OUT;
	/* DRHD 0: segment 0, INCLUDE_PCI_ALL, IOAPIC + HPET scopes */
	drhd = tb_put(t, hdr, 16);
	drhd[4] = ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL;
	put64(drhd + 8, 0xfed91000);
	tb_scope(t, ACPI_DMAR_SCOPE_IOAPIC, 8, 0xf0, 1, (u8[]){ 0x1f, 0 });
	tb_scope(t, ACPI_DMAR_SCOPE_HPET, 0, 0, 1, (u8[]){ 0x1f, 7 });
	drhd[2] = (u8)(t->buf + t->len - drhd);
	/* DRHD 1: segment 1, a bridge two hops down */
	drhd = tb_put(t, hdr, 16);
	drhd[6] = 1;
	put64(drhd + 8, 0xfed92000);
	tb_scope(t, ACPI_DMAR_SCOPE_PCI_SUBHIERARCHY, 0, 0, 2, (u8[]){ 0x1c, 4, 0, 0 });
	drhd[2] = (u8)(t->buf + t->len - drhd);
	/* RMRR for a USB controller */
	rmrr = tb_put(t, (u8[24]){ ACPI_DMAR_RMRR }, 24);
	put64(rmrr + 8, 0x7f000000);
	put64(rmrr + 16, 0x7f0fffff);
	tb_scope(t, ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, (u8[]){ 0x14, 0 });
	rmrr[2] = (u8)(t->buf + t->len - rmrr);
	/* ATSR with a scope, RHSA, an unknown structure type */
	atsr = tb_put(t, (u8[8]){ ACPI_DMAR_ATSR, 0, 0, 0, 1 }, 8);
	tb_scope(t, ACPI_DMAR_SCOPE_PCI_SUBHIERARCHY, 0, 0, 1, (u8[]){ 1, 0 });
	atsr[2] = (u8)(t->buf + t->len - atsr);
	tb_put(t, (u8[20]){ ACPI_DMAR_RHSA, 0, 20 }, 20);
	tb_put(t, (u8[8]){ 9, 0, 8 }, 8);
	c = tb_done(t);

	assert_int_equal(acpi_dmar_parse(c, t->len, d), 0);
	assert_int_equal(d->haw, 48);
	assert_int_equal(d->nr_drhd, 2);
	assert_int_equal(d->drhd[0].flags, ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL);
	assert_int_equal(d->drhd[0].base, 0xfed91000);
	assert_int_equal(d->drhd[0].nr_scopes, 2);
	check_scope(&d->drhd[0].scopes[0], ACPI_DMAR_SCOPE_IOAPIC, 8, 0xf0, 0x1f, 0);
	check_scope(&d->drhd[0].scopes[1], ACPI_DMAR_SCOPE_HPET, 0, 0, 0x1f, 7);
	assert_int_equal(d->drhd[1].segment, 1);
	assert_int_equal(d->drhd[1].flags, 0);
	assert_int_equal(d->drhd[1].scopes[0].nr_path, 2);
	assert_int_equal(d->drhd[1].scopes[0].path[0].dev, 0x1c);
	assert_int_equal(d->drhd[1].scopes[0].path[0].fn, 4);
	assert_int_equal(d->nr_rmrr, 1);
	assert_int_equal(d->rmrr[0].base, 0x7f000000);
	assert_int_equal(d->rmrr[0].limit, 0x7f0fffff);
	check_scope(&d->rmrr[0].scopes[0], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 0x14, 0);
	assert_int_equal(d->nr_atsr, 1);
	assert_int_equal(d->nr_rhsa, 1);
	assert_int_equal(d->nr_other, 1);
	assert_false(d->truncated);

	harness_log_clear();
	acpi_dmar_print(d);
	assert_log_has("DMAR: haw=48 flags=0x3 drhd=2 rmrr=1");
	assert_log_has("DMAR: drhd 0 base=0xfed91000 flags=0x1 seg=0 scopes=2 include_pci_all\n");
	assert_log_has("DMAR:   scope type=hpet id=0 bus=00 path=1f.7\n");
	assert_log_has("DMAR: drhd 1 base=0xfed92000 flags=0x0 seg=1 scopes=1\n");
	assert_log_has("DMAR:   scope type=pci-bridge id=0 bus=00 path=1c.4,00.0\n");
	assert_log_has("DMAR: rmrr 0 base=0x7f000000 limit=0x7f0fffff seg=0 scopes=1\n");
	assert_log_has("DMAR:   scope type=pci-endpoint id=0 bus=00 path=14.0\n");
	free(c);

	/* RMRR shorter than its fixed part (24): skipped, walk goes on; its
	 * other 16 bytes rewritten as two 8-byte structures of type 0x7f */
	rmrr[2] = 16;
	memcpy(rmrr + 16, (u8[16]){ 0x7f, 0, 8, 0, 0, 0, 0, 0, 0x7f, 0, 8 }, 16);
	c = tb_done(t);
	harness_log_clear();
	assert_int_equal(acpi_dmar_parse(c, t->len, d), -EBADMSG);
	assert_log_has(": length 16 < 24, skipped");
	assert_int_equal(d->nr_rmrr, 0);
	assert_int_equal(d->nr_drhd, 2);
	assert_int_equal(d->nr_atsr, 1);
	assert_int_equal(d->nr_rhsa, 1);
	assert_int_equal(d->nr_other, 3);
	free(c);
	rmrr[2] = 32;
	put64(rmrr + 16, 0x7f0fffff);
	memcpy(rmrr + 24, (u8[8]){ ACPI_DMAR_SCOPE_PCI_ENDPOINT, 8, 0, 0, 0, 0, 0x14, 0 }, 8);
	c = tb_done(t);
	assert_int_equal(acpi_dmar_parse(c, t->len, d), 0);
	assert_int_equal(d->rmrr[0].scopes[0].path[0].dev, 0x14);
	free(c);

	/* RMRR with base above limit: skipped; the rest still parsed */
	put64(rmrr + 8, 0x7f200000);
	c = tb_done(t);
	assert_int_equal(acpi_dmar_parse(c, t->len, d), -EBADMSG);
	assert_int_equal(d->nr_rmrr, 0);
	assert_int_equal(d->nr_drhd, 2);
	assert_int_equal(d->nr_rhsa, 1);
	free(c);
	free(d);
	free(t);
}

static void test_dmar_limits(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	struct acpi_dmar *d = malloc(sizeof(*d));
	u8 *drhd, *c;

	(void)state;
	/* one DRHD with 40 scopes, one scope with a 10-hop path */
	tb_header(t, "DMAR", 48);
	drhd = tb_put(t, (u8[16]){ 0 }, 16);
	put64(drhd + 8, 0xfed90000);
	for (unsigned int i = 0; i < 40; i++)
		tb_scope(t, ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, (u8[]){ (u8)i, 0 });
	drhd[2] = (u8)((t->buf + t->len - drhd) & 0xff);
	drhd[3] = (u8)((t->buf + t->len - drhd) >> 8);
	c = tb_done(t);
	harness_log_clear();
	assert_int_equal(acpi_dmar_parse(c, t->len, d), 0);
	assert_int_equal(d->drhd[0].nr_scopes, ACPI_DMAR_MAX_SCOPES);
	assert_true(d->drhd[0].scopes_truncated);
	assert_true(d->truncated);
	assert_int_equal(d->drhd[0].scopes[31].path[0].dev, 31);
	assert_log_has("more than 32 device scopes");
	free(c);

	/* ten DRHDs: eight kept */
	tb_header(t, "DMAR", 48);
	for (unsigned int i = 0; i < 10; i++) {
		drhd = tb_put(t, (u8[16]){ 0, 0, 16 + 16 }, 16);
		put64(drhd + 8, 0xfed90000 + 0x1000 * i);
		tb_scope(t, ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, (u8)i, 5,
			 (u8[10]){ 1, 2, 3, 4, 5, 6, 7, 0, 1, 1 });
	}
	c = tb_done(t);
	harness_log_clear();
	assert_int_equal(acpi_dmar_parse(c, t->len, d), 0);
	assert_int_equal(d->nr_drhd, ACPI_DMAR_MAX_DRHD);
	assert_true(d->truncated);
	assert_int_equal(d->drhd[7].base, 0xfed97000);
	assert_int_equal(d->drhd[7].scopes[0].nr_path, 5);
	assert_int_equal(d->drhd[7].scopes[0].path[4].fn, 1);
	assert_log_has("more than 8 DRHDs");
	free(c);

	/* a path longer than we keep */
	tb_header(t, "DMAR", 48);
	drhd = tb_put(t, (u8[16]){ 0, 0, 16 + 26 }, 16);
	put64(drhd + 8, 0xfed90000);
	tb_scope(t, ACPI_DMAR_SCOPE_PCI_SUBHIERARCHY, 0, 0, 10, (u8[20]){ 0 });
	c = tb_done(t);
	assert_int_equal(acpi_dmar_parse(c, t->len, d), 0);
	assert_int_equal(d->drhd[0].scopes[0].nr_path, ACPI_DMAR_MAX_PATH);
	assert_true(d->truncated);
	free(c);
	free(d);
	free(t);
}

static void test_madt_synthetic(void **state)
{
	struct tb *t = malloc(sizeof(*t));
	struct acpi_madt *m = malloc(sizeof(*m));
	u8 *e, *c;

	(void)state;
	tb_header(t, "APIC", 44);
	put32(t->buf + 36, 0xfee00000);
	/* 70 x2APIC CPUs (ids 0x100..), every other one disabled */
	for (u32 i = 0; i < 70; i++) {
		e = tb_put(t, (u8[16]){ ACPI_MADT_X2APIC, 16 }, 16);
		put32(e + 4, 0x100 + i);
		put32(e + 8, i % 2 ? 0 : ACPI_MADT_CPU_ENABLED);
		put32(e + 12, 1000 + i);
	}
	e = tb_put(t, (u8[12]){ ACPI_MADT_X2APIC_NMI, 12, 5, 0 }, 12);
	put32(e + 4, 0xffffffff);
	e[8] = 1;
	e = tb_put(t, (u8[12]){ ACPI_MADT_LAPIC_OVERRIDE, 12 }, 12);
	put64(e + 4, 0xfee10000);
	tb_put(t, (u8[8]){ ACPI_MADT_NMI_SOURCE, 8, 0xd, 0, 23 }, 8);
	c = tb_done(t);
	harness_log_clear();
	assert_int_equal(acpi_madt_parse(c, t->len, m), 0);
	assert_int_equal(m->nr_cpus, ACPI_MAX_CPUS);
	assert_int_equal(m->nr_enabled, ACPI_MAX_CPUS / 2);
	assert_true(m->truncated);
	assert_log_has("more than 64 CPUs");
	assert_true(m->cpus[63].x2apic);
	assert_int_equal(m->cpus[63].apic_id, 0x100 + 63);
	assert_int_equal(m->cpus[63].uid, 1063);
	assert_false(acpi_cpu_enabled(&m->cpus[63]));
	assert_int_equal(m->nr_lapic_nmis, 1);
	assert_true(m->lapic_nmis[0].x2apic);
	assert_int_equal(m->lapic_nmis[0].uid, 0xffffffff);
	assert_int_equal(m->lapic_nmis[0].lint, 1);
	assert_int_equal(m->lapic_nmis[0].flags, 5);
	assert_int_equal(m->lapic_pa, 0xfee10000);
	assert_int_equal(m->nr_nmi_sources, 1);
	assert_int_equal(m->nmi_sources[0].gsi, 23);
	assert_int_equal(m->nmi_sources[0].flags, 0xd);
	free(c);
	free(m);
	free(t);
}

static void test_fadt_short_and_x_fields(void **state)
{
	struct blob *f = blob_load("qemu-q35-iommu", "FACP");
	struct acpi_fadt *o = calloc(1, sizeof(*o));
	u8 *c = malloc(244);

	(void)state;
	/* cut to 100 bytes: ports kept, century (108) and flags (112) gone */
	memcpy(c, f->data, 100);
	put32(c + 4, 100);
	assert_int_equal(acpi_fadt_parse(c, 100, o), 0);
	assert_int_equal(o->pm1a_cnt, 0x604);
	assert_int_equal(o->pm_tmr, 0x608);
	assert_int_equal(o->century, 0);
	assert_int_equal(o->flags, 0);
	assert_false(o->reset_valid);
	assert_int_equal(o->dsdt_pa, 0x3ffe0040);

	/* below the DSDT field: unusable */
	put32(c + 4, 40);
	assert_int_equal(acpi_fadt_parse(c, 100, o), -EINVAL);
	assert_false(o->present);

	/* X_ blocks win over the legacy ones; memory-space X_ is ignored */
	memcpy(c, f->data, 244);
	put32(c + 64, 0);      /* PM1a_CNT_BLK */
	put32(c + 76, 0x1234); /* PM_TMR_BLK */
	c[208] = ACPI_GAS_SPACE_MEMORY;
	put64(c + 140, 0x3ffe0080); /* X_DSDT */
	assert_int_equal(acpi_fadt_parse(c, 244, o), 0);
	assert_int_equal(o->pm1a_cnt, 0x604);
	assert_int_equal(o->pm_tmr, 0x1234);
	assert_int_equal(o->dsdt_pa, 0x3ffe0080);

	/* a port beyond 16 bits */
	put32(c + 56, 0x10000);
	put64(c + 148 + 4, 0);
	assert_int_equal(acpi_fadt_parse(c, 244, o), -EBADMSG);
	assert_int_equal(o->pm1a_evt, 0);
	free(c);
	free(o);
	blob_free(f);
}

/* Parse c (len bytes) as table number which; check the bounds. */
static int parse_mutant(unsigned int which, const u8 *c, size_t len, struct acpi_info *i)
{
	int err;

	switch (which) {
	case 0:
		err = acpi_madt_parse(c, len, &i->madt);
		/* one byte changes at most one entry into a CPU */
		assert_true(i->madt.nr_cpus <= 3);
		return err;
	case 1:
		err = acpi_dmar_parse(c, len, &i->dmar);
		assert_true(i->dmar.nr_drhd <= 1);
		assert_true(i->dmar.drhd[0].nr_scopes <= 6);
		return err;
	case 2:
		return acpi_fadt_parse(c, len, &i->fadt);
	case 3:
		err = acpi_mcfg_parse(c, len, &i->mcfg);
		assert_true(i->mcfg.nr_ecam <= 1);
		return err;
	default:
		return acpi_hpet_parse(c, len, &i->hpet);
	}
}

/* Set every byte of each real table to 0, 1, 0x7f, 0xff in turn and parse
 * from an exact-size copy: no out-of-bounds read (ASan), bounded results,
 * only the documented errors. */
static void test_mutations(void **state)
{
	static const char *const sigs[] = { "APIC", "DMAR", "FACP", "MCFG", "HPET" };
	static const u8 vals[] = { 0, 1, 0x7f, 0xff };
	struct acpi_info *i = calloc(1, sizeof(*i));

	(void)state;
	for (unsigned int s = 0; s < 5; s++) {
		struct blob *r = blob_load("qemu-q35-iommu", sigs[s]);

		/* unmutated: clean */
		assert_int_equal(parse_mutant(s, r->data, r->len, i), 0);
		for (size_t pos = 0; pos < r->len * 4; pos++) {
			u8 *c = malloc(r->len);
			int err;

			memcpy(c, r->data, r->len);
			c[pos / 4] = vals[pos % 4];
			err = parse_mutant(s, c, r->len, i);
			assert_true(err == 0 || err == -EINVAL || err == -EBADMSG);
			free(c);
		}
		blob_free(r);
	}
	free(i);
}

static void test_mcfg_hpet_variants(void **state)
{
	struct blob *m = blob_load("qemu-q35-iommu", "MCFG");
	struct blob *h = blob_load("qemu-q35-iommu", "HPET");
	struct acpi_mcfg *mc = calloc(1, sizeof(*mc));
	struct acpi_hpet *hp = calloc(1, sizeof(*hp));

	(void)state;
	/* 44 + 8: half an entry */
	put32(m->data + 4, 52);
	harness_log_clear();
	assert_int_equal(acpi_mcfg_parse(m->data, m->len, mc), -EBADMSG);
	assert_true(mc->present);
	assert_int_equal(mc->nr_ecam, 0);
	assert_log_has("MCFG: length 52 is not 44 + 16 * n");
	/* end bus below start bus */
	put32(m->data + 4, 60);
	m->data[54] = 0x10;
	m->data[55] = 0x0f;
	assert_int_equal(acpi_mcfg_parse(m->data, m->len, mc), -EBADMSG);
	assert_int_equal(mc->nr_ecam, 0);
	m->data[55] = 0x1f;
	assert_int_equal(acpi_mcfg_parse(m->data, m->len, mc), 0);
	assert_int_equal(mc->ecam[0].start_bus, 0x10);
	assert_int_equal(mc->ecam[0].end_bus, 0x1f);

	/* HPET block in I/O space: not usable */
	assert_int_equal(acpi_hpet_parse(h->data, h->len, hp), 0);
	assert_int_equal(hp->base, 0xfed00000);
	h->data[40] = ACPI_GAS_SPACE_IO;
	assert_int_equal(acpi_hpet_parse(h->data, h->len, hp), -EBADMSG);
	assert_int_equal(hp->base, 0);
	put32(h->data + 4, 52); /* shorter than the fixed 56 */
	assert_int_equal(acpi_hpet_parse(h->data, h->len, hp), -EINVAL);
	assert_false(hp->present);
	free(mc);
	free(hp);
	blob_free(m);
	blob_free(h);
}

static void test_identity_map(void **state)
{
	const struct acpi_mem *m = &acpi_mem_identity;

	(void)state;
	assert_ptr_equal(m->map(m->ctx, 0x1000, 16), (const void *)0x1000);
	assert_ptr_equal(m->map(m->ctx, 0xfffff000, 0x1000), (const void *)0xfffff000);
	assert_null(m->map(m->ctx, 0xfffff000, 0x1001));
	assert_null(m->map(m->ctx, 0x100000000ULL, 1));
	assert_null(m->map(m->ctx, ~0ULL, 2));
	assert_null(m->map(m->ctx, 0, 16));
	assert_true(acpi_checksum_ok((u8[]){ 1, 2, 0xfd }, 3));
	assert_false(acpi_checksum_ok((u8[]){ 1, 2, 0xfc }, 3));
	assert_string_equal(acpi_devscope_type_name(3), "ioapic");
	assert_string_equal(acpi_devscope_type_name(200), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmar_synthetic),
		cmocka_unit_test(test_dmar_limits),
		cmocka_unit_test(test_madt_synthetic),
		cmocka_unit_test(test_fadt_short_and_x_fields),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_mcfg_hpet_variants),
		cmocka_unit_test(test_identity_map),
	};

	return HARNESS_RUN(tests);
}
