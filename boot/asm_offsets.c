// SPDX-License-Identifier: MIT
/*
 * Constants and struct offsets for the assembly files, generated at build
 * time into build/gen/asm_offsets.inc (Jailhouse's asm-defines idea): this
 * file is compiled to assembly only and the markers turned into %defines.
 */
#include <stddef.h>
#include "boot/exception.h"
#include "boot/gdt.h"
#include "boot/percpu.h"
#include "boot/smp.h"

#define DEFINE(sym, val) \
	__asm__ __volatile__("\n@@ASM_DEFINE@@ " #sym " %0" ::"i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
	DEFINE(BOOT_GDT_CODE64, BOOT_GDT_CODE64);
	DEFINE(BOOT_GDT_DATA, BOOT_GDT_DATA);
	DEFINE(BOOT_STACK_SIZE, CPU_STACK_SIZE);
	DEFINE(EXC_FRAME_SIZE, sizeof(struct exc_frame));
	DEFINE(AP_TRAMPOLINE_PA, AP_TRAMPOLINE_PA);
	DEFINE(AP_PARAMS_PA, AP_PARAMS_PA);
	DEFINE(AP_PARAMS_OFFSET, AP_PARAMS_OFFSET);
	OFFSET(APB_CR3, ap_boot_params, cr3);
	OFFSET(APB_STACK_TOP, ap_boot_params, stack_top);
	OFFSET(APB_CPU, ap_boot_params, cpu);
	OFFSET(APB_ENTRY, ap_boot_params, entry);
}
