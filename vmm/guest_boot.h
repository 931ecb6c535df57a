/* SPDX-License-Identifier: MIT */
/*
 * Guest Linux boot plan (Linux x86 64-bit boot protocol, boot.rst): check
 * the bzImage's setup header, choose where the protected-mode kernel and
 * the initrd go, build the guest E820 (firmware map minus the hypervisor,
 * plus our own ranges), and fill the zero page, command line, boot GDT and
 * identity page tables. Pure: no hardware, no global state, host-tested.
 * Thin passthrough: guest-physical == host-physical for guest RAM.
 */
#ifndef VMM_GUEST_BOOT_H
#define VMM_GUEST_BOOT_H

#include "lib/memrange.h"
#include "lib/types.h"

/* Layout of the 64 KiB low scratch area (offsets from low_scratch_pa). */
#define GUEST_BOOT_SCRATCH_SIZE 0x10000
#define GUEST_BOOT_ZERO_PAGE_OFF 0x0000 /* 4 KiB zero page */
#define GUEST_BOOT_GDT_OFF 0x1000	/* boot GDT (one page reserved) */
#define GUEST_BOOT_PML4_OFF 0x2000	/* PML4, PDPT, 4 PDs: 6 pages */
#define GUEST_BOOT_CMDLINE_OFF 0x8000	/* command line, up to 32 KiB */
#define GUEST_BOOT_CMDLINE_ROOM (GUEST_BOOT_SCRATCH_SIZE - GUEST_BOOT_CMDLINE_OFF)

/* Boot GDT: selectors required by the 64-bit boot protocol. */
#define GUEST_BOOT_CS 0x10 /* __BOOT_CS: 64-bit code, execute/read */
#define GUEST_BOOT_DS 0x18 /* __BOOT_DS: flat data, read/write */
#define GUEST_BOOT_GDT_ENTRIES 4
#define GUEST_BOOT_GDT_SIZE (GUEST_BOOT_GDT_ENTRIES * 8) /* GDTR.limit + 1 */
/*
 * The descriptors (SDM Vol. 3A 3.4.5, "Segment Descriptors"): base 0,
 * limit 0xfffff with G=1, P=1, S=1, DPL 0, accessed bit preset (VMX
 * guest-state checks want it set for usable segments).
 */
#define GUEST_BOOT_DESC_CS 0x00af9b000000ffffULL /* L=1, D=0, type 0xb */
#define GUEST_BOOT_DESC_DS 0x00cf93000000ffffULL /* D/B=1, type 0x3 */
/* VMX-style access rights of a descriptor (bits 40-47 and 52-55). */
#define GUEST_BOOT_DESC_AR(d) ((u32)(((d) >> 40) & 0xf0ff))

/* Identity page tables: PML4 + PDPT + 4 PDs of 2 MiB pages = 0..4 GiB. */
#define GUEST_BOOT_PT_PAGES 6
#define GUEST_BOOT_PT_SIZE (GUEST_BOOT_PT_PAGES * 4096)
#define GUEST_BOOT_IDENT_LIMIT (4ULL << 30)

/* Working space for building the E820 before it is cut to 128 entries. */
#define GUEST_BOOT_MAP_WORK 256
#define GUEST_BOOT_E820_MAX 128

/*
 * The memory picture the hypervisor hands over. All addresses physical
 * (== guest-physical).
 */
struct guest_boot_input {
	const struct mem_range *fw_map; /* firmware memory map (multiboot2) */
	unsigned int nr_fw;
	/* Hypervisor-owned ranges: holes in the guest map. */
	const struct mem_range *hv;
	unsigned int nr_hv;
	/* Added with their type over whatever was there (guest ACPI tables). */
	const struct mem_range *extra;
	unsigned int nr_extra;
	u64 kernel_pa, kernel_len; /* the bzImage as loaded by GRUB */
	u64 initrd_pa, initrd_len; /* initrd_len 0: no initrd */
	const char *cmdline;	   /* guest command line (NULL: empty) */
	u64 acpi_rsdp_pa;	   /* 0: let Linux scan */
	/* 64 KiB of low guest RAM: zero page, cmdline, GDT, page tables. */
	u64 low_scratch_pa;
};

