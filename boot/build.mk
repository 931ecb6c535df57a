hv-objs +=
hv-objs += boot/mbi.o
hv-objs += boot/cmdline.o
