// SPDX-License-Identifier: GPL-2.0
/*
 * Test vehicle for pcap filters: a TC program run with BPF_PROG_TEST_RUN on
 * generated frames. bpf_cast_to_kern_ctx() hands it the kernel's own sk_buff
 * through a BTF pointer, so it exercises the same skb reads and placeholders
 * as the tracing programs, in both the direct (PWRU_DIRECT=1) and the
 * probe-read (PWRU_DIRECT=0) build.
 *
 * Per run, from the __sk_buff given to the test run:
 *   mark      0, or 1 + the number of readable bytes (simulates a short linear part)
 *   priority  bit 31: push a VLAN tag into skb metadata first, as a NIC or
 *             skb_vlan_untag() would; bit 16: 802.1ad; bits 0-15: the TCI
 *   cb[0]     enum pcap_layer to force, 0 for the program's own choice
 *   cb[1]     0, or 1 + the wire length to report: BPF_PROG_TEST_RUN refuses
 *             IPv4/IPv6 frames shorter than their header, so the test pads
 *             those and states the length they had
 *   cb[2]     1: return before the filter (the benchmark's "no filter" baseline)
 * Returns 1 when the filter matches.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>
#include "skb_read.h"
#include "pcap_filter.h"

extern void *bpf_cast_to_kern_ctx(void *obj) __ksym;

#define TEST_PUSH_VLAN (1u << 31)
#define TEST_VLAN_AD (1u << 16)

SEC("pcap_test")
int pcap_test_run(struct __sk_buff *ctx)
{
	__u32 vlan = ctx->priority, limit = ctx->mark, layer = ctx->cb[0], wire = ctx->cb[1];
	struct pcap_frame fr;
	struct sk_buff *skb;

	if (vlan & TEST_PUSH_VLAN)
		bpf_skb_vlan_push(ctx, bpf_htons(vlan & TEST_VLAN_AD ? 0x88a8 : 0x8100),
				  vlan & 0xffff);
	if (ctx->cb[2])
		return 1;
	skb = bpf_cast_to_kern_ctx(ctx);
	pcap_frame_of(skb, &fr, layer);
	if (limit && fr.caplen > limit - 1)
		fr.caplen = limit - 1;
	if (wire)
		fr.wire_len = wire - 1;
	return pcap_frame_match(skb, &fr);
}

/*
 * tc egress on the sending veth (tests/pcap/e2e-kernel.sh): moves a frame's
 * outer VLAN tag into skb metadata, as a NIC with VLAN offload (or veth
 * under a VLAN device) hands it over, so the receiving side sees what pwru
 * sees on such devices: the tag only in vlan_tci.
 */
SEC("tc")
int pcap_vlan_offload(struct __sk_buff *skb)
{
	__be16 proto = skb->protocol;
	__be16 tci;

	if ((proto != bpf_htons(0x8100) && proto != bpf_htons(0x88a8)) ||
	    bpf_skb_load_bytes(skb, 14, &tci, sizeof(tci)))
		return 0;
	/* pop drops the outer tag from the frame (an inner one goes to metadata);
	 * push then puts the outer tag in metadata (and any inner back in the frame) */
	if (!bpf_skb_vlan_pop(skb))
		bpf_skb_vlan_push(skb, proto, bpf_ntohs(tci));
	return 0;
}

/*
 * The same filter in every program kind the backends use, for load tests
 * (tests/pcap/splice_kinds.c): each is only loaded, never attached.
 */
#if PWRU_DIRECT
SEC("pcap_test_tp_btf")
int pcap_kind_tp_btf(__u64 *ctx)
{
	return skb_pcap_match((struct sk_buff *)ctx[0]);
}

SEC("pcap_test_fentry")
int pcap_kind_fentry(__u64 *ctx)
{
	return skb_pcap_match((struct sk_buff *)ctx[0]);
}

/*
 * Real traffic (tests/pcap/e2e-kernel.sh): frames arriving on one device of
 * one netns (netif_receive_skb), counted with the filter's verdict. User
 * space sets ifindex/netns.
 */
enum { COUNT_SEEN, COUNT_MATCHED, COUNT_TAG_IN_METADATA, COUNT_MAX };

struct {
	__u32 ifindex;
	__u32 netns;
	__u64 counts[COUNT_MAX];
} pcap_count;

static __always_inline void count_frame(struct sk_buff *skb)
{
	struct net_device *dev = RD(skb, dev);
	__u16 proto, tci;

	if (!dev || RD(dev, ifindex) != pcap_count.ifindex ||
	    RD(dev, nd_net.net, ns.inum) != pcap_count.netns)
		return;
	__sync_fetch_and_add(&pcap_count.counts[COUNT_SEEN], 1);
	if (pcap_skb_vlan(skb, &proto, &tci))
		__sync_fetch_and_add(&pcap_count.counts[COUNT_TAG_IN_METADATA], 1);
	if (skb_pcap_match(skb))
		__sync_fetch_and_add(&pcap_count.counts[COUNT_MATCHED], 1);
}

SEC("pcap_test_tp_btf")
int pcap_count_rx(__u64 *ctx)
{
	count_frame((struct sk_buff *)ctx[0]);
	return 0;
}

#else
SEC("pcap_test_raw_tp")
int pcap_kind_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	return skb_pcap_match((struct sk_buff *)ctx->args[0]);
}

SEC("pcap_test_kprobe")
int pcap_kind_kprobe(struct pt_regs *ctx)
{
	return skb_pcap_match((struct sk_buff *)PT_REGS_PARM1(ctx));
}

SEC("pcap_test_kprobe_multi")
int pcap_kind_kprobe_multi(struct pt_regs *ctx)
{
	return skb_pcap_match((struct sk_buff *)PT_REGS_PARM1(ctx));
}
#endif

char LICENSE[] SEC("license") = "GPL";
