/* SPDX-License-Identifier: MIT */
/*
 * Fixed-width integer types, address-space types and compiler attributes.
 * Freestanding: only the compiler's own <stdint.h>/<stddef.h>/<stdbool.h>.
 */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

/*
 * Address spaces. Most VT-d bugs are address-space mix-ups, so every
 * address carries its space in its type name and in its variable suffix.
 */
typedef u64 hpa_t;  /* host-physical */
typedef u64 gpa_t;  /* guest-physical (== hpa for guest RAM, thin passthrough) */
typedef u64 hva_t;  /* hypervisor virtual (identity: == hpa below the map limit) */
typedef u64 iova_t; /* device-visible I/O virtual address */

#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __noreturn __attribute__((noreturn))
#define __must_check __attribute__((warn_unused_result))
#define __unused __attribute__((unused))
#define __section(s) __attribute__((section(s)))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __used __attribute__((used))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#endif /* LIB_TYPES_H */
