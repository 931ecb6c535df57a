/* SPDX-License-Identifier: MIT */
/*
 * TSC calibration and the time base of every bounded wait. Sources: HPET
 * main counter, PIT channel 2, or CPUID leaf 0x15/0x16 (trusted last: Bochs
 * models claim GHz there while their TSC runs at the emulated IPS).
 */
#ifndef DRIVERS_TSC_H
#define DRIVERS_TSC_H

#include "boot/x86.h"
#include "lib/types.h"

enum tsc_calib_source {
	TSC_CALIB_AUTO = 0,
	TSC_CALIB_HPET,
	TSC_CALIB_PIT,
	TSC_CALIB_CPUID,
};

/** Measure the TSC frequency (hpet_hpa 0 = no HPET). Returns 0 or -ENODEV. */
int __must_check tsc_calibrate(enum tsc_calib_source want, hpa_t hpet_hpa);
u64 tsc_khz(void);
const char *tsc_source_name(void);

static inline u64 tsc_now(void)
{
	return rdtsc();
}

/** TSC value us microseconds from now. */
u64 tsc_deadline_us(u64 us);

static inline bool tsc_expired(u64 deadline)
{
	return (s64)(rdtsc() - deadline) >= 0;
}

void udelay(u64 us);
void mdelay(u64 ms);
/** Cycles to microseconds with the calibrated frequency. */
u64 tsc_to_us(u64 cycles);

/*
 * Bounded wait (NOVA's Wait::until): evaluate cond with PAUSE between tries
 * until it holds (true) or timeout_us passes (false; cond is tried once more).
 */
#define tsc_wait_until(timeout_us, cond)                \
	({                                              \
		u64 __dl = tsc_deadline_us(timeout_us); \
		bool __ok;                              \
		for (;;) {                              \
			if ((__ok = (cond)))            \
				break;                  \
			if (tsc_expired(__dl)) {        \
				__ok = (cond);          \
				break;                  \
			}                               \
			__builtin_ia32_pause();         \
		}                                       \
		__ok;                                   \
	})

#endif /* DRIVERS_TSC_H */
