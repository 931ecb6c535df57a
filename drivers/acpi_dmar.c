// SPDX-License-Identifier: MIT
/*
 * DMAR table (Intel VT-d spec rev 4.1, chapter 8): host address width,
 * DRHD units with their device scopes, RMRRs; ATSR, RHSA and other
 * structures are walked (and their scopes checked) but not recorded.
 * Pure: a function of (table, len) into struct acpi_dmar. Nothing is
 * resolved (no PCI bus walk); scopes are recorded as the firmware wrote them.
 */
#define LOG_PREFIX "acpi: DMAR: "
#include "drivers/acpi.h"
#include "drivers/acpi_tables.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"

static const char *const scope_names[] = {
	[ACPI_DMAR_SCOPE_PCI_ENDPOINT] = "pci-endpoint",
	[ACPI_DMAR_SCOPE_PCI_SUBHIERARCHY] = "pci-bridge",
	[ACPI_DMAR_SCOPE_IOAPIC] = "ioapic",
	[ACPI_DMAR_SCOPE_HPET] = "hpet",
	[ACPI_DMAR_SCOPE_ACPI_NAMESPACE] = "acpi-namespace",
};

const char *acpi_devscope_type_name(u8 type)
{
	return type < ARRAY_SIZE(scope_names) && scope_names[type] ? scope_names[type] : "?";
}

/*
 * Walk the device scopes (8.3.1) in p[0..len) of the structure at offset
 * where (for messages), recording up to max of them in arr (arr NULL: only
 * validate). A scope shorter than its 6-byte header or running past the
 * structure stops the walk; one with a malformed path (odd, or empty) is
 * skipped. Returns 0 or -EBADMSG.
 */
static int parse_scopes(const u8 *p, u32 len, u32 where, const char *what,
			struct acpi_devscope *arr, unsigned int max, unsigned int *nr,
			bool *truncated)
{
	int err = 0;

	for (u32 off = 0; off < len;) {
		const struct acpi_dmar_scope *s = (const void *)(p + off);
		struct acpi_devscope *d;
		u32 npath;

		if (len - off < sizeof(*s)) {
			pr_err("%s at 0x%x: truncated device scope at +%u\n", what, where, off);
			return -EBADMSG;
		}
		if (s->length < sizeof(*s)) {
			pr_err("%s at 0x%x: device scope at +%u has bad "
			       "length %u, walk stopped\n",
			       what, where, off, s->length);
			return -EBADMSG;
		}
		if (s->length > len - off) {
			pr_err("%s at 0x%x: device scope at +%u: length %u "
			       "runs past the structure (%u left)\n",
			       what, where, off, s->length, len - off);
			return -EBADMSG;
		}
		npath = (s->length - sizeof(*s)) / 2;
		if ((s->length - sizeof(*s)) % 2 || !npath) {
			pr_err("%s at 0x%x: device scope at +%u: length %u "
			       "is not 6 + 2n (n >= 1), skipped\n",
			       what, where, off, s->length);
			err = -EBADMSG;
			off += s->length;
			continue;
		}
		if (arr && *nr >= max) {
			if (!*truncated)
				pr_warn("%s at 0x%x: more than %u device "
					"scopes, rest ignored\n",
					what, where, max);
			*truncated = true;
		} else if (arr) {
			d = &arr[(*nr)++];
			memset(d, 0, sizeof(*d));
			d->type = s->type;
			d->flags = s->flags;
			d->enum_id = s->enumeration_id;
			d->start_bus = s->start_bus;
			if (npath > ACPI_DMAR_MAX_PATH) {
				pr_warn("%s at 0x%x: device scope path of %u "
					"hops, first %u kept\n",
					what, where, npath, ACPI_DMAR_MAX_PATH);
				*truncated = true;
				npath = ACPI_DMAR_MAX_PATH;
			}
			d->nr_path = (u8)npath;
			for (u32 i = 0; i < npath; i++) {
				d->path[i].dev = p[off + sizeof(*s) + 2 * i];
				d->path[i].fn = p[off + sizeof(*s) + 2 * i + 1];
			}
		}
		off += s->length;
	}
	return err;
}

