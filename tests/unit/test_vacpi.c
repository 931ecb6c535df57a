// SPDX-License-Identifier: MIT
/*
 * vmm/vacpi.c on the firmware tables captured from QEMU and Bochs
 * (tests/data/acpi/<bed>/): the firmware tables are parsed with acpi_init()
 * from a fake physical memory, the guest's tables are built, and the result
 * is parsed back with acpi_init() from a second fake memory that holds only
 * the built buffer (exact size, so ASan sees any overrun) and the
 * firmware's DSDT and FACS. Then synthetic MADTs, added tables, small
 * buffers and bad arguments.
 */
#include "tests/unit/harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "lib/errno.h"
#include "vmm/vacpi.h"

/* ---- fake physical memory ------------------------------------------------ */

#define LOW_SIZE 0x100000
#define MAX_REGIONS 16

struct region {
	u64 pa;
	size_t len;
	u8 *data;
	char sig[5];
};

struct mem {
	struct region r[MAX_REGIONS];
	unsigned int n;
	struct acpi_mem am;
};

static const void *fake_map(void *ctx, u64 pa, u64 len)
{
	struct mem *m = ctx;

	for (unsigned int i = 0; i < m->n; i++) {
		struct region *r = &m->r[i];

		if (pa >= r->pa && len <= r->len && pa - r->pa <= r->len - len)
			return r->data + (pa - r->pa);
	}
	return NULL;
}

static struct mem *mem_new(void)
{
	struct mem *m = calloc(1, sizeof(*m));

	assert_non_null(m);
	m->am.map = fake_map;
	m->am.ctx = m;
	return m;
}

static struct region *mem_add(struct mem *m, u64 pa, const void *data,
			      size_t len, const char *sig)
{
	struct region *r;

	assert_true(m->n < MAX_REGIONS);
	r = &m->r[m->n++];
	r->pa = pa;
	r->len = len;
	r->data = calloc(1, len ? len : 1);
	assert_non_null(r->data);
	if (data)
		memcpy(r->data, data, len);
	snprintf(r->sig, sizeof(r->sig), "%.4s", sig);
	return r;
}

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, 4);
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;

	memcpy(&v, p, 8);
	return v;
}

static void mem_free(struct mem *m)
{
	for (unsigned int i = 0; i < m->n; i++)
		free(m->r[i].data);
	free(m);
}

static struct region *region(struct mem *m, const char *sig)
{
	for (unsigned int i = 0; i < m->n; i++)
		if (!strcmp(m->r[i].sig, sig))
			return &m->r[i];
	fail_msg("no region %s", sig);
	return NULL;
}

/* ---- firmware beds -------------------------------------------------------- */

struct fw {
	struct mem *m;
	struct acpi_info info;
};

/* tests/data/acpi/<name> at its addresses, parsed with acpi_init(). */
static struct fw *fw_load(const char *name)
{
	struct fw *fw = calloc(1, sizeof(*fw));
	char path[256], line[256];
	struct region *low;
	FILE *f;

	assert_non_null(fw);
	fw->m = mem_new();
	low = mem_add(fw->m, 0, NULL, LOW_SIZE, "LOW");
	snprintf(path, sizeof(path), "%s/acpi/%s/index.txt", harness_data_dir(),
		 name);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char file[64], sig[8], rel[128];
		unsigned long long pa;
		unsigned int len;
		size_t got;
		void *data;

		if (line[0] == '#')
			continue;
		assert_int_equal(
			sscanf(line, "%63s %7s %llx %u", file, sig, &pa, &len),
			4);
		snprintf(rel, sizeof(rel), "acpi/%s/%s", name, file);
		data = harness_load_file(rel, &got);
		assert_int_equal(got, len);
		if (!strcmp(sig, "RSDP")) {
			assert_true(pa + len <= LOW_SIZE);
			memcpy(low->data + pa, data, len);
		} else {
			mem_add(fw->m, pa, data, len, sig);
		}
		free(data);
	}
	fclose(f);
	assert_int_equal(acpi_init(&fw->m->am, NULL, &fw->info), 0);
	assert_int_equal(fw->info.nr_bad_tables, 0);
	harness_log_clear();
	return fw;
}

static void fw_free(struct fw *fw)
{
	mem_free(fw->m);
	free(fw);
}

