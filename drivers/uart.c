// SPDX-License-Identifier: MIT
/*
 * 16550 UART, polled (PC16550D datasheet register map). Every wait for the
 * transmitter is bounded so that a missing or wedged UART cannot hang the
 * hypervisor; characters are dropped instead.
 */
#include "drivers/uart.h"
#include "boot/x86.h"
#include "lib/spinlock.h"

/* clang-format off: register fields indented under their register */
#define UART_THR 0 /* transmit holding (DLAB=0) */
#define UART_RBR 0 /* receive buffer (DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_IER 1
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_FCR 2
#define UART_LCR 3
#define UART_LCR_8N1 0x03
#define UART_LCR_DLAB 0x80
#define UART_MCR 4
#define UART_MCR_DTR_RTS 0x03
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20
#define UART_SCR 7

#define UART_TX_SPINS 100000
/* clang-format on */

static u16 uart_port;
static bool uart_present;

bool uart_init(u16 port)
{
	uart_port = port;
	outb(port + UART_SCR, 0x5a);
	uart_present = inb(port + UART_SCR) == 0x5a;
	if (!uart_present)
		return false;
	outb(port + UART_IER, 0);
	outb(port + UART_LCR, UART_LCR_DLAB);
	outb(port + UART_DLL, 1); /* 115200 baud */
	outb(port + UART_DLM, 0);
	outb(port + UART_LCR, UART_LCR_8N1);
	outb(port + UART_FCR, 0xc7); /* enable and clear FIFOs */
	outb(port + UART_MCR, UART_MCR_DTR_RTS);
	return true;
}

static void uart_putc(char c)
{
	for (int i = 0; i < UART_TX_SPINS; i++) {
		if (inb(uart_port + UART_LSR) & UART_LSR_THRE)
			break;
		cpu_relax();
	}
	outb(uart_port + UART_THR, (u8)c);
}

void uart_write(const char *s, size_t len)
{
	if (!uart_present)
		return;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}

int uart_getc(void)
{
	if (!uart_present || !(inb(uart_port + UART_LSR) & UART_LSR_DR))
		return -1;
	return inb(uart_port + UART_RBR);
}
