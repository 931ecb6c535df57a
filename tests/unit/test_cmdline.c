// SPDX-License-Identifier: MIT
/*
 * boot/cmdline.c: every option type through a test table (good values,
 * bad values leaving the default, messages), word splitting, unknown keys,
 * overlong input, and the hypervisor's own option set (hv_opts).
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "boot/cmdline.h"
#include "lib/bitops.h"

/* ---- a test table covering every type ---- */

static u64 t_num, t_size, t_flags;
static s64 t_signed;
static bool t_bool, t_bdf_set;
static unsigned int t_enum;
static u32 t_bdf;
static char t_str[8];

static const char *const t_enum_names[] = { "off", "trap", "sidecore", NULL };
static const char *const t_flag_names[] = { "acpi", "pci", "vtd", NULL };
static const struct cmdline_alias t_aliases[] = { { "com1", 0x3f8 }, { "big", 5000 }, { NULL, 0 } };

static const struct cmdline_opt topts[] = {
	{ .key = "num",
	  .type = CMDLINE_U64,
	  .dst = &t_num,
	  .min = 10,
	  .max = 1000,
	  .aliases = t_aliases,
	  .help = "a number" },
	CMDLINE_OPT_SIZE("size", t_size, MiB(8), GiB(1), "a size"),
	CMDLINE_OPT_BOOL("flag", t_bool, "a bool"),
	CMDLINE_OPT_ENUM("mode", t_enum, t_enum_names, "an enum"),
	CMDLINE_OPT_BDF("dev", t_bdf, &t_bdf_set, "a BDF"),
	CMDLINE_OPT_STRING("name", t_str, "a string"),
	CMDLINE_OPT_S64("cpu", t_signed, -1, 63, "a signed number"),
	CMDLINE_OPT_FLAGS("dump", t_flags, t_flag_names, "flags"),
	CMDLINE_OPT_U64("any", t_size, 0, 0, "unbounded, shares t_size"),
	CMDLINE_OPT_SIZE("anysize", t_size, 0, 0, "unbounded size"),
};
#define NT ((unsigned int)ARRAY_SIZE(topts))

static void reset(void)
{
	t_num = 42;
	t_size = MiB(64);
	t_flags = 0;
	t_signed = -1;
	t_bool = false;
	t_bdf_set = false;
	t_enum = 1;
	t_bdf = 0xdead;
	strcpy(t_str, "dflt");
	harness_log_clear();
}

static int parse(const char *s)
{
	reset();
	return cmdline_parse(s, topts, NT);
}

static bool logged(const char *needle)
{
	return strstr(harness_log(), needle) != NULL;
}

static void test_u64(void **state)
{
	(void)state;
	assert_int_equal(parse("num=500"), 0);
	assert_int_equal(t_num, 500);
	assert_int_equal(parse("num=0x3e8"), 0);
	assert_int_equal(t_num, 1000);
	assert_int_equal(parse("num=10"), 0);
	assert_int_equal(t_num, 10);
	assert_int_equal(parse("num=com1"), 0); /* aliases bypass the range */
	assert_int_equal(t_num, 0x3f8);
	assert_int_equal(parse("num=COM1"), 0);
	assert_int_equal(t_num, 0x3f8);
	assert_int_equal(parse("num=9"), 1);
	assert_int_equal(t_num, 42);
	assert_true(logged("HV: bad value '9' for option 'num': out of range "
			   "[10, 1000]\n"));
	assert_int_equal(parse("num=1001"), 1);
	assert_int_equal(t_num, 42);
	assert_int_equal(parse("num=12a"), 1);
	assert_true(logged("HV: bad value '12a' for option 'num': not a number\n"));
	assert_int_equal(parse("num=-5"), 1);
	assert_int_equal(parse("num=0x"), 1);
	assert_int_equal(parse("num="), 1);
	assert_true(logged("HV: bad value '' for option 'num': empty value\n"));
	assert_int_equal(parse("num=18446744073709551616"), 1);
	assert_true(logged("number too large"));
	assert_int_equal(t_num, 42);
	assert_int_equal(parse("num"), 1); /* bare = 1, below the minimum */
	assert_int_equal(parse("any=18446744073709551615"), 0);
	assert_int_equal(t_size, ~0ULL);
	assert_int_equal(parse("any=0"), 0);
	assert_int_equal(t_size, 0);
}

