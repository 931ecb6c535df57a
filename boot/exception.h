/* SPDX-License-Identifier: MIT */
/*
 * Host exception handling: IDT, the register frame built by exception.asm,
 * and the dump printed before panicking on an unexpected exception.
 */
#ifndef BOOT_EXCEPTION_H
#define BOOT_EXCEPTION_H

#include "lib/types.h"

/* Pushed by exception.asm (GPRs) and the CPU (vector/error are ours). */
struct exc_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss; /* hardware frame */
};
_Static_assert(sizeof(struct exc_frame) == 22 * 8, "exception frame");
/* exception.asm pushes RAX first and R15 last, after the vector/error pair */
_Static_assert(offsetof(struct exc_frame, rax) == 14 * 8, "GPR push order");
_Static_assert(offsetof(struct exc_frame, vector) == 15 * 8, "stub pushes");
_Static_assert(offsetof(struct exc_frame, rip) == 17 * 8, "hardware frame");

#define EXC_NMI 2
#define EXC_DF 8
#define EXC_GP 13
#define EXC_PF 14
#define EXC_MC 18
#define EXC_NR_VECTORS 256

/** Build the IDT (once) and load it on this CPU. */
void idt_load(void);

/** Handler for NMIs that are not a panic stop (e.g. a kick); may be NULL. */
extern void (*exception_nmi_hook)(struct exc_frame *f);

/** Print a frame-pointer backtrace starting at rbp (bounded, stack-checked). */
void backtrace_from(u64 rbp);

/** Called from exception.asm with interrupts off. */
void exception_dispatch(struct exc_frame *f);

#endif /* BOOT_EXCEPTION_H */
