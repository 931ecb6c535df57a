UT_TESTS += integrity
ut-integrity-srcs := tests/unit/test_integrity.c lib/integrity.c
