UT_TESTS += guest_boot
ut-guest_boot-srcs := tests/unit/test_guest_boot.c vmm/guest_boot.c lib/memrange.c
