/* SPDX-License-Identifier: MIT */
/*
 * Forced into every host-compiled source (-include): the hypervisor's own
 * libc-named routines get distinct names so the real lib/ code is what the
 * tests exercise, side by side with the host libc (Xen tools/tests idea).
 */
#ifndef TESTS_UNIT_HOST_NAMES_H
#define TESTS_UNIT_HOST_NAMES_H

#define memcpy hv_memcpy
#define memmove hv_memmove
#define memset hv_memset
#define memcmp hv_memcmp
#define strlen hv_strlen
#define strnlen hv_strnlen
#define strcmp hv_strcmp
#define strncmp hv_strncmp
#define strchr hv_strchr
#define strlcpy hv_strlcpy
#define vsnprintf hv_vsnprintf
#define snprintf hv_snprintf

#endif
