/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's self-check that its own memory is unchanged across a
 * guest's life: a CRC-32 of its text and rodata, and a poison pattern in
 * every free page of the pool, recorded before the guest starts and
 * verified when it ends (shutdown, crash or reset request).
 */
#ifndef BOOT_INTEGRITY_H
#define BOOT_INTEGRITY_H

#include "lib/types.h"

/* The 64-bit word filling free pool pages ("SV-FREE!" little-endian). */
#define INTEGRITY_POISON 0x21454552462d5653ULL

/**
 * Checksum text+rodata and poison the pool's free pages; prints
 * "HV: integrity recorded ...". Call once, after "HV: ready", before the
 * guest starts. With test_integrity=1 it then corrupts a rodata word and a
 * free page on purpose, so the check must report both.
 */
void integrity_record(void);

/**
 * Verify and print the one stable line
 *   HV: integrity image=ok heap=ok (text+rodata crc=0x..., N free pages checked)
 * (image=CHANGED / heap=CORRUPT first=0x... on failure). Only the first call
 * checks and prints; later calls return the first verdict. False on any
 * change, or if nothing was recorded.
 */
bool integrity_check(void);

#endif /* BOOT_INTEGRITY_H */
