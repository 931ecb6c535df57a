// SPDX-License-Identifier: MIT
/*
 * vmm/vpci.c on the fake config spaces of tests/unit/pci_fake.[ch]: the
 * QEMU q35 and Bochs i440fx captures (CF8-sized, 256 bytes per function)
 * and hand-built topologies with BARs on chipset functions and a NIC
 * behind bridges. Host accesses go through a recording wrapper, so tests
 * see exactly which config cycles the guest's port accesses produced.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/pci.h"
#include "drivers/pci_regs.h"
#include "tests/unit/pci_fake.h"
#include "vmm/vpci.h"

/* ---- recording host ops ------------------------------------------------------ */

#define REC_MAX 64

struct rec_write {
	u32 bdf;
	u16 off;
	unsigned int width;
	u32 val;
};

struct rec {
	struct pci_cfg_ops ops;
	struct fake *f;
	unsigned int reads, writes;
	struct rec_write w[REC_MAX];
};

static u32 rec_read(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width)
{
	struct rec *r = ctx;

	r->reads++;
	return r->f->ops.read(r->f->ops.ctx, seg, bus, devfn, off, width);
}

static void rec_write(void *ctx, u16 seg, u8 bus, u8 devfn, u16 off, unsigned int width, u32 val)
{
	struct rec *r = ctx;

	if (r->writes < REC_MAX)
		r->w[r->writes] =
			(struct rec_write){ PCI_BDF(bus, devfn >> 3, devfn & 7), off, width, val };
	r->writes++;
	r->f->ops.write(r->f->ops.ctx, seg, bus, devfn, off, width, val);
}

struct bed {
	struct fake *f;
	struct pci_bus_info *bi;
	struct rec rec;
	struct vpci v;
};

/* Enumerate f (the PCI driver, as the hypervisor does), then vpci_init. */
static struct bed *bed_new(struct fake *f, u32 nic_bdf)
{
	struct bed *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	b->f = f;
	b->bi = fake_enumerate(f);
	b->rec.f = f;
	b->rec.ops = (struct pci_cfg_ops){
		.read = rec_read, .write = rec_write, .ctx = &b->rec, .cfg_size = 256, .name = "rec"
	};
	harness_log_clear();
	vpci_init(&b->v, &b->rec.ops, b->bi, nic_bdf);
	fake_snapshot(f);
	b->rec.reads = b->rec.writes = 0;
	return b;
}

static void bed_free(struct bed *b)
{
	assert_int_equal(b->f->out_of_range, 0); /* aligned, below 256 */
	free(b->bi);
	free(b->f);
	free(b);
}

/* ---- the guest's port accesses ---------------------------------------------------- */

static void set_cf8(struct bed *b, u32 bdf, u8 reg)
{
	u32 v = PCI_CF8_ENABLE | bdf << 8 | reg;

	assert_true(vpci_io(&b->v, 0xcf8, 4, true, &v));
}

static u32 in(struct bed *b, u16 port, unsigned int size)
{
	u32 v = 0x5a5a5a5a;

	assert_true(vpci_io(&b->v, port, size, false, &v));
	return v;
}

static void out(struct bed *b, u16 port, unsigned int size, u32 v)
{
	assert_true(vpci_io(&b->v, port, size, true, &v));
}

/* Config read as the guest does it: CF8 then the data port for off. */
static u32 cfg_in(struct bed *b, u32 bdf, u8 off, unsigned int size)
{
	set_cf8(b, bdf, off & 0xfc);
	return in(b, 0xcfc + (off & 3), size);
}

static void cfg_out(struct bed *b, u32 bdf, u8 off, unsigned int size, u32 v)
{
	set_cf8(b, bdf, off & 0xfc);
	out(b, 0xcfc + (off & 3), size, v);
}

static const u8 *host_cfg(struct bed *b, u32 bdf)
{
	struct fake_fn *fn = fake_lookup(b->f, bdf >> 8, bdf & 0xff);

	assert_non_null(fn);
	return fn->cfg;
}

static u32 le(const u8 *p, unsigned int width)
{
	return get_le(p, width);
}

static void assert_log_has(const char *s)
{
	if (!strstr(harness_log(), s))
		fail_msg("log lacks \"%s\"; log:\n%s", s, harness_log());
}

