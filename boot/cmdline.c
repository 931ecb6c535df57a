// SPDX-License-Identifier: MIT
/*
 * Command-line parsing. The input comes from the boot loader and is
 * untrusted: words are handled as (pointer, length) pairs and never copied
 * into fixed buffers except STRING values, which are length-checked
 * first; numbers are overflow-checked; a value is stored only once it has
 * been fully validated, so a bad value leaves the option at its default.
 * Also the hypervisor's option table (hv_opts).
 */
#define LOG_PREFIX "HV: "
#include "boot/cmdline.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"

/* Longest key or value quoted back in a message. */
#define CMDLINE_QUOTE_MAX 48

struct word {
	const char *s;
	size_t len;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Does w equal the NUL-terminated name, ignoring ASCII case? */
static bool word_is(struct word w, const char *name)
{
	size_t i;

	for (i = 0; i < w.len; i++)
		if (!name[i] || lower(w.s[i]) != lower(name[i]))
			return false;
	return !name[i];
}

static int hex_digit(char c)
{
	c = lower(c);
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* 1..maxdigits hex digits, no prefix. */
static bool parse_hex(struct word w, size_t maxdigits, u64 *out)
{
	u64 v = 0;

	if (!w.len || w.len > maxdigits)
		return false;
	for (size_t i = 0; i < w.len; i++) {
		int d = hex_digit(w.s[i]);

		if (d < 0)
			return false;
		v = v << 4 | (u64)d;
	}
	*out = v;
	return true;
}

/* Quote a word for a message: "%.*s%s" with an ellipsis when clipped. */
#define QUOTE_FMT "%.*s%s"
#define QUOTE_ARGS(w)                                        \
	(int)MIN((w).len, (size_t)CMDLINE_QUOTE_MAX), (w).s, \
		(w).len > CMDLINE_QUOTE_MAX ? "..." : ""

static int bad_value(const struct cmdline_opt *o, struct word v, const char *why)
{
	pr_warn("bad value '" QUOTE_FMT "' for option '%s': %s\n", QUOTE_ARGS(v), o->key, why);
	return -EINVAL;
}

/* "64M", "512K", "1G" when exact, else plain bytes. */
static void format_size(char *buf, size_t size, u64 v)
{
	static const char suffix[] = "KMGT";
	int i;

	for (i = 3; i >= 0; i--) {
		unsigned int shift = 10 * (unsigned int)(i + 1);

		if (v && !(v & ((1ULL << shift) - 1))) {
			snprintf(buf, size, "%lu%c", v >> shift, suffix[i]);
			return;
		}
	}
	snprintf(buf, size, "%lu", v);
}

static int parse_size(struct word v, u64 *out)
{
	unsigned int shift = 0;
	int err;

	if (v.len) {
		switch (lower(v.s[v.len - 1])) {
		case 'k':
			shift = 10;
			break;
		case 'm':
			shift = 20;
			break;
		case 'g':
			shift = 30;
			break;
		case 't':
			shift = 40;
			break;
		default:
			break;
		}
	}
	if (shift)
		v.len--;
	err = str_to_u64(v.s, v.len, out);
	if (err)
		return err;
	if (*out > ~0ULL >> shift)
		return -ERANGE;
	*out <<= shift;
	return 0;
}

static bool alias_lookup(const struct cmdline_opt *o, struct word v, u64 *out)
{
	for (const struct cmdline_alias *a = o->aliases; a && a->name; a++) {
		if (word_is(v, a->name)) {
			*out = a->value;
			return true;
		}
	}
	return false;
}

static int parse_number(const struct cmdline_opt *o, struct word v, u64 *out)
{
	char lo[24], hi[24], why[80];
	int err;

	if (alias_lookup(o, v, out))
		return 0;
	err = o->type == CMDLINE_SIZE ? parse_size(v, out) : str_to_u64(v.s, v.len, out);
	if (err == -ERANGE)
		return bad_value(o, v, "number too large");
	if (err)
		return bad_value(o, v,
				 o->type == CMDLINE_SIZE ? "expected a size like 64M, 512K, 4096"
							 : "not a number");
	if (*out >= o->min && (!o->max || *out <= o->max))
		return 0;
	if (o->type == CMDLINE_SIZE) {
		format_size(lo, sizeof(lo), o->min);
		format_size(hi, sizeof(hi), o->max);
	} else {
		snprintf(lo, sizeof(lo), "%lu", o->min);
		snprintf(hi, sizeof(hi), "%lu", o->max);
	}
	if (o->max)
		snprintf(why, sizeof(why), "out of range [%s, %s]", lo, hi);
	else
		snprintf(why, sizeof(why), "below the minimum %s", lo);
	return bad_value(o, v, why);
}

static int parse_s64(const struct cmdline_opt *o, struct word v, s64 *out)
{
	s64 lo = (s64)o->min, hi = (s64)o->max;
	struct word mag = v;
	bool neg = v.len && v.s[0] == '-';
	char why[64];
	u64 m;
	int err;

	if (alias_lookup(o, v, &m)) {
		*out = (s64)m;
		return 0;
	}
	if (neg) {
		mag.s++;
		mag.len--;
	}
	err = str_to_u64(mag.s, mag.len, &m);
	if (!err && m > (neg ? 1ULL << 63 : (u64)INT64_MAX))
		err = -ERANGE;
	if (err == -ERANGE)
		return bad_value(o, v, "number too large");
	if (err)
		return bad_value(o, v, "not a number");
	*out = neg ? (s64)(0 - m) : (s64)m;
	if ((lo || hi) && (*out < lo || *out > hi)) {
		snprintf(why, sizeof(why), "out of range [%ld, %ld]", lo, hi);
		return bad_value(o, v, why);
	}
	return 0;
}

static int parse_bool(const struct cmdline_opt *o, struct word v, bool *out)
{
	static const char *const names[] = { "0", "off", "no", "false", "1", "on", "yes", "true" };

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		if (word_is(v, names[i])) {
			*out = i >= 4;
			return 0;
		}
	}
	return bad_value(o, v, "expected 0/1, on/off, yes/no");
}

/* "expected one of: a b c" into why. */
static void list_names(char *why, size_t size, const char *const *names)
{
	size_t n = (size_t)snprintf(why, size, "expected one of:");

	for (; names && *names && n < size; names++)
		n += (size_t)snprintf(why + n, size - n, " %s", *names);
}

static int parse_enum(const struct cmdline_opt *o, struct word v, unsigned int *out)
{
	char why[128];

	for (unsigned int i = 0; o->enum_names && o->enum_names[i]; i++) {
		if (word_is(v, o->enum_names[i])) {
			*out = i;
			return 0;
		}
	}
	list_names(why, sizeof(why), o->enum_names);
	return bad_value(o, v, why);
}

static int parse_flags(const struct cmdline_opt *o, struct word v, u64 *out)
{
	char why[128];
	u64 mask = 0;
	size_t i = 0;

	while (i <= v.len) {
		struct word item = { v.s + i, 0 };
		bool found = false;

		while (i + item.len < v.len && v.s[i + item.len] != ',')
			item.len++;
		i += item.len + 1;
		if (!item.len || word_is(item, "none"))
			continue;
		if (word_is(item, "all")) {
			for (unsigned int b = 0; b < 64 && o->enum_names && o->enum_names[b]; b++)
				mask |= BIT(b);
			continue;
		}
		for (unsigned int b = 0; b < 64 && o->enum_names && o->enum_names[b]; b++) {
			if (word_is(item, o->enum_names[b])) {
				mask |= BIT(b);
				found = true;
			}
		}
		if (!found) {
			list_names(why, sizeof(why), o->enum_names);
			return bad_value(o, v, why);
		}
	}
	*out = mask;
	return 0;
}

/* [SSSS:]BB:DD.F, all hex; device <= 0x1f, function <= 7. */
static int parse_bdf(const struct cmdline_opt *o, struct word v, u32 *out)
{
	static const char *const why = "expected [SSSS:]BB:DD.F (hex, device <= 1f, function <= 7)";
	struct word f[4]; /* seg, bus, dev, fn */
	const char *p = v.s, *end = v.s + v.len;
	unsigned int colons = 0, n = 0;
	u64 seg = 0, bus, dev, fn;

	for (size_t i = 0; i < v.len; i++)
		colons += v.s[i] == ':';
	if (colons < 1 || colons > 2)
		return bad_value(o, v, why);
	/* split at ':' ... ':' then '.' */
	for (unsigned int k = 0; k < colons + 2; k++) {
		char sep = k < colons ? ':' : k == colons ? '.' : '\0';
		const char *q = p;

		while (q < end && *q != sep)
			q++;
		if (sep && q == end)
			return bad_value(o, v, why);
		f[n++] = (struct word){ p, (size_t)(q - p) };
		p = q < end ? q + 1 : end;
	}
	n = colons == 2 ? 1 : 0;
	if ((colons == 2 && !parse_hex(f[0], 4, &seg)) || !parse_hex(f[n], 2, &bus) ||
	    !parse_hex(f[n + 1], 2, &dev) || !parse_hex(f[n + 2], 1, &fn) || dev > 0x1f || fn > 7)
		return bad_value(o, v, why);
	*out = CMDLINE_BDF_MAKE(seg, bus, dev, fn);
	return 0;
}

static int parse_string(const struct cmdline_opt *o, struct word v)
{
	char why[48];

	if (!o->max || v.len >= o->max) {
		snprintf(why, sizeof(why), "too long (max %lu characters)",
			 o->max ? o->max - 1 : 0);
		return bad_value(o, v, why);
	}
	memcpy(o->dst, v.s, v.len);
	((char *)o->dst)[v.len] = '\0';
	return 0;
}

/* Validate fully, then store. */
static int apply(const struct cmdline_opt *o, struct word v)
{
	union {
		u64 u;
		s64 s;
		bool b;
		unsigned int e;
		u32 bdf;
	} val;
	int err;

	if (!v.len && o->type != CMDLINE_STRING && o->type != CMDLINE_FLAGS)
		return bad_value(o, v, "empty value");
	switch (o->type) {
	case CMDLINE_U64:
	case CMDLINE_SIZE:
		err = parse_number(o, v, &val.u);
		if (!err)
			*(u64 *)o->dst = val.u;
		break;
	case CMDLINE_S64:
		err = parse_s64(o, v, &val.s);
		if (!err)
			*(s64 *)o->dst = val.s;
		break;
	case CMDLINE_BOOL:
		err = parse_bool(o, v, &val.b);
		if (!err)
			*(bool *)o->dst = val.b;
		break;
	case CMDLINE_ENUM:
		err = parse_enum(o, v, &val.e);
		if (!err)
			*(unsigned int *)o->dst = val.e;
		break;
	case CMDLINE_FLAGS:
		err = parse_flags(o, v, &val.u);
		if (!err)
			*(u64 *)o->dst = val.u;
		break;
	case CMDLINE_BDF:
		err = parse_bdf(o, v, &val.bdf);
		if (!err)
			*(u32 *)o->dst = val.bdf;
		break;
	case CMDLINE_STRING:
		err = parse_string(o, v);
		break;
	default:
		err = bad_value(o, v, "option has an unknown type");
		break;
	}
	if (!err && o->set)
		*o->set = true;
	return err;
}

static const struct cmdline_opt *lookup(const struct cmdline_opt *opts, unsigned int nr,
					struct word key)
{
	for (unsigned int i = 0; i < nr; i++)
		if (strlen(opts[i].key) == key.len && !strncmp(opts[i].key, key.s, key.len))
			return &opts[i];
	return NULL;
}

int cmdline_parse(const char *s, const struct cmdline_opt *opts, unsigned int nr)
{
	int problems = 0;

	/* Every pass consumes at least one character: bounded by strlen(s). */
	while (s && *s) {
		struct word w = { s, 0 }, key, val = { "1", 1 };
		const struct cmdline_opt *o;
		const char *eq;

		if (is_space(*s)) {
			s++;
			continue;
		}
		while (s[w.len] && !is_space(s[w.len]))
			w.len++;
		s += w.len;
		eq = w.s;
		while (eq < w.s + w.len && *eq != '=')
			eq++;
		key = (struct word){ w.s, (size_t)(eq - w.s) };
		if (eq < w.s + w.len)
			val = (struct word){ eq + 1, w.len - key.len - 1 };
		o = lookup(opts, nr, key);
		if (!o) {
			pr_warn("unknown option '" QUOTE_FMT "' (ignored)\n", QUOTE_ARGS(key));
			problems++;
		} else if (apply(o, val)) {
			problems++;
		}
	}
	return problems;
}

static void format_value(const struct cmdline_opt *o, char *buf, size_t size)
{
	const struct cmdline_alias *a;
	u64 u = 0, bdf;
	size_t n;

	switch (o->type) {
	case CMDLINE_U64:
	case CMDLINE_S64:
		u = *(const u64 *)o->dst;
		for (a = o->aliases; a && a->name; a++) {
			if (a->value == u) {
				snprintf(buf, size, "%s", a->name);
				return;
			}
		}
		if (o->type == CMDLINE_S64)
			snprintf(buf, size, "%ld", (s64)u);
		else
			snprintf(buf, size, o->flags & CMDLINE_F_HEX ? "0x%lx" : "%lu", u);
		return;
	case CMDLINE_SIZE:
		format_size(buf, size, *(const u64 *)o->dst);
		return;
	case CMDLINE_BOOL:
		snprintf(buf, size, "%s", *(const bool *)o->dst ? "on" : "off");
		return;
	case CMDLINE_ENUM:
		u = *(const unsigned int *)o->dst;
		for (unsigned int i = 0; o->enum_names && o->enum_names[i]; i++) {
			if (i == u) {
				snprintf(buf, size, "%s", o->enum_names[i]);
				return;
			}
		}
		snprintf(buf, size, "?%lu", u);
		return;
	case CMDLINE_FLAGS:
		u = *(const u64 *)o->dst;
		buf[0] = '\0';
		n = 0;
		for (unsigned int b = 0; b < 64 && o->enum_names && o->enum_names[b] && n < size;
		     b++)
			if (u & BIT(b))
				n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "",
						      o->enum_names[b]);
		if (!n)
			snprintf(buf, size, "none");
		return;
	case CMDLINE_BDF:
		bdf = *(const u32 *)o->dst;
		if (o->set && !*o->set)
			snprintf(buf, size, "none");
		else if (bdf >> 16)
			snprintf(buf, size, "%04lx:%02lx:%02lx.%lx", bdf >> 16, (bdf >> 8) & 0xff,
				 (bdf >> 3) & 0x1f, bdf & 7);
		else
			snprintf(buf, size, "%02lx:%02lx.%lx", (bdf >> 8) & 0xff, (bdf >> 3) & 0x1f,
				 bdf & 7);
		return;
	case CMDLINE_STRING:
		snprintf(buf, size, "%s", (const char *)o->dst);
		return;
	}
	snprintf(buf, size, "?");
}

