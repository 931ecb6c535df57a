// SPDX-License-Identifier: MIT
/*
 * Guest Linux boot plan, 64-bit boot protocol (Documentation/arch/x86/
 * boot.rst, "64-bit Boot Protocol"; zero page per zero-page.rst). The
 * hypervisor is the boot loader: it got the bzImage and initrd from GRUB
 * as modules, and here decides where everything goes in guest-physical
 * (== host-physical) memory and fills the zero page. Invariants of a
 * successful plan: the kernel's [load, load + init_size) is guest RAM
 * below 4 GiB and clear of the low scratch and of the bzImage (unless the
 * kernel is not relocatable) and of the final initrd; the initrd's final
 * place is guest RAM ending at or below initrd_addr_max + 1.
 */
#define LOG_PREFIX "GUESTBOOT: "
#include "vmm/guest_boot.h"
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/log.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vmm/bootparam.h"

/* The kernel never goes below the classic bzImage address. */
#define KERNEL_FLOOR BP_BZIMAGE_LOAD_ADDR
/* The low scratch area stays below 1 MiB (real-mode reachable). */
#define SCRATCH_LIMIT 0x100000ULL

/* Page-table entry bits (SDM Vol. 3A 4.5, "4-Level Paging"). */
#define PTE_P BIT(0)
#define PTE_RW BIT(1)
#define PTE_PS BIT(7) /* in a PD entry: maps a 2 MiB page */

static int __printf(3, 4) fail(struct guest_boot_plan *plan, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(plan->error, sizeof(plan->error), fmt, ap);
	va_end(ap);
	return err;
}

/* [base, base+len) does not wrap past 2^64 (len 0 is fine). */
static bool range_ok(u64 base, u64 len)
{
	return len <= ~0ULL - base + 1 || !base;
}

static bool is_pow2(u64 v)
{
	return v && !(v & (v - 1));
}

/* ---- Setup header ---- */

/* Magic, version and header length; fills boot_version and setup_hdr_end. */
static int check_header_id(struct guest_boot_plan *plan, const void *bz, u64 avail)
{
	u32 end;

	if (!bz || avail < BP_VERSION + 2)
		return fail(plan, -EINVAL, "bzImage header truncated (%lu bytes available)",
			    (unsigned long)avail);
	if (bp_get16(bz, BP_BOOT_FLAG) != BP_BOOT_FLAG_MAGIC)
		return fail(plan, -EINVAL, "not a bzImage (boot_flag 0x%04x, expected 0xaa55)",
			    bp_get16(bz, BP_BOOT_FLAG));
	if (bp_get32(bz, BP_HEADER) != BP_HEADER_MAGIC)
		return fail(plan, -EINVAL, "not a bzImage (no \"HdrS\" signature at 0x202)");
	plan->boot_version = bp_get16(bz, BP_VERSION);
	if (plan->boot_version < BP_VERSION_2_12)
		return fail(plan, -EINVAL,
			    "bzImage too old for the 64-bit entry (protocol "
			    "%u.%02u)",
			    plan->boot_version >> 8, plan->boot_version & 0xff);
	end = BP_HEADER + bp_get8(bz, BP_JUMP_LEN);
	if (end < BP_INIT_SIZE + 4 || end > BP_HDR_AREA_END)
		return fail(plan, -EINVAL, "bzImage setup header length bad (ends at 0x%x)", end);
	if (avail < end)
		return fail(plan, -EINVAL,
			    "bzImage header truncated (%lu bytes available, "
			    "header ends at 0x%x)",
			    (unsigned long)avail, end);
	plan->setup_hdr_end = end;
	return 0;
}