static void test_size(void **state)
{
	(void)state;
	assert_int_equal(parse("size=64M"), 0);
	assert_int_equal(t_size, MiB(64));
	assert_int_equal(parse("size=1G"), 0);
	assert_int_equal(t_size, GiB(1));
	assert_int_equal(parse("size=16384k"), 0);
	assert_int_equal(t_size, MiB(16));
	assert_int_equal(parse("size=8388608"), 0);
	assert_int_equal(t_size, MiB(8));
	assert_int_equal(parse("size=0x1000000"), 0);
	assert_int_equal(t_size, MiB(16));
	assert_int_equal(parse("size=0x10m"), 0);
	assert_int_equal(t_size, MiB(16));
	/* range, with sizes printed as sizes */
	assert_int_equal(parse("size=4M"), 1);
	assert_true(logged("HV: bad value '4M' for option 'size': out of range "
			   "[8M, 1G]\n"));
	assert_int_equal(t_size, MiB(64));
	assert_int_equal(parse("size=2G"), 1);
	assert_int_equal(parse("size=1073741825"), 1);
	/* overflow in the number or in the shift */
	assert_int_equal(parse("anysize=16777215T"), 0);
	assert_int_equal(t_size, 16777215ULL << 40);
	assert_int_equal(parse("anysize=16777216T"), 1);
	assert_true(logged("number too large"));
	assert_int_equal(t_size, MiB(64));
	assert_int_equal(parse("anysize=17179869184G"), 1);
	assert_int_equal(parse("anysize=99999999999999999999"), 1);
	/* malformed */
	assert_int_equal(parse("size=M"), 1);
	assert_int_equal(parse("size=64MB"), 1);
	assert_int_equal(parse("size=64 M"), 2); /* "M" is an unknown key */
	assert_int_equal(parse("size=-64M"), 1);
	assert_int_equal(parse("size=1.5G"), 1);
	assert_true(logged("expected a size like 64M"));
	assert_int_equal(t_size, MiB(64));
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "flag",     "flag=1",    "flag=on",
					   "flag=yes", "flag=true", "flag=ON" };
	static const char *const no[] = { "flag=0", "flag=off", "flag=no", "flag=false",
					  "flag=No" };

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(yes); i++) {
		assert_int_equal(parse(yes[i]), 0);
		assert_true(t_bool);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(no); i++) {
		assert_int_equal(parse("flag=1"), 0);
		assert_int_equal(cmdline_parse(no[i], topts, NT), 0);
		assert_false(t_bool);
	}
	assert_int_equal(parse("flag=2"), 1);
	assert_false(t_bool);
	assert_int_equal(parse("flag=onn"), 1);
	assert_int_equal(parse("flag=o"), 1);
	assert_true(logged("HV: bad value 'o' for option 'flag': expected 0/1, "
			   "on/off, yes/no\n"));
	assert_int_equal(parse("flag="), 1);
	assert_false(t_bool);
}

static void test_enum(void **state)
{
	(void)state;
	assert_int_equal(parse("mode=sidecore"), 0);
	assert_int_equal(t_enum, 2);
	assert_int_equal(parse("mode=off"), 0);
	assert_int_equal(t_enum, 0);
	assert_int_equal(parse("mode=Trap"), 0);
	assert_int_equal(t_enum, 1);
	assert_int_equal(parse("mode=sidecor"), 1);
	assert_true(logged("HV: bad value 'sidecor' for option 'mode': "
			   "expected one of: off trap sidecore\n"));
	assert_int_equal(t_enum, 1);
	assert_int_equal(parse("mode=sidecores"), 1);
	assert_int_equal(parse("mode=2"), 1);
	assert_int_equal(parse("mode"), 1);
	assert_int_equal(t_enum, 1);
}

