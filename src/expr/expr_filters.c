// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "errmsg.h"
#include "expr.h"
#include "expr_filters.h"
#include "pcap/inject.h"

enum body_id { FILTER_SKB, FILTER_XDP, META_SKB, META_XDP, N_BODIES };

struct compiled {
	struct ebpf_insn *insns;
	size_t len;
};

struct expr_filters {
	struct compiled body[N_BODIES];
	/* The skb bodies with direct loads, for tp_btf/fentry programs; empty
	 * when the kernel refused them (they are tried at start-up). */
	struct compiled direct[N_BODIES];
	struct expr_value_info meta[2][EXPR_MAX_VALUES]; /* skb, xdp */
	size_t n_meta[2];
	const struct btf *btf;
	struct inject_keep *keep;
	unsigned int spliced;
	char err[512];
};

/* Placeholder names in bpf/expr_filter.h and the flags that fill them, by body_id. */
static const char *const placeholders[] = { "expr_filter_skb", "expr_filter_xdp", "expr_meta_skb",
					    "expr_meta_xdp" };
static const char *const flags[] = { "--filter-skb-expr", "--filter-xdp-expr",
				     "--output-skb-metadata", "--output-xdp-metadata" };

static bool blank(const char *s)
{
	while (s && *s && isspace((unsigned char)*s))
		s++;
	return !s || !*s;
}

static int compile_filter(struct compiled *c, const char *src, enum body_id id,
			  const struct btf *btf, enum expr_reads reads, char *err, size_t errlen)
{
	enum expr_root root = id == FILTER_XDP ? EXPR_ROOT_XDP : EXPR_ROOT_SKB;
	struct expr_ast *ast;
	char why[400];
	int ret;

	if (blank(src))
		return 0;
	ret = expr_parse(src, &ast, why, sizeof(why));
	if (!ret) {
		ret = expr_compile(ast, root, btf, reads, &c->insns, &c->len, why, sizeof(why));
		expr_ast_free(ast);
	}
	if (ret == -ENOMEM)
		return set_err(err, errlen, ret, "%s: out of memory", flags[id]);
	if (ret)
		return set_err(err, errlen, ret, "%s: %s", flags[id], why);
	return 0;
}

/* Every field of every occurrence of the flag, split on commas as cilium/pwru does. */
static int parse_fields(const char *const *lists, size_t n, enum body_id id, struct expr_ast **asts,
			size_t *n_asts, char *err, size_t errlen)
{
	char why[400];

	for (size_t i = 0; i < n; i++) {
		char *copy = strdup(lists[i]), *save = NULL;
		int ret = copy ? 0 : -ENOMEM;

		for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && !ret;
		     tok = strtok_r(NULL, ",", &save)) {
			if (blank(tok))
				continue;
			if (*n_asts == EXPR_MAX_VALUES)
				ret = set_err(err, errlen, -E2BIG, "%s: at most %d fields",
					      flags[id], EXPR_MAX_VALUES);
			else if ((ret = expr_parse(tok, &asts[*n_asts], why, sizeof(why))))
				ret = set_err(err, errlen, ret, "%s %s: %s", flags[id], tok, why);
			else
				(*n_asts)++;
		}
		free(copy);
		if (ret)
			return ret;
	}
	return 0;
}

static int compile_meta(struct expr_filters *f, const char *const *lists, size_t n, bool xdp,
			const struct btf *btf, char *err, size_t errlen)
{
	struct expr_value_info info[EXPR_MAX_VALUES];
	enum body_id id = xdp ? META_XDP : META_SKB;
	struct expr_ast *asts[EXPR_MAX_VALUES] = { 0 };
	size_t n_asts = 0;
	char why[400];
	int ret = parse_fields(lists, n, id, asts, &n_asts, err, errlen);

	if (!ret && n_asts) {
		ret = expr_compile_values((const struct expr_ast *const *)asts, n_asts,
					  xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB, btf,
					  EXPR_READS_PROBE, &f->body[id].insns, &f->body[id].len,
					  f->meta[xdp], why, sizeof(why));
		if (ret)
			ret = set_err(err, errlen, ret, "%s: %s", flags[id], why);
		else
			f->n_meta[xdp] = n_asts;
		/* pwru_fe_xdp reads through probe_read (an untyped pointer): skb only. */
		if (!ret && !xdp)
			ret = expr_compile_values((const struct expr_ast *const *)asts, n_asts,
						  EXPR_ROOT_SKB, btf, EXPR_READS_DIRECT,
						  &f->direct[id].insns, &f->direct[id].len, info,
						  why, sizeof(why));
	}
	for (size_t i = 0; i < n_asts; i++)
		expr_ast_free(asts[i]);
	return ret;
}

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

/*
 * Does the kernel accept this direct-load body in a tp_btf program, called
 * the way pwru's programs call it (skb, and for metadata a u64 out[])? Only
 * the verifier knows which members it lets a program load straight.
 */