static struct vacpi_input input(const struct fw *fw, u32 apic_id)
{
	return (struct vacpi_input){ .fw = &fw->info,
				     .mem = &fw->m->am,
				     .guest_apic_id = apic_id };
}

/* ---- build and parse back -------------------------------------------------- */

struct built {
	u64 base, rsdp;
	size_t used;
	u8 *buf;       /* == the guest memory region's data */
	struct mem *g; /* the buffer + the firmware's DSDT and FACS */
	struct acpi_info info;
};

static void built_free(struct built *b)
{
	mem_free(b->g);
	free(b);
}

/*
 * Build into a roomy buffer, then again into an exact-size one (must give
 * the same bytes), and parse the result back with acpi_init(). The RSDP is
 * handed over as a copy, like boot_params.acpi_rsdp_addr points at it.
 */
static struct built *build(const struct fw *fw, const struct vacpi_input *in,
			   u64 base)
{
	struct built *b = calloc(1, sizeof(*b));
	size_t cap = 1 << 20, used2;
	u8 *big = malloc(cap);
	u64 rsdp2;

	assert_non_null(b);
	assert_non_null(big);
	assert_int_equal(vacpi_build(in, base, big, cap, &b->rsdp, &b->used),
			 0);
	assert_true(b->used > 0 && b->used <= cap);
	assert_true(b->rsdp >= base && b->rsdp - base < b->used);
	b->base = base;
	b->g = mem_new();
	mem_add(b->g, 0, NULL, LOW_SIZE, "LOW");
	b->buf = mem_add(b->g, base, NULL, b->used, "BUF")->data;
	assert_int_equal(vacpi_build(in, base, b->buf, b->used, &rsdp2, &used2),
			 0);
	assert_int_equal(rsdp2, b->rsdp);
	assert_int_equal(used2, b->used);
	assert_memory_equal(b->buf, big, b->used);
	free(big);
	mem_add(b->g, fw->info.fadt.dsdt_pa, region(fw->m, "DSDT")->data,
		region(fw->m, "DSDT")->len, "DSDT");
	mem_add(b->g, fw->info.fadt.facs_pa, region(fw->m, "FACS")->data,
		region(fw->m, "FACS")->len, "FACS");
	harness_log_clear();
	assert_int_equal(
		acpi_init(&b->g->am, b->buf + (b->rsdp - base), &b->info), 0);
	return b;
}

static const u8 *built_at(const struct built *b, u64 pa)
{
	assert_true(pa >= b->base && pa - b->base < b->used);
	return b->buf + (pa - b->base);
}

