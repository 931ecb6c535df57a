UT_TESTS += page_alloc
ut-page_alloc-srcs := tests/unit/test_page_alloc.c lib/page_alloc.c
