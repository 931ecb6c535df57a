// SPDX-License-Identifier: MIT
/*
 * vmm/vacpi.c on the firmware tables captured from QEMU and Bochs
 * (tests/data/acpi/<bed>/, loaded by tests/unit/vacpi_bed.c): the guest's
 * tables are built and parsed back with acpi_init() from a fake memory that
 * holds only the built buffer (exact size, so ASan sees any overrun) and
 * the firmware's DSDT and FACS. Added tables, small buffers, placement and
 * bad arguments too; synthetic MADTs are in test_vacpi_madt.c.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "lib/errno.h"
#include "tests/unit/vacpi_bed.h"
#include "vmm/vacpi.h"

/* ---- the real beds ----------------------------------------------------------- */

static void test_q35_iommu(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	assert_true(fw->info.dmar.present && fw->info.mcfg.present);
	b = build(fw, &in, 0x3ff00000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET WAET");
	assert_int_equal(b->rsdp, 0x3ff00000); /* RSDP first */
	assert_false(b->info.mcfg.present);
	assert_int_equal(b->info.madt.cpus[0].uid, 0);
	assert_int_equal(b->info.madt.nr_isos, 5);
	assert_int_equal(b->info.madt.lapic_nmis[0].uid, 0xff);
	/* the copies are the firmware's bytes */
	assert_memory_equal(built_at(b, acpi_find_table(&b->info, "HPET", 0)->pa),
			    region(fw->m, "HPET")->data, 56);
	assert_memory_equal(built_at(b, acpi_find_table(&b->info, "WAET", 0)->pa),
			    region(fw->m, "WAET")->data, 40);
	/* MADT: the firmware's header (OEM ids) apart from length/checksum */
	assert_memory_equal(built_at(b, acpi_find_table(&b->info, "APIC", 0)->pa) + 10,
			    region(fw->m, "APIC")->data + 10, 34);
	/* 128-byte firmware MADT minus one 8-byte LAPIC entry */
	assert_int_equal(acpi_find_table(&b->info, "APIC", 0)->len, 120);

	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("VACPI: RSDP 0x3ff00000 tables: FACP APIC(1 cpu) HPET "
		       "WAET\n");
	assert_log_has("VACPI: hidden: MCFG DMAR, cpus apic=1\n");
	built_free(b);
	fw_free(fw);
}

static void test_q35_second_cpu(void **state)
{
	struct fw *fw = fw_load("qemu-q35-testbed");
	struct vacpi_input in = input(fw, 1);
	struct built *b;

	(void)state;
	b = build(fw, &in, 0x7ff0000);
	check_common(fw, b, 1, false);
	assert_int_equal(b->info.madt.cpus[0].uid, 1);
	assert_false(b->info.madt.cpus[0].x2apic);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("cpus apic=0\n");
	built_free(b);
	fw_free(fw);
}

static void test_q35_keep_mcfg(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	in.keep_mcfg = true;
	b = build(fw, &in, 0x100000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET MCFG WAET");
	assert_true(b->info.mcfg.present);
	assert_int_equal(b->info.mcfg.ecam[0].base, 0xb0000000);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("VACPI: hidden: DMAR, cpus apic=1\n");
	built_free(b);
	fw_free(fw);
}

static void test_qemu_pc(void **state)
{
	struct fw *fw = fw_load("qemu-pc");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	b = build(fw, &in, 0x200000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET WAET");
	assert_int_equal(b->info.fadt.len, 116);
	built_free(b);
	fw_free(fw);
}

static void test_bochs(void **state)
{
	struct fw *fw = fw_load("bochs");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	b = build(fw, &in, 0x9000000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC SSDT HPET");
	assert_int_equal(b->info.madt.ioapics[0].id, 2);
	assert_int_equal(b->info.madt.nr_isos, 1);
	assert_false(b->info.mcfg.present);
	assert_int_equal(b->info.fadt.revision, 1);
	assert_memory_equal(built_at(b, acpi_find_table(&b->info, "SSDT", 0)->pa),
			    region(fw->m, "SSDT")->data, 68);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("tables: FACP APIC(1 cpu) SSDT HPET\n");
	assert_log_has("VACPI: hidden: cpus apic=1\n");
	built_free(b);
	fw_free(fw);
}

/* ---- added tables -------------------------------------------------------------- */

/* A DMAR as the vIOMMU would add it, with a stale checksum. */
static u8 *make_dmar(void)
{
	u8 *t = calloc(1, 64);
	u64 base = 0xfed91000;

	assert_non_null(t);
	memcpy(t, "DMAR", 4);
	t[4] = 64;
	t[8] = 1;
	t[9] = 0x55;
	memcpy(t + 10, "SIDEVS", 6);
	t[36] = 38; /* 39-bit HAW */
	t[37] = ACPI_DMAR_F_INTR_REMAP;
	t[48] = ACPI_DMAR_DRHD; /* type 0, length 16, INCLUDE_PCI_ALL */
	t[50] = 16;
	t[52] = ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL;
	memcpy(t + 56, &base, 8);
	return t;
}

static void test_extra_tables(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	u8 *dmar = make_dmar(), oem[40] = { 0 };
	const void *extra[2] = { dmar, oem };
	struct built *b;
	char sigs[128];

	(void)state;
	memcpy(oem, "OEMX", 4);
	oem[4] = sizeof(oem);
	in.extra_tables = extra;
	in.nr_extra = 2;
	b = build(fw, &in, 0x3ff00008);
	check_common(fw, b, 0, true);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET WAET DMAR OEMX");
	assert_int_equal(b->rsdp, 0x3ff00010); /* aligned up */
	/* the added DMAR: ours, checksum fixed, parsed */
	assert_true(b->info.dmar.present);
	assert_int_equal(b->info.dmar.haw, 39);
	assert_int_equal(b->info.dmar.nr_drhd, 1);
	assert_int_equal(b->info.dmar.drhd[0].base, 0xfed91000);
	assert_memory_equal(built_at(b, acpi_find_table(&b->info, "DMAR", 0)->pa) + 10, dmar + 10,
			    54);
	assert_int_equal(dmar[9], 0x55); /* the caller's table untouched */
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("VACPI: RSDP 0x3ff00010 tables: FACP APIC(1 cpu) HPET "
		       "WAET DMAR(viommu) OEMX(added)\n");
	assert_log_has("VACPI: hidden: MCFG DMAR, cpus apic=1\n");
	built_free(b);
	free(dmar);
	fw_free(fw);
}

static void test_bad_arguments(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0), bad;
	u8 shortt[40] = "OEMX", *buf = malloc(65536);
	const void *extra[VACPI_MAX_EXTRA + 1] = { shortt };
	u64 rsdp;
	size_t used;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(vacpi_build(NULL, 0, buf, 65536, &rsdp, &used), -EINVAL);
	assert_int_equal(vacpi_build(&in, 0, buf, 65536, NULL, &used), -EINVAL);
	assert_int_equal(vacpi_build(&in, 0, buf, 65536, &rsdp, NULL), -EINVAL);
	assert_int_equal(vacpi_build(&in, 0, NULL, 65536, &rsdp, &used), -EINVAL);
	assert_int_equal(vacpi_build(&in, 1ull << 52, buf, 65536, &rsdp, &used), -EINVAL);
	bad = in;
	bad.fw = NULL;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	bad = in;
	bad.mem = NULL;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	/* added tables: too short (length 35), NULL, too many, NULL array */
	shortt[4] = 35;
	bad = in;
	bad.extra_tables = extra;
	bad.nr_extra = 1;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	memcpy(&shortt[4], &(u32){ ACPI_TABLE_MAX_LEN + 1 }, 4);
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	shortt[4] = 40;
	memset(&shortt[5], 0, 3);
	bad.nr_extra = 2; /* extra[1] is NULL */
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	for (unsigned int k = 0; k <= VACPI_MAX_EXTRA; k++)
		extra[k] = shortt;
	bad.nr_extra = VACPI_MAX_EXTRA + 1;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	bad.nr_extra = VACPI_MAX_EXTRA; /* the maximum is fine */
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), 0);
	bad.extra_tables = NULL;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), -EINVAL);
	free(buf);
	fw_free(fw);
}

