/* SPDX-License-Identifier: MIT */
/*
 * VMCB layout, AMD APM Vol. 2 Appendix B (Table B-1 control area, Table B-2
 * state-save area), as byte offsets into the 4 KiB page with width-named
 * accessors (no C struct the hardware reads, no bitfields).
 */
#ifndef VMM_SVM_VMCB_H
#define VMM_SVM_VMCB_H
/* clang-format off: register tables keep their field indentation */

#include "lib/bitops.h"

/* Control area */
#define VMCB_INTERCEPT_CR 0x000 /* u32: reads 15:0, writes 31:16 */
#define VMCB_INTERCEPT_DR 0x004
#define VMCB_INTERCEPT_EXC 0x008
#define VMCB_INTERCEPT_MISC1 0x00c /* u32 */
#define SVM_I1_INTR BIT(0)
#define SVM_I1_NMI BIT(1)
#define SVM_I1_SMI BIT(2)
#define SVM_I1_INIT BIT(3)
#define SVM_I1_CPUID BIT(18)
#define SVM_I1_INVD BIT(22)
#define SVM_I1_HLT BIT(24)
#define SVM_I1_IOIO BIT(27)
#define SVM_I1_MSR BIT(28)
#define SVM_I1_SHUTDOWN BIT(31)
#define VMCB_INTERCEPT_MISC2 0x010 /* u32 */
#define SVM_I2_VMRUN BIT(0)
#define SVM_I2_VMMCALL BIT(1)
#define SVM_I2_VMLOAD BIT(2)
#define SVM_I2_VMSAVE BIT(3)
#define SVM_I2_STGI BIT(4)
#define SVM_I2_CLGI BIT(5)
#define SVM_I2_SKINIT BIT(6)
#define SVM_I2_XSETBV BIT(13)
#define VMCB_IOPM_BASE 0x040  /* u64 */
#define VMCB_MSRPM_BASE 0x048 /* u64 */
#define VMCB_TSC_OFFSET 0x050
#define VMCB_ASID 0x058	       /* u32 */
#define VMCB_TLB_CONTROL 0x05c /* u8: 1 = flush all */
#define VMCB_VINTR 0x060       /* u64: V_TPR, V_IRQ, V_INTR_MASKING */
#define VMCB_INT_SHADOW 0x068
#define VMCB_EXITCODE 0x070 /* u64 */
#define VMCB_EXITINFO1 0x078
#define VMCB_EXITINFO2 0x080
#define VMCB_EXITINTINFO 0x088
#define VMCB_NP_ENABLE 0x090 /* u64, bit 0 */
#define VMCB_EVENTINJ 0x0a8  /* u64 */
#define SVM_EVTINJ_VALID BIT(31)
#define SVM_EVTINJ_ERR_VALID BIT(11)
#define SVM_EVTINJ_TYPE_NMI (2u << 8)
#define SVM_EVTINJ_TYPE_EXC (3u << 8)
#define VMCB_NCR3 0x0b0	      /* u64: nested page table root */
#define VMCB_CLEAN 0x0c0      /* u32 */
#define VMCB_NRIP 0x0c8	      /* u64, with NRIPS */
#define VMCB_INSN_LEN 0x0d0   /* u8, with decode assists */
#define VMCB_INSN_BYTES 0x0d1 /* 15 bytes fetched at #NPF */

/* State-save area: segments are {u16 sel, u16 attrib, u32 limit, u64 base} */
#define VMCB_ES 0x400
#define VMCB_CS 0x410
#define VMCB_SS 0x420
#define VMCB_DS 0x430
#define VMCB_FS 0x440
#define VMCB_GS 0x450
#define VMCB_GDTR 0x460
#define VMCB_LDTR 0x470
#define VMCB_IDTR 0x480
#define VMCB_TR 0x490
#define VMCB_SEG_SEL 0
#define VMCB_SEG_ATTR 2
#define VMCB_SEG_LIMIT 4
#define VMCB_SEG_BASE 8
#define VMCB_CPL 0x4cb /* u8 */
#define VMCB_EFER 0x4d0
#define VMCB_CR4 0x548
#define VMCB_CR3 0x550
#define VMCB_CR0 0x558
#define VMCB_DR7 0x560
#define VMCB_DR6 0x568
#define VMCB_RFLAGS 0x570
#define VMCB_RIP 0x578
#define VMCB_RSP 0x5d8
#define VMCB_RAX 0x5f8
#define VMCB_CR2 0x640
#define VMCB_G_PAT 0x668

/* Exit codes (APM Vol. 2 Appendix C) */
#define SVM_EXIT_EXCP_BASE 0x040
#define SVM_EXIT_INTR 0x060
#define SVM_EXIT_NMI 0x061
#define SVM_EXIT_SMI 0x062
#define SVM_EXIT_INIT 0x063
#define SVM_EXIT_CPUID 0x072
#define SVM_EXIT_INVD 0x076
#define SVM_EXIT_PAUSE 0x077
#define SVM_EXIT_HLT 0x078
#define SVM_EXIT_IOIO 0x07b
#define SVM_EXIT_MSR 0x07c
#define SVM_EXIT_TASK_SWITCH 0x07d
#define SVM_EXIT_SHUTDOWN 0x07f
#define SVM_EXIT_VMRUN 0x080
#define SVM_EXIT_VMMCALL 0x081
#define SVM_EXIT_VMLOAD 0x082
#define SVM_EXIT_VMSAVE 0x083
#define SVM_EXIT_STGI 0x084
#define SVM_EXIT_CLGI 0x085
#define SVM_EXIT_SKINIT 0x086
#define SVM_EXIT_RDTSCP 0x087
#define SVM_EXIT_WBINVD 0x089
#define SVM_EXIT_XSETBV 0x08d
#define SVM_EXIT_NPF 0x400
#define SVM_EXIT_INVALID 0xffffffffffffffffULL

static inline u64 vmcb_read64(const void *vmcb, unsigned int off)
{
	return *(const volatile u64 *)((const u8 *)vmcb + off);
}

static inline u32 vmcb_read32(const void *vmcb, unsigned int off)
{
	return *(const volatile u32 *)((const u8 *)vmcb + off);
}

static inline u16 vmcb_read16(const void *vmcb, unsigned int off)
{
	return *(const volatile u16 *)((const u8 *)vmcb + off);
}

static inline u8 vmcb_read8(const void *vmcb, unsigned int off)
{
	return *((const volatile u8 *)vmcb + off);
}

static inline void vmcb_write64(void *vmcb, unsigned int off, u64 v)
{
	*(volatile u64 *)((u8 *)vmcb + off) = v;
}

static inline void vmcb_write32(void *vmcb, unsigned int off, u32 v)
{
	*(volatile u32 *)((u8 *)vmcb + off) = v;
}

static inline void vmcb_write16(void *vmcb, unsigned int off, u16 v)
{
	*(volatile u16 *)((u8 *)vmcb + off) = v;
}

static inline void vmcb_write8(void *vmcb, unsigned int off, u8 v)
{
	*((volatile u8 *)vmcb + off) = v;
}

/* clang-format on */
#endif /* VMM_SVM_VMCB_H */
