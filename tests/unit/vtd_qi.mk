UT_TESTS += vtd_qi
ut-vtd_qi-srcs := tests/unit/test_vtd_qi.c tests/unit/vtd_fake.c drivers/vtd.c \
	drivers/vtd_qi.c drivers/vtd_ctl.c drivers/vtd_fault.c drivers/vtd_tables.c
