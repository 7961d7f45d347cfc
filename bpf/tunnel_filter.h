/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tunnels: the packet inside an encapsulation, where the kernel left its
 * offsets when it encapsulated (skb->inner_mac_header, inner_network_header:
 * set by iptunnel_handle_offloads() for VXLAN, Geneve, IPIP, GRE, and kept
 * while the outer packet crosses veth, bridges and the peer's receive path).
 *
 * --filter-tunnel-pcap-l2/-l3 run pcap filters on the inner packet through
 * three more placeholders, spliced like the outer ones (src/pcap/inject.c);
 * --output-tunnel reads its tuple. As in cilium/pwru, an skb without inner
 * headers (inner_network_header 0) passes the tunnel filters: they only judge
 * encapsulated packets.
 *
 * Include after pwru.h's CFG is declared, and after skb_read.h.
 */
#ifndef PWRU_TUNNEL_FILTER_H
#define PWRU_TUNNEL_FILTER_H

#include "pcap_filter.h"

/*
 *   pcap_tunnel_l2:    --filter-tunnel-pcap-l2 on an inner Ethernet frame
 *                      (VXLAN, Geneve, gretap)
 *   pcap_tunnel_l2_ip: the same expression compiled for raw IP, for inner
 *                      packets without a link header (IPIP, GRE): cilium/pwru
 *                      runs the Ethernet program on the IP header there
 *   pcap_tunnel_l3:    --filter-tunnel-pcap-l3 on the inner IP header
 */
PCAP_PLACEHOLDER(pcap_tunnel_l2)
PCAP_PLACEHOLDER(pcap_tunnel_l2_ip)
PCAP_PLACEHOLDER(pcap_tunnel_l3)

static __always_inline int tunnel_run(struct sk_buff *skb, __u16 off, int which)
{
	struct pcap_frame fr;

	pcap_frame_at(skb, &fr, off, which == 0);
	if (which == 0)
		return pcap_tunnel_l2(fr.data, fr.data + fr.caplen, fr.wire_len) != 0;
	if (which == 1)
		return pcap_tunnel_l2_ip(fr.data, fr.data + fr.caplen, fr.wire_len) != 0;
	return pcap_tunnel_l3(fr.data, fr.data + fr.caplen, fr.wire_len) != 0;
}

static __always_inline int skb_tunnel_match(struct sk_buff *skb)
{
	__u16 inner_nh = RD(skb, inner_network_header);
	__u16 inner_mac;

	if (!inner_nh)
		return 1;
	if (CFG.has_tunnel_l2) {
		inner_mac = RD(skb, inner_mac_header);
		/* An L3 tunnel device has no link header: its mac header is the IP header. */
		if (inner_mac < inner_nh) {
			if (!tunnel_run(skb, inner_mac, 0))
				return 0;
		} else if (!tunnel_run(skb, inner_nh, 1)) {
			return 0;
		}
	}
	if (CFG.has_tunnel_l3 && !tunnel_run(skb, inner_nh, 2))
		return 0;
	return 1;
}

#endif /* PWRU_TUNNEL_FILTER_H */
