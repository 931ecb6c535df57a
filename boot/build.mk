# boot/: entry, per-CPU, SMP, memory, command line, init sequence
hv-objs += boot/entry.o boot/ap_blob.o boot/exception_stubs.o boot/exception.o
hv-objs += boot/gdt.o boot/percpu.o boot/smp.o boot/mm.o boot/console.o
hv-objs += boot/paging.o boot/main.o
hv-objs += boot/mbi.o
hv-objs += boot/cmdline.o boot/integrity.o
