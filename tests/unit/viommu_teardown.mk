UT_TESTS += viommu_teardown
ut-viommu_teardown-srcs := tests/unit/test_viommu_teardown.c viommu/teardown.c
