UT_TESTS += page_poison
ut-page_poison-srcs := tests/unit/test_page_poison.c lib/page_alloc.c
