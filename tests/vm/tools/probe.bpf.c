// SPDX-License-Identifier: GPL-2.0
/* Minimal programs of each attach kind the backends use, all on one hot
 * function on the loopback transmit path, each counting its hits. The
 * user side loads them one at a time to learn which kinds a kernel takes. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 hits_kprobe, hits_kprobe_multi, hits_fentry, hits_tp_btf;

SEC("kprobe/__dev_queue_xmit")
int BPF_KPROBE(on_kprobe)
{
	__sync_fetch_and_add(&hits_kprobe, 1);
	return 0;
}

SEC("kprobe.multi/__dev_queue_xmit")
int BPF_KPROBE(on_kprobe_multi)
{
	__sync_fetch_and_add(&hits_kprobe_multi, 1);
	return 0;
}

SEC("fentry/__dev_queue_xmit")
int BPF_PROG(on_fentry, struct sk_buff *skb)
{
	__sync_fetch_and_add(&hits_fentry, 1);
	return 0;
}

/* net_dev_queue fires in __dev_queue_xmit on every kernel we test */
SEC("tp_btf/net_dev_queue")
int BPF_PROG(on_tp_btf, struct sk_buff *skb)
{
	__sync_fetch_and_add(&hits_tp_btf, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