void cmdline_print(const struct cmdline_opt *opts, unsigned int nr)
{
	char buf[160];

	for (unsigned int i = 0; i < nr; i++) {
		format_value(&opts[i], buf, sizeof(buf));
		printk("HV: option %s=%s\n", opts[i].key, buf);
	}
}

void cmdline_print_help(const struct cmdline_opt *opts, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		printk("HV:   %s: %s\n", opts[i].key, opts[i].help ? opts[i].help : "");
}

/* ---- the hypervisor's options ---- */

#define HV_OPTIONS_DEFAULTS                                                                      \
	{                                                                                        \
		.console = 0x3f8, .loglevel = 2, .sidecore = -1, .nic_bdf = 0, .nic_set = false, \
		.panic = PANIC_HALT, .tsc = TSC_AUTO, .hv_mem = MiB(64), .dump_acpi = false,     \
		.dump_pci = false, .test_panic = false, .guest_crash = GUEST_CRASH_HALT,         \
		.viommu = VIOMMU_SIDECORE, .teardown_ms = 10, .teardown_cap = 4096,              \
		.viommu_levels = 3, .stats_ms = 0, .ctl = CTL_COM2,                              \
	}

const struct hv_options hv_options_defaults = HV_OPTIONS_DEFAULTS;
struct hv_options hv_opts = HV_OPTIONS_DEFAULTS;

