/* SPDX-License-Identifier: MIT */
/*
 * Linux x86 boot protocol layout: the setup header inside a bzImage (and
 * inside the zero page, at the same offsets) and the zero page (struct
 * boot_params) fields a loader fills. Transcribed as byte offsets from
 * Documentation/arch/x86/boot.rst ("The Real-Mode Kernel Header", "Details
 * of Header Fields", "64-bit Boot Protocol") and zero-page.rst; checked
 * against arch/x86/include/uapi/asm/bootparam.h. No C structs: a byte
 * buffer with little-endian get/put helpers, so no packing surprises.
 */
#ifndef VMM_BOOTPARAM_H
#define VMM_BOOTPARAM_H

#include "lib/types.h"

/* ---- Setup header (boot.rst "The Real-Mode Kernel Header") ----
 * Offsets are from the start of the bzImage file and, identically, from
 * the start of the zero page. Width in the comment; "(2.xx+)" is the
 * protocol version that introduced the field.
 */
#define BP_HDR_START 0x1f1
#define BP_SETUP_SECTS 0x1f1 /* u8: setup sectors; 0 means 4 */
#define BP_SETUP_SECTS_DEFAULT 4
#define BP_ROOT_FLAGS 0x1f2 /* u16 */
#define BP_SYSSIZE 0x1f4    /* u32 (2.04+): 32-bit code size, 16-byte units */
#define BP_RAM_SIZE 0x1f8   /* u16: obsolete */
#define BP_VID_MODE 0x1fa   /* u16 */
#define BP_ROOT_DEV 0x1fc   /* u16 */
#define BP_BOOT_FLAG 0x1fe  /* u16: 0xAA55 */
#define BP_BOOT_FLAG_MAGIC 0xaa55
#define BP_JUMP 0x200			     /* u16 (2.00+): 0xEB, offset from 0x202 */
#define BP_JUMP_LEN 0x201		     /* u8: so the header ends at 0x202 + this byte */
#define BP_HEADER 0x202			     /* u32 (2.00+): "HdrS" */
#define BP_HEADER_MAGIC 0x53726448	     /* "HdrS" little-endian */
#define BP_VERSION 0x206		     /* u16 (2.00+): (major << 8) | minor */
#define BP_REALMODE_SWTCH 0x208		     /* u32 */
#define BP_START_SYS_SEG 0x20c		     /* u16: obsolete */
#define BP_KERNEL_VERSION 0x20e		     /* u16: version string offset - 0x200 */
#define BP_TYPE_OF_LOADER 0x210		     /* u8 (write, obligatory) */
#define BP_LOADER_UNDEFINED 0xff	     /* "Special (0xFF = undefined)" */
#define BP_LOADFLAGS 0x211		     /* u8 (modify, obligatory) */
#define BP_LOADED_HIGH 0x01		     /* bit 0 (read): protected mode at 0x100000 */
#define BP_KASLR_FLAG 0x02		     /* bit 1 (kernel internal) */
#define BP_QUIET_FLAG 0x20		     /* bit 5 (write) */
#define BP_KEEP_SEGMENTS 0x40		     /* bit 6: obsolete */
#define BP_CAN_USE_HEAP 0x80		     /* bit 7 (write): heap_end_ptr is valid */
#define BP_SETUP_MOVE_SIZE 0x212	     /* u16 (2.00-2.01) */
#define BP_CODE32_START 0x214		     /* u32 (modify, reloc) */
#define BP_RAMDISK_IMAGE 0x218		     /* u32 (write, obligatory): initrd address */
#define BP_RAMDISK_SIZE 0x21c		     /* u32 (write, obligatory) */
#define BP_BOOTSECT_KLUDGE 0x220	     /* u32: obsolete */
#define BP_HEAP_END_PTR 0x224		     /* u16 (2.01+): real-mode heap end - 0x200 */
#define BP_EXT_LOADER_VER 0x226		     /* u8 (2.02+) */
#define BP_EXT_LOADER_TYPE 0x227	     /* u8 (2.02+) */
#define BP_CMD_LINE_PTR 0x228		     /* u32 (2.02+, write, obligatory) */
#define BP_INITRD_ADDR_MAX 0x22c	     /* u32 (2.03+): initrd's highest byte */
#define BP_INITRD_ADDR_MAX_OLD 0x37ffffff    /* before 2.03 */
#define BP_KERNEL_ALIGNMENT 0x230	     /* u32 (2.05+ read, 2.10+ modify) */
#define BP_RELOCATABLE_KERNEL 0x234	     /* u8 (2.05+) */
#define BP_MIN_ALIGNMENT 0x235		     /* u8 (2.10+): log2 of the minimum alignment */
#define BP_XLOADFLAGS 0x236		     /* u16 (2.12+) */
#define BP_XLF_KERNEL_64 0x0001		     /* bit 0: 64-bit entry at load + 0x200 */
#define BP_XLF_CAN_BE_LOADED_ABOVE_4G 0x0002 /* bit 1 */
#define BP_XLF_EFI_HANDOVER_32 0x0004	     /* bit 2 */
#define BP_XLF_EFI_HANDOVER_64 0x0008	     /* bit 3 */
#define BP_XLF_EFI_KEXEC 0x0010		     /* bit 4 */
#define BP_CMDLINE_SIZE 0x238		     /* u32 (2.06+): max length without the NUL */
#define BP_CMDLINE_SIZE_OLD 255		     /* before 2.06 */
#define BP_HARDWARE_SUBARCH 0x23c	     /* u32 (2.07+): 0 = PC */
#define BP_HARDWARE_SUBARCH_DATA 0x240	     /* u64 (2.07+) */
#define BP_PAYLOAD_OFFSET 0x248		     /* u32 (2.08+) */
#define BP_PAYLOAD_LENGTH 0x24c		     /* u32 (2.08+) */
#define BP_SETUP_DATA 0x250		     /* u64 (2.09+): setup_data list */
#define BP_PREF_ADDRESS 0x258		     /* u64 (2.10+) */
#define BP_INIT_SIZE 0x260		     /* u32 (2.10+): bytes needed from the load address */
#define BP_HANDOVER_OFFSET 0x264	     /* u32 (2.11+) */
#define BP_KERNEL_INFO_OFFSET 0x268	     /* u32 (2.15+) */
#define BP_HDR_END_2_15 0x26c		     /* end of the 2.15 header */

