/* SPDX-License-Identifier: MIT */
/*
 * ACPI table layouts, transcribed from the ACPI 6.5 specification (section
 * numbers cited per table) and, for the DMAR, from the Intel VT-d
 * specification rev 4.1 chapter 8. Packed structs read in place from
 * firmware memory (which may be unaligned); variable-length tables are
 * walked by drivers/acpi.c and drivers/acpi_dmar.c, always bounded by the
 * table's length. Layout only: no logic here.
 */
#ifndef DRIVERS_ACPI_TABLES_H
#define DRIVERS_ACPI_TABLES_H

#include "lib/bitops.h"
#include "lib/types.h"

/* ---- RSDP (ACPI 6.5, 5.2.5.3) -------------------------------------------- */

#define ACPI_RSDP_SIG "RSD PTR " /* 8 bytes, no NUL */
#define ACPI_RSDP_V1_LEN 20	 /* the part covered by the v1 checksum */
#define ACPI_RSDP_V2_LEN 36

struct acpi_rsdp {
	char signature[8];
	u8 checksum; /* bytes 0..19 sum to 0 */
	char oem_id[6];
	u8 revision; /* 0: ACPI 1.0 (RSDT only); 2+: XSDT valid */
	u32 rsdt_address;
	/* revision >= 2 */
	u32 length; /* of the whole RSDP */
	u64 xsdt_address;
	u8 extended_checksum; /* bytes 0..length-1 sum to 0 */
	u8 reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LEN, "RSDP size");

/* ---- common header (5.2.6) ----------------------------------------------- */

