// SPDX-License-Identifier: MIT
/*
 * x86 instruction decoding for RIP advance (insn_length) and MMIO emulation
 * (insn_decode_mmio). One cursor walks prefixes, opcode, ModRM/SIB,
 * displacement and immediate (SDM Vol. 2A 2.1, 2.2.1); every byte goes
 * through need(), which enforces both the 15-byte limit and `avail`.
 * Only the instructions listed in insn_decode.h are recognised.
 */
#include "vmm/insn_decode.h"
#include "lib/errno.h"
#include "lib/string.h"

/* REX prefix bits (SDM Vol. 2A 2.2.1.2, Table 2-4) */
#define REX_W 0x08 /* 64-bit operand size */
#define REX_R 0x04 /* ModRM.reg extension */
#define REX_X 0x02 /* SIB.index extension */
#define REX_B 0x01 /* ModRM.rm / SIB.base / opcode reg extension */

/* ModRM (SDM Vol. 2A 2.1.5, Tables 2-1 to 2-3) */
#define MODRM_MOD(b) ((u8)(b) >> 6)
#define MODRM_REG(b) (((u8)(b) >> 3) & 7)
#define MODRM_RM(b) ((u8)(b)&7)
#define MOD_REG 3 /* mod=11b: register operand, no memory */
#define SIB_BASE(b) ((u8)(b)&7)

struct dec {
	const u8 *b;
	unsigned int avail; /* min(avail, INSN_MAX_LEN) */
	unsigned int pos;   /* bytes consumed */
	enum insn_cpu_mode mode;
	u8 rex; /* 0 if none; only in 64-bit mode */
	bool p66, p67, rep, repne, lock;
	unsigned int opsize; /* 2, 4, 8 */
	unsigned int adsize; /* 2, 4, 8 */
};

struct modrm {
	u8 mod, reg, rm;
};

/* The next n bytes must exist: within 15 bytes, then within avail. */
static int need(const struct dec *d, unsigned int n)
{
	if (d->pos + n > INSN_MAX_LEN)
		return -EINVAL;
	if (d->pos + n > d->avail)
		return -ENODATA;
	return 0;
}

static int next(struct dec *d, u8 *v)
{
	int r = need(d, 1);

	if (r)
		return r;
	*v = d->b[d->pos++];
	return 0;
}

/* Little-endian immediate or displacement of n (1, 2, 4, 8) bytes. */
static int take(struct dec *d, unsigned int n, u64 *v)
{
	int r = need(d, n);
	u64 x = 0;

	if (r)
		return r;
	for (unsigned int i = 0; i < n; i++)
		x |= (u64)d->b[d->pos + i] << (8 * i);
	d->pos += n;
	if (v)
		*v = x;
	return 0;
}

static int dec_init(struct dec *d, const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode)
{
	memset(d, 0, sizeof(*d));
	if (mode != INSN_MODE_16 && mode != INSN_MODE_32 && mode != INSN_MODE_64)
		return -EINVAL;
	if (!bytes)
		avail = 0;
	d->b = bytes;
	d->avail = avail < INSN_MAX_LEN ? avail : INSN_MAX_LEN;
	d->mode = mode;
	return 0;
}

/*
 * Legacy prefixes (SDM Vol. 2A 2.1.1) in any order and number, then REX in
 * 64-bit mode (2.2.1): a REX followed by a legacy prefix is ignored, of
 * several REX the last counts. Bounded by need(): at most 15 bytes.
 * Leaves the opcode byte in *op and the effective sizes in d.
 */
