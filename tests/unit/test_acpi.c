// SPDX-License-Identifier: MIT
/*
 * drivers/acpi*.c on the firmware tables captured from QEMU and Bochs
 * (tests/data/acpi/<bed>/, see its README): each blob sits in a fake
 * physical memory at its original address, in its own exact-size buffer so
 * ASan catches any read past a table; acpi_init() runs the whole discovery
 * on it, and the RSDP/XSDT discovery paths on edited copies. Corrupted
 * tables: tests/unit/test_acpi_corrupt.c; the parsers alone, on synthetic
 * and mutated tables: tests/unit/test_acpi_parse.c. The fake memory:
 * tests/unit/acpi_bed.c.
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "drivers/acpi.h"
#include "lib/errno.h"
#include "tests/unit/acpi_bed.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_q35_iommu), cmocka_unit_test(test_qemu_q35_testbed),
		cmocka_unit_test(test_qemu_pc),	       cmocka_unit_test(test_bochs),
		cmocka_unit_test(test_rsdp_discovery), cmocka_unit_test(test_xsdt_and_fallback),
	};

	return HARNESS_RUN(tests);
}
