/* SPDX-License-Identifier: MIT */
/*
 * Local APIC (SDM Vol. 3A chapter 10/11): xAPIC through MMIO, x2APIC through
 * MSRs, whichever mode the firmware left the CPU in. Used for IPIs only:
 * INIT-SIPI-SIPI, NMIs to stop or kick CPUs. The guest owns CPU0's LAPIC.
 */
#ifndef DRIVERS_LAPIC_H
#define DRIVERS_LAPIC_H
/* clang-format off: register tables keep their field indentation */

#include "lib/types.h"

/* xAPIC register offsets (SDM Vol. 3A Table 11-1); x2APIC MSR = 0x800 + off/16 */
#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_SVR 0x0f0
#define LAPIC_SVR_ENABLE BIT(8)
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_DM_NMI (4u << 8)
#define LAPIC_ICR_DM_INIT (5u << 8)
#define LAPIC_ICR_DM_STARTUP (6u << 8)
#define LAPIC_ICR_DS_PENDING BIT(12)
#define LAPIC_ICR_LEVEL_ASSERT BIT(14)
#define LAPIC_ICR_TRIGGER_LEVEL BIT(15)
#define LAPIC_ICR_DEST_ALL_BUT_SELF (3u << 18)
#define LAPIC_ICR_HI 0x310

#define LAPIC_SPURIOUS_VECTOR 0xff

/** Detect the mode and base on the BSP; enable this CPU's LAPIC. */
void lapic_init(void);
/** Enable the calling AP's LAPIC (same mode as the BSP's). */
void lapic_init_ap(void);
u32 lapic_id(void);
bool lapic_x2apic_mode(void);
hpa_t lapic_base(void);

/* IPIs; each returns false if the ICR stayed busy past its bound. */
bool lapic_send_init(u32 apic_id);
bool lapic_send_sipi(u32 apic_id, u8 vector_page);
bool lapic_send_nmi(u32 apic_id);
bool lapic_send_nmi_all_but_self(void);
/** Fixed-vector IPI (also how a guest-programmed MSI is delivered later). */
bool lapic_send_fixed(u32 apic_id, u8 vector);

/* clang-format on */
#endif /* DRIVERS_LAPIC_H */