static int dec_prefixes(struct dec *d, u8 *op)
{
	u8 b;
	int r;

	for (;;) {
		r = next(d, &b);
		if (r)
			return r;
		switch (b) {
		case 0x66:
			d->p66 = true;
			break;
		case 0x67:
			d->p67 = true;
			break;
		case 0xf0:
			d->lock = true;
			break;
		case 0xf2:
			d->repne = true;
			d->rep = false;
			break;
		case 0xf3:
			d->rep = true;
			d->repne = false;
			break;
		case 0x26: /* ES */
		case 0x2e: /* CS */
		case 0x36: /* SS */
		case 0x3e: /* DS */
		case 0x64: /* FS */
		case 0x65: /* GS */
			break;
		default:
			if (d->mode == INSN_MODE_64 && (b & 0xf0) == 0x40) {
				d->rex = b;
				continue;
			}
			*op = b;
			goto sizes;
		}
		d->rex = 0;
	}
sizes:
	/* SDM Vol. 1 3.6.1, Table 3-4; 64-bit mode: Vol. 2A 2.2.1.2. */
	switch (d->mode) {
	case INSN_MODE_16:
		d->opsize = d->p66 ? 4 : 2;
		d->adsize = d->p67 ? 4 : 2;
		break;
	case INSN_MODE_32:
		d->opsize = d->p66 ? 2 : 4;
		d->adsize = d->p67 ? 2 : 4;
		break;
	default:
		d->opsize = (d->rex & REX_W) ? 8 : d->p66 ? 2 : 4;
		d->adsize = d->p67 ? 4 : 8;
		break;
	}
	return 0;
}

/*
 * ModRM plus whatever memory operand it implies (SIB, displacement).
 * 16-bit addressing: SDM Vol. 2A Table 2-1 (no SIB; mod=00 rm=110 is a
 * disp16). 32/64-bit: Table 2-2/2-3 (rm=100 -> SIB; mod=00 rm=101 -> disp32,
 * RIP-relative in 64-bit mode; SIB base=101 with mod=00 -> disp32). REX.B
 * does not change these special cases (2.2.1.2, Table 2-5).
 */
static int dec_modrm(struct dec *d, struct modrm *m)
{
	unsigned int disp = 0;
	u8 b, sib;
	int r;

	r = next(d, &b);
	if (r)
		return r;
	m->mod = MODRM_MOD(b);
	m->reg = MODRM_REG(b);
	m->rm = MODRM_RM(b);
	if (m->mod == MOD_REG)
		return 0;
	if (d->adsize == 2) {
		if (m->mod == 1)
			disp = 1;
		else if (m->mod == 2 || m->rm == 6)
			disp = 2;
	} else {
		if (m->rm == 4) {
			r = next(d, &sib);
			if (r)
				return r;
			if (m->mod == 0 && SIB_BASE(sib) == 5)
				disp = 4;
		}
		/* mod=00 rm=101: disp32 (RIP-relative in 64-bit mode) */
		if (m->mod == 1)
			disp = 1;
		else if (m->mod == 2 || m->rm == 5)
			disp = 4;
	}
	return take(d, disp, NULL);
}

/* ModRM that must name memory: mod=11 is not a memory access. */
static int dec_modrm_mem(struct dec *d, struct modrm *m)
{
	int r = dec_modrm(d, m);

	if (r)
		return r;
	return m->mod == MOD_REG ? -EINVAL : 0;
}

/* Full register number of ModRM.reg (REX.R extends it to 0-15). */
static unsigned int modrm_gpr(const struct dec *d, const struct modrm *m)
{
	return m->reg | ((d->rex & REX_R) ? 8u : 0u);
}

/* Byte register: without REX, 4-7 are AH, CH, DH, BH (Vol. 2A 3.1.1.1). */
static void set_reg8(const struct dec *d, unsigned int reg, struct insn_mmio *out)
{
	if (!d->rex && reg >= 4 && reg <= 7) {
		out->reg = reg - 4;
		out->reg_high_byte = true;
	} else {
		out->reg = reg;
	}
}

/* A register destination of `size` bytes; 32-bit ones zero-extend in 64-bit mode. */
static void set_dst(const struct dec *d, unsigned int size, struct insn_mmio *out)
{
	out->dst_size = size;
	out->zero_upper32 = d->mode == INSN_MODE_64 && size == 4;
}

/* imm8 for byte operands; else imm16, or imm32 (sign-extended when 64-bit). */
static int take_imm(struct dec *d, unsigned int size, u64 *v)
{
	unsigned int n = size == 8 ? 4 : size;
	int r = take(d, n, v);

	if (r)
		return r;
	if (size == 8)
		*v = (u64)(s64)(s32)(u32)*v;
	return 0;
}

