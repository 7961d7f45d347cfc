/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --filter-skb-expr and --filter-xdp-expr, --output-skb-metadata and
 * --output-xdp-metadata: compiled once at start-up, then spliced into each
 * tracing program as it loads, in place of the expr_filter_skb/_xdp and
 * expr_meta_skb/_xdp placeholders of bpf/expr_filter.h.
 *
 *   expr_filters_compile()  at start-up, with the kernel's BTF (errors go to the user)
 *   expr_filters_splice()   from libbpf's prog_prepare_load_fn, per program
 *   expr_filters_free()     after the objects are loaded (or destroyed)
 */
#ifndef PWRU_EXPR_FILTERS_H
#define PWRU_EXPR_FILTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct btf;
struct bpf_program;
struct bpf_prog_load_opts;
struct expr_filters;

struct expr_filters_opts {
	const char *skb_expr, *xdp_expr; /* NULL or blank: none */
	/* Fields to carry in events; each string may list several, comma-separated. */
	const char *const *skb_meta;
	size_t n_skb_meta;
	const char *const *xdp_meta;
	size_t n_xdp_meta;
};

/*
 * With nothing asked for, *out is NULL. Errors name the flag:
 * "--filter-skb-expr: struct sk_buff has no member 'foo'". btf must outlive f
 * (enumerator names are read from it when values are formatted).
 */
int expr_filters_compile(const struct expr_filters_opts *o, const struct btf *btf,
			 struct expr_filters **out, char *err, size_t errlen);
void expr_filters_free(struct expr_filters *f);

bool expr_filters_has_skb(const struct expr_filters *f);
bool expr_filters_has_xdp(const struct expr_filters *f);

/* Metadata fields compiled for skb (xdp=false) or xdp_buff events. */
size_t expr_filters_meta_count(const struct expr_filters *f, bool xdp);
/* Field i's name, and value v as text in buf; returns 1 when it is a plain JSON number. */
int expr_filters_meta_format(const struct expr_filters *f, bool xdp, size_t i, uint64_t v,
			     const char **name, char *buf, size_t len);

/*
 * Replaces the placeholders prog calls (none is fine) and fixes opts'
 * func_info/line_info. direct=1 for tp_btf/fentry programs (BTF-typed skb):
 * they get the direct-load skb bodies where the kernel accepted them. Returns 0 or a negative errno, the reason in
 * expr_filters_strerror(). A NULL f does nothing.
 */
int expr_filters_splice(struct expr_filters *f, struct bpf_program *prog,
			struct bpf_prog_load_opts *opts, int direct);
const char *expr_filters_strerror(const struct expr_filters *f);
/* Placeholder bodies replaced so far, over all programs. */
unsigned int expr_filters_splice_count(const struct expr_filters *f);
/* Instructions of one compiled body (0 when absent), for -v and tests. */
size_t expr_filters_len(const struct expr_filters *f, bool xdp);
/* 1 when the tp_btf/fentry programs get direct-load skb bodies, 0 probe_read, -1 none. */
int expr_filters_direct(const struct expr_filters *f);

#endif /* PWRU_EXPR_FILTERS_H */
