// SPDX-License-Identifier: MIT
/*
 * drivers/pci.c on hand-built config spaces: every BAR kind, and hostile
 * inputs (capability loops, pointers into the header or past the end, an
 * extended-capability loop, a 64-bit BAR in the last slot, all-ones
 * functions, a full device table). Enumeration must terminate, report the
 * anomaly, never access outside the config space and restore what it wrote
 * (tests/unit/pci_fake.c checks the last two after every enumeration).
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/pci.h"
#include "drivers/pci_regs.h"
#include "tests/unit/pci_fake.h"

static void test_bar_kinds(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *fn = endpoint(f, 0, 3);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	fake_bar(fn, 0, PCI_BAR_IO, 0xc100, 0x100);
	fake_bar(fn, 1, PCI_BAR_MEM_PREFETCH, 0xe0000000, MiB(16));
	fake_bar(fn, 2, FIELD_PREP(PCI_BAR_MEM_TYPE, PCI_BAR_MEM_TYPE_64) | PCI_BAR_MEM_PREFETCH,
		 0x800000000ull, GiB(8));
	fake_bar(fn, 4, FIELD_PREP(PCI_BAR_MEM_TYPE, PCI_BAR_MEM_TYPE_64), 0xfe000000ull, KiB(4));
	bi = fake_enumerate(f);
	d = find(bi, 0, 3, 0);
	assert_non_null(d);
	assert_int_equal(d->irq_pin, 2);
	assert_int_equal(d->irq_line, 10);
	assert_int_equal(d->command, 0x7);
	assert_bar(d, 0, PCI_BAR_IO, 0x100);
	assert_int_equal(d->bars[0].addr, 0xc100);
	assert_bar(d, 1, PCI_BAR_MEM32, MiB(16));
	assert_true(d->bars[1].prefetchable);
	assert_int_equal(d->bars[1].addr, 0xe0000000);
	assert_bar(d, 2, PCI_BAR_MEM64, GiB(8));
	assert_true(d->bars[2].prefetchable);
	assert_int_equal(d->bars[2].addr, 0x800000000ull);
	assert_int_equal(d->bars[3].kind, PCI_BAR_MEM64_HI);
	assert_bar(d, 4, PCI_BAR_MEM64, KiB(4));
	assert_false(d->bars[4].prefetchable);
	assert_int_equal(d->bars[5].kind, PCI_BAR_MEM64_HI);
	assert_int_equal(d->flags, 0);
	/* COMMAND came back with decode on (fake_assert_clean checked bytes) */
	assert_int_equal(get_le(&fn->cfg[PCI_COMMAND_16], 2), 0x7);

	harness_log_clear();
	pci_print(bi);
	assert_log("PCI: 00:03.0 1af4:1003 class 02.00.00 hdr 0 irq-pin B\n"
		   "PCI:   bar0 io 0xc100 size 0x100\n"
		   "PCI:   bar1 mem32 pref 0xe0000000 size 0x1000000\n"
		   "PCI:   bar2 mem64 pref 0x800000000 size 0x200000000\n"
		   "PCI:   bar4 mem64 0xfe000000 size 0x1000\n");
	assert_log("PCI: 1 devices (config access: fake)\n");
	free(bi);
	free(f);
}

/* A 64-bit BAR in slot 5 would take its upper half from 0x28 (CardBus CIS). */
static void test_bar64_last_slot(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *fn = endpoint(f, 0, 4);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	fake_bar(fn, 0, 0, 0xfe000000, KiB(64));
	fake_bar(fn, 5, FIELD_PREP(PCI_BAR_MEM_TYPE, PCI_BAR_MEM_TYPE_64), 0xfd000000, KiB(4));
	put_le(&fn->cfg[PCI_CARDBUS_CIS_32], 4, 0x12345678);
	bi = fake_enumerate(f); /* asserts 0x28 was never touched */
	d = find(bi, 0, 4, 0);
	assert_bar(d, 0, PCI_BAR_MEM32, KiB(64));
	assert_int_equal(d->bars[5].kind, PCI_BAR_BROKEN);
	assert_int_equal(d->bars[5].size, 0);
	assert_true(d->flags & PCI_DEV_BAR_BROKEN);
	assert_log("pci: 00:04.0 1af4:1004: malformed BAR");
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI:   bar5 broken 0xfd000004\n");
	free(bi);
	free(f);
}

