/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF side of pcap filters: where a packet's bytes are, and the
 * placeholder subprograms whose bodies user space replaces at load time with
 * the translated filter (src/pcap/inject.c).
 *
 * Include after vmlinux.h, bpf_helpers.h and skb_read.h (PWRU_DIRECT set).
 * skb_pcap_match(skb) returns 1 when the filter accepts the packet.
 */
#ifndef PWRU_PCAP_FILTER_H
#define PWRU_PCAP_FILTER_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

/* Keep in sync with CBPF_MAX_CAPLEN in src/pcap/cbpf_to_ebpf.h. */
#define PCAP_MAX_CAPLEN (1u << 24)
/* Bytes behind the Ethernet addresses copied when a VLAN tag is re-inserted. */
#define PCAP_VLAN_COPY_MAX 4096

/*
 * Placeholders. Not global: a global function is verified on its own, with
 * its BTF argument types, and would refuse the packet pointers passed here.
 * Opaque to the compiler, so it neither inlines them nor folds their result,
 * and every argument stays live. The default body (no match) is what runs if
 * user space forgot to splice; names are how inject.c finds them.
 *   pcap_filter_l2:      frame starts at the Ethernet header
 *   pcap_filter_l3:      frame starts at the IPv4/IPv6 header
 *   pcap_filter_l2_vlan: Ethernet frame rebuilt in a map value (tag
 *                        re-inserted): always translated with probe-read
 *                        loads, since direct loads need skb memory.
 */
#define PCAP_PLACEHOLDER(name)                                                                     \
	static __noinline int name(void *data, void *data_end, __u64 wire_len)                     \
	{                                                                                          \
		int ret = 0;                                                                       \
		asm volatile("" : "+r"(ret) : "r"(data), "r"(data_end), "r"(wire_len) : "memory"); \
		return ret;                                                                        \
	}

PCAP_PLACEHOLDER(pcap_filter_l2)
PCAP_PLACEHOLDER(pcap_filter_l3)
#if PWRU_DIRECT
PCAP_PLACEHOLDER(pcap_filter_l2_vlan)
#else
/* Probe-read programs: the L2 body already reads any address the same way. */
#define pcap_filter_l2_vlan pcap_filter_l2
#endif

struct pcap_vlan_frame {
	__u8 bytes[16 + PCAP_VLAN_COPY_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pcap_vlan_frame);
} pcap_vlan_scratch SEC(".maps");

/* Kernels before 6.1 flag a hardware-accelerated tag in a bit field. */
struct sk_buff___pcap_pre61 {
	__u8 vlan_present : 1;
} __attribute__((preserve_access_index));

enum pcap_layer {
	PCAP_LAYER_AUTO = 0,
	PCAP_LAYER_L2,
	PCAP_LAYER_L3,
};

struct pcap_frame {
	void *data;	/* first byte the filter sees */
	__u64 caplen;	/* readable (linear) bytes from data */
	__u64 wire_len; /* whole packet length from data */
	__u32 l2;	/* 1: data is the Ethernet header */
	__u32 absent;	/* 1: no header to filter on yet: never matches */
};

/* Bytes from head to 'off', clamped so the filter reads nothing outside the buffer. */
static __always_inline void pcap_frame_at(struct sk_buff *skb, struct pcap_frame *fr, __u32 off,
					  __u32 l2)
{
	unsigned char *head = RD(skb, head);
	__u64 tail = RD(skb, tail);
	__u64 data_off = RD(skb, data) - head;
	__u64 len = RD(skb, len);
	__u64 caplen = tail > off ? tail - off : 0;

	if (caplen > PCAP_MAX_CAPLEN)
		caplen = 0;
	fr->data = head + off;
	fr->caplen = caplen;
	/* skb->len counts from skb->data; the wire length counts from our start. */
	fr->wire_len = len + data_off > off ? len + data_off - off : 0;
	fr->l2 = l2;
	fr->absent = 0;
}

/*
 * Devices whose frames start with an Ethernet header. Others (tun, WireGuard,
 * IP tunnels, PPP: ARPHRD_NONE, _TUNNEL, _IPGRE, _PPP...) put mac_header
 * where the IP header starts, and only the L3 filter reads them right.
 */