#define NIC_Q35 PCI_BDF(0, 2, 0)

/* ---- q35 ---------------------------------------------------------------------------- */

static void test_q35_visible(void **state)
{
	struct bed *b = bed_new(load_bed("qemu-q35", PCI_CFG_SIZE), NIC_Q35);
	const struct pci_dev *nic = pci_find_bdf(b->bi, NIC_Q35);
	const u32 shown[] = { NIC_Q35, PCI_BDF(0, 0, 0), PCI_BDF(0, 0x1f, 0) };
	u8 ptr;
	unsigned int n = 0;

	(void)state;
	assert_int_equal(b->v.nr_visible, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_true(vpci_visible(&b->v, shown[i]));
		/* the whole config space reads as the host's, any width */
		for (unsigned int off = 0; off < 256; off += 4)
			assert_int_equal(cfg_in(b, shown[i], off, 4),
					 le(host_cfg(b, shown[i]) + off, 4));
		for (unsigned int off = 0; off < 256; off++)
			assert_int_equal(cfg_in(b, shown[i], off, 1), host_cfg(b, shown[i])[off]);
	}
	assert_false(vpci_visible(&b->v, PCI_BDF(0, 1, 0)));	/* VGA */
	assert_false(vpci_visible(&b->v, PCI_BDF(0, 0x1f, 2))); /* SATA */
	assert_false(vpci_visible(&b->v, PCI_BDF(0, 0x1f, 3))); /* SMBus */
	/* the NIC's capability list, walked by the guest: PM, MSI, PCIe,
	 * MSI-X as the driver found them */
	assert_true(cfg_in(b, NIC_Q35, PCI_STATUS_16, 2) & PCI_STATUS_CAP_LIST);
	for (ptr = cfg_in(b, NIC_Q35, PCI_CAP_PTR_8, 1); ptr && n < 48;
	     ptr = cfg_in(b, NIC_Q35, ptr + 1, 1), n++)
		assert_int_equal(ptr, nic->caps[n].off);
	assert_int_equal(n, 4);
	assert_int_equal(nic->caps[1].id, PCI_CAP_ID_MSI);
	assert_int_equal(b->rec.writes, 0);
	harness_log_clear();
	vpci_print(&b->v);
	assert_log_has("VPCI: visible 00:02.0 nic, 00:00.0 host-bridge, "
		       "00:1f.0 isa-bridge\n");
	bed_free(b);
}

/* A hidden function: all-ones everywhere, writes go nowhere. */
static void check_hidden(struct bed *b, u32 bdf)
{
	static const unsigned int sizes[] = { 1, 2, 4 };
	unsigned int reads = b->rec.reads;
	u64 hr = b->v.stats.hidden_reads, bw = b->v.stats.blocked_writes;
	u64 n = 0;

	for (unsigned int s = 0; s < 3; s++) {
		for (unsigned int off = 0; off < 256; off += sizes[s]) {
			u32 ones = sizes[s] == 4 ? 0xffffffffu : (1u << (8 * sizes[s])) - 1;

			assert_int_equal(cfg_in(b, bdf, off, sizes[s]), ones);
			cfg_out(b, bdf, off, sizes[s], 0);
			n++;
		}
	}
	assert_int_equal(b->rec.reads, reads); /* not even a host read */
	assert_int_equal(b->rec.writes, 0);
	assert_int_equal(b->v.stats.hidden_reads - hr, n);
	assert_int_equal(b->v.stats.blocked_writes - bw, n);
}

static void test_q35_hidden(void **state)
{
	struct bed *b = bed_new(load_bed("qemu-q35", PCI_CFG_SIZE), NIC_Q35);

	(void)state;
	check_hidden(b, PCI_BDF(0, 1, 0));
	check_hidden(b, PCI_BDF(0, 0x1f, 2));
	check_hidden(b, PCI_BDF(0, 0x1f, 3));
	check_hidden(b, PCI_BDF(0, 5, 0));    /* absent */
	check_hidden(b, PCI_BDF(0, 0x1f, 1)); /* LPC's absent sibling */
	check_hidden(b, PCI_BDF(255, 31, 7));
	for (unsigned int i = 0; i < b->f->nfns; i++) /* host unchanged */
		assert_memory_equal(b->f->fns[i].cfg, b->f->fns[i].orig, 256);
	bed_free(b);
}

