/* SPDX-License-Identifier: MIT */
/*
 * x86 instruction decoding for the two jobs hardware does not do for us on
 * SVM without NRIPS/decode assists (QEMU TCG): the length of an intercepted
 * instruction (to advance RIP) and the memory access of an instruction that
 * faulted on an MMIO page (to emulate it). Encoding rules: Intel SDM Vol. 2A
 * chapter 2 (prefixes, REX, ModRM/SIB, displacement, immediate) and the
 * opcode map in Vol. 2D Appendix A. Pure; never reads beyond `avail` bytes.
 */
#ifndef VMM_INSN_DECODE_H
#define VMM_INSN_DECODE_H

#include "lib/types.h"

/* SDM Vol. 2A 2.3.11: an instruction longer than 15 bytes raises #GP/#UD. */
#define INSN_MAX_LEN 15

/*
 * Default operand/address size of the code segment: 64 with CS.L=1 and
 * EFER.LMA=1; 32 with CS.D=1 (protected mode); 16 otherwise (real mode,
 * virtual-8086, 16-bit protected-mode code).
 */
enum insn_cpu_mode { INSN_MODE_16, INSN_MODE_32, INSN_MODE_64 };

enum insn_src_kind { INSN_OP_REG, INSN_OP_IMM };
enum insn_ext { INSN_EXT_NONE, INSN_EXT_ZERO, INSN_EXT_SIGN };

struct insn_mmio {
	/* Total instruction length. */
	unsigned int len;
	/* Store to memory (else a load). */
	bool write;
	/* Memory access width: 1, 2, 4 or 8. */
	unsigned int size;
	/* Writes: the value comes from a register or an immediate. */
	enum insn_src_kind src_kind;
	/*
	 * GPR index 0-15 (rax=0 ... r15=15) of the register operand: source
	 * of a write, destination of a read. For AH/CH/DH/BH, reg is the
	 * containing register (0-3) and reg_high_byte says bits 15:8.
	 */
	unsigned int reg;
	bool reg_high_byte;
	/* INSN_OP_IMM writes: the value, already extended to size. */
	u64 imm;
	/* Reads: MOVZX/MOVSX extend size bytes into dst_size bytes. */
	enum insn_ext ext;
	/* Reads: destination register width (== size unless ext). */
	unsigned int dst_size;
	/* Reads: 32-bit destination in 64-bit mode, bits 63:32 are cleared. */
	bool zero_upper32;
	/* What was seen, also for -ENOTSUP: "mov", "movzx", "movs", "add"... */
	const char *name;
	/* -ENOTSUP details: REP/REPNE string op, LOCK-prefixed RMW. */
	bool rep;
	bool lock;
};

/**
 * Decode a memory access the hypervisor must emulate: MOV r/m,r (88/89),
 * MOV r,r/m (8A/8B), MOV r/m,imm (C6 /0, C7 /0), MOV moffs (A0-A3), MOVZX
 * (0F B6/B7), MOVSX (0F BE/BF), with any legacy prefixes and REX.
 * Recognised but refused with -ENOTSUP (out->name, len, rep, lock filled in
 * so the caller can say what it saw): string instructions (MOVS, STOS,
 * LODS, CMPS, SCAS, with or without REP) and read-modify-write or compare
 * instructions on memory (ALU ops 00-3B, 80/81/83, TEST 84/85/F6/F7,
 * XCHG 86/87, NOT/NEG/MUL/DIV F6/F7, INC/DEC FE/FF, BT* 0F A3/AB/B3/BB/BA,
 * CMPXCHG 0F B0/B1, XADD 0F C0/C1), LOCK-prefixed or not.
 * bytes: the instruction (at most INSN_MAX_LEN of them are looked at).
 * Returns 0; -EINVAL (no memory operand, an instruction not listed above,
 * an invalid encoding, or longer than 15 bytes); -ENOTSUP; -ENODATA (the
 * instruction continues past avail bytes).
 */
int __must_check insn_decode_mmio(const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode,
				  struct insn_mmio *out);

/**
 * Length of the intercepted instruction at bytes, for advancing RIP without
 * NRIPS: CPUID, RDMSR, WRMSR, RDTSC, RDTSCP, RDPMC, HLT, INVD, WBINVD,
 * XSETBV, VMCALL, VMMCALL, VMRUN, VMLOAD, VMSAVE, STGI, CLGI, SKINIT,
 * INVLPGA, MONITOR, MWAIT, MONITORX, MWAITX, PAUSE, IN/OUT (E4-E7, EC-EF),
 * INS/OUTS (6C-6F), MOV to/from CR and DR (0F 20-23), INVLPG (0F 01 /7 with
 * any memory operand), and every form insn_decode_mmio() returns 0 for; with
 * legacy prefixes and REX. Returns 0 and *len; -EINVAL for anything else
 * (or longer than 15 bytes); -ENODATA.
 */
int __must_check insn_length(const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode,
			     unsigned int *len);

/** "16", "32" or "64", for log lines. */
const char *insn_mode_name(enum insn_cpu_mode mode);

#endif /* VMM_INSN_DECODE_H */
