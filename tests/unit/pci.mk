UT_TESTS += pci pci_hostile
ut-pci-srcs := tests/unit/test_pci.c tests/unit/pci_fake.c drivers/pci.c drivers/pci_dump.c drivers/pci_cfg.c
ut-pci_hostile-srcs := tests/unit/test_pci_hostile.c tests/unit/pci_fake.c drivers/pci.c drivers/pci_dump.c drivers/pci_cfg.c
