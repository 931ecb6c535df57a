// SPDX-License-Identifier: MIT
/*
 * vmm/insn_decode.c: MMIO-access decode and intercepted-instruction length
 * on byte sequences produced by GNU as (the assembler text is kept next to
 * each vector), every truncation (-ENODATA, read through exact-size heap
 * copies so ASan sees any over-read), the 15-byte limit, prefix and REX
 * rules (SDM Vol. 2A 2.1-2.2), refused (-ENOTSUP) and invalid forms.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "vmm/insn_decode.h"

#define M16 INSN_MODE_16
#define M32 INSN_MODE_32
#define M64 INSN_MODE_64

/* Expected decode: a register store, an immediate store, a load. */
#define WR(sz, r, hi) true, sz, INSN_OP_REG, r, hi, 0, INSN_EXT_NONE, 0, false
#define WI(sz, v) true, sz, INSN_OP_IMM, 0, false, v, INSN_EXT_NONE, 0, false
#define RD(sz, r, hi, x, dst, zu) false, sz, INSN_OP_REG, r, hi, 0, x, dst, zu

struct mmio_vec {
	enum insn_cpu_mode mode;
	const char *text;
	u8 bytes[INSN_MAX_LEN];
	unsigned int len;
	bool write;
	unsigned int size;
	enum insn_src_kind src_kind;
	unsigned int reg;
	bool high;
	u64 imm;
	enum insn_ext ext;
	unsigned int dst_size;
	bool zero_upper32;
};

