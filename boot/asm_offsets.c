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
#include "vmm/vcpu.h"

#define DEFINE(sym, val) __asm__ __volatile__("\n@@ASM_DEFINE@@ " #sym " %0" ::"i"(val))
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
	/* guest GPRs in struct vcpu, x86 encoding order */
	DEFINE(VCPU_GPR_RAX, offsetof(struct vcpu, gprs[GPR_RAX]));
	DEFINE(VCPU_GPR_RCX, offsetof(struct vcpu, gprs[GPR_RCX]));
	DEFINE(VCPU_GPR_RDX, offsetof(struct vcpu, gprs[GPR_RDX]));
	DEFINE(VCPU_GPR_RBX, offsetof(struct vcpu, gprs[GPR_RBX]));
	DEFINE(VCPU_GPR_RSP, offsetof(struct vcpu, gprs[GPR_RSP]));
	DEFINE(VCPU_GPR_RBP, offsetof(struct vcpu, gprs[GPR_RBP]));
	DEFINE(VCPU_GPR_RSI, offsetof(struct vcpu, gprs[GPR_RSI]));
	DEFINE(VCPU_GPR_RDI, offsetof(struct vcpu, gprs[GPR_RDI]));
	DEFINE(VCPU_GPR_R8, offsetof(struct vcpu, gprs[GPR_R8]));
	DEFINE(VCPU_GPR_R9, offsetof(struct vcpu, gprs[GPR_R9]));
	DEFINE(VCPU_GPR_R10, offsetof(struct vcpu, gprs[GPR_R10]));
	DEFINE(VCPU_GPR_R11, offsetof(struct vcpu, gprs[GPR_R11]));
	DEFINE(VCPU_GPR_R12, offsetof(struct vcpu, gprs[GPR_R12]));
	DEFINE(VCPU_GPR_R13, offsetof(struct vcpu, gprs[GPR_R13]));
	DEFINE(VCPU_GPR_R14, offsetof(struct vcpu, gprs[GPR_R14]));
	DEFINE(VCPU_GPR_R15, offsetof(struct vcpu, gprs[GPR_R15]));
}
