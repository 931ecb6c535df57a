// SPDX-License-Identifier: MIT
/*
 * drivers/acpi*.c on the firmware tables captured from QEMU and Bochs
 * (tests/data/acpi/<bed>/, see its README): each blob sits in a fake
 * physical memory at its original address, in its own exact-size buffer so
 * ASan catches any read past a table; acpi_init() runs the whole discovery
 * on it. Then corrupted variants of the real blobs. The parsers alone, on
 * synthetic and mutated tables: tests/unit/test_acpi_parse.c.
 */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "lib/errno.h"

/* ---- fake physical memory ------------------------------------------------ */

#define LOW_SIZE 0x100000 /* BDA, EBDA, F segment */
#define MAX_REGIONS 64

struct region {
	u64 pa;
	size_t len;
	u8 *data;
	char sig[5];
};

struct bed {
	struct region r[MAX_REGIONS];
	unsigned int n;
	struct acpi_mem mem;
	struct acpi_info *info;
	u64 rsdp_pa;
	unsigned int maps; /* map() calls, to bound work */
};

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

static struct region *add_region(struct bed *b, u64 pa, const void *data, size_t len,
				 const char *sig)
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

static u8 *low(struct bed *b)
{
	return b->r[0].data;
}

/* Load tests/data/acpi/<name> at the addresses listed in its index.txt. */
static struct bed *bed_load(const char *name)
{
	struct bed *b = calloc(1, sizeof(*b));
	char path[256], line[256];
	FILE *f;

	assert_non_null(b);
	b->info = calloc(1, sizeof(*b->info));
	assert_non_null(b->info);
	b->mem.map = fake_map;
	b->mem.ctx = b;
	add_region(b, 0, NULL, LOW_SIZE, "LOW");
	low(b)[0x40e] = 0xc0; /* EBDA segment 0x9fc0, as SeaBIOS */
	low(b)[0x40f] = 0x9f;

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
		if (!strcmp(sig, "RSDP")) {
			assert_true(pa + len <= LOW_SIZE);
			memcpy(low(b) + pa, data, len);
			b->rsdp_pa = pa;
		} else {
			add_region(b, pa, data, len, sig);
		}
		free(data);
	}
	fclose(f);
	assert_true(b->rsdp_pa != 0);
	harness_log_clear();
	return b;
}

static void bed_free(struct bed *b)
{
	for (unsigned int i = 0; i < b->n; i++)
		free(b->r[i].data);
	free(b->info);
	free(b);
}

static struct region *blob(struct bed *b, const char *sig)
{
	for (unsigned int i = 1; i < b->n; i++)
		if (!strcmp(b->r[i].sig, sig))
			return &b->r[i];
	fail_msg("no blob %s", sig);
	return NULL;
}

static void fix_csum(u8 *t, size_t len, size_t csum_off)
{
	u8 sum = 0;

	t[csum_off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + t[i]);
	t[csum_off] = (u8)-sum;
}

