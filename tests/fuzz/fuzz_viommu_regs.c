// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for viommu/regs.c, the register model the guest drives
 * (trapped accesses, or a page of guest RAM the sidecore diffs). Input: a
 * 4-byte header (levels, fault-record layout), then 12-byte operations:
 * guest reads/writes of any offset, size and value; sidecore scans of a
 * rendered page with up to three guest stores poked into it; and the
 * caller's side (completions, faults, queue errors, wait completion, head
 * moves). After every operation the model's documented invariants must
 * hold: CAP/ECAP/VER never change; FSTS.PPF == FRCD.F; FECTL.IP/IECTL.IP only
 * while IM; only defined events; the queue base 4K-aligned with 256 << QS
 * entries; needs_trap exactly while a W1C bit shows 1; and (after each scan
 * and at the end) rendering is deterministic, shows GCMD as the sentinel,
 * and a scan of an unchanged image is a no-op that changes nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/vtd_hw.h"
#include "viommu/regs.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_viommu_regs: %s:%d: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

/* The harness's own page copies and compares use the host's (fast) routines;
 * host_names.h renames the plain names to lib/string.c's byte loops. */
#define h_memcmp __builtin_memcmp
#define h_memcpy __builtin_memcpy

#define EV_ALL GENMASK(9, 0)
#define MAX_OPS 64

enum op_kind {
	OP_READ,
	OP_WRITE,
	OP_SCAN, /* sidecore: render, poke stores into the copy, apply_page */
	OP_COMPLETE_CCMD,
	OP_COMPLETE_IOTLB,
	OP_FAULT,
	OP_IQE,
	OP_IWC,
	OP_SET_HEAD,
	OP_NR,
};

struct op {
	u8 kind;
	u8 size; /* read/write: 1..8 (odd ones are refused and counted) */
	u16 off; /* read/write: any offset (outside the window too) */
	u64 val;
};
_Static_assert(sizeof(struct op) == 12 || sizeof(struct op) == 16, "op layout");
#define OP_BYTES 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static u64 rd(struct viommu_regs *r, u32 off, unsigned int sz)
{
	return viommu_reg_read(r, off, sz);
}

/* The sidecore side: rendering is deterministic, GCMD shows the sentinel,
 * an unchanged image applies nothing and changes nothing. */
static void check_render(struct viommu_regs *r, u64 cap)
{
	static u8 a[VTD_REG_PAGE_SIZE], b[VTD_REG_PAGE_SIZE];
	struct viommu_regs copy;

	viommu_regs_render(r, a);
	viommu_regs_render(r, b);
	CHECK(!h_memcmp(a, b, sizeof(a)));
	CHECK(*(const u32 *)(a + VTD_REG32_GCMD) == VIOMMU_GCMD_SENTINEL);
	CHECK(*(const u64 *)(a + VTD_REG64_CAP) == cap);
	h_memcpy(&copy, r, sizeof(copy));
	CHECK(viommu_regs_apply_page(r, a, b) == 0);
	CHECK(!h_memcmp(&copy, r, sizeof(copy)));
}

static void check_invariants(struct viommu_regs *r, u64 cap, u64 ecap, u32 fro)
{
	u32 fsts = (u32)rd(r, VTD_REG32_FSTS, 4);
	u64 frcd_hi = rd(r, fro + 8, 8);
	u32 fectl = (u32)rd(r, VTD_REG32_FECTL, 4);
	u32 iectl = (u32)rd(r, VTD_REG32_IECTL, 4);
	u32 entries = viommu_regs_iq_entries(r);

	CHECK(viommu_regs_cap(r) == cap && viommu_regs_ecap(r) == ecap);
	CHECK(rd(r, VTD_REG64_CAP, 8) == cap && rd(r, VTD_REG64_ECAP, 8) == ecap);
	CHECK(rd(r, VTD_REG32_VER, 4) == VIOMMU_VER);
	CHECK(!!(fsts & VTD_FSTS_PPF) == !!(frcd_hi & VTD_FRCD_HI_F));
	CHECK(!(fectl & VTD_FECTL_IP) || (fectl & VTD_FECTL_IM));
	CHECK(!(iectl & VTD_IECTL_IP) || (iectl & VTD_IECTL_IM));
	CHECK(viommu_regs_iq_base(r) % 4096 == 0);
	CHECK(entries >= 256 && entries <= (256u << 7) && !(entries & (entries - 1)));
	CHECK(viommu_regs_needs_trap(r) ==
	      (!!(fsts & VTD_FSTS_RW1C_MASK) || !!(rd(r, VTD_REG32_ICS, 4) & VTD_ICS_IWC) ||
	       (fro < VTD_REG_PAGE_SIZE && (frcd_hi & VTD_FRCD_HI_F))));
	if (viommu_regs_root_table(r, &(gpa_t){ 0 })) {
		gpa_t root = 0;

		CHECK(viommu_regs_root_table(r, &root) && root % 4096 == 0);
	}
}

