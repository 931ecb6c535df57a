UT_TESTS += viommu_shadow_random
ut-viommu_shadow_random-srcs := tests/unit/test_viommu_shadow_random.c \
	tests/unit/viommu_shadow_bed.c tests/unit/viommu_fake_guest.c \
	tests/unit/viommu_fake_phys.c viommu/shadow.c viommu/teardown.c viommu/walk.c
