UT_TESTS += acpi_corrupt
ut-acpi_corrupt-srcs := tests/unit/test_acpi_corrupt.c tests/unit/acpi_bed.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
