UT_TESTS += vtd_decode
ut-vtd_decode-srcs := tests/unit/test_vtd_decode.c drivers/vtd.c