/* ---- buffer sizes and placement ------------------------------------------------ */

static void test_too_small(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	u8 *dmar = make_dmar();
	const void *extra[1] = { dmar };
	size_t used, used2;
	u64 rsdp, base = 0x3ff00004; /* unaligned: padding counts too */
	u8 *big = malloc(1 << 16);

	(void)state;
	in.extra_tables = extra;
	in.nr_extra = 1;
	assert_int_equal(vacpi_build(&in, base, big, 1 << 16, &rsdp, &used), 0);
	assert_int_equal(rsdp, 0x3ff00010);
	assert_int_equal(vacpi_build(&in, base, NULL, 0, &rsdp, &used2), -E2BIG);
	/* every size below the need: -E2BIG, the buffer (exactly that big,
	 * for ASan) untouched; the exact size works */
	for (size_t len = 0; len <= used; len++) {
		u8 *buf = malloc(len ? len : 1);

		memset(buf, 0xa5, len);
		rsdp = 0;
		used2 = 0;
		if (len < used) {
			assert_int_equal(vacpi_build(&in, base, buf, len, &rsdp, &used2), -E2BIG);
			for (size_t k = 0; k < len; k++)
				assert_int_equal(buf[k], 0xa5);
			assert_int_equal(rsdp, 0);
			assert_int_equal(used2, 0);
		} else {
			assert_int_equal(vacpi_build(&in, base, buf, len, &rsdp, &used2), 0);
			assert_int_equal(used2, used);
			assert_memory_equal(buf, big, used);
		}
		free(buf);
	}
	free(big);
	free(dmar);
	fw_free(fw);
}

