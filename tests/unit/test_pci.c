// SPDX-License-Identifier: MIT
/*
 * drivers/pci*.c on the host: enumeration over captured config spaces
 * (tests/data/pci/<bed>/, see its README), NIC choice, the API's edges, the
 * dump format and the ECAM accessor. Hand-built and hostile config spaces
 * are in test_pci_hostile.c.
 * The fake config space behaves like hardware where the driver depends on
 * it: BARs return their size mask after an all-ones write, COMMAND is
 * writable, everything else is read-only. It counts every access outside
 * the config space and every write the driver had no business doing.
 */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/pci.h"
#include "drivers/pci_regs.h"
#include "lib/errno.h"
#include "tests/unit/pci_fake.h"

/* ---- QEMU q35 ------------------------------------------------------------------- */

/* Facts that hold for every q35 capture (TESTBEDS.md, QEMU's device models). */
static void check_q35(const char *bed)
{
	struct fake *f = load_bed(bed, PCIE_CFG_SIZE);
	struct pci_bus_info *bi = fake_enumerate(f);
	const struct pci_dev *d;

	assert_int_equal(bi->ndevs, f->nfns);
	assert_int_equal(bi->nfound, f->nfns);
	assert_false(bi->truncated);
	assert_ids(find(bi, 0, 0, 0), 0x8086, 0x29c0, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST);
	assert_ids(find(bi, 0, 0x1f, 0), 0x8086, 0x2918, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_ISA);
	assert_true(find(bi, 0, 0x1f, 0)->multifunc);
	assert_ids(find(bi, 0, 0x1f, 2), 0x8086, 0x2922, PCI_CLASS_STORAGE, 0x06);
	assert_ids(find(bi, 0, 0x1f, 3), 0x8086, 0x2930, PCI_CLASS_SERIAL_BUS, 0x05);
	/* ICH9 SATA (AHCI): BAR4 I/O 32 B, BAR5 ABAR 4 KiB */
	d = find(bi, 0, 0x1f, 2);
	assert_bar(d, 4, PCI_BAR_IO, 0x20);
	assert_bar(d, 5, PCI_BAR_MEM32, 0x1000);
	assert_bar(d, 0, PCI_BAR_NONE, 0);
	assert_int_equal(d->prog_if, 0x01);

	/* e1000e 82574L at 00:02.0 */
	d = find(bi, 0, 2, 0);
	assert_ids(d, 0x8086, 0x10d3, PCI_CLASS_NETWORK, 0);
	assert_int_equal(d->hdr_type, 0);
	assert_false(d->multifunc);
	assert_int_equal(d->irq_pin, 1);
	assert_bar(d, 0, PCI_BAR_MEM32, KiB(128)); /* registers */
	assert_bar(d, 1, PCI_BAR_MEM32, KiB(128)); /* flash */
	assert_bar(d, 2, PCI_BAR_IO, 32);
	assert_bar(d, 3, PCI_BAR_MEM32, KiB(16)); /* MSI-X table + PBA */
	assert_bar(d, 4, PCI_BAR_NONE, 0);
	assert_bar(d, 5, PCI_BAR_NONE, 0);
	assert_int_equal(d->bars[0].addr,
			 get_le(&fake_lookup(f, 0, PCI_DEVFN(2, 0))->cfg[0x10], 4) & ~0xfu);
	assert_true(d->bars[0].addr != 0);
	assert_int_equal(d->bars[2].addr & 3, 0);
	/* caps: PM, MSI (64-bit, 1 vector), PCIe, MSI-X (5 vectors in BAR3) */
	assert_int_equal(d->pm.off, 0xc8);
	assert_int_equal(d->msi.off, 0xd0);
	assert_true(d->msi.is64);
	assert_false(d->msi.maskable);
	assert_int_equal(d->msi.vectors, 1);
	assert_int_equal(d->pcie.off, 0xe0);
	/* on the q35 root bus QEMU makes it a root-complex integrated endpoint */
	assert_int_equal(d->pcie.port_type, PCI_EXP_TYPE_RC_END);
	assert_int_equal(d->msix.off, 0xa0);
	assert_int_equal(d->msix.table_size, 5);
	assert_int_equal(d->msix.table_bir, 3);
	assert_int_equal(d->msix.table_off, 0);
	assert_int_equal(d->msix.pba_bir, 3);
	assert_int_equal(d->msix.pba_off, 0x2000);
	assert_int_equal(d->flags, 0);
	/* and an extended AER capability at 0x100 */
	assert_true(d->ncaps >= 5);
	assert_true(d->caps[4].ext);
	assert_int_equal(d->caps[4].id, PCI_EXT_CAP_ID_AER);
	assert_int_equal(d->caps[4].off, 0x100);
	assert_int_equal(pci_find_cap(&f->ops, d, PCI_CAP_ID_MSIX), 0xa0);
	assert_int_equal(pci_find_cap(&f->ops, d, PCI_CAP_ID_PM), 0xc8);
	assert_int_equal(pci_find_cap(&f->ops, d, PCI_CAP_ID_VPD), 0);
	assert_int_equal(pci_find_ext_cap(&f->ops, d, PCI_EXT_CAP_ID_AER), 0x100);
	assert_int_equal(pci_find_ext_cap(&f->ops, d, PCI_EXT_CAP_ID_SRIOV), 0);

	/* COMMAND: the NIC's decode was turned off and back on; the host
	 * bridge's (decode on) was left alone */
	assert_int_equal(fake_lookup(f, 0, PCI_DEVFN(2, 0))->cmd_writes, 2);
	assert_true(find(bi, 0, 0, 0)->command & PCI_COMMAND_MEMORY);
	assert_int_equal(fake_lookup(f, 0, 0)->cmd_writes, 0);

	/* no anomalies anywhere on a sane machine */
	for (unsigned int i = 0; i < bi->ndevs; i++)
		assert_int_equal(bi->devs[i].flags, 0);
	assert_false(log_has("pci: "));

	/* console report */
	harness_log_clear();
	pci_print(bi);
	assert_log("PCI: 00:00.0 8086:29c0 class 06.00.00 hdr 0 irq-pin -\n");
	assert_log("PCI: 00:02.0 8086:10d3 class 02.00.00 hdr 0 irq-pin A\n");
	assert_log("PCI:   bar2 io 0x");
	assert_log(" size 0x20\n");
	assert_log(" size 0x20000\n");
	assert_log("PCI:   caps: pm@0xc8 msi@0xd0(64bit,vec=1) pcie@0xe0(rc-endpoint) "
		   "msix@0xa0(table=5 bir=3 off=0x0 pba bir=3 off=0x2000)\n");
	assert_log("PCI:   ecaps: aer@0x100");
	{
		char want[64];

		snprintf(want, sizeof(want), "PCI: %u devices (config access: fake)\n", bi->ndevs);
		assert_log(want);
	}

	/* NIC: by class, and by BDF */
	assert_ptr_equal(pci_choose_nic(bi, false, 0), find(bi, 0, 2, 0));
	assert_ptr_equal(pci_choose_nic(bi, true, PCI_BDF(0, 2, 0)), find(bi, 0, 2, 0));
	harness_log_clear();
	pci_print_nic(pci_choose_nic(bi, false, 0));
	assert_string_equal(harness_log(), "HV: nic 00:02.0 8086:10d3 (e1000e)\n");
	free(bi);
	free(f);
}

