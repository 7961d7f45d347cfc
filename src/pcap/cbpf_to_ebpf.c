// SPDX-License-Identifier: GPL-2.0
/*
 * cBPF -> eBPF for pcap filters inside tracing programs.
 *
 * Two passes over the same emitter: the first (out == NULL) only counts
 * instructions, which gives every cBPF instruction its eBPF start and tells
 * whether the shared "no match" block is needed; the second writes them with
 * final jump offsets. Instructions no path reaches are never emitted: the
 * verifier rejects unreachable code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/filter.h>

#include "cbpf_to_ebpf.h"

/* Registers that survive helper calls hold the filter's whole state. */
enum {
	R_DATA = BPF_REG_6,   /* frame start */
	R_CAPLEN = BPF_REG_7, /* readable bytes from R_DATA */
	R_A = BPF_REG_8,
	R_X = BPF_REG_9,
};

/* Stack layout below r10. */
#define WIRE_OFF (-8)			/* u64 wire length, if 'len' is used */
#define BUF_OFF (-16)			/* bpf_probe_read_kernel() target */
#define MEM_OFF(i) (-80 + 4 * (int)(i)) /* cBPF scratch M[0..15] */

struct xlate {
	const struct cbpf_insn *prog;
	size_t len;
	const struct cbpf_xlate_opts *opts;
	bool *reach;
	uint32_t *start;   /* eBPF index of each cBPF instruction */
	uint32_t fail_pos; /* eBPF index of the shared no-match block */
	bool need_fail;
	bool uses_len;
	bool uses_packet;
	uint16_t mem_read;     /* scratch slots that are read somewhere */
	struct ebpf_insn *out; /* NULL while sizing */
	uint32_t n;
	char *err;
	size_t errlen;
};

