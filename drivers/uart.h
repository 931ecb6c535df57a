/* SPDX-License-Identifier: MIT */
/* 16550 UART console (polled, no interrupts). */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include "lib/types.h"

#define UART_COM1 0x3f8

/** Program port for 115200 8N1; returns false if no UART answers there. */
bool uart_init(u16 port);
/** Write len bytes, "\n" as "\r\n"; bounded wait per byte, never hangs. */
void uart_write(const char *s, size_t len);
/** Non-blocking read: returns -1 when no byte is waiting. */
int uart_getc(void);

#endif /* DRIVERS_UART_H */