struct acpi_sdt_header {
	char signature[4];
	u32 length; /* of the whole table, header included */
	u8 revision;
	u8 checksum; /* all length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 creator_id;
	u32 creator_revision;
} __packed;
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header size");

/* RSDT (5.2.7): header + u32 entries; XSDT (5.2.8): header + u64 entries. */
#define ACPI_SIG_RSDT "RSDT"
#define ACPI_SIG_XSDT "XSDT"

/* ---- Generic Address Structure (5.2.3.2) --------------------------------- */

struct acpi_gas {
	u8 space_id; /* ACPI_GAS_SPACE_* */
	u8 bit_width;
	u8 bit_offset;
	u8 access_size; /* 0 undefined, 1 byte .. 4 qword */
	u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS size");

#define ACPI_GAS_SPACE_MEMORY 0
#define ACPI_GAS_SPACE_IO 1

/* ---- FADT, signature "FACP" (5.2.9, Table 5.9) --------------------------- */

#define ACPI_SIG_FADT "FACP"

/*
 * Old firmware ships short FADTs (revision 1 is 116 bytes; Bochs's BIOS
 * builds exactly that): every field past the table's length reads as 0.
 */
struct acpi_fadt_raw {
	struct acpi_sdt_header hdr;
	u32 firmware_ctrl;	 /* 36: FACS */
	u32 dsdt;		 /* 40 */
	u8 reserved0;		 /* 44 (INT_MODEL in ACPI 1.0) */
	u8 preferred_pm_profile; /* 45 */
	u16 sci_int;		 /* 46: SCI interrupt (ISA IRQ / GSI) */
	u32 smi_cmd;		 /* 48 */
	u8 acpi_enable;		 /* 52 */
	u8 acpi_disable;	 /* 53 */
	u8 s4bios_req;		 /* 54 */
	u8 pstate_cnt;		 /* 55 */
	u32 pm1a_evt_blk;	 /* 56 */
	u32 pm1b_evt_blk;	 /* 60 */
	u32 pm1a_cnt_blk;	 /* 64 */
	u32 pm1b_cnt_blk;	 /* 68 */
	u32 pm2_cnt_blk;	 /* 72 */
	u32 pm_tmr_blk;		 /* 76 */
	u32 gpe0_blk;		 /* 80 */
	u32 gpe1_blk;		 /* 84 */
	u8 pm1_evt_len;		 /* 88 */
	u8 pm1_cnt_len;		 /* 89 */
	u8 pm2_cnt_len;		 /* 90 */
	u8 pm_tmr_len;		 /* 91 */
	u8 gpe0_blk_len;	 /* 92 */
	u8 gpe1_blk_len;	 /* 93 */
	u8 gpe1_base;		 /* 94 */
	u8 cst_cnt;		 /* 95 */
	u16 p_lvl2_lat;		 /* 96 */
	u16 p_lvl3_lat;		 /* 98 */
	u16 flush_size;		 /* 100 */
	u16 flush_stride;	 /* 102 */
	u8 duty_offset;		 /* 104 */
	u8 duty_width;		 /* 105 */
	u8 day_alrm;		 /* 106 */
	u8 mon_alrm;		 /* 107 */
	u8 century;		 /* 108: RTC CMOS index, 0 if none */
	u16 iapc_boot_arch;	 /* 109 */
	u8 reserved1;		 /* 111 */
	u32 flags;		 /* 112: ACPI_FADT_F_* */
	/* ---- 116: end of the ACPI 1.0 FADT ---- */
	struct acpi_gas reset_reg;	/* 116 */
	u8 reset_value;			/* 128 */
	u16 arm_boot_arch;		/* 129 */
	u8 minor_version;		/* 131 */
	u64 x_firmware_ctrl;		/* 132 */
	u64 x_dsdt;			/* 140 */
	struct acpi_gas x_pm1a_evt_blk; /* 148 */
	struct acpi_gas x_pm1b_evt_blk; /* 160 */
	struct acpi_gas x_pm1a_cnt_blk; /* 172 */
	struct acpi_gas x_pm1b_cnt_blk; /* 184 */
	struct acpi_gas x_pm2_cnt_blk;	/* 196 */
	struct acpi_gas x_pm_tmr_blk;	/* 208 */
	struct acpi_gas x_gpe0_blk;	/* 220 */
	struct acpi_gas x_gpe1_blk;	/* 232 */
	/* ---- 244: end of the ACPI 2.0-4.0 FADT ---- */
	struct acpi_gas sleep_control_reg; /* 244 */
	struct acpi_gas sleep_status_reg;  /* 256 */
	u64 hypervisor_vendor_id;	   /* 268 */
} __packed;
_Static_assert(sizeof(struct acpi_fadt_raw) == 276, "FADT size");

#define ACPI_FADT_V1_LEN 116
#define ACPI_FADT_MIN_LEN 44 /* up to and including DSDT */

/* FADT flags (Table 5.10), the ones the hypervisor cares about. */
#define ACPI_FADT_F_WBINVD BIT(0)
#define ACPI_FADT_F_TMR_VAL_EXT BIT(8) /* PM timer is 32 bits, else 24 */
#define ACPI_FADT_F_RESET_REG_SUP BIT(10)
#define ACPI_FADT_F_HW_REDUCED BIT(20)

/* ---- FACS (5.2.10): no checksum, length >= 64 ---------------------------- */

#define ACPI_SIG_FACS "FACS"
#define ACPI_FACS_MIN_LEN 64

/* DSDT (5.2.11.1) and SSDT (5.2.11.2): header + AML. */
#define ACPI_SIG_DSDT "DSDT"

/* ---- MADT, signature "APIC" (5.2.12) ------------------------------------- */

#define ACPI_SIG_MADT "APIC"

struct acpi_madt_raw {
	struct acpi_sdt_header hdr;
	u32 lapic_address; /* 36: local APIC MMIO base */
	u32 flags;	   /* 40: ACPI_MADT_F_* */
			   /* 44: interrupt controller structures (type, length, ...) */
} __packed;
_Static_assert(sizeof(struct acpi_madt_raw) == 44, "MADT size");

#define ACPI_MADT_F_PCAT_COMPAT BIT(0) /* dual 8259s present */

/* Every MADT entry starts with type and length (Table 5.21). */
struct acpi_madt_entry {
	u8 type;
	u8 length;
} __packed;

#define ACPI_MADT_LAPIC 0
#define ACPI_MADT_IOAPIC 1
#define ACPI_MADT_ISO 2
#define ACPI_MADT_NMI_SOURCE 3
#define ACPI_MADT_LAPIC_NMI 4
#define ACPI_MADT_LAPIC_OVERRIDE 5
#define ACPI_MADT_X2APIC 9
#define ACPI_MADT_X2APIC_NMI 10

/* Processor Local APIC / x2APIC flags (Table 5.23). */
#define ACPI_MADT_CPU_ENABLED BIT(0)
#define ACPI_MADT_CPU_ONLINE_CAPABLE BIT(1)

/* 5.2.12.2 Processor Local APIC */
struct acpi_madt_lapic {
	struct acpi_madt_entry e; /* length 8 */
	u8 uid;
	u8 apic_id;
	u32 flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC size");

/* 5.2.12.3 I/O APIC */
struct acpi_madt_ioapic {
	struct acpi_madt_entry e; /* length 12 */
	u8 id;
	u8 reserved;
	u32 address;
	u32 gsi_base;
} __packed;
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC size");

/* 5.2.12.5 Interrupt Source Override */
struct acpi_madt_iso {
	struct acpi_madt_entry e; /* length 10 */
	u8 bus;			  /* 0: ISA */
	u8 source;		  /* ISA IRQ */
	u32 gsi;
	u16 flags; /* MPS INTI flags: polarity, trigger mode */
} __packed;
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "MADT ISO size");

/* 5.2.12.6 NMI Source */
struct acpi_madt_nmi_source {
	struct acpi_madt_entry e; /* length 8 */
	u16 flags;
	u32 gsi;
} __packed;
_Static_assert(sizeof(struct acpi_madt_nmi_source) == 8, "MADT NMI src size");

/* 5.2.12.7 Local APIC NMI (uid 0xff: all processors) */
struct acpi_madt_lapic_nmi {
	struct acpi_madt_entry e; /* length 6 */
	u8 uid;
	u16 flags;
	u8 lint;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_nmi) == 6, "MADT LAPIC NMI size");

/* 5.2.12.8 Local APIC Address Override */
struct acpi_madt_lapic_override {
	struct acpi_madt_entry e; /* length 12 */
	u16 reserved;
	u64 address;
} __packed;
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "MADT LAPIC override size");

