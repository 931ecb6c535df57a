UT_TESTS += vtd_ctl
ut-vtd_ctl-srcs := tests/unit/test_vtd_ctl.c tests/unit/vtd_fake.c drivers/vtd.c \
	drivers/vtd_qi.c drivers/vtd_ctl.c drivers/vtd_fault.c drivers/vtd_tables.c
