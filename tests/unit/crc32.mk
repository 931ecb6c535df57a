UT_TESTS += crc32
ut-crc32-srcs := tests/unit/test_crc32.c lib/crc32.c
