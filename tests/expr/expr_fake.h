/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential test's fake contexts: a struct sk_buff (or xdp_buff) and
 * what its pointers lead to, in one map value on the kernel side and in one
 * user-space buffer on the other. Both sides fix the pointers up to their
 * own copies. Include after vmlinux.h.
 */
#ifndef PWRU_EXPR_FAKE_H
#define PWRU_EXPR_FAKE_H

struct expr_fake_skb {
	struct sk_buff skb;
	struct net_device dev;
	__u32 has_dev; /* 0: skb->dev is NULL */
	__u64 out[4];  /* what an expr_meta_skb body stores */
};

struct expr_fake_xdp {
	struct xdp_buff xdp;
	struct xdp_rxq_info rxq;
	struct net_device dev;
	__u32 has_rxq; /* 0: xdp->rxq is NULL */
	__u32 has_dev; /* 0: xdp->rxq->dev is NULL */
	__u64 out[4];
};

#endif /* PWRU_EXPR_FAKE_H */
