// SPDX-License-Identifier: GPL-2.0
/*
 * Test vehicle for the expression compiler: raw_tp programs run with
 * BPF_PROG_TEST_RUN on a fake sk_buff / xdp_buff that user space writes
 * into a map, with the pointers the expressions follow aimed at the fake
 * net_device (and xdp_rxq_info) next to it. The spliced placeholder is the
 * one pwru's programs call (bpf/expr_filter.h). Returns its verdict; the
 * _meta programs run the --output-*-metadata body instead, into out[].
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "expr_filter.h"
#include "expr_fake.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct expr_fake_skb);
} fake_skb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct expr_fake_xdp);
} fake_xdp SEC(".maps");

SEC("expr_test")
int expr_test_skb(void *ctx)
{
	__u32 zero = 0;
	struct expr_fake_skb *f = bpf_map_lookup_elem(&fake_skb, &zero);

	if (!f)
		return -1;
	f->skb.dev = f->has_dev ? &f->dev : NULL;
	return expr_filter_skb(&f->skb);
}

SEC("expr_test")
int expr_test_xdp(void *ctx)
{
	__u32 zero = 0;
	struct expr_fake_xdp *f = bpf_map_lookup_elem(&fake_xdp, &zero);

	if (!f)
		return -1;
	f->xdp.rxq = f->has_rxq ? &f->rxq : NULL;
	f->rxq.dev = f->has_dev ? &f->dev : NULL;
	return expr_filter_xdp(&f->xdp);
}

SEC("expr_test")
int expr_test_meta_skb(void *ctx)
{
	__u32 zero = 0;
	struct expr_fake_skb *f = bpf_map_lookup_elem(&fake_skb, &zero);

	if (!f)
		return -1;
	f->skb.dev = f->has_dev ? &f->dev : NULL;
	return expr_meta_skb(&f->skb, f->out);
}

SEC("expr_test")
int expr_test_meta_xdp(void *ctx)
{
	__u32 zero = 0;
	struct expr_fake_xdp *f = bpf_map_lookup_elem(&fake_xdp, &zero);

	if (!f)
		return -1;
	f->xdp.rxq = f->has_rxq ? &f->rxq : NULL;
	f->rxq.dev = f->has_dev ? &f->dev : NULL;
	return expr_meta_xdp(&f->xdp, f->out);
}

/*
 * Direct loads against probe reads (difftest --direct): a TC program run on
 * a real sk_buff, reached through bpf_cast_to_kern_ctx() as a BTF pointer
 * the way tp_btf and fentry programs hold theirs. The same program is loaded
 * once with each body; their verdicts (and stored values) must agree.
 */
extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

SEC("expr_test_tc")
int expr_tc_filter(struct __sk_buff *ctx)
{
	return expr_filter_skb(bpf_cast_to_kern_ctx(ctx));
}

SEC("expr_test_tc")
int expr_tc_meta(struct __sk_buff *ctx)
{
	__u32 zero = 0;
	struct expr_fake_skb *f = bpf_map_lookup_elem(&fake_skb, &zero);

	if (!f)
		return -1;
	return expr_meta_skb(bpf_cast_to_kern_ctx(ctx), f->out);
}