/* Sidecore scan: the guest's stores land in a copy of the published image.
 * The first store is exact (offset, value; 8 bytes if size bit 7, else 4);
 * size % 3 more go to offsets and values derived from them. */
static u32 scan(struct viommu_regs *r, const struct op *o)
{
	static u8 last[VTD_REG_PAGE_SIZE], page[VTD_REG_PAGE_SIZE];
	u64 v = o->val;
	u32 off = o->off % VTD_REG_PAGE_SIZE;
	bool wide = o->size & 0x80;

	viommu_regs_render(r, last);
	h_memcpy(page, last, sizeof(page));
	for (unsigned int i = 0; i <= o->size % 3u; i++) {
		if (wide) {
			off &= ~7u;
			h_memcpy(page + off, &v, 8);
		} else {
			u32 w = (u32)v;

			off &= ~3u;
			h_memcpy(page + off, &w, 4);
		}
		off = (off + 8u * (u32)(v % 61u) + 4u) % VTD_REG_PAGE_SIZE;
		v = v >> 13 | v << 51;
		wide = v & 1;
	}
	return viommu_regs_apply_page(r, page, last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct viommu_regs r;
	struct viommu_config cfg;
	u32 fro;
	u64 cap, ecap;
	size_t nops;

	if (size < 4)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.levels = data[0] & 1 ? 4 : 3;
	cfg.mgaw = cfg.levels == 4 ? 48 : 39;
	if (data[1] & 1)
		cfg.mgaw = 32 + data[1] % (cfg.mgaw - 31); /* 32..max */
	cfg.sllps_2m = data[2] & 1;
	cfg.sllps_1g = data[2] & 2;
	cfg.phys_iommu = data[2] & 4;
	fro = data[3] & 1 ? VIOMMU_FRO_PAGE0 : VIOMMU_FRO_PAGE1;
	if (viommu_regs_init(&r, &cfg, fro) != 0)
		return 0;
	CHECK(viommu_regs_size(&r) == (fro == VIOMMU_FRO_PAGE1 ? 8192u : 4096u));
	cap = viommu_regs_cap(&r);
	ecap = viommu_regs_ecap(&r);
	check_invariants(&r, cap, ecap, fro);
	check_render(&r, cap);
	data += 4;
	size -= 4;
	nops = size / OP_BYTES;
	if (nops > MAX_OPS)
		nops = MAX_OPS;
	for (size_t i = 0; i < nops; i++, data += OP_BYTES) {
		struct op o;
		u32 ev = 0;

		o.kind = data[0] % OP_NR;
		o.size = data[1];
		memcpy(&o.off, data + 2, 2);
		memcpy(&o.val, data + 4, 8);
		switch (o.kind) {
		case OP_READ:
			(void)viommu_reg_read(&r, o.off, o.size % 9);
			break;
		case OP_WRITE:
			ev = viommu_reg_write(&r, o.off, o.size % 9, o.val);
			break;
		case OP_SCAN:
			ev = scan(&r, &o);
			break;
		case OP_COMPLETE_CCMD:
			viommu_regs_complete_ccmd(&r, o.size % 4);
			break;
		case OP_COMPLETE_IOTLB:
			viommu_regs_complete_iotlb(&r, o.size % 4);
			break;
		case OP_FAULT:
			(void)viommu_regs_record_fault(&r, o.off, o.val & ~0xfffull, o.size,
						       o.val & 1);
			break;
		case OP_IQE:
			(void)viommu_regs_report_iqe(&r, o.size % 16);
			break;
		case OP_IWC:
			(void)viommu_regs_set_iwc(&r);
			break;
		case OP_SET_HEAD:
			viommu_regs_set_iq_head(&r, (u32)(o.val % viommu_regs_iq_entries(&r)));
			break;
		}
		CHECK((ev & ~(u32)EV_ALL) == 0);
		check_invariants(&r, cap, ecap, fro);
		if (o.kind == OP_SCAN || i + 1 == nops)
			check_render(&r, cap);
	}
	return 0;
}
