// SPDX-License-Identifier: MIT
/*
 * Parsers for the fixed-purpose ACPI tables: MADT (CPUs, IO-APICs, overrides,
 * NMIs), FADT (PM ports, DSDT/FACS, reset register; short old-revision FADTs
 * too), MCFG (ECAM segments) and HPET. Pure functions of (table, len) into
 * the plain structs of drivers/acpi.h; every read is bounded by the table's
 * validated length, every entry walk by its length fields.
 */
#define LOG_PREFIX "acpi: "
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/string.h"

/* ---- parsers: common checks ---------------------------------------------- */

/*
 * Check signature and length of a table handed to a parser; returns the
 * length to parse (the header's, within len), or 0 if unusable (logged).
 */
static u32 parser_len(const void *table, size_t len, const char *sig, u32 min_len)
{
	const struct acpi_sdt_header *h = table;

	if (!table || len < sizeof(*h)) {
		pr_err("%s: %zu bytes, too short for a header\n", sig, len);
		return 0;
	}
	if (memcmp(h->signature, sig, 4)) {
		pr_err("%s: wrong signature\n", sig);
		return 0;
	}
	if (h->length < min_len || h->length > len) {
		pr_err("%s: length %u outside [%u, %zu]\n", sig, h->length, min_len, len);
		return 0;
	}
	return h->length;
}

/* ---- MADT (5.2.12) ------------------------------------------------------- */

static void madt_add_cpu(struct acpi_madt *m, u32 apic_id, u32 uid, u32 flags, bool x2apic)
{
	for (unsigned int i = 0; i < m->nr_cpus; i++) {
		if (m->cpus[i].apic_id == apic_id) {
			pr_debug("MADT: apic id %u listed twice\n", apic_id);
			return;
		}
	}
	if (m->nr_cpus >= ACPI_MAX_CPUS) {
		if (!m->truncated)
			pr_warn("MADT: more than %u CPUs, apic id %u and "
				"later ignored\n",
				ACPI_MAX_CPUS, apic_id);
		m->truncated = true;
		return;
	}
	m->cpus[m->nr_cpus++] = (struct acpi_cpu){
		.apic_id = apic_id, .uid = uid, .flags = flags, .x2apic = x2apic
	};
	if (flags & ACPI_MADT_CPU_ENABLED)
		m->nr_enabled++;
}

/* Room for one more in a bounded list? Sets truncated (logged once) if not. */
static bool madt_room(struct acpi_madt *m, unsigned int nr, unsigned int max, const char *what)
{
	if (nr < max)
		return true;
	if (!m->truncated)
		pr_warn("MADT: more than %u %s, rest ignored\n", max, what);
	m->truncated = true;
	return false;
}

/* Minimum length of each known entry type; 0 for types we skip. */
static u8 madt_min_len(u8 type)
{
	switch (type) {
	case ACPI_MADT_LAPIC:
		return sizeof(struct acpi_madt_lapic);
	case ACPI_MADT_IOAPIC:
		return sizeof(struct acpi_madt_ioapic);
	case ACPI_MADT_ISO:
		return sizeof(struct acpi_madt_iso);
	case ACPI_MADT_NMI_SOURCE:
		return sizeof(struct acpi_madt_nmi_source);
	case ACPI_MADT_LAPIC_NMI:
		return sizeof(struct acpi_madt_lapic_nmi);
	case ACPI_MADT_LAPIC_OVERRIDE:
		return sizeof(struct acpi_madt_lapic_override);
	case ACPI_MADT_X2APIC:
		return sizeof(struct acpi_madt_x2apic);
	case ACPI_MADT_X2APIC_NMI:
		return sizeof(struct acpi_madt_x2apic_nmi);
	default:
		return 0;
	}
}