/* The fields the plan needs, checked against the module's length. */
static int read_header(struct guest_boot_plan *plan, const void *bz,
		       const struct guest_boot_input *in)
{
	u8 loadflags = bp_get8(bz, BP_LOADFLAGS);
	u32 sects = bp_get8(bz, BP_SETUP_SECTS);
	u64 setup, sys;

	plan->xloadflags = bp_get16(bz, BP_XLOADFLAGS);
	if (!(loadflags & BP_LOADED_HIGH))
		return fail(plan, -EINVAL, "not a bzImage (loadflags 0x%02x lacks LOADED_HIGH)",
			    loadflags);
	if (!(plan->xloadflags & BP_XLF_KERNEL_64))
		return fail(plan, -EINVAL, "bzImage has no 64-bit entry (xloadflags 0x%04x)",
			    plan->xloadflags);
	setup = (u64)((sects ? sects : BP_SETUP_SECTS_DEFAULT) + 1) * BP_SECTOR_SIZE;
	sys = (u64)bp_get32(bz, BP_SYSSIZE) * 16;
	if (in->kernel_len <= setup || in->kernel_len - setup < sys)
		return fail(plan, -EINVAL,
			    "bzImage module truncated (%lu bytes, setup 0x%lx "
			    "+ kernel 0x%lx)",
			    (unsigned long)in->kernel_len, (unsigned long)setup,
			    (unsigned long)sys);
	if (!range_ok(in->kernel_pa, in->kernel_len))
		return fail(plan, -EINVAL, "bzImage module wraps");
	plan->kernel_src_pa = in->kernel_pa + setup;
	plan->kernel_copy_len = in->kernel_len - setup;
	plan->init_size = bp_get32(bz, BP_INIT_SIZE);
	if (plan->init_size < plan->kernel_copy_len)
		return fail(plan, -EINVAL,
			    "bzImage init_size 0x%x smaller than its kernel "
			    "(0x%lx)",
			    plan->init_size, (unsigned long)plan->kernel_copy_len);
	plan->pref_address = bp_get64(bz, BP_PREF_ADDRESS);
	if (!plan->pref_address)
		plan->pref_address = BP_BZIMAGE_LOAD_ADDR;
	plan->relocatable = bp_get8(bz, BP_RELOCATABLE_KERNEL) != 0;
	plan->kernel_alignment = bp_get32(bz, BP_KERNEL_ALIGNMENT);
	if (plan->relocatable && !is_pow2(plan->kernel_alignment))
		return fail(plan, -EINVAL, "bzImage kernel_alignment 0x%lx is not a power of 2",
			    (unsigned long)plan->kernel_alignment);
	plan->cmdline_size = bp_get32(bz, BP_CMDLINE_SIZE);
	return 0;
}

/* ---- Guest E820 ---- */

static int build_e820(struct guest_boot_plan *plan, const struct guest_boot_input *in)
{
	struct mem_range *w = plan->map_work;
	const unsigned int cap = GUEST_BOOT_MAP_WORK;
	unsigned int n, i;

	if (in->nr_fw > cap || in->nr_extra > cap - in->nr_fw)
		return fail(plan, -E2BIG,
			    "memory map too large (%u firmware + %u extra "
			    "ranges)",
			    in->nr_fw, in->nr_extra);
	if (!in->nr_fw || !in->fw_map)
		return fail(plan, -EINVAL, "no firmware memory map");
	memcpy(w, in->fw_map, in->nr_fw * sizeof(*w));
	n = in->nr_fw;
	/* A full work array after normalising may have lost pieces. */
	memrange_normalise(w, &n, cap);
	if (n >= cap)
		goto too_big;
	for (i = 0; i < in->nr_hv; i++)
		if (memrange_subtract(w, &n, cap, in->hv[i].base, in->hv[i].len))
			goto too_big;
	for (i = 0; i < in->nr_extra; i++) {
		if (memrange_subtract(w, &n, cap, in->extra[i].base, in->extra[i].len) || n >= cap)
			goto too_big;
		w[n++] = in->extra[i];
	}
	memrange_normalise(w, &n, cap);
	if (n >= cap)
		goto too_big;
	if (n > GUEST_BOOT_E820_MAX)
		return fail(plan, -E2BIG,
			    "guest E820 needs %u entries (the zero page holds "
			    "%u)",
			    n, GUEST_BOOT_E820_MAX);
	memcpy(plan->e820, w, n * sizeof(*w));
	plan->nr_e820 = n;
	return 0;
too_big:
	return fail(plan, -E2BIG, "guest E820 needs more than %u working entries", cap);
}

/* Is [base, base+len) guest RAM (available in the guest E820)? */
static bool guest_ram(const struct guest_boot_plan *plan, u64 base, u64 len)
{
	return memrange_contains(plan->e820, plan->nr_e820, MEMRANGE_AVAILABLE, base, len);
}

/* The first of avoid[] overlapping [base, base+len), or NULL. */
static const struct mem_range *conflict(const struct mem_range *avoid, unsigned int navoid,
					u64 base, u64 len)
{
	for (unsigned int i = 0; i < navoid; i++)
		if (ranges_overlap(base, len, avoid[i].base, avoid[i].len))
			return &avoid[i];
	return NULL;
}

