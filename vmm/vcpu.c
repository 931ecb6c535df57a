// SPDX-License-Identifier: MIT
/*
 * Generic vCPU layer: exit dispatch through a designated-initializer table
 * indexed by the generic reason (bounds-checked; NULL = unhandled), the one
 * place RIP advances, event injection helpers, per-reason statistics and
 * the FATAL dump. Backends fill struct vcpu_exit and call vcpu_handle_exit.
 */
#define LOG_PREFIX "vcpu: "
#include "vmm/vcpu.h"
#include "boot/console.h"
#include "lib/bitops.h"
#include "lib/log.h"
#include "lib/spinlock.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "boot/percpu.h"
#include "vmm/exit.h"
#include "vmm/insn_decode.h"
#include "vmm/guest_mem.h"

struct vcpu guest_vcpu;

static const char *const exit_names[VCPU_EXIT_NR] = {
#define VCPU_EXIT_NAME(n) [VCPU_EXIT_##n] = #n,
	VCPU_EXIT_REASONS(VCPU_EXIT_NAME)
#undef VCPU_EXIT_NAME
};

const char *vcpu_exit_name(enum vcpu_exit_reason r)
{
	return (unsigned int)r < VCPU_EXIT_NR ? exit_names[r] : "?";
}

typedef enum exit_action (*exit_handler_fn)(struct vcpu *v);

static const exit_handler_fn exit_handlers[VCPU_EXIT_NR] = {
	[VCPU_EXIT_CPUID] = exit_handle_cpuid,
	[VCPU_EXIT_RDMSR] = exit_handle_rdmsr,
	[VCPU_EXIT_WRMSR] = exit_handle_wrmsr,
	[VCPU_EXIT_IO] = exit_handle_io,
	[VCPU_EXIT_CR_ACCESS] = exit_handle_cr,
	[VCPU_EXIT_XSETBV] = exit_handle_xsetbv,
	[VCPU_EXIT_NPF] = exit_handle_npf,
	[VCPU_EXIT_HYPERCALL] = exit_handle_undefined_insn,
	[VCPU_EXIT_VIRT_INSN] = exit_handle_undefined_insn,
	[VCPU_EXIT_INVD] = exit_handle_invd,
	[VCPU_EXIT_WBINVD] = exit_handle_invd,
	[VCPU_EXIT_TRIPLE_FAULT] = exit_handle_triple_fault,
	[VCPU_EXIT_NMI] = exit_handle_nmi,
	[VCPU_EXIT_INIT] = exit_handle_init,
	[VCPU_EXIT_HLT] = exit_handle_hlt,
};

/*
 * Remote flush protocol. flush_req: set (release) by the requester, cleared
 * (release) by the guest CPU after ops->flush_npt at the end of an exit;
 * kicks: NMIs sent for it, each consumed by one NMI exit (not reflected).
 */
static u32 flush_req;
static u32 kicks;

bool vcpu_take_kick(void)
{
	u32 k = READ_ONCE(kicks);

	while (k) {
		if (__atomic_compare_exchange_n(&kicks, &k, k - 1, false, __ATOMIC_ACQ_REL,
						__ATOMIC_RELAXED))
			return true;
	}
	return false;
}

bool vcpu_remote_flush(struct vcpu *v, u32 apic_id, u64 timeout_us)
{
	(void)v;
	STORE_RELEASE(flush_req, 1u);
	if (this_cpu()->role == CPU_ROLE_GUEST)
		return true; /* in an exit handler: flushed before the next entry */
	__atomic_fetch_add(&kicks, 1, __ATOMIC_RELEASE);
	lapic_send_nmi(apic_id);
	return tsc_wait_until(timeout_us, LOAD_ACQUIRE(flush_req) == 0);
}

enum exit_action vcpu_handle_exit(struct vcpu *v)
{
	enum vcpu_exit_reason r = v->exit.reason;
	exit_handler_fn fn;
	enum exit_action a;

