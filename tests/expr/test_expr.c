// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the expression compiler against this kernel's BTF:
 *   - member offsets agree with an independent walk of bpftool's raw BTF dump
 *   - every kind of bad expression gets one line naming the member and type
 *   - the generated code has the shape the contract promises
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/bpf.h>
#include <bpf/btf.h>

#include "expr/expr.h"

static struct btf *vmlinux;

/* ---- an independent reading of `bpftool btf dump ... format raw` ---- */

struct raw_member {
	char name[64];
	unsigned int type, bits, bitfield;
};

struct raw_type {
	char kind[16];
	char name[64];
	unsigned int type; /* PTR, TYPEDEF, CONST, VOLATILE, RESTRICT, TYPE_TAG */
	unsigned int size;
	struct raw_member *members;
	int n_members;
};

static struct raw_type *raw;
static unsigned int n_raw;

static int load_raw(void)
{
	FILE *f = popen("bpftool btf dump file /sys/kernel/btf/vmlinux format raw", "r");
	char line[512];
	struct raw_type *cur = NULL;
	unsigned int cap = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned int id;
		char kind[16], name[64];

		if (sscanf(line, "[%u] %15s '%63[^']'", &id, kind, name) == 3) {
			if (id >= cap) {
				unsigned int ncap = cap ? cap * 2 : 1 << 16;

				while (ncap <= id)
					ncap *= 2;
				raw = realloc(raw, ncap * sizeof(*raw));
				memset(raw + cap, 0, (ncap - cap) * sizeof(*raw));
				cap = ncap;
			}
			cur = &raw[id];
			snprintf(cur->kind, sizeof(cur->kind), "%s", kind);
			snprintf(cur->name, sizeof(cur->name), "%s", name);
			const char *p = strstr(line, " type_id=");
			if (p)
				cur->type = (unsigned int)strtoul(p + 9, NULL, 10);
			p = strstr(line, " size=");
			if (p)
				cur->size = (unsigned int)strtoul(p + 6, NULL, 10);
			if (id >= n_raw)
				n_raw = id + 1;
			continue;
		}
		if (cur && line[0] == '\t' && line[1] == '\'') {
			struct raw_member m = { 0 };
			const char *p;

			if (sscanf(line, "\t'%63[^']' type_id=%u bits_offset=%u", m.name, &m.type,
				   &m.bits) != 3)
				continue;
			p = strstr(line, "bitfield_size=");
			if (p)
				m.bitfield = (unsigned int)strtoul(p + 14, NULL, 10);
			cur->members =
				realloc(cur->members, (cur->n_members + 1) * sizeof(*cur->members));
			cur->members[cur->n_members++] = m;
		}
	}
	return pclose(f) == 0 && n_raw ? 0 : -1;
}

static unsigned int raw_strip(unsigned int id)
{
	while (!strcmp(raw[id].kind, "TYPEDEF") || !strcmp(raw[id].kind, "CONST") ||
	       !strcmp(raw[id].kind, "VOLATILE") || !strcmp(raw[id].kind, "RESTRICT") ||
	       !strcmp(raw[id].kind, "TYPE_TAG"))
		id = raw[id].type;
	return id;
}

static unsigned int raw_struct(const char *name)
{
	for (unsigned int id = 1; id < n_raw; id++)
		if (!strcmp(raw[id].kind, "STRUCT") && !strcmp(raw[id].name, name))
			return id;
	return 0;
}

/* C's lookup: a named member, or one inside an anonymous struct/union member. */
static int raw_find(unsigned int id, const char *name, unsigned int *bits, struct raw_member *out)
{
	for (int i = 0; i < raw[id].n_members; i++) {
		struct raw_member *m = &raw[id].members[i];

		if (!strcmp(m->name, name)) {
			*bits = m->bits;
			*out = *m;
			return 1;
		}
		if (!strcmp(m->name, "(anon)") && raw_find(raw_strip(m->type), name, bits, out)) {
			*bits += m->bits;
			return 1;
		}
	}
	return 0;
}