static int fail_with(struct xlate *x, int code, const char *fmt, ...)
{
	va_list ap;

	if (x->err && x->errlen) {
		va_start(ap, fmt);
		vsnprintf(x->err, x->errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static struct ebpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	struct ebpf_insn i = {
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
	return i;
}

static void emit(struct xlate *x, struct ebpf_insn i)
{
	if (x->out)
		x->out[x->n] = i;
	x->n++;
}

/* Offset from the instruction about to be emitted to eBPF index 'to'. */
static int16_t rel(const struct xlate *x, uint32_t to)
{
	return x->out ? (int16_t)((int64_t)to - (int64_t)x->n - 1) : 0;
}

static int16_t to_fail(struct xlate *x)
{
	x->need_fail = true;
	return rel(x, x->fail_pos);
}

static int16_t to_cbpf(const struct xlate *x, size_t target)
{
	return rel(x, x->start[target]);
}

static void emit_ja(struct xlate *x, int16_t off)
{
	emit(x, insn(BPF_JMP | BPF_JA, 0, 0, off, 0));
}

static void emit_mov32_imm(struct xlate *x, int reg, uint32_t k)
{
	emit(x, insn(BPF_ALU | BPF_MOV | BPF_K, reg, 0, 0, (int32_t)k));
}

static void emit_mov64_reg(struct xlate *x, int dst, int src)
{
	emit(x, insn(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0));
}

static void emit_add64_imm(struct xlate *x, int dst, int32_t imm)
{
	emit(x, insn(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm));
}

static void emit_add64_reg(struct xlate *x, int dst, int src)
{
	emit(x, insn(BPF_ALU64 | BPF_ADD | BPF_X, dst, src, 0, 0));
}

static int cbpf_size_bytes(uint16_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:
		return 4;
	case BPF_H:
		return 2;
	default:
		return 1;
	}
}

/*
 * A load whose end lies beyond any frame we accept can never succeed: the
 * instruction is a plain "no match", and nothing after it is reached.
 */
static bool load_always_fails(const struct cbpf_insn *i)
{
	uint16_t mode = BPF_MODE(i->code);
	int size = (BPF_CLASS(i->code) == BPF_LDX) ? 1 : cbpf_size_bytes(i->code);

	bool packet_load = (BPF_CLASS(i->code) == BPF_LD && (mode == BPF_ABS || mode == BPF_IND)) ||
			   (BPF_CLASS(i->code) == BPF_LDX && mode == BPF_MSH);

	return packet_load && (uint64_t)i->k + (uint64_t)size > CBPF_MAX_CAPLEN;
}

/* The packet bytes [off, off+size) into 'dst', big-endian like cBPF. */
static void emit_packet_read(struct xlate *x, int dst, int size, uint32_t k, bool indexed)
{
	int base = R_DATA;

	if (x->opts->mode == CBPF_LOAD_PROBE_READ) {
		emit_mov64_reg(x, BPF_REG_3, R_DATA);
		if (indexed)
			emit_add64_reg(x, BPF_REG_3, R_X);
		if (k)
			emit_add64_imm(x, BPF_REG_3, (int32_t)k);
		emit_mov64_reg(x, BPF_REG_1, BPF_REG_10);
		emit_add64_imm(x, BPF_REG_1, BUF_OFF);
		emit(x, insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, size));
		emit(x, insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel));
		emit(x, insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, to_fail(x), 0));
		emit(x, insn(BPF_LDX | BPF_MEM |
				     BPF_SIZE(size == 4 ? BPF_W :
					      size == 2 ? BPF_H :
							  BPF_B),
			     dst, BPF_REG_10, BUF_OFF, 0));
	} else {
		/* Pointer as destination of the additions: the verifier keeps
		 * its type that way (scalar += pointer is refused). */
		if (indexed || k > INT16_MAX) {
			emit_mov64_reg(x, BPF_REG_1, R_DATA);
			if (indexed)
				emit_add64_reg(x, BPF_REG_1, R_X);
			if (k > INT16_MAX) {
				emit_add64_imm(x, BPF_REG_1, (int32_t)k);
				k = 0;
			}
			base = BPF_REG_1;
		}
		emit(x, insn(BPF_LDX | BPF_MEM |
				     (size == 4 ? BPF_W :
				      size == 2 ? BPF_H :
						  BPF_B),
			     dst, base, (int16_t)k, 0));
	}
	if (size > 1)
		emit(x, insn(BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0, size * 8));
}

/* Bounds check (cBPF: out of bounds is "no match"), then the read. */
static void emit_load(struct xlate *x, int dst, int size, uint32_t k, bool indexed)
{
	uint32_t end = k + (uint32_t)size; /* < CBPF_MAX_CAPLEN, checked by caller */

	x->uses_packet = true;
	if (indexed) {
		emit_mov64_reg(x, BPF_REG_1, R_X);
		emit_add64_imm(x, BPF_REG_1, (int32_t)end);
		emit(x, insn(BPF_JMP | BPF_JGT | BPF_X, BPF_REG_1, R_CAPLEN, to_fail(x), 0));
	} else {
		emit(x, insn(BPF_JMP | BPF_JLT | BPF_K, R_CAPLEN, 0, to_fail(x), (int32_t)end));
	}
	emit_packet_read(x, dst, size, k, indexed);
}

