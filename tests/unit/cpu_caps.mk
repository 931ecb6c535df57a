UT_TESTS += cpu_caps
# The test file supplies a fake rdmsr_safe(); nothing privileged runs on the host.
ut-cpu_caps-srcs := tests/unit/test_cpu_caps.c vmm/vmx_caps.c vmm/svm_caps.c vmm/cpu_vendor.c
