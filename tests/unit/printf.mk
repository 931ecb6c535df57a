UT_TESTS += printf
ut-printf-srcs := tests/unit/test_printf.c
