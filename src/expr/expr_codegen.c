// SPDX-License-Identifier: GPL-2.0
/*
 * Syntax tree -> eBPF, one pass with forward jumps patched as their labels
 * are placed.
 *
 * An accumulator machine: every node leaves its value in r0, the root
 * pointer stays in r6, and the left operand of a binary operator waits in a
 * stack slot of its depth while the right one is computed (slot d at
 * r10 - 8(d+1), also the target of the reads at that depth). Values are
 * kept as C would hold them, widened to 64 bits: int and the narrower types
 * sign-extended, unsigned int zero-extended. Then the usual arithmetic
 * conversions only ever need one instruction (int -> unsigned int), and
 * 64-bit compares of the right signedness give C's answer at every width.
 *
 * Member reads either copy through bpf_probe_read_kernel() into the slot,
 * or (EXPR_READS_DIRECT) load straight from the BTF-typed pointer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "array.h"
#include "errmsg.h"
#include "expr.h"
#include "expr_ast.h"
#include "expr_btf.h"

/* C's integer types after promotion: all the compiler needs to know of a value. */
enum ctype { CT_I32, CT_U32, CT_I64, CT_U64 };

struct value {
	enum ctype type;
	bool is_bool; /* exactly 0 or 1 already */
};

struct cg {
	const struct expr_ast *ast;
	enum expr_root root;
	const struct btf *btf;
	enum expr_reads reads;
	struct ebpf_insn *v;
	size_t n, cap;
	size_t *aborts; /* jumps to the shared 'return 0' */
	size_t n_aborts, cap_aborts;
	bool nomem;
	char *err;
	size_t errlen;
};

static bool wide(enum ctype t)
{
	return t == CT_I64 || t == CT_U64;
}

static bool is_unsigned(enum ctype t)
{
	return t == CT_U32 || t == CT_U64;
}

/* The name of the root: "skb" or "xdp". */
static bool is_root_name(const struct cg *c, const struct expr_node *n)
{
	const char *root = expr_root_name(c->root);

	return n->kind == EK_NAME && n->name_len == (int)strlen(root) &&
	       !strncmp(n->name, root, n->name_len);
}

static enum ctype common_type(enum ctype a, enum ctype b)
{
	if (!wide(a) && !wide(b))
		return is_unsigned(a) || is_unsigned(b) ? CT_U32 : CT_I32;
	/* long holds every unsigned int: only an unsigned long operand makes it unsigned. */
	return a == CT_U64 || b == CT_U64 ? CT_U64 : CT_I64;
}

static size_t emit(struct cg *c, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (array_reserve(c->v, c->cap, c->n + 1)) {
		c->nomem = true;
		return c->n;
	}
	c->v[c->n] = (struct ebpf_insn){
		.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm
	};
	return c->n++;
}

static void emit_ld_imm64(struct cg *c, uint8_t dst, uint64_t v)
{
	emit(c, BPF_LD | BPF_DW | BPF_IMM, dst, 0, 0, (int32_t)(uint32_t)v);
	emit(c, 0, 0, 0, 0, (int32_t)(uint32_t)(v >> 32));
}

/* Jumps whose target is placed later: patch_here() once it is. */
static void patch_here(struct cg *c, size_t jump)
{
	if (jump < c->n)
		c->v[jump].off = (int16_t)(c->n - jump - 1);
}

static void emit_abort_if(struct cg *c, uint8_t op, uint8_t reg, int32_t imm)
{
	size_t j = emit(c, BPF_JMP | op | BPF_K, reg, 0, 0, imm);

	if (array_reserve(c->aborts, c->cap_aborts, c->n_aborts + 1)) {
		c->nomem = true;
		return;
	}
	c->aborts[c->n_aborts++] = j;
}

static int16_t slot(int depth)
{
	return (int16_t)(-8 * (depth + 1));
}

/* bpf_probe_read_kernel(r10 + slot, size, r3); a failed read means no match. */
static void emit_probe_read(struct cg *c, int depth, uint32_t size)
{
	emit(c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_10, 0, 0);
	emit(c, BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, slot(depth));
	emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, (int32_t)size);
	emit(c, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel);
	emit_abort_if(c, BPF_JNE, BPF_REG_0, 0);
}

static void emit_add_imm(struct cg *c, uint8_t reg, uint32_t v)
{
	if (v)
		emit(c, BPF_ALU64 | BPF_ADD | BPF_K, reg, 0, 0, (int32_t)v);
}

