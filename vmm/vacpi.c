// SPDX-License-Identifier: MIT
/*
 * The guest's ACPI tables (ACPI 6.5 chapter 5): RSDP (5.2.5.3), XSDT
 * (5.2.8), RSDT (5.2.7), the MADT cut down to one CPU (5.2.12), copies of
 * the other firmware root tables, minus the DMAR and (by default) the MCFG,
 * plus the hypervisor's own tables. Two passes over the same layout code:
 * the first only measures (nothing is written unless everything fits), the
 * second writes. Firmware bytes are read through struct acpi_mem; every
 * read of them is bounded by the validated table length.
 */
#define LOG_PREFIX "vacpi: "
#include "vmm/vacpi.h"
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"

#define VACPI_GPA_LIMIT BIT(52) /* architectural MAXPHYADDR bound */
#define VACPI_HDR_LEN sizeof(struct acpi_sdt_header)
#define VACPI_CSUM_OFF 9 /* acpi_sdt_header.checksum */
#define VACPI_OEM_OFF 10 /* oem_id .. creator_revision: 26 bytes */
#define VACPI_OEM_LEN 26

/* ---- little-endian access (buffers may be unaligned) --------------------- */

static u32 get32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u64 get64(const u8 *p)
{
	return (u64)get32(p) | (u64)get32(p + 4) << 32;
}

static void put32(u8 *p, u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (u8)(v >> (8 * i));
}

static void put64(u8 *p, u64 v)
{
	put32(p, (u32)v);
	put32(p + 4, (u32)(v >> 32));
}

/* Make the len bytes at p sum to 0 through the byte at csum_off. */
static void set_checksum(u8 *p, size_t len, size_t csum_off)
{
	u8 sum = 0;

	p[csum_off] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + p[i]);
	p[csum_off] = (u8)-sum;
}

static bool sig_is(const struct acpi_table *t, const char *sig)
{
	return !memcmp(t->sig, sig, 4);
}

/* ---- what happens to each firmware table ---------------------------------- */

enum vacpi_fate {
	VACPI_DROP = 0, /* not a root table (or invalid): not the guest's */
	VACPI_HIDE,	/* a root table the guest must not see */
	VACPI_COPY,
	VACPI_MADT, /* the first valid MADT: rewritten */
};

static enum vacpi_fate table_fate(const struct vacpi_input *in, const struct acpi_table *t)
{
	if (!t->valid || t->source != ACPI_SRC_ROOT)
		return VACPI_DROP;
	if (sig_is(t, ACPI_SIG_DMAR))
		return VACPI_HIDE;
	if (sig_is(t, ACPI_SIG_MCFG))
		return in->keep_mcfg ? VACPI_COPY : VACPI_HIDE;
	if (sig_is(t, ACPI_SIG_MADT))
		return t == acpi_find_table(in->fw, ACPI_SIG_MADT, 0) ? VACPI_MADT : VACPI_HIDE;
	/* Not root entries (the DSDT and FACS come through the FADT). */
	if (sig_is(t, ACPI_SIG_RSDT) || sig_is(t, ACPI_SIG_XSDT) || sig_is(t, ACPI_SIG_DSDT) ||
	    sig_is(t, ACPI_SIG_FACS))
		return VACPI_DROP;
	return VACPI_COPY;
}

/* ---- MADT (5.2.12) -------------------------------------------------------- */

struct vacpi_cpu {
	u32 off; /* of the guest's LAPIC/x2APIC entry in the firmware MADT */
	u32 uid; /* its ACPI processor UID */
};

#define VACPI_MADT_ENTRIES sizeof(struct acpi_madt_raw) /* first entry */

/*
 * Is there a well-formed entry at off of the MADT at m (len bytes)? Its
 * length goes to *elen. Walks stop at the first malformed length, as the
 * parser does; each step advances >= 2 bytes, so they are bounded by len.
 */
static bool madt_entry(const u8 *m, u32 len, u32 off, u32 *elen)
{
	if (off > len || len - off < 2)
		return false;
	*elen = m[off + 1];
	return *elen >= 2 && *elen <= len - off;
}