/* The expected expr_access of "root->a.b->c": offsets per hop and the last member. */
static int raw_walk(const char *root_struct, const char *path, struct expr_access *acc)
{
	char buf[256], *save, *tok;
	unsigned int id = raw_struct(root_struct), bits = 0;
	struct raw_member m = { 0 };
	bool first = true;

	memset(acc, 0, sizeof(*acc));
	snprintf(buf, sizeof(buf), "%s", strchr(path, '>') + 1);
	/* split on "->" (a hop) and "." (same object) */
	for (char *p = buf; *p; p++)
		if (p[0] == '-' && p[1] == '>')
			p[0] = '^', p[1] = ' ';
	for (tok = strtok_r(buf, "^.", &save); tok; tok = strtok_r(NULL, "^.", &save)) {
		unsigned int off;
		char *name = tok;

		while (*name == ' ')
			name++;
		if (!first) {
			unsigned int t = raw_strip(m.type);

			if (!strcmp(raw[t].kind, "PTR")) {
				acc->offsets[acc->hops++] = bits / 8;
				bits = 0;
				t = raw_strip(raw[t].type);
			}
			id = t;
		}
		first = false;
		if (!raw_find(id, name, &off, &m))
			return -1;
		bits += off;
	}
	acc->offsets[acc->hops] = bits / 8;
	acc->bit_offset = m.bitfield ? bits % 8 : 0;
	acc->bit_size = m.bitfield;
	acc->size =
		m.bitfield ? (acc->bit_offset + m.bitfield + 7) / 8 : raw[raw_strip(m.type)].size;
	if (!strcmp(raw[raw_strip(m.type)].kind, "PTR"))
		acc->size = 8;
	return 0;
}

static void offsets_agree_with_bpftool(void **state)
{
	static const char *const paths[] = {
		"skb->len",
		"skb->mark",
		"skb->protocol",
		"skb->pkt_type",
		"skb->cloned",
		"skb->ip_summed",
		"skb->csum_level",
		"skb->vlan_tci",
		"skb->hash",
		"skb->queue_mapping",
		"skb->tstamp",
		"skb->headers.mark",
		"skb->users.refs.counter",
		"skb->dev",
		"skb->dev->ifindex",
		"skb->dev->mtu",
		"skb->dev->nd_net.net->ns.inum",
		"skb->sk->__sk_common.skc_family",
		"xdp->frame_sz",
		"xdp->rxq->queue_index",
		"xdp->rxq->mem.type",
		"xdp->rxq->dev->ifindex",
	};

	if (!raw && load_raw())
		fail_msg("bpftool btf dump ... format raw did not run");
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		bool xdp = paths[i][0] == 'x';
		struct expr_access want, got;
		char err[256] = "";
		int ret;

		assert_int_equal(raw_walk(xdp ? "xdp_buff" : "sk_buff", paths[i], &want), 0);
		ret = expr_resolve(paths[i], xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB, vmlinux, &got,
				   err, sizeof(err));
		if (ret)
			fail_msg("%s: %s", paths[i], err);
		if (got.hops != want.hops || got.bit_size != want.bit_size ||
		    got.size != want.size ||
		    got.offsets[got.hops] * 8 + got.bit_offset !=
			    want.offsets[want.hops] * 8 + want.bit_offset)
			fail_msg("%s: ours hops=%u bit=%u+%u size=%u, bpftool's hops=%u bit=%u+%u "
				 "size=%u",
				 paths[i], got.hops, got.offsets[got.hops] * 8 + got.bit_offset,
				 got.bit_size, got.size, want.hops,
				 want.offsets[want.hops] * 8 + want.bit_offset, want.bit_size,
				 want.size);
		for (unsigned int h = 0; h < got.hops; h++)
			assert_int_equal(got.offsets[h], want.offsets[h]);
	}
}

