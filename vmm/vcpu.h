/* SPDX-License-Identifier: MIT */
/*
 * The generic vCPU: register state, the exit record every backend fills,
 * exit statistics, and the narrow ops table through which the shared exit
 * handlers (vmm/exit.c) reach the backend (vmm/vmx.c or vmm/svm.c).
 * Jailhouse's vcpu.c / vmx.c / svm.c split; the backend is picked at run
 * time from CPUID, so one image runs on Intel and AMD.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "lib/types.h"

/* General-purpose registers in x86 encoding order (ModRM reg numbers). */
enum vcpu_gpr {
	GPR_RAX = 0,
	GPR_RCX,
	GPR_RDX,
	GPR_RBX,
	GPR_RSP,
	GPR_RBP,
	GPR_RSI,
	GPR_RDI,
	GPR_R8,
	GPR_R9,
	GPR_R10,
	GPR_R11,
	GPR_R12,
	GPR_R13,
	GPR_R14,
	GPR_R15,
	VCPU_NR_GPRS
};

/* State kept by the backend (VMCS / VMCB), read and written through ops. */
enum vcpu_state {
	VCPU_RIP,
	VCPU_RSP,
	VCPU_RFLAGS,
	VCPU_CR0,
	VCPU_CR2,
	VCPU_CR3,
	VCPU_CR4,
	VCPU_EFER,
	VCPU_CS_BASE,
	VCPU_CS_LONG,
	VCPU_CS_DB,
	VCPU_CPL,
	VCPU_PAT,
	VCPU_NR_STATE
};

/* Generic exit reasons: each backend maps its own codes onto these. */
#define VCPU_EXIT_REASONS(X)                                     \
	X(UNKNOWN) /* a backend code no generic handler knows */ \
	X(CPUID)                                                 \
	X(RDMSR)                                                 \
	X(WRMSR)                                                 \
	X(IO)                                                    \
	X(CR_ACCESS)                                             \
	X(XSETBV)                                                \
	X(NPF) /* EPT violation / nested page fault */           \
	X(NPT_MISCONFIG)                                         \
	X(HLT)                                                   \
	X(HYPERCALL) /* VMCALL / VMMCALL */                      \
	X(VIRT_INSN) /* VMX or SVM instruction in the guest */   \
	X(INVD)                                                  \
	X(WBINVD)                                                \
	X(TRIPLE_FAULT) /* VMX triple fault, SVM shutdown */     \
	X(INIT)                                                  \
	X(SIPI)                                                  \
	X(NMI)	      /* an NMI arrived while the guest ran */   \
	X(EXCEPTION)  /* an intercepted guest exception */       \
	X(INTR)	      /* a host interrupt (none expected) */     \
	X(ENTRY_FAIL) /* VM entry failed on guest state */       \
	X(RDTSC)                                                 \
	X(PAUSE)                                                 \
	X(MONITOR_MWAIT)                                         \
	X(TASK_SWITCH)                                           \
	X(INVLPG)

enum vcpu_exit_reason {
#define VCPU_EXIT_ENUM(n) VCPU_EXIT_##n,
	VCPU_EXIT_REASONS(VCPU_EXIT_ENUM)
#undef VCPU_EXIT_ENUM
		VCPU_EXIT_NR
};

/* What an exit handler wants next. */
enum exit_action {
	EXIT_RESUME = 0, /* re-enter the guest */
	EXIT_UNHANDLED,	 /* FATAL: dump and stop */
	EXIT_SHUTDOWN,	 /* the guest asked to power off */
};

/* Everything a handler needs to know about one exit, decoded by the backend. */
struct vcpu_exit {
	enum vcpu_exit_reason reason;
	u32 raw;      /* VMX basic exit reason / SVM exit code */
	u64 qual;     /* VMX exit qualification / SVM EXITINFO1 */
	u64 info2;    /* SVM EXITINFO2 / VMX interruption info */
	u32 insn_len; /* 0: unknown (SVM without NRIPS): decode it */
	gpa_t gpa;    /* NPF */
	u64 gla;      /* NPF, if gla_valid */
	bool gla_valid;
	struct {
		u16 port;
		u8 size; /* 1, 2, 4 */
		bool in, string, rep;
	} io;
	struct {
		u8 cr;	 /* 0, 3, 4, 8 */
		u8 gpr;	 /* enum vcpu_gpr */
		u8 type; /* 0 mov to cr, 1 mov from cr, 2 clts, 3 lmsw */
		u16 lmsw_src;
	} cr;
	struct {
		bool read, write, fetch;
		bool translated; /* a translation existed (permission fault) */
	} npf;
	struct {
		u8 vector;
		bool has_error;
		u32 error;
	} exc;
	/* bytes of the faulting instruction, when the CPU supplies them (SVM
	 * decode assists); 0 = fetch them through the guest page tables */
	u8 nr_insn_bytes;
	u8 insn_bytes[15];
};

