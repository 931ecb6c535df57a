// SPDX-License-Identifier: MIT
/* Fake PCI config space for the pci tests: see pci_fake.h. */
#include "tests/unit/pci_fake.h"
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/pci_regs.h"

u32 get_le(const u8 *p, unsigned int width)
{
	u32 v = 0;

	for (unsigned int i = 0; i < width; i++)
		v |= (u32)p[i] << (8 * i);
	return v;
}

void put_le(u8 *p, unsigned int width, u32 v)
{
	for (unsigned int i = 0; i < width; i++)
		p[i] = v >> (8 * i);
}

struct fake_fn *fake_lookup(struct fake *f, u8 bus, u8 devfn)
{
	for (unsigned int i = 0; i < f->nfns; i++)
		if (f->fns[i].bus == bus && f->fns[i].devfn == devfn)
			return &f->fns[i];
	return NULL;
}

static bool fake_check(struct fake *f, u16 seg, u16 off, unsigned int width)
{
	if (seg != 0 || (width != 1 && width != 2 && width != 4) || (off & (width - 1)) ||
	    (u32)off + width > f->ops.cfg_size) {
		f->out_of_range++;
		return false;
	}
	return true;
}

static unsigned int fn_nbars(const struct fake_fn *fn)
{
	switch (fn->cfg[PCI_HEADER_TYPE_8] & 0x7f) {
	case 0:
		return 6;
	case 1:
		return 2;
	default:
		return 0;
	}
}

static void note_past_bars(struct fake_fn *fn, u16 off, unsigned int width)
{
	if (fn_nbars(fn) == 6 && off < 0x2c && off + width > 0x28)
		fn->past_bars++;
}

static u32 fake_read(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width)
{
	struct fake *f = ctx;
	struct fake_fn *fn;

	if (!fake_check(f, seg, off, width))
		return 0xffffffffu;
	fn = fake_lookup(f, bus, devfn);
	if (!fn)
		return 0xffffffffu;
	note_past_bars(fn, off, width);
	return get_le(&fn->cfg[off], width);
}

static void fake_write(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width, u32 val)
{
	struct fake *f = ctx;
	struct fake_fn *fn;
	unsigned int nbars;

	if (!fake_check(f, seg, off, width))
		return;
	fn = fake_lookup(f, bus, devfn);
	if (!fn)
		return;
	note_past_bars(fn, off, width);
	nbars = fn_nbars(fn);
	if (off == PCI_COMMAND_16 && (width == 2 || width == 4)) {
		put_le(&fn->cfg[off], 2, val); /* status is RW1C: ignored */
		fn->cmd_writes++;
	} else if (off >= PCI_BAR0_32 && off < PCI_BAR_32(nbars) && width == 4) {
		unsigned int i = (off - PCI_BAR0_32) / 4;
		u32 cur = get_le(&fn->cfg[off], 4);
		u16 cmd = get_le(&fn->cfg[PCI_COMMAND_16], 2);

		bool host = fn->cfg[PCI_CLASS_8] == PCI_CLASS_BRIDGE &&
			    fn->cfg[PCI_SUBCLASS_8] == PCI_SUBCLASS_BRIDGE_HOST;

		if (val == 0xffffffffu && !host && (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)))
			fn->decode_on_probe++;
		put_le(&fn->cfg[off], 4, (val & fn->bar_wmask[i]) | (cur & ~fn->bar_wmask[i]));
	} else {
		fn->bad_writes++;
	}
}

struct fake *fake_new(u16 cfg_size)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->ops = (struct pci_cfg_ops){ .read = fake_read,
				       .write = fake_write,
				       .ctx = f,
				       .cfg_size = cfg_size,
				       .name = "fake" };
	return f;
}