/*
 * The setup header is copied into boot_params.hdr, which the zero page
 * leaves room for up to 0x290 (where edd_mbr_sig_buffer starts).
 */
#define BP_HDR_AREA_END 0x290

/* Protocol versions this loader cares about. */
#define BP_VERSION_2_02 0x0202 /* cmd_line_ptr */
#define BP_VERSION_2_03 0x0203 /* initrd_addr_max */
#define BP_VERSION_2_05 0x0205 /* relocatable_kernel, kernel_alignment */
#define BP_VERSION_2_06 0x0206 /* cmdline_size */
#define BP_VERSION_2_10 0x020a /* pref_address, init_size, min_alignment */
#define BP_VERSION_2_12 0x020c /* xloadflags, ext_* fields: 64-bit entry */

/* Default bzImage load address (boot.rst "Loading The Rest of The Kernel"). */
#define BP_BZIMAGE_LOAD_ADDR 0x100000
/* 64-bit entry point offset from the loaded protected-mode kernel. */
#define BP_ENTRY64_OFFSET 0x200
/* Sector size used by setup_sects. */
#define BP_SECTOR_SIZE 512

/* ---- Zero page (zero-page.rst, struct boot_params) ---- */
#define BP_ZERO_PAGE_SIZE 4096
#define BP_ACPI_RSDP_ADDR 0x070	    /* u64 */
#define BP_EXT_RAMDISK_IMAGE 0x0c0  /* u32: ramdisk_image high 32 bits */
#define BP_EXT_RAMDISK_SIZE 0x0c4   /* u32: ramdisk_size high 32 bits */
#define BP_EXT_CMD_LINE_PTR 0x0c8   /* u32: cmd_line_ptr high 32 bits */
#define BP_E820_ENTRIES 0x1e8	    /* u8 */
#define BP_SENTINEL 0x1ef	    /* u8: left 0 by a loader that copies only hdr */
#define BP_EDD_MBR_SIG_BUFFER 0x290 /* u32[16] */
#define BP_E820_TABLE 0x2d0	    /* struct boot_e820_entry[128] */
#define BP_E820_MAX 128		    /* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_E820_ENTRY_SIZE 20	    /* packed { u64 addr; u64 size; u32 type; } */
#define BP_E820_ADDR 0		    /* u64, within an entry */
#define BP_E820_SIZE 8		    /* u64 */
#define BP_E820_TYPE 16		    /* u32 */
#define BP_EDDBUF 0xd00

