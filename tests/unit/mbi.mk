UT_TESTS += mbi
ut-mbi-srcs := tests/unit/test_mbi.c boot/mbi.c