static void test_byte_lanes(void **state)
{
	struct bed *b = bed_new(load_bed("qemu-q35", PCI_CFG_SIZE), NIC_Q35);
	const u8 *c = host_cfg(b, NIC_Q35);

	(void)state;
	set_cf8(b, NIC_Q35, 0x08); /* revision, class code */
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(in(b, 0xcfc + i, 1), c[8 + i]);
	assert_int_equal(in(b, 0xcfc, 2), le(c + 8, 2));
	assert_int_equal(in(b, 0xcfe, 2), le(c + 10, 2));
	assert_int_equal(in(b, 0xcfc, 4), le(c + 8, 4));
	/* unaligned: bytes 1-2; past 0xcff reads as nothing */
	assert_int_equal(in(b, 0xcfd, 2), le(c + 9, 2));
	assert_int_equal(in(b, 0xcfd, 4), le(c + 9, 3) | 0xff000000u);
	assert_int_equal(in(b, 0xcfe, 4), le(c + 10, 2) | 0xffff0000u);
	assert_int_equal(in(b, 0xcff, 2), c[11] | 0xff00u);
	assert_int_equal(in(b, 0xcff, 4), c[11] | 0xffffff00u);

	/* writes: the right offsets and widths reach the host */
	set_cf8(b, NIC_Q35, 0x04);
	out(b, 0xcfd, 1, 0x04);	      /* COMMAND high byte */
	out(b, 0xcfe, 2, 0xf900);     /* STATUS (RW1C) */
	out(b, 0xcfd, 2, 0x1234);     /* unaligned: two bytes */
	out(b, 0xcfe, 4, 0xabcd0000); /* only 0xcfe-0xcff exist */
	out(b, 0xcfc, 4, 0x00000406);
	assert_int_equal(b->rec.writes, 6);
	assert_int_equal(b->rec.w[0].bdf, NIC_Q35);
	assert_int_equal(b->rec.w[0].off, 5);
	assert_int_equal(b->rec.w[0].width, 1);
	assert_int_equal(b->rec.w[0].val, 0x04);
	assert_int_equal(b->rec.w[1].off, 6);
	assert_int_equal(b->rec.w[1].width, 2);
	assert_int_equal(b->rec.w[1].val, 0xf900);
	assert_int_equal(b->rec.w[2].off, 5);
	assert_int_equal(b->rec.w[2].width, 1);
	assert_int_equal(b->rec.w[2].val, 0x34);
	assert_int_equal(b->rec.w[3].off, 6);
	assert_int_equal(b->rec.w[3].width, 1);
	assert_int_equal(b->rec.w[3].val, 0x12);
	assert_int_equal(b->rec.w[4].off, 6);
	assert_int_equal(b->rec.w[4].width, 2);
	assert_int_equal(b->rec.w[4].val, 0x0000);
	assert_int_equal(b->rec.w[5].off, 4);
	assert_int_equal(b->rec.w[5].width, 4);
	assert_int_equal(le(c + 4, 2), 0x0406); /* COMMAND took it */
	bed_free(b);
}

