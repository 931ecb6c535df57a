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
static struct {
	char *buf; /* non-NULL while a capture is on; all under log_lock */
	size_t cap, len;
} capture;

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

/* @pre: log_lock held. End the capture; what it held (NULL: none) and its length. */
static char *capture_take(size_t *len)
{
	char *held = capture.buf;

	*len = capture.len;
	capture.buf = NULL;
	return held;
}

/* Write out what a capture held, a line (one lock hold) at a time. */
static void emit_held(const char *buf, size_t len)
{
	if (!buf || !log_ops || !log_ops->write)
		return;
	while (len) {
		size_t n = 0;

		while (n < len && buf[n++] != '\n')
			;
		spin_lock(&log_lock);
		log_ops->write(buf, n);
		spin_unlock(&log_lock);
		buf += n;
		len -= n;
	}
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n <= 0 ? 0 : ((size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	char *held = NULL;
	size_t held_len = 0;

	if (READ_ONCE(panicking)) {
		emit(buf, n, sizeof(buf));
		return;
	}
	spin_lock(&log_lock);
	if (capture.buf && capture.cap - capture.len >= len) {
		for (size_t i = 0; i < len; i++)
			capture.buf[capture.len + i] = buf[i];
		capture.len += len;
		spin_unlock(&log_lock);
		return;
	}
	if (capture.buf) /* full: end it, the held lines go first */
		held = capture_take(&held_len);
	spin_unlock(&log_lock);
	emit_held(held, held_len);
	spin_lock(&log_lock);
	emit(buf, n, sizeof(buf));
	spin_unlock(&log_lock);
}

bool log_capture_begin(char *buf, size_t cap)
{
	bool ok;

	spin_lock(&log_lock);
	ok = !capture.buf && buf && cap;
	if (ok) {
		capture.buf = buf;
		capture.cap = cap;
		capture.len = 0;
	}
	spin_unlock(&log_lock);
	return ok;
}

void log_capture_end(char *buf)
{
	char *held = NULL;
	size_t len = 0;

	spin_lock(&log_lock);
	if (buf && capture.buf == buf) /* not ended early, not someone else's */
		held = capture_take(&len);
	spin_unlock(&log_lock);
	emit_held(held, len);
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
	if (capture.buf && log_ops && log_ops->write) /* held lines first (no lock: panic) */
		log_ops->write(capture.buf, capture.len);
	capture.buf = NULL;
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
