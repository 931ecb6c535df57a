/* SPDX-License-Identifier: MIT */
/*
 * PCI / PCI Express configuration-space definitions: header registers,
 * BAR encodings, capability IDs and the capability registers the driver
 * decodes. A transcription of the specs, no logic:
 *   PCI Local Bus Specification 3.0 (PCI30) ch. 6 and 3.2.2.3
 *   PCI Bus Power Management Interface Specification 1.2 (PM12) ch. 3
 *   PCI Express Base Specification 3.0 (PCIe30) ch. 7
 * Offsets are in bytes from the function's config space; the access width
 * is part of the name (_8/_16/_32).
 */
#ifndef DRIVERS_PCI_REGS_H
#define DRIVERS_PCI_REGS_H
/* clang-format off: register tables keep their field indentation */

#include "lib/bitops.h"

/* Config space sizes: PCI30 6.1 (256 B); PCIe30 7.2.2 (4 KiB via ECAM). */
#define PCI_CFG_SIZE 256u
#define PCIE_CFG_SIZE 4096u

/* ---- Legacy configuration mechanism #1: PCI30 3.2.2.3.2 --------------- */
#define PCI_CF8_ADDR_PORT 0xcf8
#define PCI_CF8_DATA_PORT 0xcfc
#define PCI_CF8_ENABLE BIT(31)
#define PCI_CF8_BUS GENMASK(23, 16)
#define PCI_CF8_DEVFN GENMASK(15, 8)
#define PCI_CF8_REG GENMASK(7, 2)

/* ---- Enhanced configuration access (ECAM): PCIe30 7.2.2, Table 7-1 ------ */
#define PCI_ECAM_BUS_SHIFT 20
#define PCI_ECAM_DEVFN_SHIFT 12
#define PCI_ECAM_BUS_SIZE (1ull << PCI_ECAM_BUS_SHIFT) /* 1 MiB per bus */

/* ---- Common header, PCI30 6.1 Figure 6-1 / 6-2 -------------------------- */
#define PCI_VENDOR_ID_16 0x00
#define PCI_VENDOR_NONE 0xffff /* no function responds */
#define PCI_DEVICE_ID_16 0x02
#define PCI_COMMAND_16 0x04 /* PCI30 6.2.2 */
#define PCI_COMMAND_IO BIT(0)
#define PCI_COMMAND_MEMORY BIT(1)
#define PCI_COMMAND_MASTER BIT(2)
#define PCI_COMMAND_INTX_DISABLE BIT(10)
#define PCI_STATUS_16 0x06 /* PCI30 6.2.3 */
#define PCI_STATUS_CAP_LIST BIT(4)
#define PCI_REVISION_ID_8 0x08
#define PCI_PROG_IF_8 0x09 /* class code: PCI30 6.2.1, Appendix D */
#define PCI_SUBCLASS_8 0x0a
#define PCI_CLASS_8 0x0b
#define PCI_CACHE_LINE_8 0x0c
#define PCI_LATENCY_8 0x0d
#define PCI_HEADER_TYPE_8 0x0e /* PCI30 6.2.1 */
#define PCI_HEADER_TYPE_MASK GENMASK(6, 0)
#define PCI_HEADER_MULTIFUNC BIT(7)
#define PCI_HEADER_NORMAL 0
#define PCI_HEADER_BRIDGE 1 /* PCI-to-PCI Bridge Architecture 1.2, 3.2 */
#define PCI_HEADER_CARDBUS 2
#define PCI_BIST_8 0x0f

/* Base Address Registers: PCI30 6.2.5.1 */
#define PCI_BAR0_32 0x10
#define PCI_BAR_32(n) (PCI_BAR0_32 + 4 * (n))
#define PCI_BAR_IO BIT(0) /* 1 = I/O space, 0 = memory */
#define PCI_BAR_IO_MASK GENMASK(31, 2)
#define PCI_BAR_MEM_TYPE GENMASK(2, 1)
#define PCI_BAR_MEM_TYPE_32 0
#define PCI_BAR_MEM_TYPE_1M 1 /* reserved since PCI 2.2 */
#define PCI_BAR_MEM_TYPE_64 2
#define PCI_BAR_MEM_PREFETCH BIT(3)
#define PCI_BAR_MEM_MASK GENMASK(31, 4)
#define PCI_NUM_BARS_NORMAL 6
#define PCI_NUM_BARS_BRIDGE 2