/* One DRHD (8.3) of elen >= 16 bytes at p (offset where in the table). */
static int parse_drhd(const u8 *p, u32 elen, u32 where, struct acpi_dmar *out)
{
	const struct acpi_dmar_drhd *r = (const void *)p;
	struct acpi_drhd *u;
	int err;

	if (out->nr_drhd >= ACPI_DMAR_MAX_DRHD) {
		pr_warn("more than %u DRHDs, unit at 0x%lx ignored\n", ACPI_DMAR_MAX_DRHD,
			(u64)r->base);
		out->truncated = true;
		return parse_scopes(p + sizeof(*r), elen - sizeof(*r), where, "DRHD", NULL, 0, NULL,
				    NULL);
	}
	u = &out->drhd[out->nr_drhd++];
	memset(u, 0, sizeof(*u));
	u->flags = r->flags;
	u->size = r->size & 0xf;
	u->segment = r->segment;
	u->base = r->base;
	if (!u->base || !IS_ALIGNED(u->base, PAGE_SIZE))
		pr_warn("DRHD at 0x%x: register base 0x%lx is not a page "
			"address\n",
			where, u->base);
	err = parse_scopes(p + sizeof(*r), elen - sizeof(*r), where, "DRHD", u->scopes,
			   ACPI_DMAR_MAX_SCOPES, &u->nr_scopes, &u->scopes_truncated);
	if (u->scopes_truncated)
		out->truncated = true;
	return err;
}

/* One RMRR (8.4) of elen >= 24 bytes at p. */
static int parse_rmrr(const u8 *p, u32 elen, u32 where, struct acpi_dmar *out)
{
	const struct acpi_dmar_rmrr *r = (const void *)p;
	struct acpi_rmrr *m;
	int err;

	if (r->base > r->limit) {
		pr_err("RMRR at 0x%x: base 0x%lx above limit 0x%lx, skipped\n", where, (u64)r->base,
		       (u64)r->limit);
		return -EBADMSG;
	}
	if (out->nr_rmrr >= ACPI_DMAR_MAX_RMRR) {
		pr_warn("more than %u RMRRs, 0x%lx-0x%lx ignored\n", ACPI_DMAR_MAX_RMRR,
			(u64)r->base, (u64)r->limit);
		out->truncated = true;
		return parse_scopes(p + sizeof(*r), elen - sizeof(*r), where, "RMRR", NULL, 0, NULL,
				    NULL);
	}
	m = &out->rmrr[out->nr_rmrr++];
	memset(m, 0, sizeof(*m));
	m->segment = r->segment;
	m->base = r->base;
	m->limit = r->limit;
	if (!IS_ALIGNED(m->base, PAGE_SIZE) || !IS_ALIGNED(m->limit + 1, PAGE_SIZE))
		pr_warn("RMRR at 0x%x: 0x%lx-0x%lx is not page aligned\n", where, m->base,
			m->limit);
	err = parse_scopes(p + sizeof(*r), elen - sizeof(*r), where, "RMRR", m->scopes,
			   ACPI_DMAR_MAX_SCOPES, &m->nr_scopes, &m->scopes_truncated);
	if (m->scopes_truncated)
		out->truncated = true;
	return err;
}

/* Fixed-part size of each structure type we look into; 4 for the others. */
#define ATSR_LEN ((u32)sizeof(struct acpi_dmar_atsr))

static u32 dmar_min_len(u16 type)
{
	switch (type) {
	case ACPI_DMAR_DRHD:
		return sizeof(struct acpi_dmar_drhd);
	case ACPI_DMAR_RMRR:
		return sizeof(struct acpi_dmar_rmrr);
	case ACPI_DMAR_ATSR:
		return sizeof(struct acpi_dmar_atsr);
	case ACPI_DMAR_RHSA:
		return sizeof(struct acpi_dmar_rhsa);
	default:
		return sizeof(struct acpi_dmar_entry);
	}
}

static const char *dmar_type_name(u16 type)
{
	switch (type) {
	case ACPI_DMAR_DRHD:
		return "DRHD";
	case ACPI_DMAR_RMRR:
		return "RMRR";
	case ACPI_DMAR_ATSR:
		return "ATSR";
	case ACPI_DMAR_RHSA:
		return "RHSA";
	default:
		return "structure";
	}
}