static void test_cf8_register(void **state)
{
	struct bed *b = bed_new(load_bed("qemu-q35", PCI_CFG_SIZE), NIC_Q35);
	u32 v, vendor = le(host_cfg(b, NIC_Q35), 4);
	u64 reads;

	(void)state;
	/* read back: the last dword written, reserved bits and all */
	out(b, 0xcf8, 4, 0x7f123457);
	assert_int_equal(in(b, 0xcf8, 4), 0x7f123457);
	out(b, 0xcf8, 4, 0x80001000);
	assert_int_equal(in(b, 0xcf8, 4), 0x80001000);
	/* byte and word accesses are not CONFIG_ADDRESS */
	out(b, 0xcf8, 1, 0);
	out(b, 0xcf8, 2, 0);
	out(b, 0xcfa, 2, 0);
	out(b, 0xcfb, 1, 0);
	assert_int_equal(in(b, 0xcf8, 4), 0x80001000);
	assert_int_equal(in(b, 0xcf8, 1), 0xff);
	assert_int_equal(in(b, 0xcf8, 2), 0xffff);
	assert_int_equal(in(b, 0xcfa, 2), 0xffff);
	assert_int_equal(in(b, 0xcfb, 1), 0xff);
	/* 0xcf9 (reset control) and the neighbours are not ours */
	reads = b->v.stats.reads;
	v = 0x1234;
	assert_false(vpci_io(&b->v, 0xcf9, 1, true, &v));
	assert_false(vpci_io(&b->v, 0xcf9, 1, false, &v));
	assert_false(vpci_io(&b->v, 0xcf9, 2, false, &v));
	assert_false(vpci_io(&b->v, 0xcf7, 1, false, &v));
	assert_false(vpci_io(&b->v, 0xcf4, 4, false, &v));
	assert_false(vpci_io(&b->v, 0xd00, 4, false, &v));
	assert_false(vpci_io(&b->v, 0x80, 1, false, &v));
	assert_int_equal(v, 0x1234);
	assert_int_equal(b->v.stats.reads, reads);
	/* bit 31 clear: no config cycle, even for the NIC */
	out(b, 0xcf8, 4, NIC_Q35 << 8);
	assert_int_equal(in(b, 0xcfc, 4), 0xffffffff);
	assert_int_equal(in(b, 0xcfe, 2), 0xffff);
	out(b, 0xcfc, 4, 0);
	assert_int_equal(b->rec.writes, 0);
	/* bits 30:24 and 1:0 do not select anything */
	out(b, 0xcf8, 4, PCI_CF8_ENABLE | 0x0f000000 | NIC_Q35 << 8 | 3);
	assert_int_equal(in(b, 0xcfc, 4), vendor);
	/* sizes other than 1, 2, 4: ours, all-ones, dropped */
	set_cf8(b, NIC_Q35, 0);
	v = 0;
	assert_true(vpci_io(&b->v, 0xcfc, 3, false, &v));
	assert_int_equal(v, 0xffffffff);
	assert_true(vpci_io(&b->v, 0xcfc, 0, true, &v));
	assert_true(vpci_io(&b->v, 0xcf8, 8, true, &v));
	assert_int_equal(in(b, 0xcf8, 4), PCI_CF8_ENABLE | NIC_Q35 << 8);
	assert_int_equal(b->rec.writes, 0);
	bed_free(b);
}

static void test_nic_passthrough(void **state)
{
	struct bed *b = bed_new(load_bed("qemu-q35", PCI_CFG_SIZE), NIC_Q35);
	const struct pci_dev *nic = pci_find_bdf(b->bi, NIC_Q35);
	u32 bar0 = le(host_cfg(b, NIC_Q35) + 0x10, 4);
	u16 msi = nic->msi.off;

	(void)state;
	/* the guest sizes and moves its BARs itself */
	cfg_out(b, NIC_Q35, PCI_BAR_32(0), 4, 0xffffffff);
	assert_int_equal(cfg_in(b, NIC_Q35, PCI_BAR_32(0), 4), 0xfffe0000);
	cfg_out(b, NIC_Q35, PCI_BAR_32(0), 4, 0xfe800000);
	assert_int_equal(le(host_cfg(b, NIC_Q35) + 0x10, 4), 0xfe800000);
	cfg_out(b, NIC_Q35, PCI_BAR_32(0), 4, bar0);
	/* decode bits are the NIC's own business */
	cfg_out(b, NIC_Q35, PCI_COMMAND_16, 2, 0);
	assert_int_equal(le(host_cfg(b, NIC_Q35) + 4, 2), 0);
	/* MSI address/data and the ROM: straight to the device */
	cfg_out(b, NIC_Q35, msi + PCI_MSI_ADDR_LO_32, 4, 0xfee00000);
	cfg_out(b, NIC_Q35, msi + PCI_MSI_DATA64_16, 2, 0x4041);
	cfg_out(b, NIC_Q35, msi + PCI_MSI_CTRL_16, 2, PCI_MSI_CTRL_ENABLE);
	cfg_out(b, NIC_Q35, PCI_ROM_ADDRESS_32, 4, 0xfffff800);
	assert_int_equal(b->rec.writes, 8);
	assert_int_equal(b->rec.w[4].off, msi + 4);
	assert_int_equal(b->rec.w[4].val, 0xfee00000);
	assert_int_equal(b->rec.w[5].off, msi + 12);
	assert_int_equal(b->rec.w[5].width, 2);
	assert_int_equal(b->rec.w[6].off, msi + 2);
	assert_int_equal(b->rec.w[7].off, PCI_ROM_ADDRESS_32);
	assert_int_equal(b->v.stats.blocked_writes, 0);
	bed_free(b);
}