static bool madt_find_cpu(const u8 *m, u32 len, u32 apic_id, struct vacpi_cpu *cpu)
{
	for (u32 off = VACPI_MADT_ENTRIES, elen; madt_entry(m, len, off, &elen); off += elen) {
		const u8 *e = m + off;

		/* xAPIC ids are 8 bits; 0xff is not a CPU. */
		if (e[0] == ACPI_MADT_LAPIC && elen >= sizeof(struct acpi_madt_lapic) &&
		    apic_id < 0xff && e[3] == apic_id) {
			cpu->off = off;
			cpu->uid = e[2];
			return true;
		}
		if (e[0] == ACPI_MADT_X2APIC && elen >= sizeof(struct acpi_madt_x2apic) &&
		    get32(e + 4) == apic_id) {
			cpu->off = off;
			cpu->uid = get32(e + 12);
			return true;
		}
	}
	return false;
}

/* Does the guest's MADT keep the entry at off (elen bytes)? */
static bool madt_keep(const u8 *e, u32 elen, u32 off, const struct vacpi_cpu *cpu)
{
	switch (e[0]) {
	case ACPI_MADT_LAPIC:
	case ACPI_MADT_X2APIC:
		return off == cpu->off;
	case ACPI_MADT_IOAPIC:
		return elen >= sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_ISO:
		return elen >= sizeof(struct acpi_madt_iso);
	case ACPI_MADT_NMI_SOURCE:
		return elen >= sizeof(struct acpi_madt_nmi_source);
	case ACPI_MADT_LAPIC_OVERRIDE:
		return elen >= sizeof(struct acpi_madt_lapic_override);
	case ACPI_MADT_LAPIC_NMI: /* UID 0xff: all processors */
		return elen >= sizeof(struct acpi_madt_lapic_nmi) &&
		       (e[2] == 0xff || e[2] == cpu->uid);
	case ACPI_MADT_X2APIC_NMI: /* UID 0xffffffff: all processors */
		return elen >= sizeof(struct acpi_madt_x2apic_nmi) &&
		       (get32(e + 4) == 0xffffffffu || get32(e + 4) == cpu->uid);
	default:
		return false;
	}
}

/* Enabled; Online Capable must then be 0 (Table 5.23). */
static void madt_enable_cpu(u8 *e)
{
	u8 *flags = e + (e[0] == ACPI_MADT_LAPIC ? 4 : 8);
	u32 f = get32(flags);

	f |= ACPI_MADT_CPU_ENABLED;
	f &= ~(u32)ACPI_MADT_CPU_ONLINE_CAPABLE;
	put32(flags, f);
}

/* The guest's MADT: its length; written to dst (if not NULL) as well. */
static size_t madt_rewrite(const u8 *src, u32 len, const struct vacpi_cpu *cpu, u8 *dst)
{
	size_t n = sizeof(struct acpi_madt_raw);

	if (dst)
		memcpy(dst, src, n);
	for (u32 off = VACPI_MADT_ENTRIES, elen; madt_entry(src, len, off, &elen); off += elen) {
		if (!madt_keep(src + off, elen, off, cpu))
			continue;
		if (dst) {
			memcpy(dst + n, src + off, elen);
			if (off == cpu->off)
				madt_enable_cpu(dst + n);
		}
		n += elen;
	}
	if (dst) {
		put32(dst + 4, (u32)n);
		set_checksum(dst, n, VACPI_CSUM_OFF);
	}
	return n;
}

/* CPU entries (types 0 and 9) in a MADT we built. */
static unsigned int madt_count_cpus(const u8 *m, u32 len)
{
	unsigned int n = 0;

	for (u32 off = VACPI_MADT_ENTRIES, elen; madt_entry(m, len, off, &elen); off += elen)
		if (m[off] == ACPI_MADT_LAPIC || m[off] == ACPI_MADT_X2APIC)
			n++;
	return n;
}

/* ---- layout ----------------------------------------------------------------- */

/* What the checks found, shared by both passes. */
struct vacpi_plan {
	const u8 *madt;
	u32 madt_len;
	struct vacpi_cpu cpu;
	unsigned int nr_entries; /* XSDT/RSDT entries */
	const u8 *root;		 /* firmware RSDT/XSDT (OEM fields), or NULL */
};

struct vacpi_out {
	u8 *buf; /* NULL on the measuring pass: nothing is written */
	size_t cap;
	size_t pos; /* end of the layout so far */
	gpa_t base_gpa;
	bool overflow;
};