/* Fix a table's header checksum after editing it. */
static void resum(struct region *r)
{
	fix_csum(r->data, r->len, 9);
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

static const struct acpi_table *table(const struct bed *b, const char *sig)
{
	for (unsigned int i = 0; i < b->info->nr_tables; i++)
		if (!strcmp(b->info->tables[i].sig, sig))
			return &b->info->tables[i];
	fail_msg("table %s not listed", sig);
	return NULL;
}

/* ---- the real beds ------------------------------------------------------- */

static void check_scope(const struct acpi_devscope *s, u8 type, u8 id, u8 bus, u8 dev, u8 fn)
{
	assert_int_equal(s->type, type);
	assert_int_equal(s->enum_id, id);
	assert_int_equal(s->start_bus, bus);
	assert_int_equal(s->nr_path, 1);
	assert_int_equal(s->path[0].dev, dev);
	assert_int_equal(s->path[0].fn, fn);
}

/* Facts common to the QEMU beds (SeaBIOS tables). */
static void check_qemu_common(struct bed *b)
{
	const struct acpi_info *i = b->info;
	const struct acpi_madt *m = &i->madt;

	assert_true(i->rsdp_found);
	assert_int_equal(i->rsdp_pa, b->rsdp_pa);
	assert_int_equal(i->rsdp_revision, 0);
	assert_int_equal(i->xsdt_pa, 0);
	assert_false(i->using_xsdt);
	assert_string_equal(i->oem_id, "BOCHS ");
	assert_int_equal(i->nr_bad_tables, 0);
	assert_true(m->present);
	assert_int_equal(m->err, 0);
	assert_int_equal(m->lapic_pa, 0xfee00000);
	assert_int_equal(m->flags, ACPI_MADT_F_PCAT_COMPAT);
	assert_int_equal(m->nr_cpus, 2);
	assert_int_equal(m->nr_enabled, 2);
	for (unsigned int c = 0; c < 2; c++) {
		assert_int_equal(m->cpus[c].apic_id, c);
		assert_int_equal(m->cpus[c].uid, c);
		assert_true(acpi_cpu_enabled(&m->cpus[c]));
		assert_false(m->cpus[c].x2apic);
	}
	assert_int_equal(m->nr_ioapics, 1);
	assert_int_equal(m->ioapics[0].id, 0);
	assert_int_equal(m->ioapics[0].address, 0xfec00000);
	assert_int_equal(m->ioapics[0].gsi_base, 0);
	assert_int_equal(m->nr_isos, 5);
	assert_int_equal(m->isos[0].source, 0);
	assert_int_equal(m->isos[0].gsi, 2);
	assert_int_equal(m->isos[1].source, 5);
	assert_int_equal(m->isos[1].flags, 0xd); /* level, active high */
	assert_int_equal(m->nr_lapic_nmis, 1);
	assert_int_equal(m->lapic_nmis[0].uid, 0xff);
	assert_int_equal(m->lapic_nmis[0].lint, 1);
	assert_true(i->fadt.present);
	assert_int_equal(i->fadt.pm1a_evt, 0x600);
	assert_int_equal(i->fadt.pm1a_cnt, 0x604);
	assert_int_equal(i->fadt.pm1b_cnt, 0);
	assert_int_equal(i->fadt.pm_tmr, 0x608);
	assert_int_equal(i->fadt.pm_tmr_len, 4);
	assert_int_equal(i->fadt.sci_irq, 9);
	assert_int_equal(i->fadt.century, 0x32);
	assert_int_equal(i->fadt.dsdt_pa, 0x3ffe0040);
	assert_int_equal(i->fadt.facs_pa, 0x3ffe0000);
	assert_true(i->hpet.present);
	assert_int_equal(i->hpet.base, 0xfed00000);
	assert_true(table(b, "DSDT")->valid);
	assert_int_equal(table(b, "DSDT")->source, ACPI_SRC_FADT);
	assert_true(table(b, "FACS")->valid);
	assert_true(table(b, "WAET")->valid);
}

static void test_qemu_q35_iommu(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	const struct acpi_info *i = b->info;
	const struct acpi_drhd *u;
	const struct acpi_table *t;

	(void)state;
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	check_qemu_common(b);
	assert_int_equal(i->rsdt_pa, 0x3ffe2318);
	assert_int_equal(i->nr_tables, 9); /* RSDT, 6 entries, DSDT, FACS */
	assert_int_equal(i->tables[0].source, ACPI_SRC_RSDP);
	assert_string_equal(i->tables[0].sig, "RSDT");

	/* FADT revision 3 (244 bytes): X_ fields and the reset register */
	assert_int_equal(i->fadt.revision, 3);
	assert_int_equal(i->fadt.len, 244);
	assert_int_equal(i->fadt.flags, 0x84a5);
	assert_true(i->fadt.reset_valid);
	assert_int_equal(i->fadt.reset_space, ACPI_GAS_SPACE_IO);
	assert_int_equal(i->fadt.reset_addr, 0xcf9);
	assert_int_equal(i->fadt.reset_value, 0xf);

	assert_true(i->mcfg.present);
	assert_int_equal(i->mcfg.nr_ecam, 1);
	assert_int_equal(i->mcfg.ecam[0].base, 0xb0000000);
	assert_int_equal(i->mcfg.ecam[0].segment, 0);
	assert_int_equal(i->mcfg.ecam[0].start_bus, 0);
	assert_int_equal(i->mcfg.ecam[0].end_bus, 255);

	/* DMAR: one unit at 0xfed90000 with explicit scopes (-nodefaults:
	 * no VGA, so the e1000e is 00:01.0), interrupt remapping flag */
	assert_true(i->dmar.present);
	assert_int_equal(i->dmar.err, 0);
	assert_int_equal(i->dmar.haw, 39);
	assert_int_equal(i->dmar.flags, ACPI_DMAR_F_INTR_REMAP);
	assert_int_equal(i->dmar.nr_drhd, 1);
	assert_int_equal(i->dmar.nr_rmrr, 0);
	assert_false(i->dmar.truncated);
	u = &i->dmar.drhd[0];
	assert_int_equal(u->base, 0xfed90000);
	assert_int_equal(u->segment, 0);
	assert_int_equal(u->flags & ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL, 0);
	assert_int_equal(u->nr_scopes, 6);
	check_scope(&u->scopes[0], ACPI_DMAR_SCOPE_IOAPIC, 0, 0xff, 0, 0);
	check_scope(&u->scopes[1], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 0, 0);
	check_scope(&u->scopes[2], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, 0);
	check_scope(&u->scopes[3], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 0x1f, 0);
	check_scope(&u->scopes[4], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 0x1f, 2);
	check_scope(&u->scopes[5], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 0x1f, 3);

	/* lookup and mapping give the firmware's bytes */
	t = acpi_find_table(i, "DMAR", 0);
	assert_non_null(t);
	assert_int_equal(t->pa, 0x3ffe2280);
	assert_int_equal(t->len, 112);
	assert_memory_equal(acpi_map_table(&b->mem, t), blob(b, "DMAR")->data, 112);
	assert_null(acpi_find_table(i, "DMAR", 1));
	assert_null(acpi_find_table(i, "SSDT", 0));
	assert_non_null(acpi_find_table(i, "FACS", 0));

	acpi_print(i);
	assert_log_has("ACPI: FACP 0x3ffe2098 len 244");
	assert_log_has("ACPI: DMAR 0x3ffe2280 len 112");
	assert_log_has("ACPI: cpu 1 apic_id=1 uid=1 enabled");
	assert_log_has("pm1a_cnt=0x604");
	assert_log_has("pm_tmr=0x608");
	assert_log_has("ACPI: MCFG ecam=0xb0000000 seg 0 bus 0-255");
	assert_log_has("ACPI: HPET base=0xfed00000");
	assert_log_has("DMAR: haw=39 flags=0x1");
	assert_log_has("DMAR: drhd 0 base=0xfed90000 flags=0x0 seg=0 scopes=6\n");
	assert_log_has("DMAR:   scope type=ioapic id=0 bus=ff path=00.0\n");
	assert_log_has("DMAR:   scope type=pci-endpoint id=0 bus=00 path=1f.2\n");
	assert_null(strstr(harness_log(), "include_pci_all"));
	assert_null(strstr(harness_log(), "INVALID"));
	bed_free(b);
}

static void test_qemu_q35_testbed(void **state)
{
	struct bed *b = bed_load("qemu-q35-testbed");
	const struct acpi_drhd *u;

	(void)state;
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	check_qemu_common(b);
	/* TESTBEDS.md machine: VGA 00:01.0, e1000e 00:02.0 */
	u = &b->info->dmar.drhd[0];
	assert_int_equal(b->info->dmar.nr_drhd, 1);
	assert_int_equal(u->base, 0xfed90000);
	assert_int_equal(u->nr_scopes, 7);
	check_scope(&u->scopes[2], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 1, 0);
	check_scope(&u->scopes[3], ACPI_DMAR_SCOPE_PCI_ENDPOINT, 0, 0, 2, 0);
	assert_int_equal(b->info->mcfg.ecam[0].base, 0xb0000000);
	bed_free(b);
}

static void test_qemu_pc(void **state)
{
	struct bed *b = bed_load("qemu-pc");
	const struct acpi_info *i = b->info;

	(void)state;
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	check_qemu_common(b);
	/* i440fx: revision 1 FADT of 116 bytes, no MCFG, no DMAR */
	assert_int_equal(i->fadt.len, 116);
	assert_false(i->fadt.reset_valid);
	assert_false(i->mcfg.present);
	assert_false(i->dmar.present);
	acpi_print(i);
	assert_log_has("ACPI: MCFG none");
	assert_log_has("DMAR: none (no IOMMU described by firmware)");
	bed_free(b);
}

static void test_bochs(void **state)
{
	struct bed *b = bed_load("bochs");
	const struct acpi_info *i = b->info;

	(void)state;
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(i->rsdp_pa, 0xf9fe0);
	assert_int_equal(i->rsdt_pa, 0xfff0000);
	assert_int_equal(i->nr_bad_tables, 0);
	/* RSDT FACP APIC SSDT HPET DSDT FACS */
	assert_int_equal(i->nr_tables, 7);
	assert_true(acpi_find_table(i, "SSDT", 0) != NULL);
	assert_int_equal(i->madt.nr_cpus, 2);
	assert_int_equal(i->madt.cpus[0].apic_id, 0);
	assert_int_equal(i->madt.cpus[1].apic_id, 1);
	assert_int_equal(i->madt.nr_ioapics, 1);
	assert_int_equal(i->madt.ioapics[0].id, 2);
	/* rombios32's short (ACPI 1.0) FADT */
	assert_int_equal(i->fadt.revision, 1);
	assert_int_equal(i->fadt.len, 116);
	assert_int_equal(i->fadt.pm1a_evt, 0xb000);
	assert_int_equal(i->fadt.pm1a_cnt, 0xb004);
	assert_int_equal(i->fadt.pm_tmr, 0xb008);
	assert_int_equal(i->fadt.sci_irq, 9);
	assert_int_equal(i->fadt.century, 0);
	assert_int_equal(i->fadt.dsdt_pa, 0xfff0100);
	assert_int_equal(i->fadt.facs_pa, 0xfff00c0);
	assert_false(i->fadt.reset_valid);
	assert_int_equal(i->hpet.base, 0xfed00000);
	assert_false(i->mcfg.present);
	assert_false(i->dmar.present);
	acpi_print(i);
	assert_log_has("ACPI: FACP 0xfff0034 len 116");
	assert_log_has("ACPI: cpu 0 apic_id=0");
	assert_log_has("DMAR: none (no IOMMU described by firmware)");
	bed_free(b);
}

/* ---- RSDP discovery ------------------------------------------------------ */

static void test_rsdp_discovery(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	u8 rsdp[20];
	hpa_t pa;

	(void)state;
	memcpy(rsdp, low(b) + b->rsdp_pa, 20);
	assert_int_equal(acpi_find_rsdp(&b->mem, &pa), 0);
	assert_int_equal(pa, 0xf59e0);

	/* the boot loader's copy: used, and the original located */
	assert_int_equal(acpi_init(&b->mem, rsdp, b->info), 0);
	assert_true(b->info->rsdp_from_hint);
	assert_int_equal(b->info->rsdp_pa, 0xf59e0);
	assert_int_equal(b->info->madt.nr_cpus, 2);
	assert_memory_equal(b->info->rsdp_raw, rsdp, 20);

	/* a valid copy that is not what memory holds: no original known */
	rsdp[9] = 'X';
	fix_csum(rsdp, 20, 8);
	assert_int_equal(acpi_init(&b->mem, rsdp, b->info), 0);
	assert_true(b->info->rsdp_from_hint);
	assert_int_equal(b->info->rsdp_pa, 0);
	assert_string_equal(b->info->oem_id, "XOCHS ");
	memcpy(rsdp, low(b) + b->rsdp_pa, 20);

	/* a bad copy: fall back to the scan */
	rsdp[8] ^= 1;
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, rsdp, b->info), 0);
	assert_false(b->info->rsdp_from_hint);
	assert_int_equal(b->info->rsdp_pa, 0xf59e0);
	assert_log_has("invalid, scanning");
	rsdp[8] ^= 1;

	/* moved into the EBDA (searched first), F segment copy gone */
	memset(low(b) + 0xf59e0, 0, 20);
	memcpy(low(b) + 0x9fc00 + 0x30, rsdp, 20);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->rsdp_pa, 0x9fc30);
	assert_int_equal(b->info->rsdt_pa, 0x3ffe2318);

	/* not on a 16-byte boundary: not an RSDP */
	memset(low(b) + 0x9fc30, 0, 20);
	memcpy(low(b) + 0xf0008, rsdp, 20);
	assert_int_equal(acpi_find_rsdp(&b->mem, &pa), -ENODEV);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), -ENODEV);
	assert_false(b->info->rsdp_found);

	/* bad v1 checksum: reported and skipped */
	memcpy(low(b) + 0xf0010, rsdp, 20);
	low(b)[0xf0010 + 8]++;
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), -ENODEV);
	assert_log_has("RSDP candidate at 0xf0010: bad checksum");
	assert_log_has("no RSDP found");

	/* bad copy and nothing in memory */
	rsdp[0] = 'X';
	assert_int_equal(acpi_init(&b->mem, rsdp, b->info), -ENODEV);
	assert_int_equal(acpi_init(&b->mem, NULL, NULL), -EINVAL);
	bed_free(b);
}

