/* SPDX-License-Identifier: MIT */
/* Console wiring: UART sink for lib/log, and the panic hooks. */
#ifndef BOOT_CONSOLE_H
#define BOOT_CONSOLE_H

#include "lib/types.h"

/** Bring up the UART at port and route lib/log output to it. */
void console_init(u16 port);

/* What panic does after printing (the `panic=` option). */
enum console_panic_action {
	CONSOLE_PANIC_HALT = 0,
	CONSOLE_PANIC_EXIT, /* leave the emulator with a failure code */
	CONSOLE_PANIC_REBOOT,
};
void console_set_panic_action(enum console_panic_action a);

/** Leave the emulator: QEMU isa-debug-exit (0xf4), then Bochs's 0x8900. */
void __noreturn console_emulator_exit(u32 code);

/** Platform feature missing or firmware unusable: "FATAL: msg", then stop. */
void __noreturn hv_fatal(const char *fmt, ...) __printf(1, 2);

#endif /* BOOT_CONSOLE_H */
