/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's run-time monitor, driven by the sidecore's work loop:
 * periodic "STATS:" lines (option stats_ms=) and a control port on a second
 * UART (option ctl=com2|off) whose keys print the counters on the console.
 * The guest owns COM1; the control UART's ports are intercepted and hidden
 * from it (reads all-ones, writes dropped).
 */
#ifndef VMM_MONITOR_H
#define VMM_MONITOR_H

#include "lib/types.h"
#include "viommu/core.h"
#include "vmm/vmx.h" /* struct vcpu_intercepts */

#define MONITOR_CTL_COM2 0x2f8
#define MONITOR_CTL_NR_PORTS 8 /* a 16550's register block */

/**
 * On the BSP before the guest runs: probe the control UART (ctl=), add its
 * ports to ic so that the guest cannot reach it, start the sampling clock.
 */
void monitor_init(struct vcpu_intercepts *ic);

/** One step of the sidecore's loop: a STATS line when due, control keys. */
void monitor_poll(void);

/** Is port one of the hidden control UART's (the guest reads 0xff there)? */
bool monitor_owns_port(u16 port);

/* ---- pure helpers (host-tested) ---- */

/** What one key on the control port asks for. */
enum monitor_key_action {
	MONITOR_KEY_NONE,     /* ignored: line endings, spaces */
	MONITOR_KEY_COUNTERS, /* 's': the full counter set */
	MONITOR_KEY_HELP,     /* 'h' or '?': one line of help */
	MONITOR_KEY_UNKNOWN,  /* anything else: say so, point at 'h' */
};

enum monitor_key_action monitor_key_action(int c);

/** Counter values an interval's STATS line is computed from. */
struct monitor_snapshot {
	u64 t_ms;
	u64 heap_free_pages;
	struct viommu_sample s;
};

/**
 * Format the STATS line for cur (prev: the previous sample, for the busy
 * fraction of the sidecore loop in the interval; NULL: since boot) into
 * buf (NUL-terminated, ends in "\n"). Returns the length, or the length it
 * would have had if buf is too small (snprintf rules).
 */
int monitor_format_stats(char *buf, size_t len, const struct monitor_snapshot *cur,
			 const struct monitor_snapshot *prev);

#endif /* VMM_MONITOR_H */