/* Make the RSDP revision 2, with an XSDT at xsdt_pa copied from the RSDT. */
static struct region *add_xsdt(struct bed *b, u64 xsdt_pa)
{
	struct region *rsdt = blob(b, "RSDT");
	u32 n = (u32)(rsdt->len - 36) / 4;
	struct region *x = add_region(b, xsdt_pa, NULL, 36 + 8 * n, "XSDT");
	u8 *r = low(b) + b->rsdp_pa;

	memcpy(x->data, rsdt->data, 36);
	memcpy(x->data, "XSDT", 4);
	put32(x->data + 4, (u32)x->len);
	for (u32 i = 0; i < n; i++) {
		u32 pa;

		memcpy(&pa, rsdt->data + 36 + 4 * i, 4);
		put64(x->data + 36 + 8 * i, pa);
	}
	resum(x);
	r[15] = 2;
	put32(r + 20, 36);
	put64(r + 24, xsdt_pa);
	fix_csum(r, 20, 8);
	fix_csum(r, 36, 32);
	return x;
}

static void test_xsdt_and_fallback(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	struct region *x = add_xsdt(b, 0x7000000);
	struct region *rsdt = blob(b, "RSDT");

	(void)state;
	/* Make the RSDT useless, to prove the XSDT is the one walked. */
	memset(rsdt->data + 36, 0, rsdt->len - 36);
	resum(rsdt);
	/* the WAET (last entry) moves above 4 GiB: reachable only by XSDT */
	put64(x->data + x->len - 8, 0x120000000ULL);
	resum(x);
	add_region(b, 0x120000000ULL, blob(b, "WAET")->data, 40, "WAET");
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->nr_tables, 9);
	assert_int_equal(b->info->nr_bad_tables, 0);
	assert_int_equal(acpi_find_table(b->info, "WAET", 0)->pa, 0x120000000ULL);
	assert_int_equal(b->info->rsdp_revision, 2);
	assert_int_equal(b->info->rsdp_len, 36);
	assert_int_equal(b->info->xsdt_pa, 0x7000000);
	assert_true(b->info->using_xsdt);
	assert_string_equal(b->info->tables[0].sig, "XSDT");
	assert_int_equal(b->info->dmar.drhd[0].base, 0xfed90000);
	assert_int_equal(b->info->madt.nr_cpus, 2);
	bed_free(b);

	/* corrupt XSDT: falls back to the (intact) RSDT */
	b = bed_load("qemu-q35-iommu");
	x = add_xsdt(b, 0x7000000);
	x->data[40] ^= 0x55;
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_false(b->info->using_xsdt);
	assert_false(table(b, "XSDT")->valid);
	assert_int_equal(table(b, "XSDT")->status, ACPI_TABLE_BAD_CHECKSUM);
	assert_true(table(b, "RSDT")->valid);
	assert_int_equal(b->info->nr_bad_tables, 1);
	assert_int_equal(b->info->dmar.drhd[0].base, 0xfed90000);
	assert_log_has("acpi: table XSDT at 0x7000000 bad checksum");
	assert_log_has("XSDT unusable, falling back to the RSDT");

	/* XSDT pointer to nowhere: same */
	put64(low(b) + b->rsdp_pa + 24, 0x123456789000ULL);
	fix_csum(low(b) + b->rsdp_pa, 36, 32);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_false(b->info->using_xsdt);
	assert_int_equal(table(b, "XSDT")->status, ACPI_TABLE_UNMAPPED);
	assert_int_equal(b->info->madt.nr_cpus, 2);

	/* bad extended checksum: the v2 fields are not trusted at all */
	low(b)[b->rsdp_pa + 32]++;
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->xsdt_pa, 0);
	assert_int_equal(b->info->rsdp_len, 20);
	assert_false(b->info->using_xsdt);
	assert_log_has("bad extended length/checksum");
	bed_free(b);
}