static const uint8_t ldx_size[9] = { [1] = BPF_B, [2] = BPF_H, [4] = BPF_W, [8] = BPF_DW };

/* r0 holds the bytes of a bitfield, little-endian from its first: shift it out. */
static void emit_fixup_bitfield(struct cg *c, const struct expr_access *a, struct value *out)
{
	if (64 - a->bit_offset - a->bit_size)
		emit(c, BPF_ALU64 | BPF_LSH | BPF_K, BPF_REG_0, 0, 0,
		     (int32_t)(64 - a->bit_offset - a->bit_size));
	if (a->bit_size < 64)
		emit(c, BPF_ALU64 | (a->is_signed ? BPF_ARSH : BPF_RSH) | BPF_K, BPF_REG_0, 0, 0,
		     (int32_t)(64 - a->bit_size));
	if (a->bit_size < 32)
		out->type = CT_I32; /* int holds every value: C promotes to int */
	else if (a->bit_size == 32)
		out->type = a->is_signed ? CT_I32 : CT_U32;
	else
		out->type = a->is_signed ? CT_I64 : CT_U64;
}

static void emit_read_bitfield(struct cg *c, const struct expr_access *a, int depth,
			       struct value *out)
{
	/* The bytes holding the field land in a zeroed u64 (little-endian). */
	emit(c, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, slot(depth), 0);
	emit_probe_read(c, depth, a->size);
	emit(c, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0, BPF_REG_10, slot(depth), 0);
	emit_fixup_bitfield(c, a, out);
}

/* r0 holds the member zero-extended: byte order and sign as C reads it. */
static void emit_fixup_scalar(struct cg *c, const struct expr_access *a, struct value *out)
{
	if (a->big_endian)
		emit(c, BPF_ALU | BPF_END | BPF_TO_BE, BPF_REG_0, 0, 0, (int32_t)(8 * a->size));
	else if (a->is_signed && a->size < 8) {
		emit(c, BPF_ALU64 | BPF_LSH | BPF_K, BPF_REG_0, 0, 0, (int32_t)(64 - 8 * a->size));
		emit(c, BPF_ALU64 | BPF_ARSH | BPF_K, BPF_REG_0, 0, 0, (int32_t)(64 - 8 * a->size));
	}
	if (a->is_pointer)
		out->type = CT_U64;
	else if (a->size < 4)
		out->type = CT_I32;
	else if (a->size == 4)
		out->type = a->is_signed && !a->big_endian ? CT_I32 : CT_U32;
	else
		out->type = a->is_signed && !a->big_endian ? CT_I64 : CT_U64;
}

static void emit_read_scalar(struct cg *c, const struct expr_access *a, int depth,
			     struct value *out)
{
	emit_probe_read(c, depth, a->size);
	emit(c, BPF_LDX | BPF_MEM | ldx_size[a->size], BPF_REG_0, BPF_REG_10, slot(depth), 0);
	emit_fixup_scalar(c, a, out);
}

/* The load size covering n bytes: 1, 2, 4 or 8. */
static uint32_t load_size(uint32_t n)
{
	return n <= 1 ? 1 : n <= 2 ? 2 : n <= 4 ? 4 : 8;
}

/* r0 = the value of the last member at r3 + off, loaded directly. */
static void emit_load_last(struct cg *c, const struct expr_access *a, int16_t off,
			   struct value *out)
{
	if (!a->bit_size) {
		emit(c, BPF_LDX | BPF_MEM | ldx_size[a->size], BPF_REG_0, BPF_REG_3, off, 0);
		emit_fixup_scalar(c, a, out);
		return;
	}
	emit(c, BPF_LDX | BPF_MEM | ldx_size[load_size(a->size)], BPF_REG_0, BPF_REG_3, off, 0);
	emit_fixup_bitfield(c, a, out);
}

/* Direct loads want every offset in a load's 16 bits. */
static bool offsets_fit(const struct expr_access *a)
{
	for (unsigned int i = 0; i <= a->hops; i++)
		if (a->offsets[i] > INT16_MAX - 8)
			return false;
	return true;
}