/*
 * Lowest [*out, *out+size) aligned to align, inside one available range
 * of the (normalised, sorted) guest E820, at or above floor, ending at or
 * below limit (<= 2^63), clear of avoid[]. Returns true if found.
 */
static bool find_lowest(const struct guest_boot_plan *plan, u64 size, u64 align, u64 floor,
			u64 limit, const struct mem_range *avoid, unsigned int navoid, u64 *out)
{
	for (unsigned int i = 0; i < plan->nr_e820; i++) {
		const struct mem_range *r = &plan->e820[i];
		u64 end, cand;

		if (r->type != MEMRANGE_AVAILABLE || r->base >= limit)
			continue;
		end = r->base + MIN(r->len, limit - r->base);
		cand = ALIGN_UP(MAX(r->base, floor), align);
		/* Each step jumps past one avoid range: navoid + 1 steps. */
		for (unsigned int step = 0; step <= navoid; step++) {
			const struct mem_range *c;

			if (cand > end || end - cand < size)
				break;
			c = conflict(avoid, navoid, cand, size);
			if (!c) {
				*out = cand;
				return true;
			}
			if (c->len >= limit - MIN(c->base, limit))
				break; /* reaches the limit */
			cand = ALIGN_UP(c->base + c->len, align);
		}
	}
	return false;
}

/* ---- Kernel and initrd placement ---- */

/* Could the kernel run at base: guest RAM, below 4 GiB, clear of avoid[]? */
static bool kernel_fits(const struct guest_boot_plan *plan, u64 base, const struct mem_range *avoid,
			unsigned int navoid)
{
	u64 size = plan->init_size;

	return base >= KERNEL_FLOOR && base < GUEST_BOOT_IDENT_LIMIT &&
	       size <= GUEST_BOOT_IDENT_LIMIT - base && guest_ram(plan, base, size) &&
	       !conflict(avoid, navoid, base, size);
}

static int place_kernel(struct guest_boot_plan *plan, const struct guest_boot_input *in,
			const void *bz)
{
	struct mem_range avoid[3];
	unsigned int navoid = 0;
	u8 min_shift = bp_get8(bz, BP_MIN_ALIGNMENT);
	u64 pref = plan->pref_address, align, min_align;

	avoid[navoid++] = (struct mem_range){ in->low_scratch_pa, GUEST_BOOT_SCRATCH_SIZE, 0 };
	if (!plan->relocatable) {
		/* It moves itself to pref_address anyway: load it there. */
		if (!kernel_fits(plan, pref, avoid, navoid))
			return fail(plan, -ENOMEM,
				    "non-relocatable kernel needs [0x%lx,+0x%x) "
				    "which is not free guest RAM below 4 GiB",
				    (unsigned long)pref, plan->init_size);
		plan->kernel_load_pa = pref;
		return 0;
	}
	avoid[navoid++] = (struct mem_range){ in->kernel_pa, in->kernel_len, 0 };
	avoid[navoid++] = (struct mem_range){ in->initrd_pa, in->initrd_len, 0 };
	if (IS_ALIGNED(pref, plan->kernel_alignment) && kernel_fits(plan, pref, avoid, navoid)) {
		plan->kernel_load_pa = pref;
		return 0;
	}
	/*
	 * boot.rst (min_alignment): try each power of two from
	 * kernel_alignment down to 1 << min_alignment.
	 */
	min_align = min_shift && min_shift < 32 ? 1ULL << min_shift : plan->kernel_alignment;
	for (align = plan->kernel_alignment; align >= min_align && align; align >>= 1) {
		u64 at;

		if (find_lowest(plan, plan->init_size, align, KERNEL_FLOOR, GUEST_BOOT_IDENT_LIMIT,
				avoid, navoid, &at)) {
			plan->kernel_load_pa = at;
			plan->kernel_alignment = align;
			return 0;
		}
	}
	return fail(plan, -ENOMEM,
		    "no free guest RAM below 4 GiB for the kernel (init_size "
		    "0x%x)",
		    plan->init_size);
}