/* Checks every build must pass. */
static void check_common(const struct fw *fw, const struct built *b,
			 u32 apic_id, bool added_dmar)
{
	const struct acpi_info *i = &b->info;
	const struct acpi_madt *m = &i->madt;
	const struct acpi_table *fw_root = NULL, *fw_facp;
	const u8 *rsdp = built_at(b, b->rsdp), *x, *r;
	unsigned int n;

	/* RSDP revision 2, both checksums (acpi_init drops a bad extended
	 * checksum by ignoring the XSDT), firmware OEM id */
	assert_true(i->rsdp_found);
	assert_int_equal(i->rsdp_revision, 2);
	assert_int_equal(i->rsdp_len, 36);
	assert_true(i->using_xsdt);
	assert_true(acpi_checksum_ok(rsdp, 20));
	assert_true(acpi_checksum_ok(rsdp, 36));
	assert_memory_equal(rsdp + 9, fw->info.rsdp_raw + 9, 6);
	assert_int_equal(i->nr_bad_tables, 0);
	assert_false(i->tables_truncated);

	/* every root table is ours, 16-byte aligned, inside the buffer */
	for (unsigned int k = 0; k < i->nr_tables; k++) {
		const struct acpi_table *t = &i->tables[k];

		assert_true(t->valid);
		if (t->source == ACPI_SRC_FADT)
			continue;
		assert_int_equal(t->pa % 16, 0);
		assert_true(t->pa >= b->base &&
			    t->pa + t->len <= b->base + b->used);
	}
	if (!added_dmar) {
		assert_null(acpi_find_table(i, "DMAR", 0));
		assert_false(i->dmar.present);
	}

	/* the RSDT (when present) lists the XSDT's tables, checksum valid */
	x = built_at(b, i->xsdt_pa);
	n = (acpi_find_table(i, "XSDT", 0)->len - 36) / 8;
	if (i->rsdt_pa) {
		r = built_at(b, i->rsdt_pa);
		assert_memory_equal(r, "RSDT", 4);
		assert_int_equal(rd32(r + 4), 36 + 4 * n);
		assert_true(acpi_checksum_ok(r, 36 + 4 * n));
		for (unsigned int k = 0; k < n; k++)
			assert_int_equal(rd32(r + 36 + 4 * k),
					 rd64(x + 36 + 8 * k));
		assert_int_equal(i->rsdt_pa % 16, 0);
	}
	for (unsigned int k = 0; k < fw->info.nr_tables && !fw_root; k++)
		if (fw->info.tables[k].source == ACPI_SRC_RSDP &&
		    fw->info.tables[k].valid)
			fw_root = &fw->info.tables[k];
	assert_non_null(fw_root); /* OEM fields of the firmware's root */
	assert_memory_equal(
		x + 10, (const u8 *)acpi_map_table(&fw->m->am, fw_root) + 10,
		26);

	/* one CPU, enabled; interrupt routing as the firmware's */
	assert_true(m->present);
	assert_int_equal(m->err, 0);
	assert_int_equal(m->nr_cpus, 1);
	assert_int_equal(m->nr_enabled, 1);
	assert_int_equal(m->cpus[0].apic_id, apic_id);
	assert_true(acpi_cpu_enabled(&m->cpus[0]));
	assert_int_equal(m->lapic_pa, fw->info.madt.lapic_pa);
	assert_int_equal(m->flags, fw->info.madt.flags);
	assert_int_equal(m->nr_ioapics, fw->info.madt.nr_ioapics);
	assert_memory_equal(m->ioapics, fw->info.madt.ioapics,
			    sizeof(m->ioapics));
	assert_int_equal(m->nr_isos, fw->info.madt.nr_isos);
	assert_memory_equal(m->isos, fw->info.madt.isos, sizeof(m->isos));
	assert_int_equal(m->nr_lapic_nmis, fw->info.madt.nr_lapic_nmis);

	/* FADT copied byte for byte: DSDT/FACS still in firmware memory */
	assert_true(i->fadt.present);
	assert_int_equal(i->fadt.dsdt_pa, fw->info.fadt.dsdt_pa);
	assert_int_equal(i->fadt.facs_pa, fw->info.fadt.facs_pa);
	fw_facp = acpi_find_table(&fw->info, "FACP", 0);
	assert_int_equal(acpi_find_table(i, "FACP", 0)->len, fw_facp->len);
	assert_memory_equal(built_at(b, acpi_find_table(i, "FACP", 0)->pa),
			    acpi_map_table(&fw->m->am, fw_facp), fw_facp->len);
	assert_true(acpi_find_table(i, "DSDT", 0) != NULL);
	assert_true(acpi_find_table(i, "FACS", 0) != NULL);
	assert_int_equal(i->hpet.base, fw->info.hpet.base);
}

/* Signatures of the guest's root tables, in XSDT order, space separated. */
static void root_sigs(const struct built *b, char *out, size_t len)
{
	out[0] = '\0';
	for (unsigned int k = 0; k < b->info.nr_tables; k++) {
		const struct acpi_table *t = &b->info.tables[k];

		if (t->source != ACPI_SRC_ROOT)
			continue;
		if (out[0])
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, t->sig, len - strlen(out) - 1);
	}
}

static void assert_log_has(const char *s)
{
	if (!strstr(harness_log(), s))
		fail_msg("log lacks \"%s\"; log:\n%s", s, harness_log());
}

/* ---- the real beds ----------------------------------------------------------- */

