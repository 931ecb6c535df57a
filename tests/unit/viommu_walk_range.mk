UT_TESTS += viommu_walk_range
ut-viommu_walk_range-srcs := tests/unit/test_viommu_walk_range.c tests/unit/viommu_walk_bed.c viommu/walk.c