static void test_stats(void **state)
{
	struct bed *b = bed_new(load_bed("qemu-q35", PCI_CFG_SIZE), NIC_Q35);

	(void)state;
	cfg_in(b, NIC_Q35, 0, 4);		  /* 1 write (cf8), 1 read */
	cfg_in(b, PCI_BDF(0, 1, 0), 0, 4);	  /* + hidden read */
	cfg_out(b, PCI_BDF(0, 1, 0), 4, 2, 0);	  /* + blocked write */
	cfg_out(b, PCI_BDF(0, 0, 0), 0x60, 4, 0); /* host bridge: blocked */
	cfg_out(b, NIC_Q35, 4, 2, 6);
	in(b, 0xcf8, 4);
	assert_int_equal(b->v.stats.reads, 3);
	assert_int_equal(b->v.stats.writes, 8);
	assert_int_equal(b->v.stats.hidden_reads, 1);
	assert_int_equal(b->v.stats.blocked_writes, 2);
	harness_log_clear();
	vpci_print(&b->v);
	assert_log_has("VPCI: reads=3 writes=8 hidden_reads=1 "
		       "blocked_writes=2\n");
	bed_free(b);
}

/* ---- Bochs -------------------------------------------------------------------------- */

static void test_bochs(void **state)
{
	struct bed *b = bed_new(load_bed("bochs-i440fx", PCI_CFG_SIZE), PCI_BDF(0, 2, 0));

	(void)state;
	assert_int_equal(b->v.nr_visible, 3);
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 0, 0)));
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 1, 0))); /* PIIX3 ISA */
	check_hidden(b, PCI_BDF(0, 1, 1));		    /* IDE */
	check_hidden(b, PCI_BDF(0, 1, 2));		    /* UHCI */
	check_hidden(b, PCI_BDF(0, 1, 3));		    /* PM (06.80) */
	/* e1000 IDs; the PIIX3 still says multi-function */
	assert_int_equal(cfg_in(b, PCI_BDF(0, 2, 0), 0, 4), 0x100e8086);
	assert_int_equal(cfg_in(b, PCI_BDF(0, 1, 0), PCI_HEADER_TYPE_8, 1) & PCI_HEADER_MULTIFUNC,
			 PCI_HEADER_MULTIFUNC);
	/* the e1000's I/O BAR sizes through the window */
	cfg_out(b, PCI_BDF(0, 2, 0), PCI_BAR_32(1), 4, 0xffffffff);
	assert_int_equal(cfg_in(b, PCI_BDF(0, 2, 0), PCI_BAR_32(1), 4) & PCI_BAR_IO_MASK,
			 0xffffffc0);
	bed_free(b);
}

/* ---- chipset functions with BARs, a NIC behind bridges ----------------------------------- */

#define NIC_DEEP PCI_BDF(2, 0, 0)