/* dump= is parsed as a mask, then spread over the dump_* booleans. */
enum { HV_DUMP_ACPI, HV_DUMP_PCI };
static u64 hv_dump_mask;

_Static_assert(sizeof(enum panic_action) == sizeof(unsigned int), "ENUM dst");
_Static_assert(sizeof(enum tsc_source) == sizeof(unsigned int), "ENUM dst");
_Static_assert(sizeof(enum guest_crash_action) == sizeof(unsigned int), "ENUM dst");
_Static_assert(sizeof(enum viommu_mode) == sizeof(unsigned int), "ENUM dst");
_Static_assert(sizeof(enum ctl_port) == sizeof(unsigned int), "ENUM dst");

static const char *const panic_names[] = { "halt", "exit", "reboot", NULL };
static const char *const tsc_names[] = { "auto", "hpet", "pit", "cpuid", NULL };
static const char *const guest_crash_names[] = { "halt", "reset", "poweroff", NULL };
static const char *const viommu_names[] = { "sidecore", "trap", "off", NULL };
static const char *const ctl_names[] = { "com2", "off", NULL };
static const char *const dump_names[] = {
	[HV_DUMP_ACPI] = "acpi",
	[HV_DUMP_PCI] = "pci",
	NULL,
};
static const struct cmdline_alias console_aliases[] = {
	{ "com1", 0x3f8 }, { "com2", 0x2f8 }, { "com3", 0x3e8 }, { "com4", 0x2e8 }, { NULL, 0 },
};
static const struct cmdline_alias sidecore_aliases[] = {
	{ "highest", (u64)-1 },
	{ NULL, 0 },
};

