/* SPDX-License-Identifier: MIT */
/*
 * ACPI firmware tables: RSDP discovery, RSDT/XSDT walk with per-table length
 * and checksum validation, and parsers for the MADT, FADT, MCFG, HPET and
 * DMAR into plain bounded structs (struct acpi_info). Physical memory is
 * reached only through struct acpi_mem, so the same code runs identity-mapped
 * in the hypervisor and on a fake memory built from captured blobs in host
 * tests. Bad firmware data is reported and skipped, never trusted.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include "drivers/acpi_tables.h"
#include "lib/bitops.h"
#include "lib/types.h"

/* ---- physical memory access ---------------------------------------------- */

/*
 * map() returns a pointer through which [pa, pa + len) can be read, or NULL
 * if (any part of) the range is not accessible. Mappings are never released:
 * the hypervisor maps by identity, tests by pointing into their buffers.
 */
struct acpi_mem {
	const void *(*map)(void *ctx, u64 pa, u64 len);
	void *ctx;
};

/** Hypervisor: physical == virtual for ranges below 4 GiB (pa 0 is refused). */
extern const struct acpi_mem acpi_mem_identity;

/* ---- limits -------------------------------------------------------------- */

#define ACPI_MAX_TABLES 32	  /* root, its entries, DSDT, FACS */
#define ACPI_TABLE_MAX_LEN MiB(1) /* sanity bound on a table's length field */
#define ACPI_RSDP_MAX_LEN 1024	  /* sanity bound on the RSDP length */

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_IRQ_OVERRIDES 24
#define ACPI_MAX_NMI_SOURCES 8
#define ACPI_MAX_LAPIC_NMIS 16
#define ACPI_MAX_ECAM 8

#define ACPI_DMAR_MAX_DRHD 8
#define ACPI_DMAR_MAX_RMRR 8
#define ACPI_DMAR_MAX_SCOPES 32 /* per DRHD / RMRR */
#define ACPI_DMAR_MAX_PATH 8	/* (device, function) hops per scope */

/* ---- table inventory ----------------------------------------------------- */

enum acpi_table_status {
	ACPI_TABLE_OK = 0,
	ACPI_TABLE_UNMAPPED,   /* header or body not accessible (acpi_mem) */
	ACPI_TABLE_BAD_LENGTH, /* < header, or > ACPI_TABLE_MAX_LEN */
	ACPI_TABLE_BAD_CHECKSUM,
	ACPI_TABLE_BAD_SIGNATURE, /* not what was promised (root/DSDT/FACS) */
};

enum acpi_table_source {
	ACPI_SRC_RSDP = 0, /* the RSDT or XSDT itself */
	ACPI_SRC_ROOT,	   /* an entry of the RSDT/XSDT */
	ACPI_SRC_FADT,	   /* DSDT or FACS, pointed to by the FADT */
};

struct acpi_table {
	char sig[5]; /* NUL-terminated; non-printables as '?' */
	u8 revision;
	u8 status;  /* enum acpi_table_status */
	u8 source;  /* enum acpi_table_source */
	bool valid; /* status == ACPI_TABLE_OK */
	hpa_t pa;
	u32 len; /* header's length field (0 if unreadable) */
};

/* ---- MADT ---------------------------------------------------------------- */

struct acpi_cpu {
	u32 apic_id; /* xAPIC (type 0) or x2APIC (type 9) id */
	u32 uid;     /* ACPI processor UID */
	u32 flags;   /* ACPI_MADT_CPU_ENABLED / _ONLINE_CAPABLE */
	bool x2apic; /* from a type 9 entry */
};

struct acpi_ioapic {
	u8 id;
	u32 address;
	u32 gsi_base;
};

struct acpi_irq_override {
	u8 bus, source; /* ISA IRQ source */
	u32 gsi;
	u16 flags; /* MPS INTI polarity (1:0), trigger (3:2) */
};

struct acpi_nmi_source {
	u32 gsi;
	u16 flags;
};

struct acpi_lapic_nmi {
	u32 uid; /* 0xff / 0xffffffff: all processors */
	u16 flags;
	u8 lint; /* LINT0 or LINT1 */
	bool x2apic;
};