/* Reserve len bytes at the next aligned guest address (zeroed); offset. */
static size_t out_place(struct vacpi_out *o, size_t len)
{
	size_t off = (size_t)(ALIGN_UP(o->base_gpa + o->pos, VACPI_ALIGN) - o->base_gpa);

	if (o->overflow || off > o->cap || len > o->cap - off) {
		o->overflow = true;
		return 0;
	}
	if (o->buf)
		memset(o->buf + o->pos, 0, off + len - o->pos);
	o->pos = off + len;
	return off;
}

/* Where to write len bytes at off; NULL when measuring or overflowed. */
static u8 *out_at(const struct vacpi_out *o, size_t off, size_t len)
{
	if (!o->buf || o->overflow || off > o->cap || len > o->cap - off)
		return NULL;
	return o->buf + off;
}

static u32 extra_len(const void *t)
{
	return get32((const u8 *)t + 4);
}

static size_t place_copy(struct vacpi_out *o, const u8 *src, u32 len)
{
	size_t off = out_place(o, len);
	u8 *p = out_at(o, off, len);

	if (p) {
		memcpy(p, src, len);
		set_checksum(p, len, VACPI_CSUM_OFF);
	}
	return off;
}

static size_t place_madt(struct vacpi_out *o, const struct vacpi_plan *pl)
{
	size_t len = madt_rewrite(pl->madt, pl->madt_len, &pl->cpu, NULL);
	size_t off = out_place(o, len);
	u8 *p = out_at(o, off, len);

	if (p)
		madt_rewrite(pl->madt, pl->madt_len, &pl->cpu, p);
	return off;
}

/* Header of our XSDT/RSDT; entries are already in place. */
static void put_root(struct vacpi_out *o, size_t off, size_t len, const char *sig,
		     const struct vacpi_input *in, const struct vacpi_plan *pl)
{
	u8 *p = out_at(o, off, len);

	if (!p)
		return;
	memcpy(p, sig, 4);
	put32(p + 4, (u32)len);
	p[8] = 1; /* revision */
	if (pl->root)
		memcpy(p + VACPI_OEM_OFF, pl->root + VACPI_OEM_OFF, VACPI_OEM_LEN);
	else
		memcpy(p + VACPI_OEM_OFF, in->fw->rsdp_raw + 9, 6);
	set_checksum(p, len, VACPI_CSUM_OFF);
}

static void put_rsdp(struct vacpi_out *o, size_t off, gpa_t xsdt_gpa, gpa_t rsdt_gpa,
		     const struct vacpi_input *in)
{
	u8 *p = out_at(o, off, ACPI_RSDP_V2_LEN);

	if (!p)
		return;
	memcpy(p, ACPI_RSDP_SIG, 8);
	memcpy(p + 9, in->fw->rsdp_raw + 9, 6); /* OEM id */
	p[15] = 2;				/* revision: XSDT valid */
	put32(p + 16, (u32)rsdt_gpa);
	put32(p + 20, ACPI_RSDP_V2_LEN);
	put64(p + 24, xsdt_gpa);
	set_checksum(p, ACPI_RSDP_V1_LEN, 8);
	set_checksum(p, ACPI_RSDP_V2_LEN, 32);
}