/* Reserved memory type 3 is reported, not sized as something else. */
static void test_bar_reserved_type(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *fn = endpoint(f, 0, 4);
	struct pci_bus_info *bi;

	(void)state;
	fake_bar(fn, 1, FIELD_PREP(PCI_BAR_MEM_TYPE, 3), 0xfd000000, KiB(4));
	bi = fake_enumerate(f);
	assert_int_equal(find(bi, 0, 4, 0)->bars[1].kind, PCI_BAR_BROKEN);
	assert_true(find(bi, 0, 4, 0)->flags & PCI_DEV_BAR_BROKEN);
	free(bi);
	free(f);
}

static void test_cap_loop(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *fn = endpoint(f, 0, 5);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	fn->cfg[PCI_CAP_PTR_8] = 0x40;
	fake_cap(fn, 0x40, PCI_CAP_ID_PM, 0x50);
	fake_cap(fn, 0x50, PCI_CAP_ID_VENDOR, 0x40);
	bi = fake_enumerate(f);
	d = find(bi, 0, 5, 0);
	assert_int_equal(d->ncaps, 2);
	assert_int_equal(d->caps[0].off, 0x40);
	assert_int_equal(d->caps[1].off, 0x50);
	assert_int_equal(d->pm.off, 0x40);
	assert_true(d->flags & PCI_DEV_CAP_LOOP);
	assert_log("pci: 00:05.0 1af4:1005: capability list loops, ignored\n");
	/* the live lookup is bounded too */
	assert_int_equal(pci_find_cap(&f->ops, d, PCI_CAP_ID_MSI), 0);
	assert_int_equal(pci_find_cap(&f->ops, d, PCI_CAP_ID_VENDOR), 0x50);
	/* a self-loop */
	fn->cfg[0x41] = 0x40;
	free(bi);
	bi = fake_enumerate(f);
	assert_int_equal(find(bi, 0, 5, 0)->ncaps, 1);
	assert_true(find(bi, 0, 5, 0)->flags & PCI_DEV_CAP_LOOP);
	free(bi);
	free(f);
}

static void test_cap_bad_pointers(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *a = endpoint(f, 0, 6);
	struct fake_fn *b = endpoint(f, 0, 7);
	struct fake_fn *c = endpoint(f, 0, 8);
	struct fake_fn *e = endpoint(f, 0, 9);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	/* first pointer into the header */
	a->cfg[PCI_STATUS_16] |= PCI_STATUS_CAP_LIST;
	a->cfg[PCI_CAP_PTR_8] = 0x10;
	/* a later pointer into the header */
	b->cfg[PCI_CAP_PTR_8] = 0x60;
	fake_cap(b, 0x60, PCI_CAP_ID_MSI, 0x3c);
	/* 0xff: masked to 0xfc; MSI-X there would run past 256 */
	c->cfg[PCI_CAP_PTR_8] = 0xff;
	fake_cap(c, 0xfc, PCI_CAP_ID_MSIX, 0xff);
	/* status says no list: the pointer must be ignored */
	e->cfg[PCI_CAP_PTR_8] = 0x40;
	e->cfg[0x40] = PCI_CAP_ID_MSI;
	bi = fake_enumerate(f);

	d = find(bi, 0, 6, 0);
	assert_int_equal(d->ncaps, 0);
	assert_true(d->flags & PCI_DEV_CAP_BADPTR);
	d = find(bi, 0, 7, 0);
	assert_int_equal(d->ncaps, 1);
	assert_int_equal(d->msi.off, 0x60);
	assert_false(d->msi.is64);
	assert_int_equal(d->msi.vectors, 1);
	assert_true(d->flags & PCI_DEV_CAP_BADPTR);
	d = find(bi, 0, 8, 0);
	assert_int_equal(d->ncaps, 1);
	assert_int_equal(d->caps[0].off, 0xfc);
	assert_int_equal(d->msix.off, 0); /* not decoded: would not fit */
	assert_true(d->flags & PCI_DEV_CAP_SHORT);
	assert_true(d->flags & PCI_DEV_CAP_LOOP); /* 0xfc -> 0xfc */
	d = find(bi, 0, 9, 0);
	assert_int_equal(d->ncaps, 0);
	assert_int_equal(d->msi.off, 0);
	assert_int_equal(d->flags, 0);
	assert_log("pci: 00:06.0 1af4:1006: capability pointer into the header, ignored\n");
	assert_log("pci: 00:08.0 1af4:1008: capability runs past config space, ignored\n");
	free(bi);
	free(f);
}

