// SPDX-License-Identifier: MIT
/*
 * vmm/insn_decode.c: MMIO-access decode and intercepted-instruction length
 * on byte sequences produced by GNU as (tests/data/insn/vectors.txt, with
 * the assembler text and the expectation), every truncation (-ENODATA, read through exact-size heap
 * copies so ASan sees any over-read), the 15-byte limit, prefix and REX
 * rules (SDM Vol. 2A 2.1-2.2), refused (-ENOTSUP) and invalid forms.
 */
#include "tests/unit/harness.h"
#include <stdlib.h>
#include <string.h>
#include "lib/bitops.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmm/insn_decode.h"

#define M16 INSN_MODE_16
#define M32 INSN_MODE_32
#define M64 INSN_MODE_64

enum vec_kind { VEC_MMIO, VEC_NOTSUP, VEC_LEN };

/* One line of tests/data/insn/vectors.txt (see gen_vectors.py there). */
struct vec {
	enum vec_kind kind;
	enum insn_cpu_mode mode;
	u8 bytes[INSN_MAX_LEN];
	unsigned int len;
	char text[64];
	/* VEC_MMIO */
	bool write;
	unsigned int size;
	enum insn_src_kind src_kind;
	unsigned int reg;
	bool high;
	u64 imm;
	enum insn_ext ext;
	unsigned int dst_size;
	bool zero_upper32;
	/* VEC_NOTSUP (also write, size) */
	char name[16];
	bool rep, lock;
};

#define MAX_VECS 512
static struct vec vecs[MAX_VECS];
static size_t nr_vecs;

static char *next_tok(char **s)
{
	char *t = *s;

	while (*t == ' ')
		t++;
	if (!*t)
		return NULL;
	*s = t;
	while (**s && **s != ' ')
		(*s)++;
	if (**s)
		*(*s)++ = '\0';
	return t;
}

static unsigned long tok_ul(char **s)
{
	char *t = next_tok(s);

	assert_non_null(t);
	return strtoul(t, NULL, 0);
}

static enum insn_ext parse_ext(const char *t)
{
	assert_non_null(t);
	if (!strcmp(t, "ZERO"))
		return INSN_EXT_ZERO;
	if (!strcmp(t, "SIGN"))
		return INSN_EXT_SIGN;
	assert_string_equal(t, "NONE");
	return INSN_EXT_NONE;
}

static void parse_expect(struct vec *v, char *e)
{
	char *t;

	if (v->kind == VEC_NOTSUP) {
		t = next_tok(&e);
		assert_non_null(t);
		snprintf(v->name, sizeof(v->name), "%s", t);
		v->write = tok_ul(&e);
		v->size = tok_ul(&e);
		v->rep = tok_ul(&e);
		v->lock = tok_ul(&e);
		return;
	}
	if (v->kind == VEC_LEN)
		return;
	t = next_tok(&e);
	assert_non_null(t);
	v->write = *t != 'R';
	v->src_kind = *t == 'I' ? INSN_OP_IMM : INSN_OP_REG;
	v->size = tok_ul(&e);
	if (*t == 'I') {
		v->imm = strtoull(next_tok(&e), NULL, 0);
		return;
	}
	v->reg = tok_ul(&e);
	v->high = tok_ul(&e);
	if (*t == 'R') {
		v->ext = parse_ext(next_tok(&e));
		v->dst_size = tok_ul(&e);
		v->zero_upper32 = tok_ul(&e);
	}
}

static void parse_line(char *line)
{
	char *bar1 = strchr(line, '|'), *bar2, *s = line, *t;
	struct vec *v = &vecs[nr_vecs];

	assert_non_null(bar1);
	bar2 = strchr(bar1 + 1, '|');
	assert_non_null(bar2);
	*bar1 = *bar2 = '\0';
	assert_true(nr_vecs < MAX_VECS);
	memset(v, 0, sizeof(*v));
	snprintf(v->text, sizeof(v->text), "%s", bar2 + 2);
	t = next_tok(&s);
	assert_non_null(t);
	v->kind = !strcmp(t, "mmio") ? VEC_MMIO : !strcmp(t, "notsup") ? VEC_NOTSUP : VEC_LEN;
	switch (tok_ul(&s)) {
	case 16:
		v->mode = M16;
		break;
	case 32:
		v->mode = M32;
		break;
	default:
		v->mode = M64;
	}
	while ((t = next_tok(&s))) {
		assert_true(v->len < INSN_MAX_LEN);
		v->bytes[v->len++] = (u8)strtoul(t, NULL, 16);
	}
	assert_true(v->len > 0);
	parse_expect(v, bar1 + 1);
	nr_vecs++;
}