static void test_q35_iommu(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	assert_true(fw->info.dmar.present && fw->info.mcfg.present);
	b = build(fw, &in, 0x3ff00000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET WAET");
	assert_int_equal(b->rsdp, 0x3ff00000); /* RSDP first */
	assert_false(b->info.mcfg.present);
	assert_int_equal(b->info.madt.cpus[0].uid, 0);
	assert_int_equal(b->info.madt.nr_isos, 5);
	assert_int_equal(b->info.madt.lapic_nmis[0].uid, 0xff);
	/* the copies are the firmware's bytes */
	assert_memory_equal(
		built_at(b, acpi_find_table(&b->info, "HPET", 0)->pa),
		region(fw->m, "HPET")->data, 56);
	assert_memory_equal(
		built_at(b, acpi_find_table(&b->info, "WAET", 0)->pa),
		region(fw->m, "WAET")->data, 40);
	/* MADT: the firmware's header (OEM ids) apart from length/checksum */
	assert_memory_equal(
		built_at(b, acpi_find_table(&b->info, "APIC", 0)->pa) + 10,
		region(fw->m, "APIC")->data + 10, 34);
	/* 128-byte firmware MADT minus one 8-byte LAPIC entry */
	assert_int_equal(acpi_find_table(&b->info, "APIC", 0)->len, 120);

	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("VACPI: RSDP 0x3ff00000 tables: FACP APIC(1 cpu) HPET "
		       "WAET\n");
	assert_log_has("VACPI: hidden: MCFG DMAR, cpus apic=1\n");
	built_free(b);
	fw_free(fw);
}

static void test_q35_second_cpu(void **state)
{
	struct fw *fw = fw_load("qemu-q35-testbed");
	struct vacpi_input in = input(fw, 1);
	struct built *b;

	(void)state;
	b = build(fw, &in, 0x7ff0000);
	check_common(fw, b, 1, false);
	assert_int_equal(b->info.madt.cpus[0].uid, 1);
	assert_false(b->info.madt.cpus[0].x2apic);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("cpus apic=0\n");
	built_free(b);
	fw_free(fw);
}

static void test_q35_keep_mcfg(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	in.keep_mcfg = true;
	b = build(fw, &in, 0x100000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET MCFG WAET");
	assert_true(b->info.mcfg.present);
	assert_int_equal(b->info.mcfg.ecam[0].base, 0xb0000000);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("VACPI: hidden: DMAR, cpus apic=1\n");
	built_free(b);
	fw_free(fw);
}

static void test_qemu_pc(void **state)
{
	struct fw *fw = fw_load("qemu-pc");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	b = build(fw, &in, 0x200000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET WAET");
	assert_int_equal(b->info.fadt.len, 116);
	built_free(b);
	fw_free(fw);
}

static void test_bochs(void **state)
{
	struct fw *fw = fw_load("bochs");
	struct vacpi_input in = input(fw, 0);
	struct built *b;
	char sigs[128];

	(void)state;
	b = build(fw, &in, 0x9000000);
	check_common(fw, b, 0, false);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC SSDT HPET");
	assert_int_equal(b->info.madt.ioapics[0].id, 2);
	assert_int_equal(b->info.madt.nr_isos, 1);
	assert_false(b->info.mcfg.present);
	assert_int_equal(b->info.fadt.revision, 1);
	assert_memory_equal(
		built_at(b, acpi_find_table(&b->info, "SSDT", 0)->pa),
		region(fw->m, "SSDT")->data, 68);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("tables: FACP APIC(1 cpu) SSDT HPET\n");
	assert_log_has("VACPI: hidden: cpus apic=1\n");
	built_free(b);
	fw_free(fw);
}

/* ---- added tables -------------------------------------------------------------- */

/* A DMAR as the vIOMMU would add it, with a stale checksum. */
static u8 *make_dmar(void)
{
	u8 *t = calloc(1, 64);
	u64 base = 0xfed91000;

	assert_non_null(t);
	memcpy(t, "DMAR", 4);
	t[4] = 64;
	t[8] = 1;
	t[9] = 0x55;
	memcpy(t + 10, "SIDEVS", 6);
	t[36] = 38; /* 39-bit HAW */
	t[37] = ACPI_DMAR_F_INTR_REMAP;
	t[48] = ACPI_DMAR_DRHD; /* type 0, length 16, INCLUDE_PCI_ALL */
	t[50] = 16;
	t[52] = ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL;
	memcpy(t + 56, &base, 8);
	return t;
}

static void test_extra_tables(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	u8 *dmar = make_dmar(), oem[40] = { 0 };
	const void *extra[2] = { dmar, oem };
	struct built *b;
	char sigs[128];

	(void)state;
	memcpy(oem, "OEMX", 4);
	oem[4] = sizeof(oem);
	in.extra_tables = extra;
	in.nr_extra = 2;
	b = build(fw, &in, 0x3ff00008);
	check_common(fw, b, 0, true);
	root_sigs(b, sigs, sizeof(sigs));
	assert_string_equal(sigs, "FACP APIC HPET WAET DMAR OEMX");
	assert_int_equal(b->rsdp, 0x3ff00010); /* aligned up */
	/* the added DMAR: ours, checksum fixed, parsed */
	assert_true(b->info.dmar.present);
	assert_int_equal(b->info.dmar.haw, 39);
	assert_int_equal(b->info.dmar.nr_drhd, 1);
	assert_int_equal(b->info.dmar.drhd[0].base, 0xfed91000);
	assert_memory_equal(
		built_at(b, acpi_find_table(&b->info, "DMAR", 0)->pa) + 10,
		dmar + 10, 54);
	assert_int_equal(dmar[9], 0x55); /* the caller's table untouched */
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("VACPI: RSDP 0x3ff00010 tables: FACP APIC(1 cpu) HPET "
		       "WAET DMAR(viommu) OEMX(added)\n");
	assert_log_has("VACPI: hidden: MCFG DMAR, cpus apic=1\n");
	built_free(b);
	free(dmar);
	fw_free(fw);
}

static void test_bad_arguments(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0), bad;
	u8 shortt[40] = "OEMX", *buf = malloc(65536);
	const void *extra[VACPI_MAX_EXTRA + 1] = { shortt };
	u64 rsdp;
	size_t used;

	(void)state;
	assert_non_null(buf);
	assert_int_equal(vacpi_build(NULL, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	assert_int_equal(vacpi_build(&in, 0, buf, 65536, NULL, &used), -EINVAL);
	assert_int_equal(vacpi_build(&in, 0, buf, 65536, &rsdp, NULL), -EINVAL);
	assert_int_equal(vacpi_build(&in, 0, NULL, 65536, &rsdp, &used),
			 -EINVAL);
	assert_int_equal(vacpi_build(&in, 1ull << 52, buf, 65536, &rsdp, &used),
			 -EINVAL);
	bad = in;
	bad.fw = NULL;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	bad = in;
	bad.mem = NULL;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	/* added tables: too short (length 35), NULL, too many, NULL array */
	shortt[4] = 35;
	bad = in;
	bad.extra_tables = extra;
	bad.nr_extra = 1;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	memcpy(&shortt[4], &(u32){ ACPI_TABLE_MAX_LEN + 1 }, 4);
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	shortt[4] = 40;
	memset(&shortt[5], 0, 3);
	bad.nr_extra = 2; /* extra[1] is NULL */
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	for (unsigned int k = 0; k <= VACPI_MAX_EXTRA; k++)
		extra[k] = shortt;
	bad.nr_extra = VACPI_MAX_EXTRA + 1;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	bad.nr_extra = VACPI_MAX_EXTRA; /* the maximum is fine */
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used), 0);
	bad.extra_tables = NULL;
	assert_int_equal(vacpi_build(&bad, 0, buf, 65536, &rsdp, &used),
			 -EINVAL);
	free(buf);
	fw_free(fw);
}

/* ---- buffer sizes and placement ------------------------------------------------ */

static void test_too_small(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	u8 *dmar = make_dmar();
	const void *extra[1] = { dmar };
	size_t used, used2;
	u64 rsdp, base = 0x3ff00004; /* unaligned: padding counts too */
	u8 *big = malloc(1 << 16);

	(void)state;
	in.extra_tables = extra;
	in.nr_extra = 1;
	assert_int_equal(vacpi_build(&in, base, big, 1 << 16, &rsdp, &used), 0);
	assert_int_equal(rsdp, 0x3ff00010);
	assert_int_equal(vacpi_build(&in, base, NULL, 0, &rsdp, &used2),
			 -E2BIG);
	/* every size below the need: -E2BIG, the buffer (exactly that big,
	 * for ASan) untouched; the exact size works */
	for (size_t len = 0; len <= used; len++) {
		u8 *buf = malloc(len ? len : 1);

		memset(buf, 0xa5, len);
		rsdp = 0;
		used2 = 0;
		if (len < used) {
			assert_int_equal(
				vacpi_build(&in, base, buf, len, &rsdp, &used2),
				-E2BIG);
			for (size_t k = 0; k < len; k++)
				assert_int_equal(buf[k], 0xa5);
			assert_int_equal(rsdp, 0);
			assert_int_equal(used2, 0);
		} else {
			assert_int_equal(
				vacpi_build(&in, base, buf, len, &rsdp, &used2),
				0);
			assert_int_equal(used2, used);
			assert_memory_equal(buf, big, used);
		}
		free(buf);
	}
	free(big);
	free(dmar);
	fw_free(fw);
}

static void test_above_4g(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct built *b;

	(void)state;
	/* wholly above 4 GiB: XSDT only, RsdtAddress 0 */
	b = build(fw, &in, 0x100000000ull);
	check_common(fw, b, 0, false);
	assert_int_equal(b->info.rsdt_pa, 0);
	assert_int_equal(b->rsdp, 0x100000000ull);
	built_free(b);
	/* ending just past 4 GiB: no RSDT either */
	b = build(fw, &in, GiB(4) - 64);
	check_common(fw, b, 0, false);
	assert_int_equal(b->info.rsdt_pa, 0);
	built_free(b);
	/* ending right below 4 GiB: with an RSDT */
	b = build(fw, &in, 0x200000);
	{
		size_t used = b->used;

		built_free(b);
		b = build(fw, &in, (GiB(4) - used) & ~15ull);
	}
	check_common(fw, b, 0, false);
	assert_true(b->info.rsdt_pa != 0);
	assert_true(b->base + b->used <= GiB(4));
	assert_true(b->base + b->used > GiB(4) - 16);
	built_free(b);
	fw_free(fw);
}

/* Our output is an XSDT firmware: building from it gives the same tables. */
static void test_rebuild_from_output(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0), in2;
	struct fw fw2;
	struct built *b, *b2;
	char s1[128], s2[128];

	(void)state;
	b = build(fw, &in, 0x3ff00000);
	fw2.m = b->g;
	fw2.info = b->info;
	in2 = (struct vacpi_input){ .fw = &b->info,
				    .mem = &b->g->am,
				    .guest_apic_id = 0 };
	b2 = build(&fw2, &in2, 0x3fe00000);
	check_common(&fw2, b2, 0, false);
	root_sigs(b, s1, sizeof(s1));
	root_sigs(b2, s2, sizeof(s2));
	assert_string_equal(s1, s2);
	assert_int_equal(b2->used, b->used);
	assert_memory_equal(
		built_at(b2, acpi_find_table(&b2->info, "APIC", 0)->pa),
		built_at(b, acpi_find_table(&b->info, "APIC", 0)->pa), 120);
	harness_log_clear();
	vacpi_print(&in2, b2->buf, b2->used, b2->base, b2->rsdp);
	assert_log_has("VACPI: hidden: nothing\n");
	built_free(b2);
	built_free(b);
	fw_free(fw);
}

/* ---- synthetic MADTs ------------------------------------------------------------ */

static size_t put_entry(u8 *m, size_t off, const void *e, size_t len)
{
	memcpy(m + off, e, len);
	return off + len;
}

static void fix_csum(u8 *t, size_t len)
{
	u8 sum = 0;

	t[9] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + t[i]);
	t[9] = (u8)-sum;
}