int acpi_dmar_parse(const void *table, size_t len, struct acpi_dmar *out)
{
	const struct acpi_dmar_raw *raw = table;
	const u8 *p = table;
	u32 tlen, off;
	int err = 0, e;

	memset(out, 0, sizeof(*out));
	if (!table || len < sizeof(*raw) || memcmp(raw->hdr.signature, ACPI_SIG_DMAR, 4) ||
	    raw->hdr.length < sizeof(*raw) || raw->hdr.length > len) {
		pr_err("not a usable DMAR (%zu bytes)\n", len);
		return -EINVAL;
	}
	tlen = raw->hdr.length;
	out->present = true;
	out->haw = (u8)(raw->host_address_width + 1);
	out->flags = raw->flags;

	/* Each step advances by >= 4 bytes within tlen: the walk is bounded. */
	for (off = sizeof(*raw); off < tlen;) {
		const struct acpi_dmar_entry *s = (const void *)(p + off);
		u32 elen;

		if (tlen - off < sizeof(*s)) {
			pr_err("truncated structure header at 0x%x\n", off);
			err = -EBADMSG;
			break;
		}
		elen = s->length;
		if (elen < sizeof(*s)) {
			pr_err("%s at 0x%x: bad length %u, walk stopped\n", dmar_type_name(s->type),
			       off, elen);
			err = -EBADMSG;
			break;
		}
		if (elen > tlen - off) {
			pr_err("%s at 0x%x: length %u runs past the table end "
			       "(%u), walk stopped\n",
			       dmar_type_name(s->type), off, elen, tlen);
			err = -EBADMSG;
			break;
		}
		if (elen < dmar_min_len(s->type)) {
			pr_err("%s at 0x%x: length %u < %u, skipped\n", dmar_type_name(s->type),
			       off, elen, dmar_min_len(s->type));
			err = -EBADMSG;
			off += elen;
			continue;
		}
		switch (s->type) {
		case ACPI_DMAR_DRHD:
			e = parse_drhd(p + off, elen, off, out);
			break;
		case ACPI_DMAR_RMRR:
			e = parse_rmrr(p + off, elen, off, out);
			break;
		case ACPI_DMAR_ATSR:
			out->nr_atsr++;
			e = parse_scopes(p + off + ATSR_LEN, elen - ATSR_LEN, off, "ATSR", NULL, 0,
					 NULL, NULL);
			break;
		case ACPI_DMAR_RHSA:
			out->nr_rhsa++;
			e = 0;
			break;
		default:
			out->nr_other++;
			e = 0;
			break;
		}
		if (e)
			err = e;
		off += elen;
	}
	if (!out->nr_drhd) {
		pr_err("no DRHD: no usable remapping unit\n");
		err = err ? err : -EBADMSG;
	}
	return err;
}

static void print_scopes(const struct acpi_devscope *s, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++, s++) {
		char path[ACPI_DMAR_MAX_PATH * 6 + 1];
		size_t n = 0;

		path[0] = '\0';
		/* at most 8 * ",ff.ff": always fits */
		for (unsigned int j = 0; j < s->nr_path && n < sizeof(path); j++)
			n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%02x.%x", j ? "," : "",
					      s->path[j].dev, s->path[j].fn);
		printk("DMAR:   scope type=%s id=%u bus=%02x path=%s\n",
		       acpi_devscope_type_name(s->type), s->enum_id, s->start_bus, path);
	}
}

void acpi_dmar_print(const struct acpi_dmar *dmar)
{
	if (!dmar->present) {
		printk("DMAR: none (no IOMMU described by firmware)\n");
		return;
	}
	printk("DMAR: haw=%u flags=0x%x drhd=%u rmrr=%u atsr=%u rhsa=%u%s%s\n", dmar->haw,
	       dmar->flags, dmar->nr_drhd, dmar->nr_rmrr, dmar->nr_atsr, dmar->nr_rhsa,
	       dmar->truncated ? " (truncated)" : "", dmar->err ? " (malformed)" : "");
	for (unsigned int i = 0; i < dmar->nr_drhd; i++) {
		const struct acpi_drhd *u = &dmar->drhd[i];

		printk("DMAR: drhd %u base=0x%lx flags=0x%x seg=%u "
		       "scopes=%u%s\n",
		       i, u->base, u->flags, u->segment, u->nr_scopes,
		       u->flags & ACPI_DMAR_DRHD_F_INCLUDE_PCI_ALL ? " include_pci_all" : "");
		print_scopes(u->scopes, u->nr_scopes);
	}
	for (unsigned int i = 0; i < dmar->nr_rmrr; i++) {
		const struct acpi_rmrr *r = &dmar->rmrr[i];

		printk("DMAR: rmrr %u base=0x%lx limit=0x%lx seg=%u "
		       "scopes=%u\n",
		       i, r->base, r->limit, r->segment, r->nr_scopes);
		print_scopes(r->scopes, r->nr_scopes);
	}
}
