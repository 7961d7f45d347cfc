// SPDX-License-Identifier: GPL-2.0
/* A TC ingress program for the bpfhelpers scenario: it counts IPv4 ICMP
 * packets per source address in the hash map vm_seen, so it calls
 * bpf_skb_load_bytes, a map lookup and, for a new address, a map update:
 * pwru --filter-track-bpf-helpers --output-bpfmap must show those calls on
 * the packet's path with the map's id, name, key and value. Lets every
 * packet through. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TC_ACT_OK 0
#define ETH_HLEN 14
#define ETH_P_IP 0x0800

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);   /* source address, network order */
	__type(value, __u64); /* packets seen */
} vm_seen SEC(".maps");

SEC("tc")
int vm_tc_maps(struct __sk_buff *skb)
{
	__u64 one = 1, *n;
	struct iphdr ip;
	__u32 key;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (bpf_skb_load_bytes(skb, ETH_HLEN, &ip, sizeof(ip)) || ip.protocol != IPPROTO_ICMP)
		return TC_ACT_OK;
	key = ip.saddr;
	n = bpf_map_lookup_elem(&vm_seen, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&vm_seen, &key, &one, BPF_ANY);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
