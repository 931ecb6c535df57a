// SPDX-License-Identifier: MIT
/*
 * The guest's PCI config space through configuration mechanism #1 (PCI30
 * 3.2.2.3.2): a virtual CONFIG_ADDRESS register, the data window at
 * 0xcfc-0xcff forwarded to the host config space for the visible functions
 * only, and the write policy of vmm/vpci.h (NIC: all passes; other visible
 * functions: BARs/ROM shadowed, decode bits kept, host bridge specifics
 * read-only). Every host access is naturally aligned and below 256.
 */
#define LOG_PREFIX "vpci: "
#include "vmm/vpci.h"
#include "drivers/pci.h"
#include "drivers/pci_regs.h"
#include "lib/bitops.h"
#include "lib/log.h"
#include "lib/string.h"

/* COMMAND bits the guest cannot change on functions other than its NIC. */
#define VPCI_COMMAND_KEEP (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)

static const char *const role_name[] = {
	[VPCI_ROLE_NIC] = "nic",
	[VPCI_ROLE_HOST_BRIDGE] = "host-bridge",
	[VPCI_ROLE_ISA_BRIDGE] = "isa-bridge",
	[VPCI_ROLE_PATH_BRIDGE] = "bridge",
};

/* All-ones in the low n bytes (n <= 4; more counts as 4). */
static u32 ones(unsigned int n)
{
	return n >= 4 ? 0xffffffffu : (u32)((1u << (8 * n)) - 1);
}

static u8 bdf_bus(u32 bdf)
{
	return (u8)(bdf >> 8);
}

static u8 bdf_devfn(u32 bdf)
{
	return (u8)bdf;
}

static u32 host_read(const struct vpci *v, const struct vpci_fn *f, u16 off, unsigned int width)
{
	return v->host->read(v->host->ctx, 0, bdf_bus(f->bdf), bdf_devfn(f->bdf), off, width);
}

static void host_write(const struct vpci *v, const struct vpci_fn *f, u16 off, unsigned int width,
		       u32 val)
{
	v->host->write(v->host->ctx, 0, bdf_bus(f->bdf), bdf_devfn(f->bdf), off, width, val);
}

/* Index of the visible function bdf, or -1. */
static int find_idx(const struct vpci *v, u32 bdf)
{
	for (unsigned int i = 0; i < v->nr_visible; i++)
		if (v->fns[i].bdf == bdf)
			return (int)i;
	return -1;
}

static struct vpci_fn *find_fn(struct vpci *v, u32 bdf)
{
	int i = find_idx(v, bdf);

	return i < 0 ? NULL : &v->fns[i];
}

bool vpci_visible(const struct vpci *v, u32 bdf)
{
	return find_idx(v, bdf) >= 0;
}

/* ---- set-up ------------------------------------------------------------------ */

/* Writable bits of BAR i as the host sized it (0: not implemented). */
static u32 bar_wmask(const struct pci_dev *d, unsigned int i)
{
	const struct pci_bar *b = &d->bars[i];

	switch (b->kind) {
	case PCI_BAR_IO:
		return b->size ? (u32) ~(b->size - 1) & PCI_BAR_IO_MASK : 0;
	case PCI_BAR_MEM32:
	case PCI_BAR_MEM64:
		return b->size ? (u32) ~(b->size - 1) & PCI_BAR_MEM_MASK : 0;
	case PCI_BAR_MEM64_HI:
		b = i ? &d->bars[i - 1] : NULL;
		return b && b->kind == PCI_BAR_MEM64 && b->size ? (u32)(~(b->size - 1) >> 32) : 0;
	default:
		return 0;
	}
}

/* Seed the shadows of a non-NIC function from the host. */
static void seed_shadows(const struct vpci *v, struct vpci_fn *f, const struct pci_dev *d)
{
	if (f->role == VPCI_ROLE_NIC || !d || !v->host)
		return;
	f->nbars = MIN(d->nbars, 6);
	for (unsigned int i = 0; i < f->nbars; i++) {
		f->bar[i] = host_read(v, f, PCI_BAR_32(i), 4);
		f->bar_wmask[i] = bar_wmask(d, i);
	}
	if (d->hdr_type == PCI_HEADER_NORMAL)
		f->rom_off = PCI_ROM_ADDRESS_32;
	else if (d->hdr_type == PCI_HEADER_BRIDGE)
		f->rom_off = PCI_BRIDGE_ROM_ADDRESS_32;
	if (f->rom_off)
		f->rom = host_read(v, f, f->rom_off, 4);
}