static void test_bdf(void **state)
{
	static const struct {
		const char *s;
		u32 want;
	} good[] = {
		{ "dev=00:1f.7", CMDLINE_BDF_MAKE(0, 0, 0x1f, 7) },
		{ "dev=00:02.0", CMDLINE_BDF_MAKE(0, 0, 2, 0) },
		{ "dev=ff:1F.0", CMDLINE_BDF_MAKE(0, 0xff, 0x1f, 0) },
		{ "dev=3:4.5", CMDLINE_BDF_MAKE(0, 3, 4, 5) },
		{ "dev=0001:02:03.4", CMDLINE_BDF_MAKE(1, 2, 3, 4) },
		{ "dev=ffff:ff:1f.7", 0xffffffffu },
		{ "dev=0:00:00.0", 0 },
	};
	static const char *const bad[] = {
		"dev=00:20.0",	"dev=00:00.8",	 "dev=100:00.0",      "dev=00:00",
		"dev=00.0",	"dev=00:00.0.0", "dev=:00.0",	      "dev=00:.0",
		"dev=00:00.",	"dev=g0:00.0",	 "dev=10000:00:00.0", "dev=0:0:0:0.0",
		"dev=00:0x1.0", "dev=00:-1.0",	 "dev=00:00.10",      "dev",
		"dev=",
	};

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(good); i++) {
		assert_int_equal(parse(good[i].s), 0);
		assert_int_equal(t_bdf, good[i].want);
		assert_true(t_bdf_set);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i]) != 1)
			fail_msg("'%s' accepted", bad[i]);
		assert_int_equal(t_bdf, 0xdead);
		assert_false(t_bdf_set);
	}
	parse("dev=00:20.0");
	assert_true(logged("HV: bad value '00:20.0' for option 'dev': expected "
			   "[SSSS:]BB:DD.F"));
}

static void test_string(void **state)
{
	(void)state;
	assert_int_equal(parse("name=abc"), 0);
	assert_string_equal(t_str, "abc");
	assert_int_equal(parse("name=1234567"), 0); /* 7 chars fit in char[8] */
	assert_string_equal(t_str, "1234567");
	assert_int_equal(parse("name=12345678"), 1);
	assert_true(logged("HV: bad value '12345678' for option 'name': too "
			   "long (max 7 characters)\n"));
	assert_string_equal(t_str, "dflt");
	assert_int_equal(parse("name="), 0);
	assert_string_equal(t_str, "");
	assert_int_equal(parse("name=a=b"), 0); /* only the first '=' splits */
	assert_string_equal(t_str, "a=b");
}

static void test_s64(void **state)
{
	(void)state;
	assert_int_equal(parse("cpu=3"), 0);
	assert_int_equal(t_signed, 3);
	assert_int_equal(parse("cpu=3 cpu=-1"), 0);
	assert_int_equal(t_signed, -1);
	assert_int_equal(parse("cpu=-0"), 0);
	assert_int_equal(t_signed, 0);
	assert_int_equal(parse("cpu=0x3f"), 0);
	assert_int_equal(t_signed, 63);
	assert_int_equal(parse("cpu=64"), 1);
	assert_true(logged("HV: bad value '64' for option 'cpu': out of range "
			   "[-1, 63]\n"));
	assert_int_equal(parse("cpu=-2"), 1);
	assert_int_equal(parse("cpu=-"), 1);
	assert_int_equal(parse("cpu=--1"), 1);
	assert_int_equal(parse("cpu=+1"), 1);
	assert_int_equal(parse("cpu=-9223372036854775809"), 1);
	assert_true(logged("number too large"));
	assert_int_equal(t_signed, -1);
}

static void test_flags(void **state)
{
	(void)state;
	assert_int_equal(parse("dump=acpi,pci"), 0);
	assert_int_equal(t_flags, BIT(0) | BIT(1));
	assert_int_equal(parse("dump=vtd"), 0);
	assert_int_equal(t_flags, BIT(2));
	assert_int_equal(parse("dump=all"), 0);
	assert_int_equal(t_flags, 7);
	assert_int_equal(parse("dump=none"), 0);
	assert_int_equal(t_flags, 0);
	assert_int_equal(parse("dump="), 0);
	assert_int_equal(t_flags, 0);
	assert_int_equal(parse("dump=PCI,,acpi,"), 0);
	assert_int_equal(t_flags, 3);
	t_flags = 0;
	assert_int_equal(parse("dump=acpi,usb"), 1);
	assert_true(logged("HV: bad value 'acpi,usb' for option 'dump': "
			   "expected one of: acpi pci vtd\n"));
	assert_int_equal(t_flags, 0);
}

