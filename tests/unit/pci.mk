UT_TESTS += pci
ut-pci-srcs := tests/unit/test_pci.c tests/unit/pci_fake.c drivers/pci.c drivers/pci_dump.c drivers/pci_cfg.c
