// SPDX-License-Identifier: MIT
/*
 * PCI console output: the per-function report (pci_print), the NIC line
 * and the raw config-space dump used to capture test blobs (dump=pci).
 * The formats are stable; tests and scripts/capture_pci.py grep them:
 *   PCI: 00:02.0 8086:10d3 class 02.00.00 hdr 0 irq-pin A
 *   PCI:   bar0 mem32 0xfebc0000 size 0x20000
 *   PCI:   caps: msi@0xd0(64bit,maskable,vec=1) pcie@0xe0(endpoint) ...
 *   PCI: 6 devices (config access: ecam 0xb0000000)
 *   HV: nic 00:02.0 8086:10d3 (e1000e)
 *   PCIDUMP 00:02.0 000: 86 80 d3 10 ...
 */
#include "drivers/pci.h"
#include <stdarg.h>
#include "drivers/pci_regs.h"
#include "lib/bitops.h"
#include "lib/log.h"
#include "lib/printf.h"

/* A console line assembled piecewise; wraps onto a new prefixed line. */
struct line {
	char buf[160];
	size_t len;
	const char *prefix;
	bool dirty; /* anything after the prefix */
};

static void line_start(struct line *l, const char *prefix)
{
	l->prefix = prefix;
	l->len = (size_t)snprintf(l->buf, sizeof(l->buf), "%s", prefix);
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
	l->dirty = false;
}

static void line_flush(struct line *l)
{
	if (l->dirty)
		printk("%s\n", l->buf);
	line_start(l, l->prefix);
}

static void __printf(2, 3) line_add(struct line *l, const char *fmt, ...)
{
	char item[96];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(item))
		n = sizeof(item) - 1;
	if (l->dirty && l->len + 1 + (size_t)n >= sizeof(l->buf))
		line_flush(l);
	l->len += (size_t)snprintf(l->buf + l->len, sizeof(l->buf) - l->len, " %s", item);
	if (l->len >= sizeof(l->buf))
		l->len = sizeof(l->buf) - 1;
	l->dirty = true;
}

/* "00:02.0", with a "ssss:" segment prefix when the segment is not 0. */
static const char *bdf_str(const struct pci_dev *d, char *buf, size_t size)
{
	if (d->seg)
		snprintf(buf, size, "%04x:%02x:%02x.%u", d->seg, d->bus, d->dev, d->fn);
	else
		snprintf(buf, size, "%02x:%02x.%u", d->bus, d->dev, d->fn);
	return buf;
}

static const char *cap_name(u16 id)
{
	static const char *const names[] = {
		[PCI_CAP_ID_PM] = "pm",		[PCI_CAP_ID_AGP] = "agp",
		[PCI_CAP_ID_VPD] = "vpd",	[PCI_CAP_ID_SLOTID] = "slotid",
		[PCI_CAP_ID_MSI] = "msi",	[PCI_CAP_ID_HOTSWAP] = "hotswap",
		[PCI_CAP_ID_PCIX] = "pcix",	[PCI_CAP_ID_HT] = "ht",
		[PCI_CAP_ID_VENDOR] = "vendor", [PCI_CAP_ID_DEBUG] = "debug",
		[PCI_CAP_ID_HOTPLUG] = "shpc",	[PCI_CAP_ID_SSVID] = "ssvid",
		[PCI_CAP_ID_PCIE] = "pcie",	[PCI_CAP_ID_MSIX] = "msix",
		[PCI_CAP_ID_SATA] = "sata",	[PCI_CAP_ID_AF] = "af",
		[PCI_CAP_ID_EA] = "ea",
	};

	return id < ARRAY_SIZE(names) ? names[id] : NULL;
}