static void byte_order_and_sign_come_from_btf(void **state)
{
	struct expr_access a;
	char err[256];

	assert_int_equal(
		expr_resolve("skb->protocol", EXPR_ROOT_SKB, vmlinux, &a, err, sizeof(err)), 0);
	assert_true(a.big_endian);
	assert_false(a.is_signed);
	assert_int_equal(expr_resolve("skb->len", EXPR_ROOT_SKB, vmlinux, &a, err, sizeof(err)), 0);
	assert_false(a.big_endian);
	assert_int_equal(
		expr_resolve("skb->dev->ifindex", EXPR_ROOT_SKB, vmlinux, &a, err, sizeof(err)), 0);
	assert_true(a.is_signed);
	assert_int_equal(a.hops, 1);
	assert_int_equal(expr_resolve("skb->dev", EXPR_ROOT_SKB, vmlinux, &a, err, sizeof(err)), 0);
	assert_true(a.is_pointer);
	assert_int_equal(a.hops, 0);
}

/* ---- one clear line for each kind of mistake ---- */

struct bad {
	const char *expr;
	const char *want; /* a substring of the message */
};

static void check_bad(const struct bad *b, size_t n, enum expr_root root)
{
	for (size_t i = 0; i < n; i++) {
		struct expr_ast *ast = NULL;
		struct ebpf_insn *insns = NULL;
		size_t len = 0;
		char err[512] = "";
		int ret = expr_parse(b[i].expr, &ast, err, sizeof(err));

		if (!ret) {
			ret = expr_compile(ast, root, vmlinux, EXPR_READS_PROBE, &insns, &len, err,
					   sizeof(err));
			expr_ast_free(ast);
			free(insns);
		}
		if (ret != -EINVAL || !strstr(err, b[i].want) || strchr(err, '\n'))
			fail_msg("'%.60s': expected -EINVAL and '%s', saw %d '%s'", b[i].expr,
				 b[i].want, ret, err);
	}
}

static void syntax_errors_say_where(void **state)
{
	static char deep[200], long_expr[EXPR_MAX_LEN + 10];
	const struct bad bad[] = {
		{ "", "empty expression" },
		{ "   ", "empty expression" },
		{ "skb->len >", "syntax error at the end" },
		{ "skb->len > 0777", "octal numbers are not supported" },
		{ "skb->len $ 1", "column 10" },
		{ "(skb->len > 1", "expected ')'" },
		{ "skb->len > 1)", "')' without '('" },
		{ "skb->", "expected a member name after '->'" },
		{ "skb.", "expected a member name after '.'" },
		{ "skb->len == 0x", "hex number without digits" },
		{ "skb->len == 99999999999999999999", "does not fit in 64 bits" },
		{ "skb->len == 12ab", "unexpected character in a number" },
		{ "skb->len 1", "expected an operator" },
		{ "skb->len == -1", "column 13 (near '-1'): unexpected character" },
		{ "skb->len == )", "expected a number, a name or '('" },
		{ deep, "nest too deep" },
		{ long_expr, "longer than" },
	};

	memset(deep, '(', 100);
	memcpy(deep + 100, "skb->len", 9);
	memset(long_expr, ' ', sizeof(long_expr) - 1);
	memcpy(long_expr, "skb->len", 8);
	check_bad(bad, sizeof(bad) / sizeof(bad[0]), EXPR_ROOT_SKB);
}

static void type_errors_name_member_and_type(void **state)
{
	const struct bad skb[] = {
		{ "skb->foo == 1", "struct sk_buff has no member 'foo'" },
		{ "skb->dev->foo", "struct net_device has no member 'foo'" },
		{ "skb->users == 1", "'skb->users' is refcount_t (struct refcount_struct), not a "
				     "scalar" },
		{ "skb->cb == 0", "'skb->cb' is char[48], not a scalar" },
		{ "skb.len", "'skb' is a pointer (struct sk_buff *): use '->'" },
		{ "skb->dev.mtu", "'skb->dev' is a pointer (struct net_device *): use '->'" },
		{ "skb->users->refs", "'skb->users' is refcount_t (struct refcount_struct), not a "
				      "pointer: use '.'" },
		{ "skb->len->x", "'skb->len' is unsigned int, which has no members" },
		{ "skb->pkt_type.x", "'skb->pkt_type' is a bitfield, it has no members" },
		{ "xdp->frame_sz > 1", "a member chain starts from 'skb'" },
		{ "foo == 1", "unknown name 'foo'" },
		{ "skb->len & (skb->len & (skb->len & (skb->len & (skb->len & (skb->len & "
		  "(skb->len & (skb->len & (skb->len & (skb->len & (skb->len & (skb->len & "
		  "skb->len)))))))))))",
		  "nests more than" },
	};
	const struct bad xdp[] = {
		{ "xdp->rxq->foo", "struct xdp_rxq_info has no member 'foo'" },
		{ "skb->len", "a member chain starts from 'xdp'" },
	};

	check_bad(skb, sizeof(skb) / sizeof(skb[0]), EXPR_ROOT_SKB);
	check_bad(xdp, sizeof(xdp) / sizeof(xdp[0]), EXPR_ROOT_XDP);
}

