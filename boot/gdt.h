/* SPDX-License-Identifier: MIT */
/*
 * Host GDT and TSS (SDM Vol. 3A 3.4.5, 7.7 "Task management in 64-bit mode").
 * One GDT + TSS per CPU; the TSS carries IST stacks so that NMI, #DF and #MC
 * always run on a known-good stack.
 */
#ifndef BOOT_GDT_H
#define BOOT_GDT_H

#include "lib/types.h"

#define BOOT_GDT_CODE64 0x08 /* also the selectors of the entry.asm GDT */
#define BOOT_GDT_DATA 0x10
#define GDT_SEL_TSS 0x18 /* 16-byte system descriptor: slots 3 and 4 */
#define GDT_NR_ENTRIES 5

/* Interrupt stack table slots (1-based, 0 = no stack switch). */
#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3
#define IST_COUNT 3
#define IST_STACK_SIZE 4096

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct cpu;
/** Build and load this CPU's GDT and TSS (ist_tops[i] = top of IST stack i+1). */
void gdt_load_percpu(struct cpu *c, const hva_t ist_tops[IST_COUNT]);

#endif /* BOOT_GDT_H */