/* One entry of at least madt_min_len(type) bytes. */
static void madt_entry(struct acpi_madt *m, const u8 *e)
{
	switch (e[0]) {
	case ACPI_MADT_LAPIC: {
		const struct acpi_madt_lapic *l = (const void *)e;

		madt_add_cpu(m, l->apic_id, l->uid, l->flags, false);
		break;
	}
	case ACPI_MADT_X2APIC: {
		const struct acpi_madt_x2apic *x = (const void *)e;

		madt_add_cpu(m, x->x2apic_id, x->uid, x->flags, true);
		break;
	}
	case ACPI_MADT_IOAPIC: {
		const struct acpi_madt_ioapic *io = (const void *)e;

		if (madt_room(m, m->nr_ioapics, ACPI_MAX_IOAPICS, "IO-APICs"))
			m->ioapics[m->nr_ioapics++] = (struct acpi_ioapic){
				.id = io->id, .address = io->address, .gsi_base = io->gsi_base
			};
		break;
	}
	case ACPI_MADT_ISO: {
		const struct acpi_madt_iso *s = (const void *)e;

		if (madt_room(m, m->nr_isos, ACPI_MAX_IRQ_OVERRIDES, "interrupt overrides"))
			m->isos[m->nr_isos++] = (struct acpi_irq_override){
				.bus = s->bus, .source = s->source, .gsi = s->gsi, .flags = s->flags
			};
		break;
	}
	case ACPI_MADT_NMI_SOURCE: {
		const struct acpi_madt_nmi_source *s = (const void *)e;

		if (madt_room(m, m->nr_nmi_sources, ACPI_MAX_NMI_SOURCES, "NMI sources"))
			m->nmi_sources[m->nr_nmi_sources++] =
				(struct acpi_nmi_source){ .gsi = s->gsi, .flags = s->flags };
		break;
	}
	case ACPI_MADT_LAPIC_NMI:
	case ACPI_MADT_X2APIC_NMI: {
		struct acpi_lapic_nmi n;

		if (e[0] == ACPI_MADT_LAPIC_NMI) {
			const struct acpi_madt_lapic_nmi *l = (const void *)e;

			n = (struct acpi_lapic_nmi){ .uid = l->uid,
						     .flags = l->flags,
						     .lint = l->lint };
		} else {
			const struct acpi_madt_x2apic_nmi *x = (const void *)e;

			n = (struct acpi_lapic_nmi){
				.uid = x->uid, .flags = x->flags, .lint = x->lint, .x2apic = true
			};
		}
		if (madt_room(m, m->nr_lapic_nmis, ACPI_MAX_LAPIC_NMIS, "local APIC NMIs"))
			m->lapic_nmis[m->nr_lapic_nmis++] = n;
		break;
	}
	case ACPI_MADT_LAPIC_OVERRIDE: {
		const struct acpi_madt_lapic_override *o = (const void *)e;

		m->lapic_pa = o->address;
		break;
	}
	default:
		m->nr_other++;
		break;
	}
}

int acpi_madt_parse(const void *table, size_t len, struct acpi_madt *out)
{
	const struct acpi_madt_raw *raw = table;
	const u8 *p = table;
	u32 tlen, off;
	int err = 0;

	memset(out, 0, sizeof(*out));
	tlen = parser_len(table, len, ACPI_SIG_MADT, sizeof(*raw));
	if (!tlen)
		return -EINVAL;
	out->present = true;
	out->lapic_pa = raw->lapic_address;
	out->flags = raw->flags;

	/* Each step advances by >= 2 bytes within tlen: the walk is bounded. */
	for (off = sizeof(*raw); off < tlen;) {
		u8 type, elen;

		if (tlen - off < 2) {
			pr_err("MADT: truncated entry header at offset %u\n", off);
			err = -EBADMSG;
			break;
		}
		type = p[off];
		elen = p[off + 1];
		if (elen < 2) {
			pr_err("MADT: entry type %u at offset %u: bad length "
			       "%u, walk stopped\n",
			       type, off, elen);
			err = -EBADMSG;
			break;
		}
		if (elen > tlen - off) {
			pr_err("MADT: entry type %u at offset %u: length %u "
			       "runs past the table end (%u), walk stopped\n",
			       type, off, elen, tlen);
			err = -EBADMSG;
			break;
		}
		if (elen < madt_min_len(type)) {
			pr_err("MADT: entry type %u at offset %u: length %u "
			       "< %u, skipped\n",
			       type, off, elen, madt_min_len(type));
			err = -EBADMSG;
		} else {
			madt_entry(out, p + off);
		}
		off += elen;
	}
	return err;
}

/* ---- FADT (5.2.9) -------------------------------------------------------- */

/*
 * An I/O port from the X_ GAS (if set and in system I/O space) or else
 * from the legacy 32-bit block address; 0 if neither. Ports above 0xffff
 * are reported and dropped.
 */
static u16 fadt_port(const struct acpi_gas *x, u32 legacy, const char *what, int *err)
{
	u64 addr = legacy;

	if (x->address && x->space_id == ACPI_GAS_SPACE_IO)
		addr = x->address;
	if (addr > 0xffff) {
		pr_err("FADT: %s port 0x%lx out of range\n", what, addr);
		*err = -EBADMSG;
		return 0;
	}
	return (u16)addr;
}