static __always_inline int pcap_dev_is_ethernet(struct sk_buff *skb)
{
	struct net_device *dev = skb_dev(skb);
	__u16 type;

	if (!dev)
		return 1;
	type = RD(dev, type);
	return type == 1 /* ARPHRD_ETHER */ || type == 772 /* ARPHRD_LOOPBACK */;
}

/*
 * L2 whenever the link header is in the buffer: on receive the netif_receive_skb
 * tracepoint fires after eth_type_trans() set mac_header but before mac_len and
 * the network header are reset, and users filtering 'arp' or 'ether host'
 * expect frames where they arrive. Otherwise (transmit before the link header
 * is built, or a device without one) the network header.
 */
static __always_inline void pcap_frame_of(struct sk_buff *skb, struct pcap_frame *fr,
					  enum pcap_layer layer)
{
	__u16 mac = RD(skb, mac_header);
	__u16 network;

	if (layer == PCAP_LAYER_L2 ||
	    (layer == PCAP_LAYER_AUTO && mac != (__u16)~0U && pcap_dev_is_ethernet(skb))) {
		pcap_frame_at(skb, fr, mac, 1);
		return;
	}
	/* A fresh skb's network_header is 0 until the IP layer sets it (TCP's
	 * transmit path, before ip_queue_xmit): filtering the headroom there
	 * would be filtering garbage. */
	network = RD(skb, network_header);
	pcap_frame_at(skb, fr, network, 0);
	fr->absent = network == 0;
}

/* The tag the kernel moved out of the frame into skb metadata, if any. */
static __always_inline int pcap_skb_vlan(struct sk_buff *skb, __u16 *proto_be, __u16 *tci)
{
	if (bpf_core_field_exists(skb->vlan_all)) {
		if (!RD(skb, vlan_all))
			return 0;
	} else {
		struct sk_buff___pcap_pre61 *old = (void *)skb;
#if PWRU_DIRECT
		if (!BPF_CORE_READ_BITFIELD(old, vlan_present))
			return 0;
#else
		if (!BPF_CORE_READ_BITFIELD_PROBED(old, vlan_present))
			return 0;
#endif
	}
	*proto_be = RD(skb, vlan_proto);
	*tci = RD(skb, vlan_tci);
	return 1;
}

/*
 * The frame as it was on the wire: addresses, the tag, then the rest, copied
 * into a per-CPU buffer so offsets behind the tag mean what libpcap expects.
 */
static __always_inline int pcap_match_retagged(struct pcap_frame *fr, __u16 proto_be, __u16 tci)
{
	__u32 zero = 0;
	struct pcap_vlan_frame *buf = bpf_map_lookup_elem(&pcap_vlan_scratch, &zero);
	__u64 rest;

	if (!buf)
		return 0;
	if (fr->caplen < 12)
		return pcap_filter_l2(fr->data, fr->data + fr->caplen, fr->wire_len);
	rest = fr->caplen - 12;
	if (rest > PCAP_VLAN_COPY_MAX)
		rest = PCAP_VLAN_COPY_MAX;
	bpf_probe_read_kernel(buf->bytes, 12, fr->data);
	*(__u16 *)&buf->bytes[12] = proto_be;
	*(__u16 *)&buf->bytes[14] = bpf_htons(tci);
	bpf_probe_read_kernel(buf->bytes + 16, rest, fr->data + 12);
	return pcap_filter_l2_vlan(buf->bytes, buf->bytes + 16 + rest, fr->wire_len + 4);
}

static __always_inline int pcap_frame_match(struct sk_buff *skb, struct pcap_frame *fr)
{
	__u16 proto_be, tci;

	if (fr->absent)
		return 0;
	if (!fr->l2)
		return pcap_filter_l3(fr->data, fr->data + fr->caplen, fr->wire_len) != 0;
	if (pcap_skb_vlan(skb, &proto_be, &tci))
		return pcap_match_retagged(fr, proto_be, tci) != 0;
	return pcap_filter_l2(fr->data, fr->data + fr->caplen, fr->wire_len) != 0;
}

static __always_inline int skb_pcap_match(struct sk_buff *skb)
{
	struct pcap_frame fr;

	pcap_frame_of(skb, &fr, PCAP_LAYER_AUTO);
	return pcap_frame_match(skb, &fr);
}

#endif /* PWRU_PCAP_FILTER_H */