/* Read by the hypervisor itself (dump=pci over ECAM). */
static void test_q35_hv(void **state)
{
	(void)state;
	check_q35("qemu-q35");
}

/* Read through QEMU's monitor: the same facts must hold. */
static void test_q35_monitor(void **state)
{
	(void)state;
	check_q35("qemu-q35-monitor");
}

/* Bochs 2.7 i440fx + e1000, read by the hypervisor through CF8/CFC. */
static void test_bochs_i440fx(void **state)
{
	struct fake *f = load_bed("bochs-i440fx", PCI_CFG_SIZE);
	struct pci_bus_info *bi = fake_enumerate(f);
	const struct pci_dev *d;

	(void)state;
	assert_int_equal(bi->ndevs, 6);
	assert_ids(find(bi, 0, 0, 0), 0x8086, 0x1237, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_HOST);
	/* PIIX3: ISA bridge fn 0 (multi-function), IDE, UHCI, ACPI */
	d = find(bi, 0, 1, 0);
	assert_ids(d, 0x8086, 0x7000, PCI_CLASS_BRIDGE, PCI_SUBCLASS_BRIDGE_ISA);
	assert_true(d->multifunc);
	d = find(bi, 0, 1, 1);
	assert_ids(d, 0x8086, 0x7010, PCI_CLASS_STORAGE, 0x01);
	assert_bar(d, 4, PCI_BAR_IO, 16);
	d = find(bi, 0, 1, 2);
	assert_ids(d, 0x8086, 0x7020, PCI_CLASS_SERIAL_BUS, 0x03);
	assert_bar(d, 4, PCI_BAR_IO, 32);
	assert_int_equal(d->irq_pin, 4);
	assert_ids(find(bi, 0, 1, 3), 0x8086, 0x7113, PCI_CLASS_BRIDGE, 0x80);
	/* e1000 (82540EM) at 00:02.0: BAR0 MMIO 128 KiB, BAR1 I/O; no caps */
	d = find(bi, 0, 2, 0);
	assert_ids(d, 0x8086, 0x100e, PCI_CLASS_NETWORK, 0);
	assert_bar(d, 0, PCI_BAR_MEM32, KiB(128));
	assert_false(d->bars[0].prefetchable);
	assert_bar(d, 1, PCI_BAR_IO, 0x40);
	for (unsigned int i = 2; i < 6; i++)
		assert_bar(d, i, PCI_BAR_NONE, 0);
	assert_int_equal(d->ncaps, 0);
	assert_int_equal(d->msi.off, 0);
	assert_int_equal(d->msix.off, 0);
	assert_int_equal(d->irq_pin, 1);
	for (unsigned int i = 0; i < bi->ndevs; i++)
		assert_int_equal(bi->devs[i].flags, 0);

	assert_ptr_equal(pci_choose_nic(bi, false, 0), d);
	assert_ptr_equal(pci_choose_nic(bi, true, PCI_BDF(0, 2, 0)), d);
	assert_null(pci_choose_nic(bi, true, PCI_BDF(0, 1, 1)));
	harness_log_clear();
	pci_print(bi);
	pci_print_nic(d);
	assert_log("PCI: 00:01.1 8086:7010 class 01.01.80 hdr 0 irq-pin -\n"
		   "PCI:   bar4 io 0x");
	assert_log("PCI: 00:02.0 8086:100e class 02.00.00 hdr 0 irq-pin A\n"
		   "PCI:   bar0 mem32 0x");
	assert_log("PCI: 6 devices (config access: fake)\n"
		   "HV: nic 00:02.0 8086:100e (e1000)\n");
	assert_false(log_has("caps:"));
	free(bi);
	free(f);
}

