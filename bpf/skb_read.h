/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One spelling for reading kernel structures, two ways of doing it.
 *
 * bpf/pwru.bpf.c is compiled twice. With PWRU_DIRECT=1 (tp_btf and fentry
 * programs) the skb arrives as a BTF-typed pointer and fields are plain
 * loads that the verifier turns into fault-safe PROBE_MEM loads: no helper
 * call on the filter path, which measured 0.90 of untraced throughput against
 * 0.77 for probe_read chains. With PWRU_DIRECT=0 (kprobe, kprobe-multi,
 * raw_tp) the pointer is a plain scalar and every read goes through
 * bpf_probe_read_kernel via BPF_CORE_READ. Both are CO-RE relocated.
 */
#ifndef PWRU_SKB_READ_H
#define PWRU_SKB_READ_H

#include <bpf/bpf_core_read.h>

#ifndef PWRU_DIRECT
#error "PWRU_DIRECT must be defined to 0 or 1"
#endif

#if PWRU_DIRECT
#define RD(src, ...) __builtin_preserve_access_index(___arrow(src, ##__VA_ARGS__))
#else
#define RD(src, ...) BPF_CORE_READ(src, ##__VA_ARGS__)
#endif

/*
 * skb->dev shares its word with dev_scratch, which UDP fills (truesize, len
 * and two flag bytes) once the skb sits on a socket's receive queue: at
 * consume_skb, kfree_skb and skb_copy_datagram_iovec after a UDP receive it is
 * not a pointer. A direct load through it is a non-canonical address: a
 * general-protection fault the JIT's exception table absorbs, measured at
 * ~650 ns per hit against ~15 ns for the whole netns filter. Kernel addresses
 * on x86-64 and arm64 have the top bit set and UDP's scratch never does (its
 * top byte is a bool), so one compare tells them apart.
 */
static __always_inline struct net_device *skb_dev(struct sk_buff *skb)
{
	struct net_device *dev = RD(skb, dev);

	if ((long)dev >= 0)
		return NULL;
	return dev;
}

#endif /* PWRU_SKB_READ_H */
