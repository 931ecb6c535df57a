// SPDX-License-Identifier: MIT
/*
 * Per-CPU GDT and TSS. Layout: null, 64-bit code (0x08), data (0x10),
 * 64-bit TSS (0x18, two slots). Loading reloads CS through a far return.
 */
#include "boot/gdt.h"
#include "boot/percpu.h"
#include "lib/bitops.h"
#include "lib/string.h"

#define SEG_CODE64 0x00af9a000000ffffULL /* P, DPL0, code exec/read, L */
#define SEG_DATA 0x00cf92000000ffffULL	 /* P, DPL0, data read/write */

struct gdt_ptr {
	u16 limit;
	u64 base;
} __packed;

static void tss_descriptor(u64 *slot, u64 base, u32 limit)
{
	slot[0] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
		  (0x89ULL << 40) /* P, type 9: available 64-bit TSS */ |
		  ((u64)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xffULL) << 56);
	slot[1] = base >> 32;
}

void gdt_load_percpu(struct cpu *c, const hva_t ist_tops[IST_COUNT])
{
	struct gdt_ptr ptr;

	memset(&c->tss, 0, sizeof(c->tss));
	for (int i = 0; i < IST_COUNT; i++)
		c->tss.ist[i] = ist_tops[i];
	c->tss.rsp[0] = c->stack_top;
	c->tss.iomap_base = sizeof(c->tss); /* no I/O bitmap */

	c->gdt[0] = 0;
	c->gdt[BOOT_GDT_CODE64 / 8] = SEG_CODE64;
	c->gdt[BOOT_GDT_DATA / 8] = SEG_DATA;
	tss_descriptor(&c->gdt[GDT_SEL_TSS / 8], (u64)(uintptr_t)&c->tss, sizeof(c->tss) - 1);

	ptr.limit = sizeof(c->gdt) - 1;
	ptr.base = (u64)(uintptr_t)c->gdt;
	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movw %w2, %%ax\n\t"
			     "movw %%ax, %%ds\n\t"
			     "movw %%ax, %%es\n\t"
			     "movw %%ax, %%ss\n\t"
			     "ltr %w3\n\t"
			     :
			     : "m"(ptr), "i"(BOOT_GDT_CODE64), "i"(BOOT_GDT_DATA),
			       "r"((u16)GDT_SEL_TSS)
			     : "rax", "memory");
}
