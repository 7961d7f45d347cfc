// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "expr.h"
#include "expr_filters.h"
#include "pcap/inject.h"

struct compiled {
	struct ebpf_insn *insns;
	size_t len;
};

struct expr_filters {
	struct compiled body[2]; /* by enum expr_root */
	struct inject_keep *keep;
	unsigned int spliced;
	char err[512];
};

/* Names of the placeholders in bpf/expr_filter.h, by enum expr_root. */
static const char *const placeholders[] = { "expr_filter_skb", "expr_filter_xdp" };
static const char *const flags[] = { "--filter-skb-expr", "--filter-xdp-expr" };

static bool blank(const char *s)
{
	while (s && *s && isspace((unsigned char)*s))
		s++;
	return !s || !*s;
}

static int compile_one(struct compiled *c, const char *src, enum expr_root root,
		       const struct btf *btf, char *err, size_t errlen)
{
	struct expr_ast *ast;
	char why[400];
	int ret;

	if (blank(src))
		return 0;
	ret = expr_parse(src, &ast, why, sizeof(why));
	if (!ret) {
		ret = expr_compile(ast, root, btf, &c->insns, &c->len, why, sizeof(why));
		expr_ast_free(ast);
	}
	if (ret == -ENOMEM)
		return set_err(err, errlen, ret, "%s: out of memory", flags[root]);
	if (ret)
		return set_err(err, errlen, ret, "%s: %s", flags[root], why);
	return 0;
}

int expr_filters_compile(const char *skb_expr, const char *xdp_expr, const struct btf *btf,
			 struct expr_filters **out, char *err, size_t errlen)
{
	struct expr_filters *f;
	int ret;

	*out = NULL;
	if (blank(skb_expr) && blank(xdp_expr))
		return 0;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	ret = compile_one(&f->body[EXPR_ROOT_SKB], skb_expr, EXPR_ROOT_SKB, btf, err, errlen);
	if (!ret)
		ret = compile_one(&f->body[EXPR_ROOT_XDP], xdp_expr, EXPR_ROOT_XDP, btf, err,
				  errlen);
	if (ret) {
		expr_filters_free(f);
		return ret;
	}
	*out = f;
	return 0;
}

void expr_filters_free(struct expr_filters *f)
{
	if (!f)
		return;
	for (int i = 0; i < 2; i++)
		free(f->body[i].insns);
	inject_keep_free(f->keep);
	free(f);
}

bool expr_filters_has_skb(const struct expr_filters *f)
{
	return f && f->body[EXPR_ROOT_SKB].insns;
}

bool expr_filters_has_xdp(const struct expr_filters *f)
{
	return f && f->body[EXPR_ROOT_XDP].insns;
}

int expr_filters_splice(struct expr_filters *f, struct bpf_program *prog,
			struct bpf_prog_load_opts *opts)
{
	struct inject_body bodies[2];
	size_t n = 0;
	int ret;

	if (!f)
		return 0;
	/* An absent expression keeps its placeholder: the program never calls it. */
	for (int i = 0; i < 2; i++) {
		if (!f->body[i].insns)
			continue;
		bodies[n].name = placeholders[i];
		bodies[n].insns = f->body[i].insns;
		bodies[n].len = f->body[i].len;
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
	return f ? f->body[xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB].len : 0;
}
