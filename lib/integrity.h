/* SPDX-License-Identifier: MIT */
/*
 * The integrity self-check's verdict and its one stable console line
 * (boot/integrity.c measures, this formats). Pure, host-tested: other test
 * suites grep the line, so its shape is pinned by tests/unit/test_integrity.c.
 */
#ifndef LIB_INTEGRITY_H
#define LIB_INTEGRITY_H

#include "lib/types.h"

struct integrity_result {
	u32 crc_recorded;  /* text+rodata CRC-32 taken before the guest started */
	u32 crc_now;	   /* the same, at the check */
	u64 pages_checked; /* free pool pages compared with the poison */
	u64 bad_pages;	   /* of those, pages with a changed word */
	hpa_t first_bad;   /* hpa of the lowest changed word (bad_pages > 0) */
};

static inline bool integrity_ok(const struct integrity_result *r)
{
	return r->crc_now == r->crc_recorded && !r->bad_pages;
}

/**
 * Format, without a newline:
 *   HV: integrity image=ok heap=ok (text+rodata crc=0x1a2b3c4d, 16000 free pages checked)
 * with "image=CHANGED" if the CRC differs (crc= is the recorded value) and
 * "heap=CORRUPT first=0x3be01008" if a free page changed. Returns what
 * snprintf returns.
 */
int integrity_format_line(char *buf, size_t size, const struct integrity_result *r);

#endif /* LIB_INTEGRITY_H */
