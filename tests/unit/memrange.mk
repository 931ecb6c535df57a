UT_TESTS += memrange
ut-memrange-srcs := tests/unit/test_memrange.c lib/memrange.c