/* One pass over the whole layout; returns the RSDP's offset. */
static size_t layout(const struct vacpi_input *in, const struct vacpi_plan *pl, struct vacpi_out *o,
		     bool with_rsdt)
{
	size_t xsdt_len = VACPI_HDR_LEN + 8 * (size_t)pl->nr_entries;
	size_t rsdt_len = VACPI_HDR_LEN + 4 * (size_t)pl->nr_entries;
	size_t rsdp = out_place(o, ACPI_RSDP_V2_LEN);
	size_t xsdt = out_place(o, xsdt_len);
	size_t rsdt = with_rsdt ? out_place(o, rsdt_len) : 0;
	unsigned int i = 0;
	size_t off;
	u8 *e;

	for (unsigned int k = 0; k < in->fw->nr_tables + in->nr_extra; k++) {
		if (k >= in->fw->nr_tables) {
			const u8 *t = in->extra_tables[k - in->fw->nr_tables];

			off = place_copy(o, t, extra_len(t));
		} else {
			const struct acpi_table *t = &in->fw->tables[k];

			switch (table_fate(in, t)) {
			case VACPI_COPY:
				off = place_copy(o, acpi_map_table(in->mem, t), t->len);
				break;
			case VACPI_MADT:
				off = place_madt(o, pl);
				break;
			default:
				continue;
			}
		}
		if (i >= pl->nr_entries) {
			o->overflow = true; /* cannot happen: counted alike */
			break;
		}
		if ((e = out_at(o, xsdt + VACPI_HDR_LEN + 8 * i, 8)))
			put64(e, o->base_gpa + off);
		if (with_rsdt && (e = out_at(o, rsdt + VACPI_HDR_LEN + 4 * i, 4)))
			put32(e, (u32)(o->base_gpa + off));
		i++;
	}
	put_root(o, xsdt, xsdt_len, ACPI_SIG_XSDT, in, pl);
	if (with_rsdt)
		put_root(o, rsdt, rsdt_len, ACPI_SIG_RSDT, in, pl);
	put_rsdp(o, rsdp, o->base_gpa + xsdt, with_rsdt ? o->base_gpa + rsdt : 0, in);
	return rsdp;
}

/* ---- checks ----------------------------------------------------------------- */

static int check_extras(const struct vacpi_input *in)
{
	if (in->nr_extra > VACPI_MAX_EXTRA || (in->nr_extra && !in->extra_tables))
		return -EINVAL;
	for (unsigned int i = 0; i < in->nr_extra; i++) {
		const u8 *t = in->extra_tables[i];

		if (!t || extra_len(t) < VACPI_HDR_LEN || extra_len(t) > ACPI_TABLE_MAX_LEN) {
			pr_err("added table %u: missing or bad length\n", i);
			return -EINVAL;
		}
	}
	return 0;
}

/* Everything the passes rely on: the MADT, the guest CPU, mappings. */
static int make_plan(const struct vacpi_input *in, struct vacpi_plan *pl)
{
	const struct acpi_info *fw = in->fw;
	const struct acpi_table *madt = acpi_find_table(fw, ACPI_SIG_MADT, 0);

	memset(pl, 0, sizeof(*pl));
	pl->madt = acpi_map_table(in->mem, madt);
	if (!pl->madt || madt->len < sizeof(struct acpi_madt_raw)) {
		pr_err("no usable firmware MADT: the guest would have no "
		       "CPU\n");
		return -ENOENT;
	}
	pl->madt_len = madt->len;
	if (!madt_find_cpu(pl->madt, pl->madt_len, in->guest_apic_id, &pl->cpu)) {
		pr_err("APIC id %u is not in the firmware MADT\n", in->guest_apic_id);
		return -ENOENT;
	}
	for (unsigned int i = 0; i < fw->nr_tables; i++) {
		const struct acpi_table *t = &fw->tables[i];
		enum vacpi_fate f = table_fate(in, t);

		if (t->valid && t->source == ACPI_SRC_RSDP && !pl->root)
			pl->root = acpi_map_table(in->mem, t);
		if (f != VACPI_COPY && f != VACPI_MADT)
			continue;
		if (!acpi_map_table(in->mem, t)) {
			pr_err("firmware %s at 0x%lx not accessible\n", t->sig, t->pa);
			return -EFAULT;
		}
		pl->nr_entries++;
	}
	pl->nr_entries += in->nr_extra;
	return 0;
}

/* Bytes the layout takes (from base_gpa), or 0 if beyond the GPA limit. */
static size_t measure(const struct vacpi_input *in, const struct vacpi_plan *pl, gpa_t base_gpa,
		      bool with_rsdt)
{
	struct vacpi_out o = { .cap = VACPI_GPA_LIMIT - base_gpa, .base_gpa = base_gpa };

	layout(in, pl, &o, with_rsdt);
	return o.overflow ? 0 : o.pos;
}

