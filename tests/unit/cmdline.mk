UT_TESTS += cmdline
ut-cmdline-srcs := tests/unit/test_cmdline.c boot/cmdline.c
