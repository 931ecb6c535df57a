// SPDX-License-Identifier: MIT
/*
 * VT-d fault polling (spec 7.2.1 primary fault logging, 11.4 FSTS and the
 * fault recording registers at CAP.FRO). Records are walked from FSTS.FRI
 * over all CAP.NFR+1 slots (bounded), decoded, printed and cleared by
 * writing F back (RW1C); overflow and invalidation errors are reported and
 * cleared too. Lines are rate-limited per unit; counting never stops.
 */
#include "drivers/vtd_fault.h"
#include "drivers/vtd_ctl.h"
#include "drivers/vtd_qi.h"
#include "lib/bitops.h"
#define LOG_PREFIX "VTD: "
#include "lib/log.h"

const char *vtd_fault_reason_name(unsigned int reason)
{
	static const char *const names[] = {
		[VTD_FR_ROOT_NOT_PRESENT] = "root entry not present",
		[VTD_FR_CTX_NOT_PRESENT] = "context entry not present",
		[VTD_FR_CTX_INVALID] = "invalid context entry",
		[VTD_FR_BEYOND_MGAW] = "address beyond MGAW",
		[VTD_FR_WRITE_DENIED] = "write denied",
		[VTD_FR_READ_DENIED] = "read denied",
		[VTD_FR_PT_ACCESS] = "paging entry access error",
		[VTD_FR_ROOT_ACCESS] = "root entry access error",
		[VTD_FR_CTX_ACCESS] = "context entry access error",
		[VTD_FR_ROOT_RSVD] = "root entry reserved bits",
		[VTD_FR_CTX_RSVD] = "context entry reserved bits",
		[VTD_FR_PTE_RSVD] = "paging entry reserved bits",
		[VTD_FR_TT_BLOCKED] = "request blocked by translation type",
		[VTD_FR_IR_RSVD] = "interrupt request reserved bits",
		[VTD_FR_IR_INDEX] = "interrupt index beyond table",
		[VTD_FR_IRTE_NOT_PRESENT] = "IRTE not present",
		[VTD_FR_IRTE_ACCESS] = "IRTE access error",
		[VTD_FR_IRTE_RSVD] = "IRTE reserved bits",
		[VTD_FR_IR_CFI_BLOCKED] = "compatibility interrupt blocked",
		[VTD_FR_IRTE_SID] = "interrupt source-id check failed",
	};

	return reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "reserved";
}

/* {T2,T1} of a fault record (9.9); rev-2 units only have T1 (1 = read). */
static const char *access_name(u64 hi)
{
	static const char *const names[] = { "write", "read", "page-request", "atomic" };

	return names[(hi & VTD_FRCD_HI_T2 ? 2 : 0) | (hi & VTD_FRCD_HI_T1 ? 1 : 0)];
}

static void print_record(u64 lo, u64 hi)
{
	unsigned int sid = (unsigned int)FIELD_GET(VTD_FRCD_HI_SID, hi);
	unsigned int fr = (unsigned int)FIELD_GET(VTD_FRCD_HI_FR, hi);

	printk("VTD: fault sid=%02x:%02x.%x addr=%#lx reason=0x%02x (%s) %s\n", sid >> 8,
	       (sid >> 3) & 0x1f, sid & 7, (u64)(lo & VTD_FRCD_LO_FI), fr,
	       vtd_fault_reason_name(fr), access_name(hi));
}

static vtd_fault_sink_fn fault_sink;
static void *fault_sink_ctx;

void vtd_fault_set_sink(vtd_fault_sink_fn fn, void *ctx)
{
	fault_sink_ctx = ctx;
	fault_sink = fn;
}

/* Record i: report and clear it if F is set. Returns whether it was. */
static bool poll_record(const struct vtd_unit *u, unsigned int i, bool print)
{
	u32 off = vtd_frcd_reg_offset(u->cap, i);
	u64 hi = vtd_read64(u, off + VTD_REL64_FRCD_HI), lo;

	if (!(hi & VTD_FRCD_HI_F))
		return false;
	lo = vtd_read64(u, off + VTD_REL64_FRCD_LO);
	if (print)
		print_record(lo, hi);
	if (fault_sink)
		fault_sink(fault_sink_ctx, (u16)FIELD_GET(VTD_FRCD_HI_SID, hi), lo & VTD_FRCD_LO_FI,
			   (unsigned int)FIELD_GET(VTD_FRCD_HI_FR, hi),
			   !(hi & (VTD_FRCD_HI_T1 | VTD_FRCD_HI_T2)));
	/* F is bit 127 of the record: write 1 to its dword (RW1C) */
	vtd_write32(u, off + VTD_REL64_FRCD_HI + 4, (u32)(VTD_FRCD_HI_F >> 32));
	return true;
}

static unsigned int poll_records(const struct vtd_unit *u, u32 fsts, u64 seen)
{
	unsigned int nfr = u->caps.nfr ? u->caps.nfr : 1, first, n = 0;

	first = (unsigned int)FIELD_GET(VTD_FSTS_FRI, fsts) % nfr;
	for (unsigned int k = 0; k < nfr; k++) {
		bool print = seen + n < VTD_FAULT_PRINT_LIMIT;

		if (!poll_record(u, (first + k) % nfr, print))
			continue;
		if (++n + seen == VTD_FAULT_PRINT_LIMIT)
			printk("VTD: %u faults printed; further faults are only counted\n",
			       VTD_FAULT_PRINT_LIMIT);
	}
	return n;
}

/* IQE/ICE/ITE without driver state: report and clear. */
static unsigned int inv_errors_bare(const struct vtd_unit *u, u32 fsts)
{
	u32 bits = fsts & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE);

	pr_err("invalidation error FSTS=0x%x (IQE=%d ICE=%d ITE=%d) IQERCD=0x%lx\n", fsts,
	       !!(fsts & VTD_FSTS_IQE), !!(fsts & VTD_FSTS_ICE), !!(fsts & VTD_FSTS_ITE),
	       vtd_read64(u, VTD_REG64_IQERCD));
	vtd_write32(u, VTD_REG32_FSTS, bits);
	return !!(bits & VTD_FSTS_IQE) + !!(bits & VTD_FSTS_ICE) + !!(bits & VTD_FSTS_ITE);
}

unsigned int vtd_fault_poll(struct vtd_unit *u)
{
	struct vtd_hw *hw = vtd_hw_find(u);
	u32 fsts = vtd_read32(u, VTD_REG32_FSTS);
	unsigned int faults = 0, n = 0;

	if (fsts == ~0u) /* unit gone: nothing sane to decode */
		return 0;
	if (fsts & VTD_FSTS_PPF)
		faults = poll_records(u, fsts, hw ? hw->faults : 0);
	if (fsts & VTD_FSTS_PFO) {
		pr_err("primary fault overflow: faults were lost\n");
		vtd_write32(u, VTD_REG32_FSTS, VTD_FSTS_PFO);
		n++;
	}
	if (fsts & (VTD_FSTS_AFO | VTD_FSTS_APF)) /* advanced logging: unused */
		vtd_write32(u, VTD_REG32_FSTS, fsts & (VTD_FSTS_AFO | VTD_FSTS_APF));
	if (fsts & (VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE))
		n += hw ? vtd_qi_handle_errors(&hw->qi, fsts) : inv_errors_bare(u, fsts);
	if (hw)
		hw->faults += faults;
	return faults + n;
}