static bool direct_body_loads(const struct btf *btf, const struct compiled *c, bool meta)
{
	int tp_id = btf__find_by_name_kind(btf, "btf_trace_netif_receive_skb", BTF_KIND_TYPEDEF);
	struct bpf_insn *prog;
	size_t n = 0;
	int fd;

	if (tp_id <= 0 || !c->insns)
		return false;
	prog = calloc(c->len + 8, sizeof(*prog));
	if (!prog)
		return false;
	prog[n++] = INSN(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_1, 0, 0);
	if (meta) {
		prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
		prog[n++] =
			INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -8 * EXPR_MAX_VALUES);
	}
	prog[n++] = INSN(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, 2);
	prog[n++] = INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	prog[n++] = INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	memcpy(prog + n, c->insns, c->len * sizeof(*prog));
	n += c->len;

	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = (__u32)tp_id);
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "pwru_expr_probe", "GPL", prog, n, &opts);
	free(prog);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/* Keeps the direct-load bodies the kernel accepts, drops the others. */
static void try_direct(struct expr_filters *f, const struct btf *btf)
{
	for (int id = 0; id < N_BODIES; id++) {
		if (!f->direct[id].insns || direct_body_loads(btf, &f->direct[id], id == META_SKB))
			continue;
		free(f->direct[id].insns);
		f->direct[id].insns = NULL;
		f->direct[id].len = 0;
	}
}

int expr_filters_compile(const struct expr_filters_opts *o, const struct btf *btf,
			 struct expr_filters **out, char *err, size_t errlen)
{
	struct expr_filters *f;
	int ret;

	*out = NULL;
	if (blank(o->skb_expr) && blank(o->xdp_expr) && !o->n_skb_meta && !o->n_xdp_meta)
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->btf = btf;
	ret = compile_filter(&f->body[FILTER_SKB], o->skb_expr, FILTER_SKB, btf, EXPR_READS_PROBE,
			     err, errlen);
	if (!ret)
		ret = compile_filter(&f->direct[FILTER_SKB], o->skb_expr, FILTER_SKB, btf,
				     EXPR_READS_DIRECT, err, errlen);
	if (!ret)
		ret = compile_filter(&f->body[FILTER_XDP], o->xdp_expr, FILTER_XDP, btf,
				     EXPR_READS_PROBE, err, errlen);
	if (!ret)
		ret = compile_meta(f, o->skb_meta, o->n_skb_meta, false, btf, err, errlen);
	if (!ret)
		ret = compile_meta(f, o->xdp_meta, o->n_xdp_meta, true, btf, err, errlen);
	if (ret) {
		expr_filters_free(f);
		return ret;
	}
	try_direct(f, btf);
	*out = f;
	return 0;
}

void expr_filters_free(struct expr_filters *f)
{
	if (!f)
		return;
	for (int i = 0; i < N_BODIES; i++) {
		free(f->body[i].insns);
		free(f->direct[i].insns);
	}
	inject_keep_free(f->keep);
	free(f);
}

bool expr_filters_has_skb(const struct expr_filters *f)
{
	return f && f->body[FILTER_SKB].insns;
}

bool expr_filters_has_xdp(const struct expr_filters *f)
{
	return f && f->body[FILTER_XDP].insns;
}

size_t expr_filters_meta_count(const struct expr_filters *f, bool xdp)
{
	return f ? f->n_meta[xdp] : 0;
}

int expr_filters_meta_format(const struct expr_filters *f, bool xdp, size_t i, uint64_t v,
			     const char **name, char *buf, size_t len)
{
	*name = f->meta[xdp][i].name;
	return expr_value_format(&f->meta[xdp][i], f->btf, v, buf, len);
}

int expr_filters_splice(struct expr_filters *f, struct bpf_program *prog,
			struct bpf_prog_load_opts *opts, int direct)
{
	struct inject_body bodies[N_BODIES];
	size_t n = 0;
	int ret;

	if (!f)
		return 0;
	/* What was not asked for keeps its placeholder: the program never calls it. */
	for (int i = 0; i < N_BODIES; i++) {
		const struct compiled *c =
			direct && f->direct[i].insns ? &f->direct[i] : &f->body[i];

		if (!c->insns)
			continue;
		bodies[n].name = placeholders[i];
		bodies[n].insns = c->insns;
		bodies[n].len = c->len;
		n++;
	}
	ret = inject_splice(prog, opts, bodies, n, &f->keep, f->err, sizeof(f->err));
	if (ret < 0)
		return ret;
	f->spliced += (unsigned int)ret;
	return 0;
}

const char *expr_filters_strerror(const struct expr_filters *f)
{
	return f ? f->err : "";
}

unsigned int expr_filters_splice_count(const struct expr_filters *f)
{
	return f ? f->spliced : 0;
}

size_t expr_filters_len(const struct expr_filters *f, bool xdp)
{
	return f ? f->body[xdp ? FILTER_XDP : FILTER_SKB].len : 0;
}

int expr_filters_direct(const struct expr_filters *f)
{
	if (!f || !(f->body[FILTER_SKB].insns || f->body[META_SKB].insns))
		return -1;
	return (!f->body[FILTER_SKB].insns || f->direct[FILTER_SKB].insns) &&
	       (!f->body[META_SKB].insns || f->direct[META_SKB].insns);
}
