UT_TESTS += npt npt_random
ut-npt-srcs := tests/unit/test_npt.c tests/unit/npt_bed.c vmm/npt.c
ut-npt_random-srcs := tests/unit/test_npt_random.c tests/unit/npt_bed.c vmm/npt.c