static int place_initrd(struct guest_boot_plan *plan, const struct guest_boot_input *in,
			const void *bz)
{
	u64 max = bp_get32(bz, BP_INITRD_ADDR_MAX), limit = max + 1, at;
	struct mem_range avoid[3] = {
		{ plan->kernel_load_pa, plan->init_size, 0 },
		{ in->kernel_pa, in->kernel_len, 0 },
		{ in->low_scratch_pa, GUEST_BOOT_SCRATCH_SIZE, 0 },
	};
	u64 base = in->initrd_pa, len = in->initrd_len;

	if (!len)
		return 0; /* no initrd: ramdisk fields stay 0 */
	if (!range_ok(base, len))
		return fail(plan, -EINVAL, "initrd module wraps");
	plan->initrd_len = len;
	if (base < limit && len <= limit - base && guest_ram(plan, base, len) &&
	    !conflict(avoid, ARRAY_SIZE(avoid), base, len)) {
		plan->initrd_pa = base;
		return 0;
	}
	if (memrange_find_top(plan->e820, plan->nr_e820, MEMRANGE_AVAILABLE, len, PAGE_SIZE, limit,
			      avoid, ARRAY_SIZE(avoid), &at))
		return fail(plan, -ENOMEM,
			    "no free guest RAM below 0x%lx for the initrd "
			    "(0x%lx bytes)",
			    (unsigned long)limit, (unsigned long)len);
	plan->initrd_pa = at;
	plan->initrd_move = true;
	plan->initrd_src_pa = base;
	return 0;
}

/* The low scratch area: aligned, below 1 MiB, guest RAM, not a module. */
static int check_scratch(struct guest_boot_plan *plan, const struct guest_boot_input *in)
{
	u64 s = in->low_scratch_pa;

	if (!IS_ALIGNED(s, PAGE_SIZE) || s > SCRATCH_LIMIT ||
	    SCRATCH_LIMIT - s < GUEST_BOOT_SCRATCH_SIZE ||
	    !guest_ram(plan, s, GUEST_BOOT_SCRATCH_SIZE) ||
	    ranges_overlap(s, GUEST_BOOT_SCRATCH_SIZE, in->kernel_pa, in->kernel_len) ||
	    ranges_overlap(s, GUEST_BOOT_SCRATCH_SIZE, in->initrd_pa, in->initrd_len))
		return fail(plan, -EINVAL,
			    "boot scratch [0x%lx,+64K) is not free low guest "
			    "RAM",
			    (unsigned long)s);
	plan->zero_page_pa = s + GUEST_BOOT_ZERO_PAGE_OFF;
	plan->gdt_pa = s + GUEST_BOOT_GDT_OFF;
	plan->pml4_pa = s + GUEST_BOOT_PML4_OFF;
	plan->cmdline_pa = s + GUEST_BOOT_CMDLINE_OFF;
	return 0;
}

static int check_cmdline(struct guest_boot_plan *plan, const struct guest_boot_input *in)
{
	size_t len;

	plan->cmdline = in->cmdline ? in->cmdline : "";
	len = strlen(plan->cmdline);
	if (len > plan->cmdline_size)
		return fail(plan, -EINVAL,
			    "guest command line longer than the kernel accepts "
			    "(%zu > %u)",
			    len, plan->cmdline_size);
	if (len >= GUEST_BOOT_CMDLINE_ROOM)
		return fail(plan, -EINVAL,
			    "guest command line longer than the boot scratch "
			    "area (%zu >= %lu)",
			    len, (unsigned long)GUEST_BOOT_CMDLINE_ROOM);
	plan->cmdline_len = (u32)len;
	return 0;
}

int guest_boot_plan(const struct guest_boot_input *in, const void *bzimage, u64 bzimage_avail,
		    struct guest_boot_plan *plan)
{
	int err;

	memset(plan, 0, sizeof(*plan));
	if (!in)
		return fail(plan, -EINVAL, "no boot input");
	if (in->initrd_len && !range_ok(in->initrd_pa, in->initrd_len))
		return fail(plan, -EINVAL, "initrd module wraps");
	err = check_header_id(plan, bzimage, bzimage_avail);
	if (!err)
		err = read_header(plan, bzimage, in);
	if (!err)
		err = check_cmdline(plan, in);
	if (!err)
		err = build_e820(plan, in);
	if (!err)
		err = check_scratch(plan, in);
	if (!err)
		err = place_kernel(plan, in, bzimage);
	if (!err)
		err = place_initrd(plan, in, bzimage);
	if (err)
		return err;
	plan->entry64_pa = plan->kernel_load_pa + BP_ENTRY64_OFFSET;
	plan->acpi_rsdp_pa = in->acpi_rsdp_pa;
	return 0;
}

/* ---- Zero page, command line, GDT, page tables ---- */

