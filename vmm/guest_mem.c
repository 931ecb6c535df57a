// SPDX-License-Identifier: MIT
/*
 * Guest RAM bookkeeping and instruction fetch. Guest page tables are read
 * only through guest_mem_ops, which refuses anything that is not guest RAM,
 * so a hostile CR3 can never make the hypervisor read its own memory or
 * device registers.
 */
#include "vmm/guest_mem.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "vmm/guest_walk.h"

static struct mem_range ram[GUEST_MEM_MAX_RANGES];
static unsigned int nr_ram;

void guest_mem_init(const struct mem_range *map, unsigned int nr)
{
	nr_ram = 0;
	for (unsigned int i = 0; i < nr && nr_ram < GUEST_MEM_MAX_RANGES; i++)
		if (map[i].type == MEMRANGE_AVAILABLE || map[i].type == MEMRANGE_ACPI ||
		    map[i].type == MEMRANGE_NVS)
			ram[nr_ram++] =
				(struct mem_range){ map[i].base, map[i].len, MEMRANGE_AVAILABLE };
	memrange_normalise(ram, &nr_ram, GUEST_MEM_MAX_RANGES);
}

bool guest_ram_contains(gpa_t gpa, u64 len)
{
	return len && memrange_contains(ram, nr_ram, MEMRANGE_AVAILABLE, gpa, len);
}

void *guest_ram_ptr(gpa_t gpa, u64 len)
{
	return guest_ram_contains(gpa, len) ? (void *)(uintptr_t)gpa : NULL;
}

gpa_t guest_ram_top(void)
{
	return nr_ram ? ram[nr_ram - 1].base + ram[nr_ram - 1].len : 0;
}

static bool gm_read64(void *ctx, u64 gpa, u64 *val)
{
	const u64 *p = guest_ram_ptr(gpa, 8);

	(void)ctx;
	if (!p || !IS_ALIGNED(gpa, 8))
		return false;
	*val = *(const volatile u64 *)p;
	return true;
}

static bool gm_read32(void *ctx, u64 gpa, u32 *val)
{
	const u32 *p = guest_ram_ptr(gpa, 4);

	(void)ctx;
	if (!p || !IS_ALIGNED(gpa, 4))
		return false;
	*val = *(const volatile u32 *)p;
	return true;
}

static const struct guest_mem_ops guest_ram_ops = {
	.read64 = gm_read64,
	.read32 = gm_read32,
	.ctx = NULL,
};

enum insn_cpu_mode guest_cpu_mode(struct vcpu *v)
{
	const struct vcpu_ops *o = v->ops;

	if (!(o->read(v, VCPU_CR0) & BIT(0)))
		return INSN_MODE_16;
	if ((o->read(v, VCPU_EFER) & BIT(10)) && o->read(v, VCPU_CS_LONG))
		return INSN_MODE_64;
	return o->read(v, VCPU_CS_DB) ? INSN_MODE_32 : INSN_MODE_16;
}

int guest_fetch_rip(struct vcpu *v, u8 *buf, unsigned int max)
{
	struct guest_paging p;
	u64 linear;

	if (v->exit.nr_insn_bytes) { /* supplied by the CPU (decode assists) */
		unsigned int n = MIN(v->exit.nr_insn_bytes, max);

		memcpy(buf, v->exit.insn_bytes, n);
		return (int)n;
	}
	memset(&p, 0, sizeof(p));
	p.cr0 = v->ops->read(v, VCPU_CR0);
	p.cr3 = v->ops->read(v, VCPU_CR3);
	p.cr4 = v->ops->read(v, VCPU_CR4);
	p.efer = v->ops->read(v, VCPU_EFER);
	p.maxphyaddr = 52;
	linear = v->ops->read(v, VCPU_RIP);
	if (guest_cpu_mode(v) != INSN_MODE_64)
		linear = (linear + v->ops->read(v, VCPU_CS_BASE)) & 0xffffffffULL;
	return guest_fetch_insn(&p, &guest_ram_ops, linear, buf, max);
}

u32 guest_insn_length(struct vcpu *v)
{
	u8 buf[15];
	unsigned int len;
	int n = guest_fetch_rip(v, buf, sizeof(buf));

	if (n <= 0)
		return 0;
	if (insn_length(buf, (unsigned int)n, guest_cpu_mode(v), &len))
		return 0;
	return len;
}