/* 88/89/8A/8B: MOV between a register and memory. */
static int dec_mov_rm(struct dec *d, u8 op, struct insn_mmio *out)
{
	struct modrm m;
	int r = dec_modrm_mem(d, &m);

	if (r)
		return r;
	out->name = "mov";
	out->size = (op & 1) ? d->opsize : 1;
	out->write = !(op & 2);
	out->src_kind = INSN_OP_REG;
	if (out->size == 1)
		set_reg8(d, modrm_gpr(d, &m), out);
	else
		out->reg = modrm_gpr(d, &m);
	if (!out->write)
		set_dst(d, out->size, out);
	return 0;
}

/* C6 /0 ib, C7 /0 iw/id: MOV memory, immediate. */
static int dec_mov_imm(struct dec *d, u8 op, struct insn_mmio *out)
{
	struct modrm m;
	int r = dec_modrm_mem(d, &m);

	if (r)
		return r;
	if (m.reg != 0) /* C6/C7 /1-/7: not MOV (XABORT/XBEGIN need mod=11) */
		return -EINVAL;
	out->name = "mov";
	out->write = true;
	out->src_kind = INSN_OP_IMM;
	out->size = (op & 1) ? d->opsize : 1;
	return take_imm(d, out->size, &out->imm);
}

/* A0-A3: MOV AL/eAX to or from a moffs as wide as the address size. */
static int dec_mov_moffs(struct dec *d, u8 op, struct insn_mmio *out)
{
	int r = take(d, d->adsize, NULL);

	if (r)
		return r;
	out->name = "mov";
	out->size = (op & 1) ? d->opsize : 1;
	out->write = op & 2;
	out->src_kind = INSN_OP_REG;
	out->reg = 0;
	if (!out->write)
		set_dst(d, out->size, out);
	return 0;
}

/* 0F B6/B7/BE/BF: MOVZX/MOVSX r, r/m8 or r/m16. */
static int dec_movx(struct dec *d, u8 op2, struct insn_mmio *out)
{
	struct modrm m;
	int r = dec_modrm_mem(d, &m);

	if (r)
		return r;
	out->name = (op2 & 8) ? "movsx" : "movzx";
	out->ext = (op2 & 8) ? INSN_EXT_SIGN : INSN_EXT_ZERO;
	out->size = (op2 & 1) ? 2 : 1;
	out->reg = modrm_gpr(d, &m);
	set_dst(d, d->opsize, out);
	return 0;
}

/* A4-A7, AA-AF: string instructions (refused: count and direction). */
static int dec_string(struct dec *d, u8 op, struct insn_mmio *out)
{
	static const char *const names[] = {
		[0x4] = "movs", [0x6] = "cmps", [0xa] = "stos", [0xc] = "lods", [0xe] = "scas",
	};

	if (d->lock)
		return -EINVAL; /* #UD */
	out->name = names[(op & 0xe)];
	out->size = (op & 1) ? d->opsize : 1;
	out->write = (op & 0xe) == 0x4 || (op & 0xe) == 0xa;
	out->rep = d->rep || d->repne;
	return -ENOTSUP;
}

/* Refused read-modify-write (or compare) on memory: just the length. */
static int rmw(struct dec *d, const char *name, bool write, unsigned int size,
	       unsigned int imm_size, struct insn_mmio *out)
{
	u64 imm;
	int r = take_imm(d, imm_size, &imm);

	if (r)
		return r;
	out->name = name;
	out->write = write;
	out->size = size;
	out->lock = d->lock;
	return -ENOTSUP;
}

static const char *const alu_names[8] = {
	"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp",
};

/* 00-3B (x0-x3), 80-87, F6/F7, FE/FF: ALU and friends on memory. */
static int dec_alu1(struct dec *d, u8 op, struct insn_mmio *out)
{
	static const char *const f6_names[8] = {
		"test", "test", "not", "neg", "mul", "imul", "div", "idiv",
	};
	unsigned int size = (op & 1) ? d->opsize : 1;
	struct modrm m;
	int r = dec_modrm_mem(d, &m);

	if (r)
		return r;
	if (op < 0x40) { /* op r/m, r (x0/x1) or op r, r/m (x2/x3) */
		unsigned int alu = op >> 3;

		return rmw(d, alu_names[alu], !(op & 2) && alu != 7, size, 0, out);
	}
	switch (op) {
	case 0x80: /* group 1: op r/m8, imm8 */
	case 0x82:
		return rmw(d, alu_names[m.reg], m.reg != 7, 1, 1, out);
	case 0x81: /* op r/m, imm16/32 */
		return rmw(d, alu_names[m.reg], m.reg != 7, size, size, out);
	case 0x83: /* op r/m, imm8 (sign-extended) */
		return rmw(d, alu_names[m.reg], m.reg != 7, size, 1, out);
	case 0x84:
	case 0x85:
		return rmw(d, "test", false, size, 0, out);
	case 0x86:
	case 0x87:
		return rmw(d, "xchg", true, size, 0, out);
	case 0xf6:
	case 0xf7:
		return rmw(d, f6_names[m.reg], m.reg == 2 || m.reg == 3, size, m.reg < 2 ? size : 0,
			   out);
	default: /* FE/FF: only INC (/0) and DEC (/1) are accepted */
		if (m.reg > 1)
			return -EINVAL;
		return rmw(d, m.reg ? "dec" : "inc", true, size, 0, out);
	}
}