static int emit_ld(struct xlate *x, const struct cbpf_insn *i)
{
	int dst = BPF_CLASS(i->code) == BPF_LD ? R_A : R_X;

	switch (BPF_MODE(i->code)) {
	case BPF_IMM:
		emit_mov32_imm(x, dst, i->k);
		return 0;
	case BPF_MEM:
		x->mem_read |= (uint16_t)(1u << i->k);
		emit(x, insn(BPF_LDX | BPF_MEM | BPF_W, dst, BPF_REG_10, MEM_OFF(i->k), 0));
		return 0;
	case BPF_LEN:
		x->uses_len = true;
		emit(x, insn(BPF_LDX | BPF_MEM | BPF_DW, dst, BPF_REG_10, WIRE_OFF, 0));
		emit(x, insn(BPF_ALU | BPF_MOV | BPF_X, dst, dst, 0, 0));
		return 0;
	}
	if (load_always_fails(i)) {
		emit_ja(x, to_fail(x));
		return 0;
	}
	if (BPF_MODE(i->code) == BPF_MSH) {
		emit_load(x, R_X, 1, i->k, false);
		emit(x, insn(BPF_ALU | BPF_AND | BPF_K, R_X, 0, 0, 0xf));
		emit(x, insn(BPF_ALU | BPF_LSH | BPF_K, R_X, 0, 0, 2));
		return 0;
	}
	emit_load(x, R_A, cbpf_size_bytes(i->code), i->k, BPF_MODE(i->code) == BPF_IND);
	return 0;
}

static void emit_alu(struct xlate *x, const struct cbpf_insn *i)
{
	uint8_t op = BPF_OP(i->code);
	bool by_x = BPF_SRC(i->code) == BPF_X;

	if (op == BPF_NEG) {
		emit(x, insn(BPF_ALU | BPF_NEG, R_A, 0, 0, 0));
		return;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && !by_x && i->k == 0) {
		emit_ja(x, to_fail(x));
		return;
	}
	if ((op == BPF_LSH || op == BPF_RSH) && !by_x && i->k >= 32) {
		emit_mov32_imm(x, R_A, 0);
		return;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && by_x)
		emit(x, insn(BPF_JMP32 | BPF_JEQ | BPF_K, R_X, 0, to_fail(x), 0));
	if ((op == BPF_LSH || op == BPF_RSH) && by_x) {
		/* eBPF leaves shifts by >= 32 undefined; cBPF gives 0. */
		emit(x, insn(BPF_JMP32 | BPF_JLT | BPF_K, R_X, 0, 2, 32));
		emit_mov32_imm(x, R_A, 0);
		emit_ja(x, 1);
	}
	if (by_x)
		emit(x, insn(BPF_ALU | op | BPF_X, R_A, R_X, 0, 0));
	else
		emit(x, insn(BPF_ALU | op | BPF_K, R_A, 0, 0, (int32_t)i->k));
}

static uint8_t inverse_jmp(uint8_t op)
{
	switch (op) {
	case BPF_JEQ:
		return BPF_JNE;
	case BPF_JGT:
		return BPF_JLE;
	case BPF_JGE:
		return BPF_JLT;
	default:
		return 0; /* JSET has no inverse */
	}
}

static void emit_cond(struct xlate *x, uint8_t op, const struct cbpf_insn *i, int16_t off)
{
	if (BPF_SRC(i->code) == BPF_X)
		emit(x, insn(BPF_JMP32 | op | BPF_X, R_A, R_X, off, 0));
	else
		emit(x, insn(BPF_JMP32 | op | BPF_K, R_A, 0, off, (int32_t)i->k));
}

static void emit_jmp(struct xlate *x, size_t pc, const struct cbpf_insn *i)
{
	size_t next = pc + 1, t, f;
	uint8_t op = BPF_OP(i->code);

	if (op == BPF_JA) {
		t = next + i->k;
		if (t != next)
			emit_ja(x, to_cbpf(x, t));
		return;
	}
	t = next + i->jt;
	f = next + i->jf;
	if ((x->opts->debug_flags & CBPF_DEBUG_BREAK_JGT) && op == BPF_JGT &&
	    BPF_SRC(i->code) == BPF_K)
		op = BPF_JGE;
	if (t == f) {
		if (t != next)
			emit_ja(x, to_cbpf(x, t));
	} else if (f == next) {
		emit_cond(x, op, i, to_cbpf(x, t));
	} else if (t == next && inverse_jmp(op)) {
		emit_cond(x, inverse_jmp(op), i, to_cbpf(x, f));
	} else {
		emit_cond(x, op, i, to_cbpf(x, t));
		emit_ja(x, to_cbpf(x, f));
	}
}