#define SYN_MADT_PA 0x5000000ull

/*
 * A MADT with every kind of entry: xAPIC CPUs 0 (enabled) and 1 (online
 * capable), x2APIC CPU 0x100 (uid 7), IOAPIC, override, NMI source, LAPIC
 * NMIs for all / uid 1, x2APIC NMIs for uid 7 / uid 3 / all, LAPIC address
 * override, multiprocessor wakeup (0x10), an unknown type, a short LAPIC,
 * then a zero-length entry that ends the walk and a CPU after it.
 */
static size_t make_madt(u8 *m)
{
	static const u8 lapic0[] = { 0, 8, 0, 0, 1, 0, 0, 0 };
	static const u8 lapic1[] = { 0, 8, 1, 1, 2, 0, 0, 0 };
	static const u8 x2[] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0,
				 2, 0,	0, 0, 7,    0,	  0, 0 };
	static const u8 ioapic[] = {
		1, 12, 4, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0
	};
	static const u8 iso[] = { 2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0 };
	static const u8 nmisrc[] = { 3, 8, 5, 0, 2, 0, 0, 0 };
	static const u8 lnmi_all[] = { 4, 6, 0xff, 5, 0, 1 };
	static const u8 lnmi_1[] = { 4, 6, 1, 5, 0, 1 };
	static const u8 x2nmi_7[] = { 10, 12, 5, 0, 7, 0, 0, 0, 1, 0, 0, 0 };
	static const u8 x2nmi_3[] = { 10, 12, 5, 0, 3, 0, 0, 0, 1, 0, 0, 0 };
	static const u8 x2nmi_all[] = { 10,   12,   5, 0, 0xff, 0xff,
					0xff, 0xff, 0, 0, 0,	0 };
	static const u8 ovr[] = { 5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0 };
	static const u8 wakeup[16] = { 0x10, 16, 0, 0, 1 };
	static const u8 unknown[] = { 0x7f, 4, 1, 2 };
	static const u8 short_lapic[] = { 0, 6, 2, 2, 1, 0 };
	static const u8 end[] = { 0, 0 };
	size_t off = 44;

	memset(m, 0, 512);
	memcpy(m, "APIC", 4);
	m[8] = 5;
	memcpy(m + 10, "SYNTHX", 6);
	m[36 + 2] = 0xe0; /* lapic 0xfee00000 */
	m[36 + 3] = 0xfe;
	m[40] = 1;
	off = put_entry(m, off, lapic0, sizeof(lapic0));
	off = put_entry(m, off, lapic1, sizeof(lapic1));
	off = put_entry(m, off, x2, sizeof(x2));
	off = put_entry(m, off, ioapic, sizeof(ioapic));
	off = put_entry(m, off, iso, sizeof(iso));
	off = put_entry(m, off, nmisrc, sizeof(nmisrc));
	off = put_entry(m, off, lnmi_all, sizeof(lnmi_all));
	off = put_entry(m, off, lnmi_1, sizeof(lnmi_1));
	off = put_entry(m, off, x2nmi_7, sizeof(x2nmi_7));
	off = put_entry(m, off, x2nmi_3, sizeof(x2nmi_3));
	off = put_entry(m, off, x2nmi_all, sizeof(x2nmi_all));
	off = put_entry(m, off, ovr, sizeof(ovr));
	off = put_entry(m, off, wakeup, sizeof(wakeup));
	off = put_entry(m, off, unknown, sizeof(unknown));
	off = put_entry(m, off, short_lapic, sizeof(short_lapic));
	off = put_entry(m, off, end, sizeof(end));
	off = put_entry(m, off, lapic0, sizeof(lapic0)); /* never reached */
	memcpy(m + 4, &(u32){ (u32)off }, 4);
	fix_csum(m, off);
	return off;
}