static struct fake *deep_topology(void)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct fake_fn *hb, *lpc, *rp, *sw, *rp2;

	hb = fake_add(f, 0, 0, 0, 0x8086, 0x3e30, 0x060000, 0);
	fake_bar(hb, 0, FIELD_PREP(PCI_BAR_MEM_TYPE, PCI_BAR_MEM_TYPE_64), 0x4fed10000ull, KiB(32));
	fake_bar(hb, 2, PCI_BAR_IO, 0x1800, 0x80);
	put_le(&hb->cfg[PCI_COMMAND_16], 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
	put_le(&hb->cfg[0x60], 4, 0xe0000001); /* PCIEXBAR */
	lpc = fake_add(f, 0, 0x1f, 0, 0x8086, 0xa305, 0x060100, PCI_HEADER_MULTIFUNC);
	fake_bar(lpc, 0, 0, 0xfed1c000, KiB(16));
	put_le(&lpc->cfg[PCI_COMMAND_16], 2,
	       PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	put_le(&lpc->cfg[PCI_ROM_ADDRESS_32], 4, 0xfeb00000);
	fake_add(f, 0, 0x1f, 4, 0x8086, 0xa323, 0x0c0500, 0); /* SMBus */
	/* root port 00:1c.0 -> bus 1..2, switch port 01:00.0 -> bus 2 */
	rp = fake_add(f, 0, 0x1c, 0, 0x8086, 0xa338, 0x060400,
		      PCI_HEADER_BRIDGE | PCI_HEADER_MULTIFUNC);
	rp->cfg[PCI_SECONDARY_BUS_8] = 1;
	rp->cfg[PCI_SUBORDINATE_BUS_8] = 2;
	fake_bar(rp, 0, 0, 0xfe900000, KiB(4));
	sw = fake_add(f, 1, 0, 0, 0x10b5, 0x8747, 0x060400, PCI_HEADER_BRIDGE);
	sw->cfg[PCI_PRIMARY_BUS_8] = 1;
	sw->cfg[PCI_SECONDARY_BUS_8] = 2;
	sw->cfg[PCI_SUBORDINATE_BUS_8] = 2;
	fake_bar(fake_add(f, 2, 0, 0, 0x8086, 0x10d3, 0x020000, 0), 0, 0, 0xfe000000, KiB(128));
	/* another root port 00:1c.4 -> bus 3 with a disk: all hidden */
	rp2 = fake_add(f, 0, 0x1c, 4, 0x8086, 0xa33c, 0x060400, PCI_HEADER_BRIDGE);
	rp2->cfg[PCI_SECONDARY_BUS_8] = 3;
	rp2->cfg[PCI_SUBORDINATE_BUS_8] = 3;
	fake_add(f, 3, 0, 0, 0x144d, 0xa808, 0x010802, 0);
	return f;
}

static void test_deep_visible(void **state)
{
	struct bed *b = bed_new(deep_topology(), NIC_DEEP);

	(void)state;
	assert_int_equal(b->v.nr_visible, 5);
	assert_true(vpci_visible(&b->v, NIC_DEEP));
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 0x1c, 0)));
	assert_true(vpci_visible(&b->v, PCI_BDF(1, 0, 0)));
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 0, 0)));
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 0x1f, 0)));
	check_hidden(b, PCI_BDF(0, 0x1c, 4));
	check_hidden(b, PCI_BDF(3, 0, 0));
	check_hidden(b, PCI_BDF(0, 0x1f, 4));
	assert_int_equal(cfg_in(b, NIC_DEEP, 0, 4), 0x10d38086);
	/* the bridges' bus numbers pass, so the guest can walk down */
	assert_int_equal(cfg_in(b, PCI_BDF(0, 0x1c, 0), PCI_SECONDARY_BUS_8, 1), 1);
	harness_log_clear();
	vpci_print(&b->v);
	assert_log_has("VPCI: visible 02:00.0 nic, 00:1c.0 bridge, "
		       "01:00.0 bridge, 00:00.0 host-bridge, 00:1f.0 "
		       "isa-bridge\n");
	bed_free(b);
}

/* The guest's BAR probe: all-ones, read, restore; hardware untouched. */
static void probe(struct bed *b, u32 bdf, u8 reg, u32 expect_rb)
{
	u32 orig = cfg_in(b, bdf, reg, 4);

	assert_int_equal(orig, le(host_cfg(b, bdf) + reg, 4));
	cfg_out(b, bdf, reg, 4, 0xffffffff);
	assert_int_equal(cfg_in(b, bdf, reg, 4), expect_rb);
	cfg_out(b, bdf, reg, 4, orig);
	assert_int_equal(cfg_in(b, bdf, reg, 4), orig);
}

