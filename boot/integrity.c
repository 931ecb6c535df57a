// SPDX-License-Identifier: MIT
/*
 * Integrity self-check: owns the recorded CRC of [__text_start, __text_end)
 * + [__rodata_start, __rodata_end) and the pool's poisoning (the pure parts
 * are lib/crc32.c, lib/page_alloc.c and lib/integrity.c). Both halves are
 * cheap enough for TCG and Bochs: ~170 KiB of CRC and 64 MiB of 64-bit
 * compares, timed on the console.
 */
#define LOG_PREFIX "HV: "
#include "boot/integrity.h"
#include "boot/cmdline.h"
#include "boot/mm.h"
#include "drivers/tsc.h"
#include "lib/bitops.h"
#include "lib/crc32.h"
#include "lib/integrity.h"
#include "lib/log.h"

extern const u8 __text_start[], __text_end[], __rodata_start[], __rodata_end[];

/* A rodata word test_integrity=1 flips (never read by anything else). */
static const u64 integrity_canary __used = 0x43414e4152592121ULL;

static u32 crc_recorded;
static bool recorded, checked, verdict;

/* Section bounds as addresses (linker symbols are distinct objects to C). */
static size_t span(const u8 *start, const u8 *end)
{
	return (size_t)((uintptr_t)end - (uintptr_t)start);
}

static u64 image_bytes(void)
{
	return span(__text_start, __text_end) + span(__rodata_start, __rodata_end);
}

static u32 image_crc(void)
{
	u32 c = crc32(0, __text_start, span(__text_start, __text_end));

	return crc32(c, __rodata_start, span(__rodata_start, __rodata_end));
}

static u64 ms_since(u64 t0)
{
	return tsc_to_us(tsc_now() - t0) / 1000;
}

/* test_integrity=1: one changed rodata word, one changed free page (the
 * pool's last: first-fit allocation reaches it last). */
static void integrity_corrupt_on_purpose(void)
{
	volatile u64 *canary = (volatile u64 *)(uintptr_t)&integrity_canary;
	hpa_t last = hv_pool.base + (hv_pool.nr_pages - 1) * PAGE_SIZE;

	*canary ^= 1;
	printk("HV: integrity test: flipped rodata at %p\n", (const void *)canary);
	if (hv_pool.nr_pages && page_pool_page_free(&hv_pool, last)) {
		((volatile u64 *)page_hva(&hv_pool, last))[5] = 0;
		printk("HV: integrity test: wrote free page word %#llx\n",
		       (unsigned long long)last + 5 * sizeof(u64));
	}
}

void integrity_record(void)
{
	u64 t0 = tsc_now(), pages;

	crc_recorded = image_crc();
	pages = page_pool_poison(&hv_pool, INTEGRITY_POISON);
	recorded = true;
	printk("HV: integrity recorded: text+rodata %llu KiB crc=0x%08x, %llu free pages poisoned in %llu ms\n",
	       (unsigned long long)(image_bytes() >> 10), crc_recorded, (unsigned long long)pages,
	       (unsigned long long)ms_since(t0));
	if (hv_opts.test_integrity)
		integrity_corrupt_on_purpose();
}

bool integrity_check(void)
{
	struct integrity_result r = { .crc_recorded = crc_recorded };
	struct page_poison_report rep;
	char line[160];
	u64 t0 = tsc_now();

	if (checked)
		return verdict;
	checked = true;
	if (!recorded) {
		printk("HV: integrity not recorded (the guest never started)\n");
		return verdict = false;
	}
	r.crc_now = image_crc();
	page_pool_check_poison(&hv_pool, &rep);
	r.pages_checked = rep.checked;
	r.bad_pages = rep.bad_pages;
	r.first_bad = rep.first_bad;
	integrity_format_line(line, sizeof(line), &r);
	printk("%s\n", line);
	if (r.crc_now != r.crc_recorded)
		printk("HV: integrity text+rodata crc now 0x%08x\n", r.crc_now);
	if (r.bad_pages)
		printk("HV: integrity %llu free pages changed\n", (unsigned long long)r.bad_pages);
	pr_info("integrity check took %llu ms\n", (unsigned long long)ms_since(t0));
	verdict = integrity_ok(&r);
	return verdict;
}
