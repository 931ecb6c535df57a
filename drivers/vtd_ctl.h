/* SPDX-License-Identifier: MIT */
/*
 * Physical VT-d driver, public API: bring-up of a remapping unit (root
 * table, queued invalidation, global invalidations), domains (a
 * second-level table tree plus a domain id), legacy-mode context entries
 * (spec 9.1-9.3) for the devices we let through (everything else has no
 * context entry and faults), translation on/off, IOTLB/context flushes,
 * statistics, and the one-call set-up of the NIC's identity domain.
 */
#ifndef DRIVERS_VTD_CTL_H
#define DRIVERS_VTD_CTL_H

#include "drivers/vtd.h"
#include "drivers/vtd_qi.h"
#include "drivers/vtd_tables.h"
#include "lib/memrange.h"
#include "lib/types.h"

#define VTD_MAX_UNITS 8
#define VTD_GCMD_TIMEOUT_US 100000 /* every GCMD/GSTS handshake */
#define VTD_NIC_DID 1		   /* the NIC's domain */

/* A second-level table tree and its domain id, usable on one unit. */
struct vtd_domain {
	const struct vtd_unit *u;
	struct vtd_pt pt;
	u16 did;
	u8 aw; /* context-entry AW (levels - 2) */
};

struct vtd_stats {
	u64 faults;			/* primary faults decoded */
	u64 qi_descs;			/* descriptors queued (waits included) */
	u64 qi_waits;			/* wait descriptors completed */
	u64 iotlb_flushes, ctx_flushes; /* invalidations done (QI or registers) */
};

/* Driver state of one initialised unit (internal to drivers/vtd_*.c). */
struct vtd_hw {
	struct vtd_unit *u; /* NULL: slot free */
	unsigned int index;
	struct vtd_root_entry *root; /* 256 entries, one per bus */
	hpa_t root_hpa;
	struct vtd_qi qi;
	void *qi_page, *status_page;
	u64 faults;
};

/**
 * Bring unit u to a known state with translation off: fault events
 * masked (we poll), a stale TE/QIE turned off, an empty root table set
 * (GCMD.SRTP), queued invalidation on (GCMD.QIE; register-based if
 * ECAP.QI=0), global context-cache and IOTLB invalidation, stale faults
 * reported. Prints "VTD: unit N initialised: root=... qi=... levels=N".
 * 0, -EBUSY (already initialised), -ENODEV (no usable table depth),
 * -ENOMEM, -ETIMEDOUT.
 */
int __must_check vtd_hw_init(struct vtd_unit *u);

/** Translation and QI off; root/context tables, the queue and the NIC domain (if on u) freed. */
void vtd_hw_fini(struct vtd_unit *u);

/** The driver state of u, or NULL if vtd_hw_init() has not succeeded. */
struct vtd_hw *vtd_hw_find(const struct vtd_unit *u);

/**
 * GCMD handshake (11.4.4): write (GSTS & ~one-shot bits) with cmd set
 * (on) or cleared, then wait (bounded) until GSTS reports it: for SRTP,
 * SFL, SIRTP the matching status bit set; for WBF, WBFS clear; otherwise
 * the status bit equal to on. 0 or -ETIMEDOUT.
 */
int __must_check vtd_gcmd_update(const struct vtd_unit *u, u32 cmd, bool on);

/**
 * An empty domain for unit u: 4-level tables if CAP.SAGAW allows, else
 * 3-level; 2M/1G leaves per CAP.SLLPS; IOVAs below 2^min(AGAW, MGAW).
 * 0, -EINVAL (did out of range, or 0 with CAP.CM), -ENODEV, -ENOMEM.
 */
int __must_check vtd_domain_init(struct vtd_domain *d, const struct vtd_unit *u, u16 did);
/** Map [iova, iova+len) -> hpa (read, plus write if asked) with the largest pages. */
int __must_check vtd_domain_map(struct vtd_domain *d, iova_t iova, hpa_t hpa, u64 len, bool write);
/** Unmap, splitting superpages; then flush the IOTLB (vtd_flush_iotlb_*). */
int __must_check vtd_domain_unmap(struct vtd_domain *d, iova_t iova, u64 len);
/** Translate; any out pointer may be NULL. */
bool vtd_domain_lookup(const struct vtd_domain *d, iova_t iova, hpa_t *hpa, u64 *page_size,
		       bool *write);
/** Free the tables; the domain must be attached to no device. */
void vtd_domain_destroy(struct vtd_domain *d);

/**
 * Point bus:devfn's context entry at d (TT=0: untranslated requests walk
 * the second-level tables), creating the bus's context table if needed;
 * flush the entry, then context-cache invalidation (device-selective) and
 * a domain-selective IOTLB flush. 0, -ENODEV, -EINVAL, -ENOMEM, -EIO, -ETIMEDOUT.
 */
int __must_check vtd_attach_device(struct vtd_unit *u, u8 bus, u8 devfn, struct vtd_domain *d);
/** Clear bus:devfn's context entry (it faults from then on) and flush. */
int __must_check vtd_detach_device(struct vtd_unit *u, u8 bus, u8 devfn);

/** GCMD.TE with the GSTS.TES handshake (bounded). */
int __must_check vtd_enable_translation(struct vtd_unit *u);
int __must_check vtd_disable_translation(struct vtd_unit *u);

int __must_check vtd_flush_iotlb_domain(struct vtd_unit *u, u16 did);
/**
 * Page-selective flush of 2^order pages at iova (aligned to them); a
 * domain-selective one instead when CAP.PSI=0, order > CAP.MAMV or iova
 * is not aligned.
 */
int __must_check vtd_flush_iotlb_pages(struct vtd_unit *u, u16 did, iova_t iova,
				       unsigned int order);
int __must_check vtd_flush_context_device(struct vtd_unit *u, u16 did, u16 sid);

/**
 * The NIC's protection in one call: vtd_hw_init() (unless done), domain
 * VTD_NIC_DID identity-mapping every RAM-typed range of guest_ram (types
 * available, ACPI, NVS; shrunk to whole pages; refused if any overlaps
 * hypervisor memory), attach bus:devfn, translation on. Prints "VTD: nic
 * BB:DD.F domain 1 identity-mapped N MiB, translation on". On failure
 * translation stays off and the error is returned.
 */
int __must_check vtd_setup_nic_identity(struct vtd_unit *u, u8 bus, u8 devfn,
					const struct mem_range *guest_ram, unsigned int nr);
/** The domain vtd_setup_nic_identity() built (NULL before). */
struct vtd_domain *vtd_nic_domain(void);

void vtd_get_stats(const struct vtd_unit *u, struct vtd_stats *out);
/** "VTD: stats faults=N qi_descs=N waits=N iotlb_flushes=N context_flushes=N" */
void vtd_print_stats(const struct vtd_unit *u);

#endif /* DRIVERS_VTD_CTL_H */
