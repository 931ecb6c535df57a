hv-objs +=
hv-objs += viommu/dmar.o
hv-objs += viommu/walk.o viommu/iq.o
hv-objs += viommu/regs.o
hv-objs += viommu/shadow.o viommu/teardown.o
hv-objs += viommu/core.o
