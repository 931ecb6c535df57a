// SPDX-License-Identifier: MIT
/*
 * Run-time monitor on the sidecore (see monitor.h). Everything here runs on
 * the sidecore CPU from its work loop, after the vIOMMU's polling step, so
 * in sidecore mode the vIOMMU counters are not changing while they are
 * printed; the guest CPU's exit counters are plain u64s that only CPU0
 * increments: read from here they are naturally aligned 8-byte loads (never
 * torn on x86-64), possibly a few exits behind. Each STATS line is one
 * printk (one console-lock hold), so it is never split by the hypervisor's
 * own output; the guest writes COM1 directly and may interleave.
 */
#define LOG_PREFIX "CTL: "
#include "vmm/monitor.h"
#include "boot/cmdline.h"
#include "boot/mm.h"
#include "boot/x86.h"
#include "drivers/tsc.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "vmm/exit.h"
#include "vmm/vcpu.h"

/* 16550 registers (PC16550D datasheet, table 2), offsets from the base. */
/* clang-format off */
#define CTL_RBR 0 /* receive buffer (DLAB=0) */
#define CTL_THR 0 /* transmit holding (DLAB=0) */
#define CTL_DLL 0 /* divisor latch low (DLAB=1) */
#define CTL_IER 1
#define CTL_DLM 1 /* divisor latch high (DLAB=1) */
#define CTL_FCR 2
#define CTL_LCR 3
#define   CTL_LCR_8N1 0x03
#define   CTL_LCR_DLAB 0x80
#define CTL_MCR 4
#define   CTL_MCR_DTR_RTS 0x03
#define CTL_LSR 5
#define   CTL_LSR_DR 0x01
#define   CTL_LSR_THRE 0x20
#define CTL_SCR 7

#define CTL_POLL_US 20000 /* how often the control UART is looked at */
#define CTL_KEYS_PER_POLL 16 /* a flood of input cannot stall the loop */
#define CTL_TX_SPINS 10000
/* clang-format on */

static struct {
	u16 ctl_port; /* hidden from the guest (0: none) */
	bool ctl_up;  /* a UART answered there */
	u64 t0;	      /* TSC at monitor_init */
	u64 cycles_per_ms;
	u64 next_stats; /* TSC deadline of the next STATS line */
	u64 next_ctl;	/* TSC deadline of the next look at the control port */
	bool have_prev;
	struct monitor_snapshot prev;
	bool ready; /* set (release) by monitor_init on the BSP */
} mon;

bool monitor_owns_port(u16 port)
{
	return mon.ctl_port && port >= mon.ctl_port && port < mon.ctl_port + MONITOR_CTL_NR_PORTS;
}

static bool ctl_probe(u16 port)
{
	outb(port + CTL_SCR, 0x5a);
	if (inb(port + CTL_SCR) != 0x5a)
		return false;
	outb(port + CTL_SCR, 0xa5);
	if (inb(port + CTL_SCR) != 0xa5)
		return false;
	outb(port + CTL_IER, 0); /* polled: no interrupts */
	outb(port + CTL_LCR, CTL_LCR_DLAB);
	outb(port + CTL_DLL, 1); /* 115200 baud */
	outb(port + CTL_DLM, 0);
	outb(port + CTL_LCR, CTL_LCR_8N1);
	outb(port + CTL_FCR, 0xc7); /* enable and clear the FIFOs */
	outb(port + CTL_MCR, CTL_MCR_DTR_RTS);
	return true;
}

/* A short reply on the control port itself (bounded: drops when wedged). */
static void ctl_say(const char *s)
{
	for (; *s; s++) {
		for (int i = 0; i < CTL_TX_SPINS; i++) {
			if (inb(mon.ctl_port + CTL_LSR) & CTL_LSR_THRE)
				break;
			cpu_relax();
		}
		outb(mon.ctl_port + CTL_THR, (u8)*s);
	}
}

/* The control UART (ctl=com2): hide its ports, probe it. */
static void ctl_setup(struct vcpu_intercepts *ic)
{
	if (hv_opts.ctl == CTL_OFF)
		return;
	if (hv_opts.console == MONITOR_CTL_COM2) {
		pr_info("control port off: com2 is the console\n");
		return;
	}
	if (ic->nr_ports + MONITOR_CTL_NR_PORTS > ARRAY_SIZE(ic->ports)) {
		pr_warn("control port off: no room for its intercepts\n");
		return;
	}
	/* hidden from the guest whether or not a UART answers: all-ones either way */
	mon.ctl_port = MONITOR_CTL_COM2;
	for (u16 i = 0; i < MONITOR_CTL_NR_PORTS; i++)
		ic->ports[ic->nr_ports++] = (u16)(mon.ctl_port + i);
	mon.ctl_up = ctl_probe(mon.ctl_port);
	if (mon.ctl_up) {
		pr_info("control port com2 (%#x), hidden from the guest: 's' counters, 'h' help\n",
			mon.ctl_port);
		ctl_say("Sidevisor control port: 's' counters (on the console), 'h' help\r\n");
	} else {
		pr_info("no UART at com2 (%#x): no control port (ports hidden from the guest)\n",
			mon.ctl_port);
	}
}

void monitor_init(struct vcpu_intercepts *ic)
{
	u64 khz = tsc_khz();

	mon.t0 = tsc_now();
	mon.cycles_per_ms = khz ? khz : 1000000; /* uncalibrated: assume 1 GHz */
	mon.next_stats = mon.t0 + hv_opts.stats_ms * mon.cycles_per_ms;
	mon.next_ctl = mon.t0;
	if (hv_opts.stats_ms)
		printk("HV: a STATS line every %llu ms\n", (unsigned long long)hv_opts.stats_ms);
	ctl_setup(ic);
	STORE_RELEASE(mon.ready, true);
}

