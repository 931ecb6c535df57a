// SPDX-License-Identifier: MIT
/*
 * PCI enumeration: brute-force scan of one segment (PCI30 3.2.2.3, 6.1),
 * BAR sizing (PCI30 6.2.5.1), capability walks (PCI30 6.7, PCIe30 7.9.3)
 * and decoding of MSI, MSI-X, PCIe and PM, NIC selection.
 * Hardware-free: all config access goes through struct pci_cfg_ops, and
 * every access is checked against the function's config-space size here,
 * so a hostile or broken config space can make us report nonsense but
 * never read outside it or loop forever.
 */
#include "drivers/pci.h"
#define LOG_PREFIX "pci: "
#include "drivers/pci_regs.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"

static u32 width_ones(unsigned int width)
{
	return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
}

static bool access_ok(const struct pci_cfg_ops *ops, u16 off, unsigned int width)
{
	if (width != 1 && width != 2 && width != 4)
		return false;
	if (off & (width - 1))
		return false;
	return (u32)off + width <= ops->cfg_size;
}

static u32 cfg_read(const struct pci_cfg_ops *ops, u16 seg, u8 bus, u8 devfn, u16 off,
		    unsigned int width)
{
	if (!access_ok(ops, off, width))
		return width_ones(width);
	return ops->read(ops->ctx, seg, bus, devfn, off, width) & width_ones(width);
}

static u8 dev_devfn(const struct pci_dev *d)
{
	return PCI_DEVFN(d->dev, d->fn);
}

u32 pci_dev_read(const struct pci_cfg_ops *ops, const struct pci_dev *d, u16 off,
		 unsigned int width)
{
	return cfg_read(ops, d->seg, d->bus, dev_devfn(d), off, width);
}

void pci_dev_write(const struct pci_cfg_ops *ops, const struct pci_dev *d, u16 off,
		   unsigned int width, u32 val)
{
	if (!access_ok(ops, off, width))
		return;
	ops->write(ops->ctx, d->seg, d->bus, dev_devfn(d), off, width, val & width_ones(width));
}

/* ---- capability walks ------------------------------------------------------ */

/* Called per capability; return true to stop the walk. */
typedef bool (*cap_visit_fn)(void *arg, const struct pci_cfg_ops *ops, struct pci_dev *d, u16 id,
			     u16 off);

/*
 * Walk the standard list (PCI30 6.7). Bounded by PCI_MAX_CAP_WALK entries
 * and by a visited bitmap of the 64 dwords of the first 256 bytes. Returns
 * PCI_DEV_CAP_* anomaly flags.
 */