/* ---- corrupted real tables ----------------------------------------------- */

static void test_bad_checksum_skipped(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");

	(void)state;
	blob(b, "APIC")->data[50] ^= 0x10;
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_log_has("acpi: table APIC at 0x3ffe218c bad checksum");
	assert_false(table(b, "APIC")->valid);
	assert_int_equal(table(b, "APIC")->status, ACPI_TABLE_BAD_CHECKSUM);
	assert_int_equal(b->info->nr_bad_tables, 1);
	assert_null(acpi_find_table(b->info, "APIC", 0));
	assert_null(acpi_map_table(&b->mem, table(b, "APIC")));
	assert_false(b->info->madt.present);
	/* everything else still found */
	assert_int_equal(b->info->fadt.pm1a_cnt, 0x604);
	assert_int_equal(b->info->dmar.drhd[0].base, 0xfed90000);
	assert_int_equal(b->info->mcfg.ecam[0].base, 0xb0000000);
	acpi_print(b->info);
	assert_log_has("ACPI: APIC 0x3ffe218c len 128 INVALID (bad checksum, skipped)");
	assert_log_has("ACPI: MADT none");
	bed_free(b);
}

static void test_bad_lengths(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	struct region *hpet = blob(b, "HPET"), *mcfg = blob(b, "MCFG");
	struct region *dmar = blob(b, "DMAR");

	(void)state;
	put32(hpet->data + 4, 0x100); /* longer than the mapped data */
	resum(hpet);
	put32(mcfg->data + 4, 20);	 /* shorter than a header */
	put32(dmar->data + 4, 0x200000); /* beyond the 1 MiB bound */
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(table(b, "HPET")->status, ACPI_TABLE_UNMAPPED);
	assert_int_equal(table(b, "MCFG")->status, ACPI_TABLE_BAD_LENGTH);
	assert_int_equal(table(b, "DMAR")->status, ACPI_TABLE_BAD_LENGTH);
	assert_log_has("acpi: table HPET at 0x3ffe220c len 256 not accessible");
	assert_log_has("acpi: table MCFG at 0x3ffe2244 bad length 20");
	assert_log_has("acpi: table DMAR at 0x3ffe2280 bad length 2097152");
	assert_int_equal(b->info->nr_bad_tables, 3);
	assert_false(b->info->hpet.present);
	assert_false(b->info->mcfg.present);
	assert_false(b->info->dmar.present);
	assert_int_equal(b->info->madt.nr_cpus, 2);
	/* parsers refuse a table longer than the bytes handed to them */
	assert_int_equal(acpi_madt_parse(blob(b, "APIC")->data, 100, &b->info->madt), -EINVAL);
	assert_false(b->info->madt.present);
	assert_int_equal(acpi_fadt_parse(blob(b, "APIC")->data, 128, &b->info->fadt), -EINVAL);
	bed_free(b);
}

