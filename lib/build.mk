hv-objs += lib/string.o lib/printf.o lib/log.o lib/errno.o
hv-objs += lib/memrange.o lib/page_alloc.o
hv-objs += lib/crc32.o
hv-objs += lib/integrity.o
