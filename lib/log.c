// SPDX-License-Identifier: MIT
/*
 * Console logging. Normal output is serialised by a lock so lines from the
 * two CPUs do not interleave; the panic path bypasses the lock (the owner
 * may be the CPU that is stopped) and is entered by one CPU only.
 */
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/spinlock.h"

static const struct log_ops *log_ops;
static enum log_level log_level = LOG_INFO;
static struct spinlock log_lock = SPINLOCK_INIT;
static u32 panicking;

void log_init(const struct log_ops *ops)
{
	log_ops = ops;
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level log_get_level(void)
{
	return log_level;
}

static void emit(const char *buf, int n, size_t cap)
{
	if (!log_ops || !log_ops->write || n <= 0)
		return;
	log_ops->write(buf, (size_t)n < cap ? (size_t)n : cap - 1);
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (READ_ONCE(panicking)) {
		emit(buf, n, sizeof(buf));
		return;
	}
	spin_lock(&log_lock);
	emit(buf, n, sizeof(buf));
	spin_unlock(&log_lock);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

bool panic_in_progress(void)
{
	return READ_ONCE(panicking) != 0;
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
	char buf[512];
	unsigned int cpu = 0;
	va_list ap;
	int n;

	/* Only the first CPU to panic reports; a nested panic just stops. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) {
		if (log_ops && log_ops->panic_exit)
			log_ops->panic_exit();
		for (;;)
			cpu_relax();
	}
	if (log_ops && log_ops->panic_enter)
		cpu = log_ops->panic_enter();
	n = snprintf(buf, sizeof(buf), "\nPANIC: cpu=%u %s:%d: ", cpu, file, line);
	emit(buf, n, sizeof(buf));
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	emit(buf, n, sizeof(buf));
	emit("\n", 1, 2);
	if (log_ops && log_ops->backtrace)
		log_ops->backtrace();
	if (log_ops && log_ops->panic_exit)
		log_ops->panic_exit();
	for (;;)
		cpu_relax();
}
