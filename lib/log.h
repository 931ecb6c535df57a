/* SPDX-License-Identifier: MIT */
/*
 * Console logging with levels and per-file prefixes, panic(), assertions.
 * Output goes through a sink installed by boot (lib stays hardware-free).
 *
 *   #define LOG_PREFIX "pci: "      before including this header
 *   pr_info("found %u devices\n", n);
 */
#ifndef LIB_LOG_H
#define LIB_LOG_H

#include <stdarg.h>
#include "lib/types.h"

enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Hooks installed by boot; in host tests by the harness. */
struct log_ops {
	/* Write len bytes to the console. Must be usable on the panic path. */
	void (*write)(const char *s, size_t len);
	/* Called once on panic before the message: stop other CPUs, return this CPU's id. */
	unsigned int (*panic_enter)(void);
	/* Called after the message and backtrace: never returns (halt/exit). */
	__noreturn void (*panic_exit)(void);
	/* Optional: print a backtrace of the calling context. */
	void (*backtrace)(void);
};

void log_init(const struct log_ops *ops);
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/** Print to the console under the log lock; no level filtering. */
void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);
/**
 * Hold back printk output in buf (cap bytes) until log_capture_end(buf), which
 * writes it out line by line: a block of counters formatted in microseconds
 * shows one instant even though the console needs milliseconds per line.
 * Output of every CPU is held meanwhile (order kept). A line that does not
 * fit ends the capture early (everything held is written first, nothing is
 * lost). False, and nothing held, if a capture is already on.
 */
bool log_capture_begin(char *buf, size_t cap);
/** End the capture into buf (if still on) and write out what it held. */
void log_capture_end(char *buf);
/** Print if level <= the current log level. */
void log_msg(enum log_level level, const char *fmt, ...) __printf(2, 3);

/** Stop the machine: "PANIC: cpu=N file:line: msg", backtrace, then halt or exit. */
void panic_at(const char *file, int line, const char *fmt, ...) __printf(3, 4) __noreturn;
/** True once any CPU entered panic (other CPUs should stop doing work). */
bool panic_in_progress(void);

/* Define LOG_PREFIX before the first #include of a .c file. */
#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

#define pr_err(fmt, ...) log_msg(LOG_ERR, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) log_msg(LOG_WARN, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) log_msg(LOG_INFO, LOG_PREFIX fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) log_msg(LOG_DEBUG, LOG_PREFIX fmt, ##__VA_ARGS__)

#define panic(fmt, ...) panic_at(__FILE__, __LINE__, fmt, ##__VA_ARGS__)

/* Always on: a broken VMM invariant. */
#define BUG_ON(cond)                                \
	do {                                        \
		if (unlikely(cond))                 \
			panic("BUG_ON(%s)", #cond); \
	} while (0)
#define ASSERT(cond)                                          \
	do {                                                  \
		if (unlikely(!(cond)))                        \
			panic("assertion failed: %s", #cond); \
	} while (0)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

/* Log a recoverable error with its origin and pass the value on. */
#define trace_error(err)                                                            \
	({                                                                          \
		int __e = (err);                                                    \
		log_msg(LOG_DEBUG, "error %d at %s:%d\n", __e, __FILE__, __LINE__); \
		__e;                                                                \
	})

#endif /* LIB_LOG_H */
