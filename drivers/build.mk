# drivers/: UART, LAPIC, TSC, ACPI, PCI, physical VT-d
hv-objs += drivers/uart.o drivers/lapic.o drivers/tsc.o
hv-objs += drivers/pci.o drivers/pci_cfg.o drivers/pci_dump.o
hv-objs += drivers/vtd.o
hv-objs += drivers/acpi.o drivers/acpi_parse.o drivers/acpi_dmar.o
hv-objs += drivers/vtd_tables.o
hv-objs += drivers/vtd_qi.o drivers/vtd_ctl.o drivers/vtd_fault.o