/* A function: IDs, class, header type; everything else zero. */
struct fake_fn *fake_add(struct fake *f, u8 bus, u8 dev, u8 fnum, u16 vendor, u16 device,
			 u32 class24, u8 hdr)
{
	struct fake_fn *fn;

	assert_true(f->nfns < FAKE_MAX_FNS);
	fn = &f->fns[f->nfns++];
	memset(fn, 0, sizeof(*fn));
	fn->bus = bus;
	fn->devfn = PCI_DEVFN(dev, fnum);
	put_le(&fn->cfg[0], 2, vendor);
	put_le(&fn->cfg[2], 2, device);
	put_le(&fn->cfg[PCI_PROG_IF_8], 3, class24);
	fn->cfg[PCI_HEADER_TYPE_8] = hdr;
	return fn;
}

/*
 * Make BAR i of fn sizable: `size` bytes, type taken from the BAR's current
 * flag bits; a 64-bit memory BAR makes slot i+1 its upper half.
 */
void fake_bar_size(struct fake_fn *fn, unsigned int i, u64 size)
{
	u32 lo = get_le(&fn->cfg[PCI_BAR_32(i)], 4);
	u64 wmask = ~(size - 1);

	fn->sized[i] = true;
	if (lo & PCI_BAR_IO) {
		fn->bar_wmask[i] = (u32)wmask & PCI_BAR_IO_MASK;
		return;
	}
	fn->bar_wmask[i] = (u32)wmask & PCI_BAR_MEM_MASK;
	if (FIELD_GET(PCI_BAR_MEM_TYPE, lo) == PCI_BAR_MEM_TYPE_64 && i < 5) {
		fn->bar_wmask[i + 1] = wmask >> 32;
		fn->sized[i + 1] = true;
	}
}

/* Program BAR i with flag bits and an address, and give it a size. */
void fake_bar(struct fake_fn *fn, unsigned int i, u32 flags, u64 addr, u64 size)
{
	u32 low = (flags & PCI_BAR_IO) ? 0x3 : 0xf;

	put_le(&fn->cfg[PCI_BAR_32(i)], 4, ((u32)addr & ~low) | flags);
	if (!(flags & PCI_BAR_IO) && FIELD_GET(PCI_BAR_MEM_TYPE, flags) == PCI_BAR_MEM_TYPE_64 &&
	    i < 5)
		put_le(&fn->cfg[PCI_BAR_32(i + 1)], 4, addr >> 32);
	fake_bar_size(fn, i, size);
}

/* Link a standard capability at off: id, next. Sets STATUS.CAP_LIST. */
void fake_cap(struct fake_fn *fn, u8 off, u8 id, u8 next)
{
	fn->cfg[off] = id;
	fn->cfg[off + 1] = next;
	fn->cfg[PCI_STATUS_16] |= PCI_STATUS_CAP_LIST;
}

void fake_ext_cap(struct fake_fn *fn, u16 off, u16 id, u16 next)
{
	put_le(&fn->cfg[off], 4, id | (1u << 16) | ((u32)next << 20));
}

void fake_snapshot(struct fake *f)
{
	for (unsigned int i = 0; i < f->nfns; i++)
		memcpy(f->fns[i].orig, f->fns[i].cfg, PCIE_CFG_SIZE);
}

/* After enumeration: nothing out of range, config restored, no stray writes. */
void fake_assert_clean(const struct fake *f)
{
	assert_int_equal(f->out_of_range, 0);
	for (unsigned int i = 0; i < f->nfns; i++) {
		const struct fake_fn *fn = &f->fns[i];

		assert_int_equal(fn->bad_writes, 0);
		assert_int_equal(fn->decode_on_probe, 0);
		assert_int_equal(fn->past_bars, 0);
		assert_memory_equal(fn->cfg, fn->orig, PCIE_CFG_SIZE);
	}
}

struct pci_bus_info *fake_enumerate(struct fake *f)
{
	struct pci_bus_info *bi = calloc(1, sizeof(*bi));

	assert_non_null(bi);
	fake_snapshot(f);
	harness_log_clear();
	assert_int_equal(pci_enumerate(&f->ops, 0, bi), 0);
	fake_assert_clean(f);
	return bi;
}

