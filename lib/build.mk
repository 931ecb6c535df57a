hv-objs += lib/string.o lib/printf.o lib/log.o lib/errno.o