/* A valid chain through all 48 dword slots: walked to the end, 24 recorded. */
static void test_cap_long_chain(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *fn = endpoint(f, 0, 10);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	fn->cfg[PCI_CAP_PTR_8] = 0x40;
	for (unsigned int off = 0x40; off < 0x100; off += 4)
		fake_cap(fn, off, PCI_CAP_ID_VENDOR, off + 4 < 0x100 ? off + 4 : 0);
	bi = fake_enumerate(f);
	d = find(bi, 0, 10, 0);
	assert_int_equal(d->ncaps, PCI_DEV_MAX_CAPS);
	assert_true(d->flags & PCI_DEV_CAPS_TRUNC);
	assert_false(d->flags & (PCI_DEV_CAP_LOOP | PCI_DEV_CAP_TOO_MANY));
	assert_int_equal(pci_find_cap(&f->ops, d, PCI_CAP_ID_MSI), 0);
	free(bi);
	free(f);
}

/* MSI variants: 64-bit + per-vector masking + 32 vectors; MMC 7 clamps. */
static void test_msi_decode(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *fn = endpoint(f, 0, 11);
	struct fake_fn *g = endpoint(f, 0, 12);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	fn->cfg[PCI_CAP_PTR_8] = 0x50;
	fake_cap(fn, 0x50, PCI_CAP_ID_MSI, 0);
	put_le(&fn->cfg[0x52], 2,
	       PCI_MSI_CTRL_64BIT | PCI_MSI_CTRL_MASKABLE | FIELD_PREP(PCI_MSI_CTRL_MMC, 5) |
		       PCI_MSI_CTRL_ENABLE);
	g->cfg[PCI_CAP_PTR_8] = 0xec; /* 0xec + 24 > 256: must not decode */
	fake_cap(g, 0xec, PCI_CAP_ID_MSI, 0);
	put_le(&g->cfg[0xee], 2,
	       PCI_MSI_CTRL_64BIT | PCI_MSI_CTRL_MASKABLE | FIELD_PREP(PCI_MSI_CTRL_MMC, 7));
	bi = fake_enumerate(f);
	d = find(bi, 0, 11, 0);
	assert_int_equal(d->msi.off, 0x50);
	assert_true(d->msi.is64);
	assert_true(d->msi.maskable);
	assert_true(d->msi.enabled);
	assert_int_equal(d->msi.vectors, 32);
	d = find(bi, 0, 12, 0);
	assert_int_equal(d->msi.off, 0);
	assert_true(d->flags & PCI_DEV_CAP_SHORT);
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI:   caps: msi@0x50(64bit,maskable,vec=32)\n");
	assert_log("PCI:   caps: msi@0xec\n");
	/* at 0xe8, 24 bytes end exactly at 256 */
	g->cfg[PCI_CAP_PTR_8] = 0xe8;
	memcpy(&g->cfg[0xe8], &g->cfg[0xec], 4);
	free(bi);
	bi = fake_enumerate(f);
	assert_int_equal(find(bi, 0, 12, 0)->msi.off, 0xe8);
	assert_int_equal(find(bi, 0, 12, 0)->msi.vectors, 32);
	free(bi);
	free(f);
}

static void make_pcie(struct fake_fn *fn)
{
	fn->cfg[PCI_CAP_PTR_8] = 0x40;
	fake_cap(fn, 0x40, PCI_CAP_ID_PCIE, 0);
	put_le(&fn->cfg[0x42], 2, 0x0002); /* v2 endpoint */
}

