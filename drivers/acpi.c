// SPDX-License-Identifier: MIT
/*
 * ACPI discovery: RSDP (multiboot2 copy or low-memory scan), XSDT/RSDT walk
 * with per-table validation (mapped, sane length, checksum), the table
 * inventory and its console print. The table parsers are pure and live in
 * drivers/acpi_parse.c (MADT, FADT, MCFG, HPET) and drivers/acpi_dmar.c.
 * All firmware memory is reached through struct acpi_mem and every read is
 * bounded by a validated length.
 */
#define LOG_PREFIX "acpi: "
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"

/* ---- memory -------------------------------------------------------------- */

static const void *identity_map(void *ctx, u64 pa, u64 len)
{
	(void)ctx;
	if (!pa || len > GiB(4) || pa > GiB(4) - len)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

const struct acpi_mem acpi_mem_identity = { .map = identity_map, .ctx = NULL };

static const void *mem_map(const struct acpi_mem *mem, u64 pa, u64 len)
{
	return mem && mem->map ? mem->map(mem->ctx, pa, len) : NULL;
}

/* Little-endian reads from byte buffers (firmware data may be unaligned). */
static u16 rd16(const u8 *p)
{
	return (u16)(p[0] | p[1] << 8);
}

static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 rd64(const u8 *p)
{
	return (u64)rd32(p) | (u64)rd32(p + 4) << 32;
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + b[i]);
	return sum == 0;
}

