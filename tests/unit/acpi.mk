UT_TESTS += acpi
ut-acpi-srcs := tests/unit/test_acpi.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