/* ---- the shape of the generated code ---- */

static struct ebpf_insn *compile_ok(const char *src, enum expr_root root, size_t *len)
{
	struct expr_ast *ast;
	struct ebpf_insn *insns = NULL;
	char err[512] = "";

	if (expr_parse(src, &ast, err, sizeof(err)))
		fail_msg("%s: %s", src, err);
	if (expr_compile(ast, root, vmlinux, EXPR_READS_PROBE, &insns, len, err, sizeof(err)))
		fail_msg("%s: %s", src, err);
	expr_ast_free(ast);
	return insns;
}

static int count_op(const struct ebpf_insn *v, size_t n, uint8_t code, int32_t imm, bool any_imm)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += v[i].code == code && (any_imm || v[i].imm == imm);
	return c;
}

static void code_shape(void **state)
{
	struct ebpf_insn *v;
	size_t n;

	/* one 4-byte read, an unsigned compare with an immediate, one exit per path */
	v = compile_ok("skb->len > 1000", EXPR_ROOT_SKB, &n);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_CALL, BPF_FUNC_probe_read_kernel, false), 1);
	assert_int_equal(count_op(v, n, BPF_ALU64 | BPF_MOV | BPF_K, 4, false) >= 1, 1);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_JGT | BPF_K, 1000, false), 1);
	assert_int_equal(v[n - 1].code, BPF_JMP | BPF_EXIT);
	assert_true(n <= 16);
	free(v);

	/* network byte order turned around once */
	v = compile_ok("skb->protocol == 0x0800", EXPR_ROOT_SKB, &n);
	assert_int_equal(count_op(v, n, BPF_ALU | BPF_END | BPF_TO_BE, 16, false), 1);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_JEQ | BPF_K, 0x800, false), 1);
	free(v);

	/* int is signed, and a NULL dev is tested before it is followed */
	v = compile_ok("skb->dev->ifindex < 0", EXPR_ROOT_SKB, &n);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_JSLT | BPF_K, 0, false), 1);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_CALL, BPF_FUNC_probe_read_kernel, false), 2);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_EXIT, 0, true), 2);
	free(v);

	/* no memory read: no helper call and no shared 'return 0' block */
	v = compile_ok("1 == 1", EXPR_ROOT_SKB, &n);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_CALL, 0, true), 0);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_EXIT, 0, true), 1);
	free(v);

	/* a bare value is turned into exactly 0 or 1 */
	v = compile_ok("skb->mark", EXPR_ROOT_SKB, &n);
	assert_int_equal(v[n - 5].code, BPF_JMP | BPF_JEQ | BPF_K);
	free(v);

	/* enumerators come from the kernel */
	v = compile_ok("xdp->rxq->mem.type == MEM_TYPE_PAGE_POOL", EXPR_ROOT_XDP, &n);
	assert_int_equal(count_op(v, n, BPF_JMP | BPF_JEQ | BPF_K, 2, false), 1);
	free(v);
}

/* ---- --output-skb-metadata: names, formats, limits ---- */

