UT_TESTS += mmio
ut-mmio-srcs := tests/unit/test_mmio.c vmm/mmio.c
