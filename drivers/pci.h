/* SPDX-License-Identifier: MIT */
/*
 * PCI driver: config-space access (through an ops table, so host tests can
 * supply captured config spaces), brute-force enumeration of one segment
 * into a fixed-size device table, BAR sizing, capability decoding, NIC
 * selection and the console report. Hardware accessors (CF8/CFC port I/O
 * and ECAM MMIO) live in drivers/pci_cfg.c; everything in drivers/pci.c
 * and drivers/pci_dump.c touches config space only through the ops.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include "lib/spinlock.h"
#include "lib/types.h"

/* ---- config access -------------------------------------------------------- */

/*
 * One config-space access mechanism. width is 1, 2 or 4 and off is
 * naturally aligned and below cfg_size (pci.c guarantees both). Reads of
 * absent functions return all-ones of the access width.
 */
struct pci_cfg_ops {
	u32 (*read)(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width);
	void (*write)(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width, u32 val);
	void *ctx;
	u16 cfg_size;	  /* bytes per function: 256 (CF8) or 4096 (ECAM) */
	const char *name; /* "cf8", "ecam", ... for the summary line */
	hpa_t base;	  /* ECAM base (printed when non-zero) */
};

/* ECAM (PCIe30 7.2.2): MMIO at base + (bus << 20 | devfn << 12 | off). */
struct pci_ecam {
	struct pci_cfg_ops ops; /* ops.ctx points back here */
	hpa_t base;		/* MCFG base address (bus 0), identity-mapped */
	u16 seg;
	u8 start_bus, end_bus; /* decoded buses; others read as absent */
};

/* Configuration mechanism #1 (PCI30 3.2.2.3.2): ports 0xcf8/0xcfc. */
struct pci_cf8 {
	struct pci_cfg_ops ops;
	struct spinlock lock; /* the address/data pair is not atomic */
};

/**
 * Set up ECAM access for segment 0, buses start_bus..end_bus, at the MCFG
 * base (hva == hpa). Returns -EINVAL if the range is empty or the base is
 * not 1 MiB aligned.
 */
int __must_check pci_ecam_ops_init(struct pci_ecam *e, hpa_t base, u8 start_bus, u8 end_bus);
/** Set up legacy CF8/CFC access (segment 0, offsets < 256). */
void pci_cf8_ops_init(struct pci_cf8 *c);

/* ---- device table --------------------------------------------------------- */

#define PCI_MAX_DEVS 64	    /* functions recorded per enumeration */
#define PCI_MAX_CAP_WALK 48 /* bound on any capability list walk */
#define PCI_DEV_MAX_CAPS 24 /* capabilities recorded per function */

/* BDF encoding used on the command line and in pci_find_bdf(). */
#define PCI_BDF(bus, dev, fn) (((u32)(bus) << 8) | (((u32)(dev)&0x1f) << 3) | ((u32)(fn)&7))
#define PCI_DEVFN(dev, fn) ((u8)((((dev)&0x1f) << 3) | ((fn)&7)))

enum pci_bar_kind {
	PCI_BAR_NONE = 0, /* not implemented (reads back 0) */
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,
	PCI_BAR_MEM64_HI, /* upper half of the 64-bit BAR in the slot below */
	PCI_BAR_BROKEN,	  /* malformed (64-bit in the last slot, reserved type) */
};

struct pci_bar {
	u64 addr; /* as programmed by firmware (flag bits stripped) */
	u64 size; /* from the all-ones probe; 0 if not implemented */
	u8 kind;  /* enum pci_bar_kind */
	bool prefetchable;
};

struct pci_cap {
	u16 id; /* standard: 8-bit ID; extended: 16-bit ID */
	u16 off;
	bool ext; /* PCIe extended capability (>= 0x100) */
};

struct pci_msi {
	u16 off; /* 0: absent */
	bool is64;
	bool maskable;
	bool enabled;
	u8 vectors; /* multiple message capable, 1..32 */
};

struct pci_msix {
	u16 off;	/* 0: absent */
	u16 table_size; /* entries */
	u8 table_bir, pba_bir;
	u32 table_off, pba_off;
	bool enabled;
};

struct pci_pcie {
	u16 off; /* 0: absent */
	u8 version;
	u8 port_type; /* PCI_EXP_TYPE_* */
};

struct pci_pm {
	u16 off; /* 0: absent */
	u8 version;
};

/* Anomalies found while enumerating one function (pci_dev.flags). */
#define PCI_DEV_CAP_LOOP BIT(0)	    /* standard list revisits an entry */
#define PCI_DEV_CAP_BADPTR BIT(1)   /* pointer into the header (< 0x40) */
#define PCI_DEV_CAP_TOO_MANY BIT(2) /* hit PCI_MAX_CAP_WALK */
#define PCI_DEV_CAPS_TRUNC BIT(3)   /* more than PCI_DEV_MAX_CAPS recorded */
#define PCI_DEV_ECAP_LOOP BIT(4)
#define PCI_DEV_ECAP_BADPTR BIT(5)
#define PCI_DEV_ECAP_TOO_MANY BIT(6)
#define PCI_DEV_BAR_BROKEN BIT(7) /* a BAR could not be decoded */
#define PCI_DEV_CAP_SHORT BIT(8)  /* capability runs past config space */
#define PCI_DEV_BAD_HEADER BIT(9) /* unknown header type: no BARs/caps */

