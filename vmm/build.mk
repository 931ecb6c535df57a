hv-objs +=
hv-objs += vmm/cpu_vendor.o vmm/svm_caps.o vmm/vmx_caps.o
hv-objs += vmm/guest_boot.o
