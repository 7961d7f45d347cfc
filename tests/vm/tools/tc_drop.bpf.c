// SPDX-License-Identifier: GPL-2.0
/* A TC ingress program that drops IPv4 TCP segments to port 80, for the tc
 * scenario: pwru --filter-trace-tc must show it by name (vm_tc_drop) and
 * the drop after it. Built with BTF (-g) so fentry can attach to it. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_OK 0
#define TC_ACT_SHOT 2
#define ETH_HLEN 14
#define ETH_P_IP 0x0800

SEC("tc")
int vm_tc_drop(struct __sk_buff *skb)
{
	struct iphdr ip;
	__u16 dport;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) || ip.protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	/* dest port: 2 bytes into the TCP header, after ihl 32-bit words */
	if (bpf_skb_load_bytes(skb, ETH_HLEN + ip.ihl * 4 + 2, &dport, sizeof(dport)))
		return TC_ACT_OK;
	return dport == bpf_htons(80) ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
