UT_TESTS += vacpi
ut-vacpi-srcs := tests/unit/test_vacpi.c vmm/vacpi.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
