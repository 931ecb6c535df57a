/* SPDX-License-Identifier: MIT */
/*
 * Bit and field helpers for hardware entries kept as u64 words
 * (no C bitfields for anything hardware or the guest reads).
 */
#ifndef LIB_BITOPS_H
#define LIB_BITOPS_H

#include "lib/types.h"

#define BIT(n) (1ULL << (n))
/* Mask of bits hi..lo inclusive, 0 <= lo <= hi <= 63. */
#define GENMASK(hi, lo) ((~0ULL << (lo)) & (~0ULL >> (63 - (hi))))

/* Extract / build the field described by a contiguous mask. */
#define FIELD_GET(mask, val) (((u64)(val) & (u64)(mask)) >> __builtin_ctzll((u64)(mask)))
#define FIELD_PREP(mask, val) (((u64)(val) << __builtin_ctzll((u64)(mask))) & (u64)(mask))
/* Replace the field in word, leaving the other bits alone. */
#define FIELD_SET(word, mask, val) (((u64)(word) & ~(u64)(mask)) | FIELD_PREP(mask, val))

#define ALIGN_DOWN(x, a) ((x) & ~((u64)(a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((u64)(x) + (u64)(a)-1, a)
#define IS_ALIGNED(x, a) (((u64)(x) & ((u64)(a)-1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define KiB(x) ((u64)(x) << 10)
#define MiB(x) ((u64)(x) << 20)
#define GiB(x) ((u64)(x) << 30)

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096ULL
#define PAGE_MASK (~(PAGE_SIZE - 1))

/* Population count and find-last-set on u64; fls64(0) == -1. */
static inline int popcount64(u64 v)
{
	return __builtin_popcountll(v);
}

static inline int fls64(u64 v)
{
	return v ? 63 - __builtin_clzll(v) : -1;
}

/*
 * Does [a, a+alen) overlap [b, b+blen)? Lengths of 0 never overlap.
 * Written without a + alen so that ranges reaching 2^64 do not wrap.
 */
static inline bool ranges_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	if (!alen || !blen)
		return false;
	return a >= b ? a - b < blen : b - a < alen;
}

/* Is [a, a+alen) entirely inside [b, b+blen)? No wrap-around. */
static inline bool range_within(u64 a, u64 alen, u64 b, u64 blen)
{
	return a >= b && alen <= blen && a - b <= blen - alen;
}

#endif /* LIB_BITOPS_H */