static void test_ext_caps(void **state)
{
	struct fake *f = fake_new(PCIE_CFG_SIZE);
	struct fake_fn *lp = endpoint(f, 0, 1);
	struct fake_fn *bp = endpoint(f, 0, 2);
	struct fake_fn *lc = endpoint(f, 0, 3);
	struct fake_fn *np = endpoint(f, 0, 4);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	/* loop 0x100 -> 0x140 -> 0x100 */
	make_pcie(lp);
	fake_ext_cap(lp, 0x100, PCI_EXT_CAP_ID_AER, 0x140);
	fake_ext_cap(lp, 0x140, PCI_EXT_CAP_ID_DSN, 0x100);
	/* pointer below 0x100 */
	make_pcie(bp);
	fake_ext_cap(bp, 0x100, PCI_EXT_CAP_ID_ACS, 0x40);
	/* a 200-entry chain: stops at 48 */
	make_pcie(lc);
	for (unsigned int i = 0; i < 200; i++)
		fake_ext_cap(lc, 0x100 + 4 * i, PCI_EXT_CAP_ID_VNDR, 0x100 + 4 * (i + 1));
	/* not PCIe: the extended space is not walked at all */
	fake_ext_cap(np, 0x100, PCI_EXT_CAP_ID_AER, 0x100);
	bi = fake_enumerate(f);

	d = find(bi, 0, 1, 0);
	assert_int_equal(d->pcie.off, 0x40);
	assert_int_equal(d->pcie.version, 2);
	assert_int_equal(d->pcie.port_type, PCI_EXP_TYPE_ENDPOINT);
	assert_int_equal(d->ncaps, 3);
	assert_true(d->caps[1].ext && d->caps[1].off == 0x100);
	assert_true(d->caps[2].ext && d->caps[2].id == PCI_EXT_CAP_ID_DSN);
	assert_true(d->flags & PCI_DEV_ECAP_LOOP);
	assert_int_equal(pci_find_ext_cap(&f->ops, d, PCI_EXT_CAP_ID_DSN), 0x140);
	assert_int_equal(pci_find_ext_cap(&f->ops, d, PCI_EXT_CAP_ID_ARI), 0);
	d = find(bi, 0, 2, 0);
	assert_int_equal(d->ncaps, 2);
	assert_true(d->flags & PCI_DEV_ECAP_BADPTR);
	d = find(bi, 0, 3, 0);
	assert_true(d->flags & PCI_DEV_ECAP_TOO_MANY);
	assert_true(d->flags & PCI_DEV_CAPS_TRUNC);
	assert_int_equal(d->ncaps, PCI_DEV_MAX_CAPS);
	d = find(bi, 0, 4, 0);
	assert_int_equal(d->ncaps, 0);
	assert_int_equal(d->flags, 0);
	assert_log("pci: 00:01.0 1af4:1001: extended capability list loops, ignored\n");
	assert_log("pci: 00:02.0 1af4:1002: extended capability pointer < 0x100, ignored\n");
	assert_log("pci: 00:03.0 1af4:1003: extended capability list too long, ignored\n");
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI:   caps: pcie@0x40(endpoint)\nPCI:   ecaps: aer@0x100 dsn@0x140\n");

	/* the same device through a 256-byte mechanism: no ext walk, no reads */
	f->ops.cfg_size = PCI_CFG_SIZE;
	free(bi);
	bi = fake_enumerate(f);
	assert_int_equal(find(bi, 0, 1, 0)->ncaps, 1);
	assert_int_equal(pci_find_ext_cap(&f->ops, find(bi, 0, 1, 0), PCI_EXT_CAP_ID_AER), 0);
	free(bi);
	free(f);
}

/*
 * A function whose IDs are valid but everything else reads all-ones:
 * header 0xff = multi-function, type 0x7f (unknown): no BARs probed, no
 * caps walked, functions 1-7 scanned (absent). And a fully all-ones slot
 * is simply absent.
 */
static void test_all_ones(void **state)
{
	struct fake *f = fake_new(PCIE_CFG_SIZE);
	struct fake_fn *fn = fake_add(f, 0, 1, 0, 0, 0, 0, 0);
	struct fake_fn *gone = fake_add(f, 0, 2, 0, 0, 0, 0, 0);
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	memset(fn->cfg, 0xff, sizeof(fn->cfg));
	put_le(&fn->cfg[0], 4, 0xabcd8086);
	memset(gone->cfg, 0xff, sizeof(gone->cfg));
	bi = fake_enumerate(f); /* also: no writes at all to fn (bad_writes == 0) */
	assert_int_equal(bi->ndevs, 1);
	d = find(bi, 0, 1, 0);
	assert_non_null(d);
	assert_int_equal(d->hdr_type, 0x7f);
	assert_true(d->multifunc);
	assert_int_equal(d->nbars, 0);
	assert_int_equal(d->ncaps, 0);
	assert_true(d->flags & PCI_DEV_BAD_HEADER);
	assert_log("pci: 00:01.0 8086:abcd: unknown header type, ignored\n");
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI: 00:01.0 8086:abcd class ff.ff.ff hdr 7f irq-pin -\n");
	free(bi);

	/* all-ones with a normal header: BARs read 0xffffffff and do not move */
	fn->cfg[PCI_HEADER_TYPE_8] = 0;
	bi = fake_enumerate(f);
	d = find(bi, 0, 1, 0);
	assert_int_equal(d->nbars, 6);
	assert_true(d->flags & PCI_DEV_CAP_LOOP); /* ptr 0xfc -> 0xfc */
	assert_int_equal(d->ncaps, 1);
	free(bi);
	free(f);
}