static void fill_zero_page(const struct guest_boot_plan *plan, const void *bz, u8 *zp)
{
	u8 loadflags;

	memset(zp, 0, BP_ZERO_PAGE_SIZE);
	/* boot.rst 64-bit protocol: copy the setup header, then modify it. */
	memcpy(zp + BP_HDR_START, (const u8 *)bz + BP_HDR_START,
	       plan->setup_hdr_end - BP_HDR_START);
	bp_put8(zp, BP_TYPE_OF_LOADER, BP_LOADER_UNDEFINED);
	/*
	 * CAN_USE_HEAP / heap_end_ptr describe the real-mode setup heap; the
	 * 64-bit entry runs no setup code, so there is none to offer.
	 */
	loadflags = bp_get8(zp, BP_LOADFLAGS) & ~BP_CAN_USE_HEAP;
	bp_put8(zp, BP_LOADFLAGS, loadflags);
	bp_put16(zp, BP_HEAP_END_PTR, 0);
	bp_put32(zp, BP_CODE32_START, (u32)plan->kernel_load_pa);
	bp_put32(zp, BP_KERNEL_ALIGNMENT, (u32)plan->kernel_alignment);
	bp_put64(zp, BP_SETUP_DATA, 0);
	bp_put32(zp, BP_CMD_LINE_PTR, (u32)plan->cmdline_pa);
	bp_put32(zp, BP_EXT_CMD_LINE_PTR, (u32)(plan->cmdline_pa >> 32));
	bp_put32(zp, BP_RAMDISK_IMAGE, (u32)plan->initrd_pa);
	bp_put32(zp, BP_EXT_RAMDISK_IMAGE, (u32)(plan->initrd_pa >> 32));
	bp_put32(zp, BP_RAMDISK_SIZE, (u32)plan->initrd_len);
	bp_put32(zp, BP_EXT_RAMDISK_SIZE, (u32)(plan->initrd_len >> 32));
	bp_put64(zp, BP_ACPI_RSDP_ADDR, plan->acpi_rsdp_pa);
	bp_put8(zp, BP_E820_ENTRIES, (u8)plan->nr_e820);
	for (unsigned int i = 0; i < plan->nr_e820; i++) {
		size_t off = BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		bp_put64(zp, off + BP_E820_ADDR, plan->e820[i].base);
		bp_put64(zp, off + BP_E820_SIZE, plan->e820[i].len);
		bp_put32(zp, off + BP_E820_TYPE, plan->e820[i].type);
	}
}

static void fill_page_tables(u64 pml4_pa, u8 *pt)
{
	u64 pdpt_pa = pml4_pa + PAGE_SIZE;

	memset(pt, 0, GUEST_BOOT_PT_SIZE);
	bp_put64(pt, 0, pdpt_pa | PTE_P | PTE_RW);
	for (unsigned int g = 0; g < 4; g++) {
		u64 pd_pa = pml4_pa + (2 + g) * PAGE_SIZE;
		u8 *pd = pt + (2 + g) * PAGE_SIZE;

		bp_put64(pt + PAGE_SIZE, g * 8, pd_pa | PTE_P | PTE_RW);
		for (unsigned int e = 0; e < 512; e++)
			bp_put64(pd, e * 8,
				 ((u64)g * GiB(1) + (u64)e * MiB(2)) | PTE_P | PTE_RW | PTE_PS);
	}
}

int guest_boot_build(const struct guest_boot_plan *plan, const struct guest_boot_input *in,
		     const void *bzimage, void *zero_page, char *cmdline_buf,
		     size_t cmdline_buf_len, void *gdt_buf, size_t gdt_len, void *pt_buf,
		     size_t pt_len)
{
	const char *cmdline = in && in->cmdline ? in->cmdline : "";
	size_t len = strlen(cmdline);

	if (!plan || !bzimage || !zero_page || !cmdline_buf || !gdt_buf || !pt_buf ||
	    gdt_len < GUEST_BOOT_GDT_SIZE || pt_len < GUEST_BOOT_PT_SIZE ||
	    len >= cmdline_buf_len || len > plan->cmdline_size)
		return -EINVAL;
	if (plan->setup_hdr_end < BP_INIT_SIZE + 4 || plan->setup_hdr_end > BP_HDR_AREA_END ||
	    plan->nr_e820 > BP_E820_MAX || !IS_ALIGNED(plan->pml4_pa, PAGE_SIZE) ||
	    plan->pml4_pa > GUEST_BOOT_IDENT_LIMIT - GUEST_BOOT_PT_SIZE)
		return -EINVAL; /* not a successful plan */
	/* Same image as planned? */
	if (bp_get16(bzimage, BP_BOOT_FLAG) != BP_BOOT_FLAG_MAGIC ||
	    bp_get32(bzimage, BP_HEADER) != BP_HEADER_MAGIC ||
	    bp_get16(bzimage, BP_VERSION) != plan->boot_version ||
	    bp_get32(bzimage, BP_INIT_SIZE) != plan->init_size ||
	    (u32)(BP_HEADER + bp_get8(bzimage, BP_JUMP_LEN)) != plan->setup_hdr_end)
		return -EINVAL;
	fill_zero_page(plan, bzimage, zero_page);
	memset(cmdline_buf, 0, cmdline_buf_len);
	strlcpy(cmdline_buf, cmdline, cmdline_buf_len);
	memset(gdt_buf, 0, gdt_len);
	bp_put64(gdt_buf, GUEST_BOOT_CS, GUEST_BOOT_DESC_CS);
	bp_put64(gdt_buf, GUEST_BOOT_DS, GUEST_BOOT_DESC_DS);
	fill_page_tables(plan->pml4_pa, pt_buf);
	return 0;
}

