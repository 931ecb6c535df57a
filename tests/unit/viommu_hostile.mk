UT_TESTS += viommu_hostile
ut-viommu_hostile-srcs := tests/unit/test_viommu_hostile.c tests/unit/viommu_shadow_bed.c \
	tests/unit/viommu_fake_guest.c tests/unit/viommu_fake_phys.c \
	viommu/shadow.c viommu/teardown.c viommu/walk.c
