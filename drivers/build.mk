hv-objs +=
hv-objs += drivers/vtd.o
