// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for vmm/insn_decode.c. The input (first 15 bytes) is
 * decoded by insn_decode_mmio() and insn_length() in all three CPU modes
 * from an exact-size heap copy (ASan catches any read past avail), and the
 * results are checked against the promises in insn_decode.h: lengths within
 * 15 and avail, consistent fields, both decoders agreeing, and the same
 * answer from exactly len bytes, -ENODATA from any fewer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/errno.h"
#include "vmm/insn_decode.h"

#define CHECK(cond)                                                                           \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "fuzz_insn: %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                              \
		}                                                                             \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int mmio_n(const u8 *bytes, unsigned int n, enum insn_cpu_mode mode, struct insn_mmio *out)
{
	u8 *copy = malloc(n ? n : 1);
	int r;

	CHECK(copy);
	memcpy(copy, bytes, n);
	r = insn_decode_mmio(copy, n, mode, out);
	free(copy);
	return r;
}

static int length_n(const u8 *bytes, unsigned int n, enum insn_cpu_mode mode, unsigned int *len)
{
	u8 *copy = malloc(n ? n : 1);
	int r;

	CHECK(copy);
	memcpy(copy, bytes, n);
	r = insn_length(copy, n, mode, len);
	free(copy);
	return r;
}

static bool valid_size(unsigned int s)
{
	return s == 1 || s == 2 || s == 4 || s == 8;
}

static void check_fields(const struct insn_mmio *o, enum insn_cpu_mode mode)
{
	CHECK(o->name);
	CHECK(valid_size(o->size));
	CHECK(o->reg < (mode == INSN_MODE_64 ? 16u : 8u));
	CHECK(!o->reg_high_byte || (o->size == 1 && o->reg < 4 && o->ext == INSN_EXT_NONE));
	CHECK(!o->rep && !o->lock);
	if (o->write) {
		CHECK(o->dst_size == 0 && !o->zero_upper32);
		CHECK(o->ext == INSN_EXT_NONE);
		if (o->src_kind == INSN_OP_IMM) {
			CHECK(o->reg == 0 && !o->reg_high_byte);
			CHECK(o->size == 8 || o->imm < (1ULL << (8 * o->size)));
		} else {
			CHECK(o->src_kind == INSN_OP_REG && o->imm == 0);
		}
		return;
	}
	CHECK(o->src_kind == INSN_OP_REG && o->imm == 0);
	CHECK(valid_size(o->dst_size) && o->dst_size >= o->size);
	/* MOVZX/MOVSX r16, r/m16 (66 0F B7/BF) keeps the width */
	CHECK(o->ext != INSN_EXT_NONE || o->dst_size == o->size);
	CHECK(o->zero_upper32 == (mode == INSN_MODE_64 && o->dst_size == 4));
}

static void check_mode(const u8 *buf, unsigned int avail, enum insn_cpu_mode mode)
{
	struct insn_mmio o, o2;
	unsigned int len = 99, len2;
	int r1 = mmio_n(buf, avail, mode, &o);
	int r2 = length_n(buf, avail, mode, &len);

	CHECK(r1 == 0 || r1 == -EINVAL || r1 == -ENOTSUP || r1 == -ENODATA);
	CHECK(r2 == 0 || r2 == -EINVAL || r2 == -ENODATA);
	/* With 15 bytes at hand, nothing can be missing. */
	if (avail == INSN_MAX_LEN)
		CHECK(r1 != -ENODATA && r2 != -ENODATA);

	if (r1 == 0 || r1 == -ENOTSUP) {
		CHECK(o.len >= 1 && o.len <= avail && o.len <= INSN_MAX_LEN);
		CHECK(o.name);
	} else {
		CHECK(o.len == 0 && !o.name && !o.write && o.size == 0);
	}
	if (r1 == 0) {
		check_fields(&o, mode);
		/* Every decodable MOV has a length, and the same one. */
		CHECK(r2 == 0 && len == o.len);
		/* Exactly len bytes give the same decode; fewer, -ENODATA. */
		CHECK(mmio_n(buf, o.len, mode, &o2) == 0);
		CHECK(!memcmp(&o, &o2, sizeof(o)));
		for (unsigned int n = 0; n < o.len; n++)
			CHECK(mmio_n(buf, n, mode, &o2) == -ENODATA);
	}
	if (r1 == -ENOTSUP) {
		CHECK(mmio_n(buf, o.len, mode, &o2) == -ENOTSUP);
		CHECK(o2.len == o.len);
		CHECK(r2 == -EINVAL || (r2 == 0 && len == o.len));
	}
	if (r2 == 0) {
		CHECK(len >= 1 && len <= avail && len <= INSN_MAX_LEN);
		CHECK(length_n(buf, len, mode, &len2) == 0 && len2 == len);
		for (unsigned int n = 0; n < len; n++)
			CHECK(length_n(buf, n, mode, &len2) == -ENODATA);
	} else {
		CHECK(len == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int avail = size < INSN_MAX_LEN ? (unsigned int)size : INSN_MAX_LEN;

	check_mode(data, avail, INSN_MODE_16);
	check_mode(data, avail, INSN_MODE_32);
	check_mode(data, avail, INSN_MODE_64);
	return 0;
}
