# vmm/: vCPU layer, backends, nested paging, exits, guest boot and views
hv-objs += vmm/cpu_vendor.o vmm/svm_caps.o vmm/vmx_caps.o
hv-objs += vmm/vcpu.o vmm/exit.o vmm/cpuid.o vmm/mmio.o vmm/guest_mem.o
hv-objs += vmm/npt.o vmm/guest.o
hv-objs += vmm/vmx.o vmm/vmx_entry.o vmm/svm.o vmm/svm_entry.o
hv-objs += vmm/guest_boot.o
hv-objs += vmm/insn_decode.o vmm/guest_walk.o
hv-objs += vmm/vacpi.o vmm/vpci.o
hv-objs += vmm/monitor.o
