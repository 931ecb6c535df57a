// SPDX-License-Identifier: MIT
/*
 * IDT and host exception handling. The hypervisor runs with interrupts
 * disabled; the only expected events are NMIs (panic stop, kicks) and the
 * #GP of rdmsr_safe(). Anything else is a hypervisor bug: dump and panic.
 */
#include "boot/exception.h"
#include "boot/gdt.h"
#include "boot/percpu.h"
#include "boot/x86.h"
#include "lib/log.h"
#include "lib/spinlock.h"

extern const u64 exc_stub_table[EXC_NR_VECTORS];
extern const u8 rdmsr_safe_insn[], rdmsr_safe_fixup[];

void (*exception_nmi_hook)(struct exc_frame *f);

struct idt_gate {
	u64 lo, hi;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit IDT gate");

static struct idt_gate idt[EXC_NR_VECTORS] __aligned(16);
static bool idt_built;

static const char *const exc_names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS",
	"#NP", "#SS", "#GP", "#PF", "RSV", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
	"RSV", "RSV", "RSV", "RSV", "RSV", "RSV", "#HV", "#VC", "#SX", "RSV",
};

static u8 vector_ist(unsigned int v)
{
	switch (v) {
	case EXC_NMI:
		return IST_NMI;
	case EXC_DF:
		return IST_DF;
	case EXC_MC:
		return IST_MC;
	default:
		return 0;
	}
}

static void idt_build(void)
{
	for (unsigned int v = 0; v < EXC_NR_VECTORS; v++) {
		u64 h = exc_stub_table[v];

		/* SDM Vol. 3A 6.14.1: 64-bit interrupt gate, type 0xE, P=1 */
		idt[v].lo = (h & 0xffff) | ((u64)BOOT_GDT_CODE64 << 16) |
			    ((u64)vector_ist(v) << 32) | (0x8eULL << 40) |
			    (((h >> 16) & 0xffff) << 48);
		idt[v].hi = h >> 32;
	}
	idt_built = true;
}

void idt_load(void)
{
	struct {
		u16 limit;
		u64 base;
	} __packed ptr = { sizeof(idt) - 1, (u64)(uintptr_t)idt };

	if (!idt_built)
		idt_build();
	__asm__ __volatile__("lidt %0" ::"m"(ptr));
}

void backtrace_from(u64 rbp)
{
	printk("  backtrace (addresses: see build/hv.sym):");
	for (int depth = 0; depth < 16 && rbp; depth++) {
		u64 *fp = (u64 *)(uintptr_t)rbp;

		if ((rbp & 7) || !percpu_on_stack(rbp) || !percpu_on_stack(rbp + 8))
			break;
		printk(" %#llx", (unsigned long long)fp[1]);
		if (fp[0] <= rbp) /* frames must move up the stack */
			break;
		rbp = fp[0];
	}
	printk("\n");
}

static void dump_frame(const struct exc_frame *f)
{
	const char *name = f->vector < 32 ? exc_names[f->vector] : "IRQ";
	struct cpu *c = this_cpu();

	printk("EXCEPTION: %s vector=%llu error=%#llx cpu=%u\n", name,
	       (unsigned long long)f->vector, (unsigned long long)f->error_code, c ? c->index : 0);
	printk("  rip=%016llx cs=%04llx rflags=%08llx rsp=%016llx ss=%04llx\n",
	       (unsigned long long)f->rip, (unsigned long long)f->cs, (unsigned long long)f->rflags,
	       (unsigned long long)f->rsp, (unsigned long long)f->ss);
	printk("  rax=%016llx rbx=%016llx rcx=%016llx rdx=%016llx\n", (unsigned long long)f->rax,
	       (unsigned long long)f->rbx, (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	printk("  rsi=%016llx rdi=%016llx rbp=%016llx r8 =%016llx\n", (unsigned long long)f->rsi,
	       (unsigned long long)f->rdi, (unsigned long long)f->rbp, (unsigned long long)f->r8);
	printk("  r9 =%016llx r10=%016llx r11=%016llx r12=%016llx\n", (unsigned long long)f->r9,
	       (unsigned long long)f->r10, (unsigned long long)f->r11, (unsigned long long)f->r12);
	printk("  r13=%016llx r14=%016llx r15=%016llx\n", (unsigned long long)f->r13,
	       (unsigned long long)f->r14, (unsigned long long)f->r15);
	printk("  cr0=%016llx cr2=%016llx cr3=%016llx cr4=%016llx\n",
	       (unsigned long long)read_cr0(), (unsigned long long)read_cr2(),
	       (unsigned long long)read_cr3(), (unsigned long long)read_cr4());
	printk("  frame at rip: ");
	backtrace_from(f->rbp);
}

void exception_dispatch(struct exc_frame *f)
{
	if (f->vector == EXC_GP && f->rip == (u64)(uintptr_t)rdmsr_safe_insn) {
		f->rip = (u64)(uintptr_t)rdmsr_safe_fixup;
		return;
	}
	if (f->vector == EXC_NMI) {
		if (panic_in_progress()) {
			struct cpu *c = this_cpu();

			if (c)
				STORE_RELEASE(c->shared.state, (u32)CPU_STATE_STOPPED);
			cpu_halt_forever();
		}
		if (exception_nmi_hook)
			exception_nmi_hook(f);
		return;
	}
	dump_frame(f);
	panic("unexpected %s (vector %llu) at rip %#llx",
	      f->vector < 32 ? exc_names[f->vector] : "interrupt", (unsigned long long)f->vector,
	      (unsigned long long)f->rip);
}