static u32 cap_walk(const struct pci_cfg_ops *ops, struct pci_dev *d, cap_visit_fn visit, void *arg)
{
	u16 ptr_reg = d->hdr_type == PCI_HEADER_CARDBUS ? PCI_CB_CAP_PTR_8 : PCI_CAP_PTR_8;
	u64 seen = 0;
	u16 ptr;

	if (d->hdr_type > PCI_HEADER_CARDBUS)
		return 0;
	if (!(pci_dev_read(ops, d, PCI_STATUS_16, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = pci_dev_read(ops, d, ptr_reg, 1) & PCI_CAP_PTR_MASK;
	for (unsigned int n = 0;; n++) {
		u32 hdr;

		if (ptr == 0)
			return 0;
		if (ptr < PCI_CAP_MIN_OFFSET)
			return PCI_DEV_CAP_BADPTR;
		if (seen & BIT(ptr >> 2))
			return PCI_DEV_CAP_LOOP;
		if (n >= PCI_MAX_CAP_WALK)
			return PCI_DEV_CAP_TOO_MANY;
		seen |= BIT(ptr >> 2);
		hdr = pci_dev_read(ops, d, ptr, 2);
		if (visit(arg, ops, d, hdr & 0xff, ptr))
			return 0;
		ptr = (hdr >> 8) & PCI_CAP_PTR_MASK;
	}
}

/* Does this function have a 4 KiB config space we may walk? */
static bool has_ext_space(const struct pci_cfg_ops *ops, const struct pci_dev *d)
{
	return ops->cfg_size >= PCIE_CFG_SIZE && d->pcie.off != 0;
}

#define EXT_DWORDS ((PCIE_CFG_SIZE - PCI_EXT_CAP_START) / 4)

/*
 * Walk the extended list from 0x100 (PCIe30 7.9.3). Bounded by
 * PCI_MAX_CAP_WALK entries and a visited bitmap; returns PCI_DEV_ECAP_*.
 */
static u32 ext_cap_walk(const struct pci_cfg_ops *ops, struct pci_dev *d, cap_visit_fn visit,
			void *arg)
{
	u64 seen[DIV_ROUND_UP(EXT_DWORDS, 64)] = { 0 };
	u16 ptr = PCI_EXT_CAP_START;

	for (unsigned int n = 0;; n++) {
		unsigned int idx = (ptr - PCI_EXT_CAP_START) / 4;
		u32 hdr;

		if (n >= PCI_MAX_CAP_WALK)
			return PCI_DEV_ECAP_TOO_MANY;
		if (seen[idx / 64] & BIT(idx % 64))
			return PCI_DEV_ECAP_LOOP;
		seen[idx / 64] |= BIT(idx % 64);
		hdr = pci_dev_read(ops, d, ptr, 4);
		/* 0 at 0x100 means "no extended caps"; all-ones: nothing there */
		if (hdr == 0 || hdr == 0xffffffffu)
			return 0;
		if (visit(arg, ops, d, FIELD_GET(PCI_EXT_CAP_ID, hdr), ptr))
			return 0;
		ptr = FIELD_GET(PCI_EXT_CAP_NEXT, hdr) & ~3u;
		if (ptr == 0)
			return 0;
		if (ptr < PCI_EXT_CAP_START)
			return PCI_DEV_ECAP_BADPTR;
	}
}

struct find_arg {
	u16 id;
	u16 off;
};

static bool find_visit(void *arg, const struct pci_cfg_ops *ops, struct pci_dev *d, u16 id, u16 off)
{
	struct find_arg *f = arg;

	(void)ops;
	(void)d;
	if (id != f->id)
		return false;
	f->off = off;
	return true;
}

u8 pci_find_cap(const struct pci_cfg_ops *ops, const struct pci_dev *d, u8 cap_id)
{
	struct find_arg f = { .id = cap_id, .off = 0 };
	struct pci_dev tmp;

	if (!ops || !d)
		return 0;
	tmp = *d; /* the walk takes a mutable dev; keep the caller's const */
	cap_walk(ops, &tmp, find_visit, &f);
	return (u8)f.off;
}

u16 pci_find_ext_cap(const struct pci_cfg_ops *ops, const struct pci_dev *d, u16 cap_id)
{
	struct find_arg f = { .id = cap_id, .off = 0 };
	struct pci_dev tmp;

	if (!ops || !d || !has_ext_space(ops, d))
		return 0;
	tmp = *d;
	ext_cap_walk(ops, &tmp, find_visit, &f);
	return f.off;
}

/* ---- capability decoding ----------------------------------------------------- */

/* Standard capabilities must fit in the first 256 bytes (PCI30 6.7). */
static bool cap_fits(struct pci_dev *d, u16 off, unsigned int len)
{
	if ((u32)off + len <= PCI_CFG_SIZE)
		return true;
	d->flags |= PCI_DEV_CAP_SHORT;
	return false;
}

static void decode_msi(const struct pci_cfg_ops *ops, struct pci_dev *d, u16 off)
{
	u16 ctrl = pci_dev_read(ops, d, off + PCI_MSI_CTRL_16, 2);
	bool is64 = ctrl & PCI_MSI_CTRL_64BIT;
	bool mask = ctrl & PCI_MSI_CTRL_MASKABLE;
	unsigned int mmc = FIELD_GET(PCI_MSI_CTRL_MMC, ctrl);

	if (!cap_fits(d, off, PCI_MSI_CAP_LEN(is64, mask)))
		return;
	d->msi.off = off;
	d->msi.is64 = is64;
	d->msi.maskable = mask;
	d->msi.enabled = ctrl & PCI_MSI_CTRL_ENABLE;
	d->msi.vectors = 1u << MIN(mmc, PCI_MSI_MAX_MMC);
}

static void decode_msix(const struct pci_cfg_ops *ops, struct pci_dev *d, u16 off)
{
	u16 ctrl;
	u32 table, pba;

	if (!cap_fits(d, off, PCI_MSIX_CAP_LEN))
		return;
	ctrl = pci_dev_read(ops, d, off + PCI_MSIX_CTRL_16, 2);
	table = pci_dev_read(ops, d, off + PCI_MSIX_TABLE_32, 4);
	pba = pci_dev_read(ops, d, off + PCI_MSIX_PBA_32, 4);
	d->msix.off = off;
	d->msix.table_size = FIELD_GET(PCI_MSIX_CTRL_TABLE_SIZE, ctrl) + 1;
	d->msix.enabled = ctrl & PCI_MSIX_CTRL_ENABLE;
	d->msix.table_bir = FIELD_GET(PCI_MSIX_BIR, table);
	d->msix.table_off = table & PCI_MSIX_OFFSET;
	d->msix.pba_bir = FIELD_GET(PCI_MSIX_BIR, pba);
	d->msix.pba_off = pba & PCI_MSIX_OFFSET;
}

static bool record_visit(void *arg, const struct pci_cfg_ops *ops, struct pci_dev *d, u16 id,
			 u16 off)
{
	bool ext = *(const bool *)arg;
	u16 v;

	if (d->ncaps < PCI_DEV_MAX_CAPS)
		d->caps[d->ncaps++] = (struct pci_cap){ id, off, ext };
	else
		d->flags |= PCI_DEV_CAPS_TRUNC;
	if (ext)
		return false;
	/* decode the first instance of each capability we understand */
	switch (id) {
	case PCI_CAP_ID_MSI:
		if (!d->msi.off)
			decode_msi(ops, d, off);
		break;
	case PCI_CAP_ID_MSIX:
		if (!d->msix.off)
			decode_msix(ops, d, off);
		break;
	case PCI_CAP_ID_PCIE:
		if (!d->pcie.off && cap_fits(d, off, PCI_EXP_CAP_LEN)) {
			v = pci_dev_read(ops, d, off + PCI_EXP_FLAGS_16, 2);
			d->pcie.off = off;
			d->pcie.version = FIELD_GET(PCI_EXP_FLAGS_VERSION, v);
			d->pcie.port_type = FIELD_GET(PCI_EXP_FLAGS_TYPE, v);
		}
		break;
	case PCI_CAP_ID_PM:
		if (!d->pm.off && cap_fits(d, off, PCI_PM_CAP_LEN)) {
			v = pci_dev_read(ops, d, off + PCI_PM_PMC_16, 2);
			d->pm.off = off;
			d->pm.version = FIELD_GET(PCI_PM_PMC_VERSION, v);
		}
		break;
	default:
		break;
	}
	return false;
}

static void probe_caps(const struct pci_cfg_ops *ops, struct pci_dev *d)
{
	bool ext = false;

	d->flags |= cap_walk(ops, d, record_visit, &ext);
	if (has_ext_space(ops, d)) {
		ext = true;
		d->flags |= ext_cap_walk(ops, d, record_visit, &ext);
	}
}

/* ---- BARs -------------------------------------------------------------------- */

/* Write all-ones, read back, restore (PCI30 6.2.5.1). */
static u32 bar_probe32(const struct pci_cfg_ops *ops, struct pci_dev *d, u16 reg, u32 orig)
{
	u32 rb;

	pci_dev_write(ops, d, reg, 4, 0xffffffffu);
	rb = pci_dev_read(ops, d, reg, 4);
	pci_dev_write(ops, d, reg, 4, orig);
	return rb;
}

/* Size = lowest writable address bit (robust to non-contiguous masks). */
static u64 mask_to_size(u64 mask)
{
	return mask & (~mask + 1);
}

/* Probe BAR i; returns how many extra slots it used (1 for 64-bit). */
static unsigned int probe_bar(const struct pci_cfg_ops *ops, struct pci_dev *d, unsigned int i)
{
	struct pci_bar *b = &d->bars[i];
	u16 reg = PCI_BAR_32(i);
	u32 orig = pci_dev_read(ops, d, reg, 4);
	u32 orig_hi, rb_hi;
	u32 rb = bar_probe32(ops, d, reg, orig);
	u64 mask;

	if (orig & PCI_BAR_IO) {
		mask = rb & PCI_BAR_IO_MASK;
		if (!mask)
			return 0;
		b->kind = PCI_BAR_IO;
		b->addr = orig & PCI_BAR_IO_MASK;
		b->size = mask_to_size(mask);
		return 0;
	}
	b->prefetchable = orig & PCI_BAR_MEM_PREFETCH;
	switch (FIELD_GET(PCI_BAR_MEM_TYPE, orig)) {
	case PCI_BAR_MEM_TYPE_32:
	case PCI_BAR_MEM_TYPE_1M:
		mask = rb & PCI_BAR_MEM_MASK;
		if (!mask)
			return 0;
		b->kind = PCI_BAR_MEM32;
		b->addr = orig & PCI_BAR_MEM_MASK;
		b->size = mask_to_size(mask);
		return 0;
	case PCI_BAR_MEM_TYPE_64:
		if (i + 1 >= d->nbars)
			break; /* upper half would be past the last BAR */
		orig_hi = pci_dev_read(ops, d, reg + 4, 4);
		rb_hi = bar_probe32(ops, d, reg + 4, orig_hi);
		mask = ((u64)rb_hi << 32) | (rb & PCI_BAR_MEM_MASK);
		d->bars[i + 1].kind = PCI_BAR_MEM64_HI;
		if (!mask) {
			d->bars[i + 1].kind = PCI_BAR_NONE;
			return 1;
		}
		b->kind = PCI_BAR_MEM64;
		b->addr = ((u64)orig_hi << 32) | (orig & PCI_BAR_MEM_MASK);
		b->size = mask_to_size(mask);
		return 1;
	default:
		break;
	}
	b->kind = PCI_BAR_BROKEN;
	b->addr = orig;
	d->flags |= PCI_DEV_BAR_BROKEN;
	return 0;
}

static bool is_host_bridge(const struct pci_dev *d)
{
	return d->class_code == PCI_CLASS_BRIDGE && d->subclass == PCI_SUBCLASS_BRIDGE_HOST;
}

/*
 * Size all BARs with memory and I/O decode off, so the transient all-ones
 * addresses never claim cycles; restore COMMAND afterwards. Nothing is
 * printed in between (the console itself may sit behind a decoder).
 * Host bridges keep decoding: on some chipsets turning it off cuts the CPU
 * off from memory (Linux keeps them "mmio_always_on" for this reason).
 */
static void probe_bars(const struct pci_cfg_ops *ops, struct pci_dev *d)
{
	u16 decode = d->command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY);

	if (is_host_bridge(d))
		decode = 0;

	if (decode)
		pci_dev_write(ops, d, PCI_COMMAND_16, 2, d->command & ~decode);
	for (unsigned int i = 0; i < d->nbars; i++)
		i += probe_bar(ops, d, i);
	if (decode)
		pci_dev_write(ops, d, PCI_COMMAND_16, 2, d->command);
}

/* ---- enumeration --------------------------------------------------------------- */

static void report_anomalies(const struct pci_dev *d)
{
	static const struct {
		u32 flag;
		const char *what;
	} msgs[] = {
		{ PCI_DEV_CAP_LOOP, "capability list loops" },
		{ PCI_DEV_CAP_BADPTR, "capability pointer into the header" },
		{ PCI_DEV_CAP_TOO_MANY, "capability list too long" },
		{ PCI_DEV_CAPS_TRUNC, "too many capabilities to record" },
		{ PCI_DEV_ECAP_LOOP, "extended capability list loops" },
		{ PCI_DEV_ECAP_BADPTR, "extended capability pointer < 0x100" },
		{ PCI_DEV_ECAP_TOO_MANY, "extended capability list too long" },
		{ PCI_DEV_BAR_BROKEN, "malformed BAR (64-bit in last slot?)" },
		{ PCI_DEV_CAP_SHORT, "capability runs past config space" },
		{ PCI_DEV_BAD_HEADER, "unknown header type" },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(msgs); i++)
		if (d->flags & msgs[i].flag)
			pr_warn("%02x:%02x.%u %04x:%04x: %s, ignored\n", d->bus, d->dev, d->fn,
				d->vendor, d->device, msgs[i].what);
}

static void probe_function(const struct pci_cfg_ops *ops, struct pci_dev *d)
{
	u32 cls, v;
	u8 hdr;

	v = pci_dev_read(ops, d, PCI_VENDOR_ID_16, 4);
	d->vendor = v & 0xffff;
	d->device = v >> 16;
	cls = pci_dev_read(ops, d, PCI_REVISION_ID_8, 4);
	d->revision = cls & 0xff;
	d->prog_if = (cls >> 8) & 0xff;
	d->subclass = (cls >> 16) & 0xff;
	d->class_code = cls >> 24;
	hdr = pci_dev_read(ops, d, PCI_HEADER_TYPE_8, 1);
	d->hdr_type = hdr & PCI_HEADER_TYPE_MASK;
	d->multifunc = hdr & PCI_HEADER_MULTIFUNC;
	d->command = pci_dev_read(ops, d, PCI_COMMAND_16, 2);
	d->status = pci_dev_read(ops, d, PCI_STATUS_16, 2);

	switch (d->hdr_type) {
	case PCI_HEADER_NORMAL:
		d->nbars = PCI_NUM_BARS_NORMAL;
		break;
	case PCI_HEADER_BRIDGE:
		d->nbars = PCI_NUM_BARS_BRIDGE;
		d->primary_bus = pci_dev_read(ops, d, PCI_PRIMARY_BUS_8, 1);
		d->secondary_bus = pci_dev_read(ops, d, PCI_SECONDARY_BUS_8, 1);
		d->subordinate_bus = pci_dev_read(ops, d, PCI_SUBORDINATE_BUS_8, 1);
		break;
	case PCI_HEADER_CARDBUS:
		break;
	default:
		d->flags |= PCI_DEV_BAD_HEADER;
		return;
	}
	/* interrupt line/pin sit at 0x3c/0x3d in all three header types */
	d->irq_line = pci_dev_read(ops, d, PCI_INTERRUPT_LINE_8, 1);
	d->irq_pin = pci_dev_read(ops, d, PCI_INTERRUPT_PIN_8, 1);
	probe_bars(ops, d);
	probe_caps(ops, d);
}

/* Vendor 0xffff: nobody answered; 0x0000 is never a valid vendor either. */
static bool vendor_absent(u16 vendor)
{
	return vendor == PCI_VENDOR_NONE || vendor == 0;
}

static void scan_device(const struct pci_cfg_ops *ops, struct pci_bus_info *bi, u8 bus, u8 dev)
{
	unsigned int nfn = 1;

	for (unsigned int fn = 0; fn < nfn; fn++) {
		u8 devfn = PCI_DEVFN(dev, fn);
		u16 vendor = cfg_read(ops, bi->seg, bus, devfn, PCI_VENDOR_ID_16, 2);
		struct pci_dev *d;

		if (vendor_absent(vendor))
			continue;
		if (fn == 0 && (cfg_read(ops, bi->seg, bus, devfn, PCI_HEADER_TYPE_8, 1) &
				PCI_HEADER_MULTIFUNC))
			nfn = 8;
		bi->nfound++;
		if (bi->ndevs >= PCI_MAX_DEVS) {
			bi->truncated = true;
			continue;
		}
		d = &bi->devs[bi->ndevs++];
		d->seg = bi->seg;
		d->bus = bus;
		d->dev = dev;
		d->fn = fn;
		probe_function(ops, d);
		report_anomalies(d);
	}
}

int pci_enumerate(const struct pci_cfg_ops *ops, u16 seg, struct pci_bus_info *out)
{
	if (!ops || !ops->read || !ops->write || !out)
		return trace_error(-EINVAL);
	if (ops->cfg_size != PCI_CFG_SIZE && ops->cfg_size != PCIE_CFG_SIZE)
		return trace_error(-EINVAL);
	memset(out, 0, sizeof(*out));
	out->seg = seg;
	out->ops = ops;
	for (unsigned int bus = 0; bus < 256; bus++)
		for (unsigned int dev = 0; dev < 32; dev++)
			scan_device(ops, out, bus, dev);
	if (out->truncated)
		pr_warn("device table full: %u functions found, %u recorded\n", out->nfound,
			out->ndevs);
	return 0;
}

/* ---- queries ----------------------------------------------------------------- */

const struct pci_dev *pci_find_bdf(const struct pci_bus_info *bi, u32 bdf)
{
	if (!bi)
		return NULL;
	for (unsigned int i = 0; i < bi->ndevs && i < PCI_MAX_DEVS; i++) {
		const struct pci_dev *d = &bi->devs[i];

		if (PCI_BDF(d->bus, d->dev, d->fn) == bdf)
			return d;
	}
	return NULL;
}

const struct pci_dev *pci_find_class(const struct pci_bus_info *bi, u8 class_code,
				     const struct pci_dev *after)
{
	unsigned int i = 0;

	if (!bi)
		return NULL;
	if (after) {
		if (after < bi->devs || after >= bi->devs + PCI_MAX_DEVS)
			return NULL;
		i = (unsigned int)(after - bi->devs) + 1;
	}
	for (; i < bi->ndevs && i < PCI_MAX_DEVS; i++)
		if (bi->devs[i].class_code == class_code)
			return &bi->devs[i];
	return NULL;
}

const struct pci_dev *pci_choose_nic(const struct pci_bus_info *bi, bool bdf_set, u32 bdf)
{
	const struct pci_dev *d;

	if (!bi)
		return NULL;
	if (!bdf_set)
		return pci_find_class(bi, PCI_CLASS_NETWORK, NULL);
	d = bdf <= 0xffff ? pci_find_bdf(bi, bdf) : NULL;
	if (!d) {
		pr_err("nic %02x:%02x.%u: no such function%s\n", (bdf >> 8) & 0xff,
		       (bdf >> 3) & 0x1f, bdf & 7,
		       bi->truncated ? " (device table truncated)" : "");
		return NULL;
	}
	if (d->class_code != PCI_CLASS_NETWORK) {
		pr_err("nic %02x:%02x.%u %04x:%04x: not a network controller (class %02x.%02x)\n",
		       d->bus, d->dev, d->fn, d->vendor, d->device, d->class_code, d->subclass);
		return NULL;
	}
	return d;
}

static int parse_hex(const char *s, size_t len, unsigned int max, u32 *out)
{
	u32 v = 0;

	if (len == 0 || len > 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned int digit;

		if (c >= '0' && c <= '9')
			digit = c - '0';
		else if (c >= 'a' && c <= 'f')
			digit = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			digit = c - 'A' + 10;
		else
			return -EINVAL;
		v = v * 16 + digit;
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/* "[SSSS:]BB:DD.F": split at the separators, then parse each field. */
int pci_parse_bdf(const char *s, size_t len, u32 *bdf)
{
	size_t colon[2], ncolon = 0, dot = 0, start;
	bool have_dot = false;
	u32 seg = 0, bus, dev, fn;

	if (!s || !bdf)
		return -EINVAL;
	len = strnlen(s, len);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '.') {
			if (have_dot)
				return -EINVAL;
			have_dot = true;
			dot = i;
		} else if (s[i] == ':') {
			if (have_dot || ncolon == ARRAY_SIZE(colon))
				return -EINVAL;
			colon[ncolon++] = i;
		}
	}
	if (!have_dot || ncolon == 0)
		return -EINVAL;
	start = 0;
	if (ncolon == 2) {
		if (parse_hex(s, colon[0], 0xffff, &seg) || seg != 0)
			return -EINVAL;
		start = colon[0] + 1;
	}
	if (parse_hex(s + start, colon[ncolon - 1] - start, 0xff, &bus) ||
	    parse_hex(s + colon[ncolon - 1] + 1, dot - colon[ncolon - 1] - 1, 0x1f, &dev) ||
	    parse_hex(s + dot + 1, len - dot - 1, 7, &fn))
		return -EINVAL;
	*bdf = PCI_BDF(bus, dev, fn);
	return 0;
}
