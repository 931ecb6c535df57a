/* SPDX-License-Identifier: MIT */
/*
 * The emulated VT-d unit the guest sees ("viommu"), shared declarations.
 * One unit, one NIC. Module map:
 *   viommu/regs.c      register model: CAP/ECAP, GCMD/GSTS one-shots, CCMD,
 *                      IOTLB/IVA, FSTS and fault records (W1C), FECTL/FEDATA/
 *                      FEADDR, IQA/IQH/IQT/ICS, IECTL... (VT-d spec ch. 11)
 *   viommu/iq.c        invalidation queue: descriptors copied by value, checked,
 *                      applied in order; IQE on a bad one (spec 6.5.2)
 *   viommu/walk.c      guest root -> context -> second-level walk (ch. 9),
 *                      every table address checked to be guest RAM
 *   viommu/shadow.c    the NIC's physical domain made to translate exactly what
 *                      the guest tables allow (IOVA -> HPA)
 *   viommu/teardown.c  optimistic teardown: deferred unmaps, revival, batched
 *                      expiry under one physical invalidation
 *   viommu/sidecore.c  the polling loop (sidecore mode) / MMIO handler (trap mode)
 * Everything below the sidecore/trap glue is pure and host-tested: guest
 * memory and the physical unit are reached only through the ops here.
 *
 * Terms: gpa_t = guest-physical, iova_t = device address in the guest's
 * domain, hpa_t = host-physical (gpa == hpa for guest RAM: thin passthrough).
 */
#ifndef VIOMMU_VIOMMU_H
#define VIOMMU_VIOMMU_H

#include "lib/types.h"

/* Guest memory, as the emulation may touch it: only guest RAM, never the
 * hypervisor's memory or MMIO. Each returns false if [gpa, gpa+len) is not
 * entirely guest RAM (then nothing was read or written). */
struct viommu_guest_mem {
	bool (*read)(void *ctx, gpa_t gpa, void *buf, u32 len);
	bool (*write)(void *ctx, gpa_t gpa, const void *buf, u32 len);
	void *ctx;
};

/* The physical side of the NIC's translation (implemented over drivers/vtd
 * in the hypervisor, by a fake in host tests). All of it concerns the NIC's
 * one source-id. Maps are 4 KiB pages: the shadow does not use superpages,
 * so that one guest unmap never needs a split. */
struct viommu_phys_ops {
	/** Map iova -> hpa in the shadow domain (replacing any old entry). */
	int (*map)(void *ctx, iova_t iova, hpa_t hpa, bool read, bool write);
	/** Remove iova from the shadow domain (absent is not an error). */
	int (*unmap)(void *ctx, iova_t iova);
	/** Invalidate the physical IOTLB for [iova, iova + (4K << order)) (order
	 *  may be rounded up by the implementation), or everything if all. */
	int (*flush)(void *ctx, iova_t iova, unsigned int order, bool all);
	/** Point the NIC at the shadow domain (translated=true) or at the
	 *  identity domain of all guest RAM (translated=false: TE off or
	 *  pass-through context), flushing context and IOTLB. */
	int (*select)(void *ctx, bool translated);
	void *ctx;
};

/* Configuration chosen at boot from the options and the physical unit. */
struct viommu_config {
	gpa_t reg_gpa;	     /* register page (4 KiB), named by our DMAR */
	unsigned int levels; /* 3 or 4: SAGAW advertised (option viommu_levels) */
	unsigned int mgaw;   /* bits, e.g. 39 or 48 */
	bool sllps_2m, sllps_1g;
	bool phys_iommu;  /* false (Bochs): only pass-through contexts allowed */
	u16 nic_sid;	  /* the NIC's source-id: bus << 8 | devfn */
	u32 teardown_ms;  /* optimistic teardown window, 0 = strict */
	u32 teardown_cap; /* max deferred entries */
	u64 tsc_khz;	  /* for deadlines */
};

/* Counters printed at guest shutdown and on a console key. */
struct viommu_stats {
	u64 reg_reads, reg_writes; /* trap mode: exits; sidecore: detected writes */
	u64 desc_cc, desc_iotlb, desc_wait, desc_iec, desc_other, desc_bad;
	u64 inv_global, inv_domain, inv_page;
	u64 walks, walk_faults;
	u64 shadow_maps, shadow_unmaps;
	u64 revivals, deferred, expired, batches;
	u64 phys_flushes;	 /* physical IOTLB invalidations of the shadow domain */
	u64 unmap_invalidations; /* guest invalidations that unmapped >= 1 page */
	u64 faults_reflected;
	u64 msis_sent; /* fault/invalidation-event interrupts delivered to the guest */
	u64 iq_errors;
	u64 loop_iters, loop_busy;		/* sidecore iterations, those with work */
	u64 busy_cycles;			/* TSC cycles of the iterations with work */
	u64 inv_cycles_total, inv_cycles_count; /* submit -> wait status, TSC */
};

#endif /* VIOMMU_VIOMMU_H */
