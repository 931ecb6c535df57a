UT_TESTS += monitor
ut-monitor-srcs := tests/unit/test_monitor.c vmm/monitor.c boot/cmdline.c