static void test_nic_errors(void **state)
{
	struct fake *f = load_bed("qemu-q35-monitor", PCIE_CFG_SIZE);
	struct pci_bus_info *bi = fake_enumerate(f);

	(void)state;
	harness_log_clear();
	assert_null(pci_choose_nic(bi, true, PCI_BDF(0, 5, 0)));
	assert_log("pci: nic 00:05.0: no such function\n");
	harness_log_clear();
	assert_null(pci_choose_nic(bi, true, PCI_BDF(0, 0x1f, 0)));
	assert_log("pci: nic 00:1f.0 8086:2918: not a network controller (class 06.01)\n");
	harness_log_clear();
	assert_null(pci_choose_nic(bi, true, 0x10000));
	assert_log("no such function");
	harness_log_clear();
	pci_print_nic(NULL);
	assert_string_equal(harness_log(), "HV: nic none\n");

	/* no NIC at all: hide the e1000e */
	fake_lookup(f, 0, PCI_DEVFN(2, 0))->devfn = PCI_DEVFN(9, 7);
	free(bi);
	bi = fake_enumerate(f);
	assert_null(pci_choose_nic(bi, false, 0));
	assert_null(pci_find_bdf(bi, PCI_BDF(0, 9, 7)));
	free(bi);
	free(f);
}

/* ---- API edges, dump, ECAM accessor --------------------------------------- */

