// SPDX-License-Identifier: MIT
/*
 * Local APIC access for IPIs. The mode (xAPIC or x2APIC) is whatever the
 * firmware chose; the guest later inherits the same mode on CPU0. ICR writes
 * wait for the previous delivery with a bound (xAPIC only: x2APIC has no
 * delivery-status bit).
 */
#define LOG_PREFIX "lapic: "
#include "drivers/lapic.h"
#include "boot/msr.h"
#include "boot/x86.h"
#include "drivers/tsc.h"
#include "lib/bitops.h"
#include "lib/log.h"
#include "lib/spinlock.h"

#define X2APIC_MSR(off) (MSR_IA32_X2APIC_BASE + ((off) >> 4))
#define X2APIC_MSR_ICR 0x830
#define LAPIC_ICR_WAIT_US 1000

static bool x2apic;
static hpa_t base_hpa;
static struct spinlock icr_lock = SPINLOCK_INIT;

static u32 lapic_read(u32 off)
{
	if (x2apic)
		return (u32)rdmsr(X2APIC_MSR(off));
	return mmio_read32(base_hpa + off);
}

static void lapic_write(u32 off, u32 v)
{
	if (x2apic)
		wrmsr(X2APIC_MSR(off), v);
	else
		mmio_write32(base_hpa + off, v);
}

static void lapic_enable_this_cpu(void)
{
	u32 svr = lapic_read(LAPIC_SVR);

	lapic_write(LAPIC_SVR, (svr & ~0xffu) | LAPIC_SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}

void lapic_init(void)
{
	u64 apic_base = rdmsr(MSR_IA32_APIC_BASE);

	x2apic = apic_base & MSR_APIC_BASE_EXTD;
	base_hpa = apic_base & MSR_APIC_BASE_ADDR;
	lapic_enable_this_cpu();
	pr_info("%s mode, base %#llx, id %u, version %#x\n", x2apic ? "x2APIC" : "xAPIC",
		(unsigned long long)base_hpa, lapic_id(), lapic_read(LAPIC_VER) & 0xff);
}

void lapic_init_ap(void)
{
	lapic_enable_this_cpu();
}

u32 lapic_id(void)
{
	if (x2apic)
		return (u32)rdmsr(X2APIC_MSR(LAPIC_ID));
	return lapic_read(LAPIC_ID) >> 24;
}

bool lapic_x2apic_mode(void)
{
	return x2apic;
}

hpa_t lapic_base(void)
{
	return base_hpa;
}

static bool icr_idle(void)
{
	u64 deadline;

	if (x2apic)
		return true;
	deadline = tsc_deadline_us(LAPIC_ICR_WAIT_US);
	while (lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_DS_PENDING) {
		if (tsc_expired(deadline))
			return false;
		cpu_relax();
	}
	return true;
}

static bool lapic_send_ipi_unlocked(u32 dest, u32 icr_lo)
{
	if (!icr_idle())
		return false;
	if (x2apic) {
		wrmsr(X2APIC_MSR_ICR, ((u64)dest << 32) | icr_lo);
		return true;
	}
	lapic_write(LAPIC_ICR_HI, dest << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	return icr_idle();
}

static bool lapic_send_ipi(u32 dest, u32 icr_lo)
{
	bool ok;

	spin_lock(&icr_lock);
	ok = lapic_send_ipi_unlocked(dest, icr_lo);
	spin_unlock(&icr_lock);
	return ok;
}

bool lapic_send_init(u32 apic_id)
{
	return lapic_send_ipi(apic_id, LAPIC_ICR_DM_INIT | LAPIC_ICR_LEVEL_ASSERT);
}

bool lapic_send_sipi(u32 apic_id, u8 vector_page)
{
	return lapic_send_ipi(apic_id, LAPIC_ICR_DM_STARTUP | LAPIC_ICR_LEVEL_ASSERT | vector_page);
}

bool lapic_send_nmi(u32 apic_id)
{
	return lapic_send_ipi(apic_id, LAPIC_ICR_DM_NMI | LAPIC_ICR_LEVEL_ASSERT);
}

/* Panic path: the ICR lock may be held by the CPU being stopped. */
bool lapic_send_nmi_all_but_self(void)
{
	bool locked = false, ok;

	for (int i = 0; i < 100000 && !locked; i++)
		locked = spin_trylock(&icr_lock);
	ok = lapic_send_ipi_unlocked(0, LAPIC_ICR_DM_NMI | LAPIC_ICR_LEVEL_ASSERT |
						LAPIC_ICR_DEST_ALL_BUT_SELF);
	if (locked)
		spin_unlock(&icr_lock);
	return ok;
}

bool lapic_send_fixed(u32 apic_id, u8 vector)
{
	return lapic_send_ipi(apic_id, LAPIC_ICR_LEVEL_ASSERT | vector);
}