static int load_vectors(void **state)
{
	size_t size;
	char *buf = harness_load_file("insn/vectors.txt", &size), *line;

	(void)state;
	buf = realloc(buf, size + 1);
	assert_non_null(buf);
	buf[size] = '\0';
	nr_vecs = 0;
	for (line = buf; line && *line;) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (*line && *line != '#')
			parse_line(line);
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	return 0;
}

static size_t count(enum vec_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < nr_vecs; i++)
		n += vecs[i].kind == kind;
	return n;
}

/* Decode from an exact-size heap copy: any read past avail trips ASan. */
static int mmio_exact(const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode,
		      struct insn_mmio *out)
{
	u8 *copy = malloc(avail ? avail : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, bytes, avail);
	r = insn_decode_mmio(copy, avail, mode, out);
	free(copy);
	return r;
}

static int length_exact(const u8 *bytes, unsigned int avail, enum insn_cpu_mode mode,
			unsigned int *len)
{
	u8 *copy = malloc(avail ? avail : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, bytes, avail);
	r = insn_length(copy, avail, mode, len);
	free(copy);
	return r;
}

static void check_mmio(const struct vec *v, const struct insn_mmio *o)
{
	if (o->len != v->len || o->write != v->write || o->size != v->size ||
	    o->reg_high_byte != v->high || o->ext != v->ext ||
	    strcmp(o->name, v->ext == INSN_EXT_NONE   ? "mov"
			    : v->ext == INSN_EXT_ZERO ? "movzx"
						      : "movsx") ||
	    o->rep || o->lock)
		fail_msg("%s (mode %s): len %u write %d size %u high %d ext %d "
			 "name %s",
			 v->text, insn_mode_name(v->mode), o->len, o->write, o->size,
			 o->reg_high_byte, o->ext, o->name);
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
			fail_msg("%s: reg %u dst_size %u zero_upper32 %d", v->text, o->reg,
				 o->dst_size, o->zero_upper32);
	}
}

static void test_mmio_vectors(void **state)
{
	(void)state;
	assert_true(count(VEC_MMIO) >= 40);
	for (size_t i = 0; i < nr_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (v->kind != VEC_MMIO)
			continue;
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
		assert_int_equal(insn_decode_mmio(padded, sizeof(padded), v->mode, &o), 0);
		check_mmio(v, &o);

		/* Every MOV the decoder accepts has the same length here. */
		assert_int_equal(length_exact(v->bytes, v->len, v->mode, &len), 0);
		assert_int_equal(len, v->len);
	}
}

/* The examples in the task, spelled out once more by hand (SDM Vol. 2A). */
static void test_mmio_named_examples(void **state)
{
	static const u8 writel[] = { 0x89, 0x07 };	/* mov %eax,(%rdi) */
	static const u8 readl[] = { 0x8b, 0x4b, 0x10 }; /* mov 0x10(%rbx),%ecx */
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
	assert_true(count(VEC_MMIO) >= 40);
	for (size_t i = 0; i < nr_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (v->kind != VEC_MMIO)
			continue;

		for (unsigned int n = 0; n < v->len; n++) {
			struct insn_mmio o;
			unsigned int len = 99;
			int r = mmio_exact(v->bytes, n, v->mode, &o);

			if (r != -ENODATA)
				fail_msg("%s avail %u: %d", v->text, n, r);
			assert_int_equal(o.len, 0);
			assert_int_equal(length_exact(v->bytes, n, v->mode, &len), -ENODATA);
			assert_int_equal(len, 0);
		}
	}
}

