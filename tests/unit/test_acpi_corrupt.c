// SPDX-License-Identifier: MIT
/*
 * drivers/acpi*.c discovery on corrupted copies of the firmware tables
 * captured from QEMU (tests/data/acpi/, fake memory: tests/unit/acpi_bed.c):
 * bad checksums and lengths, RSDT entries and pointers that go nowhere,
 * more tables than the list holds, broken MADT entries and DMAR device
 * scopes. Each must be reported and skipped, never trusted or overrun.
 */
#include "tests/unit/harness.h"
#include <string.h>
#include "drivers/acpi.h"
#include "lib/errno.h"
#include "tests/unit/acpi_bed.h"

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
		cmocka_unit_test(test_bad_checksum_skipped), cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_rsdt_unmapped),	     cmocka_unit_test(test_many_tables),
		cmocka_unit_test(test_madt_bad_entries),     cmocka_unit_test(test_dmar_bad_scopes),
	};

	return HARNESS_RUN(tests);
}