static void add_fn(struct vpci *v, const struct pci_bus_info *bus, u32 bdf, enum vpci_role role)
{
	struct vpci_fn *f;

	if (find_fn(v, bdf))
		return;
	if (v->nr_visible >= VPCI_MAX_VISIBLE) {
		pr_warn("more than %u visible functions: %02x:%02x.%u (%s) "
			"stays hidden\n",
			VPCI_MAX_VISIBLE, bdf_bus(bdf), bdf_devfn(bdf) >> 3, bdf_devfn(bdf) & 7,
			role_name[role]);
		return;
	}
	f = &v->fns[v->nr_visible++];
	memset(f, 0, sizeof(*f));
	f->bdf = bdf;
	f->role = (u8)role;
	seed_shadows(v, f, bus ? pci_find_bdf(bus, bdf) : NULL);
}

/* Is d a PCI-to-PCI bridge whose secondary..subordinate buses hold bus? */
static bool bridge_above(const struct pci_dev *d, u8 bus)
{
	return d->hdr_type == PCI_HEADER_BRIDGE && d->secondary_bus && d->secondary_bus <= bus &&
	       bus <= d->subordinate_bus;
}

void vpci_init(struct vpci *v, const struct pci_cfg_ops *host, const struct pci_bus_info *bus,
	       u32 nic_bdf)
{
	unsigned int n = bus && bus->seg == 0 ? MIN(bus->ndevs, PCI_MAX_DEVS) : 0;

	memset(v, 0, sizeof(*v));
	v->host = host;
	v->nic_bdf = nic_bdf;
	if (nic_bdf != VPCI_NO_NIC && nic_bdf > 0xffff) {
		pr_warn("NIC bdf 0x%x is not on segment 0: not visible\n", nic_bdf);
		v->nic_bdf = VPCI_NO_NIC;
	}
	if (v->nic_bdf != VPCI_NO_NIC) {
		add_fn(v, bus, v->nic_bdf, VPCI_ROLE_NIC);
		for (unsigned int i = 0; i < n; i++)
			if (bridge_above(&bus->devs[i], bdf_bus(v->nic_bdf)))
				add_fn(v, bus,
				       PCI_BDF(bus->devs[i].bus, bus->devs[i].dev, bus->devs[i].fn),
				       VPCI_ROLE_PATH_BRIDGE);
	}
	for (unsigned int i = 0; i < n; i++) {
		const struct pci_dev *d = &bus->devs[i];

		if (d->bus != 0 || d->class_code != PCI_CLASS_BRIDGE)
			continue;
		if (d->subclass == PCI_SUBCLASS_BRIDGE_HOST)
			add_fn(v, bus, PCI_BDF(0, d->dev, d->fn), VPCI_ROLE_HOST_BRIDGE);
		else if (d->subclass == PCI_SUBCLASS_BRIDGE_ISA)
			add_fn(v, bus, PCI_BDF(0, d->dev, d->fn), VPCI_ROLE_ISA_BRIDGE);
	}
	for (unsigned int i = 0; i < v->nr_visible; i++) {
		u32 bdf = v->fns[i].bdf;

		if ((bdf & 7) && !find_fn(v, bdf & ~7u))
			pr_warn("%02x:%02x.%u (%s) is visible but function 0 "
				"is not: Linux will not find it\n",
				bdf_bus(bdf), bdf_devfn(bdf) >> 3, bdf & 7,
				role_name[v->fns[i].role]);
	}
}

/* ---- config accesses ---------------------------------------------------------- */

/* The shadow holding the dword at reg of f, or NULL if it goes to the host. */
static u32 *shadow_reg(struct vpci_fn *f, u16 reg, u32 *wmask)
{
	if (f->role == VPCI_ROLE_NIC)
		return NULL;
	if (reg >= PCI_BAR0_32 && reg < PCI_BAR_32(f->nbars)) {
		*wmask = f->bar_wmask[(reg - PCI_BAR0_32) / 4];
		return &f->bar[(reg - PCI_BAR0_32) / 4];
	}
	if (f->rom_off && reg == f->rom_off) {
		*wmask = 0; /* ROM size unknown: nothing to size, never moves */
		return &f->rom;
	}
	return NULL;
}

/* @pre: width 1, 2 or 4, off naturally aligned, off + width <= 256 */
static u32 cfg_read(const struct vpci *v, struct vpci_fn *f, u16 off, unsigned int width)
{
	unsigned int shift = 8 * (off & 3);
	u32 wmask;
	const u32 *sh = shadow_reg(f, off & ~3u, &wmask);

	if (sh)
		return (*sh >> shift) & ones(width);
	return host_read(v, f, off, width);
}

