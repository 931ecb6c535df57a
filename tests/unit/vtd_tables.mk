UT_TESTS += vtd_tables
ut-vtd_tables-srcs := tests/unit/test_vtd_tables.c drivers/vtd_tables.c
