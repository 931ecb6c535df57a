/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor command line: space-separated `key=value` words, a bare
 * `key` meaning key=1. A generic table-driven parser (cmdline_*) and the
 * hypervisor's own option set (hv_opts, hv_options_*). To add an option:
 * add a field to struct hv_options, its default in hv_options_defaults
 * and one CMDLINE_OPT_*() line to the table in boot/cmdline.c.
 */
#ifndef BOOT_CMDLINE_H
#define BOOT_CMDLINE_H

#include "lib/types.h"

enum cmdline_type {
	CMDLINE_U64,	/* decimal or 0x hex; min..max (max 0: no limit); aliases */
	CMDLINE_SIZE,	/* bytes with optional K/M/G/T suffix: 64M, 512K, 1G */
	CMDLINE_BOOL,	/* 0/1, on/off, yes/no, true/false */
	CMDLINE_ENUM,	/* one of enum_names; stores the index (unsigned int) */
	CMDLINE_BDF,	/* [SSSS:]BB:DD.F hex -> (seg << 16)|(bus << 8)|(dev << 3)|fn */
	CMDLINE_STRING, /* copied into a char[max] buffer, NUL-terminated */
	CMDLINE_S64,	/* like U64 but signed; min/max hold s64 values */
	CMDLINE_FLAGS,	/* comma list of enum_names (or none/all) -> u64 bit mask */
};

/* A word accepted in place of a number (U64/S64), e.g. console=com1. */
struct cmdline_alias {
	const char *name;
	u64 value;
};

#define CMDLINE_F_HEX 0x1 /* print the value in hex */

struct cmdline_opt {
	const char *key;
	enum cmdline_type type;
	/* u64 (U64, SIZE, FLAGS), s64 (S64), bool (BOOL), unsigned int
	 * (ENUM), u32 (BDF), char[max] (STRING) */
	void *dst;
	const char *const *enum_names; /* ENUM values / FLAGS bits, NULL-ended */
	u64 min, max;		       /* inclusive range (max 0 = none); STRING: buffer size */
	const char *help;
	const struct cmdline_alias *aliases; /* optional, {NULL, 0}-ended */
	bool *set; /* optional: set to true when a valid value is applied */
	u32 flags; /* CMDLINE_F_* */
};

/* Table helpers: the conditional expression makes the compiler check dst's type. */
#define CMDLINE_DST(type, ptr) ((void *)(1 ? (ptr) : (type *)0))
#define CMDLINE_OPT_U64(k, field, lo, hi, h)                                                     \
	{                                                                                        \
		.key = (k), .type = CMDLINE_U64, .dst = CMDLINE_DST(u64, &(field)), .min = (lo), \
		.max = (hi), .help = (h)                                                         \
	}
#define CMDLINE_OPT_S64(k, field, lo, hi, h)                                        \
	{                                                                           \
		.key = (k), .type = CMDLINE_S64, .dst = CMDLINE_DST(s64, &(field)), \
		.min = (u64)(s64)(lo), .max = (u64)(s64)(hi), .help = (h)           \
	}
#define CMDLINE_OPT_SIZE(k, field, lo, hi, h)                                                     \
	{                                                                                         \
		.key = (k), .type = CMDLINE_SIZE, .dst = CMDLINE_DST(u64, &(field)), .min = (lo), \
		.max = (hi), .help = (h)                                                          \
	}
#define CMDLINE_OPT_BOOL(k, field, h)                                                             \
	{                                                                                         \
		.key = (k), .type = CMDLINE_BOOL, .dst = CMDLINE_DST(bool, &(field)), .help = (h) \
	}
#define CMDLINE_OPT_ENUM(k, field, names, h)                                                  \
	{                                                                                     \
		.key = (k), .type = CMDLINE_ENUM, .dst = CMDLINE_DST(unsigned int, &(field)), \
		.enum_names = (names), .help = (h)                                            \
	}
#define CMDLINE_OPT_FLAGS(k, field, names, h)                                         \
	{                                                                             \
		.key = (k), .type = CMDLINE_FLAGS, .dst = CMDLINE_DST(u64, &(field)), \
		.enum_names = (names), .help = (h)                                    \
	}
#define CMDLINE_OPT_BDF(k, field, setp, h)                                                         \
	{                                                                                          \
		.key = (k), .type = CMDLINE_BDF, .dst = CMDLINE_DST(u32, &(field)), .set = (setp), \
		.help = (h)                                                                        \
	}
