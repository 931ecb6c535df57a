/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3 / zlib / PNG: reflected polynomial 0xEDB88320, initial
 * value and final XOR 0xFFFFFFFF). Used by the hypervisor's integrity
 * self-check over its own image; pure and host-tested.
 */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include "lib/types.h"

/**
 * Continue a CRC-32 over len bytes at buf. Start with crc32(0, ...); to
 * checksum a buffer in pieces, pass the previous result as crc.
 * crc32(0, "123456789", 9) == 0xCBF43926.
 */
u32 crc32(u32 crc, const void *buf, size_t len);

#endif /* LIB_CRC32_H */
