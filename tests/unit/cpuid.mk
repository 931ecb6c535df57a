UT_TESTS += cpuid
ut-cpuid-srcs := tests/unit/test_cpuid.c vmm/cpuid.c