static const char *ext_cap_name(u16 id)
{
	switch (id) {
	case PCI_EXT_CAP_ID_AER:
		return "aer";
	case PCI_EXT_CAP_ID_VC:
		return "vc";
	case PCI_EXT_CAP_ID_DSN:
		return "dsn";
	case PCI_EXT_CAP_ID_PWR:
		return "pwr";
	case PCI_EXT_CAP_ID_RCLINK:
		return "rclink";
	case PCI_EXT_CAP_ID_VNDR:
		return "vndr";
	case PCI_EXT_CAP_ID_ACS:
		return "acs";
	case PCI_EXT_CAP_ID_ARI:
		return "ari";
	case PCI_EXT_CAP_ID_ATS:
		return "ats";
	case PCI_EXT_CAP_ID_SRIOV:
		return "sriov";
	case PCI_EXT_CAP_ID_LTR:
		return "ltr";
	case PCI_EXT_CAP_ID_SECPCI:
		return "secpci";
	case PCI_EXT_CAP_ID_PASID:
		return "pasid";
	case PCI_EXT_CAP_ID_L1SS:
		return "l1ss";
	default:
		return NULL;
	}
}

static const char *pcie_type_name(u8 type)
{
	switch (type) {
	case PCI_EXP_TYPE_ENDPOINT:
		return "endpoint";
	case PCI_EXP_TYPE_LEG_END:
		return "legacy-endpoint";
	case PCI_EXP_TYPE_ROOT_PORT:
		return "root-port";
	case PCI_EXP_TYPE_UPSTREAM:
		return "upstream-port";
	case PCI_EXP_TYPE_DOWNSTREAM:
		return "downstream-port";
	case PCI_EXP_TYPE_PCIE_PCI:
		return "pcie-pci-bridge";
	case PCI_EXP_TYPE_PCI_PCIE:
		return "pci-pcie-bridge";
	case PCI_EXP_TYPE_RC_END:
		return "rc-endpoint";
	case PCI_EXP_TYPE_RC_EC:
		return "rc-event-collector";
	default:
		return "type?";
	}
}

static void print_cap(struct line *l, const struct pci_dev *d, const struct pci_cap *c)
{
	const char *name = cap_name(c->id);

	if (c->id == PCI_CAP_ID_MSI && c->off == d->msi.off)
		line_add(l, "msi@0x%x(%s%s,vec=%u)", c->off, d->msi.is64 ? "64bit" : "32bit",
			 d->msi.maskable ? ",maskable" : "", d->msi.vectors);
	else if (c->id == PCI_CAP_ID_MSIX && c->off == d->msix.off)
		line_add(l, "msix@0x%x(table=%u bir=%u off=0x%x pba bir=%u off=0x%x)", c->off,
			 d->msix.table_size, d->msix.table_bir, d->msix.table_off, d->msix.pba_bir,
			 d->msix.pba_off);
	else if (c->id == PCI_CAP_ID_PCIE && c->off == d->pcie.off)
		line_add(l, "pcie@0x%x(%s)", c->off, pcie_type_name(d->pcie.port_type));
	else if (name)
		line_add(l, "%s@0x%x", name, c->off);
	else
		line_add(l, "0x%02x@0x%x", c->id, c->off);
}

static void print_caps(const struct pci_dev *d, bool ext)
{
	struct line l;

	line_start(&l, ext ? "PCI:   ecaps:" : "PCI:   caps:");
	for (unsigned int i = 0; i < d->ncaps && i < PCI_DEV_MAX_CAPS; i++) {
		const struct pci_cap *c = &d->caps[i];
		const char *name;

		if (c->ext != ext)
			continue;
		if (!ext) {
			print_cap(&l, d, c);
			continue;
		}
		name = ext_cap_name(c->id);
		if (name)
			line_add(&l, "%s@0x%x", name, c->off);
		else
			line_add(&l, "0x%04x@0x%x", c->id, c->off);
	}
	line_flush(&l);
}

static void print_bars(const struct pci_dev *d)
{
	for (unsigned int i = 0; i < d->nbars && i < ARRAY_SIZE(d->bars); i++) {
		const struct pci_bar *b = &d->bars[i];
		const char *pref = b->prefetchable ? " pref" : "";

		switch (b->kind) {
		case PCI_BAR_IO:
			printk("PCI:   bar%u io 0x%llx size 0x%llx\n", i,
			       (unsigned long long)b->addr, (unsigned long long)b->size);
			break;
		case PCI_BAR_MEM32:
		case PCI_BAR_MEM64:
			printk("PCI:   bar%u %s%s 0x%llx size 0x%llx\n", i,
			       b->kind == PCI_BAR_MEM64 ? "mem64" : "mem32", pref,
			       (unsigned long long)b->addr, (unsigned long long)b->size);
			break;
		case PCI_BAR_BROKEN:
			printk("PCI:   bar%u broken 0x%llx\n", i, (unsigned long long)b->addr);
			break;
		default:
			break;
		}
	}
}