static void test_rsdt_unmapped(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	struct region *rsdt = blob(b, "RSDT");
	u8 *r = low(b) + b->rsdp_pa;

	(void)state;
	/* one entry (the HPET, entry 2) points at unmapped memory */
	put32(rsdt->data + 36 + 4 * 2, 0x12345000);
	resum(rsdt);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_log_has("acpi: table ???? at 0x12345000 not accessible");
	assert_false(b->info->hpet.present);
	assert_int_equal(b->info->nr_bad_tables, 1);
	assert_true(b->info->dmar.present);

	/* the RSDP's RSDT pointer itself goes nowhere */
	put32(r + 16, 0x2000000);
	fix_csum(r, 20, 8);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), -EBADMSG);
	assert_true(b->info->rsdp_found);
	assert_int_equal(b->info->nr_tables, 1);
	assert_false(b->info->tables[0].valid);
	assert_false(b->info->madt.present);
	assert_log_has("neither XSDT nor RSDT is usable");

	/* ... or at a table that is not an RSDT */
	put32(r + 16, 0x3ffe218c);
	fix_csum(r, 20, 8);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), -EBADMSG);
	assert_int_equal(b->info->tables[0].status, ACPI_TABLE_BAD_SIGNATURE);
	bed_free(b);

	/* duplicate and null entries: each table listed once, nulls skipped */
	b = bed_load("qemu-q35-iommu");
	rsdt = blob(b, "RSDT");
	memcpy(rsdt->data + 36 + 4 * 5, rsdt->data + 36 + 4 * 1, 4); /* APIC */
	put32(rsdt->data + 36 + 4 * 2, 0);
	resum(rsdt);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	/* RSDT FACP APIC MCFG DMAR DSDT FACS */
	assert_int_equal(b->info->nr_tables, 7);
	assert_int_equal(b->info->nr_bad_tables, 0);
	assert_null(acpi_find_table(b->info, "APIC", 1));
	assert_null(acpi_find_table(b->info, "WAET", 0));
	assert_log_has("RSDT entry 2 is null, skipped");
	bed_free(b);
}

