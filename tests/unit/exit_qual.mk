UT_TESTS += exit_qual
ut-exit_qual-srcs := tests/unit/test_exit_qual.c
