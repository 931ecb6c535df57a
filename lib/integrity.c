// SPDX-License-Identifier: MIT
/*
 * The integrity line. Its shape is a test interface: "HV: integrity
 * image=ok|CHANGED heap=ok|CORRUPT first=0x... (text+rodata crc=0x...,
 * N free pages checked)".
 */
#include "lib/integrity.h"
#include "lib/printf.h"

int integrity_format_line(char *buf, size_t size, const struct integrity_result *r)
{
	char heap[40];

	if (r->bad_pages)
		snprintf(heap, sizeof(heap), "CORRUPT first=0x%llx",
			 (unsigned long long)r->first_bad);
	else
		snprintf(heap, sizeof(heap), "ok");
	return snprintf(
		buf, size,
		"HV: integrity image=%s heap=%s (text+rodata crc=0x%08x, %llu free pages checked)",
		r->crc_now == r->crc_recorded ? "ok" : "CHANGED", heap, r->crc_recorded,
		(unsigned long long)r->pages_checked);
}
