UT_TESTS += viommu_shadow
ut-viommu_shadow-srcs := tests/unit/test_viommu_shadow.c tests/unit/viommu_shadow_bed.c \
	tests/unit/viommu_fake_guest.c tests/unit/viommu_fake_phys.c \
	viommu/shadow.c viommu/teardown.c viommu/walk.c