#define CMDLINE_OPT_STRING(k, buf, h)                                                \
	{                                                                            \
		.key = (k), .type = CMDLINE_STRING, .dst = CMDLINE_DST(char, (buf)), \
		.max = sizeof(buf), .help = (h)                                      \
	}

/* PCI BDF encoding used by CMDLINE_BDF. */
#define CMDLINE_BDF_MAKE(seg, bus, dev, fn) \
	((u32)(seg) << 16 | (u32)(bus) << 8 | (u32)(dev) << 3 | (u32)(fn))

/**
 * Parse s (NULL means empty) against opts[0..nr): apply every known
 * option, report each unknown key ("HV: unknown option 'foo' (ignored)")
 * and each bad value ("HV: bad value 'x' for option 'k': why"), leaving
 * that option unchanged. A later word overrides an earlier one. Returns
 * the number of problems (0 = clean).
 */
int cmdline_parse(const char *s, const struct cmdline_opt *opts, unsigned int nr);

/** Print "HV: option key=value" for every option, as now in effect. */
void cmdline_print(const struct cmdline_opt *opts, unsigned int nr);

/** Print "HV:   key: help" for every option. */
void cmdline_print_help(const struct cmdline_opt *opts, unsigned int nr);

/* ---- the hypervisor's options ---- */

enum panic_action {
	PANIC_HALT,
	PANIC_EXIT, /* exit the emulator via its debug-exit port */
	PANIC_REBOOT,
};

enum tsc_source { TSC_AUTO, TSC_HPET, TSC_PIT, TSC_CPUID };

/* How the emulated VT-d runs (viommu=). */
enum viommu_mode {
	VIOMMU_SIDECORE, /* register page is guest RAM, polled by the sidecore */
	VIOMMU_TRAP,	 /* register page unmapped: every access exits */
	VIOMMU_OFF,	 /* no virtual unit: the NIC's domain maps all guest RAM */
};

/* What a crashed guest (triple fault) leaves behind after the dump. */
enum guest_crash_action {
	GUEST_CRASH_HALT,     /* keep the machine for inspection */
	GUEST_CRASH_RESET,    /* reset the machine */
	GUEST_CRASH_POWEROFF, /* power off (the emulator exits) */
};

/* The control port for console keys (ctl=): a second UART hidden from the guest. */
enum ctl_port {
	CTL_COM2, /* 0x2f8 when a UART answers there */
	CTL_OFF,
};

struct hv_options {
	u64 console;  /* COM port I/O base (console=0x3f8 or com1..com4) */
	u64 loglevel; /* 0 err, 1 warn, 2 info, 3 debug */
	s64 sidecore; /* CPU index, -1 (or "highest") = the highest CPU */
	u32 nic_bdf;  /* nic=[SSSS:]BB:DD.F, CMDLINE_BDF_MAKE encoding */
	bool nic_set;
	enum panic_action panic;  /* panic=halt|exit|reboot */
	enum tsc_source tsc;	  /* tsc=auto|hpet|pit|cpuid */
	u64 hv_mem;		  /* hypervisor page pool size, 8M..1G */
	bool dump_acpi, dump_pci; /* dump=acpi,pci */
	bool test_panic;	  /* test_panic=1: panic on purpose once booted (tests) */
	bool test_integrity;	  /* test_integrity=1: corrupt own memory on purpose (tests) */
	enum guest_crash_action guest_crash; /* guest_crash=halt|reset|poweroff */
	enum viommu_mode viommu;	     /* viommu=sidecore|trap|off */
	u64 teardown_ms;		     /* optimistic teardown window, 0 = strict */
	u64 teardown_cap;		     /* deferred entries kept at most */
	u64 viommu_levels;		     /* 3 or 4-level guest page tables */
	u64 stats_ms;			     /* STATS line period, 0 = off */
	enum ctl_port ctl;		     /* ctl=com2|off */
};

extern struct hv_options hv_opts;
extern const struct hv_options hv_options_defaults;

/** Reset hv_opts to the defaults, then parse cmdline; returns problems. */
int hv_options_parse(const char *cmdline);

/** Print every hypervisor option in effect. */
void hv_options_print(void);

/** Print the hypervisor's options with their help text. */
void hv_options_print_help(void);

#endif /* BOOT_CMDLINE_H */