struct pci_dev {
	u16 seg;
	u8 bus, dev, fn;
	u16 vendor, device;
	u8 class_code, subclass, prog_if, revision;
	u8 hdr_type; /* without the multi-function bit */
	bool multifunc;
	u8 irq_pin; /* 0 none, 1..4 = INTA#..INTD# */
	u8 irq_line;
	u16 command; /* as found (restored after BAR sizing) */
	u16 status;
	u8 nbars; /* 6 (type 0), 2 (type 1), 0 otherwise */
	struct pci_bar bars[6];
	u8 primary_bus, secondary_bus, subordinate_bus; /* type 1 only */
	u8 ncaps;
	struct pci_cap caps[PCI_DEV_MAX_CAPS];
	struct pci_msi msi;
	struct pci_msix msix;
	struct pci_pcie pcie;
	struct pci_pm pm;
	u32 flags; /* PCI_DEV_* anomalies */
};

struct pci_bus_info {
	u16 seg;
	const struct pci_cfg_ops *ops; /* the access used to enumerate */
	unsigned int ndevs;	       /* recorded in devs[] */
	unsigned int nfound;	       /* responding functions (>= ndevs) */
	bool truncated;		       /* nfound > PCI_MAX_DEVS */
	struct pci_dev devs[PCI_MAX_DEVS];
};

/* ---- enumeration and queries ---------------------------------------------- */

/**
 * Scan buses 0..255 of segment seg through ops and fill *out (overwritten).
 * Sizes BARs (COMMAND decode bits cleared during the probe and restored),
 * walks capability lists (bounded). Returns 0 (also when the table was
 * truncated: see out->truncated), -EINVAL on bad arguments.
 */
int __must_check pci_enumerate(const struct pci_cfg_ops *ops, u16 seg, struct pci_bus_info *out);

/** The recorded function at bdf = PCI_BDF(bus, dev, fn), or NULL. */
const struct pci_dev *pci_find_bdf(const struct pci_bus_info *bi, u32 bdf);

/**
 * The first recorded function of base class class_code after `after`
 * (NULL: from the start), or NULL.
 */
const struct pci_dev *pci_find_class(const struct pci_bus_info *bi, u8 class_code,
				     const struct pci_dev *after);

/**
 * Offset of the first standard capability cap_id of d, walked live through
 * ops (bounded like enumeration); 0 if absent.
 */
u8 pci_find_cap(const struct pci_cfg_ops *ops, const struct pci_dev *d, u8 cap_id);
/** Same for a PCIe extended capability; 0 if absent or no 4 KiB space. */
u16 pci_find_ext_cap(const struct pci_cfg_ops *ops, const struct pci_dev *d, u16 cap_id);

/** Config-space accessors for one recorded function (all-ones if out of range). */
u32 pci_dev_read(const struct pci_cfg_ops *ops, const struct pci_dev *d, u16 off,
		 unsigned int width);
void pci_dev_write(const struct pci_cfg_ops *ops, const struct pci_dev *d, u16 off,
		   unsigned int width, u32 val);

/**
 * The NIC to give the guest: if bdf_set, the function at bdf (NULL with an
 * error logged if absent or not class 0x02); else the first class-0x02
 * function (NULL if none).
 */
const struct pci_dev *pci_choose_nic(const struct pci_bus_info *bi, bool bdf_set, u32 bdf);

/**
 * Parse "BB:DD.F" (hex bus and device, decimal function 0-7), optionally
 * with a "SSSS:" segment prefix that must be 0, into PCI_BDF().
 * Returns 0 or -EINVAL.
 */
int __must_check pci_parse_bdf(const char *s, size_t len, u32 *bdf);

/** Short driver name for known NIC ids ("e1000", "e1000e"), or NULL. */
const char *pci_nic_name(u16 vendor, u16 device);

/* ---- console ---------------------------------------------------------------- */

/** One "PCI: bb:dd.f vvvv:dddd class ..." block per function, then a summary. */
void pci_print(const struct pci_bus_info *bi);
/** "HV: nic 00:02.0 8086:10d3 (e1000e)" or "HV: nic none". */
void pci_print_nic(const struct pci_dev *nic);
/**
 * Raw dump of every recorded function's config space (256 B, or 4 KiB when
 * ops->cfg_size says so): "PCIDUMP 00:02.0 000: 86 80 d3 10 ..." lines.
 */
void pci_dump_config(const struct pci_cfg_ops *ops, const struct pci_bus_info *bi);

#endif /* DRIVERS_PCI_H */