/* A member chain: follow its pointers (a NULL one means no match), then read. */
static int gen_member(struct cg *c, int node, int depth, struct value *out)
{
	struct expr_access a;
	int ret = expr_btf_resolve(c->ast, node, c->root, c->btf, &a, c->err, c->errlen);

	if (ret)
		return ret;
	out->is_bool = false;
	if (a.is_pointer && a.size == 8 && c->ast->nodes[node].kind == EK_NAME) {
		emit(c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_6, 0, 0);
		out->type = CT_U64;
		return 0;
	}
	emit(c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_3, BPF_REG_6, 0, 0);
	if (c->reads == EXPR_READS_DIRECT && offsets_fit(&a)) {
		for (unsigned int i = 0; i < a.hops; i++) {
			emit(c, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_3, BPF_REG_3,
			     (int16_t)a.offsets[i], 0);
			emit_abort_if(c, BPF_JEQ, BPF_REG_3, 0);
		}
		emit_load_last(c, &a, (int16_t)a.offsets[a.hops], out);
		return 0;
	}
	for (unsigned int i = 0; i < a.hops; i++) {
		emit_add_imm(c, BPF_REG_3, a.offsets[i]);
		emit_probe_read(c, depth, 8);
		emit(c, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_3, BPF_REG_10, slot(depth), 0);
		emit_abort_if(c, BPF_JEQ, BPF_REG_3, 0);
	}
	emit_add_imm(c, BPF_REG_3, a.offsets[a.hops]);
	if (a.bit_size)
		emit_read_bitfield(c, &a, depth, out);
	else
		emit_read_scalar(c, &a, depth, out);
	return 0;
}

/* C's type for a constant: int, then (hex only) unsigned int, long, unsigned long. */
static enum ctype literal_type(uint64_t v, bool hex)
{
	if (v <= INT32_MAX)
		return CT_I32;
	if (hex && v <= UINT32_MAX)
		return CT_U32;
	return v <= INT64_MAX ? CT_I64 : CT_U64;
}

/* 1 when node is a number or an enumerator (value and type set), 0 when not. */
static int constant_of(struct cg *c, int node, uint64_t *v, enum ctype *type)
{
	const struct expr_node *n = &c->ast->nodes[node];
	bool is_signed;
	int64_t e;

	if (n->kind == EK_NUM) {
		*v = n->num;
		*type = literal_type(n->num, n->hex);
		return 1;
	}
	if (n->kind != EK_NAME || is_root_name(c, n))
		return 0;
	if (!expr_btf_enumerator(c->btf, n->name, n->name_len, &e, &is_signed))
		return 0;
	*v = (uint64_t)e;
	/* An enumeration constant is an int when it fits one. */
	*type = e >= INT32_MIN && e <= INT32_MAX ? CT_I32 : is_signed ? CT_I64 : CT_U64;
	return 1;
}

static void emit_const(struct cg *c, uint64_t v, enum ctype type)
{
	/* int values are held sign-extended, unsigned int ones zero-extended. */
	if ((type == CT_I32 || wide(type)) && (int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX)
		emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, (int32_t)v);
	else if (type == CT_U32 || (wide(type) && v <= UINT32_MAX))
		emit(c, BPF_ALU | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, (int32_t)(uint32_t)v);
	else
		emit_ld_imm64(c, BPF_REG_0, v);
}

static void convert(struct cg *c, uint8_t reg, enum ctype from, enum ctype to)
{
	if (from == CT_I32 && to == CT_U32)
		emit(c, BPF_ALU | BPF_MOV | BPF_X, reg, reg, 0, 0); /* zero-extends */
}

static void to_bool(struct cg *c, const struct value *v)
{
	if (v->is_bool)
		return;
	emit(c, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 1, 0);
	emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
}

static uint8_t jump_op(enum expr_op op, bool is_signed)
{
	switch (op) {
	case EO_EQ:
		return BPF_JEQ;
	case EO_NE:
		return BPF_JNE;
	case EO_LT:
		return is_signed ? BPF_JSLT : BPF_JLT;
	case EO_LE:
		return is_signed ? BPF_JSLE : BPF_JLE;
	case EO_GT:
		return is_signed ? BPF_JSGT : BPF_JGT;
	default:
		return is_signed ? BPF_JSGE : BPF_JGE;
	}
}

static int gen(struct cg *c, int node, int depth, struct value *out);

/* && and ||: C's short circuit, so 'skb->dev && skb->dev->mtu > 1500' never reads NULL. */
static int gen_logical(struct cg *c, const struct expr_node *n, int depth, struct value *out)
{
	bool and = n->op == EO_LAND;
	struct value v;
	size_t short_jump, end_jump;
	int ret = gen(c, n->left, depth, &v);

	if (ret)
		return ret;
	short_jump = emit(c, BPF_JMP | (and? BPF_JEQ : BPF_JNE) | BPF_K, BPF_REG_0, 0, 0, 0);
	ret = gen(c, n->right, depth, &v);
	if (ret)
		return ret;
	to_bool(c, &v);
	end_jump = emit(c, BPF_JMP | BPF_JA, 0, 0, 0, 0);
	patch_here(c, short_jump);
	emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, and? 0 : 1);
	patch_here(c, end_jump);
	out->type = CT_I32;
	out->is_bool = true;
	return 0;
}