static void test_splitting_and_unknown(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(parse("   \t  "), 0);
	assert_string_equal(harness_log(), "");
	assert_int_equal(parse("  num=100\t\tflag   mode=off\n name=x  "), 0);
	assert_int_equal(t_num, 100);
	assert_true(t_bool);
	assert_int_equal(t_enum, 0);
	assert_string_equal(t_str, "x");
	/* unknown keys are reported and counted, known ones still applied */
	assert_int_equal(parse("foo num=200 bar=1 =5 Num=3 numx=4"), 5);
	assert_int_equal(t_num, 200);
	assert_true(logged("HV: unknown option 'foo' (ignored)\n"));
	assert_true(logged("HV: unknown option 'bar' (ignored)\n"));
	assert_true(logged("HV: unknown option '' (ignored)\n"));
	assert_true(logged("HV: unknown option 'Num' (ignored)\n")); /* keys are case-sensitive */
	assert_true(logged("HV: unknown option 'numx' (ignored)\n"));
	/* mixed problems: each counted once, good options applied */
	assert_int_equal(parse("num=5 size=64G flag=maybe mode=sidecore zzz"), 4);
	assert_int_equal(t_num, 42);
	assert_int_equal(t_size, MiB(64));
	assert_false(t_bool);
	assert_int_equal(t_enum, 2);
}

static void test_overlong(void **state)
{
	size_t n = 20000;
	char *s = malloc(n + 64);
	char *v;

	(void)state;
	/* a huge value: rejected, quoted back clipped */
	strcpy(s, "name=");
	memset(s + 5, 'x', n);
	strcpy(s + 5 + n, " num=77");
	assert_int_equal(parse(s), 1);
	assert_string_equal(t_str, "dflt");
	assert_int_equal(t_num, 77);
	v = strstr(harness_log(), "HV: bad value '");
	assert_non_null(v);
	assert_true(strlen(harness_log()) < 200);
	assert_non_null(strstr(harness_log(), "xxx...' for option 'name'"));
	/* a huge number with leading zeros is still just a number */
	memset(s, '0', n);
	memcpy(s, "num=", 4);
	strcpy(s + n, "99");
	assert_int_equal(parse(s), 0);
	assert_int_equal(t_num, 99);
	/* a huge unknown key */
	memset(s, 'k', n);
	s[n] = '\0';
	assert_int_equal(parse(s), 1);
	assert_non_null(strstr(harness_log(), "kkk...' (ignored)"));
	free(s);
}

static void test_print(void **state)
{
	(void)state;
	assert_int_equal(parse("num=com1 size=512M flag mode=sidecore "
			       "dev=0001:00:1f.7 name=hi cpu=-1 dump=pci,vtd"),
			 0);
	cmdline_print(topts, NT);
	assert_true(logged("HV: option num=com1\n"));
	assert_true(logged("HV: option size=512M\n"));
	assert_true(logged("HV: option flag=on\n"));
	assert_true(logged("HV: option mode=sidecore\n"));
	assert_true(logged("HV: option dev=0001:00:1f.7\n"));
	assert_true(logged("HV: option name=hi\n"));
	assert_true(logged("HV: option cpu=-1\n"));
	assert_true(logged("HV: option dump=pci,vtd\n"));
	assert_int_equal(parse("num=999 anysize=12345"), 0);
	cmdline_print(topts, NT);
	assert_true(logged("HV: option num=999\n"));
	assert_true(logged("HV: option size=12345\n"));
	assert_true(logged("HV: option dev=none\n"));
	assert_true(logged("HV: option dump=none\n"));
	assert_true(logged("HV: option flag=off\n"));
	harness_log_clear();
	cmdline_print_help(topts, NT);
	assert_true(logged("HV:   mode: an enum\n"));
}

/* ---- the hypervisor's option set ---- */

