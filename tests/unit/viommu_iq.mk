UT_TESTS += viommu_iq
ut-viommu_iq-srcs := tests/unit/test_viommu_iq.c viommu/iq.c
