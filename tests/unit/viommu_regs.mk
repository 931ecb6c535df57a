UT_TESTS += viommu_regs viommu_regs_page
ut-viommu_regs-srcs := tests/unit/test_viommu_regs.c viommu/regs.c
ut-viommu_regs_page-srcs := tests/unit/test_viommu_regs_page.c viommu/regs.c
