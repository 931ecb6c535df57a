UT_TESTS += bitops
ut-bitops-srcs := tests/unit/test_bitops.c
