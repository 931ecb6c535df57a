UT_TESTS += vpci
ut-vpci-srcs := tests/unit/test_vpci.c tests/unit/pci_fake.c vmm/vpci.c drivers/pci.c drivers/pci_dump.c drivers/pci_cfg.c