static const struct cmdline_opt hv_option_table[] = {
	{ .key = "console",
	  .type = CMDLINE_U64,
	  .dst = CMDLINE_DST(u64, &hv_opts.console),
	  .min = 1,
	  .max = 0xffff,
	  .aliases = console_aliases,
	  .flags = CMDLINE_F_HEX,
	  .help = "COM port I/O base (0x3f8) or com1..com4" },
	CMDLINE_OPT_U64("loglevel", hv_opts.loglevel, 0, 3,
			"0 errors, 1 warnings, 2 info (default), 3 debug"),
	{ .key = "sidecore",
	  .type = CMDLINE_S64,
	  .dst = CMDLINE_DST(s64, &hv_opts.sidecore),
	  .min = (u64)-1,
	  .max = 4095,
	  .aliases = sidecore_aliases,
	  .help = "CPU index of the polling sidecore, -1/highest = last CPU" },
	CMDLINE_OPT_BDF("nic", hv_opts.nic_bdf, &hv_opts.nic_set,
			"PCI address of the NIC given to the guest, BB:DD.F"),
	CMDLINE_OPT_ENUM("panic", hv_opts.panic, panic_names,
			 "on panic: halt, exit (emulator debug-exit), reboot"),
	CMDLINE_OPT_ENUM("tsc", hv_opts.tsc, tsc_names,
			 "TSC calibration source: auto, hpet, pit, cpuid"),
	CMDLINE_OPT_SIZE("hv_mem", hv_opts.hv_mem, MiB(8), GiB(1),
			 "hypervisor page pool size, 8M..1G (64M)"),
	CMDLINE_OPT_FLAGS("dump", hv_dump_mask, dump_names, "print tables at boot: acpi,pci"),
	CMDLINE_OPT_ENUM("guest_crash", hv_opts.guest_crash, guest_crash_names,
			 "after a guest triple fault and its dump: halt, reset, poweroff"),
	CMDLINE_OPT_ENUM("viommu", hv_opts.viommu, viommu_names,
			 "emulated VT-d: sidecore (polled), trap (every access exits), off"),
	CMDLINE_OPT_U64("teardown_ms", hv_opts.teardown_ms, 0, 10000,
			"optimistic teardown window in ms, 0 = strict (10)"),
	CMDLINE_OPT_U64("teardown_cap", hv_opts.teardown_cap, 1, 1 << 20,
			"most unmapped entries kept for revival (4096)"),
	CMDLINE_OPT_U64("viommu_levels", hv_opts.viommu_levels, 3, 4,
			"page-table levels the emulated VT-d offers: 3 or 4 (3)"),
	CMDLINE_OPT_U64("stats_ms", hv_opts.stats_ms, 0, 3600000,
			"print a STATS line every N ms from the sidecore, 0 = off (0)"),
	CMDLINE_OPT_ENUM("ctl", hv_opts.ctl, ctl_names,
			 "control port for console keys, hidden from the guest: com2, off"),
	CMDLINE_OPT_BOOL("test_panic", hv_opts.test_panic,
			 "panic on purpose once booted (exercises the panic path)"),
	CMDLINE_OPT_BOOL("test_integrity", hv_opts.test_integrity,
			 "corrupt a rodata word and a free page (tests the self-check)"),
};

int hv_options_parse(const char *cmdline)
{
	int problems;

	hv_opts = hv_options_defaults;
	hv_dump_mask = 0;
	problems = cmdline_parse(cmdline, hv_option_table, ARRAY_SIZE(hv_option_table));
	hv_opts.dump_acpi = hv_dump_mask & BIT(HV_DUMP_ACPI);
	hv_opts.dump_pci = hv_dump_mask & BIT(HV_DUMP_PCI);
	return problems;
}

void hv_options_print(void)
{
	cmdline_print(hv_option_table, ARRAY_SIZE(hv_option_table));
}

void hv_options_print_help(void)
{
	printk("HV: options (key=value, space separated):\n");
	cmdline_print_help(hv_option_table, ARRAY_SIZE(hv_option_table));
}