/* Type 0 header only */
#define PCI_CARDBUS_CIS_32 0x28
#define PCI_SUBSYS_VENDOR_16 0x2c
#define PCI_SUBSYS_ID_16 0x2e
#define PCI_ROM_ADDRESS_32 0x30
#define PCI_CAP_PTR_8 0x34 /* PCI30 6.7; also in the type 1 header */
#define PCI_INTERRUPT_LINE_8 0x3c
#define PCI_INTERRUPT_PIN_8 0x3d /* 0 none, 1..4 = INTA#..INTD# */
#define PCI_MIN_GNT_8 0x3e
#define PCI_MAX_LAT_8 0x3f

/* Type 1 (PCI-to-PCI bridge) header: PCI-to-PCI Bridge Arch. 1.2, 3.2 */
#define PCI_PRIMARY_BUS_8 0x18
#define PCI_SECONDARY_BUS_8 0x19
#define PCI_SUBORDINATE_BUS_8 0x1a
#define PCI_BRIDGE_ROM_ADDRESS_32 0x38

/* Type 2 (CardBus bridge) header: PC Card Standard, capability pointer. */
#define PCI_CB_CAP_PTR_8 0x14

/* First byte after the predefined header (PCI30 6.7: caps live at >= 0x40) */
#define PCI_CAP_MIN_OFFSET 0x40
/* Capability pointers are dword aligned; the low 2 bits are reserved. */
#define PCI_CAP_PTR_MASK 0xfc
/* Each capability: ID at +0, next pointer at +1 (PCI30 6.7, Figure 6-10). */
#define PCI_CAP_ID_8 0
#define PCI_CAP_NEXT_8 1

/* ---- Capability IDs: PCI Code and ID Assignment Spec 1.x, ch. 2 --------- */
#define PCI_CAP_ID_PM 0x01
#define PCI_CAP_ID_AGP 0x02
#define PCI_CAP_ID_VPD 0x03
#define PCI_CAP_ID_SLOTID 0x04
#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_HOTSWAP 0x06
#define PCI_CAP_ID_PCIX 0x07
#define PCI_CAP_ID_HT 0x08
#define PCI_CAP_ID_VENDOR 0x09
#define PCI_CAP_ID_DEBUG 0x0a
#define PCI_CAP_ID_CRC 0x0b
#define PCI_CAP_ID_HOTPLUG 0x0c
#define PCI_CAP_ID_SSVID 0x0d
#define PCI_CAP_ID_AGP3 0x0e
#define PCI_CAP_ID_SECURE 0x0f
#define PCI_CAP_ID_PCIE 0x10
#define PCI_CAP_ID_MSIX 0x11
#define PCI_CAP_ID_SATA 0x12
#define PCI_CAP_ID_AF 0x13
#define PCI_CAP_ID_EA 0x14

/* ---- Power Management capability: PM12 3.2.3 ---------------------------- */
#define PCI_PM_PMC_16 0x02
#define PCI_PM_PMC_VERSION GENMASK(2, 0)
#define PCI_PM_CTRL_16 0x04
#define PCI_PM_CTRL_STATE GENMASK(1, 0) /* D0..D3hot */
#define PCI_PM_CAP_LEN 8u

/* ---- MSI capability: PCI30 6.8.1 ---------------------------------------- */
#define PCI_MSI_CTRL_16 0x02 /* PCI30 6.8.1.3 */
#define PCI_MSI_CTRL_ENABLE BIT(0)
#define PCI_MSI_CTRL_MMC GENMASK(3, 1) /* log2(vectors capable), 0..5 */
#define PCI_MSI_CTRL_MME GENMASK(6, 4) /* log2(vectors enabled) */
#define PCI_MSI_CTRL_64BIT BIT(7)
#define PCI_MSI_CTRL_MASKABLE BIT(8) /* per-vector masking */
#define PCI_MSI_ADDR_LO_32 0x04
#define PCI_MSI_ADDR_HI_32 0x08 /* 64-bit capable only */
#define PCI_MSI_DATA32_16 0x08	/* data when 32-bit */
#define PCI_MSI_DATA64_16 0x0c	/* data when 64-bit */
#define PCI_MSI_MAX_MMC 5	/* 32 vectors; 6 and 7 are reserved */
/* Capability length: 10 B (32-bit) .. 24 B (64-bit + mask/pending). */
#define PCI_MSI_CAP_LEN(is64, mask) ((is64) ? ((mask) ? 24u : 14u) : ((mask) ? 20u : 10u))

