// SPDX-License-Identifier: MIT
/*
 * vmm/vacpi.c's MADT rewrite on a synthetic MADT with every entry type
 * (xAPIC and x2APIC CPUs, NMI entries by UID, wakeup, unknown, short and
 * zero-length entries), put in place of the q35 bed's MADT.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "drivers/acpi.h"
#include "lib/errno.h"
#include "tests/unit/vacpi_bed.h"
#include "vmm/vacpi.h"

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
	static const u8 x2[] = { 9, 16, 0, 0, 0x00, 0x01, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0 };
	static const u8 ioapic[] = { 1, 12, 4, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0 };
	static const u8 iso[] = { 2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0 };
	static const u8 nmisrc[] = { 3, 8, 5, 0, 2, 0, 0, 0 };
	static const u8 lnmi_all[] = { 4, 6, 0xff, 5, 0, 1 };
	static const u8 lnmi_1[] = { 4, 6, 1, 5, 0, 1 };
	static const u8 x2nmi_7[] = { 10, 12, 5, 0, 7, 0, 0, 0, 1, 0, 0, 0 };
	static const u8 x2nmi_3[] = { 10, 12, 5, 0, 3, 0, 0, 0, 1, 0, 0, 0 };
	static const u8 x2nmi_all[] = { 10, 12, 5, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
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
	assert_memory_equal(built_at(b, acpi_find_table(&b->info, "APIC", 0)->pa) + 10, "SYNTHX",
			    6);
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
	assert_int_equal(vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), -ENOENT);
	in.guest_apic_id = 0xff; /* not an xAPIC CPU */
	assert_int_equal(vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), -ENOENT);
	in.guest_apic_id = 0x101;
	assert_int_equal(vacpi_build(&in, 0x100000, buf, sizeof(buf), &rsdp, &used), -ENOENT);
	assert_log_has("APIC id 257 is not in the firmware MADT");
	fw_free(fw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_madt_x2apic_guest),
		cmocka_unit_test(test_madt_disabled_guest),
		cmocka_unit_test(test_madt_missing_cpu),
	};

	return HARNESS_RUN(tests);
}