/* The q35 bed with its RSDT's MADT entry pointing at a synthetic MADT. */
static struct fw *fw_synthetic(void)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct region *rsdt = region(fw->m, "RSDT");
	u8 m[512];
	size_t len = make_madt(m);
	u64 old = region(fw->m, "APIC")->pa;

	for (size_t off = 36; off + 4 <= rsdt->len; off += 4)
		if (rd32(rsdt->data + off) == old)
			memcpy(rsdt->data + off, &(u32){ SYN_MADT_PA }, 4);
	fix_csum(rsdt->data, rsdt->len);
	mem_add(fw->m, SYN_MADT_PA, m, len, "SYNM");
	assert_int_equal(acpi_init(&fw->m->am, NULL, &fw->info), 0);
	assert_int_equal(fw->info.madt.nr_cpus, 3);
	harness_log_clear();
	return fw;
}

static void test_madt_x2apic_guest(void **state)
{
	struct fw *fw = fw_synthetic();
	struct vacpi_input in = input(fw, 0x100);
	struct built *b = build(fw, &in, 0x100000);
	const struct acpi_madt *m = &b->info.madt;

	(void)state;
	assert_int_equal(m->nr_cpus, 1);
	assert_true(m->cpus[0].x2apic);
	assert_int_equal(m->cpus[0].apic_id, 0x100);
	assert_int_equal(m->cpus[0].uid, 7);
	assert_int_equal(m->cpus[0].flags, ACPI_MADT_CPU_ENABLED);
	assert_int_equal(m->nr_ioapics, 1);
	assert_int_equal(m->ioapics[0].id, 4);
	assert_int_equal(m->nr_isos, 1);
	assert_int_equal(m->isos[0].source, 9);
	assert_int_equal(m->nr_nmi_sources, 1);
	assert_int_equal(m->nr_lapic_nmis, 3); /* all, x2 uid 7, x2 all */
	assert_int_equal(m->lapic_nmis[0].uid, 0xff);
	assert_int_equal(m->lapic_nmis[1].uid, 7);
	assert_int_equal(m->lapic_nmis[2].uid, 0xffffffff);
	assert_int_equal(m->nr_other, 0); /* wakeup/unknown dropped */
	assert_int_equal(m->lapic_pa, 0xfee00000);
	/* 44 + x2 16 + ioapic 12 + iso 10 + nmi 8 + 6 + 12 + 12 + ovr 12 */
	assert_int_equal(acpi_find_table(&b->info, "APIC", 0)->len, 132);
	assert_memory_equal(
		built_at(b, acpi_find_table(&b->info, "APIC", 0)->pa) + 10,
		"SYNTHX", 6);
	harness_log_clear();
	vacpi_print(&in, b->buf, b->used, b->base, b->rsdp);
	assert_log_has("APIC(1 cpu)");
	assert_log_has("cpus apic=0,1\n");
	built_free(b);
	fw_free(fw);
}

