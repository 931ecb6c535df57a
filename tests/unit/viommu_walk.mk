UT_TESTS += viommu_walk
ut-viommu_walk-srcs := tests/unit/test_viommu_walk.c viommu/walk.c