static void test_hv_defaults(void **state)
{
	(void)state;
	hv_opts.loglevel = 3;
	assert_int_equal(hv_options_parse(""), 0);
	assert_int_equal(hv_opts.console, 0x3f8);
	assert_int_equal(hv_opts.loglevel, 2);
	assert_int_equal(hv_opts.sidecore, -1);
	assert_false(hv_opts.nic_set);
	assert_int_equal(hv_opts.panic, PANIC_HALT);
	assert_int_equal(hv_opts.tsc, TSC_AUTO);
	assert_int_equal(hv_opts.hv_mem, MiB(64));
	assert_false(hv_opts.dump_acpi);
	assert_false(hv_opts.dump_pci);
	assert_false(hv_opts.test_panic);
	assert_memory_equal(&hv_opts, &hv_options_defaults, sizeof(hv_opts));
	assert_int_equal(hv_options_parse(NULL), 0);
	assert_memory_equal(&hv_opts, &hv_options_defaults, sizeof(hv_opts));
}

static void test_hv_full_line(void **state)
{
	(void)state;
	harness_log_clear();
	assert_int_equal(hv_options_parse("console=com2 loglevel=3 sidecore=1 nic=00:02.0 "
					  "panic=exit tsc=pit hv_mem=128M dump=acpi,pci"),
			 0);
	assert_int_equal(hv_opts.console, 0x2f8);
	assert_int_equal(hv_opts.loglevel, 3);
	assert_int_equal(hv_opts.sidecore, 1);
	assert_true(hv_opts.nic_set);
	assert_int_equal(hv_opts.nic_bdf, (2 << 3));
	assert_int_equal(hv_opts.panic, PANIC_EXIT);
	assert_int_equal(hv_opts.tsc, TSC_PIT);
	assert_int_equal(hv_opts.hv_mem, MiB(128));
	assert_true(hv_opts.dump_acpi);
	assert_true(hv_opts.dump_pci);
	hv_options_print();
	assert_true(logged("HV: option console=com2\n"));
	assert_true(logged("HV: option loglevel=3\n"));
	assert_true(logged("HV: option sidecore=1\n"));
	assert_true(logged("HV: option nic=00:02.0\n"));
	assert_true(logged("HV: option panic=exit\n"));
	assert_true(logged("HV: option tsc=pit\n"));
	assert_true(logged("HV: option hv_mem=128M\n"));
	assert_true(logged("HV: option dump=acpi,pci\n"));
	assert_true(logged("HV: option test_panic=off\n"));
	assert_int_equal(hv_options_parse("panic=exit test_panic=1"), 0);
	assert_true(hv_opts.test_panic);
	assert_int_equal(hv_opts.panic, PANIC_EXIT);

	/* a second parse starts from the defaults again */
	assert_int_equal(hv_options_parse("console=0x2e8 sidecore=highest dump=pci"), 0);
	assert_int_equal(hv_opts.console, 0x2e8);
	assert_int_equal(hv_opts.sidecore, -1);
	assert_false(hv_opts.nic_set);
	assert_int_equal(hv_opts.panic, PANIC_HALT);
	assert_false(hv_opts.dump_acpi);
	assert_true(hv_opts.dump_pci);
	harness_log_clear();
	assert_int_equal(hv_options_parse("console=0x1234"), 0);
	hv_options_print();
	assert_true(logged("HV: option console=0x1234\n"));
	assert_true(logged("HV: option nic=none\n"));
	assert_true(logged("HV: option sidecore=highest\n"));
}