struct acpi_madt {
	bool present;
	int err;	/* 0, or the parse error (data kept) */
	hpa_t lapic_pa; /* after a type 5 override, if any */
	u32 flags;	/* ACPI_MADT_F_PCAT_COMPAT */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	unsigned int nr_cpus;	 /* entries recorded, enabled or not */
	unsigned int nr_enabled; /* of those, with ACPI_MADT_CPU_ENABLED */
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	unsigned int nr_ioapics;
	struct acpi_irq_override isos[ACPI_MAX_IRQ_OVERRIDES];
	unsigned int nr_isos;
	struct acpi_nmi_source nmi_sources[ACPI_MAX_NMI_SOURCES];
	unsigned int nr_nmi_sources;
	struct acpi_lapic_nmi lapic_nmis[ACPI_MAX_LAPIC_NMIS];
	unsigned int nr_lapic_nmis;
	unsigned int nr_other; /* entries of other types (skipped) */
	bool truncated;	       /* some list was longer than its ACPI_MAX_* */
};

static inline bool acpi_cpu_enabled(const struct acpi_cpu *c)
{
	return c->flags & ACPI_MADT_CPU_ENABLED;
}

/* ---- FADT ---------------------------------------------------------------- */

struct acpi_fadt {
	bool present;
	int err;
	u8 revision;
	u32 len;   /* short (old) FADT: absent fields are 0 */
	u32 flags; /* ACPI_FADT_F_* */
	u16 sci_irq;
	u32 smi_cmd;
	u8 acpi_enable, acpi_disable;
	/* I/O ports (X_ GAS in system I/O space preferred), 0 if absent */
	u16 pm1a_evt, pm1b_evt;
	u16 pm1a_cnt, pm1b_cnt;
	u16 pm_tmr;
	u8 pm1_cnt_len, pm_tmr_len;
	bool pm_tmr_32bit; /* TMR_VAL_EXT */
	u16 iapc_boot_arch;
	u8 century;	  /* RTC CMOS index of the century, 0 if none */
	hpa_t dsdt_pa;	  /* X_DSDT if set, else DSDT */
	hpa_t facs_pa;	  /* X_FIRMWARE_CTRL, else FIRMWARE_CTRL */
	bool reset_valid; /* RESET_REG_SUP and the field is present */
	u8 reset_space;	  /* ACPI_GAS_SPACE_* */
	u64 reset_addr;
	u8 reset_value;
};

/* ---- MCFG, HPET ---------------------------------------------------------- */

struct acpi_ecam {
	hpa_t base; /* ECAM address of bus 0 of the segment */
	u16 segment;
	u8 start_bus, end_bus;
};

struct acpi_mcfg {
	bool present;
	int err;
	struct acpi_ecam ecam[ACPI_MAX_ECAM];
	unsigned int nr_ecam;
	bool truncated;
};

struct acpi_hpet {
	bool present;
	int err;
	hpa_t base;
	u32 block_id; /* event timer block id */
	u8 number;
	u16 min_tick;
};

/* ---- DMAR ---------------------------------------------------------------- */

struct acpi_devscope {
	u8 type; /* ACPI_DMAR_SCOPE_* */
	u8 flags;
	u8 enum_id; /* IOAPIC id / HPET number / ACPI device */
	u8 start_bus;
	u8 nr_path;
	struct {
		u8 dev, fn;
	} path[ACPI_DMAR_MAX_PATH];
};

struct acpi_drhd {
	u8 flags; /* ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL */
	u8 size;  /* register set: 2^size pages (rev 3+) */
	u16 segment;
	hpa_t base;
	struct acpi_devscope scopes[ACPI_DMAR_MAX_SCOPES];
	unsigned int nr_scopes;
	bool scopes_truncated;
};

struct acpi_rmrr {
	u16 segment;
	hpa_t base, limit; /* limit inclusive */
	struct acpi_devscope scopes[ACPI_DMAR_MAX_SCOPES];
	unsigned int nr_scopes;
	bool scopes_truncated;
};

struct acpi_dmar {
	bool present;
	int err;
	u8 haw;	  /* host address width in bits (field + 1) */
	u8 flags; /* ACPI_DMAR_F_* */
	struct acpi_drhd drhd[ACPI_DMAR_MAX_DRHD];
	unsigned int nr_drhd;
	struct acpi_rmrr rmrr[ACPI_DMAR_MAX_RMRR];
	unsigned int nr_rmrr;
	unsigned int nr_atsr, nr_rhsa, nr_other; /* walked and skipped */
	bool truncated;				 /* DRHDs, RMRRs, scopes or paths dropped */
};