enum monitor_key_action monitor_key_action(int c)
{
	switch (c) {
	case 's':
	case 'S':
		return MONITOR_KEY_COUNTERS;
	case 'h':
	case 'H':
	case '?':
		return MONITOR_KEY_HELP;
	case '\r':
	case '\n':
	case ' ':
	case '\t':
		return MONITOR_KEY_NONE;
	default:
		return MONITOR_KEY_UNKNOWN;
	}
}

int monitor_format_stats(char *buf, size_t len, const struct monitor_snapshot *cur,
			 const struct monitor_snapshot *prev)
{
	const struct viommu_stats *s = &cur->s.stats;
	u64 iters = s->loop_iters, busy = s->loop_busy;

	if (prev && prev->s.stats.loop_iters <= iters && prev->s.stats.loop_busy <= busy) {
		iters -= prev->s.stats.loop_iters;
		busy -= prev->s.stats.loop_busy;
	}
	return snprintf(buf, len,
			"STATS: t_ms=%llu heap_free_pages=%llu shadow_entries=%u deferred=%u "
			"shadow_tables=%llu maps=%llu unmaps=%llu revivals=%llu phys_flushes=%llu "
			"expired=%llu busy_permille=%llu\n",
			(unsigned long long)cur->t_ms, (unsigned long long)cur->heap_free_pages,
			cur->s.shadow_entries, cur->s.deferred,
			(unsigned long long)cur->s.shadow_tables,
			(unsigned long long)s->shadow_maps, (unsigned long long)s->shadow_unmaps,
			(unsigned long long)s->revivals, (unsigned long long)s->phys_flushes,
			(unsigned long long)s->expired,
			(unsigned long long)(iters ? busy * 1000 / iters : 0));
}

static void take_snapshot(struct monitor_snapshot *out, u64 now)
{
	out->t_ms = (now - mon.t0) / mon.cycles_per_ms;
	/* nr_free is read with one atomic load (page_pool_free_pages): a
	 * snapshot, like the pool's own report; no lock needed */
	out->heap_free_pages = page_pool_free_pages(&hv_pool);
	viommu_sample(&out->s); /* takes the unit's lock */
}

static void print_stats_line(u64 now)
{
	struct monitor_snapshot cur;
	char line[320];

	take_snapshot(&cur, now);
	monitor_format_stats(line, sizeof(line), &cur, mon.have_prev ? &mon.prev : NULL);
	printk("%s", line);
	mon.prev = cur;
	mon.have_prev = true;
}

/* The counters block, about 3 KiB: formatted at one instant, printed after. */
static char counters_buf[8192];

static void print_counters(u64 now)
{
	bool held = log_capture_begin(counters_buf, sizeof(counters_buf));

	printk("CTL: counters at t_ms=%llu\n",
	       (unsigned long long)((now - mon.t0) / mon.cycles_per_ms));
	vcpu_print_stats(&guest_vcpu);
	printk("HV: guest accesses outside its memory: reads=%llu writes=%llu, mmio emulated=%llu\n",
	       (unsigned long long)READ_ONCE(exit_platform.hv_mem_reads),
	       (unsigned long long)READ_ONCE(exit_platform.hv_mem_writes),
	       (unsigned long long)READ_ONCE(exit_platform.mmio_emulated));
	/* the shutdown hooks: vIOMMU and physical VT-d counters */
	for (unsigned int i = 0; i < ARRAY_SIZE(exit_platform.shutdown_hooks); i++)
		if (exit_platform.shutdown_hooks[i])
			exit_platform.shutdown_hooks[i]();
	print_stats_line(now);
	printk("CTL: end of counters\n");
	if (held)
		log_capture_end(counters_buf);
}

static void ctl_poll(u64 now)
{
	for (int n = 0; n < CTL_KEYS_PER_POLL; n++) {
		int c;

		if (!(inb(mon.ctl_port + CTL_LSR) & CTL_LSR_DR))
			return;
		c = inb(mon.ctl_port + CTL_RBR);
		switch (monitor_key_action(c)) {
		case MONITOR_KEY_COUNTERS:
			print_counters(now);
			ctl_say("counters printed on the console\r\n");
			break;
		case MONITOR_KEY_HELP:
			printk("CTL: keys: s = print the counters, h = this help\n");
			ctl_say("keys: s = print the counters (on the console), h = this help\r\n");
			break;
		case MONITOR_KEY_UNKNOWN:
			printk("CTL: unknown key %#x ('h' for help)\n", (unsigned int)c);
			ctl_say("unknown key ('h' for help)\r\n");
			break;
		case MONITOR_KEY_NONE:
			break;
		}
	}
}

void monitor_poll(void)
{
	u64 now;

	if (!LOAD_ACQUIRE(mon.ready))
		return; /* before monitor_init */
	now = tsc_now();
	if (hv_opts.stats_ms && tsc_expired(mon.next_stats)) {
		print_stats_line(now);
		/* the next one on the grid; after a stall, skip the missed ones */
		mon.next_stats += hv_opts.stats_ms * mon.cycles_per_ms;
		if (tsc_expired(mon.next_stats))
			mon.next_stats = now + hv_opts.stats_ms * mon.cycles_per_ms;
	}
	if (mon.ctl_up && tsc_expired(mon.next_ctl)) {
		mon.next_ctl = now + CTL_POLL_US * (mon.cycles_per_ms / 1000);
		ctl_poll(now);
	}
}