/* Copy a 4-byte signature for printing; non-printables become '?'. */
static void sig_copy(char dst[5], const void *src)
{
	const u8 *s = src;

	for (int i = 0; i < 4; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	dst[4] = '\0';
}

/* ---- RSDP (ACPI 6.5, 5.2.5) ---------------------------------------------- */

/* Are the 20 bytes at p an RSDP with a valid v1 checksum? */
static bool rsdp_v1_ok(const u8 *p)
{
	return !memcmp(p, ACPI_RSDP_SIG, 8) && acpi_checksum_ok(p, ACPI_RSDP_V1_LEN);
}

/*
 * Extended (revision >= 2) part of an RSDP whose v1 part is valid, avail
 * bytes readable at p: sane length within avail and extended checksum.
 */
static bool rsdp_ext_ok(const u8 *p, u32 avail, u32 *len)
{
	u32 l = rd32(p + 20);

	if (l < ACPI_RSDP_V2_LEN || l > ACPI_RSDP_MAX_LEN || l > avail)
		return false;
	if (!acpi_checksum_ok(p, l))
		return false;
	*len = l;
	return true;
}

/* Scan [start, start + size) on 16-byte boundaries. */
static bool scan_rsdp(const struct acpi_mem *mem, hpa_t start, u32 size, hpa_t *found)
{
	const u8 *area = mem_map(mem, start, size);

	if (!area) {
		pr_warn("cannot map 0x%lx+0x%x to look for the RSDP\n", start, size);
		return false;
	}
	for (u32 off = 0; off + ACPI_RSDP_V1_LEN <= size; off += 16) {
		if (rsdp_v1_ok(area + off)) {
			*found = start + off;
			return true;
		}
		if (!memcmp(area + off, ACPI_RSDP_SIG, 8))
			pr_warn("RSDP candidate at 0x%lx: bad checksum\n", start + off);
	}
	return false;
}

int acpi_find_rsdp(const struct acpi_mem *mem, hpa_t *rsdp_pa)
{
	const u8 *bda = mem_map(mem, 0x40e, 2);

	if (bda) {
		hpa_t ebda = (hpa_t)rd16(bda) << 4;

		/* The EBDA lives below the 640 KiB boundary (5.2.5.1). */
		if (ebda > 0x400 && ebda + 1024 <= 0xa0000 && scan_rsdp(mem, ebda, 1024, rsdp_pa))
			return 0;
	}
	if (scan_rsdp(mem, 0xe0000, 0x20000, rsdp_pa))
		return 0;
	return -ENODEV;
}

/* Record the RSDP (p: v1-valid, avail readable bytes) in out. */
static void take_rsdp(struct acpi_info *out, const u8 *p, u32 avail)
{
	u32 len = ACPI_RSDP_V1_LEN;

	out->rsdp_found = true;
	out->rsdp_revision = p[15];
	memcpy(out->oem_id, p + 9, 6);
	for (int i = 0; i < 6; i++)
		if (out->oem_id[i] < 0x20 || out->oem_id[i] >= 0x7f)
			out->oem_id[i] = '?';
	out->oem_id[6] = '\0';
	out->rsdt_pa = rd32(p + 16);
	if (out->rsdp_revision >= 2) {
		if (rsdp_ext_ok(p, avail, &len))
			out->xsdt_pa = rd64(p + 24);
		else
			pr_warn("RSDP rev %u: bad extended length/checksum, "
				"using the RSDT only\n",
				out->rsdp_revision);
	}
	out->rsdp_len = len;
	memcpy(out->rsdp_raw, p, MIN(len, sizeof(out->rsdp_raw)));
}

static int locate_rsdp(const struct acpi_mem *mem, const void *hint, struct acpi_info *out)
{
	hpa_t pa;
	const u8 *p;

	if (hint) {
		const u8 *h = hint;

		if (rsdp_v1_ok(h)) {
			/* The hint holds the whole RSDP (see acpi.h). */
			u32 avail = h[15] >= 2 ? rd32(h + 20) : ACPI_RSDP_V1_LEN;

			if (avail > ACPI_RSDP_MAX_LEN)
				avail = ACPI_RSDP_V2_LEN;
			take_rsdp(out, h, avail);
			out->rsdp_from_hint = true;
			/* Where is the original? (for the guest's copy) */
			if (!acpi_find_rsdp(mem, &pa) && (p = mem_map(mem, pa, ACPI_RSDP_V1_LEN)) &&
			    !memcmp(p, h, ACPI_RSDP_V1_LEN))
				out->rsdp_pa = pa;
			return 0;
		}
		pr_warn("RSDP copy from the boot loader is invalid, "
			"scanning\n");
	}
	if (acpi_find_rsdp(mem, &pa)) {
		pr_err("no RSDP found\n");
		return -ENODEV;
	}
	p = mem_map(mem, pa, ACPI_RSDP_V1_LEN);
	if (!p)
		return -ENODEV;
	if (p[15] >= 2) {
		const u8 *full = mem_map(mem, pa, ACPI_RSDP_V2_LEN);
		u32 l = full ? rd32(full + 20) : 0;

		if (l >= ACPI_RSDP_V2_LEN && l <= ACPI_RSDP_MAX_LEN &&
		    (full = mem_map(mem, pa, l))) {
			take_rsdp(out, full, l);
			out->rsdp_pa = pa;
			return 0;
		}
	}
	take_rsdp(out, p, ACPI_RSDP_V1_LEN);
	out->rsdp_pa = pa;
	return 0;
}

/* ---- tables (5.2.6) ------------------------------------------------------ */

static const char *const status_name[] = {
	[ACPI_TABLE_OK] = "ok",
	[ACPI_TABLE_UNMAPPED] = "not accessible",
	[ACPI_TABLE_BAD_LENGTH] = "bad length",
	[ACPI_TABLE_BAD_CHECKSUM] = "bad checksum",
	[ACPI_TABLE_BAD_SIGNATURE] = "unexpected signature",
};

static const char *table_status_name(u8 status)
{
	return status < ARRAY_SIZE(status_name) && status_name[status] ? status_name[status] : "?";
}

/*
 * Validate the table at pa into t. want_sig (or NULL) is the signature the
 * pointer promised. Returns the mapped table if valid, else NULL (logged).
 */
static const u8 *check_table(const struct acpi_mem *mem, hpa_t pa, const char *want_sig, u8 source,
			     struct acpi_table *t)
{
	const struct acpi_sdt_header *h;
	const u8 *body;
	bool facs = want_sig && !memcmp(want_sig, ACPI_SIG_FACS, 4);
	u32 min_len = facs ? ACPI_FACS_MIN_LEN : sizeof(*h);

	memset(t, 0, sizeof(*t));
	t->pa = pa;
	t->source = source;
	memcpy(t->sig, want_sig ? want_sig : "????", 4);
	/* The FACS has no revision/checksum: only signature and length. */
	h = mem_map(mem, pa, facs ? 8 : sizeof(*h));
	if (!h) {
		t->status = ACPI_TABLE_UNMAPPED;
		pr_err("table %s at 0x%lx not accessible\n", t->sig, pa);
		return NULL;
	}
	sig_copy(t->sig, h->signature);
	t->len = h->length;
	if (!facs)
		t->revision = h->revision;
	if (want_sig && memcmp(h->signature, want_sig, 4)) {
		t->status = ACPI_TABLE_BAD_SIGNATURE;
		pr_err("table at 0x%lx: signature %s, expected %.4s\n", pa, t->sig, want_sig);
		return NULL;
	}
	if (t->len < min_len || t->len > ACPI_TABLE_MAX_LEN) {
		t->status = ACPI_TABLE_BAD_LENGTH;
		pr_err("table %s at 0x%lx bad length %u\n", t->sig, pa, t->len);
		return NULL;
	}
	body = mem_map(mem, pa, t->len);
	if (!body) {
		t->status = ACPI_TABLE_UNMAPPED;
		pr_err("table %s at 0x%lx len %u not accessible\n", t->sig, pa, t->len);
		return NULL;
	}
	if (!facs && !acpi_checksum_ok(body, t->len)) {
		t->status = ACPI_TABLE_BAD_CHECKSUM;
		pr_err("table %s at 0x%lx bad checksum\n", t->sig, pa);
		return NULL;
	}
	t->status = ACPI_TABLE_OK;
	t->valid = true;
	return body;
}

/* Append t to the inventory; false (logged once) when it is full. */
static bool add_table(struct acpi_info *out, const struct acpi_table *t)
{
	if (!t->valid)
		out->nr_bad_tables++;
	if (out->nr_tables >= ACPI_MAX_TABLES) {
		if (!out->tables_truncated)
			pr_warn("more than %u tables, %s at 0x%lx and later "
				"ignored\n",
				ACPI_MAX_TABLES, t->sig, t->pa);
		out->tables_truncated = true;
		return false;
	}
	out->tables[out->nr_tables++] = *t;
	return true;
}

static bool table_listed(const struct acpi_info *out, hpa_t pa)
{
	for (unsigned int i = 0; i < out->nr_tables; i++)
		if (out->tables[i].pa == pa)
			return true;
	return false;
}

const struct acpi_table *acpi_find_table(const struct acpi_info *info, const char *sig,
					 unsigned int instance)
{
	if (!info || !sig)
		return NULL;
	for (unsigned int i = 0; i < info->nr_tables; i++) {
		const struct acpi_table *t = &info->tables[i];

		if (t->valid && !memcmp(t->sig, sig, 4) && !instance--)
			return t;
	}
	return NULL;
}

const void *acpi_map_table(const struct acpi_mem *mem, const struct acpi_table *t)
{
	if (!t || !t->valid)
		return NULL;
	return mem_map(mem, t->pa, t->len);
}

/* Walk the RSDT (width 4) or XSDT (width 8) body and check every entry. */
static void walk_root(const struct acpi_mem *mem, const u8 *root, u32 len, unsigned int width,
		      struct acpi_info *out)
{
	u32 n = (len - sizeof(struct acpi_sdt_header)) / width;
	const u8 *e = root + sizeof(struct acpi_sdt_header);
	struct acpi_table t;

	if ((len - sizeof(struct acpi_sdt_header)) % width)
		pr_warn("%s: %u trailing bytes ignored\n", width == 8 ? "XSDT" : "RSDT",
			(len - (u32)sizeof(struct acpi_sdt_header)) % width);
	for (u32 i = 0; i < n; i++, e += width) {
		hpa_t pa = width == 8 ? rd64(e) : rd32(e);

		if (!pa) {
			pr_warn("%s entry %u is null, skipped\n", width == 8 ? "XSDT" : "RSDT", i);
			continue;
		}
		if (table_listed(out, pa))
			continue;
		check_table(mem, pa, NULL, ACPI_SRC_ROOT, &t);
		if (!add_table(out, &t))
			break; /* full: do not even map the rest */
	}
}

/* DSDT and FACS, pointed to by the FADT. */
static void add_fadt_refs(const struct acpi_mem *mem, struct acpi_info *out)
{
	struct acpi_table t;

	if (out->fadt.dsdt_pa && !table_listed(out, out->fadt.dsdt_pa)) {
		check_table(mem, out->fadt.dsdt_pa, ACPI_SIG_DSDT, ACPI_SRC_FADT, &t);
		add_table(out, &t);
	}
	if (out->fadt.facs_pa && !table_listed(out, out->fadt.facs_pa)) {
		check_table(mem, out->fadt.facs_pa, ACPI_SIG_FACS, ACPI_SRC_FADT, &t);
		add_table(out, &t);
	}
}

/* Map the first valid table sig; NULL (and *len 0) if there is none. */
static const void *first_table(const struct acpi_mem *mem, const struct acpi_info *out,
			       const char *sig, size_t *len)
{
	const struct acpi_table *t = acpi_find_table(out, sig, 0);
	const void *p = acpi_map_table(mem, t);

	*len = p ? t->len : 0;
	return p;
}

int acpi_init(const struct acpi_mem *mem, const void *rsdp_hint, struct acpi_info *out)
{
	struct acpi_table t;
	const u8 *root = NULL;
	const void *p;
	size_t len;
	int err;

	if (!mem || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	err = locate_rsdp(mem, rsdp_hint, out);
	if (err)
		return err;

	if (out->xsdt_pa) {
		root = check_table(mem, out->xsdt_pa, ACPI_SIG_XSDT, ACPI_SRC_RSDP, &t);
		add_table(out, &t);
		if (root)
			out->using_xsdt = true;
		else
			pr_warn("XSDT unusable, falling back to the RSDT\n");
	}
	if (!root) {
		if (!out->rsdt_pa) {
			pr_err("no RSDT\n");
			return -EBADMSG;
		}
		root = check_table(mem, out->rsdt_pa, ACPI_SIG_RSDT, ACPI_SRC_RSDP, &t);
		add_table(out, &t);
		if (!root) {
			pr_err("neither XSDT nor RSDT is usable\n");
			return -EBADMSG;
		}
	}
	walk_root(mem, root, t.len, out->using_xsdt ? 8 : 4, out);

	if ((p = first_table(mem, out, ACPI_SIG_FADT, &len))) {
		out->fadt.err = acpi_fadt_parse(p, len, &out->fadt);
		add_fadt_refs(mem, out);
	}
	if ((p = first_table(mem, out, ACPI_SIG_MADT, &len)))
		out->madt.err = acpi_madt_parse(p, len, &out->madt);
	if ((p = first_table(mem, out, ACPI_SIG_MCFG, &len)))
		out->mcfg.err = acpi_mcfg_parse(p, len, &out->mcfg);
	if ((p = first_table(mem, out, ACPI_SIG_HPET, &len)))
		out->hpet.err = acpi_hpet_parse(p, len, &out->hpet);
	if ((p = first_table(mem, out, ACPI_SIG_DMAR, &len)))
		out->dmar.err = acpi_dmar_parse(p, len, &out->dmar);
	return 0;
}

/* ---- inventory ----------------------------------------------------------- */

static void print_madt(const struct acpi_madt *m)
{
	if (!m->present) {
		printk("ACPI: MADT none\n");
		return;
	}
	printk("ACPI: MADT lapic=0x%lx flags=0x%x cpus=%u enabled=%u%s%s\n", m->lapic_pa, m->flags,
	       m->nr_cpus, m->nr_enabled, m->truncated ? " (truncated)" : "",
	       m->err ? " (malformed)" : "");
	for (unsigned int i = 0; i < m->nr_cpus; i++) {
		const struct acpi_cpu *c = &m->cpus[i];

		printk("ACPI: cpu %u apic_id=%u uid=%u %s%s\n", i, c->apic_id, c->uid,
		       acpi_cpu_enabled(c)			 ? "enabled"
		       : c->flags & ACPI_MADT_CPU_ONLINE_CAPABLE ? "online-capable"
								 : "disabled",
		       c->x2apic ? " x2apic" : "");
	}
	for (unsigned int i = 0; i < m->nr_ioapics; i++)
		printk("ACPI: ioapic id=%u addr=0x%x gsi_base=%u\n", m->ioapics[i].id,
		       m->ioapics[i].address, m->ioapics[i].gsi_base);
	for (unsigned int i = 0; i < m->nr_isos; i++)
		printk("ACPI: irq override bus=%u irq=%u gsi=%u flags=0x%x\n", m->isos[i].bus,
		       m->isos[i].source, m->isos[i].gsi, m->isos[i].flags);
	for (unsigned int i = 0; i < m->nr_nmi_sources; i++)
		printk("ACPI: nmi source gsi=%u flags=0x%x\n", m->nmi_sources[i].gsi,
		       m->nmi_sources[i].flags);
	for (unsigned int i = 0; i < m->nr_lapic_nmis; i++)
		printk("ACPI: lapic nmi uid=0x%x lint%u flags=0x%x\n", m->lapic_nmis[i].uid,
		       m->lapic_nmis[i].lint, m->lapic_nmis[i].flags);
}

static void print_fadt(const struct acpi_fadt *f)
{
	if (!f->present) {
		printk("ACPI: FADT none\n");
		return;
	}
	printk("ACPI: FADT rev %u len %u pm1a_cnt=0x%x pm1b_cnt=0x%x "
	       "pm_tmr=0x%x (%u-bit) sci=%u flags=0x%x%s\n",
	       f->revision, f->len, f->pm1a_cnt, f->pm1b_cnt, f->pm_tmr, f->pm_tmr_32bit ? 32 : 24,
	       f->sci_irq, f->flags, f->err ? " (malformed)" : "");
	printk("ACPI: FADT dsdt=0x%lx facs=0x%lx century=0x%x boot_arch=0x%x", f->dsdt_pa,
	       f->facs_pa, f->century, f->iapc_boot_arch);
	if (f->reset_valid)
		printk(" reset=%s:0x%lx<-0x%x\n",
		       f->reset_space == ACPI_GAS_SPACE_IO ? "io" : "mem", f->reset_addr,
		       f->reset_value);
	else
		printk("\n");
}

void acpi_print(const struct acpi_info *info)
{
	if (!info->rsdp_found) {
		printk("ACPI: no RSDP\n");
		return;
	}
	printk("ACPI: RSDP 0x%lx rev %u oem %s rsdt=0x%lx xsdt=0x%lx%s, "
	       "walked %s\n",
	       info->rsdp_pa, info->rsdp_revision, info->oem_id, info->rsdt_pa, info->xsdt_pa,
	       info->rsdp_from_hint ? " (boot loader copy)" : "",
	       info->using_xsdt ? "XSDT" : "RSDT");
	for (unsigned int i = 0; i < info->nr_tables; i++) {
		const struct acpi_table *t = &info->tables[i];

		if (t->valid && !memcmp(t->sig, ACPI_SIG_FACS, 4))
			printk("ACPI: %s 0x%lx len %u\n", t->sig, t->pa, t->len);
		else if (t->valid)
			printk("ACPI: %s 0x%lx len %u rev %u\n", t->sig, t->pa, t->len,
			       t->revision);
		else
			printk("ACPI: %s 0x%lx len %u INVALID (%s, skipped)\n", t->sig, t->pa,
			       t->len, table_status_name(t->status));
	}
	if (info->tables_truncated)
		printk("ACPI: (more than %u tables: list truncated)\n", ACPI_MAX_TABLES);
	print_madt(&info->madt);
	print_fadt(&info->fadt);
	if (!info->mcfg.present)
		printk("ACPI: MCFG none\n");
	for (unsigned int i = 0; i < info->mcfg.nr_ecam; i++) {
		const struct acpi_ecam *e = &info->mcfg.ecam[i];

		printk("ACPI: MCFG ecam=0x%lx seg %u bus %u-%u\n", e->base, e->segment,
		       e->start_bus, e->end_bus);
	}
	if (info->hpet.present && info->hpet.base)
		printk("ACPI: HPET base=0x%lx id=0x%x\n", info->hpet.base, info->hpet.block_id);
	else
		printk("ACPI: HPET none\n");
	acpi_dmar_print(&info->dmar);
}