static void metadata_values(void **state)
{
	static const char *const fields[] = { "skb->dev->mtu", "skb->protocol", "skb->dev",
					      "skb->dev->ml_priv_type" };
	struct expr_ast *asts[EXPR_MAX_VALUES + 1];
	struct expr_value_info info[EXPR_MAX_VALUES + 1];
	struct ebpf_insn *v = NULL;
	char err[256], buf[64];
	size_t n;

	for (int i = 0; i < 4; i++)
		assert_int_equal(expr_parse(fields[i], &asts[i], err, sizeof(err)), 0);
	assert_int_equal(expr_compile_values((const struct expr_ast *const *)asts, 4, EXPR_ROOT_SKB,
					     vmlinux, EXPR_READS_PROBE, &v, &n, info, err,
					     sizeof(err)),
			 0);
	/* four stores of a result (and four of the 0 it replaces), r0 = 0 at the end */
	assert_int_equal(count_op(v, n, BPF_STX | BPF_MEM | BPF_DW, 0, true), 4);
	assert_int_equal(count_op(v, n, BPF_ST | BPF_MEM | BPF_DW, 0, true) >= 4, 1);
	assert_int_equal(v[n - 1].code, BPF_JMP | BPF_EXIT);
	free(v);
	assert_string_equal(info[0].name, "mtu");
	assert_int_equal(expr_value_format(&info[0], vmlinux, 1500, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "1500");
	assert_string_equal(info[1].name, "protocol");
	assert_int_equal(expr_value_format(&info[1], vmlinux, 0x0800, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0x0800");
	assert_int_equal(
		expr_value_format(&info[2], vmlinux, 0xffff888100001000ULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0xffff888100001000");
	assert_int_equal(expr_value_format(&info[3], vmlinux, 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ML_PRIV_NONE");

	/* signed values come back sign-extended */
	expr_ast_free(asts[0]);
	assert_int_equal(expr_parse("skb->dev->ifindex", &asts[0], err, sizeof(err)), 0);
	assert_int_equal(expr_compile_values((const struct expr_ast *const *)asts, 1, EXPR_ROOT_SKB,
					     vmlinux, EXPR_READS_PROBE, &v, &n, info, err,
					     sizeof(err)),
			 0);
	free(v);
	assert_int_equal(expr_value_format(&info[0], vmlinux, (uint64_t)-1, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "-1");

	/* a constant and the bare root are fields too (the fuzzer found the first) */
	for (int i = 0; i < 2; i++)
		expr_ast_free(asts[i]);
	assert_int_equal(expr_parse("AUTOP_CYCLE_NSEC", &asts[0], err, sizeof(err)), 0);
	assert_int_equal(expr_parse("skb", &asts[1], err, sizeof(err)), 0);
	assert_int_equal(expr_compile_values((const struct expr_ast *const *)asts, 2, EXPR_ROOT_SKB,
					     vmlinux, EXPR_READS_PROBE, &v, &n, info, err,
					     sizeof(err)),
			 0);
	free(v);
	assert_string_equal(info[0].name, "AUTOP_CYCLE_NSEC");
	assert_string_equal(info[1].name, "skb");
	assert_int_equal(info[1].format, EXPR_FMT_HEX);

	/* a fifth field is refused */
	assert_int_equal(expr_parse("skb->len", &asts[4], err, sizeof(err)), 0);
	assert_int_equal(expr_compile_values((const struct expr_ast *const *)asts, 5, EXPR_ROOT_SKB,
					     vmlinux, EXPR_READS_PROBE, &v, &n, info, err,
					     sizeof(err)),
			 -E2BIG);
	for (int i = 0; i < 5; i++)
		expr_ast_free(asts[i]);
}

static int setup(void **state)
{
	vmlinux = btf__load_vmlinux_btf();
	return vmlinux ? 0 : -1;
}

static int teardown(void **state)
{
	btf__free(vmlinux);
	for (unsigned int i = 0; i < n_raw; i++)
		free(raw[i].members);
	free(raw);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offsets_agree_with_bpftool),
		cmocka_unit_test(byte_order_and_sign_come_from_btf),
		cmocka_unit_test(syntax_errors_say_where),
		cmocka_unit_test(type_errors_name_member_and_type),
		cmocka_unit_test(code_shape),
		cmocka_unit_test(metadata_values),
	};

	return cmocka_run_group_tests_name("expr", tests, setup, teardown);
}
