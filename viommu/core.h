/* SPDX-License-Identifier: MIT */
/*
 * The emulated VT-d unit as the hypervisor runs it: the register model, the
 * invalidation queue and the shadow tied together, reached either through
 * trapped accesses (viommu=trap: the register pages are left out of the
 * guest's EPT/NPT and every access exits) or by the polling sidecore
 * (viommu=sidecore). The physical side is drivers/vtd: the NIC's shadow
 * domain (DID 2) and its identity domain (DID 1, TE off / pass-through).
 */
#ifndef VIOMMU_CORE_H
#define VIOMMU_CORE_H

#include "drivers/vtd.h"
#include "viommu/viommu.h"

struct viommu_setup {
	struct viommu_config cfg;
	struct vtd_unit *vtd; /* NULL: no physical IOMMU, pass-through only */
	u8 nic_bus, nic_devfn;
	bool trap;	   /* viommu=trap; else sidecore */
	u32 guest_apic_id; /* the guest's one CPU: where its MSIs go */
};

/** Build the unit: model, queue, shadow storage, MMIO region. 0 or -errno. */
int __must_check viommu_init(const struct viommu_setup *s);
/** After the physical unit is up (vtd_setup_nic_identity): the shadow domain. */
int __must_check viommu_start(void);
/** Sidecore mode: the hypervisor page the guest sees as register page 0 (0 in trap mode). */
hpa_t viommu_page0_hpa(void);
/** Bytes of guest-physical space the register set takes (4 or 8 KiB). */
u64 viommu_reg_size(void);
/** The DMAR table for the guest's ACPI (valid after viommu_init). */
const void *viommu_dmar_table(void);
/* A consistent snapshot for periodic sampling (soak tests, benchmarks). */
struct viommu_sample {
	u32 shadow_entries; /* live + deferred entries in the shadow */
	u32 deferred;	    /* unmapped by the guest, kept for revival */
	u64 shadow_tables;  /* page-table pages of the physical shadow domain */
	struct viommu_stats stats;
};

/** Fill *out (all zero before viommu_init). Takes the unit's lock. */
void viommu_sample(struct viommu_sample *out);
/** Print the counters ("VIOMMU: ..."); also the shutdown hook. */
void viommu_print_stats(void);
/** A physical fault (vtd_fault_poll's sink): the NIC's go to the guest's unit. */
void viommu_reflect_fault(u16 sid, u64 addr, unsigned int reason, bool write);
/** One polling step (sidecore mode) or housekeeping (trap mode): expiry. */
void viommu_poll(void);

#endif /* VIOMMU_CORE_H */