struct guest_boot_plan {
	u64 kernel_load_pa;		    /* where the protected-mode kernel must be copied */
	u64 kernel_src_pa, kernel_copy_len; /* what to copy there */
	u64 entry64_pa;			    /* kernel_load_pa + 0x200: RIP at entry */
	/* Inside low scratch; RSI = zero_page_pa, CR3 = pml4_pa. */
	u64 zero_page_pa, cmdline_pa, gdt_pa, pml4_pa;
	u64 initrd_pa, initrd_len; /* final initrd location (0/0: none) */
	bool initrd_move;	   /* copy initrd_src_pa -> initrd_pa first */
	u64 initrd_src_pa;
	u16 boot_version; /* protocol version, e.g. 0x020f */
	u32 init_size;
	struct mem_range e820[GUEST_BOOT_E820_MAX]; /* the guest's map */
	unsigned int nr_e820;
	char error[128]; /* human-readable reason on failure */

	/* Also decided by guest_boot_plan(), used by guest_boot_build(). */
	u64 pref_address;     /* the kernel's preferred load address */
	u64 kernel_alignment; /* alignment used (written back to the header) */
	bool relocatable;
	u16 xloadflags;
	u32 setup_hdr_end;   /* copy bzImage bytes [0x1f1, this) */
	u32 cmdline_size;    /* the kernel's limit (without the NUL) */
	u32 cmdline_len;     /* strlen of the planned command line */
	const char *cmdline; /* the input's command line (not copied) */
	u64 acpi_rsdp_pa;
	/* Internal scratch for the E820 build; contents undefined. */
	struct mem_range map_work[GUEST_BOOT_MAP_WORK];
};

/**
 * Validate the bzImage (boot_flag 0xAA55, "HdrS", protocol >= 2.12 with
 * XLF_KERNEL_64, header inside bzimage_avail bytes), build the guest E820
 * (fw_map minus hv, plus extra, normalised and sorted, at most 128
 * entries), choose kernel_load_pa (pref_address when [pref, pref +
 * init_size) is free guest RAM below 4 GiB clear of the modules and the
 * low scratch; else, if relocatable, the lowest kernel_alignment-aligned
 * such range; a non-relocatable kernel always goes to pref_address), and
 * place the initrd (in place if it is guest RAM below initrd_addr_max and
 * clear of the kernel range, else at the highest free place below it).
 * Returns 0, or -EINVAL / -ENOMEM / -E2BIG with plan->error set.
 * Reads only the setup header through bzimage.
 */
int __must_check guest_boot_plan(const struct guest_boot_input *in, const void *bzimage,
				 u64 bzimage_avail, struct guest_boot_plan *plan);

/**
 * Fill, for a successful plan: the zero page (4 KiB buffer at
 * plan->zero_page_pa), the command line (cmdline_buf of cmdline_buf_len
 * bytes, at least strlen + 1; the rest is zeroed), the boot GDT (gdt_len
 * >= GUEST_BOOT_GDT_SIZE) and the identity page tables (pt_len >=
 * GUEST_BOOT_PT_SIZE, entries hold physical addresses from plan->pml4_pa).
 * bzimage must be the same image the plan was made from.
 * Returns 0 or -EINVAL (buffer too small, image changed).
 */
int __must_check guest_boot_build(const struct guest_boot_plan *plan,
				  const struct guest_boot_input *in, const void *bzimage,
				  void *zero_page, char *cmdline_buf, size_t cmdline_buf_len,
				  void *gdt_buf, size_t gdt_len, void *pt_buf, size_t pt_len);

/**
 * Move the images where the plan wants them: the initrd first (its
 * destination avoids the bzImage), then the protected-mode kernel (which
 * may land on the initrd's old place). Both use memmove semantics.
 * pa_to_va must map each whole range linearly.
 */
void guest_boot_move_images(const struct guest_boot_plan *plan,
			    void *(*pa_to_va)(u64 pa, void *arg), void *arg);

/** Log the plan: "GUESTBOOT: kernel ...", initrd, scratch, e820, cmdline. */
void guest_boot_print(const struct guest_boot_plan *plan);

#endif /* VMM_GUEST_BOOT_H */
