// SPDX-License-Identifier: MIT
/*
 * vtdhostile (guest/tools/vtdhostile/): what the tool's files share. The
 * emulated unit's registers and fields (VT-d spec rev 4.0 chapter numbers),
 * the DMA page roles, the tool's global state (options, identification
 * registers, pass/fail counts, queue tail), the CHECK/report helpers of
 * common.c and the subtests each file runs for main.c.
 */
#ifndef VTDHOSTILE_H
#define VTDHOSTILE_H

#include <stdint.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint8_t u8;

#define UNIT_BASE 0xfed90000ull
#define MAP_LEN 0x3000	   /* the two register pages and the page after */
#define HV_MEM 0x100000ull /* the hypervisor image (linker.ld), never guest RAM */
#define LAPIC_MMIO 0xfee00000ull
#define BEYOND_RAM (1ull << 38) /* far above a 1 GiB guest, within 39 bits */

/* Registers (11.4). */
#define VER 0x000
#define CAP 0x008
#define ECAP 0x010
#define GCMD 0x018
#define GSTS 0x01c
#define RTADDR 0x020
#define CCMD 0x028
#define FSTS 0x034
#define FECTL 0x038
#define FEDATA 0x03c
#define FEADDR 0x040
#define FEUADDR 0x044
#define IQH 0x080
#define IQT 0x088
#define IQA 0x090
#define ICS 0x09c
#define IECTL 0x0a0
#define IEDATA 0x0a4
#define IEADDR 0x0a8
#define IQERCD 0x0b0

#define GCMD_TE (1u << 31)
#define GCMD_SRTP (1u << 30)
#define GCMD_QIE (1u << 26)
#define GSTS_TES (1u << 31)
#define GSTS_RTPS (1u << 30)
#define GSTS_QIES (1u << 26)
/* 11.4.4: software preserves the persistent bits and clears the one-shots */
#define GSTS_ONESHOT_CLEAR 0x96ffffffu

#define FSTS_PFO (1u << 0)
#define FSTS_PPF (1u << 1)
#define FSTS_IQE (1u << 4)
#define FSTS_W1C 0x7du
#define ECTL_IM (1u << 31)
#define ECTL_IP (1u << 30)
#define ICS_IWC 1u

/* IQERCD.IQEI (11.4.9.9) */
#define IQEI_NONE 0
#define IQEI_TAIL 1
#define IQEI_FETCH 2
#define IQEI_TYPE 3
#define IQEI_RSVD 4

/* Fault reasons (chapter 7, table "unrecoverable fault conditions") */
#define FR_CTX_INVALID 0x3
#define FR_ROOT_ACCESS 0x8
#define FR_ROOT_RSVD 0xa
#define FR_CTX_RSVD 0xb
#define FR_ROOT_NP 0x1
#define FR_CTX_NP 0x2

#define NIC_BUS 0
#define NIC_DEVFN 0x10 /* 00:02.0 */
#define NIC_SID ((NIC_BUS << 8) | NIC_DEVFN)

#define QN 256 /* IQA.QS = 0: one page, 256 128-bit descriptors */
#define PAGE 4096ull
#define NPAGES 24

/* 6.5.2.1 context-cache invalidate, global; 6.5.2.3 IOTLB global. */
#define CC_GLOBAL (1 | (1u << 4))
#define IOTLB_GLOBAL (2 | (1u << 4))

struct page {
	u8 *va;
	u64 pa;
};
/* page roles */
enum {
	P_ROOT,
	P_CTX,
	P_QUEUE,
	P_STATUS,
	P_PT3,
	P_PT2,
	P_PT1,
	P_DATA_A,
	P_DATA_B,
	P_LOOP,
	P_PT4,
	P_QUEUE2,
	P_SP4,
	P_SP3,
	P_SP2,
	P_SP1
};

struct desc {
	u64 lo, hi;
};

/* ---- state (common.c) ---------------------------------------------------- */

extern volatile u8 *regs;
extern int trap_mode, phys, sparse_gib;
extern const char *only, *xfail;
extern int xfailed;
extern int passed, failed;
extern unsigned int fro, iro, levels, sllps;
extern u64 cap, ecap;
extern struct page pg[NPAGES];
extern char detail[512];
extern int cur_ok;
extern u32 qtail; /* software tail (descriptor index) */
extern u32 status_seq;
extern int expect_ip; /* queue.c */

/* ---- plumbing, report (common.c) ------------------------------------------ */

u64 now_us(void);
u32 r32(u32 off);
u64 r64(u32 off);
void w32(u32 off, u32 v);
void w64(u32 off, u64 v);
void pause_us(u64 us);
int wait32(u32 off, u32 mask, u32 val, unsigned int ms);
int ro_settles64(u32 off, u64 want, unsigned int *polls);
int ro_settles32(u32 off, u32 want, unsigned int *polls);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...)                   \
	do {                               \
		if (!(cond)) {             \
			cur_ok = 0;        \
			note(__VA_ARGS__); \
		}                          \
	} while (0)

int want(const char *name);
void sub_begin(void);
void sub_end(const char *name);
int alloc_pages(void);

/* ---- global command, queue, faults (common.c) ------------------------------ */

int gcmd(u32 set, u32 clear, u32 wmask, u32 wval);
struct desc *queue(void);
volatile u32 *status_slot(unsigned int i);
void q_put(u64 lo, u64 hi);
void q_kick(void);
u64 wait_lo(u32 data, int sw, int iflag);
int q_sync(unsigned int ms);
int settle(void);
u32 iqh_idx(void);
int wait_iqh(u32 idx, unsigned int ms);
int qi_enable(u64 iqa);
int qi_disable(void);
void expect_fault(int fr);
void clear_faults(void);
int te(int on);
int srtp(u64 rta);

/* ---- translation structures (tables.c) ------------------------------------- */

u64 *pt(int p);
void set_root(int present, u64 extra_lo, u64 hi);
u64 top_table(void);
u64 iotlb_psi_lo(unsigned int did);

/* ---- subtests, in main.c's order ------------------------------------------- */

/* regs.c */
void t_id(void);
void t_ro_bits(void);
void t_feaddr(void);
void t_reg_inv(void);
void t_msi_sidecore(void);
void t_straddle(void);
/* queue.c */
void bad_desc(const char *name, u64 lo, u64 hi, int iqei);
void t_qi_up(void);
void t_wait_if(void);
void t_qi_misc(void);
void t_ectl_unmask(void);
void t_bad_descs(void);
void t_iqt(void);
void t_iqe_qi_toggle(void);
void t_iqa(const char *name, u64 iqa);
/* tables.c */
void t_root(const char *name, u64 rta);
void t_contexts(void);

#endif
