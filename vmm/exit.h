/* SPDX-License-Identifier: MIT */
/*
 * Exit handlers shared by both backends (one per generic reason), and the
 * platform facts they need, set up once by the boot code.
 */
#ifndef VMM_EXIT_H
#define VMM_EXIT_H

#include "vmm/cpuid.h"
#include "vmm/vcpu.h"

struct vpci;

struct exit_platform {
	struct cpuid_policy cpuid;
	struct vpci *vpci;	/* CF8/CFC filter */
	u16 pm1a_cnt, pm1b_cnt; /* ACPI PM1 control: the S5 write */
	/* Extra console output at guest shutdown (vIOMMU counters...). */
	void (*shutdown_hooks[8])(void);
	u64 hv_mem_reads, hv_mem_writes; /* guest touched non-guest memory */
	u64 mmio_emulated;
};

extern struct exit_platform exit_platform;

/** Register a function printing counters when the guest shuts down. */
void exit_add_shutdown_hook(void (*fn)(void));

enum exit_action exit_handle_cpuid(struct vcpu *v);
enum exit_action exit_handle_rdmsr(struct vcpu *v);
enum exit_action exit_handle_wrmsr(struct vcpu *v);
enum exit_action exit_handle_io(struct vcpu *v);
enum exit_action exit_handle_cr(struct vcpu *v);
enum exit_action exit_handle_xsetbv(struct vcpu *v);
enum exit_action exit_handle_npf(struct vcpu *v);
enum exit_action exit_handle_undefined_insn(struct vcpu *v);
enum exit_action exit_handle_invd(struct vcpu *v);
enum exit_action exit_handle_triple_fault(struct vcpu *v);
enum exit_action exit_handle_nmi(struct vcpu *v);
enum exit_action exit_handle_init(struct vcpu *v);
enum exit_action exit_handle_hlt(struct vcpu *v);

/** Print the counters and power the machine off (the guest's S5 request). */
void __noreturn exit_guest_shutdown(struct vcpu *v);

#endif /* VMM_EXIT_H */