static void test_many_tables(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	struct region *waet = blob(b, "WAET");
	struct region *rsdt;
	u8 *r = low(b) + b->rsdp_pa;

	(void)state;
	/* an RSDT of 40 entries: 31 WAET copies, then unmapped addresses */
	rsdt = add_region(b, 0x5000000, NULL, 36 + 4 * 40, "RSDT");
	memcpy(rsdt->data, blob(b, "RSDT")->data, 36);
	put32(rsdt->data + 4, (u32)rsdt->len);
	for (u32 i = 0; i < 40; i++) {
		u32 pa = 0x6000000 + 0x100 * i;

		if (i < 31)
			add_region(b, pa, waet->data, waet->len, "WAET");
		put32(rsdt->data + 36 + 4 * i, pa);
	}
	resum(rsdt);
	put32(r + 16, 0x5000000);
	fix_csum(r, 20, 8);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->nr_tables, ACPI_MAX_TABLES);
	assert_true(b->info->tables_truncated);
	assert_non_null(acpi_find_table(b->info, "WAET", 30));
	/* the walk stopped at the first table that did not fit */
	assert_int_equal(b->info->nr_bad_tables, 1);
	assert_log_has("more than 32 tables");
	acpi_print(b->info);
	assert_log_has("list truncated");
	bed_free(b);
}