static void emit_ret(struct xlate *x, const struct cbpf_insn *i)
{
	if (BPF_RVAL(i->code) == BPF_K) {
		emit_mov32_imm(x, BPF_REG_0, i->k != 0);
	} else {
		emit_mov32_imm(x, BPF_REG_0, 1);
		emit(x, insn(BPF_JMP32 | BPF_JNE | BPF_K, R_A, 0, 1, 0));
		emit_mov32_imm(x, BPF_REG_0, 0);
	}
	emit(x, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
}

static void emit_one(struct xlate *x, size_t pc)
{
	const struct cbpf_insn *i = &x->prog[pc];

	switch (BPF_CLASS(i->code)) {
	case BPF_LD:
	case BPF_LDX:
		emit_ld(x, i);
		break;
	case BPF_ST:
		emit(x, insn(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, R_A, MEM_OFF(i->k), 0));
		break;
	case BPF_STX:
		emit(x, insn(BPF_STX | BPF_MEM | BPF_W, BPF_REG_10, R_X, MEM_OFF(i->k), 0));
		break;
	case BPF_ALU:
		emit_alu(x, i);
		break;
	case BPF_JMP:
		emit_jmp(x, pc, i);
		break;
	case BPF_RET:
		emit_ret(x, i);
		break;
	case BPF_MISC:
		if (BPF_MISCOP(i->code) == BPF_TAX)
			emit(x, insn(BPF_ALU | BPF_MOV | BPF_X, R_X, R_A, 0, 0));
		else
			emit(x, insn(BPF_ALU | BPF_MOV | BPF_X, R_A, R_X, 0, 0));
		break;
	}
}

static void emit_prologue(struct xlate *x)
{
	emit_mov64_reg(x, R_DATA, BPF_REG_1);
	if (x->uses_packet) {
		emit_mov64_reg(x, R_CAPLEN, BPF_REG_2);
		emit(x, insn(BPF_ALU64 | BPF_SUB | BPF_X, R_CAPLEN, BPF_REG_1, 0, 0));
		/* A frame longer than we promise (or data_end < data) reads as empty. */
		emit(x, insn(BPF_JMP | BPF_JLE | BPF_K, R_CAPLEN, 0, 1, CBPF_MAX_CAPLEN));
		emit(x, insn(BPF_ALU64 | BPF_MOV | BPF_K, R_CAPLEN, 0, 0, 0));
	}
	emit_mov32_imm(x, R_A, 0);
	emit_mov32_imm(x, R_X, 0);
	if (x->uses_len)
		emit(x, insn(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_3, WIRE_OFF, 0));
	for (unsigned int m = 0; m < BPF_MEMWORDS; m++)
		if (x->mem_read & (1u << m))
			emit(x, insn(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, MEM_OFF(m), 0));
}

static void emit_all(struct xlate *x)
{
	x->n = 0;
	emit_prologue(x);
	for (size_t pc = 0; pc < x->len; pc++) {
		x->start[pc] = x->n;
		if (x->reach[pc])
			emit_one(x, pc);
	}
	x->fail_pos = x->n;
	if (x->need_fail) {
		emit_mov32_imm(x, BPF_REG_0, 0);
		emit(x, insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
	}
}

static bool valid_opcode(const struct cbpf_insn *i)
{
	switch (i->code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
		return true;
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
		return i->k < BPF_MEMWORDS;
	}
	if (BPF_CLASS(i->code) != BPF_ALU)
		return false;
	switch (BPF_OP(i->code)) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_DIV:
	case BPF_MOD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_LSH:
	case BPF_RSH:
		return true;
	}
	return false;
}

/* Does control leave instruction i other than by its jump targets? */
static bool falls_through(const struct cbpf_insn *i)
{
	uint8_t op = BPF_OP(i->code);

	if (BPF_CLASS(i->code) == BPF_RET || (BPF_CLASS(i->code) == BPF_JMP))
		return false;
	if (load_always_fails(i))
		return false;
	if (BPF_CLASS(i->code) == BPF_ALU && (op == BPF_DIV || op == BPF_MOD) &&
	    BPF_SRC(i->code) == BPF_K && i->k == 0)
		return false;
	return true;
}

static int mark_target(struct xlate *x, size_t pc, uint64_t target)
{
	if (target >= x->len)
		return fail_with(x, -EINVAL, "cBPF insn %zu jumps past the end of the program", pc);
	x->reach[target] = true;
	return 0;
}

/* Forward-only control flow makes one in-order pass a complete reachability walk. */
static int analyse(struct xlate *x)
{
	int err;

	x->reach[0] = true;
	for (size_t pc = 0; pc < x->len; pc++) {
		const struct cbpf_insn *i = &x->prog[pc];

		if (!valid_opcode(i))
			return fail_with(x, -EINVAL,
					 "cBPF insn %zu: unsupported opcode 0x%04x k=%u", pc,
					 i->code, i->k);
		if (!x->reach[pc])
			continue;
		if (BPF_CLASS(i->code) == BPF_JMP) {
			if (BPF_OP(i->code) == BPF_JA && (int32_t)i->k < 0)
				return fail_with(
					x, -EINVAL,
					"cBPF insn %zu jumps backwards (libpcap does that for 'protochain', "
					"which cannot run in the kernel: use 'ip proto'/'ip6 proto' instead)",
					pc);
			if (BPF_OP(i->code) == BPF_JA) {
				err = mark_target(x, pc, pc + 1 + (uint64_t)i->k);
			} else {
				err = mark_target(x, pc, pc + 1 + i->jt);
				if (!err)
					err = mark_target(x, pc, pc + 1 + i->jf);
			}
			if (err)
				return err;
		} else if (falls_through(i)) {
			if (pc + 1 >= x->len)
				return fail_with(x, -EINVAL,
						 "cBPF insn %zu falls off the end of the program",
						 pc);
			x->reach[pc + 1] = true;
		}
	}
	return 0;
}

int cbpf_to_ebpf(const struct cbpf_insn *prog, size_t len, const struct cbpf_xlate_opts *opts,
		 struct ebpf_insn **out, size_t *out_len, char *err, size_t errlen)
{
	static const struct cbpf_xlate_opts defaults = { .mode = CBPF_LOAD_PROBE_READ };
	struct xlate x = { .prog = prog,
			   .len = len,
			   .opts = opts ? opts : &defaults,
			   .err = err,
			   .errlen = errlen };
	int ret;

	*out = NULL;
	*out_len = 0;
	if (!prog || len == 0)
		return fail_with(&x, -EINVAL, "empty cBPF program");
	if (len > (1u << 20))
		return fail_with(&x, -E2BIG, "cBPF program of %zu instructions is too long", len);
	x.reach = calloc(len, sizeof(*x.reach));
	x.start = calloc(len, sizeof(*x.start));
	if (!x.reach || !x.start) {
		ret = fail_with(&x, -ENOMEM, "out of memory");
		goto cleanup;
	}
	ret = analyse(&x);
	if (ret)
		goto cleanup;
	emit_all(&x); /* sizing: fills start[], fail_pos, need_fail, mem_read */
	emit_all(&x); /* again: the prologue now knows uses_len/mem_read */
	if (x.n > INT16_MAX) {
		ret = fail_with(&x, -E2BIG,
				"filter needs %u eBPF instructions, more than a jump can span",
				x.n);
		goto cleanup;
	}
	x.out = calloc(x.n, sizeof(*x.out));
	if (!x.out) {
		ret = fail_with(&x, -ENOMEM, "out of memory");
		goto cleanup;
	}
	emit_all(&x);
	*out = x.out;
	*out_len = x.n;
	x.out = NULL;
cleanup:
	free(x.reach);
	free(x.start);
	return ret;
}
