/* SPDX-License-Identifier: MIT */
/*
 * VT-d fault reporting by polling (no fault interrupt): the primary fault
 * recording registers (spec 7.2, 11.4 "Fault Recording Registers") and the
 * invalidation-queue error bits of FSTS. Meant for the sidecore loop and
 * for the driver's own bring-up; every record and status bit is cleared
 * (RW1C) once reported.
 */
#ifndef DRIVERS_VTD_FAULT_H
#define DRIVERS_VTD_FAULT_H

#include "drivers/vtd.h"
#include "lib/types.h"

/* Full lines per unit before faults are only counted (a DMA storm). */
#define VTD_FAULT_PRINT_LIMIT 64

/** Name of a fault reason (VTD_FR_*), "reserved" if unknown. */
const char *vtd_fault_reason_name(unsigned int reason);

/**
 * Where decoded primary faults go besides the console (the vIOMMU reflects
 * the NIC's into the guest's unit): source-id, faulting address (page
 * aligned, as recorded), reason (VTD_FR_*), whether it was a write.
 */
typedef void (*vtd_fault_sink_fn)(void *ctx, u16 sid, u64 addr, unsigned int reason, bool write);

/** Send every primary fault polled from now on to fn (NULL: console only). */
void vtd_fault_set_sink(vtd_fault_sink_fn fn, void *ctx);

/**
 * Read FSTS and every fault record marked F, print each one as
 * "VTD: fault sid=BB:DD.F addr=0x... reason=0x.. (name) write|read",
 * clear it (and pass it to the sink, printed or not); report and clear overflow and IQE/ICE/ITE (IQE recovery via
 * the unit's invalidation queue when vtd_hw_init() ran). Returns the number
 * of faults and errors handled (0: nothing pending). Counts faults in the
 * unit's statistics.
 */
unsigned int vtd_fault_poll(struct vtd_unit *u);

#endif /* DRIVERS_VTD_FAULT_H */