void guest_boot_move_images(const struct guest_boot_plan *plan,
			    void *(*pa_to_va)(u64 pa, void *arg), void *arg)
{
	if (plan->initrd_move && plan->initrd_len)
		memmove(pa_to_va(plan->initrd_pa, arg), pa_to_va(plan->initrd_src_pa, arg),
			plan->initrd_len);
	memmove(pa_to_va(plan->kernel_load_pa, arg), pa_to_va(plan->kernel_src_pa, arg),
		plan->kernel_copy_len);
}

/* ---- Report ---- */

static const char *e820_type_name(u32 type)
{
	switch (type) {
	case MEMRANGE_AVAILABLE:
		return "available";
	case MEMRANGE_RESERVED:
		return "reserved";
	case MEMRANGE_ACPI:
		return "ACPI";
	case MEMRANGE_NVS:
		return "NVS";
	case MEMRANGE_BAD:
		return "bad";
	default:
		return "other";
	}
}

void guest_boot_print(const struct guest_boot_plan *plan)
{
	printk("GUESTBOOT: kernel %u.%02u load=0x%lx init_size=0x%x "
	       "entry=0x%lx (%s, pref 0x%lx, align 0x%lx)\n",
	       plan->boot_version >> 8, plan->boot_version & 0xff,
	       (unsigned long)plan->kernel_load_pa, plan->init_size,
	       (unsigned long)plan->entry64_pa, plan->relocatable ? "relocatable" : "fixed",
	       (unsigned long)plan->pref_address, (unsigned long)plan->kernel_alignment);
	printk("GUESTBOOT: copy [0x%lx,0x%lx) -> 0x%lx\n", (unsigned long)plan->kernel_src_pa,
	       (unsigned long)(plan->kernel_src_pa + plan->kernel_copy_len),
	       (unsigned long)plan->kernel_load_pa);
	if (!plan->initrd_len)
		printk("GUESTBOOT: initrd none\n");
	else if (plan->initrd_move)
		printk("GUESTBOOT: initrd [0x%lx,0x%lx) moved from 0x%lx\n",
		       (unsigned long)plan->initrd_pa,
		       (unsigned long)(plan->initrd_pa + plan->initrd_len),
		       (unsigned long)plan->initrd_src_pa);
	else
		printk("GUESTBOOT: initrd [0x%lx,0x%lx) in place\n", (unsigned long)plan->initrd_pa,
		       (unsigned long)(plan->initrd_pa + plan->initrd_len));
	printk("GUESTBOOT: zero page 0x%lx cmdline 0x%lx gdt 0x%lx pml4 "
	       "0x%lx rsdp 0x%lx\n",
	       (unsigned long)plan->zero_page_pa, (unsigned long)plan->cmdline_pa,
	       (unsigned long)plan->gdt_pa, (unsigned long)plan->pml4_pa,
	       (unsigned long)plan->acpi_rsdp_pa);
	for (unsigned int i = 0; i < plan->nr_e820; i++) {
		const struct mem_range *r = &plan->e820[i];

		/* Inclusive end: a range may end exactly at 2^64. */
		printk("GUESTBOOT: e820 [0x%016lx-0x%016lx] %u %s\n", (unsigned long)r->base,
		       (unsigned long)(r->base + r->len - 1), r->type, e820_type_name(r->type));
	}
	printk("GUESTBOOT: cmdline \"%s\"\n", plan->cmdline ? plan->cmdline : "");
}
