// SPDX-License-Identifier: MIT
/*
 * Exit handlers shared by the VMX and SVM backends. Each takes the decoded
 * exit in v->exit and the guest registers in v->gprs (the backend syncs RSP,
 * and RAX on SVM, around the call). Guest mistakes get the architectural
 * answer (#GP, #UD, all-ones reads); only broken hypervisor state is fatal.
 */
#define LOG_PREFIX "HV: "
#include "vmm/exit.h"
#include "boot/cmdline.h"
#include "boot/console.h"
#include "boot/integrity.h"
#include "boot/msr.h"
#include "boot/x86.h"
#include "drivers/tsc.h"
#include "lib/bitops.h"
#include "lib/log.h"
#include "vmm/guest_mem.h"
#include "vmm/insn_decode.h"
#include "vmm/mmio.h"
#include "vmm/monitor.h"
#include "vmm/vpci.h"

/* clang-format off: register fields indented under their register */
#define ACPI_PM1_SLP_EN BIT(13)
#define PORT_RESET_CONTROL 0xcf9 /* ICH9 / PIIX4 reset control register */
#define RESET_CONTROL_RST_CPU BIT(2)
#define PORT_SYS_CTRL_A 0x92 /* System Control Port A ("fast A20") */
#define SYS_CTRL_A_RESET BIT(0)
#define PORT_KBC_DATA 0x60 /* 8042 keyboard controller */
#define PORT_KBC_CMD 0x64
#define KBC_CMD_WRITE_OUTPORT 0xd1 /* next data byte: output port (bit 0 reset, bit 1 A20) */
#define KBC_CMD_DISABLE_A20 0xdd
#define KBC_CMD_ENABLE_A20 0xdf
#define KBC_CMD_PULSE_MASK 0xf0 /* 0xf0-0xff pulse output port bits 3:0 low */
#define KBC_CMD_PULSE_RESET 0xfe
#define KBC_OUTPORT_RESET BIT(0)   /* active low */
#define PORT_QEMU_DEBUG_EXIT 0xf4  /* test beds: isa-debug-exit ends QEMU */
#define PORT_BOCHS_SHUTDOWN 0x8900 /* test beds: "Shutdown" ends Bochs */
#define MSR_IA32_VMX_FIRST 0x480
#define MSR_IA32_VMX_LAST 0x491
#define XCR0_X87 BIT(0)
#define XCR0_SSE BIT(1)
#define XCR0_AVX BIT(2)
/* clang-format on */

struct exit_platform exit_platform;
static u32 shutdown_pm1_value;
static u16 shutdown_port;
static u8 reset_control_shadow;	 /* the guest's view of 0xcf9 */
static bool kbc_outport_pending; /* the guest wrote 0xd1: next 0x60 byte is the output port */
static u64 platform_writes_dropped;

static void __noreturn guest_ended_badly(struct vcpu *v);

void exit_add_shutdown_hook(void (*fn)(void))
{
	for (unsigned int i = 0; i < ARRAY_SIZE(exit_platform.shutdown_hooks); i++)
		if (!exit_platform.shutdown_hooks[i]) {
			exit_platform.shutdown_hooks[i] = fn;
			return;
		}
}

static void set_edx_eax(struct vcpu *v, u64 val)
{
	v->gprs[GPR_RAX] = (u32)val;
	v->gprs[GPR_RDX] = val >> 32;
}

static u64 get_edx_eax(const struct vcpu *v)
{
	return ((v->gprs[GPR_RDX] & 0xffffffffULL) << 32) | (v->gprs[GPR_RAX] & 0xffffffffULL);
}

enum exit_action exit_handle_cpuid(struct vcpu *v)
{
	u32 leaf = (u32)v->gprs[GPR_RAX], sub = (u32)v->gprs[GPR_RCX];
	struct cpuid_regs r = cpuid_count(leaf, sub);