static void test_madt_bad_entries(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	struct region *apic = blob(b, "APIC");
	u8 orig[128];

	(void)state;
	assert_int_equal(apic->len, 128);
	memcpy(orig, apic->data, 128);
	/* second LAPIC entry (offset 52) with length 0 */
	apic->data[53] = 0;
	resum(apic);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_true(b->info->madt.present);
	assert_int_equal(b->info->madt.err, -EBADMSG);
	assert_int_equal(b->info->madt.nr_cpus, 1);
	assert_int_equal(b->info->madt.nr_ioapics, 0);
	assert_log_has("MADT: entry type 0 at offset 52: bad length 0");

	/* length 1: no progress possible either */
	apic->data[53] = 1;
	resum(apic);
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->madt.nr_cpus, 1);
	assert_log_has("MADT: entry type 0 at offset 52: bad length 1");

	/* last entry (LAPIC NMI at 122) running past the end */
	memcpy(apic->data, orig, 128);
	apic->data[123] = 7;
	resum(apic);
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->madt.err, -EBADMSG);
	assert_int_equal(b->info->madt.nr_cpus, 2);
	assert_int_equal(b->info->madt.nr_isos, 5);
	assert_int_equal(b->info->madt.nr_lapic_nmis, 0);
	assert_log_has("runs past the table end");

	/* IO-APIC entry (offset 60) shortened to 4: skipped, walk goes on */
	memcpy(apic->data, orig, 128);
	apic->data[61] = 4;
	/* its remaining 8 bytes must frame as entries: type 0x7f, len 8 */
	apic->data[64] = 0x7f;
	apic->data[65] = 8;
	resum(apic);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->madt.err, -EBADMSG);
	assert_int_equal(b->info->madt.nr_ioapics, 0);
	assert_int_equal(b->info->madt.nr_other, 1);
	assert_int_equal(b->info->madt.nr_isos, 5);
	bed_free(b);
}