static void test_bad_args(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct pci_bus_info *bi = calloc(1, sizeof(*bi));

	(void)state;
	assert_int_equal(pci_enumerate(NULL, 0, bi), -EINVAL);
	assert_int_equal(pci_enumerate(&f->ops, 0, NULL), -EINVAL);
	f->ops.cfg_size = 512;
	assert_int_equal(pci_enumerate(&f->ops, 0, bi), -EINVAL);
	assert_null(pci_find_bdf(NULL, 0));
	assert_null(pci_choose_nic(NULL, false, 0));
	assert_int_equal(pci_find_cap(NULL, NULL, 1), 0);

	/* accessors refuse what the mechanism cannot reach, without asking it */
	f->ops.cfg_size = PCI_CFG_SIZE;
	fake_add(f, 0, 1, 0, 0x8086, 0x1234, 0x020000, 0);
	assert_int_equal(pci_enumerate(&f->ops, 0, bi), 0);
	assert_int_equal(pci_dev_read(&f->ops, &bi->devs[0], 0, 4), 0x12348086);
	assert_int_equal(pci_dev_read(&f->ops, &bi->devs[0], 0x100, 4), 0xffffffffu);
	assert_int_equal(pci_dev_read(&f->ops, &bi->devs[0], 0xfe, 4), 0xffffffffu);
	assert_int_equal(pci_dev_read(&f->ops, &bi->devs[0], 0x2, 4), 0xffffffffu);
	assert_int_equal(pci_dev_read(&f->ops, &bi->devs[0], 0x1, 2), 0xffff);
	assert_int_equal(pci_dev_read(&f->ops, &bi->devs[0], 0x0, 3), 0xffffffffu);
	pci_dev_write(&f->ops, &bi->devs[0], 0x100, 4, 0);
	pci_dev_write(&f->ops, &bi->devs[0], 0x3, 2, 0);
	assert_int_equal(f->out_of_range, 0);
	assert_int_equal(f->fns[0].bad_writes, 0);
	free(bi);
	free(f);
}