	v->exits_total++;
	v->raw_exit_counts[v->exit.raw % VCPU_RAW_EXIT_SLOTS]++;
	if ((unsigned int)r >= VCPU_EXIT_NR)
		r = VCPU_EXIT_UNKNOWN;
	v->exit_counts[r]++;
	fn = exit_handlers[r];
	a = fn ? fn(v) : EXIT_UNHANDLED;
	if (a == EXIT_UNHANDLED)
		vcpu_fatal(v, "unhandled exit");
	if (a == EXIT_SHUTDOWN)
		exit_guest_shutdown(v);
	if (v->nmi_pending) {
		v->nmi_pending = false;
		v->ops->inject(v, VCPU_EVENT_NMI, 2, false, 0);
	}
	if (LOAD_ACQUIRE(flush_req)) {
		v->ops->flush_npt(v);
		STORE_RELEASE(flush_req, 0u);
	}
	return a;
}

/* @pre: v->exit describes an instruction-caused exit */
void vcpu_skip_insn(struct vcpu *v)
{
	u32 len = v->exit.insn_len;

	if (!len)
		len = guest_insn_length(v);
	if (!len)
		vcpu_fatal(v, "cannot determine the length of the exiting instruction");
	v->ops->write(v, VCPU_RIP, v->ops->read(v, VCPU_RIP) + len);
}

void vcpu_inject_ud(struct vcpu *v)
{
	v->ops->inject(v, VCPU_EVENT_EXCEPTION, 6, false, 0);
}

void vcpu_inject_gp(struct vcpu *v)
{
	v->ops->inject(v, VCPU_EVENT_EXCEPTION, 13, true, 0);
}

void vcpu_print_stats(const struct vcpu *v)
{
	printk("EXITS: total=%llu backend=%s\n", (unsigned long long)v->exits_total,
	       v->ops ? v->ops->name : "none");
	for (unsigned int r = 0; r < VCPU_EXIT_NR; r++)
		if (v->exit_counts[r])
			printk("EXITS: %s=%llu\n", exit_names[r],
			       (unsigned long long)v->exit_counts[r]);
	for (unsigned int i = 0; i < VCPU_RAW_EXIT_SLOTS; i++)
		if (v->raw_exit_counts[i] && v->ops)
			printk("EXITS: raw %s(%u)=%llu\n", v->ops->raw_exit_name(i), i,
			       (unsigned long long)v->raw_exit_counts[i]);
}

void vcpu_dump(struct vcpu *v)
{
	const struct vcpu_exit *e = &v->exit;
	static const char *const gpr_names[VCPU_NR_GPRS] = {
		"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
		"r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15",
	};

	printk("  exit %s (%s %u) qual=%#llx info2=%#llx\n", vcpu_exit_name(e->reason),
	       v->ops->name, e->raw, (unsigned long long)e->qual, (unsigned long long)e->info2);
	printk("  rip=%016llx rsp=%016llx rflags=%08llx cs_base=%llx\n",
	       (unsigned long long)v->ops->read(v, VCPU_RIP),
	       (unsigned long long)v->ops->read(v, VCPU_RSP),
	       (unsigned long long)v->ops->read(v, VCPU_RFLAGS),
	       (unsigned long long)v->ops->read(v, VCPU_CS_BASE));
	printk("  cr0=%016llx cr3=%016llx cr4=%016llx efer=%llx\n",
	       (unsigned long long)v->ops->read(v, VCPU_CR0),
	       (unsigned long long)v->ops->read(v, VCPU_CR3),
	       (unsigned long long)v->ops->read(v, VCPU_CR4),
	       (unsigned long long)v->ops->read(v, VCPU_EFER));
	printk("  gpa=%#llx gla=%#llx%s\n", (unsigned long long)e->gpa, (unsigned long long)e->gla,
	       e->gla_valid ? "" : " (invalid)");
	for (unsigned int i = 0; i < VCPU_NR_GPRS; i += 4)
		printk("  %-3s=%016llx %-3s=%016llx %-3s=%016llx %-3s=%016llx\n", gpr_names[i],
		       (unsigned long long)v->gprs[i], gpr_names[i + 1],
		       (unsigned long long)v->gprs[i + 1], gpr_names[i + 2],
		       (unsigned long long)v->gprs[i + 2], gpr_names[i + 3],
		       (unsigned long long)v->gprs[i + 3]);
	v->ops->dump(v);
}

void vcpu_fatal(struct vcpu *v, const char *why)
{
	printk("FATAL: %s: reason %s (%s %u)\n", why, vcpu_exit_name(v->exit.reason), v->ops->name,
	       v->exit.raw);
	vcpu_dump(v);
	vcpu_print_stats(v);
	hv_fatal("guest stopped on an unhandled %s exit", vcpu_exit_name(v->exit.reason));
}