/* 5.2.12.12 Processor Local x2APIC */
struct acpi_madt_x2apic {
	struct acpi_madt_entry e; /* length 16 */
	u16 reserved;
	u32 x2apic_id;
	u32 flags;
	u32 uid;
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC size");

/* 5.2.12.13 Local x2APIC NMI (uid 0xffffffff: all processors) */
struct acpi_madt_x2apic_nmi {
	struct acpi_madt_entry e; /* length 12 */
	u16 flags;
	u32 uid;
	u8 lint;
	u8 reserved[3];
} __packed;
_Static_assert(sizeof(struct acpi_madt_x2apic_nmi) == 12, "MADT x2APIC NMI size");

/* ---- MCFG (PCI Firmware Specification 3.0, 4.1.2) ------------------------ */

#define ACPI_SIG_MCFG "MCFG"

struct acpi_mcfg_raw {
	struct acpi_sdt_header hdr;
	u8 reserved[8];
	/* 44: struct acpi_mcfg_alloc[] */
} __packed;
_Static_assert(sizeof(struct acpi_mcfg_raw) == 44, "MCFG size");

struct acpi_mcfg_alloc {
	u64 base; /* ECAM base of bus 0 of this segment */
	u16 segment;
	u8 start_bus;
	u8 end_bus;
	u32 reserved;
} __packed;
_Static_assert(sizeof(struct acpi_mcfg_alloc) == 16, "MCFG entry size");

/* ---- HPET (IA-PC HPET specification 1.0a, 3.2.4) ------------------------- */

#define ACPI_SIG_HPET "HPET"

struct acpi_hpet_raw {
	struct acpi_sdt_header hdr;
	u32 event_timer_block_id; /* 36: hardware rev, comparators, vendor */
	struct acpi_gas base;	  /* 40: register block (system memory) */
	u8 hpet_number;		  /* 52 */
	u16 min_tick;		  /* 53 */
	u8 page_protection;	  /* 55 */
} __packed;
_Static_assert(sizeof(struct acpi_hpet_raw) == 56, "HPET size");

/* ---- DMAR (Intel VT-d spec rev 4.1, chapter 8) --------------------------- */

#define ACPI_SIG_DMAR "DMAR"

/* 8.1 DMA Remapping Reporting Structure */
struct acpi_dmar_raw {
	struct acpi_sdt_header hdr;
	u8 host_address_width; /* 36: width - 1 */
	u8 flags;	       /* 37: ACPI_DMAR_F_* */
	u8 reserved[10];
	/* 48: remapping structures */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_raw) == 48, "DMAR size");