static void test_madt_disabled_guest(void **state)
{
	struct fw *fw = fw_synthetic();
	struct vacpi_input in = input(fw, 1);
	struct built *b = build(fw, &in, 0x100000);
	const struct acpi_madt *m = &b->info.madt;

	(void)state;
	/* online-capable entry becomes enabled, online-capable cleared */
	assert_int_equal(m->nr_cpus, 1);
	assert_false(m->cpus[0].x2apic);
	assert_int_equal(m->cpus[0].apic_id, 1);
	assert_int_equal(m->cpus[0].flags, ACPI_MADT_CPU_ENABLED);
	/* LAPIC NMIs: all, uid 1; x2APIC NMI: all */
	assert_int_equal(m->nr_lapic_nmis, 3);
	assert_int_equal(m->lapic_nmis[1].uid, 1);
	assert_int_equal(m->lapic_nmis[2].uid, 0xffffffff);
	built_free(b);
	fw_free(fw);
}

static void test_madt_missing_cpu(void **state)
{
	struct fw *fw = fw_synthetic();
	struct vacpi_input in = input(fw, 2); /* only a short entry has it */
	u8 buf[4096];
	u64 rsdp;
	size_t used;

	(void)state;
	assert_int_equal(
		vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used),
		-ENOENT);
	in.guest_apic_id = 0xff; /* not an xAPIC CPU */
	assert_int_equal(
		vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used),
		-ENOENT);
	in.guest_apic_id = 0x101;
	assert_int_equal(
		vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used),
		-ENOENT);
	assert_log_has("APIC id 257 is not in the firmware MADT");
	fw_free(fw);
}