int vacpi_build(const struct vacpi_input *in, gpa_t base_gpa, void *buf, size_t buf_len,
		gpa_t *rsdp_gpa, size_t *used)
{
	struct vacpi_plan pl;
	struct vacpi_out o;
	bool with_rsdt = true;
	size_t need, rsdp;
	int err;

	if (!in || !in->fw || !in->mem || !rsdp_gpa || !used || (!buf && buf_len) ||
	    base_gpa >= VACPI_GPA_LIMIT)
		return -EINVAL;
	err = check_extras(in);
	if (!err)
		err = make_plan(in, &pl);
	if (err)
		return err;

	/* The RSDT holds 32-bit addresses: only if everything is below 4 GiB. */
	need = measure(in, &pl, base_gpa, true);
	if (need && base_gpa + need > GiB(4)) {
		with_rsdt = false;
		need = measure(in, &pl, base_gpa, false);
	}
	if (!need || need > buf_len)
		return -E2BIG;

	o = (struct vacpi_out){ .buf = buf, .cap = buf_len, .base_gpa = base_gpa };
	rsdp = layout(in, &pl, &o, with_rsdt);
	if (o.overflow || o.pos != need)
		return -E2BIG; /* the passes disagree: cannot happen */
	*rsdp_gpa = base_gpa + rsdp;
	*used = o.pos;
	return 0;
}

/* ---- console ---------------------------------------------------------------- */

/* The table header at gpa inside buf, if it and its length lie in buf. */
static const u8 *built_table(const u8 *b, size_t used, gpa_t base_gpa, u64 gpa)
{
	u64 off = gpa - base_gpa;

	if (gpa < base_gpa || off > used || used - off < VACPI_HDR_LEN ||
	    get32(b + off + 4) > used - off)
		return NULL;
	return b + off;
}

static void print_hidden(const struct vacpi_input *in)
{
	const struct acpi_madt *m = &in->fw->madt;
	unsigned int n = 0, cpus = 0;

	printk("VACPI: hidden:");
	for (unsigned int i = 0; i < in->fw->nr_tables; i++) {
		const struct acpi_table *t = &in->fw->tables[i];

		if (table_fate(in, t) == VACPI_HIDE) {
			printk(" %s", t->sig);
			n++;
		}
	}
	for (unsigned int i = 0; i < m->nr_cpus; i++) {
		if (m->cpus[i].apic_id == in->guest_apic_id)
			continue;
		printk("%s%u", cpus ? "," : n ? ", cpus apic=" : " cpus apic=", m->cpus[i].apic_id);
		cpus++;
	}
	if (m->truncated)
		printk(",...");
	printk("%s\n", n || cpus ? "" : " nothing");
}

void vacpi_print(const struct vacpi_input *in, const void *buf, size_t used, gpa_t base_gpa,
		 gpa_t rsdp_gpa)
{
	const u8 *b = buf, *rsdp, *xsdt;
	u32 n;

	rsdp = b && rsdp_gpa >= base_gpa && rsdp_gpa - base_gpa <= used &&
			       used - (rsdp_gpa - base_gpa) >= ACPI_RSDP_V2_LEN
		       ? b + (rsdp_gpa - base_gpa)
		       : NULL;
	xsdt = rsdp ? built_table(b, used, base_gpa, get64(rsdp + 24)) : NULL;
	if (!in || !in->fw || !xsdt) {
		printk("VACPI: no tables\n");
		return;
	}
	n = (get32(xsdt + 4) - (u32)VACPI_HDR_LEN) / 8;
	printk("VACPI: RSDP 0x%lx tables:", rsdp_gpa);
	for (u32 i = 0; i < n; i++) {
		const u8 *t = built_table(b, used, base_gpa, get64(xsdt + VACPI_HDR_LEN + 8 * i));
		char sig[5];

		if (!t) {
			printk(" ?");
			continue;
		}
		for (int c = 0; c < 4; c++)
			sig[c] = t[c] >= 0x20 && t[c] < 0x7f ? (char)t[c] : '?';
		sig[4] = '\0';
		if (!memcmp(sig, ACPI_SIG_MADT, 4) && get32(t + 4) >= sizeof(struct acpi_madt_raw))
			printk(" APIC(%u cpu)", madt_count_cpus(t, get32(t + 4)));
		else if (i + in->nr_extra >= n)
			printk(" %s(%s)", sig, !memcmp(sig, ACPI_SIG_DMAR, 4) ? "viommu" : "added");
		else
			printk(" %s", sig);
	}
	printk("\n");
	print_hidden(in);
}