enum vcpu_event {
	VCPU_EVENT_EXCEPTION,
	VCPU_EVENT_NMI,
};

/* Initial register state of the guest (the Linux 64-bit boot entry). */
struct vcpu_boot_state {
	u64 rip, rsp, rsi, rflags;
	u64 cr0, cr3, cr4, efer;
	u64 gdt_base;
	u16 gdt_limit;
	u16 cs_sel, ds_sel; /* 64-bit flat code / data selectors in that GDT */
	hpa_t npt_root;	    /* EPT PML4 / NPT PML4 of the guest-physical map */
};

struct vcpu;

struct vcpu_ops {
	const char *name; /* "vmx" or "svm" */
	/** Prepare the VMCS/VMCB for the boot state. 0 or -errno. */
	int (*setup)(struct vcpu *v, const struct vcpu_boot_state *s);
	/** Enter the guest; exits call vcpu_handle_exit(); never returns. */
	void __noreturn (*run)(struct vcpu *v);
	u64 (*read)(struct vcpu *v, enum vcpu_state s);
	void (*write)(struct vcpu *v, enum vcpu_state s, u64 val);
	/** Queue an event for the next entry. */
	void (*inject)(struct vcpu *v, enum vcpu_event type, u8 vector, bool has_error, u32 error);
	/** Flush the guest-physical translations after an NPT/EPT change. */
	void (*flush_npt)(struct vcpu *v);
	/** Name of a backend exit code, for dumps and statistics. */
	const char *(*raw_exit_name)(u32 raw);
	/** Print backend state (VMCS / VMCB fields) for a FATAL dump. */
	void (*dump)(struct vcpu *v);
	/** Guest CR0/CR4 writes go through here (shadowing, fixed bits). */
	void (*set_cr)(struct vcpu *v, unsigned int cr, u64 val);
};

#define VCPU_RAW_EXIT_SLOTS 128

struct vcpu {
	u64 gprs[VCPU_NR_GPRS]; /* RSP/RAX slots: see the backend's notes */
	const struct vcpu_ops *ops;
	void *backend;
	struct vcpu_exit exit;
	u64 exits_total;
	u64 exit_counts[VCPU_EXIT_NR];
	u64 raw_exit_counts[VCPU_RAW_EXIT_SLOTS]; /* by raw code, folded */
	bool nmi_pending;			  /* reflect an NMI that was not ours */
	unsigned int cpu_index;
};

extern struct vcpu guest_vcpu;

const char *vcpu_exit_name(enum vcpu_exit_reason r);

/** Called by the backend's exit path with v->exit filled. */
enum exit_action vcpu_handle_exit(struct vcpu *v);

/** Advance RIP past the exiting instruction (the only place RIP moves). */
void vcpu_skip_insn(struct vcpu *v);

/** Inject #UD / #GP(0) into the guest. */
void vcpu_inject_ud(struct vcpu *v);
void vcpu_inject_gp(struct vcpu *v);

/**
 * From another CPU: make the guest CPU flush its EPT/NPT-derived TLB
 * entries (after an NPT change) before it runs guest code again. Kicks it
 * with an NMI; waits (bounded, timeout_us) for the flush. True if flushed;
 * false on timeout (the guest CPU was busy in the hypervisor: it still
 * flushes before its next VM entry).
 */
bool vcpu_remote_flush(struct vcpu *v, u32 apic_id, u64 timeout_us);
/** Consume a pending kick; true if the NMI was the hypervisor's own. */
bool vcpu_take_kick(void);

/** Print per-reason exit counters ("EXITS: cpuid=N ..."). */
void vcpu_print_stats(const struct vcpu *v);

/** Print the exit, guest registers and backend state. */
void vcpu_dump(struct vcpu *v);

/** FATAL dump of an unhandled exit, then stop the machine. */
void __noreturn vcpu_fatal(struct vcpu *v, const char *why);

#endif /* VMM_VCPU_H */
