UT_TESTS += vacpi vacpi_madt
ut-vacpi-srcs := tests/unit/test_vacpi.c tests/unit/vacpi_bed.c vmm/vacpi.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
ut-vacpi_madt-srcs := tests/unit/test_vacpi_madt.c tests/unit/vacpi_bed.c vmm/vacpi.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