/* 0F A3/AB/B3/BB, 0F BA, 0F B0/B1, 0F C0/C1 on memory. */
static int dec_alu2(struct dec *d, u8 op2, struct insn_mmio *out)
{
	static const char *const bt_names[4] = { "bt", "bts", "btr", "btc" };
	struct modrm m;
	int r = dec_modrm_mem(d, &m);

	if (r)
		return r;
	switch (op2) {
	case 0xa3:
	case 0xab:
	case 0xb3:
	case 0xbb: {
		unsigned int k = (op2 >> 3) & 3;

		return rmw(d, bt_names[k], k != 0, d->opsize, 0, out);
	}
	case 0xba:
		if (m.reg < 4)
			return -EINVAL;
		return rmw(d, bt_names[m.reg - 4], m.reg != 4, d->opsize, 1, out);
	case 0xb0:
	case 0xb1:
		return rmw(d, "cmpxchg", true, (op2 & 1) ? d->opsize : 1, 0, out);
	default: /* C0/C1 */
		return rmw(d, "xadd", true, (op2 & 1) ? d->opsize : 1, 0, out);
	}
}

static int dec_0f(struct dec *d, struct insn_mmio *out)
{
	u8 op2;
	int r = next(d, &op2);

	if (r)
		return r;
	switch (op2) {
	case 0xb6:
	case 0xb7:
	case 0xbe:
	case 0xbf:
		if (d->lock)
			return -EINVAL;
		return dec_movx(d, op2, out);
	case 0xa3:
	case 0xab:
	case 0xb3:
	case 0xbb:
	case 0xba:
	case 0xb0:
	case 0xb1:
	case 0xc0:
	case 0xc1:
		return dec_alu2(d, op2, out);
	default:
		return -EINVAL;
	}
}

static bool is_alu1(u8 op, enum insn_cpu_mode mode)
{
	if (op < 0x40)
		return (op & 7) <= 3;
	if (op == 0x82) /* #UD in 64-bit mode, an alias of 80 elsewhere */
		return mode != INSN_MODE_64;
	return (op >= 0x80 && op <= 0x87) || op == 0xf6 || op == 0xf7 || op == 0xfe || op == 0xff;
}

int insn_decode_mmio(const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode,
		     struct insn_mmio *out)
{
	struct dec d;
	u8 op = 0;
	int r;

	memset(out, 0, sizeof(*out));
	r = dec_init(&d, bytes, avail, mode);
	if (!r)
		r = dec_prefixes(&d, &op);
	if (r)
		return r;

	switch (op) {
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		r = d.lock ? -EINVAL : dec_mov_rm(&d, op, out);
		break;
	case 0xc6:
	case 0xc7:
		r = d.lock ? -EINVAL : dec_mov_imm(&d, op, out);
		break;
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		r = d.lock ? -EINVAL : dec_mov_moffs(&d, op, out);
		break;
	case 0xa4:
	case 0xa5:
	case 0xa6:
	case 0xa7:
	case 0xaa:
	case 0xab:
	case 0xac:
	case 0xad:
	case 0xae:
	case 0xaf:
		r = dec_string(&d, op, out);
		break;
	case 0x0f:
		r = dec_0f(&d, out);
		break;
	default:
		r = is_alu1(op, mode) ? dec_alu1(&d, op, out) : -EINVAL;
	}
	if (r == 0 || r == -ENOTSUP) {
		out->len = d.pos;
		return r;
	}
	memset(out, 0, sizeof(*out));
	return r;
}

