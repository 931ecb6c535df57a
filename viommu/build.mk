hv-objs +=
hv-objs += viommu/dmar.o