/* r1 (left) op r0 (right), or r0 op imm: the result in r0. */
static void gen_operator(struct cg *c, enum expr_op op, enum ctype type, bool imm, int32_t k,
			 struct value *out)
{
	uint8_t src = imm ? BPF_K : BPF_X;

	out->type = type;
	out->is_bool = false;
	if (op == EO_BAND || op == EO_BOR) {
		emit(c, BPF_ALU64 | (op == EO_BAND ? BPF_AND : BPF_OR) | src, BPF_REG_0,
		     imm ? 0 : BPF_REG_1, 0, k);
		return;
	}
	/* Comparison: r2 = right, r0 = 1, keep it if left op right holds. */
	if (imm) {
		emit(c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0);
	} else {
		emit(c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_0, 0, 0);
	}
	emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
	emit(c, BPF_JMP | jump_op(op, !is_unsigned(type)) | src, BPF_REG_1, imm ? 0 : BPF_REG_2, 1,
	     k);
	emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	out->type = CT_I32;
	out->is_bool = true;
}

static int gen_binary(struct cg *c, const struct expr_node *n, int depth, struct value *out)
{
	struct value l, r;
	enum ctype kt, type;
	uint64_t k;
	int ret;

	if (n->op == EO_LAND || n->op == EO_LOR)
		return gen_logical(c, n, depth, out);
	ret = gen(c, n->left, depth, &l);
	if (ret)
		return ret;
	/* A small constant on the right is an immediate: no slot, no second register. */
	if (constant_of(c, n->right, &k, &kt) && k <= INT32_MAX) {
		type = common_type(l.type, kt);
		convert(c, BPF_REG_0, l.type, type);
		gen_operator(c, n->op, type, true, (int32_t)k, out);
		return 0;
	}
	if (depth + 1 >= EXPR_MAX_DEPTH)
		return set_err(c->err, c->errlen, -EINVAL,
			       "column %d: the expression nests more than %d operands deep", n->col,
			       EXPR_MAX_DEPTH);
	emit(c, BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, slot(depth), 0);
	ret = gen(c, n->right, depth + 1, &r);
	if (ret)
		return ret;
	emit(c, BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10, slot(depth), 0);
	type = common_type(l.type, r.type);
	convert(c, BPF_REG_1, l.type, type);
	convert(c, BPF_REG_0, r.type, type);
	gen_operator(c, n->op, type, false, 0, out);
	return 0;
}

static int gen(struct cg *c, int node, int depth, struct value *out)
{
	const struct expr_node *n = &c->ast->nodes[node];
	struct value v;
	uint64_t k;
	int ret;

	switch (n->kind) {
	case EK_NUM:
	case EK_NAME:
		if (constant_of(c, node, &k, &out->type)) {
			out->is_bool = false;
			emit_const(c, k, out->type);
			return 0;
		}
		if (!is_root_name(c, n))
			return set_err(c->err, c->errlen, -EINVAL,
				       "column %d: unknown name '%.*s' (neither '%s' nor an "
				       "enumerator of this kernel)",
				       n->col, n->name_len, n->name, expr_root_name(c->root));
		return gen_member(c, node, depth, out);
	case EK_MEMBER:
		return gen_member(c, node, depth, out);
	case EK_NOT:
		ret = gen(c, n->left, depth, &v);
		if (ret)
			return ret;
		emit(c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0);
		emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 1);
		emit(c, BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_1, 0, 1, 0);
		emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		out->type = CT_I32;
		out->is_bool = true;
		return 0;
	case EK_BINARY:
		return gen_binary(c, n, depth, out);
	}
	return -EINVAL;
}