/* Same @pre. Returns false if the write did not reach the host. */
static bool cfg_write(const struct vpci *v, struct vpci_fn *f, u16 off, unsigned int width, u32 val)
{
	unsigned int shift = 8 * (off & 3);
	u32 wmask = 0, m, nv;
	u32 *sh = shadow_reg(f, off & ~3u, &wmask);

	if (f->role == VPCI_ROLE_NIC) {
		host_write(v, f, off, width, val);
		return true;
	}
	if (sh) {
		m = ones(width) << shift;
		nv = (*sh & ~m) | ((val << shift) & m);
		*sh = (nv & wmask) | (*sh & ~wmask);
		return false;
	}
	if (f->role == VPCI_ROLE_HOST_BRIDGE && off >= PCI_CAP_MIN_OFFSET)
		return false;
	if (off == PCI_COMMAND_16) /* the decode bits live in its low byte */
		val = (val & ~(u32)VPCI_COMMAND_KEEP) |
		      (host_read(v, f, PCI_COMMAND_16, 2) & VPCI_COMMAND_KEEP);
	host_write(v, f, off, width, val);
	return true;
}

static bool aligned(u16 off, unsigned int n)
{
	return (n == 1 || n == 2 || n == 4) && !(off & (n - 1));
}

/* Nothing answers: all-ones read, write dropped. */
static void no_target(struct vpci *v, unsigned int size, bool write, u32 *val)
{
	if (write) {
		v->stats.blocked_writes++;
	} else {
		*val = ones(size);
		v->stats.hidden_reads++;
	}
}

/* Access at 0xcfc + byte, size 1/2/4. */
static void data_io(struct vpci *v, unsigned int byte, unsigned int size, bool write, u32 *val)
{
	unsigned int n = MIN(size, 4 - byte); /* bytes up to 0xcff */
	struct vpci_fn *f = NULL;
	bool passed = true;
	u16 off;
	u32 r;

	if (v->cf8 & PCI_CF8_ENABLE)
		f = find_fn(v,
			    (u32)FIELD_GET(PCI_CF8_BUS | PCI_CF8_DEVFN, v->cf8)); /* == PCI_BDF() */
	if (!f || !v->host) {
		no_target(v, size, write, val);
		return;
	}
	off = (u16)((v->cf8 & PCI_CF8_REG) + byte);
	if (write) {
		if (aligned(off, n))
			passed = cfg_write(v, f, off, n, *val & ones(n));
		else
			for (unsigned int i = 0; i < n; i++)
				passed &= cfg_write(v, f, off + i, 1, (*val >> (8 * i)) & 0xff);
		if (!passed)
			v->stats.blocked_writes++;
		return;
	}
	if (aligned(off, n)) {
		r = cfg_read(v, f, off, n);
	} else {
		r = 0;
		for (unsigned int i = 0; i < n; i++)
			r |= cfg_read(v, f, off + i, 1) << (8 * i);
	}
	/* bytes past 0xcff: nothing there */
	*val = (ones(size) & ~ones(n)) | r;
}

bool vpci_io(struct vpci *v, u16 port, unsigned int size, bool write, u32 *val)
{
	if (port < VPCI_PORT_FIRST || port > VPCI_PORT_LAST || port == VPCI_PORT_RESET)
		return false;
	if (write)
		v->stats.writes++;
	else
		v->stats.reads++;
	if (size != 1 && size != 2 && size != 4) {
		no_target(v, 4, write, val);
		return true;
	}
	if (port >= VPCI_PORT_DATA) {
		data_io(v, port - VPCI_PORT_DATA, size, write, val);
		return true;
	}
	/* 0xcf8, 0xcfa, 0xcfb: only a dword at 0xcf8 is CONFIG_ADDRESS */
	if (port != VPCI_PORT_FIRST || size != 4)
		no_target(v, size, write, val);
	else if (write)
		v->cf8 = *val;
	else
		*val = v->cf8;
	return true;
}

void vpci_print(const struct vpci *v)
{
	printk("VPCI: visible");
	for (unsigned int i = 0; i < v->nr_visible; i++) {
		const struct vpci_fn *f = &v->fns[i];

		printk("%s %02x:%02x.%u %s", i ? "," : "", bdf_bus(f->bdf), bdf_devfn(f->bdf) >> 3,
		       bdf_devfn(f->bdf) & 7,
		       f->role < ARRAY_SIZE(role_name) ? role_name[f->role] : "?");
	}
	printk("%s\n", v->nr_visible ? "" : " nothing");
	printk("VPCI: reads=%lu writes=%lu hidden_reads=%lu "
	       "blocked_writes=%lu\n",
	       v->stats.reads, v->stats.writes, v->stats.hidden_reads, v->stats.blocked_writes);
}
