// SPDX-License-Identifier: MIT
/*
 * TSC calibration against the HPET (IA-PC HPET spec 1.0a, 2.3), PIT channel 2
 * (8254 datasheet, mode 0 with the gate on port 0x61) or CPUID 0x15/0x16
 * (SDM Vol. 2A CPUID). Each measurement spans 10 ms; every poll is bounded
 * by an iteration count as well, since the TSC itself is what we measure.
 */
#define LOG_PREFIX "TSC: "
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/log.h"

/* clang-format off: register fields indented under their register */
#define HPET_GCAP_ID 0x000
#define HPET_GCAP_COUNT_SIZE_64 (1ULL << 13)
#define HPET_GCAP_PERIOD_SHIFT 32 /* femtoseconds per tick */
#define HPET_GEN_CONF 0x010
#define HPET_GEN_CONF_ENABLE 0x1
#define HPET_MAIN_COUNTER 0x0f0
#define HPET_MAX_PERIOD_FS 100000000ULL /* spec: at most 100 ns */

#define PIT_HZ 1193182ULL
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_PORT_B 0x61
#define PIT_PORT_B_GATE2 0x01
#define PIT_PORT_B_SPEAKER 0x02
#define PIT_PORT_B_OUT2 0x20

#define CALIB_MS 10
#define POLL_BOUND 200000000ULL
/* clang-format on */

static u64 khz = 1000000; /* until calibrated: assume 1 GHz */
static const char *source = "default";

u64 tsc_khz(void)
{
	return khz;
}

const char *tsc_source_name(void)
{
	return source;
}

u64 tsc_deadline_us(u64 us)
{
	return rdtsc() + us * khz / 1000;
}

u64 tsc_to_us(u64 cycles)
{
	return cycles / (khz / 1000 ? khz / 1000 : 1);
}

void udelay(u64 us)
{
	u64 dl = tsc_deadline_us(us);

	while (!tsc_expired(dl))
		__builtin_ia32_pause();
}

void mdelay(u64 ms)
{
	udelay(ms * 1000);
}

static u64 calib_hpet(hpa_t hpet)
{
	u64 cap = mmio_read64(hpet + HPET_GCAP_ID);
	u64 period_fs = cap >> HPET_GCAP_PERIOD_SHIFT;
	u64 mask = cap & HPET_GCAP_COUNT_SIZE_64 ? ~0ULL : 0xffffffffULL;
	u64 ticks, c0, c1, t0, t1, n = 0, elapsed_ns;

	if (cap == ~0ULL || !period_fs || period_fs > HPET_MAX_PERIOD_FS)
		return 0;
	mmio_write64(hpet + HPET_GEN_CONF,
		     mmio_read64(hpet + HPET_GEN_CONF) | HPET_GEN_CONF_ENABLE);
	ticks = CALIB_MS * 1000000000000ULL / period_fs;
	c0 = mmio_read64(hpet + HPET_MAIN_COUNTER);
	t0 = rdtsc();
	do {
		c1 = mmio_read64(hpet + HPET_MAIN_COUNTER);
		if (++n > POLL_BOUND)
			return 0; /* counter not running */
	} while (((c1 - c0) & mask) < ticks);
	t1 = rdtsc();
	elapsed_ns = ((c1 - c0) & mask) * period_fs / 1000000;
	return elapsed_ns ? (t1 - t0) * 1000000 / elapsed_ns : 0;
}

static u64 calib_pit(void)
{
	u64 count = PIT_HZ * CALIB_MS / 1000, t0, t1, n = 0;
	u8 b = inb(PIT_PORT_B);

	/* gate high, speaker off; channel 2, lobyte/hibyte, mode 0 */
	outb(PIT_PORT_B, (u8)((b & ~PIT_PORT_B_SPEAKER) | PIT_PORT_B_GATE2));
	outb(PIT_CMD, 0xb0);
	outb(PIT_CH2, (u8)count);
	outb(PIT_CH2, (u8)(count >> 8));
	t0 = rdtsc();
	while (!(inb(PIT_PORT_B) & PIT_PORT_B_OUT2)) {
		if (++n > POLL_BOUND)
			return 0; /* no PIT, or gate not wired */
	}
	t1 = rdtsc();
	outb(PIT_PORT_B, b);
	return (t1 - t0) * 1000 / CALIB_MS / 1000;
}

static u64 calib_cpuid(void)
{
	struct cpuid_regs max = cpuid(0), r;

	if (max.eax >= 0x15) {
		r = cpuid(0x15);
		if (r.eax && r.ebx && r.ecx)
			return (u64)r.ecx * r.ebx / r.eax / 1000;
	}
	if (max.eax >= 0x16) {
		r = cpuid(0x16);
		if (r.eax & 0xffff)
			return (u64)(r.eax & 0xffff) * 1000;
	}
	return 0;
}

int tsc_calibrate(enum tsc_calib_source want, hpa_t hpet_hpa)
{
	u64 k = 0, claimed = calib_cpuid();

	if ((want == TSC_CALIB_AUTO || want == TSC_CALIB_HPET) && hpet_hpa) {
		k = calib_hpet(hpet_hpa);
		source = "hpet";
	}
	if (!k && (want == TSC_CALIB_AUTO || want == TSC_CALIB_PIT)) {
		k = calib_pit();
		source = "pit";
	}
	if (!k && (want == TSC_CALIB_AUTO || want == TSC_CALIB_CPUID)) {
		k = claimed;
		source = "cpuid";
	}
	if (!k) {
		source = "default";
		pr_err("calibration failed; assuming %llu MHz\n", (unsigned long long)(khz / 1000));
		return -ENODEV;
	}
	khz = k;
	pr_info("%llu.%03llu MHz (%s)\n", (unsigned long long)(khz / 1000),
		(unsigned long long)(khz % 1000), source);
	if (claimed && (claimed > khz + khz / 10 || claimed < khz - khz / 10))
		pr_info("CPUID claims %llu MHz; using the measured value\n",
			(unsigned long long)(claimed / 1000));
	return 0;
}