static void test_no_madt_or_unmapped(void **state)
{
	struct fw *fw = fw_load("qemu-q35-iommu");
	struct vacpi_input in = input(fw, 0);
	struct acpi_info *copy = malloc(sizeof(*copy));
	u8 buf[4096];
	u64 rsdp;
	size_t used;

	(void)state;
	assert_non_null(copy);
	*copy = fw->info;
	in.fw = copy;
	for (unsigned int i = 0; i < copy->nr_tables; i++)
		if (!strcmp(copy->tables[i].sig, "APIC"))
			copy->tables[i].valid = false;
	assert_int_equal(
		vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used),
		-ENOENT);
	assert_log_has("no usable firmware MADT");
	/* a table that cannot be read any more */
	*copy = fw->info;
	region(fw->m, "WAET")->pa = 0x7000000;
	harness_log_clear();
	assert_int_equal(
		vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used),
		-EFAULT);
	assert_log_has("firmware WAET at 0x3ffe22f0 not accessible");
	/* a hidden one need not be readable */
	region(fw->m, "WAET")->pa = 0x3ffe22f0;
	region(fw->m, "DMAR")->pa = 0x7000000;
	assert_int_equal(
		vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), 0);
	free(copy);
	fw_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_iommu),
		cmocka_unit_test(test_q35_second_cpu),
		cmocka_unit_test(test_q35_keep_mcfg),
		cmocka_unit_test(test_qemu_pc),
		cmocka_unit_test(test_bochs),
		cmocka_unit_test(test_extra_tables),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_too_small),
		cmocka_unit_test(test_above_4g),
		cmocka_unit_test(test_rebuild_from_output),
		cmocka_unit_test(test_madt_x2apic_guest),
		cmocka_unit_test(test_madt_disabled_guest),
		cmocka_unit_test(test_madt_missing_cpu),
		cmocka_unit_test(test_no_madt_or_unmapped),
	};

	return HARNESS_RUN(tests);
}