static void test_notsup(void **state)
{
	(void)state;
	assert_true(count(VEC_NOTSUP) >= 40);
	for (size_t i = 0; i < nr_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (v->kind != VEC_NOTSUP)
			continue;
		struct insn_mmio o;
		unsigned int len;
		int r = mmio_exact(v->bytes, v->len, v->mode, &o);

		if (r != -ENOTSUP || o.len != v->len || strcmp(o.name, v->name) ||
		    o.write != v->write || o.size != v->size || o.rep != v->rep ||
		    o.lock != v->lock)
			fail_msg("%s: r %d len %u name %s write %d size %u "
				 "rep %d lock %d",
				 v->text, r, o.len, o.name ? o.name : "-", o.write, o.size, o.rep,
				 o.lock);
		/* Not something whose length RIP advance may rely on. */
		assert_int_equal(length_exact(v->bytes, v->len, v->mode, &len), -EINVAL);
		for (unsigned int n = 0; n < v->len; n++)
			assert_int_equal(mmio_exact(v->bytes, n, v->mode, &o), -ENODATA);
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
		{ M64, "lock movabs", { 0xf0, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8 }, 10 },
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
	static const u8 many[] = { 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65, 0xf3, 0xf2, 0x89, 0x07 };
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
static unsigned int with_prefixes(u8 *buf, u8 prefix, unsigned int n, const u8 *insn,
				  unsigned int len)
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
	return b == 0x66 || b == 0x67 || b == 0xf2 || b == 0xf3 || b == 0xf0 || b == 0x2e ||
	       b == 0x3e || b == 0x26 || b == 0x36 || b == 0x64 || b == 0x65;
}

static void test_length_vectors(void **state)
{
	static const u8 segs[] = { 0x2e, 0x3e, 0x26, 0x36, 0x64, 0x65 };

	(void)state;
	assert_true(count(VEC_LEN) >= 40);
	for (size_t i = 0; i < nr_vecs; i++) {
		const struct vec *v = &vecs[i];

		if (v->kind != VEC_LEN)
			continue;
		unsigned int len = 0, n;
		u8 buf[32];
		int r = length_exact(v->bytes, v->len, v->mode, &len);

		if (r || len != v->len)
			fail_msg("%s (mode %s): r %d len %u, want %u", v->text,
				 insn_mode_name(v->mode), r, len, v->len);
		for (unsigned int k = 0; k < v->len; k++)
			assert_int_equal(length_exact(v->bytes, k, v->mode, &len), -ENODATA);

		/* Segment prefixes in front: longer by exactly that much. */
		for (unsigned int k = 1; k <= 6 && v->len + k <= 15; k++) {
			memcpy(buf, segs, k);
			memcpy(buf + k, v->bytes, v->len);
			assert_int_equal(length_exact(buf, v->len + k, v->mode, &len), 0);
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
			assert_int_equal(length_exact(buf, v->len + 1, M64, &len), 0);
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
		int r = length_exact(bad[i].bytes, bad[i].len, bad[i].mode, &len);

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
	assert_int_equal(insn_decode_mmio(mov, 2, (enum insn_cpu_mode)7, &o), -EINVAL);
	assert_int_equal(insn_length(mov, 2, (enum insn_cpu_mode)3, &len), -EINVAL);
	assert_string_equal(insn_mode_name(M16), "16");
	assert_string_equal(insn_mode_name(M64), "64");
	assert_string_equal(insn_mode_name((enum insn_cpu_mode)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmio_vectors, load_vectors),
		cmocka_unit_test(test_mmio_named_examples),
		cmocka_unit_test_setup(test_mmio_truncated, load_vectors),
		cmocka_unit_test_setup(test_notsup, load_vectors),
		cmocka_unit_test(test_mmio_invalid),
		cmocka_unit_test(test_mmio_prefix_rules),
		cmocka_unit_test(test_15_byte_limit),
		cmocka_unit_test_setup(test_length_vectors, load_vectors),
		cmocka_unit_test(test_length_invalid),
		cmocka_unit_test(test_length_mov_cr_mod_ignored),
		cmocka_unit_test(test_bad_arguments),
	};

	return HARNESS_RUN(tests);
}