static void test_chipset_bars_shadowed(void **state)
{
	struct bed *b = bed_new(deep_topology(), NIC_DEEP);
	u32 hb = PCI_BDF(0, 0, 0), lpc = PCI_BDF(0, 0x1f, 0);
	u32 rp = PCI_BDF(0, 0x1c, 0);

	(void)state;
	probe(b, hb, PCI_BAR_32(0), 0xffff8004); /* 64-bit, 32 KiB */
	probe(b, hb, PCI_BAR_32(1), 0xffffffff); /* upper half */
	probe(b, hb, PCI_BAR_32(2), 0xffffff81); /* I/O, 128 bytes */
	probe(b, hb, PCI_BAR_32(3), 0);		 /* not implemented */
	probe(b, lpc, PCI_BAR_32(0), 0xffffc000);
	probe(b, rp, PCI_BAR_32(0), 0xfffff000);
	probe(b, rp, PCI_BAR_32(1), 0);
	/* byte writes merge into the shadow, within the writable bits */
	cfg_out(b, lpc, PCI_BAR_32(0) + 3, 1, 0xaa);
	assert_int_equal(cfg_in(b, lpc, PCI_BAR_32(0), 4), 0xaad1c000);
	cfg_out(b, lpc, PCI_BAR_32(0), 1, 0xff);
	assert_int_equal(cfg_in(b, lpc, PCI_BAR_32(0), 4), 0xaad1c000);
	assert_int_equal(cfg_in(b, lpc, PCI_BAR_32(0) + 2, 2), 0xaad1);
	/* the ROM register never moves */
	cfg_out(b, lpc, PCI_ROM_ADDRESS_32, 4, 0xfffff800);
	assert_int_equal(cfg_in(b, lpc, PCI_ROM_ADDRESS_32, 4), 0xfeb00000);
	cfg_out(b, rp, PCI_BRIDGE_ROM_ADDRESS_32, 4, 0xfffff800);
	assert_int_equal(cfg_in(b, rp, PCI_BRIDGE_ROM_ADDRESS_32, 4), 0);
	/* none of it reached the hardware */
	assert_int_equal(b->rec.writes, 0);
	for (unsigned int i = 0; i < b->f->nfns; i++)
		assert_memory_equal(b->f->fns[i].cfg, b->f->fns[i].orig, 256);
	assert_int_equal(b->v.stats.blocked_writes, 7 * 2 + 4);
	bed_free(b);
}

static void test_chipset_writes(void **state)
{
	struct bed *b = bed_new(deep_topology(), NIC_DEEP);
	u32 hb = PCI_BDF(0, 0, 0), lpc = PCI_BDF(0, 0x1f, 0);
	u32 rp = PCI_BDF(0, 0x1c, 0);

	(void)state;
	/* decode bits stay on; others (bus master, INTx disable) change */
	cfg_out(b, lpc, PCI_COMMAND_16, 2, PCI_COMMAND_INTX_DISABLE);
	assert_int_equal(le(host_cfg(b, lpc) + 4, 2),
			 PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	cfg_out(b, rp, PCI_COMMAND_16, 4, 0x00100000);
	assert_int_equal(b->rec.w[1].val, 0x00100000); /* none were set */
	cfg_out(b, hb, PCI_COMMAND_16, 1, PCI_COMMAND_MASTER);
	assert_int_equal(b->rec.w[2].width, 1);
	assert_int_equal(b->rec.w[2].val, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* host bridge specifics are read-only, the header is not */
	assert_int_equal(cfg_in(b, hb, 0x60, 4), 0xe0000001);
	cfg_out(b, hb, 0x60, 4, 0xc0000001);
	cfg_out(b, hb, 0xff, 1, 0);
	assert_int_equal(b->rec.writes, 3);
	cfg_out(b, hb, PCI_LATENCY_8, 1, 0x20);
	assert_int_equal(b->rec.writes, 4);
	/* LPC and bridge specifics pass (PIRQ routing, bridge windows) */
	cfg_out(b, lpc, 0x60, 4, 0x0b0a0b0a);
	cfg_out(b, rp, 0x20, 4, 0xfe10fe00);
	assert_int_equal(b->rec.writes, 6);
	assert_int_equal(b->rec.w[4].bdf, lpc);
	assert_int_equal(b->rec.w[4].off, 0x60);
	assert_int_equal(b->rec.w[5].bdf, rp);
	assert_int_equal(b->v.stats.blocked_writes, 2);
	bed_free(b);
}

static void test_function_zero_hidden(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);

	(void)state;
	fake_add(f, 0, 0, 0, 0x8086, 0x29c0, 0x060000, 0);
	fake_add(f, 0, 7, 0, 0x8086, 0x1521, 0x020000, PCI_HEADER_MULTIFUNC);
	fake_add(f, 0, 7, 1, 0x8086, 0x1521, 0x020000, 0);
	{
		struct bed *b = bed_new(f, PCI_BDF(0, 7, 1));

		assert_log_has("vpci: 00:07.1 (nic) is visible but function 0 "
			       "is not: Linux will not find it\n");
		check_hidden(b, PCI_BDF(0, 7, 0));
		assert_int_equal(cfg_in(b, PCI_BDF(0, 7, 1), 0, 4), 0x15218086);
		bed_free(b);
	}
}

static void test_too_many(void **state)
{
	struct fake *f = fake_new(PCI_CFG_SIZE);
	struct bed *b;

	(void)state;
	/* 40 host bridges (AMD-like) and a NIC: the NIC comes first */
	for (unsigned int d = 0; d < 20; d++) {
		fake_add(f, 0, d, 0, 0x1022, 0x1480, 0x060000, PCI_HEADER_MULTIFUNC);
		fake_add(f, 0, d, 1, 0x1022, 0x1481, 0x060000, 0);
	}
	fake_add(f, 0, 0x1e, 0, 0x8086, 0x10d3, 0x020000, 0);
	b = bed_new(f, PCI_BDF(0, 0x1e, 0));
	assert_int_equal(b->v.nr_visible, VPCI_MAX_VISIBLE);
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 0x1e, 0)));
	assert_true(vpci_visible(&b->v, PCI_BDF(0, 15, 0)));
	assert_false(vpci_visible(&b->v, PCI_BDF(0, 15, 1)));
	assert_log_has("more than 32 visible functions: 00:0f.1 "
		       "(host-bridge) stays hidden");
	check_hidden(b, PCI_BDF(0, 19, 1));
	bed_free(b);
}

