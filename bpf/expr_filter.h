/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Placeholders for --filter-skb-expr and --filter-xdp-expr, whose bodies
 * user space replaces at load time with the compiled expression
 * (src/expr/expr_filters.c). Same rules as the pcap placeholders: static,
 * so the verifier checks them in their caller's context; opaque to the
 * compiler, which neither inlines them nor folds their result. The default
 * body (no match) is what runs if user space forgot to splice. Callers test
 * CFG first: with no expression the call is dead code the verifier drops.
 */
#ifndef PWRU_EXPR_FILTER_H
#define PWRU_EXPR_FILTER_H

#define EXPR_PLACEHOLDER(name, type)                                   \
	static __noinline __attribute__((unused)) int name(type *root) \
	{                                                              \
		int ret = 0;                                           \
		asm volatile("" : "+r"(ret) : "r"(root) : "memory");   \
		return ret;                                            \
	}

EXPR_PLACEHOLDER(expr_filter_skb, struct sk_buff)
EXPR_PLACEHOLDER(expr_filter_xdp, struct xdp_buff)

/* --output-skb-metadata: the body stores each field's value as a u64 in out[i]. */
#define EXPR_META_PLACEHOLDER(name, type)                                          \
	static __noinline __attribute__((unused)) int name(type *root, __u64 *out) \
	{                                                                          \
		int ret = 0;                                                       \
		asm volatile("" : "+r"(ret) : "r"(root), "r"(out) : "memory");     \
		return ret;                                                        \
	}

EXPR_META_PLACEHOLDER(expr_meta_skb, struct sk_buff)
EXPR_META_PLACEHOLDER(expr_meta_xdp, struct xdp_buff)

#endif /* PWRU_EXPR_FILTER_H */