static void test_above_4g(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct built *b;

	(void)state;
	/* wholly above 4 GiB: XSDT only, RsdtAddress 0 */
	b = build(fw, &in, 0x100000000ull);
	check_common(fw, b, 0, false);
	assert_int_equal(b->info.rsdt_pa, 0);
	assert_int_equal(b->rsdp, 0x100000000ull);
	built_free(b);
	/* ending just past 4 GiB: no RSDT either */
	b = build(fw, &in, GiB(4) - 64);
	check_common(fw, b, 0, false);
	assert_int_equal(b->info.rsdt_pa, 0);
	built_free(b);
	/* ending right below 4 GiB: with an RSDT */
	b = build(fw, &in, 0x200000);
	{
		size_t used = b->used;

		built_free(b);
		b = build(fw, &in, (GiB(4) - used) & ~15ull);
	}
	check_common(fw, b, 0, false);
	assert_true(b->info.rsdt_pa != 0);
	assert_true(b->base + b->used <= GiB(4));
	assert_true(b->base + b->used > GiB(4) - 16);
	built_free(b);
	fw_free(fw);
}

/* Our output is an XSDT firmware: building from it gives the same tables. */
static void test_rebuild_from_output(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0), in2;
	struct fw fw2;
	struct built *b, *b2;
	char s1[128], s2[128];

	(void)state;
	b = build(fw, &in, 0x3ff00000);
	fw2.m = b->g;
	fw2.info = b->info;
	in2 = (struct vacpi_input){ .fw = &b->info, .mem = &b->g->am, .guest_apic_id = 0 };
	b2 = build(&fw2, &in2, 0x3fe00000);
	check_common(&fw2, b2, 0, false);
	root_sigs(b, s1, sizeof(s1));
	root_sigs(b2, s2, sizeof(s2));
	assert_string_equal(s1, s2);
	assert_int_equal(b2->used, b->used);
	assert_memory_equal(built_at(b2, acpi_find_table(&b2->info, "APIC", 0)->pa),
			    built_at(b, acpi_find_table(&b->info, "APIC", 0)->pa), 120);
	harness_log_clear();
	vacpi_print(&in2, b2->buf, b2->used, b2->base, b2->rsdp);
	assert_log_has("VACPI: hidden: nothing\n");
	built_free(b2);
	built_free(b);
	fw_free(fw);
}

static void test_no_madt_or_unmapped(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct acpi_info *copy = malloc(sizeof(*copy));
	u8 buf[4096];
	u64 rsdp;
	size_t used;

	(void)state;
	assert_non_null(copy);
	*copy = fw->info;
	in.fw = copy;
	for (unsigned int i = 0; i < copy->nr_tables; i++)
		if (!strcmp(copy->tables[i].sig, "APIC"))
			copy->tables[i].valid = false;
	assert_int_equal(vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), -ENOENT);
	assert_log_has("no usable firmware MADT");
	/* a table that cannot be read any more */
	*copy = fw->info;
	region(fw->m, "WAET")->pa = 0x7000000;
	harness_log_clear();
	assert_int_equal(vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), -EFAULT);
	assert_log_has("firmware WAET at 0x3ffe22f0 not accessible");
	/* a hidden one need not be readable */
	region(fw->m, "WAET")->pa = 0x3ffe22f0;
	region(fw->m, "DMAR")->pa = 0x7000000;
	assert_int_equal(vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), 0);
	free(copy);
	fw_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_iommu),
		cmocka_unit_test(test_q35_second_cpu),
		cmocka_unit_test(test_q35_keep_mcfg),
		cmocka_unit_test(test_qemu_pc),
		cmocka_unit_test(test_bochs),
		cmocka_unit_test(test_extra_tables),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_rebuild_from_output),
		cmocka_unit_test(test_no_madt_or_unmapped),
	};

	return HARNESS_RUN(tests);
}