/* ---- everything ---------------------------------------------------------- */

struct acpi_info {
	bool rsdp_found;
	bool rsdp_from_hint; /* the copy given to acpi_init() was used */
	hpa_t rsdp_pa;	     /* 0 if only the hint copy is known */
	u8 rsdp_revision;
	u32 rsdp_len;	 /* 20, or the validated v2 length */
	u8 rsdp_raw[36]; /* first min(rsdp_len, 36) RSDP bytes */
	char oem_id[7];
	hpa_t rsdt_pa, xsdt_pa; /* from the RSDP (xsdt 0 below rev 2) */
	bool using_xsdt;	/* else the RSDT was walked */

	struct acpi_table tables[ACPI_MAX_TABLES];
	unsigned int nr_tables;
	unsigned int nr_bad_tables;
	bool tables_truncated;

	struct acpi_madt madt;
	struct acpi_fadt fadt;
	struct acpi_mcfg mcfg;
	struct acpi_hpet hpet;
	struct acpi_dmar dmar;
};

/**
 * Find the RSDP, walk the XSDT (if valid) or RSDT, validate every table,
 * parse the first valid MADT, FADT, MCFG, HPET and DMAR into out. rsdp_hint,
 * if not NULL, is a copy of the RSDP (the multiboot2 ACPI tag): it must hold
 * 20 bytes, or the RSDP's length for revision >= 2 (GRUB's tags do); if it
 * is invalid, low memory is scanned instead. Bad tables are logged, marked
 * invalid in out->tables and skipped; parse errors are logged and kept in
 * the per-table err field. Returns 0, -ENODEV if no valid RSDP was found,
 * -EBADMSG if neither the XSDT nor the RSDT is usable (out then holds only
 * the RSDP and the bad root), -EINVAL on NULL arguments. out is overwritten.
 */
int __must_check acpi_init(const struct acpi_mem *mem, const void *rsdp_hint,
			   struct acpi_info *out);

/** Print the inventory: tables, CPUs, FADT ports, ECAM, HPET, DMAR. */
void acpi_print(const struct acpi_info *info);

/** The instance-th (from 0) valid table with signature sig, or NULL. */
const struct acpi_table *acpi_find_table(const struct acpi_info *info, const char *sig,
					 unsigned int instance);

/** The bytes of a valid table (len bytes at t->pa), or NULL. */
const void *acpi_map_table(const struct acpi_mem *mem, const struct acpi_table *t);

/**
 * Scan for an RSDP: the first KiB of the EBDA (segment at 0x40e), then
 * 0xE0000-0xFFFFF on 16-byte boundaries. Returns 0 and the address, or
 * -ENODEV. Candidates with a bad v1 checksum are skipped.
 */
int __must_check acpi_find_rsdp(const struct acpi_mem *mem, hpa_t *rsdp_pa);

/** Do the len bytes at p sum to 0 (mod 256)? */
bool acpi_checksum_ok(const void *p, size_t len);

/*
 * Parsers: pure functions of (table, len), len being the bytes readable at
 * table; they read at most min(len, header length) bytes and do not check
 * the checksum (acpi_init did). Each overwrites out and sets out->present.
 * Returns 0; -EINVAL if the table is unusable (wrong signature, length
 * field < the fixed part or > len; out->present stays false); -EBADMSG if
 * an entry is malformed (the walk stopped or skipped it; what was parsed is
 * kept). Running past an ACPI_MAX_* bound is not an error: the rest is
 * dropped, *truncated is set and a warning logged.
 */
int __must_check acpi_madt_parse(const void *table, size_t len, struct acpi_madt *out);
int __must_check acpi_fadt_parse(const void *table, size_t len, struct acpi_fadt *out);
int __must_check acpi_mcfg_parse(const void *table, size_t len, struct acpi_mcfg *out);
int __must_check acpi_hpet_parse(const void *table, size_t len, struct acpi_hpet *out);
int __must_check acpi_dmar_parse(const void *table, size_t len, struct acpi_dmar *out);

/** The DMAR part of acpi_print() ("DMAR: none ..." if !dmar->present). */
void acpi_dmar_print(const struct acpi_dmar *dmar);

/** Name of a device scope type ("pci-endpoint", "ioapic", ...), or "?". */
const char *acpi_devscope_type_name(u8 type);

#endif /* DRIVERS_ACPI_H */