/* ---- MSI-X capability: PCI30 6.8.2 -------------------------------------- */
#define PCI_MSIX_CTRL_16 0x02			/* PCI30 6.8.2.3 */
#define PCI_MSIX_CTRL_TABLE_SIZE GENMASK(10, 0) /* N - 1 */
#define PCI_MSIX_CTRL_FMASK BIT(14)
#define PCI_MSIX_CTRL_ENABLE BIT(15)
#define PCI_MSIX_TABLE_32 0x04 /* PCI30 6.8.2.4 */
#define PCI_MSIX_PBA_32 0x08   /* PCI30 6.8.2.5 */
#define PCI_MSIX_BIR GENMASK(2, 0)
#define PCI_MSIX_OFFSET GENMASK(31, 3)
#define PCI_MSIX_CAP_LEN 12u
#define PCI_MSIX_ENTRY_SIZE 16u /* PCI30 6.8.2.6 */

/* ---- PCI Express capability: PCIe30 7.8 --------------------------------- */
#define PCI_EXP_FLAGS_16 0x02 /* PCIe30 7.8.2 capabilities register */
#define PCI_EXP_FLAGS_VERSION GENMASK(3, 0)
#define PCI_EXP_FLAGS_TYPE GENMASK(7, 4)
#define PCI_EXP_TYPE_ENDPOINT 0x0
#define PCI_EXP_TYPE_LEG_END 0x1
#define PCI_EXP_TYPE_ROOT_PORT 0x4
#define PCI_EXP_TYPE_UPSTREAM 0x5
#define PCI_EXP_TYPE_DOWNSTREAM 0x6
#define PCI_EXP_TYPE_PCIE_PCI 0x7
#define PCI_EXP_TYPE_PCI_PCIE 0x8
#define PCI_EXP_TYPE_RC_END 0x9
#define PCI_EXP_TYPE_RC_EC 0xa
#define PCI_EXP_FLAGS_SLOT BIT(8)
#define PCI_EXP_DEVCAP_32 0x04 /* PCIe30 7.8.3 */
#define PCI_EXP_DEVCTL_16 0x08 /* PCIe30 7.8.4 */
#define PCI_EXP_CAP_LEN 4u     /* what the driver reads */

/* ---- PCIe extended capabilities: PCIe30 7.9.3 --------------------------- */
#define PCI_EXT_CAP_START 0x100
#define PCI_EXT_CAP_ID GENMASK(15, 0)
#define PCI_EXT_CAP_VER GENMASK(19, 16)
#define PCI_EXT_CAP_NEXT GENMASK(31, 20) /* dword aligned, 0 = end */
#define PCI_EXT_CAP_ID_AER 0x0001
#define PCI_EXT_CAP_ID_VC 0x0002
#define PCI_EXT_CAP_ID_DSN 0x0003
#define PCI_EXT_CAP_ID_PWR 0x0004
#define PCI_EXT_CAP_ID_RCLINK 0x0005
#define PCI_EXT_CAP_ID_VNDR 0x000b
#define PCI_EXT_CAP_ID_ACS 0x000d
#define PCI_EXT_CAP_ID_ARI 0x000e
#define PCI_EXT_CAP_ID_ATS 0x000f
#define PCI_EXT_CAP_ID_SRIOV 0x0010
#define PCI_EXT_CAP_ID_LTR 0x0018
#define PCI_EXT_CAP_ID_SECPCI 0x0019
#define PCI_EXT_CAP_ID_PASID 0x001b
#define PCI_EXT_CAP_ID_L1SS 0x001e

/* ---- Class codes: PCI30 Appendix D -------------------------------------- */
#define PCI_CLASS_STORAGE 0x01
#define PCI_CLASS_NETWORK 0x02
#define PCI_SUBCLASS_NETWORK_ETHERNET 0x00
#define PCI_CLASS_DISPLAY 0x03
#define PCI_CLASS_BRIDGE 0x06
#define PCI_SUBCLASS_BRIDGE_HOST 0x00
#define PCI_SUBCLASS_BRIDGE_ISA 0x01
#define PCI_SUBCLASS_BRIDGE_PCI 0x04
#define PCI_CLASS_SERIAL_BUS 0x0c

#define PCI_VENDOR_INTEL 0x8086

/* clang-format on */
#endif /* DRIVERS_PCI_REGS_H */
