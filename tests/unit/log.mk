UT_TESTS += log
ut-log-srcs := tests/unit/test_log.c