/* stats_ms= and ctl= (vmm/monitor.c): off and com2 by default, bounds kept */
static void test_hv_monitor_options(void **state)
{
	(void)state;
	assert_int_equal(hv_options_parse(""), 0);
	assert_int_equal(hv_opts.stats_ms, 0);
	assert_int_equal(hv_opts.ctl, CTL_COM2);
	assert_int_equal(hv_options_parse("stats_ms=1000 ctl=off"), 0);
	assert_int_equal(hv_opts.stats_ms, 1000);
	assert_int_equal(hv_opts.ctl, CTL_OFF);
	assert_int_equal(hv_options_parse("ctl=COM2 stats_ms=0x10"), 0);
	assert_int_equal(hv_opts.ctl, CTL_COM2);
	assert_int_equal(hv_opts.stats_ms, 16);
	harness_log_clear();
	assert_int_equal(hv_options_parse("stats_ms=3600001 ctl=com1 stats_ms=-1"), 3);
	assert_int_equal(hv_opts.stats_ms, 0);
	assert_int_equal(hv_opts.ctl, CTL_COM2);
	assert_true(logged("HV: bad value 'com1' for option 'ctl'"));
	harness_log_clear();
	assert_int_equal(hv_options_parse("stats_ms=250"), 0);
	hv_options_print();
	assert_true(logged("HV: option stats_ms=250\n"));
	assert_true(logged("HV: option ctl=com2\n"));
}

static void test_hv_bad_values_keep_defaults(void **state)
{
	(void)state;
	harness_log_clear();
	assert_int_equal(
		hv_options_parse("console=com5 loglevel=4 sidecore=x nic=00:20.0 "
				 "panic=explode tsc=rtc hv_mem=4M dump=usb frobnicate=trap"),
		9);
	assert_memory_equal(&hv_opts, &hv_options_defaults, sizeof(hv_opts));
	assert_true(logged("HV: bad value 'x' for option 'sidecore': not a number\n"));
	assert_true(logged("HV: bad value '4M' for option 'hv_mem': out of "
			   "range [8M, 1G]\n"));
	assert_true(logged("HV: bad value 'explode' for option 'panic': "
			   "expected one of: halt exit reboot\n"));
	assert_true(logged("HV: unknown option 'frobnicate' (ignored)\n"));
	assert_int_equal(hv_options_parse("hv_mem=2G hv_mem=1G sidecore=4096 loglevel=0"), 2);
	assert_int_equal(hv_opts.hv_mem, GiB(1));
	assert_int_equal(hv_opts.sidecore, -1);
	assert_int_equal(hv_opts.loglevel, 0);
	harness_log_clear();
	hv_options_print_help();
	assert_true(logged("HV:   hv_mem: "));
}

/* Random junk: never crashes, never stores an out-of-range value. */
static void test_hv_random(void **state)
{
	static const char *const bits[] = {
		"console=", "loglevel=", "sidecore=", "nic=", "panic=",	 "tsc=", "hv_mem=",
		"dump=",    "com1",	 "0x",	      "-",    "1",	 "9",	 "f",
		"G",	    "M",	 ":",	      ".",    ",",	 " ",	 "=",
		"acpi",	    "exit",	 "\t",	      "x",    "00:1f.7",
	};
	char s[256];

	(void)state;
	srand(5);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 0;
		int parts = rand() % 12, problems;

		for (int k = 0; k < parts; k++) {
			const char *b = bits[rand() % ARRAY_SIZE(bits)];

			if (n + strlen(b) + 1 >= sizeof(s))
				break;
			strcpy(s + n, b);
			n += strlen(b);
		}
		s[n] = '\0';
		problems = hv_options_parse(s);
		assert_true(problems >= 0 && problems <= parts);
		assert_true(hv_opts.loglevel <= 3);
		assert_true(hv_opts.sidecore >= -1 && hv_opts.sidecore <= 4095);
		assert_true(hv_opts.hv_mem >= MiB(8) && hv_opts.hv_mem <= GiB(1));
		assert_true(hv_opts.console >= 1 && hv_opts.console <= 0xffff);
		assert_true(hv_opts.panic <= PANIC_REBOOT);
		assert_true(hv_opts.tsc <= TSC_CPUID);
		assert_true(((hv_opts.nic_bdf >> 3) & 0x1f) <= 0x1f);
		if (!hv_opts.nic_set)
			assert_int_equal(hv_opts.nic_bdf, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_bdf),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_s64),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_splitting_and_unknown),
		cmocka_unit_test(test_overlong),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_hv_defaults),
		cmocka_unit_test(test_hv_full_line),
		cmocka_unit_test(test_hv_monitor_options),
		cmocka_unit_test(test_hv_bad_values_keep_defaults),
		cmocka_unit_test(test_hv_random),
	};
	return HARNESS_RUN(tests);
}