static void test_parse_bdf(void **state)
{
	u32 bdf = 0xdead;

	(void)state;
	assert_int_equal(pci_parse_bdf("00:02.0", 7, &bdf), 0);
	assert_int_equal(bdf, PCI_BDF(0, 2, 0));
	assert_int_equal(pci_parse_bdf("ff:1F.7", 7, &bdf), 0);
	assert_int_equal(bdf, PCI_BDF(0xff, 0x1f, 7));
	assert_int_equal(pci_parse_bdf("0000:03:00.1", 12, &bdf), 0);
	assert_int_equal(bdf, PCI_BDF(3, 0, 1));
	assert_int_equal(pci_parse_bdf("0:2.0", 5, &bdf), 0);
	assert_int_equal(bdf, PCI_BDF(0, 2, 0));
	/* length-limited: "00:02.0junk" with len 7 */
	assert_int_equal(pci_parse_bdf("00:02.0junk", 7, &bdf), 0);
	bdf = 0xdead;
	assert_int_equal(pci_parse_bdf("00:20.0", 7, &bdf), -EINVAL); /* dev > 31 */
	assert_int_equal(pci_parse_bdf("00:02.8", 7, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("100:02.0", 8, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("0001:00:02.0", 12, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("00:02", 5, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("00.02:0", 7, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf(":02.0", 5, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("00:02.", 6, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("0:0:0:0.0", 9, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("g0:02.0", 7, &bdf), -EINVAL);
	assert_int_equal(pci_parse_bdf("", 0, &bdf), -EINVAL);
	assert_int_equal(bdf, 0xdead);
}

/* The dump round-trips: parse the PCIDUMP lines back into bytes. */
static void test_dump_roundtrip(void **state)
{
	struct fake *f = fake_new(PCIE_CFG_SIZE);
	struct fake_fn *a = endpoint(f, 0, 2);
	struct fake_fn *b = endpoint(f, 1, 0);
	struct pci_bus_info *bi;
	const char *p;
	unsigned int lines = 0;

	(void)state;
	for (unsigned int i = 0x40; i < PCIE_CFG_SIZE; i++) {
		a->cfg[i] = (u8)(i * 7);
		b->cfg[i] = (u8)(i ^ 0x5a);
	}
	fake_bar(a, 0, 0, 0xfe000000, KiB(128));
	bi = fake_enumerate(f);
	harness_log_clear();
	pci_dump_config(&f->ops, bi);
	for (p = harness_log(); (p = strstr(p, "PCIDUMP ")); lines++) {
		unsigned int bus, dev, fnum, off, v[16];
		struct fake_fn *fn;

		assert_int_equal(
			sscanf(p,
			       "PCIDUMP %x:%x.%u %x: %x %x %x %x %x %x %x %x %x %x %x %x %x %x %x %x",
			       &bus, &dev, &fnum, &off, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			       &v[6], &v[7], &v[8], &v[9], &v[10], &v[11], &v[12], &v[13], &v[14],
			       &v[15]),
			20);
		fn = fake_lookup(f, bus, PCI_DEVFN(dev, fnum));
		assert_non_null(fn);
		assert_true(off < PCIE_CFG_SIZE && off % 16 == 0);
		for (unsigned int i = 0; i < 16; i++)
			assert_int_equal(v[i], fn->cfg[off + i]);
		p += 8;
	}
	assert_int_equal(lines, 2 * PCIE_CFG_SIZE / 16);
	assert_log("PCIDUMP 00:02.0 000: f4 1a 02 10 07 00 00 00 00 00 00 02 00 00 00 00\n");
	assert_log("PCIDUMP 01:00.0 ff0: ");
	assert_int_equal(f->out_of_range, 0);
	free(bi);
	free(f);
}

/* The ECAM accessor over a host buffer standing in for the MMIO window. */
static void test_ecam_accessor(void **state)
{
	struct fake *src = load_bed("qemu-q35-monitor", PCIE_CFG_SIZE);
	size_t size = 2 * PCI_ECAM_BUS_SIZE; /* buses 0 and 1 */
	u8 *win = aligned_alloc(PCI_ECAM_BUS_SIZE, size);
	struct pci_bus_info *bi = calloc(1, sizeof(*bi));
	struct pci_ecam e;
	u8 *copy;

	(void)state;
	assert_non_null(win);
	memset(win, 0xff, size);
	for (unsigned int i = 0; i < src->nfns; i++)
		memcpy(win + ((size_t)src->fns[i].bus << 20) + ((size_t)src->fns[i].devfn << 12),
		       src->fns[i].cfg, PCIE_CFG_SIZE);
	copy = malloc(size);
	memcpy(copy, win, size);

	assert_int_equal(pci_ecam_ops_init(&e, (hpa_t)(uintptr_t)win + 4096, 0, 1), -EINVAL);
	assert_int_equal(pci_ecam_ops_init(&e, (hpa_t)(uintptr_t)win, 1, 0), -EINVAL);
	assert_int_equal(pci_ecam_ops_init(&e, (hpa_t)(uintptr_t)win, 0, 1), 0);
	assert_int_equal(e.ops.cfg_size, PCIE_CFG_SIZE);
	/* out of the decoded bus range and segment: all-ones, nothing touched */
	assert_int_equal(e.ops.read(e.ops.ctx, 0, 2, 0, 0, 4), 0xffffffffu);
	assert_int_equal(e.ops.read(e.ops.ctx, 1, 0, 0, 0, 4), 0xffffffffu);
	assert_int_equal(e.ops.read(e.ops.ctx, 0, 0, 0, 0x1000, 1), 0xff);
	assert_int_equal(e.ops.read(e.ops.ctx, 0, 0, 0, 0x2, 4), 0xffffffffu);
	assert_int_equal(e.ops.read(e.ops.ctx, 0, 0, PCI_DEVFN(2, 0), 0, 4), 0x10d38086);
	assert_int_equal(e.ops.read(e.ops.ctx, 0, 0, PCI_DEVFN(2, 0), 2, 2), 0x10d3);
	assert_int_equal(e.ops.read(e.ops.ctx, 0, 0, PCI_DEVFN(2, 0), 0xb, 1), 0x02);
	e.ops.write(e.ops.ctx, 0, 5, 0, 0, 4, 0); /* dropped: bus 5 not decoded */

	assert_int_equal(pci_enumerate(&e.ops, 0, bi), 0);
	assert_int_equal(bi->ndevs, src->nfns);
	for (unsigned int i = 0; i < src->nfns; i++) {
		const struct fake_fn *fn = &src->fns[i];
		const struct pci_dev *d = pci_find_bdf(bi, ((u32)fn->bus << 8) | fn->devfn);

		assert_non_null(d);
		assert_int_equal(d->vendor, get_le(fn->cfg, 2));
		assert_int_equal(d->device, get_le(fn->cfg + 2, 2));
	}
	assert_int_equal(find(bi, 0, 2, 0)->msix.table_size, 5);
	/* sizing wrote BARs and COMMAND through ECAM and restored them all */
	assert_memory_equal(win, copy, size);
	harness_log_clear();
	pci_print(bi);
	{
		char want[96];

		snprintf(want, sizeof(want), "PCI: %u devices (config access: ecam 0x%llx)\n",
			 bi->ndevs, (unsigned long long)(uintptr_t)win);
		assert_log(want);
	}
	free(copy);
	free(win);
	free(bi);
	free(src);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_hv),	       cmocka_unit_test(test_q35_monitor),
		cmocka_unit_test(test_bochs_i440fx),   cmocka_unit_test(test_nic_errors),
		cmocka_unit_test(test_bad_args),       cmocka_unit_test(test_parse_bdf),
		cmocka_unit_test(test_dump_roundtrip), cmocka_unit_test(test_ecam_accessor),
	};
	return HARNESS_RUN(tests);
}