static void print_dev(const struct pci_dev *d)
{
	char bdf[16];

	printk("PCI: %s %04x:%04x class %02x.%02x.%02x hdr %x irq-pin %c\n",
	       bdf_str(d, bdf, sizeof(bdf)), d->vendor, d->device, d->class_code, d->subclass,
	       d->prog_if, d->hdr_type,
	       d->irq_pin >= 1 && d->irq_pin <= 4 ? 'A' + d->irq_pin - 1 : '-');
	print_bars(d);
	if (d->hdr_type == PCI_HEADER_BRIDGE)
		printk("PCI:   bridge primary %02x secondary %02x subordinate %02x\n",
		       d->primary_bus, d->secondary_bus, d->subordinate_bus);
	print_caps(d, false);
	print_caps(d, true);
}

void pci_print(const struct pci_bus_info *bi)
{
	const struct pci_cfg_ops *ops;

	if (!bi)
		return;
	for (unsigned int i = 0; i < bi->ndevs && i < PCI_MAX_DEVS; i++)
		print_dev(&bi->devs[i]);
	if (bi->truncated)
		printk("PCI: device table full: %u more functions not recorded\n",
		       bi->nfound - bi->ndevs);
	ops = bi->ops;
	if (ops && ops->base)
		printk("PCI: %u devices (config access: %s 0x%llx)\n", bi->ndevs,
		       ops->name ? ops->name : "?", (unsigned long long)ops->base);
	else
		printk("PCI: %u devices (config access: %s)\n", bi->ndevs,
		       ops && ops->name ? ops->name : "?");
}

const char *pci_nic_name(u16 vendor, u16 device)
{
	if (vendor != PCI_VENDOR_INTEL)
		return NULL;
	switch (device) {
	case 0x100e: /* 82540EM: QEMU e1000, Bochs e1000 */
	case 0x100f: /* 82545EM copper */
		return "e1000";
	case 0x10d3: /* 82574L: QEMU e1000e */
		return "e1000e";
	default:
		return NULL;
	}
}

void pci_print_nic(const struct pci_dev *nic)
{
	char bdf[16];
	const char *name;

	if (!nic) {
		printk("HV: nic none\n");
		return;
	}
	name = pci_nic_name(nic->vendor, nic->device);
	if (name)
		printk("HV: nic %s %04x:%04x (%s)\n", bdf_str(nic, bdf, sizeof(bdf)), nic->vendor,
		       nic->device, name);
	else
		printk("HV: nic %s %04x:%04x\n", bdf_str(nic, bdf, sizeof(bdf)), nic->vendor,
		       nic->device);
}

void pci_dump_config(const struct pci_cfg_ops *ops, const struct pci_bus_info *bi)
{
	char bdf[16];

	if (!ops || !bi)
		return;
	for (unsigned int i = 0; i < bi->ndevs && i < PCI_MAX_DEVS; i++) {
		const struct pci_dev *d = &bi->devs[i];

		bdf_str(d, bdf, sizeof(bdf));
		for (unsigned int off = 0; off < ops->cfg_size; off += 16) {
			u8 b[16];

			for (unsigned int j = 0; j < 16; j += 4) {
				u32 v = pci_dev_read(ops, d, off + j, 4);

				b[j] = v;
				b[j + 1] = v >> 8;
				b[j + 2] = v >> 16;
				b[j + 3] = v >> 24;
			}
			printk("PCIDUMP %s %03x: %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x %02x\n",
			       bdf, off, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
			       b[10], b[11], b[12], b[13], b[14], b[15]);
		}
	}
}