#define ACPI_DMAR_F_INTR_REMAP BIT(0)
#define ACPI_DMAR_F_X2APIC_OPT_OUT BIT(1)
#define ACPI_DMAR_F_DMA_CTRL_OPT_IN BIT(2)

/* 8.2 Remapping structure types: each starts with type and length (u16s). */
struct acpi_dmar_entry {
	u16 type;
	u16 length;
} __packed;

#define ACPI_DMAR_DRHD 0
#define ACPI_DMAR_RMRR 1
#define ACPI_DMAR_ATSR 2
#define ACPI_DMAR_RHSA 3
#define ACPI_DMAR_ANDD 4
#define ACPI_DMAR_SATC 5
#define ACPI_DMAR_SIDP 6

/* 8.3 DMA Remapping Hardware Unit Definition */
struct acpi_dmar_drhd {
	struct acpi_dmar_entry e; /* 16 + device scopes */
	u8 flags;		  /* ACPI_DMAR_DRHD_F_* */
	u8 size;		  /* rev 3+: 3:0, register set is 2^N pages */
	u16 segment;
	u64 base; /* register base address */
		  /* 16: device scopes */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_drhd) == 16, "DRHD size");

#define ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL BIT(0)

/* 8.4 Reserved Memory Region Reporting */
struct acpi_dmar_rmrr {
	struct acpi_dmar_entry e; /* 24 + device scopes */
	u16 reserved;
	u16 segment;
	u64 base;  /* 4 KiB aligned */
	u64 limit; /* inclusive; limit + 1 is 4 KiB aligned */
		   /* 24: device scopes */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_rmrr) == 24, "RMRR size");

/* 8.5 Root Port ATS Capability Reporting */
struct acpi_dmar_atsr {
	struct acpi_dmar_entry e; /* 8 + device scopes */
	u8 flags;		  /* bit 0: ALL_PORTS */
	u8 reserved;
	u16 segment;
} __packed;
_Static_assert(sizeof(struct acpi_dmar_atsr) == 8, "ATSR size");

/* 8.6 Remapping Hardware Static Affinity */
struct acpi_dmar_rhsa {
	struct acpi_dmar_entry e; /* 20 */
	u32 reserved;
	u64 base;
	u32 proximity_domain;
} __packed;
_Static_assert(sizeof(struct acpi_dmar_rhsa) == 20, "RHSA size");

/* 8.3.1 Device Scope Structure: header + path of (device, function) pairs. */
struct acpi_dmar_scope {
	u8 type;   /* ACPI_DMAR_SCOPE_* */
	u8 length; /* 6 + 2 * path entries */
	u8 flags;  /* rev 4: bit 0 REQ_WO_PASID_NESTED_NA */
	u8 reserved;
	u8 enumeration_id; /* IOAPIC id / HPET number / ACPI device nr */
	u8 start_bus;
	/* 6: struct { u8 device, function; } path[] */
} __packed;
_Static_assert(sizeof(struct acpi_dmar_scope) == 6, "DMAR scope size");

#define ACPI_DMAR_SCOPE_PCI_ENDPOINT 1
#define ACPI_DMAR_SCOPE_PCI_SUBHIERARCHY 2
#define ACPI_DMAR_SCOPE_IOAPIC 3
#define ACPI_DMAR_SCOPE_HPET 4
#define ACPI_DMAR_SCOPE_ACPI_NAMESPACE 5

#endif /* DRIVERS_ACPI_TABLES_H */
