UT_TESTS += viommu_walk
ut-viommu_walk-srcs := tests/unit/test_viommu_walk.c tests/unit/viommu_walk_bed.c viommu/walk.c
