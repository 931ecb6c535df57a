// SPDX-License-Identifier: MIT
/*
 * Console and panic plumbing. panic() (lib/log.c) calls panic_enter to stop
 * the other CPUs by NMI (they halt in the NMI handler), prints, then
 * panic_exit halts, resets, or (panic=exit, for tests) leaves the emulator
 * with a failure status: QEMU's isa-debug-exit device at port 0xf4 exits
 * with (code << 1) | 1, Bochs exits on "Shutdown" written to port 0x8900.
 */
#include "boot/console.h"
#include "boot/exception.h"
#include "boot/percpu.h"
#include "boot/smp.h"
#include "boot/x86.h"
#include "drivers/uart.h"
#include <stdarg.h>
#include "lib/log.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900
#define PANIC_EXIT_CODE 0x10 /* QEMU exit status 33 */

static enum console_panic_action panic_action;

static unsigned int console_panic_enter(void)
{
	struct cpu *c = this_cpu();

	smp_stop_others();
	return c ? c->index : 0;
}

void console_emulator_exit(u32 code)
{
	const char *s = "Shutdown";

	outl(QEMU_DEBUG_EXIT_PORT, code);
	for (; *s; s++)
		outb(BOCHS_SHUTDOWN_PORT, (u8)*s);
	cpu_halt_forever();
}

static void __noreturn console_panic_exit(void)
{
	switch (panic_action) {
	case CONSOLE_PANIC_EXIT:
		printk("HV: panic: leaving the emulator\n");
		console_emulator_exit(PANIC_EXIT_CODE);
	case CONSOLE_PANIC_REBOOT:
		printk("HV: panic: resetting\n");
		outb(0xcf9, 0x06); /* PCI reset control: hard reset */
		outb(0x64, 0xfe);  /* keyboard controller reset */
		break;
	case CONSOLE_PANIC_HALT:
		break;
	}
	printk("HV: halted\n");
	cpu_halt_forever();
}

static void console_backtrace(void)
{
	backtrace_from(read_fp());
}

static const struct log_ops console_log_ops = {
	.write = uart_write,
	.panic_enter = console_panic_enter,
	.panic_exit = console_panic_exit,
	.backtrace = console_backtrace,
};

void console_init(u16 port)
{
	uart_init(port);
	log_init(&console_log_ops);
}

void console_set_panic_action(enum console_panic_action a)
{
	panic_action = a;
}

void hv_fatal(const char *fmt, ...)
{
	va_list ap;

	printk("FATAL: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	smp_stop_others();
	if (panic_action == CONSOLE_PANIC_EXIT)
		console_emulator_exit(PANIC_EXIT_CODE + 1);
	printk("HV: halted\n");
	cpu_halt_forever();
}
