// SPDX-License-Identifier: MIT
/* viommu/dmar.c: the table parses back with the real DMAR parser. */
#include "tests/unit/harness.h"
#include "drivers/acpi.h"
#include "viommu/dmar.h"

static void test_parses_back(void **state)
{
	u8 buf[VIOMMU_DMAR_LEN];
	struct acpi_dmar dmar;
	size_t n;

	(void)state;
	n = viommu_dmar_build(buf, sizeof(buf), 0xfed90000, 1, 39);
	assert_int_equal(n, VIOMMU_DMAR_LEN);
	assert_true(acpi_checksum_ok(buf, n));
	assert_int_equal(acpi_dmar_parse(buf, n, &dmar), 0);
	assert_true(dmar.present);
	assert_int_equal(dmar.haw, 39);
	assert_int_equal(dmar.flags, 0);
	assert_int_equal(dmar.nr_drhd, 1);
	assert_int_equal(dmar.drhd[0].base, 0xfed90000);
	assert_int_equal(dmar.drhd[0].size, 1);
	assert_true(dmar.drhd[0].flags & ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL);
	assert_int_equal(dmar.drhd[0].nr_scopes, 0);
	assert_int_equal(dmar.nr_rmrr, 0);
}

static void test_bad_arguments(void **state)
{
	u8 buf[VIOMMU_DMAR_LEN];

	(void)state;
	assert_int_equal(viommu_dmar_build(buf, sizeof(buf) - 1, 0xfed90000, 0, 39), 0);
	assert_int_equal(viommu_dmar_build(buf, sizeof(buf), 0xfed90010, 0, 39), 0);
	assert_int_equal(viommu_dmar_build(NULL, sizeof(buf), 0xfed90000, 0, 39), 0);
	assert_int_equal(viommu_dmar_build(buf, sizeof(buf), 0xfed90000, 0, 20), 0);
	assert_int_equal(viommu_dmar_build(buf, sizeof(buf), 0xfed90000, 16, 39), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parses_back),
		cmocka_unit_test(test_bad_arguments),
	};
	return HARNESS_RUN(tests);
}
