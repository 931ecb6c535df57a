/* SPDX-License-Identifier: MIT */
/* Freestanding string and memory routines, plus number parsing. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/** Copy at most size-1 bytes and always NUL-terminate (size > 0). */
size_t strlcpy(char *dst, const char *src, size_t size);

/**
 * Parse an unsigned number of len bytes at s: decimal, or hex with 0x.
 * Returns 0, -EINVAL on a bad digit or empty string, -ERANGE on overflow.
 */
int __must_check str_to_u64(const char *s, size_t len, u64 *out);

#endif /* LIB_STRING_H */