/* GNU as 2.40 output for each text (.code64/.code32/.code16). */
static const struct mmio_vec mmio_vecs[] = {
	{ M64, "mov %eax,(%rdi)", { 0x89, 0x07 }, 2, WR(4, 0, 0) },
	{ M64, "mov %rsi,(%rdi)", { 0x48, 0x89, 0x37 }, 3, WR(8, 6, 0) },
	{ M64,
	  "mov %r9,(%rax,%rcx,8)",
	  { 0x4c, 0x89, 0x0c, 0xc8 },
	  4,
	  WR(8, 9, 0) },
	{ M64, "movb %ah,(%rcx)", { 0x88, 0x21 }, 2, WR(1, 0, 1) },
	{ M64, "movb %bh,0x7f(%rdx)", { 0x88, 0x7a, 0x7f }, 3, WR(1, 3, 1) },
	{ M64, "movb %sil,(%rdi)", { 0x40, 0x88, 0x37 }, 3, WR(1, 6, 0) },
	{ M64, "movb %al,(%rdi)", { 0x88, 0x07 }, 2, WR(1, 0, 0) },
	{ M64, "movb %r15b,(%r8)", { 0x45, 0x88, 0x38 }, 3, WR(1, 15, 0) },
	{ M64, "mov %ax,(%rdi)", { 0x66, 0x89, 0x07 }, 3, WR(2, 0, 0) },
	{ M64,
	  "mov %r10w,0x12345678(%r11)",
	  { 0x66, 0x45, 0x89, 0x93, 0x78, 0x56, 0x34, 0x12 },
	  8,
	  WR(2, 10, 0) },
	{ M64, "mov %ecx,-8(%rbp)", { 0x89, 0x4d, 0xf8 }, 3, WR(4, 1, 0) },
	{ M64,
	  "mov %edx,0x100(%rsp)",
	  { 0x89, 0x94, 0x24, 0x00, 0x01, 0x00, 0x00 },
	  7,
	  WR(4, 2, 0) },
	{ M64, "mov %esi,(%r12)", { 0x41, 0x89, 0x34, 0x24 }, 4, WR(4, 6, 0) },
	{ M64, "mov %edi,(%r13)", { 0x41, 0x89, 0x7d, 0x00 }, 4, WR(4, 7, 0) },
	{ M64,
	  "mov %eax,0x1000(,%rbx,4)",
	  { 0x89, 0x04, 0x9d, 0x00, 0x10, 0x00, 0x00 },
	  7,
	  WR(4, 0, 0) },
	{ M64,
	  "mov %ebx,0x12345678",
	  { 0x89, 0x1c, 0x25, 0x78, 0x56, 0x34, 0x12 },
	  7,
	  WR(4, 3, 0) },
	{ M64,
	  "mov %eax,0x1000(%rip)",
	  { 0x89, 0x05, 0x00, 0x10, 0x00, 0x00 },
	  6,
	  WR(4, 0, 0) },
	{ M64, "mov %eax,%fs:(%rdi)", { 0x64, 0x89, 0x07 }, 3, WR(4, 0, 0) },
	{ M64,
	  "mov %eax,%gs:0x10(%rbx,%rsi,2)",
	  { 0x65, 0x89, 0x44, 0x73, 0x10 },
	  5,
	  WR(4, 0, 0) },
	{ M64, "mov %eax,(%edi)", { 0x67, 0x89, 0x07 }, 3, WR(4, 0, 0) },
	{ M64,
	  "mov %r8d,0x10(%eax,%r9d,2)",
	  { 0x67, 0x46, 0x89, 0x44, 0x48, 0x10 },
	  6,
	  WR(4, 8, 0) },
	{ M64,
	  "mov %r12,0x100(%r13,%r14,8)",
	  { 0x4f, 0x89, 0xa4, 0xf5, 0x00, 0x01, 0x00, 0x00 },
	  8,
	  WR(8, 12, 0) },
	{ M64,
	  "movabs %eax,0x1122334455667788",
	  { 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  9,
	  WR(4, 0, 0) },
	{ M64,
	  "movabs %al,0x1122334455667788",
	  { 0xa2, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  9,
	  WR(1, 0, 0) },
	{ M64,
	  "movabs %rax,0x1122334455667788",
	  { 0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  10,
	  WR(8, 0, 0) },
	{ M64,
	  "movabs %ax,0x1122334455667788",
	  { 0x66, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  10,
	  WR(2, 0, 0) },
	{ M64,
	  "addr32 movabs %eax,0x12345678",
	  { 0x67, 0xa3, 0x78, 0x56, 0x34, 0x12 },
	  6,
	  WR(4, 0, 0) },
	{ M64,
	  "mov (%rdi),%eax",
	  { 0x8b, 0x07 },
	  2,
	  RD(4, 0, 0, INSN_EXT_NONE, 4, 1) },
	{ M64,
	  "mov 0x10(%rbx),%ecx",
	  { 0x8b, 0x4b, 0x10 },
	  3,
	  RD(4, 1, 0, INSN_EXT_NONE, 4, 1) },
	{ M64,
	  "mov (%rdi),%rax",
	  { 0x48, 0x8b, 0x07 },
	  3,
	  RD(8, 0, 0, INSN_EXT_NONE, 8, 0) },
	{ M64,
	  "mov (%rdi),%ax",
	  { 0x66, 0x8b, 0x07 },
	  3,
	  RD(2, 0, 0, INSN_EXT_NONE, 2, 0) },
	{ M64,
	  "mov (%rdi),%al",
	  { 0x8a, 0x07 },
	  2,
	  RD(1, 0, 0, INSN_EXT_NONE, 1, 0) },
	{ M64,
	  "mov (%rdi),%ah",
	  { 0x8a, 0x27 },
	  2,
	  RD(1, 0, 1, INSN_EXT_NONE, 1, 0) },
	{ M64,
	  "mov (%rdi),%dh",
	  { 0x8a, 0x37 },
	  2,
	  RD(1, 2, 1, INSN_EXT_NONE, 1, 0) },
	{ M64,
	  "mov (%rdi),%dil",
	  { 0x40, 0x8a, 0x3f },
	  3,
	  RD(1, 7, 0, INSN_EXT_NONE, 1, 0) },
	{ M64,
	  "mov (%rsi),%r11d",
	  { 0x44, 0x8b, 0x1e },
	  3,
	  RD(4, 11, 0, INSN_EXT_NONE, 4, 1) },
	{ M64,
	  "mov 0x8(%r15),%r14",
	  { 0x4d, 0x8b, 0x77, 0x08 },
	  4,
	  RD(8, 14, 0, INSN_EXT_NONE, 8, 0) },
	{ M64,
	  "mov 0x1000(%rip),%eax",
	  { 0x8b, 0x05, 0x00, 0x10, 0x00, 0x00 },
	  6,
	  RD(4, 0, 0, INSN_EXT_NONE, 4, 1) },
	{ M64,
	  "mov -0x10(%rip),%rdx",
	  { 0x48, 0x8b, 0x15, 0xf0, 0xff, 0xff, 0xff },
	  7,
	  RD(8, 2, 0, INSN_EXT_NONE, 8, 0) },
	{ M64,
	  "movabs 0x1122334455667788,%eax",
	  { 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  9,
	  RD(4, 0, 0, INSN_EXT_NONE, 4, 1) },
	{ M64,
	  "movabs 0x1122334455667788,%al",
	  { 0xa0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  9,
	  RD(1, 0, 0, INSN_EXT_NONE, 1, 0) },
	{ M64,
	  "movabs 0x1122334455667788,%rax",
	  { 0x48, 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 },
	  10,
	  RD(8, 0, 0, INSN_EXT_NONE, 8, 0) },
	{ M64,
	  "movzbl (%rsi),%eax",
	  { 0x0f, 0xb6, 0x06 },
	  3,
	  RD(1, 0, 0, INSN_EXT_ZERO, 4, 1) },
	{ M64,
	  "movzwl (%rsi),%eax",
	  { 0x0f, 0xb7, 0x06 },
	  3,
	  RD(2, 0, 0, INSN_EXT_ZERO, 4, 1) },
	{ M64,
	  "movzbq (%rsi),%r10",
	  { 0x4c, 0x0f, 0xb6, 0x16 },
	  4,
	  RD(1, 10, 0, INSN_EXT_ZERO, 8, 0) },
	{ M64,
	  "movzbw (%rsi),%ax",
	  { 0x66, 0x0f, 0xb6, 0x06 },
	  4,
	  RD(1, 0, 0, INSN_EXT_ZERO, 2, 0) },
	{ M64,
	  "movzwq 0x20(%rdi,%rcx,2),%rbx",
	  { 0x48, 0x0f, 0xb7, 0x5c, 0x4f, 0x20 },
	  6,
	  RD(2, 3, 0, INSN_EXT_ZERO, 8, 0) },
	{ M64,
	  "movsbl (%rsi),%eax",
	  { 0x0f, 0xbe, 0x06 },
	  3,
	  RD(1, 0, 0, INSN_EXT_SIGN, 4, 1) },
	{ M64,
	  "movswl 0x8(%rsi),%edx",
	  { 0x0f, 0xbf, 0x56, 0x08 },
	  4,
	  RD(2, 2, 0, INSN_EXT_SIGN, 4, 1) },
	{ M64,
	  "movsbq (%rsi),%rax",
	  { 0x48, 0x0f, 0xbe, 0x06 },
	  4,
	  RD(1, 0, 0, INSN_EXT_SIGN, 8, 0) },
	{ M64,
	  "movswq (%rsi),%r8",
	  { 0x4c, 0x0f, 0xbf, 0x06 },
	  4,
	  RD(2, 8, 0, INSN_EXT_SIGN, 8, 0) },
	{ M64,
	  "movsbw 0x1000(%rip),%r9w",
	  { 0x66, 0x44, 0x0f, 0xbe, 0x0d, 0x00, 0x10, 0x00, 0x00 },
	  9,
	  RD(1, 9, 0, INSN_EXT_SIGN, 2, 0) },
	{ M64,
	  "movl $0x12345678,0x20(%rdx)",
	  { 0xc7, 0x42, 0x20, 0x78, 0x56, 0x34, 0x12 },
	  7,
	  WI(4, 0x12345678ULL) },
	{ M64, "movb $0xab,(%rdi)", { 0xc6, 0x07, 0xab }, 3, WI(1, 0xabULL) },
	{ M64,
	  "movw $0xbeef,(%rdi)",
	  { 0x66, 0xc7, 0x07, 0xef, 0xbe },
	  5,
	  WI(2, 0xbeefULL) },
	{ M64,
	  "movq $-1,(%rdi)",
	  { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff },
	  7,
	  WI(8, 0xffffffffffffffffULL) },
	{ M64,
	  "movq $0x7fffffff,(%rdi)",
	  { 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0x7f },
	  7,
	  WI(8, 0x7fffffffULL) },
	{ M64,
	  "movq $-0x80000000,(%rdi)",
	  { 0x48, 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80 },
	  7,
	  WI(8, 0xffffffff80000000ULL) },
	{ M64,
	  "movl $0x80000000,(%rdi)",
	  { 0xc7, 0x07, 0x00, 0x00, 0x00, 0x80 },
	  6,
	  WI(4, 0x80000000ULL) },
	{ M64,
	  "movl $1,0x1000(%rip)",
	  { 0xc7, 0x05, 0x00, 0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 },
	  10,
	  WI(4, 0x1ULL) },
	{ M64,
	  "movb $1,0x12345678(%rax,%rbx,2)",
	  { 0xc6, 0x84, 0x58, 0x78, 0x56, 0x34, 0x12, 0x01 },
	  8,
	  WI(1, 0x1ULL) },
	{ M64,
	  "movl $0xdeadbeef,%gs:0x10",
	  { 0x65, 0xc7, 0x04, 0x25, 0x10, 0x00, 0x00, 0x00, 0xef, 0xbe, 0xad,
	    0xde },
	  12,
	  WI(4, 0xdeadbeefULL) },
	{ M64,
	  "movw $0x1234,0x10(%r12)",
	  { 0x66, 0x41, 0xc7, 0x44, 0x24, 0x10, 0x34, 0x12 },
	  8,
	  WI(2, 0x1234ULL) },
	{ M32, "mov %eax,(%edi)", { 0x89, 0x07 }, 2, WR(4, 0, 0) },
	{ M32, "mov %ax,(%edi)", { 0x66, 0x89, 0x07 }, 3, WR(2, 0, 0) },
	{ M32, "mov %eax,(%di)", { 0x67, 0x89, 0x05 }, 3, WR(4, 0, 0) },
	{ M32, "movb %ah,(%ecx)", { 0x88, 0x21 }, 2, WR(1, 0, 1) },
	{ M32,
	  "mov %ecx,0x12345678",
	  { 0x89, 0x0d, 0x78, 0x56, 0x34, 0x12 },
	  6,
	  WR(4, 1, 0) },
	{ M32,
	  "mov %edx,0x10(%ebp,%esi,4)",
	  { 0x89, 0x54, 0xb5, 0x10 },
	  4,
	  WR(4, 2, 0) },
	{ M32,
	  "movl %eax,0x12345678",
	  { 0xa3, 0x78, 0x56, 0x34, 0x12 },
	  5,
	  WR(4, 0, 0) },
	{ M32,
	  "addr16 movl %eax,0x1234",
	  { 0x67, 0xa3, 0x34, 0x12 },
	  4,
	  WR(4, 0, 0) },
	{ M32,
	  "mov (%esi),%ecx",
	  { 0x8b, 0x0e },
	  2,
	  RD(4, 1, 0, INSN_EXT_NONE, 4, 0) },
	{ M32,
	  "mov 0x1234(%bx,%si),%eax",
	  { 0x67, 0x8b, 0x80, 0x34, 0x12 },
	  5,
	  RD(4, 0, 0, INSN_EXT_NONE, 4, 0) },
	{ M32,
	  "mov 0x12345678,%eax",
	  { 0xa1, 0x78, 0x56, 0x34, 0x12 },
	  5,
	  RD(4, 0, 0, INSN_EXT_NONE, 4, 0) },
	{ M32,
	  "mov 0x12345678,%al",
	  { 0xa0, 0x78, 0x56, 0x34, 0x12 },
	  5,
	  RD(1, 0, 0, INSN_EXT_NONE, 1, 0) },
	{ M32,
	  "mov (%eax),%bh",
	  { 0x8a, 0x38 },
	  2,
	  RD(1, 3, 1, INSN_EXT_NONE, 1, 0) },
	{ M32,
	  "movzbl (%esi),%eax",
	  { 0x0f, 0xb6, 0x06 },
	  3,
	  RD(1, 0, 0, INSN_EXT_ZERO, 4, 0) },
	{ M32,
	  "movswl -4(%esp),%edi",
	  { 0x0f, 0xbf, 0x7c, 0x24, 0xfc },
	  5,
	  RD(2, 7, 0, INSN_EXT_SIGN, 4, 0) },
	{ M32,
	  "movl $0x12345678,0x10(%ebp,%esi,4)",
	  { 0xc7, 0x44, 0xb5, 0x10, 0x78, 0x56, 0x34, 0x12 },
	  8,
	  WI(4, 0x12345678ULL) },
	{ M32,
	  "movw $0x1234,(%eax)",
	  { 0x66, 0xc7, 0x00, 0x34, 0x12 },
	  5,
	  WI(2, 0x1234ULL) },
	{ M32,
	  "movb $0x5a,0x12345678",
	  { 0xc6, 0x05, 0x78, 0x56, 0x34, 0x12, 0x5a },
	  7,
	  WI(1, 0x5aULL) },
	{ M16, "mov %ax,(%di)", { 0x89, 0x05 }, 2, WR(2, 0, 0) },
	{ M16, "mov %eax,(%di)", { 0x66, 0x89, 0x05 }, 3, WR(4, 0, 0) },
	{ M16,
	  "mov %ax,0x1234(%bp)",
	  { 0x89, 0x86, 0x34, 0x12 },
	  4,
	  WR(2, 0, 0) },
	{ M16, "mov %al,-2(%bp,%di)", { 0x88, 0x43, 0xfe }, 3, WR(1, 0, 0) },
	{ M16, "mov %ax,0x5678", { 0xa3, 0x78, 0x56 }, 3, WR(2, 0, 0) },
	{ M16, "mov %cx,0x5678", { 0x89, 0x0e, 0x78, 0x56 }, 4, WR(2, 1, 0) },
	{ M16, "mov %dh,(%bx)", { 0x88, 0x37 }, 2, WR(1, 2, 1) },
	{ M16,
	  "mov (%bx,%si),%cx",
	  { 0x8b, 0x08 },
	  2,
	  RD(2, 1, 0, INSN_EXT_NONE, 2, 0) },
	{ M16,
	  "mov 0x1234,%ax",
	  { 0xa1, 0x34, 0x12 },
	  3,
	  RD(2, 0, 0, INSN_EXT_NONE, 2, 0) },
	{ M16,
	  "mov (%eax),%ax",
	  { 0x67, 0x8b, 0x00 },
	  3,
	  RD(2, 0, 0, INSN_EXT_NONE, 2, 0) },
	{ M16,
	  "mov 0x10(%eax,%ebx,4),%ax",
	  { 0x67, 0x8b, 0x44, 0x98, 0x10 },
	  5,
	  RD(2, 0, 0, INSN_EXT_NONE, 2, 0) },
	{ M16,
	  "addr32 mov 0x12345678,%ax",
	  { 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12 },
	  6,
	  RD(2, 0, 0, INSN_EXT_NONE, 2, 0) },
	{ M16,
	  "movzbw (%si),%ax",
	  { 0x0f, 0xb6, 0x04 },
	  3,
	  RD(1, 0, 0, INSN_EXT_ZERO, 2, 0) },
	{ M16,
	  "movzbl (%si),%eax",
	  { 0x66, 0x0f, 0xb6, 0x04 },
	  4,
	  RD(1, 0, 0, INSN_EXT_ZERO, 4, 0) },
	{ M16,
	  "movsbw 0x1(%bp),%dx",
	  { 0x0f, 0xbe, 0x56, 0x01 },
	  4,
	  RD(1, 2, 0, INSN_EXT_SIGN, 2, 0) },
	{ M16,
	  "movw $0x1234,0x10(%bx)",
	  { 0xc7, 0x47, 0x10, 0x34, 0x12 },
	  5,
	  WI(2, 0x1234ULL) },
	{ M16,
	  "movl $0x12345678,(%di)",
	  { 0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12 },
	  7,
	  WI(4, 0x12345678ULL) },
	{ M16,
	  "movb $0x12,0x3456",
	  { 0xc6, 0x06, 0x56, 0x34, 0x12 },
	  5,
	  WI(1, 0x12ULL) },
};

struct notsup_vec {
	enum insn_cpu_mode mode;
	const char *text;
	u8 bytes[INSN_MAX_LEN];
	unsigned int len;
	const char *name;
	bool write;
	unsigned int size;
	bool rep, lock;
};

/* Recognised, refused: the caller reports what it saw. */
static const struct notsup_vec notsup_vecs[] = {
	{ M64, "rep movsb", { 0xf3, 0xa4 }, 2, "movs", 1, 1, 1, 0 },
	{ M64, "rep movsl", { 0xf3, 0xa5 }, 2, "movs", 1, 4, 1, 0 },
	{ M64, "movsq", { 0x48, 0xa5 }, 2, "movs", 1, 8, 0, 0 },
	{ M64, "stosl", { 0xab }, 1, "stos", 1, 4, 0, 0 },
	{ M64, "rep stosq", { 0xf3, 0x48, 0xab }, 3, "stos", 1, 8, 1, 0 },
	{ M64, "rep stosw", { 0x66, 0xf3, 0xab }, 3, "stos", 1, 2, 1, 0 },
	{ M64, "lodsb", { 0xac }, 1, "lods", 0, 1, 0, 0 },
	{ M64, "cmpsb", { 0xa6 }, 1, "cmps", 0, 1, 0, 0 },
	{ M64, "scasl", { 0xaf }, 1, "scas", 0, 4, 0, 0 },
	{ M64, "repne scasb", { 0xf2, 0xae }, 2, "scas", 0, 1, 1, 0 },
	{ M64,
	  "lock addl $1,(%rdi)",
	  { 0xf0, 0x83, 0x07, 0x01 },
	  4,
	  "add",
	  1,
	  4,
	  0,
	  1 },
	{ M64,
	  "lock orl %eax,(%rdi)",
	  { 0xf0, 0x09, 0x07 },
	  3,
	  "or",
	  1,
	  4,
	  0,
	  1 },
	{ M64,
	  "andl $0xff00,(%rdi)",
	  { 0x81, 0x27, 0x00, 0xff, 0x00, 0x00 },
	  6,
	  "and",
	  1,
	  4,
	  0,
	  0 },
	{ M64,
	  "andl $0x7f,0x10(%rdi)",
	  { 0x83, 0x67, 0x10, 0x7f },
	  4,
	  "and",
	  1,
	  4,
	  0,
	  0 },
	{ M64, "xor %eax,(%rdi)", { 0x31, 0x07 }, 2, "xor", 1, 4, 0, 0 },
	{ M64, "add (%rdi),%eax", { 0x03, 0x07 }, 2, "add", 0, 4, 0, 0 },
	{ M64,
	  "orb $0x80,0x1000(%rip)",
	  { 0x80, 0x0d, 0x00, 0x10, 0x00, 0x00, 0x80 },
	  7,
	  "or",
	  1,
	  1,
	  0,
	  0 },
	{ M64,
	  "orw $0x1234,(%rdi)",
	  { 0x66, 0x81, 0x0f, 0x34, 0x12 },
	  5,
	  "or",
	  1,
	  2,
	  0,
	  0 },
	{ M64,
	  "lock orq $0x1000,(%rdi)",
	  { 0xf0, 0x48, 0x81, 0x0f, 0x00, 0x10, 0x00, 0x00 },
	  8,
	  "or",
	  1,
	  8,
	  0,
	  1 },
	{ M64, "cmpl $0,(%rdi)", { 0x83, 0x3f, 0x00 }, 3, "cmp", 0, 4, 0, 0 },
	{ M64, "subq %rax,(%rdi)", { 0x48, 0x29, 0x07 }, 3, "sub", 1, 8, 0, 0 },
	{ M64, "adcb (%rdi),%al", { 0x12, 0x07 }, 2, "adc", 0, 1, 0, 0 },
	{ M64,
	  "sbb %ecx,0x8(%rdx)",
	  { 0x19, 0x4a, 0x08 },
	  3,
	  "sbb",
	  1,
	  4,
	  0,
	  0 },
	{ M64, "test %eax,(%rdi)", { 0x85, 0x07 }, 2, "test", 0, 4, 0, 0 },
	{ M64, "xchg %eax,(%rdi)", { 0x87, 0x07 }, 2, "xchg", 1, 4, 0, 0 },
	{ M64, "incl (%rdi)", { 0xff, 0x07 }, 2, "inc", 1, 4, 0, 0 },
	{ M64, "lock decl (%rdi)", { 0xf0, 0xff, 0x0f }, 3, "dec", 1, 4, 0, 1 },
	{ M64, "incb 0x10(%rax)", { 0xfe, 0x40, 0x10 }, 3, "inc", 1, 1, 0, 0 },
	{ M64, "notl (%rdi)", { 0xf7, 0x17 }, 2, "not", 1, 4, 0, 0 },
	{ M64, "negq (%rdi)", { 0x48, 0xf7, 0x1f }, 3, "neg", 1, 8, 0, 0 },
	{ M64, "mull (%rdi)", { 0xf7, 0x27 }, 2, "mul", 0, 4, 0, 0 },
	{ M64,
	  "lock btsl $3,(%rdi)",
	  { 0xf0, 0x0f, 0xba, 0x2f, 0x03 },
	  5,
	  "bts",
	  1,
	  4,
	  0,
	  1 },
	{ M64, "btl %eax,(%rdi)", { 0x0f, 0xa3, 0x07 }, 3, "bt", 0, 4, 0, 0 },
	{ M64,
	  "btl $5,(%rdi)",
	  { 0x0f, 0xba, 0x27, 0x05 },
	  4,
	  "bt",
	  0,
	  4,
	  0,
	  0 },
	{ M64,
	  "lock btrq %rax,(%rdi)",
	  { 0xf0, 0x48, 0x0f, 0xb3, 0x07 },
	  5,
	  "btr",
	  1,
	  8,
	  0,
	  1 },
	{ M64,
	  "btcw $1,(%rdi)",
	  { 0x66, 0x0f, 0xba, 0x3f, 0x01 },
	  5,
	  "btc",
	  1,
	  2,
	  0,
	  0 },
	{ M64,
	  "lock cmpxchg %ecx,(%rdi)",
	  { 0xf0, 0x0f, 0xb1, 0x0f },
	  4,
	  "cmpxchg",
	  1,
	  4,
	  0,
	  1 },
	{ M64,
	  "lock cmpxchgb %cl,(%rdi)",
	  { 0xf0, 0x0f, 0xb0, 0x0f },
	  4,
	  "cmpxchg",
	  1,
	  1,
	  0,
	  1 },
	{ M64,
	  "lock xadd %eax,(%rdi)",
	  { 0xf0, 0x0f, 0xc1, 0x07 },
	  4,
	  "xadd",
	  1,
	  4,
	  0,
	  1 },
	{ M64, "testb $1,(%rdi)", { 0xf6, 0x07, 0x01 }, 3, "test", 0, 1, 0, 0 },
	{ M64,
	  "testl $0x1000,(%rdi)",
	  { 0xf7, 0x07, 0x00, 0x10, 0x00, 0x00 },
	  6,
	  "test",
	  0,
	  4,
	  0,
	  0 },
	{ M64,
	  "testq $-2,0x40(%rdi)",
	  { 0x48, 0xf7, 0x47, 0x40, 0xfe, 0xff, 0xff, 0xff },
	  8,
	  "test",
	  0,
	  8,
	  0,
	  0 },
	{ M64,
	  "testw $0x8000,(%rdi)",
	  { 0x66, 0xf7, 0x07, 0x00, 0x80 },
	  5,
	  "test",
	  0,
	  2,
	  0,
	  0 },
	{ M32, "rep movsl", { 0xf3, 0xa5 }, 2, "movs", 1, 4, 1, 0 },
	{ M32,
	  "lock addl $1,(%eax)",
	  { 0xf0, 0x83, 0x00, 0x01 },
	  4,
	  "add",
	  1,
	  4,
	  0,
	  1 },
	{ M32,
	  "orw $0x1234,0x10(%ebx)",
	  { 0x66, 0x81, 0x4b, 0x10, 0x34, 0x12 },
	  6,
	  "or",
	  1,
	  2,
	  0,
	  0 },
	{ M16, "rep movsw", { 0xf3, 0xa5 }, 2, "movs", 1, 2, 1, 0 },
	{ M16,
	  "orw $0x1234,0x10(%bx)",
	  { 0x81, 0x4f, 0x10, 0x34, 0x12 },
	  5,
	  "or",
	  1,
	  2,
	  0,
	  0 },
	{ M16,
	  "orl $0x12345678,(%si)",
	  { 0x66, 0x81, 0x0c, 0x78, 0x56, 0x34, 0x12 },
	  7,
	  "or",
	  1,
	  4,
	  0,
	  0 },
};

struct len_vec {
	enum insn_cpu_mode mode;
	const char *text;
	u8 bytes[INSN_MAX_LEN];
	unsigned int len;
};

/* Intercepted instructions (and a few MOVs) for insn_length(). */
static const struct len_vec len_vecs[] = {
	{ M64, "cpuid", { 0x0f, 0xa2 }, 2 },
	{ M64, "rdmsr", { 0x0f, 0x32 }, 2 },
	{ M64, "wrmsr", { 0x0f, 0x30 }, 2 },
	{ M64, "rdtsc", { 0x0f, 0x31 }, 2 },
	{ M64, "rdtscp", { 0x0f, 0x01, 0xf9 }, 3 },
	{ M64, "rdpmc", { 0x0f, 0x33 }, 2 },
	{ M64, "hlt", { 0xf4 }, 1 },
	{ M64, "invd", { 0x0f, 0x08 }, 2 },
	{ M64, "wbinvd", { 0x0f, 0x09 }, 2 },
	{ M64, "xsetbv", { 0x0f, 0x01, 0xd1 }, 3 },
	{ M64, "vmcall", { 0x0f, 0x01, 0xc1 }, 3 },
	{ M64, "vmmcall", { 0x0f, 0x01, 0xd9 }, 3 },
	{ M64, "vmrun", { 0x0f, 0x01, 0xd8 }, 3 },
	{ M64, "vmload", { 0x0f, 0x01, 0xda }, 3 },
	{ M64, "vmsave", { 0x0f, 0x01, 0xdb }, 3 },
	{ M64, "stgi", { 0x0f, 0x01, 0xdc }, 3 },
	{ M64, "clgi", { 0x0f, 0x01, 0xdd }, 3 },
	{ M64, "skinit", { 0x0f, 0x01, 0xde }, 3 },
	{ M64, "invlpga", { 0x0f, 0x01, 0xdf }, 3 },
	{ M64, "monitor", { 0x0f, 0x01, 0xc8 }, 3 },
	{ M64, "mwait", { 0x0f, 0x01, 0xc9 }, 3 },
	{ M64, "monitorx", { 0x0f, 0x01, 0xfa }, 3 },
	{ M64, "mwaitx", { 0x0f, 0x01, 0xfb }, 3 },
	{ M64, "pause", { 0xf3, 0x90 }, 2 },
	{ M64, "in $0x80,%al", { 0xe4, 0x80 }, 2 },
	{ M64, "in $0x71,%eax", { 0xe5, 0x71 }, 2 },
	{ M64, "in $0x60,%ax", { 0x66, 0xe5, 0x60 }, 3 },
	{ M64, "out %al,$0x80", { 0xe6, 0x80 }, 2 },
	{ M64, "out %eax,$0x20", { 0xe7, 0x20 }, 2 },
	{ M64, "in (%dx),%al", { 0xec }, 1 },
	{ M64, "in (%dx),%ax", { 0x66, 0xed }, 2 },
	{ M64, "in (%dx),%eax", { 0xed }, 1 },
	{ M64, "out %al,(%dx)", { 0xee }, 1 },
	{ M64, "out %ax,(%dx)", { 0x66, 0xef }, 2 },
	{ M64, "out %eax,(%dx)", { 0xef }, 1 },
	{ M64, "insb", { 0x6c }, 1 },
	{ M64, "insw", { 0x66, 0x6d }, 2 },
	{ M64, "insl", { 0x6d }, 1 },
	{ M64, "outsb", { 0x6e }, 1 },
	{ M64, "outsw", { 0x66, 0x6f }, 2 },
	{ M64, "outsl", { 0x6f }, 1 },
	{ M64, "rep insb", { 0xf3, 0x6c }, 2 },
	{ M64, "rep outsw", { 0x66, 0xf3, 0x6f }, 3 },
	{ M64, "rep outsl", { 0xf3, 0x6f }, 2 },
	{ M64, "rep insl (%dx),%es:(%edi)", { 0x67, 0xf3, 0x6d }, 3 },
	{ M64, "rep outsb %fs:(%rsi),(%dx)", { 0x64, 0xf3, 0x6e }, 3 },
	{ M64, "mov %cr0,%rax", { 0x0f, 0x20, 0xc0 }, 3 },
	{ M64, "mov %rax,%cr3", { 0x0f, 0x22, 0xd8 }, 3 },
	{ M64, "mov %cr8,%rax", { 0x44, 0x0f, 0x20, 0xc0 }, 4 },
	{ M64, "mov %r9,%cr4", { 0x41, 0x0f, 0x22, 0xe1 }, 4 },
	{ M64, "mov %cr2,%r15", { 0x41, 0x0f, 0x20, 0xd7 }, 4 },
	{ M64, "mov %db7,%rax", { 0x0f, 0x21, 0xf8 }, 3 },
	{ M64, "mov %rax,%db7", { 0x0f, 0x23, 0xf8 }, 3 },
	{ M64, "mov %rbx,%db0", { 0x0f, 0x23, 0xc3 }, 3 },
	{ M64, "invlpg (%rax)", { 0x0f, 0x01, 0x38 }, 3 },
	{ M64,
	  "invlpg 0x10(%rax,%rbx,4)",
	  { 0x0f, 0x01, 0x7c, 0x98, 0x10 },
	  5 },
	{ M64,
	  "invlpg 0x12345678(%rip)",
	  { 0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12 },
	  7 },
	{ M64, "invlpg (%r13)", { 0x41, 0x0f, 0x01, 0x7d, 0x00 }, 5 },
	{ M64,
	  "invlpg 0x1000(,%rcx,8)",
	  { 0x0f, 0x01, 0x3c, 0xcd, 0x00, 0x10, 0x00, 0x00 },
	  8 },
	{ M64, "invlpg -0x8(%rsp)", { 0x0f, 0x01, 0x7c, 0x24, 0xf8 }, 5 },
	{ M64, "invlpg (%eax)", { 0x67, 0x0f, 0x01, 0x38 }, 4 },
	{ M64,
	  "invlpg %gs:0x12345678(%r12,%r13,2)",
	  { 0x65, 0x43, 0x0f, 0x01, 0xbc, 0x6c, 0x78, 0x56, 0x34, 0x12 },
	  10 },
	{ M64, "mov %eax,(%rdi)", { 0x89, 0x07 }, 2 },
	{ M64, "mov (%rdi),%rax", { 0x48, 0x8b, 0x07 }, 3 },
	{ M64,
	  "movl $0x12345678,0x20(%rdx)",
	  { 0xc7, 0x42, 0x20, 0x78, 0x56, 0x34, 0x12 },
	  7 },
	{ M64, "movzbl (%rsi),%eax", { 0x0f, 0xb6, 0x06 }, 3 },
	{ M32, "cpuid", { 0x0f, 0xa2 }, 2 },
	{ M32, "rdmsr", { 0x0f, 0x32 }, 2 },
	{ M32, "rdtscp", { 0x0f, 0x01, 0xf9 }, 3 },
	{ M32, "hlt", { 0xf4 }, 1 },
	{ M32, "vmmcall", { 0x0f, 0x01, 0xd9 }, 3 },
	{ M32, "pause", { 0xf3, 0x90 }, 2 },
	{ M32, "in $0x80,%al", { 0xe4, 0x80 }, 2 },
	{ M32, "out %eax,(%dx)", { 0xef }, 1 },
	{ M32, "rep insw", { 0x66, 0xf3, 0x6d }, 3 },
	{ M32, "rep outsl", { 0xf3, 0x6f }, 2 },
	{ M32, "mov %cr0,%eax", { 0x0f, 0x20, 0xc0 }, 3 },
	{ M32, "mov %eax,%cr3", { 0x0f, 0x22, 0xd8 }, 3 },
	{ M32, "mov %eax,%db7", { 0x0f, 0x23, 0xf8 }, 3 },
	{ M32,
	  "invlpg 0x12345678",
	  { 0x0f, 0x01, 0x3d, 0x78, 0x56, 0x34, 0x12 },
	  7 },
	{ M32, "invlpg (%eax,%ebx,8)", { 0x0f, 0x01, 0x3c, 0xd8 }, 4 },
	{ M32, "invlpg 0x10(%bx,%si)", { 0x67, 0x0f, 0x01, 0x78, 0x10 }, 5 },
	{ M32, "invlpg (%di)", { 0x67, 0x0f, 0x01, 0x3d }, 4 },
	{ M32, "mov %eax,(%edi)", { 0x89, 0x07 }, 2 },
	{ M32, "movw $0x1234,(%eax)", { 0x66, 0xc7, 0x00, 0x34, 0x12 }, 5 },
	{ M16, "cpuid", { 0x0f, 0xa2 }, 2 },
	{ M16, "wrmsr", { 0x0f, 0x30 }, 2 },
	{ M16, "hlt", { 0xf4 }, 1 },
	{ M16, "vmmcall", { 0x0f, 0x01, 0xd9 }, 3 },
	{ M16, "pause", { 0xf3, 0x90 }, 2 },
	{ M16, "in $0x80,%al", { 0xe4, 0x80 }, 2 },
	{ M16, "outsw", { 0x6f }, 1 },
	{ M16, "rep outsb", { 0xf3, 0x6e }, 2 },
	{ M16, "mov %cr0,%eax", { 0x0f, 0x20, 0xc0 }, 3 },
	{ M16, "mov %eax,%cr0", { 0x0f, 0x22, 0xc0 }, 3 },
	{ M16, "invlpg (%bx,%si)", { 0x0f, 0x01, 0x38 }, 3 },
	{ M16, "invlpg 0x1234", { 0x0f, 0x01, 0x3e, 0x34, 0x12 }, 5 },
	{ M16, "invlpg 0x12(%bp)", { 0x0f, 0x01, 0x7e, 0x12 }, 4 },
	{ M16,
	  "invlpg 0x12345678(%eax)",
	  { 0x67, 0x0f, 0x01, 0xb8, 0x78, 0x56, 0x34, 0x12 },
	  8 },
	{ M16, "invlpg (%esp)", { 0x67, 0x0f, 0x01, 0x3c, 0x24 }, 5 },
	{ M16, "mov %ax,(%di)", { 0x89, 0x05 }, 2 },
	{ M16,
	  "movl $0x12345678,(%di)",
	  { 0x66, 0xc7, 0x05, 0x78, 0x56, 0x34, 0x12 },
	  7 },
};

/* Decode from an exact-size heap copy: any read past avail trips ASan. */
static int mmio_exact(const u8 *bytes, unsigned int avail,
		      enum insn_cpu_mode mode, struct insn_mmio *out)
{
	u8 *copy = malloc(avail ? avail : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, bytes, avail);
	r = insn_decode_mmio(copy, avail, mode, out);
	free(copy);
	return r;
}

static int length_exact(const u8 *bytes, unsigned int avail,
			enum insn_cpu_mode mode, unsigned int *len)
{
	u8 *copy = malloc(avail ? avail : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, bytes, avail);
	r = insn_length(copy, avail, mode, len);
	free(copy);
	return r;
}

static void check_mmio(const struct mmio_vec *v, const struct insn_mmio *o)
{
	if (o->len != v->len || o->write != v->write || o->size != v->size ||
	    o->reg_high_byte != v->high || o->ext != v->ext ||
	    strcmp(o->name, v->ext == INSN_EXT_NONE   ? "mov"
			    : v->ext == INSN_EXT_ZERO ? "movzx"
						      : "movsx") ||
	    o->rep || o->lock)
		fail_msg("%s (mode %s): len %u write %d size %u high %d ext %d "
			 "name %s",
			 v->text, insn_mode_name(v->mode), o->len, o->write,
			 o->size, o->reg_high_byte, o->ext, o->name);
	if (v->write) {
		assert_int_equal(o->src_kind, v->src_kind);
		if (v->src_kind == INSN_OP_IMM)
			assert_true(o->imm == v->imm);
		else
			assert_int_equal(o->reg, v->reg);
		assert_int_equal(o->dst_size, 0);
		assert_false(o->zero_upper32);
	} else {
		if (o->reg != v->reg || o->dst_size != v->dst_size ||
		    o->zero_upper32 != v->zero_upper32)
			fail_msg("%s: reg %u dst_size %u zero_upper32 %d",
				 v->text, o->reg, o->dst_size, o->zero_upper32);
	}
}

static void test_mmio_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mmio_vecs); i++) {
		const struct mmio_vec *v = &mmio_vecs[i];
		struct insn_mmio o;
		unsigned int len;
		u8 padded[32];
		int r;

		r = mmio_exact(v->bytes, v->len, v->mode, &o);
		if (r)
			fail_msg("%s: %d", v->text, r);
		check_mmio(v, &o);

		/* Trailing bytes (and avail > 15) change nothing. */
		memset(padded, 0xcc, sizeof(padded));
		memcpy(padded, v->bytes, v->len);
		assert_int_equal(
			insn_decode_mmio(padded, sizeof(padded), v->mode, &o),
			0);
		check_mmio(v, &o);

		/* Every MOV the decoder accepts has the same length here. */
		assert_int_equal(length_exact(v->bytes, v->len, v->mode, &len),
				 0);
		assert_int_equal(len, v->len);
	}
}

/* The examples in the task, spelled out once more by hand (SDM Vol. 2A). */
static void test_mmio_named_examples(void **state)
{
	static const u8 writel[] = { 0x89, 0x07 }; /* mov %eax,(%rdi) */
	static const u8 readl[] = { 0x8b, 0x4b,
				    0x10 }; /* mov 0x10(%rbx),%ecx */
	static const u8 imm[] = { 0xc7, 0x42, 0x20, 0x78, 0x56, 0x34, 0x12 };
	static const u8 sib[] = { 0x4c, 0x89, 0x0c, 0xc8 };
	static const u8 movabs[] = { 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct insn_mmio o;

	(void)state;
	assert_int_equal(insn_decode_mmio(writel, 2, M64, &o), 0);
	assert_true(o.write && o.size == 4 && o.reg == 0 && o.len == 2);
	assert_int_equal(insn_decode_mmio(readl, 3, M64, &o), 0);
	assert_true(!o.write && o.size == 4 && o.reg == 1 && o.len == 3);
	assert_true(o.zero_upper32 && o.dst_size == 4);
	assert_int_equal(insn_decode_mmio(imm, 7, M64, &o), 0);
	assert_true(o.src_kind == INSN_OP_IMM && o.imm == 0x12345678);
	assert_int_equal(insn_decode_mmio(sib, 4, M64, &o), 0);
	assert_true(o.write && o.size == 8 && o.reg == 9 && o.len == 4);
	assert_int_equal(insn_decode_mmio(movabs, 9, M64, &o), 0);
	assert_true(!o.write && o.size == 4 && o.len == 9);
	/* In 32-bit mode the same A1 carries a 4-byte moffs. */
	assert_int_equal(insn_decode_mmio(movabs, 9, M32, &o), 0);
	assert_int_equal(o.len, 5);
	assert_false(o.zero_upper32);
	/* ... and a 2-byte one in 16-bit mode, with a 16-bit operand. */
	assert_int_equal(insn_decode_mmio(movabs, 9, M16, &o), 0);
	assert_true(o.len == 3 && o.size == 2);
}

static void test_mmio_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mmio_vecs); i++) {
		const struct mmio_vec *v = &mmio_vecs[i];

		for (unsigned int n = 0; n < v->len; n++) {
			struct insn_mmio o;
			unsigned int len = 99;
			int r = mmio_exact(v->bytes, n, v->mode, &o);

			if (r != -ENODATA)
				fail_msg("%s avail %u: %d", v->text, n, r);
			assert_int_equal(o.len, 0);
			assert_int_equal(
				length_exact(v->bytes, n, v->mode, &len),
				-ENODATA);
			assert_int_equal(len, 0);
		}
	}
}

static void test_notsup(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(notsup_vecs); i++) {
		const struct notsup_vec *v = &notsup_vecs[i];
		struct insn_mmio o;
		unsigned int len;
		int r = mmio_exact(v->bytes, v->len, v->mode, &o);

		if (r != -ENOTSUP || o.len != v->len ||
		    strcmp(o.name, v->name) || o.write != v->write ||
		    o.size != v->size || o.rep != v->rep || o.lock != v->lock)
			fail_msg("%s: r %d len %u name %s write %d size %u "
				 "rep %d lock %d",
				 v->text, r, o.len, o.name ? o.name : "-",
				 o.write, o.size, o.rep, o.lock);
		/* Not something whose length RIP advance may rely on. */
		assert_int_equal(length_exact(v->bytes, v->len, v->mode, &len),
				 -EINVAL);
		for (unsigned int n = 0; n < v->len; n++)
			assert_int_equal(mmio_exact(v->bytes, n, v->mode, &o),
					 -ENODATA);
	}
}