/* ---- captured config spaces ---------------------------------------------------- */

/*
 * tests/data/pci/<bed>/manifest.txt: one line per function,
 *   BB:DD.F FILE [barN=SIZE ...]
 * SIZE is what the platform reports for that BAR (independent of this
 * driver: QEMU's "info pci", or the device model's documented sizes).
 */
struct fake *load_bed(const char *bed, u16 cfg_size)
{
	struct fake *f = fake_new(cfg_size);
	char path[256], *text, *line, *save = NULL;
	size_t len;

	snprintf(path, sizeof(path), "pci/%s/manifest.txt", bed);
	text = harness_load_file(path, &len);
	text = realloc(text, len + 1);
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned int bus, dev, fnum, n = 0;
		char file[64], *tok, *tsave = NULL;
		struct fake_fn *fn;
		size_t blen;
		u8 *blob;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (sscanf(line, "%x:%x.%u %63s %n", &bus, &dev, &fnum, file, (int *)&n) < 4)
			fail_msg("bad manifest line: %s", line);
		snprintf(path, sizeof(path), "pci/%s/%s", bed, file);
		blob = harness_load_file(path, &blen);
		assert_true(blen == PCI_CFG_SIZE || blen == PCIE_CFG_SIZE);
		assert_true(blen >= cfg_size);
		fn = fake_add(f, bus, dev, fnum, 0, 0, 0, 0);
		memcpy(fn->cfg, blob, cfg_size);
		free(blob);
		for (tok = n ? strtok_r(line + n, " ", &tsave) : NULL; tok;
		     tok = strtok_r(NULL, " ", &tsave)) {
			unsigned int i;
			unsigned long long size;

			if (sscanf(tok, "bar%u=%llx", &i, &size) != 2 || i > 5)
				fail_msg("bad BAR spec %s", tok);
			fake_bar_size(fn, i, size);
		}
		/* every non-zero BAR needs a size, or the fake would lie */
		for (unsigned int i = 0; i < fn_nbars(fn); i++)
			if (get_le(&fn->cfg[PCI_BAR_32(i)], 4) && !fn->sized[i])
				fail_msg("%s %02x:%02x.%u bar%u has no size in the manifest", bed,
					 bus, dev, fnum, i);
	}
	free(text);
	assert_true(f->nfns > 0);
	return f;
}

/* ---- assertions shared by the pci tests ---------------------------------- */

const struct pci_dev *find(const struct pci_bus_info *bi, u8 bus, u8 dev, u8 fn)
{
	return pci_find_bdf(bi, PCI_BDF(bus, dev, fn));
}

void assert_ids(const struct pci_dev *d, u16 vendor, u16 device, u8 cls, u8 sub)
{
	assert_non_null(d);
	assert_int_equal(d->vendor, vendor);
	assert_int_equal(d->device, device);
	assert_int_equal(d->class_code, cls);
	assert_int_equal(d->subclass, sub);
}

void assert_bar(const struct pci_dev *d, unsigned int i, enum pci_bar_kind kind, u64 size)
{
	assert_int_equal(d->bars[i].kind, kind);
	assert_int_equal(d->bars[i].size, size);
}

bool log_has(const char *s)
{
	return strstr(harness_log(), s) != NULL;
}

/* A plain endpoint with memory decode on, so sizing must turn it off. */
struct fake_fn *endpoint(struct fake *f, u8 bus, u8 dev)
{
	struct fake_fn *fn = fake_add(f, bus, dev, 0, 0x1af4, 0x1000 + dev, 0x020000, 0);

	put_le(&fn->cfg[PCI_COMMAND_16], 2,
	       PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	fn->cfg[PCI_INTERRUPT_PIN_8] = 2;
	fn->cfg[PCI_INTERRUPT_LINE_8] = 10;
	return fn;
}