/*
 * Layout checks: each setup-header field ends where the next begins
 * (widths from the boot.rst table), the header fits the zero page's hole,
 * and the E820 table fits between its neighbours.
 */
#define BP_FOLLOWS(a, width, b) _Static_assert((a) + (width) == (b), #a " + " #width " != " #b)
BP_FOLLOWS(BP_SETUP_SECTS, 1, BP_ROOT_FLAGS);
BP_FOLLOWS(BP_ROOT_FLAGS, 2, BP_SYSSIZE);
BP_FOLLOWS(BP_SYSSIZE, 4, BP_RAM_SIZE);
BP_FOLLOWS(BP_RAM_SIZE, 2, BP_VID_MODE);
BP_FOLLOWS(BP_VID_MODE, 2, BP_ROOT_DEV);
BP_FOLLOWS(BP_ROOT_DEV, 2, BP_BOOT_FLAG);
BP_FOLLOWS(BP_BOOT_FLAG, 2, BP_JUMP);
BP_FOLLOWS(BP_JUMP, 2, BP_HEADER);
BP_FOLLOWS(BP_HEADER, 4, BP_VERSION);
BP_FOLLOWS(BP_VERSION, 2, BP_REALMODE_SWTCH);
BP_FOLLOWS(BP_REALMODE_SWTCH, 4, BP_START_SYS_SEG);
BP_FOLLOWS(BP_START_SYS_SEG, 2, BP_KERNEL_VERSION);
BP_FOLLOWS(BP_KERNEL_VERSION, 2, BP_TYPE_OF_LOADER);
BP_FOLLOWS(BP_TYPE_OF_LOADER, 1, BP_LOADFLAGS);
BP_FOLLOWS(BP_LOADFLAGS, 1, BP_SETUP_MOVE_SIZE);
BP_FOLLOWS(BP_SETUP_MOVE_SIZE, 2, BP_CODE32_START);
BP_FOLLOWS(BP_CODE32_START, 4, BP_RAMDISK_IMAGE);
BP_FOLLOWS(BP_RAMDISK_IMAGE, 4, BP_RAMDISK_SIZE);
BP_FOLLOWS(BP_RAMDISK_SIZE, 4, BP_BOOTSECT_KLUDGE);
BP_FOLLOWS(BP_BOOTSECT_KLUDGE, 4, BP_HEAP_END_PTR);
BP_FOLLOWS(BP_HEAP_END_PTR, 2, BP_EXT_LOADER_VER);
BP_FOLLOWS(BP_EXT_LOADER_VER, 1, BP_EXT_LOADER_TYPE);
BP_FOLLOWS(BP_EXT_LOADER_TYPE, 1, BP_CMD_LINE_PTR);
BP_FOLLOWS(BP_CMD_LINE_PTR, 4, BP_INITRD_ADDR_MAX);
BP_FOLLOWS(BP_INITRD_ADDR_MAX, 4, BP_KERNEL_ALIGNMENT);
BP_FOLLOWS(BP_KERNEL_ALIGNMENT, 4, BP_RELOCATABLE_KERNEL);
BP_FOLLOWS(BP_RELOCATABLE_KERNEL, 1, BP_MIN_ALIGNMENT);
BP_FOLLOWS(BP_MIN_ALIGNMENT, 1, BP_XLOADFLAGS);
BP_FOLLOWS(BP_XLOADFLAGS, 2, BP_CMDLINE_SIZE);
BP_FOLLOWS(BP_CMDLINE_SIZE, 4, BP_HARDWARE_SUBARCH);
BP_FOLLOWS(BP_HARDWARE_SUBARCH, 4, BP_HARDWARE_SUBARCH_DATA);
BP_FOLLOWS(BP_HARDWARE_SUBARCH_DATA, 8, BP_PAYLOAD_OFFSET);
BP_FOLLOWS(BP_PAYLOAD_OFFSET, 4, BP_PAYLOAD_LENGTH);
BP_FOLLOWS(BP_PAYLOAD_LENGTH, 4, BP_SETUP_DATA);
BP_FOLLOWS(BP_SETUP_DATA, 8, BP_PREF_ADDRESS);
BP_FOLLOWS(BP_PREF_ADDRESS, 8, BP_INIT_SIZE);
BP_FOLLOWS(BP_INIT_SIZE, 4, BP_HANDOVER_OFFSET);
BP_FOLLOWS(BP_HANDOVER_OFFSET, 4, BP_KERNEL_INFO_OFFSET);
BP_FOLLOWS(BP_KERNEL_INFO_OFFSET, 4, BP_HDR_END_2_15);
_Static_assert(BP_HDR_END_2_15 <= BP_HDR_AREA_END, "setup header too long");
/* "0x0202 + byte value at offset 0x0201" can reach at most 0x301. */
_Static_assert(BP_HEADER + 0xff > BP_HDR_AREA_END, "header length must be checked");
BP_FOLLOWS(BP_EDD_MBR_SIG_BUFFER, 16 * 4, BP_E820_TABLE);
BP_FOLLOWS(BP_EXT_RAMDISK_IMAGE, 4, BP_EXT_RAMDISK_SIZE);
BP_FOLLOWS(BP_EXT_RAMDISK_SIZE, 4, BP_EXT_CMD_LINE_PTR);
_Static_assert(BP_E820_TABLE + BP_E820_MAX * BP_E820_ENTRY_SIZE == 0xcd0,
	       "e820_table must end at 0xcd0");