static void test_dmar_bad_scopes(void **state)
{
	struct bed *b = bed_load("qemu-q35-iommu");
	struct region *d = blob(b, "DMAR");
	u8 orig[112];

	(void)state;
	memcpy(orig, d->data, 112);
	/* first scope (offset 64) with length 3 */
	d->data[65] = 3;
	resum(d);
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_true(b->info->dmar.present);
	assert_int_equal(b->info->dmar.err, -EBADMSG);
	assert_int_equal(b->info->dmar.nr_drhd, 1);
	assert_int_equal(b->info->dmar.drhd[0].base, 0xfed90000);
	assert_int_equal(b->info->dmar.drhd[0].nr_scopes, 0);
	assert_log_has("acpi: DMAR: DRHD at 0x30: device scope at +0 has bad length 3");

	/* last scope (offset 104) running past the DRHD */
	memcpy(d->data, orig, 112);
	d->data[105] = 10;
	resum(d);
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->dmar.err, -EBADMSG);
	assert_int_equal(b->info->dmar.drhd[0].nr_scopes, 5);
	assert_log_has("runs past the structure");

	/* scope 2 (offset 72) with an empty path (length 6): skipped; the
	 * walk then lands on its old path bytes (01 00): length 0, stop */
	memcpy(d->data, orig, 112);
	d->data[73] = 6;
	resum(d);
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->dmar.err, -EBADMSG);
	assert_log_has("DRHD at 0x30: device scope at +8: length 6 is not 6 + 2n");
	assert_log_has("DRHD at 0x30: device scope at +14 has bad length 0");
	assert_int_equal(b->info->dmar.drhd[0].nr_scopes, 1);

	/* DRHD length < 16 */
	memcpy(d->data, orig, 112);
	d->data[50] = 8;
	d->data[51] = 0;
	resum(d);
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_true(b->info->dmar.present);
	assert_int_equal(b->info->dmar.nr_drhd, 0);
	assert_int_equal(b->info->dmar.err, -EBADMSG);
	assert_log_has("acpi: DMAR: DRHD at 0x30: length 8 < 16, skipped");
	assert_log_has("no DRHD");

	/* structure length 0: walk stopped */
	d->data[50] = 0;
	resum(d);
	harness_log_clear();
	assert_int_equal(acpi_init(&b->mem, NULL, b->info), 0);
	assert_int_equal(b->info->dmar.nr_drhd, 0);
	assert_log_has("DRHD at 0x30: bad length 0, walk stopped");
	bed_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_q35_iommu),
		cmocka_unit_test(test_qemu_q35_testbed),
		cmocka_unit_test(test_qemu_pc),
		cmocka_unit_test(test_bochs),
		cmocka_unit_test(test_rsdp_discovery),
		cmocka_unit_test(test_xsdt_and_fallback),
		cmocka_unit_test(test_bad_checksum_skipped),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_rsdt_unmapped),
		cmocka_unit_test(test_many_tables),
		cmocka_unit_test(test_madt_bad_entries),
		cmocka_unit_test(test_dmar_bad_scopes),
	};

	return HARNESS_RUN(tests);
}
