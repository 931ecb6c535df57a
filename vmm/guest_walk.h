/* SPDX-License-Identifier: MIT */
/*
 * Guest-virtual to guest-physical translation through the guest's own page
 * tables (SDM Vol. 3A chapter 4; AMD APM Vol. 2 chapter 5), and fetching the
 * instruction bytes at a guest RIP with it. Every table read goes through
 * caller-supplied guest-memory ops; nothing here dereferences a guest
 * address. Pure, bounded (at most 5 levels), host-tested and fuzzed.
 */
#ifndef VMM_GUEST_WALK_H
#define VMM_GUEST_WALK_H

#include "lib/bitops.h"
#include "lib/types.h"

/* Control-register bits the walk looks at (SDM Vol. 3A 2.5, 2.2.1). */
#define GW_CR0_WP BIT(16)
#define GW_CR0_PG BIT(31)
#define GW_CR4_PSE BIT(4)
#define GW_CR4_PAE BIT(5)
#define GW_CR4_LA57 BIT(12)
#define GW_CR4_SMEP BIT(20)
#define GW_EFER_LMA BIT(10)
#define GW_EFER_NXE BIT(11)

/* Paging-structure entry bits (SDM Vol. 3A 4.3, 4.4.2, 4.5.4) */
#define GW_PTE_P BIT(0)
#define GW_PTE_RW BIT(1)
#define GW_PTE_US BIT(2)
#define GW_PTE_PS BIT(7)
#define GW_PTE_XD BIT(63)

struct guest_paging {
	u64 cr0, cr3, cr4, efer;
	/* CPUID 8000_0008 EAX[7:0]; 0 means 52. Clamped to 32..52. */
	unsigned int maxphyaddr;
};

/*
 * Guest-physical memory readers. They return false when gpa is not
 * readable guest RAM (outside guest RAM, hypervisor memory, MMIO). The walk
 * calls them only with naturally aligned addresses. read32 may be NULL
 * (then read64 of the containing 8 bytes is used).
 */
struct guest_mem_ops {
	bool (*read64)(void *ctx, u64 gpa, u64 *val);
	bool (*read32)(void *ctx, u64 gpa, u32 *val);
	void *ctx;
};

enum {
	GW_OK = 0,
	GW_NOT_PRESENT,	 /* P=0 at some level */
	GW_RESERVED_BIT, /* a reserved bit set in an entry */
	GW_BAD_TABLE,	 /* a table or entry address the ops refused */
	GW_NONCANONICAL, /* long mode: address not canonical */
	GW_PROTECTION,	 /* present, but the access is not allowed */
};

/* Access flags; none set = supervisor data read. */
#define GW_WRITE BIT(0) /* data write */
#define GW_USER BIT(1)	/* CPL 3 access */
#define GW_FETCH BIT(2) /* instruction fetch: NX (EFER.NXE), SMEP */

/**
 * Translate gva with access (GW_WRITE|GW_USER|GW_FETCH). Paging off: gpa =
 * gva (low 32 bits). 32-bit paging (4K, 4M pages with CR4.PSE and PSE-36),
 * PAE (4K, 2M), 4-level and 5-level (CR4.LA57; 4K, 2M, 1G). Reserved bits
 * per SDM 4.3/4.4.2/4.5.4 for the given maxphyaddr. Permissions: R/W with
 * CR0.WP, U/S, XD with EFER.NXE, SMEP; not SMAP (needs RFLAGS.AC) nor
 * protection keys. Accessed/dirty bits are not set.
 * Returns GW_OK with *gpa and *page_size (4K, 2M, 4M or 1G; 4K with paging
 * off), or one of the GW_ failures above.
 */
int guest_walk(const struct guest_paging *p, const struct guest_mem_ops *m, u64 gva,
	       unsigned int access, u64 *gpa, u64 *page_size);

/**
 * Fetch up to max (at most 15) instruction bytes at linear_rip (CS base
 * already added), crossing into the next page if needed. Pages are found
 * with a fetch walk that checks presence, reserved bits and XD but not the
 * CPL-dependent U/S, R/W and SMEP (the CPU has already fetched these bytes
 * at the guest's CPL). Returns the number of bytes read (>= 1): fewer than
 * max when the next page is not mapped or not readable. -EFAULT when the
 * first page does not translate (not present, reserved bit, XD,
 * non-canonical), -EIO when its page tables or the page itself are not
 * readable RAM, -EINVAL when max is 0 or m is NULL.
 */
int guest_fetch_insn(const struct guest_paging *p, const struct guest_mem_ops *m, u64 linear_rip,
		     u8 *buf, unsigned int max);

/** "ok", "not-present", "reserved-bit", ... for log lines. */
const char *guest_walk_result_name(int result);

#endif /* VMM_GUEST_WALK_H */