struct bad_vec {
	enum insn_cpu_mode mode;
	const char *what;
	u8 bytes[INSN_MAX_LEN];
	unsigned int len;
};

static void test_mmio_invalid(void **state)
{
	static const struct bad_vec bad[] = {
		{ M64, "mov %ebx,%eax", { 0x89, 0xd8 }, 2 },
		{ M64, "mov %eax,%eax (8B)", { 0x8b, 0xc0 }, 2 },
		{ M64, "movb $1,%al (C6 reg)", { 0xc6, 0xc0, 0x01 }, 3 },
		{ M64, "C6 /1 mem", { 0xc6, 0x08, 0x00 }, 3 },
		{ M64, "C7 /4 mem", { 0xc7, 0x20, 0, 0, 0, 0 }, 6 },
		{ M64, "xbegin (C7 F8)", { 0xc7, 0xf8, 0, 0, 0, 0 }, 6 },
		{ M64, "lock mov", { 0xf0, 0x89, 0x07 }, 3 },
		{ M64,
		  "lock movabs",
		  { 0xf0, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 },
		  10 },
		{ M64, "lock movzx", { 0xf0, 0x0f, 0xb6, 0x06 }, 4 },
		{ M64, "lock movs", { 0xf0, 0xa4 }, 2 },
		{ M64, "82 in 64-bit mode", { 0x82, 0x07, 0x01 }, 3 },
		{ M64, "movsxd", { 0x63, 0x07 }, 2 },
		{ M64, "call *(%rax)", { 0xff, 0x10 }, 2 },
		{ M64, "push (%rax)", { 0xff, 0x30 }, 2 },
		{ M64, "FE /2", { 0xfe, 0x17 }, 2 },
		{ M64, "mov (%rdi),%es", { 0x8e, 0x07 }, 2 },
		{ M64, "0F BA /0", { 0x0f, 0xba, 0x07, 0x01 }, 4 },
		{ M64, "movzbl %al,%eax", { 0x0f, 0xb6, 0xc0 }, 3 },
		{ M64, "add %eax,%ebx", { 0x01, 0xc3 }, 2 },
		{ M64, "nop", { 0x90 }, 1 },
		{ M64, "ret", { 0xc3 }, 1 },
		{ M64, "ud2", { 0x0f, 0x0b }, 2 },
		{ M64, "cpuid", { 0x0f, 0xa2 }, 2 },
		{ M64, "vex movd", { 0xc5, 0xf9, 0x7e, 0x07 }, 4 },
		{ M32, "inc %eax; mov", { 0x40, 0x89, 0x07 }, 3 },
		{ M32, "dec %eax; mov", { 0x48, 0x89, 0x07 }, 3 },
		{ M16, "mov %ax,%bx", { 0x89, 0xc3 }, 2 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct insn_mmio o;
		int r = mmio_exact(bad[i].bytes, bad[i].len, bad[i].mode, &o);

		if (r != -EINVAL)
			fail_msg("%s: %d, want -EINVAL", bad[i].what, r);
		assert_int_equal(o.len, 0);
		assert_null(o.name);
	}
}

static void test_mmio_prefix_rules(void **state)
{
	/* REX followed by a legacy prefix is ignored (Vol. 2A 2.2.1). */
	static const u8 rex_then_66[] = { 0x48, 0x66, 0x89, 0x07 };
	/* REX.W wins over 66. */
	static const u8 p66_then_rex[] = { 0x66, 0x48, 0x89, 0x07 };
	/* Of two REX prefixes the last counts: 44 (REX.R) is dropped. */
	static const u8 two_rex[] = { 0x44, 0x48, 0x89, 0x07 };
	/* With any REX, reg 4 is SPL, not AH. */
	static const u8 spl[] = { 0x40, 0x88, 0x27 };
	static const u8 ah[] = { 0x88, 0x27 };
	/* Segment overrides, F2/F3 (XACQUIRE/XRELEASE hints) are accepted. */
	static const u8 many[] = { 0x2e, 0x3e, 0x26, 0x36, 0x64,
				   0x65, 0xf3, 0xf2, 0x89, 0x07 };
	/* 82 is an alias of 80 outside 64-bit mode. */
	static const u8 op82[] = { 0x82, 0x0f, 0x01 };
	/* 66 in 16-bit mode selects 32-bit; 67 there selects SIB addressing. */
	static const u8 real32[] = { 0x66, 0x67, 0x89, 0x04, 0x24 };
	struct insn_mmio o;

	(void)state;
	assert_int_equal(insn_decode_mmio(rex_then_66, 4, M64, &o), 0);
	assert_true(o.size == 2 && o.len == 4);
	assert_int_equal(insn_decode_mmio(p66_then_rex, 4, M64, &o), 0);
	assert_true(o.size == 8 && o.len == 4);
	assert_int_equal(insn_decode_mmio(two_rex, 4, M64, &o), 0);
	assert_true(o.size == 8 && o.reg == 0);
	assert_int_equal(insn_decode_mmio(spl, 3, M64, &o), 0);
	assert_true(o.reg == 4 && !o.reg_high_byte && o.size == 1);
	assert_int_equal(insn_decode_mmio(ah, 2, M64, &o), 0);
	assert_true(o.reg == 0 && o.reg_high_byte);
	assert_int_equal(insn_decode_mmio(many, sizeof(many), M64, &o), 0);
	assert_true(o.len == sizeof(many) && o.size == 4 && !o.rep);
	assert_int_equal(insn_decode_mmio(op82, 3, M32, &o), -ENOTSUP);
	assert_true(o.len == 3 && !strcmp(o.name, "or") && o.size == 1);
	assert_int_equal(insn_decode_mmio(op82, 3, M64, &o), -EINVAL);
	assert_int_equal(insn_decode_mmio(real32, 5, M16, &o), 0);
	assert_true(o.len == 5 && o.size == 4 && o.write);
	/* REX.W on C7: imm32 sign-extended (0x80000000 -> ...ffff80000000). */
	{
		static const u8 c7w[] = { 0x48, 0xc7, 0x00, 0, 0, 0, 0x80 };

		assert_int_equal(insn_decode_mmio(c7w, 7, M64, &o), 0);
		assert_true(o.size == 8 && o.imm == 0xffffffff80000000ULL);
	}
}

/* n prefixes, then the instruction; returns the total length. */
static unsigned int with_prefixes(u8 *buf, u8 prefix, unsigned int n,
				  const u8 *insn, unsigned int len)
{
	memset(buf, prefix, n);
	memcpy(buf + n, insn, len);
	return n + len;
}

static void test_15_byte_limit(void **state)
{
	static const u8 mov[] = { 0x89, 0x07 };
	static const u8 cpuid[] = { 0x0f, 0xa2 };
	static const u8 movimm[] = { 0xc7, 0x05, 0, 0x10, 0, 0, 1, 2, 3, 4 };
	u8 buf[32];
	struct insn_mmio o;
	unsigned int len, n;

	(void)state;
	/* 13 prefixes + 2 bytes = 15: fine; 14 + 2 = 16: #GP on hardware. */
	n = with_prefixes(buf, 0x3e, 13, mov, 2);
	assert_int_equal(insn_decode_mmio(buf, n, M64, &o), 0);
	assert_int_equal(o.len, 15);
	n = with_prefixes(buf, 0x3e, 14, mov, 2);
	assert_int_equal(insn_decode_mmio(buf, n, M64, &o), -EINVAL);
	assert_int_equal(insn_decode_mmio(buf, 15, M64, &o), -EINVAL);
	assert_int_equal(insn_length(buf, n, M64, &len), -EINVAL);
	/* 15 prefixes and no opcode at all */
	memset(buf, 0x66, sizeof(buf));
	assert_int_equal(insn_decode_mmio(buf, sizeof(buf), M64, &o), -EINVAL);
	assert_int_equal(insn_length(buf, sizeof(buf), M32, &len), -EINVAL);
	/* ... but with only 14 of them available, more bytes could help. */
	assert_int_equal(insn_decode_mmio(buf, 14, M64, &o), -ENODATA);

	n = with_prefixes(buf, 0x2e, 13, cpuid, 2);
	assert_int_equal(insn_length(buf, n, M64, &len), 0);
	assert_int_equal(len, 15);
	n = with_prefixes(buf, 0x2e, 14, cpuid, 2);
	assert_int_equal(insn_length(buf, n, M64, &len), -EINVAL);

	/* The limit also counts displacement and immediate bytes. */
	n = with_prefixes(buf, 0x64, 5, movimm, 10);
	assert_int_equal(insn_decode_mmio(buf, n, M64, &o), 0);
	assert_int_equal(o.len, 15);
	n = with_prefixes(buf, 0x64, 6, movimm, 10);
	assert_int_equal(insn_decode_mmio(buf, n, M64, &o), -EINVAL);
	/* REX counts too */
	n = with_prefixes(buf, 0x40, 13, mov, 2);
	assert_int_equal(insn_decode_mmio(buf, n, M64, &o), 0);
	n = with_prefixes(buf, 0x40, 14, mov, 2);
	assert_int_equal(insn_decode_mmio(buf, n, M64, &o), -EINVAL);
}

static bool is_legacy_prefix(u8 b)
{
	return b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0xf0 ||
	       b == 0x2e || b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 ||
	       b == 0x65;
}

static void test_length_vectors(void **state)
{
	static const u8 segs[] = { 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(len_vecs); i++) {
		const struct len_vec *v = &len_vecs[i];
		unsigned int len = 0, n;
		u8 buf[32];
		int r = length_exact(v->bytes, v->len, v->mode, &len);

		if (r || len != v->len)
			fail_msg("%s (mode %s): r %d len %u, want %u", v->text,
				 insn_mode_name(v->mode), r, len, v->len);
		for (unsigned int k = 0; k < v->len; k++)
			assert_int_equal(
				length_exact(v->bytes, k, v->mode, &len),
				-ENODATA);

		/* Segment prefixes in front: longer by exactly that much. */
		for (unsigned int k = 1; k <= 6 && v->len + k <= 15; k++) {
			memcpy(buf, segs, k);
			memcpy(buf + k, v->bytes, v->len);
			assert_int_equal(
				length_exact(buf, v->len + k, v->mode, &len),
				0);
			assert_int_equal(len, v->len + k);
		}
		/* Padded to exactly 15 bytes, and one more is too long. */
		n = with_prefixes(buf, 0x26, 15 - v->len, v->bytes, v->len);
		assert_int_equal(length_exact(buf, n, v->mode, &len), 0);
		assert_int_equal(len, 15);
		n = with_prefixes(buf, 0x26, 16 - v->len, v->bytes, v->len);
		assert_int_equal(length_exact(buf, n, v->mode, &len), -EINVAL);

		/* An empty REX right before the opcode in 64-bit mode. */
		if (v->mode == M64 && !is_legacy_prefix(v->bytes[0]) &&
		    (v->bytes[0] & 0xf0) != 0x40) {
			buf[0] = 0x40;
			memcpy(buf + 1, v->bytes, v->len);
			assert_int_equal(
				length_exact(buf, v->len + 1, M64, &len), 0);
			assert_int_equal(len, v->len + 1);
		}
	}
}

static void test_length_invalid(void **state)
{
	static const struct bad_vec bad[] = {
		{ M64, "nop", { 0x90 }, 1 },
		{ M64, "xchg %eax,%r8d with F3", { 0xf3, 0x41, 0x90 }, 3 },
		{ M64, "xgetbv", { 0x0f, 0x01, 0xd0 }, 3 },
		{ M64, "swapgs", { 0x0f, 0x01, 0xf8 }, 3 },
		{ M64, "sgdt (%rdi)", { 0x0f, 0x01, 0x07 }, 3 },
		{ M64, "lidt (%rdi)", { 0x0f, 0x01, 0x1f }, 3 },
		{ M64, "syscall", { 0x0f, 0x05 }, 2 },
		{ M64, "ud2", { 0x0f, 0x0b }, 2 },
		{ M64, "int3", { 0xcc }, 1 },
		{ M64, "rep movsb", { 0xf3, 0xa4 }, 2 },
		{ M64, "lock incl (%rdi)", { 0xf0, 0xff, 0x07 }, 3 },
		{ M64, "mov %ebx,%eax", { 0x89, 0xd8 }, 2 },
		{ M32, "inc %eax", { 0x40 }, 1 },
		{ M16, "push %ax", { 0x50 }, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		unsigned int len = 99;
		int r = length_exact(bad[i].bytes, bad[i].len, bad[i].mode,
				     &len);

		if (r != -EINVAL)
			fail_msg("%s: %d, want -EINVAL", bad[i].what, r);
		assert_int_equal(len, 0);
	}
}

/* MOV CR/DR ignore ModRM.mod: 0F 20 00 is "mov %cr0,%rax", not memory. */
static void test_length_mov_cr_mod_ignored(void **state)
{
	static const u8 cr_mod0[] = { 0x0f, 0x20, 0x04, 0x24, 0x24 };
	static const u8 cr_mod1[] = { 0x0f, 0x22, 0x45, 0x12 };
	unsigned int len;

	(void)state;
	assert_int_equal(insn_length(cr_mod0, 5, M64, &len), 0);
	assert_int_equal(len, 3);
	assert_int_equal(insn_length(cr_mod1, 4, M32, &len), 0);
	assert_int_equal(len, 3);
}

static void test_bad_arguments(void **state)
{
	static const u8 mov[] = { 0x89, 0x07 };
	struct insn_mmio o;
	unsigned int len;

	(void)state;
	assert_int_equal(insn_decode_mmio(NULL, 0, M64, &o), -ENODATA);
	assert_int_equal(insn_decode_mmio(NULL, 15, M64, &o), -ENODATA);
	assert_int_equal(insn_decode_mmio(mov, 2, (enum insn_cpu_mode)7, &o),
			 -EINVAL);
	assert_int_equal(insn_length(mov, 2, (enum insn_cpu_mode)3, &len),
			 -EINVAL);
	assert_string_equal(insn_mode_name(M16), "16");
	assert_string_equal(insn_mode_name(M64), "64");
	assert_string_equal(insn_mode_name((enum insn_cpu_mode)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmio_vectors),
		cmocka_unit_test(test_mmio_named_examples),
		cmocka_unit_test(test_mmio_truncated),
		cmocka_unit_test(test_notsup),
		cmocka_unit_test(test_mmio_invalid),
		cmocka_unit_test(test_mmio_prefix_rules),
		cmocka_unit_test(test_15_byte_limit),
		cmocka_unit_test(test_length_vectors),
		cmocka_unit_test(test_length_invalid),
		cmocka_unit_test(test_length_mov_cr_mod_ignored),
		cmocka_unit_test(test_bad_arguments),
	};

	return HARNESS_RUN(tests);
}
