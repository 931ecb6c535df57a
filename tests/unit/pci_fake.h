/* SPDX-License-Identifier: MIT */
/*
 * Fake PCI config space for tests/unit/test_pci.c: functions with writable
 * copies of their config space, BARs that answer the all-ones sizing probe
 * with their size mask, a writable COMMAND register; everything else is
 * read-only. Counts accesses outside the config space and stray writes, so
 * tests can assert the driver never made any.
 */
#ifndef TESTS_UNIT_PCI_FAKE_H
#define TESTS_UNIT_PCI_FAKE_H

#include "drivers/pci.h"
#include "drivers/pci_regs.h"
#include "lib/types.h"

#define FAKE_MAX_FNS 96

struct fake_fn {
	u8 bus, devfn;
	u8 cfg[PCIE_CFG_SIZE];
	u8 orig[PCIE_CFG_SIZE];
	u32 bar_wmask[6];	      /* writable bits of each BAR dword */
	bool sized[6];		      /* bar_wmask[] set from a known size */
	unsigned int bad_writes;      /* writes outside COMMAND and the BARs */
	unsigned int decode_on_probe; /* BAR all-ones write with decode on
				       * (host bridges exempt: they keep it) */
	unsigned int cmd_writes;
	unsigned int past_bars; /* accesses to 0x28..0x2b (type 0) */
};

struct fake {
	struct pci_cfg_ops ops;
	unsigned int nfns;
	unsigned int out_of_range; /* accesses outside cfg space/misaligned */
	struct fake_fn fns[FAKE_MAX_FNS];
};

u32 get_le(const u8 *p, unsigned int width);
void put_le(u8 *p, unsigned int width, u32 v);

/** A fake with no functions; cfg_size 256 (CF8-like) or 4096 (ECAM-like). */
struct fake *fake_new(u16 cfg_size);
struct fake_fn *fake_lookup(struct fake *f, u8 bus, u8 devfn);
/** Add a function: IDs, 24-bit class code, header type; the rest zero. */
struct fake_fn *fake_add(struct fake *f, u8 bus, u8 dev, u8 fnum, u16 vendor, u16 device,
			 u32 class24, u8 hdr);
/** Make BAR i sizable (type from its current flag bits). */
void fake_bar_size(struct fake_fn *fn, unsigned int i, u64 size);
/** Program BAR i with flags and address, and give it a size. */
void fake_bar(struct fake_fn *fn, unsigned int i, u32 flags, u64 addr, u64 size);
/** Link a standard capability (sets STATUS.CAP_LIST). */
void fake_cap(struct fake_fn *fn, u8 off, u8 id, u8 next);
void fake_ext_cap(struct fake_fn *fn, u16 off, u16 id, u16 next);
/** Remember every function's config space (for fake_assert_clean()). */
void fake_snapshot(struct fake *f);
/** Nothing out of range, no stray writes, decode off while probing, config restored. */
void fake_assert_clean(const struct fake *f);
/** snapshot + pci_enumerate() + fake_assert_clean(); result is malloc'd. */
struct pci_bus_info *fake_enumerate(struct fake *f);
/** Load tests/data/pci/<bed>/manifest.txt and its blobs. */
struct fake *load_bed(const char *bed, u16 cfg_size);

/* Assertions shared by the pci tests. */
const struct pci_dev *find(const struct pci_bus_info *bi, u8 bus, u8 dev, u8 fn);
void assert_ids(const struct pci_dev *d, u16 vendor, u16 device, u8 cls, u8 sub);
void assert_bar(const struct pci_dev *d, unsigned int i, enum pci_bar_kind kind, u64 size);
bool log_has(const char *s);
#define assert_log(s)                                                             \
	do {                                                                      \
		if (!log_has(s))                                                  \
			fail_msg("log lacks \"%s\"; log:\n%s", s, harness_log()); \
	} while (0)
/** A class-02 endpoint with I/O, memory and bus-master on, INTB, line 10. */
struct fake_fn *endpoint(struct fake *f, u8 bus, u8 dev);

#endif
