// SPDX-License-Identifier: MIT
/*
 * The two hardware config-space accessors behind struct pci_cfg_ops:
 *  - ECAM (PCIe30 7.2.2): MMIO at base + (bus << 20 | devfn << 12 | off),
 *    base from ACPI MCFG, identity-mapped (hva == hpa), 4 KiB per function;
 *  - configuration mechanism #1 (PCI30 3.2.2.3.2): address to 0xcf8, data
 *    through 0xcfc..0xcff, 256 B per function, segment 0 only.
 * Both return all-ones for anything they cannot reach (absent bus, other
 * segment, offset out of range) and drop such writes.
 */
#include "drivers/pci.h"
#include "boot/x86.h"
#include "drivers/pci_regs.h"
#include "lib/bitops.h"
#include "lib/errno.h"

static u32 ones(unsigned int width)
{
	return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
}

static bool width_ok(u16 off, unsigned int width, unsigned int size)
{
	if (width != 1 && width != 2 && width != 4)
		return false;
	return !(off & (width - 1)) && (u32)off + width <= size;
}

/* ---- ECAM ------------------------------------------------------------------ */

static bool ecam_addr(const struct pci_ecam *e, u16 seg, u8 bus, u8 devfn, u16 off,
		      unsigned int width, hva_t *va)
{
	if (seg != e->seg || bus < e->start_bus || bus > e->end_bus ||
	    !width_ok(off, width, PCIE_CFG_SIZE))
		return false;
	*va = e->base + ((u64)bus << PCI_ECAM_BUS_SHIFT) + ((u64)devfn << PCI_ECAM_DEVFN_SHIFT) +
	      off;
	return true;
}

static u32 ecam_read(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width)
{
	hva_t va;

	if (!ecam_addr(ctx, seg, bus, devfn, off, width, &va))
		return ones(width);
	switch (width) {
	case 1:
		return *(volatile u8 *)(uintptr_t)va;
	case 2:
		return *(volatile u16 *)(uintptr_t)va;
	default:
		return mmio_read32(va);
	}
}

static void ecam_write(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width, u32 val)
{
	hva_t va;

	if (!ecam_addr(ctx, seg, bus, devfn, off, width, &va))
		return;
	switch (width) {
	case 1:
		*(volatile u8 *)(uintptr_t)va = (u8)val;
		break;
	case 2:
		*(volatile u16 *)(uintptr_t)va = (u16)val;
		break;
	default:
		mmio_write32(va, val);
		break;
	}
}

int pci_ecam_ops_init(struct pci_ecam *e, hpa_t base, u8 start_bus, u8 end_bus)
{
	if (!e || start_bus > end_bus || !IS_ALIGNED(base, PCI_ECAM_BUS_SIZE) || base == 0)
		return -EINVAL;
	e->base = base;
	e->seg = 0;
	e->start_bus = start_bus;
	e->end_bus = end_bus;
	e->ops = (struct pci_cfg_ops){
		.read = ecam_read,
		.write = ecam_write,
		.ctx = e,
		.cfg_size = PCIE_CFG_SIZE,
		.name = "ecam",
		.base = base,
	};
	return 0;
}

/* ---- configuration mechanism #1 ------------------------------------------- */

static u32 cf8_address(u8 bus, u8 devfn, u16 off)
{
	return (u32)(PCI_CF8_ENABLE | FIELD_PREP(PCI_CF8_BUS, bus) |
		     FIELD_PREP(PCI_CF8_DEVFN, devfn) | (off & PCI_CF8_REG));
}

static u32 cf8_read(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width)
{
	struct pci_cf8 *c = ctx;
	u16 port = PCI_CF8_DATA_PORT + (off & 3);
	u32 v;

	if (seg != 0 || !width_ok(off, width, PCI_CFG_SIZE))
		return ones(width);
	spin_lock(&c->lock);
	outl(PCI_CF8_ADDR_PORT, cf8_address(bus, devfn, off));
	if (width == 1)
		v = inb(port);
	else if (width == 2)
		v = inw(port);
	else
		v = inl(port);
	spin_unlock(&c->lock);
	return v;
}

static void cf8_write(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width, u32 val)
{
	struct pci_cf8 *c = ctx;
	u16 port = PCI_CF8_DATA_PORT + (off & 3);

	if (seg != 0 || !width_ok(off, width, PCI_CFG_SIZE))
		return;
	spin_lock(&c->lock);
	outl(PCI_CF8_ADDR_PORT, cf8_address(bus, devfn, off));
	if (width == 1)
		outb(port, (u8)val);
	else if (width == 2)
		outw(port, (u16)val);
	else
		outl(port, val);
	spin_unlock(&c->lock);
}

void pci_cf8_ops_init(struct pci_cf8 *c)
{
	c->lock = (struct spinlock)SPINLOCK_INIT;
	c->ops = (struct pci_cfg_ops){
		.read = cf8_read,
		.write = cf8_write,
		.ctx = c,
		.cfg_size = PCI_CFG_SIZE,
		.name = "cf8",
		.base = 0,
	};
}