static void test_multifunction_and_bridge(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *br, *fn;
	struct pci_bus_info *bi;
	const struct pci_dev *d;

	(void)state;
	/* single-function device: a stray fn 3 must not be scanned */
	fake_add(f, 0, 4, 0, 0x8086, 0x1111, 0x030000, 0);
	fake_add(f, 0, 4, 3, 0x8086, 0x2222, 0x020000, 0);
	/* multi-function: fn 0 and fn 5 */
	fake_add(f, 0, 5, 0, 0x8086, 0x3333, 0x060100, PCI_HEADER_MULTIFUNC);
	fake_add(f, 0, 5, 5, 0x8086, 0x4444, 0x0c0500, 0);
	/* bridge to bus 3..4, with a NIC behind it */
	br = fake_add(f, 0, 6, 0, 0x1b36, 0x0001, 0x060400, PCI_HEADER_BRIDGE);
	br->cfg[PCI_PRIMARY_BUS_8] = 0;
	br->cfg[PCI_SECONDARY_BUS_8] = 3;
	br->cfg[PCI_SUBORDINATE_BUS_8] = 4;
	fake_bar(br, 0, 0, 0xfe800000, KiB(4));
	/* a write to a bridge's bus numbers would show up as a bad write */
	fn = fake_add(f, 3, 0, 0, 0x8086, 0x100e, 0x020000, 0);
	fake_bar(fn, 0, 0, 0xfe000000, KiB(128));
	fake_add(f, 255, 31, 0, 0x8086, 0x5555, 0xff0000, 0); /* last slot */
	bi = fake_enumerate(f);

	assert_int_equal(bi->ndevs, 6);
	assert_null(find(bi, 0, 4, 3));
	assert_non_null(find(bi, 0, 5, 5));
	d = find(bi, 0, 6, 0);
	assert_int_equal(d->hdr_type, PCI_HEADER_BRIDGE);
	assert_int_equal(d->nbars, 2);
	assert_int_equal(d->secondary_bus, 3);
	assert_int_equal(d->subordinate_bus, 4);
	assert_bar(d, 0, PCI_BAR_MEM32, KiB(4));
	assert_non_null(find(bi, 255, 31, 0));
	/* the class search walks in BDF order */
	assert_ptr_equal(pci_find_class(bi, PCI_CLASS_NETWORK, NULL), find(bi, 3, 0, 0));
	assert_null(pci_find_class(bi, PCI_CLASS_NETWORK, find(bi, 3, 0, 0)));
	assert_ptr_equal(pci_find_class(bi, PCI_CLASS_BRIDGE, NULL), find(bi, 0, 5, 0));
	assert_ptr_equal(pci_find_class(bi, PCI_CLASS_BRIDGE, find(bi, 0, 5, 0)),
			 find(bi, 0, 6, 0));
	assert_ptr_equal(pci_choose_nic(bi, false, 0), find(bi, 3, 0, 0));
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI: 00:06.0 1b36:0001 class 06.04.00 hdr 1 irq-pin -\n"
		   "PCI:   bar0 mem32 0xfe800000 size 0x1000\n"
		   "PCI:   bridge primary 00 secondary 03 subordinate 04\n");
	assert_log("PCI: 03:00.0 8086:100e class 02.00.00 hdr 0 irq-pin -\n");
	harness_log_clear();
	pci_print_nic(pci_choose_nic(bi, false, 0));
	assert_string_equal(harness_log(), "HV: nic 03:00.0 8086:100e (e1000)\n");
	free(bi);
	free(f);
}

static void test_truncation(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct pci_bus_info *bi;

	(void)state;
	for (unsigned int i = 0; i < 70; i++)
		fake_add(f, i / 32, i % 32, 0, 0x8086, i, 0x020000, 0);
	bi = fake_enumerate(f);
	assert_int_equal(bi->ndevs, PCI_MAX_DEVS);
	assert_int_equal(bi->nfound, 70);
	assert_true(bi->truncated);
	assert_log("pci: device table full: 70 functions found, 64 recorded\n");
	harness_log_clear();
	assert_null(pci_choose_nic(bi, true, PCI_BDF(2, 5, 0)));
	assert_log("no such function (device table truncated)");
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI: device table full: 6 more functions not recorded\n"
		   "PCI: 64 devices (config access: fake)\n");
	free(bi);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bar_kinds),
		cmocka_unit_test(test_bar64_last_slot),
		cmocka_unit_test(test_bar_reserved_type),
		cmocka_unit_test(test_cap_loop),
		cmocka_unit_test(test_cap_bad_pointers),
		cmocka_unit_test(test_cap_long_chain),
		cmocka_unit_test(test_msi_decode),
		cmocka_unit_test(test_ext_caps),
		cmocka_unit_test(test_all_ones),
		cmocka_unit_test(test_multifunction_and_bridge),
		cmocka_unit_test(test_truncation),
	};
	return HARNESS_RUN(tests);
}