_Static_assert(0xcd0 + 48 == BP_EDDBUF, "_pad8 before eddbuf");
_Static_assert(BP_E820_TYPE + 4 == BP_E820_ENTRY_SIZE, "e820 entry size");
_Static_assert(BP_E820_ENTRIES < BP_SENTINEL && BP_SENTINEL < BP_HDR_START,
	       "zero-page bytes before the header");

/* ---- Little-endian access to a byte buffer at a byte offset ---- */
static inline u64 bp_get(const void *buf, size_t off, unsigned int width)
{
	const u8 *p = (const u8 *)buf + off;
	u64 v = 0;

	for (unsigned int i = width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static inline void bp_put(void *buf, size_t off, unsigned int width, u64 v)
{
	u8 *p = (u8 *)buf + off;

	for (unsigned int i = 0; i < width; i++, v >>= 8)
		p[i] = (u8)v;
}

static inline u8 bp_get8(const void *b, size_t off)
{
	return (u8)bp_get(b, off, 1);
}

static inline u16 bp_get16(const void *b, size_t off)
{
	return (u16)bp_get(b, off, 2);
}

static inline u32 bp_get32(const void *b, size_t off)
{
	return (u32)bp_get(b, off, 4);
}

static inline u64 bp_get64(const void *b, size_t off)
{
	return bp_get(b, off, 8);
}

static inline void bp_put8(void *b, size_t off, u8 v)
{
	bp_put(b, off, 1, v);
}

static inline void bp_put16(void *b, size_t off, u16 v)
{
	bp_put(b, off, 2, v);
}

static inline void bp_put32(void *b, size_t off, u32 v)
{
	bp_put(b, off, 4, v);
}

static inline void bp_put64(void *b, size_t off, u64 v)
{
	bp_put(b, off, 8, v);
}

#endif /* VMM_BOOTPARAM_H */
