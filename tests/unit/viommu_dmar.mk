UT_TESTS += viommu_dmar
ut-viommu_dmar-srcs := tests/unit/test_viommu_dmar.c viommu/dmar.c drivers/acpi.c drivers/acpi_parse.c drivers/acpi_dmar.c
