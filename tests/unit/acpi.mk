UT_TESTS += acpi acpi_parse
ut-acpi-srcs := tests/unit/test_acpi.c tests/unit/acpi_bed.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
ut-acpi_parse-srcs := tests/unit/test_acpi_parse.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
