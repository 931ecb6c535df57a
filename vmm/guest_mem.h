/* SPDX-License-Identifier: MIT */
/*
 * The guest's physical memory as the hypervisor sees it: which ranges are
 * guest RAM (identity-mapped: gpa == hpa == hva), safe access to them, and
 * fetching/decoding the guest's current instruction through its own page
 * tables (for MMIO emulation, and RIP advance on SVM without NRIPS).
 */
#ifndef VMM_GUEST_MEM_H
#define VMM_GUEST_MEM_H

#include "lib/memrange.h"
#include "vmm/insn_decode.h"
#include "vmm/vcpu.h"

#define GUEST_MEM_MAX_RANGES 128

/** Record the guest's RAM (the usable, ACPI and NVS ranges of its E820). */
void guest_mem_init(const struct mem_range *map, unsigned int nr);
/** Is [gpa, gpa+len) entirely guest RAM (never hypervisor memory, never MMIO)? */
bool guest_ram_contains(gpa_t gpa, u64 len);
/** Pointer to guest RAM, or NULL if the range is not entirely guest RAM. */
void *guest_ram_ptr(gpa_t gpa, u64 len);
/** Highest guest RAM address + 1. */
gpa_t guest_ram_top(void);

/** The CPU mode of the guest's code segment (for the decoder). */
enum insn_cpu_mode guest_cpu_mode(struct vcpu *v);
/** Fetch up to max bytes at the guest's RIP; returns the count or -errno. */
int guest_fetch_rip(struct vcpu *v, u8 *buf, unsigned int max);
/** Length of the instruction at RIP, 0 if it cannot be decoded. */
u32 guest_insn_length(struct vcpu *v);

#endif /* VMM_GUEST_MEM_H */