/* The shared 'return 0' for NULL pointers and refused reads, if anything jumps there. */
static void emit_abort_block(struct cg *c)
{
	if (!c->n_aborts)
		return;
	for (size_t i = 0; i < c->n_aborts; i++)
		patch_here(c, c->aborts[i]);
	emit(c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	emit(c, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

static int finish(struct cg *c, int ret, struct ebpf_insn **out, size_t *out_len)
{
	if (!ret && c->nomem)
		ret = -ENOMEM;
	if (!ret && c->n > INT16_MAX)
		ret = set_err(
			c->err, c->errlen, -E2BIG,
			"the expression compiles to %zu instructions, more than jumps can span",
			c->n);
	free(c->aborts);
	if (ret) {
		free(c->v);
		return ret;
	}
	*out = c->v;
	*out_len = c->n;
	return 0;
}

int expr_compile(const struct expr_ast *ast, enum expr_root root, const struct btf *btf,
		 enum expr_reads reads, struct ebpf_insn **out, size_t *out_len, char *err,
		 size_t errlen)
{
	struct cg c = {
		.ast = ast, .root = root, .btf = btf, .reads = reads, .err = err, .errlen = errlen
	};
	struct value v;
	int ret;

	*out = NULL;
	*out_len = 0;
	/* r1 is lost to the first helper call; r6 survives them. */
	emit(&c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	ret = gen(&c, ast->root, 0, &v);
	if (!ret) {
		to_bool(&c, &v);
		emit(&c, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
		emit_abort_block(&c);
	}
	return finish(&c, ret, out, out_len);
}

/* How value i reads back: from its member's type, or C's type of the result. */
static int describe_value(struct cg *c, const struct value *v, struct expr_value_info *info)
{
	const struct expr_node *n = &c->ast->nodes[c->ast->root];
	struct expr_access a;
	int ret;

	memset(info, 0, sizeof(*info));
	info->format = is_unsigned(v->type) ? EXPR_FMT_UNSIGNED : EXPR_FMT_SIGNED;
	info->size = wide(v->type) ? 8 : 4;
	if (n->kind != EK_MEMBER && !is_root_name(c, n)) {
		snprintf(info->name, sizeof(info->name), "%s", c->ast->text);
		return 0;
	}
	ret = expr_btf_resolve(c->ast, c->ast->root, c->root, c->btf, &a, c->err, c->errlen);
	if (ret)
		return ret;
	snprintf(info->name, sizeof(info->name), "%.*s", n->name_len, n->name);
	info->size = a.size;
	if (a.is_pointer || a.big_endian)
		info->format = EXPR_FMT_HEX;
	else if (a.is_bool)
		info->format = EXPR_FMT_BOOL;
	else if (a.enum_id && !a.bit_size) {
		info->format = EXPR_FMT_ENUM;
		info->enum_id = a.enum_id;
	}
	return 0;
}

int expr_compile_values(const struct expr_ast *const *asts, size_t n, enum expr_root root,
			const struct btf *btf, enum expr_reads reads, struct ebpf_insn **out,
			size_t *out_len, struct expr_value_info *info, char *err, size_t errlen)
{
	struct cg c = { .root = root, .btf = btf, .reads = reads, .err = err, .errlen = errlen };
	int ret = 0;

	*out = NULL;
	*out_len = 0;
	if (n > EXPR_MAX_VALUES)
		return set_err(err, errlen, -E2BIG, "at most %d values, not %zu", EXPR_MAX_VALUES,
			       n);
	emit(&c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	emit(&c, BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_7, BPF_REG_2, 0, 0);
	for (size_t i = 0; i < n && !ret; i++) {
		struct value v;

		c.ast = asts[i];
		/* 0 stays if the value cannot be read: its aborts land after the store. */
		emit(&c, BPF_ST | BPF_MEM | BPF_DW, BPF_REG_7, 0, (int16_t)(8 * i), 0);
		ret = gen(&c, asts[i]->root, 0, &v);
		if (!ret)
			ret = describe_value(&c, &v, &info[i]);
		if (ret)
			break;
		emit(&c, BPF_STX | BPF_MEM | BPF_DW, BPF_REG_7, BPF_REG_0, (int16_t)(8 * i), 0);
		for (size_t k = 0; k < c.n_aborts; k++)
			patch_here(&c, c.aborts[k]);
		c.n_aborts = 0;
	}
	if (!ret) {
		emit(&c, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
		emit(&c, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	return finish(&c, ret, out, out_len);
}

int expr_resolve(const char *src, enum expr_root root, const struct btf *btf,
		 struct expr_access *acc, char *err, size_t errlen)
{
	struct expr_ast *ast;
	int ret = expr_parse(src, &ast, err, errlen);

	if (ret)
		return ret;
	if (ast->nodes[ast->root].kind != EK_MEMBER && ast->nodes[ast->root].kind != EK_NAME)
		ret = set_err(err, errlen, -EINVAL, "'%s' is not a member chain", src);
	else
		ret = expr_btf_resolve(ast, ast->root, root, btf, acc, err, errlen);
	expr_ast_free(ast);
	return ret;
}