int acpi_fadt_parse(const void *table, size_t len, struct acpi_fadt *out)
{
	struct acpi_fadt_raw f; /* zero beyond the table: short FADTs */
	u32 tlen;
	int err = 0;

	memset(out, 0, sizeof(*out));
	tlen = parser_len(table, len, ACPI_SIG_FADT, ACPI_FADT_MIN_LEN);
	if (!tlen)
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	memcpy(&f, table, MIN(tlen, sizeof(f)));

	out->present = true;
	out->revision = f.hdr.revision;
	out->len = tlen;
	out->flags = f.flags;
	out->sci_irq = f.sci_int;
	out->smi_cmd = f.smi_cmd;
	out->acpi_enable = f.acpi_enable;
	out->acpi_disable = f.acpi_disable;
	out->pm1a_evt = fadt_port(&f.x_pm1a_evt_blk, f.pm1a_evt_blk, "PM1a_EVT", &err);
	out->pm1b_evt = fadt_port(&f.x_pm1b_evt_blk, f.pm1b_evt_blk, "PM1b_EVT", &err);
	out->pm1a_cnt = fadt_port(&f.x_pm1a_cnt_blk, f.pm1a_cnt_blk, "PM1a_CNT", &err);
	out->pm1b_cnt = fadt_port(&f.x_pm1b_cnt_blk, f.pm1b_cnt_blk, "PM1b_CNT", &err);
	out->pm_tmr = fadt_port(&f.x_pm_tmr_blk, f.pm_tmr_blk, "PM_TMR", &err);
	out->pm1_cnt_len = f.pm1_cnt_len;
	out->pm_tmr_len = f.pm_tmr_len;
	out->pm_tmr_32bit = f.flags & ACPI_FADT_F_TMR_VAL_EXT;
	if (out->pm_tmr && f.pm_tmr_len != 4)
		pr_warn("FADT: PM_TMR_LEN %u (expected 4)\n", f.pm_tmr_len);
	out->iapc_boot_arch = f.iapc_boot_arch;
	out->century = f.century;
	out->dsdt_pa = f.x_dsdt ? f.x_dsdt : f.dsdt;
	out->facs_pa = f.x_firmware_ctrl ? f.x_firmware_ctrl : f.firmware_ctrl;
	if (tlen > offsetof(struct acpi_fadt_raw, reset_value) &&
	    (f.flags & ACPI_FADT_F_RESET_REG_SUP)) {
		out->reset_valid = true;
		out->reset_space = f.reset_reg.space_id;
		out->reset_addr = f.reset_reg.address;
		out->reset_value = f.reset_value;
	}
	return err;
}

/* ---- MCFG (PCI Firmware 3.0, 4.1.2) -------------------------------------- */

int acpi_mcfg_parse(const void *table, size_t len, struct acpi_mcfg *out)
{
	const u8 *p = table;
	u32 tlen, off;
	int err = 0;

	memset(out, 0, sizeof(*out));
	tlen = parser_len(table, len, ACPI_SIG_MCFG, sizeof(struct acpi_mcfg_raw));
	if (!tlen)
		return -EINVAL;
	out->present = true;
	if ((tlen - sizeof(struct acpi_mcfg_raw)) % sizeof(struct acpi_mcfg_alloc)) {
		pr_err("MCFG: length %u is not 44 + 16 * n, tail ignored\n", tlen);
		err = -EBADMSG;
	}
	for (off = sizeof(struct acpi_mcfg_raw); tlen - off >= sizeof(struct acpi_mcfg_alloc);
	     off += sizeof(struct acpi_mcfg_alloc)) {
		const struct acpi_mcfg_alloc *a = (const void *)(p + off);

		if (a->start_bus > a->end_bus || !a->base) {
			pr_err("MCFG: bad entry seg %u bus %u-%u base 0x%lx, "
			       "skipped\n",
			       a->segment, a->start_bus, a->end_bus, (u64)a->base);
			err = -EBADMSG;
			continue;
		}
		if (out->nr_ecam >= ACPI_MAX_ECAM) {
			pr_warn("MCFG: more than %u segments, rest ignored\n", ACPI_MAX_ECAM);
			out->truncated = true;
			break;
		}
		out->ecam[out->nr_ecam++] = (struct acpi_ecam){ .base = a->base,
								.segment = a->segment,
								.start_bus = a->start_bus,
								.end_bus = a->end_bus };
	}
	return err;
}

/* ---- HPET (IA-PC HPET 1.0a, 3.2.4) --------------------------------------- */

int acpi_hpet_parse(const void *table, size_t len, struct acpi_hpet *out)
{
	const struct acpi_hpet_raw *h = table;

	memset(out, 0, sizeof(*out));
	if (!parser_len(table, len, ACPI_SIG_HPET, sizeof(*h)))
		return -EINVAL;
	out->present = true;
	out->block_id = h->event_timer_block_id;
	out->number = h->hpet_number;
	out->min_tick = h->min_tick;
	out->base = h->base.address;
	if (h->base.space_id != ACPI_GAS_SPACE_MEMORY || !out->base) {
		pr_err("HPET: base 0x%lx in address space %u, not usable\n", out->base,
		       h->base.space_id);
		out->base = 0;
		return -EBADMSG;
	}
	return 0;
}