/*
 * 0F 01 with mod=11: the exact register forms that can be intercepted
 * (SDM Vol. 2B/2C; AMD APM Vol. 3 chapter 4 for the SVM ones).
 */
static bool is_0f01_reg_form(u8 modrm)
{
	switch (modrm) {
	case 0xc1: /* VMCALL */
	case 0xc8: /* MONITOR */
	case 0xc9: /* MWAIT */
	case 0xd1: /* XSETBV */
	case 0xd8: /* VMRUN */
	case 0xd9: /* VMMCALL */
	case 0xda: /* VMLOAD */
	case 0xdb: /* VMSAVE */
	case 0xdc: /* STGI */
	case 0xdd: /* CLGI */
	case 0xde: /* SKINIT */
	case 0xdf: /* INVLPGA */
	case 0xf9: /* RDTSCP */
	case 0xfa: /* MONITORX */
	case 0xfb: /* MWAITX */
		return true;
	default:
		return false;
	}
}

/* Intercepted two-byte opcodes; 1 when recognised, 0 when not, or -errno. */
static int len_0f(struct dec *d)
{
	struct modrm m;
	unsigned int at;
	u8 op2, b;
	int r = next(d, &op2);

	if (r)
		return r;
	switch (op2) {
	case 0x08: /* INVD */
	case 0x09: /* WBINVD */
	case 0x30: /* WRMSR */
	case 0x31: /* RDTSC */
	case 0x32: /* RDMSR */
	case 0x33: /* RDPMC */
	case 0xa2: /* CPUID */
		return 1;
	case 0x20: /* MOV r, CRn */
	case 0x21: /* MOV r, DRn */
	case 0x22: /* MOV CRn, r */
	case 0x23: /* MOV DRn, r */
		/* ModRM.mod is ignored: always a register form, no SIB/disp. */
		r = next(d, &b);
		return r ? r : 1;
	case 0x01:
		at = d->pos;
		r = next(d, &b);
		if (r)
			return r;
		if (MODRM_MOD(b) == MOD_REG)
			return is_0f01_reg_form(b) ? 1 : 0;
		if (MODRM_REG(b) != 7) /* INVLPG m is 0F 01 /7 */
			return 0;
		d->pos = at;
		r = dec_modrm_mem(d, &m);
		return r ? r : 1;
	default:
		return 0;
	}
}

int insn_length(const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode, unsigned int *len)
{
	struct insn_mmio mmio;
	struct dec d;
	u8 op = 0;
	int r;

	*len = 0;
	r = dec_init(&d, bytes, avail, mode);
	if (!r)
		r = dec_prefixes(&d, &op);
	if (r)
		return r;

	switch (op) {
	case 0xf4: /* HLT */
	case 0x6c: /* INSB */
	case 0x6d: /* INSW/D */
	case 0x6e: /* OUTSB */
	case 0x6f: /* OUTSW/D */
	case 0xec: /* IN AL, DX */
	case 0xed: /* IN eAX, DX */
	case 0xee: /* OUT DX, AL */
	case 0xef: /* OUT DX, eAX */
		r = 1;
		break;
	case 0xe4: /* IN AL, imm8 */
	case 0xe5: /* IN eAX, imm8 */
	case 0xe6: /* OUT imm8, AL */
	case 0xe7: /* OUT imm8, eAX */
		r = take(&d, 1, NULL);
		r = r ? r : 1;
		break;
	case 0x90: /* PAUSE is F3 90; with REX.B, 90 is XCHG r8, rAX */
		r = d.rep && !(d.rex & REX_B);
		break;
	case 0x0f:
		r = len_0f(&d);
		break;
	default:
		r = 0;
	}
	if (r < 0)
		return r;
	if (r == 1) {
		*len = d.pos;
		return 0;
	}
	r = insn_decode_mmio(bytes, avail, mode, &mmio);
	if (r == -ENOTSUP)
		return -EINVAL;
	if (r)
		return r;
	*len = mmio.len;
	return 0;
}

const char *insn_mode_name(enum insn_cpu_mode mode)
{
	switch (mode) {
	case INSN_MODE_16:
		return "16";
	case INSN_MODE_32:
		return "32";
	case INSN_MODE_64:
		return "64";
	default:
		return "?";
	}
}