	cpuid_filter(&exit_platform.cpuid, leaf, sub, &r);
	/* CPUID ran in host context: bits that mirror CR4 must mirror the guest's */
	if (leaf == 1)
		r.ecx = (r.ecx & ~(u32)BIT(27)) |
			(v->ops->read(v, VCPU_CR4) & BIT(18) ? (u32)BIT(27) : 0); /* OSXSAVE */
	if (leaf == 7 && sub == 0)
		r.ecx = (r.ecx & ~(u32)BIT(4)) |
			(v->ops->read(v, VCPU_CR4) & BIT(22) ? (u32)BIT(4) : 0); /* OSPKE */
	v->gprs[GPR_RAX] = r.eax;
	v->gprs[GPR_RBX] = r.ebx;
	v->gprs[GPR_RCX] = r.ecx;
	v->gprs[GPR_RDX] = r.edx;
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

/* Only the MSRs in the backend's bitmap arrive here. */
enum exit_action exit_handle_rdmsr(struct vcpu *v)
{
	u32 msr = (u32)v->gprs[GPR_RCX];

	switch (msr) {
	case MSR_IA32_FEATURE_CONTROL: /* locked, VMX off */
		set_edx_eax(v, MSR_FEATURE_CONTROL_LOCK);
		break;
	case MSR_IA32_EFER:
		set_edx_eax(v, v->ops->read(v, VCPU_EFER));
		break;
	case MSR_AMD_VM_CR: /* SVM disabled and locked */
		set_edx_eax(v, MSR_VM_CR_SVMDIS | BIT(3));
		break;
	default: /* VMX capability MSRs, VM_HSAVE_PA, anything else */
		vcpu_inject_gp(v);
		return EXIT_RESUME;
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_handle_wrmsr(struct vcpu *v)
{
	u32 msr = (u32)v->gprs[GPR_RCX];

	if (msr == MSR_IA32_EFER) {
		/* only SCE, LME, LMA, NXE (and SVME, kept by the backend) exist:
		 * a reserved bit would make the next VM entry fail (APM 15.5.1) */
		if (get_edx_eax(v) & ~(u64)(MSR_EFER_SCE | MSR_EFER_LME | MSR_EFER_LMA |
					    MSR_EFER_NXE | MSR_EFER_SVME)) {
			vcpu_inject_gp(v);
			return EXIT_RESUME;
		}
		v->ops->write(v, VCPU_EFER, get_edx_eax(v));
		vcpu_skip_insn(v);
		return EXIT_RESUME;
	}
	/* FEATURE_CONTROL is locked; VMX/SVM MSRs do not exist for the guest */
	vcpu_inject_gp(v);
	return EXIT_RESUME;
}

static bool is_pm1_cnt(u16 port)
{
	return port && (port == exit_platform.pm1a_cnt || port == exit_platform.pm1b_cnt);
}

/* An S5 (or any sleep) request: SLP_EN in PM1x_CNT, also written as its high byte. */
static bool is_power_off(u16 *port, u8 size, u32 *val)
{
	if (is_pm1_cnt(*port))
		return *val & ACPI_PM1_SLP_EN;
	if (size == 1 && is_pm1_cnt(*port - 1) && ((*val << 8) & ACPI_PM1_SLP_EN)) {
		*port -= 1; /* replayed as the whole register */
		*val <<= 8;
		return true;
	}
	return false;
}

/*
 * An intercepted write nobody above handled: only plain byte writes to the
 * 8042 and writes to the PM1 control registers go on to the hardware.
 * Anything else (the emulators' exit ports, a wide write that reaches a
 * guarded byte register from a neighbouring port) is dropped.
 */
static bool write_passes_through(u16 port, u8 size)
{
	if (size == 1 && (port == PORT_KBC_DATA || port == PORT_KBC_CMD))
		return true;
	return size <= 2 && (is_pm1_cnt(port) || is_pm1_cnt(port - 1));
}

/*
 * Platform ports that reach the whole machine (reset, A20): the guest's
 * writes never go to the hardware. A reset request ends the guest
 * (GUEST-RESET, then guest_crash=); A20 stays enabled (with A20 masked the
 * hypervisor's own accesses above 1 MiB would alias guest RAM below it).
 * Returns true if the access was handled here; *reset on a reset request.
 */
static bool platform_port_io(u16 port, bool in, u32 *val, bool *reset)
{
	u8 b = (u8)*val;

	*reset = false;
	switch (port) {
	case PORT_RESET_CONTROL:
		if (in) {
			*val = reset_control_shadow;
			return true;
		}
		*reset = b & RESET_CONTROL_RST_CPU;
		reset_control_shadow = b & ~(u8)RESET_CONTROL_RST_CPU;
		return true;
	case PORT_SYS_CTRL_A:
		if (in)
			return false; /* A20 reads as enabled */
		*reset = b & SYS_CTRL_A_RESET;
		platform_writes_dropped++;
		return true;
	case PORT_KBC_CMD:
		if (in)
			return false;
		kbc_outport_pending = false;
		if ((b & KBC_CMD_PULSE_MASK) == KBC_CMD_PULSE_MASK) {
			*reset = !(b & KBC_OUTPORT_RESET);
			if (!*reset)
				platform_writes_dropped++; /* pulses nothing that matters */
			return true;
		}
		if (b == KBC_CMD_WRITE_OUTPORT) {
			kbc_outport_pending = true;
			return true;
		}
		if (b == KBC_CMD_DISABLE_A20 || b == KBC_CMD_ENABLE_A20) {
			platform_writes_dropped++;
			return true;
		}
		return false;
	case PORT_KBC_DATA:
		if (in || !kbc_outport_pending)
			return false;
		kbc_outport_pending = false;
		*reset = !(b & KBC_OUTPORT_RESET);
		platform_writes_dropped++;
		return true;
	default:
		return false;
	}
}

enum exit_action exit_handle_io(struct vcpu *v)
{
	u16 port = v->exit.io.port;
	u8 size = v->exit.io.size;
	u32 mask = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
	u32 val = (u32)v->gprs[GPR_RAX] & mask;
	bool reset;

	if (v->exit.io.string)
		return EXIT_UNHANDLED; /* no string I/O on the ports we filter */
	if (!v->exit.io.in && is_power_off(&port, size, &val)) {
		shutdown_port = port;
		shutdown_pm1_value = val;
		return EXIT_SHUTDOWN;
	}
	if (size == 1 && platform_port_io(port, v->exit.io.in, &val, &reset)) {
		if (reset) {
			printk("GUEST-RESET: reset request: port %#x value %#x at rip %#llx\n",
			       port, val, (unsigned long long)v->ops->read(v, VCPU_RIP));
			vcpu_dump(v);
			guest_ended_badly(v);
		}
	} else if (exit_platform.vpci &&
		   vpci_io(exit_platform.vpci, port, size, !v->exit.io.in, &val)) {
		/* handled */
	} else if (monitor_owns_port(port)) {
		val = mask; /* the hypervisor's control UART: absent for the guest */
	} else if (v->exit.io.in) {
		/* intercepted but not ours: pass through, one access */
		val = size == 1 ? inb(port) : size == 2 ? inw(port) : inl(port);
	} else if (!write_passes_through(port, size)) {
		platform_writes_dropped++;
	} else {
		if (size == 1)
			outb(port, (u8)val);
		else if (size == 2)
			outw(port, (u16)val);
		else
			outl(port, val);
	}
	if (v->exit.io.in)
		v->gprs[GPR_RAX] = (v->gprs[GPR_RAX] & ~(u64)mask) | (val & mask);
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_handle_cr(struct vcpu *v)
{
	const typeof(v->exit.cr) *c = &v->exit.cr;
	u64 cr0 = v->ops->read(v, VCPU_CR0);

	switch (c->type) {
	case 0: /* MOV to CR */
		if (c->cr != 0 && c->cr != 4)
			return EXIT_UNHANDLED;
		v->ops->set_cr(v, c->cr, v->gprs[c->gpr]);
		break;
	case 2: /* CLTS */
		v->ops->set_cr(v, 0, cr0 & ~(u64)BIT(3));
		break;
	case 3: /* LMSW: loads PE, MP, EM, TS; cannot clear PE */
		v->ops->set_cr(v, 0, (cr0 & ~0xeULL) | (c->lmsw_src & 0xf) | (cr0 & 1));
		break;
	default:
		return EXIT_UNHANDLED;
	}
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

enum exit_action exit_handle_xsetbv(struct vcpu *v)
{
	u32 index = (u32)v->gprs[GPR_RCX];
	u64 val = get_edx_eax(v);
	struct cpuid_regs d = cpuid_count(0xd, 0);
	u64 supported = ((u64)d.edx << 32) | d.eax;

	if (index != 0 || !(val & XCR0_X87) || (val & ~supported) ||
	    ((val & XCR0_AVX) && !(val & XCR0_SSE))) {
		vcpu_inject_gp(v);
		return EXIT_RESUME;
	}
	__asm__ __volatile__("xsetbv" ::"a"((u32)val), "d"((u32)(val >> 32)), "c"(index));
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

static u64 reg_read(struct vcpu *v, const struct insn_mmio *d)
{
	u64 r = v->gprs[d->reg];

	return d->reg_high_byte ? (r >> 8) & 0xff : r;
}

static void reg_write_loaded(struct vcpu *v, const struct insn_mmio *d, u64 val)
{
	unsigned int dst = d->dst_size ? d->dst_size : d->size;
	u64 *r = &v->gprs[d->reg];
	u64 mask;

	if (d->ext == INSN_EXT_SIGN && d->size < 8) {
		unsigned int shift = 64 - d->size * 8;

		val = (u64)((s64)(val << shift) >> shift);
	} else if (d->size < 8) {
		val &= (1ULL << (d->size * 8)) - 1;
	}
	if (d->reg_high_byte) {
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
		return;
	}
	if (dst == 8 || (dst == 4 && d->zero_upper32)) {
		*r = dst == 8 ? val : (val & 0xffffffffULL);
		return;
	}
	mask = (1ULL << (dst * 8)) - 1;
	*r = (*r & ~mask) | (val & mask);
}

/* An access to a guest-physical address outside the guest's EPT/NPT map. */
enum exit_action exit_handle_npf(struct vcpu *v)
{
	struct mmio_access a = { .gpa = v->exit.gpa };
	enum mmio_result res = MMIO_HANDLED;
	struct insn_mmio d;
	u8 buf[15];
	int n;

	if (v->exit.npf.fetch)
		goto cannot_emulate;
	n = guest_fetch_rip(v, buf, sizeof(buf));
	if (n <= 0 || insn_decode_mmio(buf, (unsigned int)n, guest_cpu_mode(v), &d))
		goto cannot_emulate;
	a.size = d.size;
	a.write = d.write;
	if (d.write)
		a.value = d.src_kind == INSN_OP_IMM ? d.imm : reg_read(v, &d);
	if (!mmio_dispatch(&a, &res)) {
		/* hypervisor memory, hidden ECAM, nothing: reads float high */
		if (a.write)
			exit_platform.hv_mem_writes++;
		else
			exit_platform.hv_mem_reads++;
		if (exit_platform.hv_mem_reads + exit_platform.hv_mem_writes <= 8)
			pr_warn("guest %s of %u bytes at gpa %#llx outside its memory: %s\n",
				a.write ? "write" : "read", a.size, (unsigned long long)a.gpa,
				a.write ? "dropped" : "reads all-ones");
		else if (exit_platform.hv_mem_reads + exit_platform.hv_mem_writes == 9)
			pr_warn("more guest accesses outside its memory: counted, not printed\n");
		a.value = ~0ULL;
	} else {
		exit_platform.mmio_emulated++;
		if (res == MMIO_ERROR)
			a.value = ~0ULL;
	}
	if (!a.write)
		reg_write_loaded(v, &d, a.value);
	v->exit.insn_len = d.len;
	vcpu_skip_insn(v);
	return EXIT_RESUME;

cannot_emulate:
	pr_warn("cannot emulate the guest's access to gpa %#llx (%s); injecting #GP\n",
		(unsigned long long)v->exit.gpa,
		v->exit.npf.fetch ? "instruction fetch" : "undecodable");
	vcpu_inject_gp(v);
	return EXIT_RESUME;
}

enum exit_action exit_handle_undefined_insn(struct vcpu *v)
{
	vcpu_inject_ud(v);
	return EXIT_RESUME;
}

enum exit_action exit_handle_invd(struct vcpu *v)
{
	/* INVD would drop dirty lines of hypervisor memory: flush instead */
	__asm__ __volatile__("wbinvd" ::: "memory");
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

/* The guest is dead: dump it, then halt, reset or power off (guest_crash=). */
enum exit_action exit_handle_triple_fault(struct vcpu *v)
{
	printk("GUEST-CRASH: triple fault at rip %#llx\n",
	       (unsigned long long)v->ops->read(v, VCPU_RIP));
	vcpu_dump(v);
	guest_ended_badly(v);
}

enum exit_action exit_handle_nmi(struct vcpu *v)
{
	/* Not a panic stop (that halts in the NMI handler): a kick, or the guest's */
	if (!vcpu_take_kick())
		v->nmi_pending = true;
	return EXIT_RESUME;
}

enum exit_action exit_handle_init(struct vcpu *v)
{
	(void)v; /* the guest has one CPU: nobody sends it INIT */
	return EXIT_RESUME;
}

enum exit_action exit_handle_hlt(struct vcpu *v)
{
	vcpu_skip_insn(v);
	return EXIT_RESUME;
}

/* The end of every guest: counters, the hooks' lines, the integrity verdict. */
static void guest_final_report(struct vcpu *v)
{
	vcpu_print_stats(v);
	printk("HV: guest accesses outside its memory: reads=%llu writes=%llu, mmio emulated=%llu\n",
	       (unsigned long long)exit_platform.hv_mem_reads,
	       (unsigned long long)exit_platform.hv_mem_writes,
	       (unsigned long long)exit_platform.mmio_emulated);
	printk("HV: guest platform-port writes dropped=%llu\n",
	       (unsigned long long)platform_writes_dropped);
	for (unsigned int i = 0; i < ARRAY_SIZE(exit_platform.shutdown_hooks); i++)
		if (exit_platform.shutdown_hooks[i])
			exit_platform.shutdown_hooks[i]();
	integrity_check();
}

/* A triple fault or a reset request: the guest cannot go on (guest_crash=). */
static void __noreturn guest_ended_badly(struct vcpu *v)
{
	if (hv_opts.guest_crash == GUEST_CRASH_POWEROFF)
		exit_guest_shutdown(v);
	guest_final_report(v);
	if (hv_opts.guest_crash == GUEST_CRASH_RESET) {
		printk("HV: resetting the machine (guest_crash=reset)\n");
		outb(PORT_RESET_CONTROL, 0x06);
		mdelay(100);
		outb(PORT_KBC_CMD, KBC_CMD_PULSE_RESET);
		mdelay(100);
		printk("HV: reset did not happen\n");
	}
	printk("HV: guest crashed; halted (guest_crash=halt)\n");
	cpu_halt_forever();
}

void exit_guest_shutdown(struct vcpu *v)
{
	printk("HV: guest shutdown\n");
	guest_final_report(v);
	printk("HV: powering off\n");
	if (shutdown_port) {
		outw(shutdown_port, (u16)shutdown_pm1_value);
		mdelay(100);
	}
	console_emulator_exit(0);
}