static void test_no_bus_no_nic(void **state)
{
	struct fake *f = load_bed("qemu-q35", PCI_CFG_SIZE);
	struct rec rec = { .f = f };
	struct vpci v;
	u32 val;

	(void)state;
	rec.ops = (struct pci_cfg_ops){
		.read = rec_read, .write = rec_write, .ctx = &rec, .cfg_size = 256
	};
	/* no bus information: the NIC alone, passed through */
	vpci_init(&v, &rec.ops, NULL, NIC_Q35);
	assert_int_equal(v.nr_visible, 1);
	val = PCI_CF8_ENABLE | NIC_Q35 << 8;
	assert_true(vpci_io(&v, 0xcf8, 4, true, &val));
	assert_true(vpci_io(&v, 0xcfc, 4, false, &val));
	assert_int_equal(val, 0x10d38086);
	val = PCI_CF8_ENABLE;
	assert_true(vpci_io(&v, 0xcf8, 4, true, &val));
	assert_true(vpci_io(&v, 0xcfc, 4, false, &val));
	assert_int_equal(val, 0xffffffff);
	/* no NIC: nothing at all; a NIC off segment 0: refused */
	vpci_init(&v, &rec.ops, NULL, VPCI_NO_NIC);
	assert_int_equal(v.nr_visible, 0);
	assert_int_equal(v.nic_bdf, VPCI_NO_NIC);
	harness_log_clear();
	vpci_init(&v, &rec.ops, NULL, 0x10000 | NIC_Q35);
	assert_int_equal(v.nr_visible, 0);
	assert_log_has("not on segment 0");
	vpci_print(&v);
	assert_log_has("VPCI: visible nothing\n");
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_visible),
		cmocka_unit_test(test_q35_hidden),
		cmocka_unit_test(test_byte_lanes),
		cmocka_unit_test(test_cf8_register),
		cmocka_unit_test(test_nic_passthrough),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_bochs),
		cmocka_unit_test(test_deep_visible),
		cmocka_unit_test(test_chipset_bars_shadowed),
		cmocka_unit_test(test_chipset_writes),
		cmocka_unit_test(test_function_zero_hidden),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_no_bus_no_nic),
	};

	return HARNESS_RUN(tests);
}
