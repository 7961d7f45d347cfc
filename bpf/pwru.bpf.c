// SPDX-License-Identifier: GPL-2.0
/*
 * pwru's kernel side: one program per attach kind and skb argument
 * position, all sharing the same filter and event helpers.
 *
 * Compiled twice (see skb_read.h): PWRU_DIRECT=1 holds the tp_btf and fentry
 * programs, whose skb argument is BTF-typed; PWRU_DIRECT=0 holds the raw_tp,
 * kprobe and kprobe-multi programs, which must read through probe_read.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include "pwru.h"
#include "skb_read.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct pwru_config CFG = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 23); /* set from --ringbuf-size at load */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PWRU_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PWRU_NETNS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} netns_filter SEC(".maps");

/* LRU: a busy host must never fill it and stop tracking new packets. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PWRU_TRACK_SKB_MAX);
	__type(key, __u64);
	__type(value, __u8);
} tracked_skbs SEC(".maps");

/*
 * --filter-track-skb with --filter-trace-xdp: the data_hard_start of each
 * frame an XDP program saw and the filter matched. The skb the kernel builds
 * for that frame (or, in generic mode, the one it ran XDP on) has it as its
 * head, which is how the skb is found and tracked. LRU: frames an XDP
 * program dropped never meet their skb.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PWRU_TRACK_SKB_MAX);
	__type(key, __u64);
	__type(value, __u8);
} xdp_heads SEC(".maps");

/* --filter-track-skb through veth XDP (kprobe or fentry pair, below) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);   /* pid_tgid */
	__type(value, __u64); /* the tracked skb handed to XDP */
} veth_converting SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, PWRU_STACK_MAX);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, PWRU_MAX_STACK_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/*
 * --filter-track-skb-by-stackid: the skb last matched on each kernel stack,
 * and the reverse, so a freed skb's stack forgets it.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PWRU_STACKID_MAX);
	__type(key, __u64);   /* stack_key() */
	__type(value, __u64); /* skb */
} stackid_skb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PWRU_STACKID_MAX);
	__type(key, __u64);   /* skb */
	__type(value, __u64); /* stack_key() */
} skb_stackid SEC(".maps");

#if __has_include("pcap_filter.h")
#include "pcap_filter.h"
#else
static __always_inline int skb_pcap_match(struct sk_buff *skb)
{
	return 1;
}
#endif
#include "expr_filter.h"
#include "tunnel_filter.h"

/* Replaced per loaded clone by user space with the probe's table index. */
static __always_inline __u32 probe_id(void)
{
	__u64 id;

	asm volatile("%0 = 0x70777275706e6964 ll" : "=r"(id));
	return (__u32)id;
}

static __always_inline void count(__u32 which)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &which);

	if (c)
		*c += 1;
}

/* The netns a packet is in: its device's, else (not sent yet) its socket's. */
static __always_inline struct net *skb_net(struct sk_buff *skb)
{
	struct net_device *dev = skb_dev(skb);
	struct sock *sk;

	if (dev)
		return RD(dev, nd_net.net);
	/*
	 * Locally generated packets get their device late; the socket knows.
	 * skb->sk is RCU-typed for tp_btf: the verifier wants the NULL test.
	 */
	sk = RD(skb, sk);
	if (!sk)
		return NULL;
	return RD(sk, __sk_common.skc_net.net);
}

static __always_inline __u32 skb_netns(struct sk_buff *skb)
{
	struct net *net = skb_net(skb);

	return net ? RD(net, ns.inum) : 0;
}

static __always_inline int skb_is_tracked(struct sk_buff *skb)
{
	__u64 addr = (__u64)skb;

	return bpf_map_lookup_elem(&tracked_skbs, &addr) != NULL;
}

static __always_inline void skb_track(struct sk_buff *skb)
{
	__u64 addr = (__u64)skb;
	__u8 one = 1;

	bpf_map_update_elem(&tracked_skbs, &addr, &one, BPF_ANY);
}

/*
 * Runs on every hit of every probe, so it is written for the verifier: the
 * count is read once, and since .rodata is frozen the verifier knows it and
 * removes the compares past it; what is left is one load and one compare
 * per inode.
 */
static __always_inline int netns_wanted(__u32 ns)
{
	__u32 n = CFG.netns_inline_n;

	if (!n) {
		/* its own key: the stack store stays on this path */
		__u32 key = ns;

		return bpf_map_lookup_elem(&netns_filter, &key) != NULL;
	}
#pragma unroll
	for (int i = 0; i < PWRU_NETNS_INLINE; i++) {
		if (i >= n)
			return 0;
		if (CFG.netns_inline[i] == ns)
			return 1;
	}
	return 0;
}

/*
 * --filter-netns rejects most hits, and the namespace's inode is the end of
 * a chain of dependent loads: skb, dev, dev->nd_net, net->ns.inum. A few
 * objects found in no wanted namespace are remembered and compared one by
 * one, loads that wait on nothing, so most hits stop one or two loads
 * earlier (a hashed table did no better than the chain: its slot's address
 * waits on the device's). A slot is one word, so a torn or lost write costs
 * a miss, never a wrong answer; the wanted set is frozen with the program.
 *
 * A miss takes a slot one time in 16, at random (an skb's address would
 * not do: recycled skbs come back at the same few), so the slots follow the
 * busiest objects; where many carry traffic, the slots, shared by all CPUs,
 * are written seldom enough not to bounce between them, and a hit costs
 * what reading the chain does.
 *
 * tp_btf and fentry (PWRU_DIRECT) remember devices, and for an skb without
 * one its socket's struct net; they compare them first of all, in
 * skb_quick_reject. A device can move to another namespace, or be freed and
 * its memory reused, so the slots are emptied whenever the netdevice
 * notifier chain runs (pwru_tp_notifier below): registering, moving and
 * bringing up a device all run it, a device carries no packet in its new
 * namespace before it is up, and a new namespace registers its loopback
 * device. User space sets netdev_notifier (rtnetlink_event, on that chain
 * whenever the kernel has rtnetlink) and devs_remembered once that program
 * is attached; until then (and on kernels before 6.1, which lack the
 * tracepoint) nothing is remembered.
 *
 * kprobes and raw_tp read through probe_read and remember the struct net:
 * no namespace created later can be a wanted one, whatever address it
 * reuses, since the wanted ones were alive when the filter was set.
 */
#define UNWANTED_SLOTS 4
__u64 netns_unwanted[UNWANTED_SLOTS];
__u32 devs_remembered;
__u64 netdev_notifier;

static __always_inline int unwanted_remembered(void *p)
{
#pragma unroll
	for (int i = 0; i < UNWANTED_SLOTS; i++) {
		if ((void *)netns_unwanted[i] == p)
			return 1;
	}
	return 0;
}

static __always_inline void unwanted_remember(void *p)
{
	__u32 pick = bpf_get_prandom_u32();

	if (!(pick & 15))
		netns_unwanted[pick >> 4 & (UNWANTED_SLOTS - 1)] = (__u64)p;
}

#if PWRU_DIRECT
static __always_inline int skb_netns_wanted(struct sk_buff *skb)
{
	struct net_device *dev = skb_dev(skb);
	void *seen = dev;
	struct net *net;

	if (!dev) {
		net = skb_net(skb);
		if (!net)
			return netns_wanted(0);
		seen = net;
	} else {
		net = RD(dev, nd_net.net);
	}
	if (unwanted_remembered(seen))
		return 0;
	if (netns_wanted(RD(net, ns.inum)))
		return 1;
	/* skb_quick_reject rejects on a slot before tracking decides: see there */
	if (devs_remembered && !CFG.track_any)
		unwanted_remember(seen);
	return 0;
}

/*
 * notifier:notifier_run(cb), once per callback of any notifier chain (the
 * clock's runs many times a second in a VM): the netdevice chain's makes
 * every device forgotten.
 */
SEC("pwru_tp_btf")
int pwru_tp_notifier(__u64 *ctx)
{
	if (ctx[0] != netdev_notifier)
		return 0;
#pragma unroll
	for (int i = 0; i < UNWANTED_SLOTS; i++)
		netns_unwanted[i] = 0;
	return 0;
}
#else
static __always_inline int skb_netns_wanted(struct sk_buff *skb)
{
	struct net *net = skb_net(skb);

	if (!net)
		return netns_wanted(0);
	if (unwanted_remembered(net))
		return 0;
	if (netns_wanted(RD(net, ns.inum)))
		return 1;
	unwanted_remember(net);
	return 0;
}
#endif

/* The usual filter first; each rejects before any helper call is made. */
static __always_inline int skb_matches(struct sk_buff *skb)
{
	struct net_device *dev;

	if (CFG.filter_netns && !skb_netns_wanted(skb))
		return 0;
	if (CFG.filter_mark && (RD(skb, mark) & CFG.mark_mask) != CFG.mark_value)
		return 0;
	if (CFG.filter_ifindex) {
		dev = skb_dev(skb);
		if (!dev || RD(dev, ifindex) != CFG.filter_ifindex)
			return 0;
	}
	if (CFG.has_skb_expr && !expr_filter_skb(skb))
		return 0;
	if (CFG.has_pcap_filter && !skb_pcap_match(skb))
		return 0;
	if ((CFG.has_tunnel_l2 || CFG.has_tunnel_l3) && !skb_tunnel_match(skb))
		return 0;
	return 1;
}

static __always_inline void fill_l4(struct pwru_tuple *t, void *l4)
{
	__u16 ports[2] = {};

	if (t->l4proto != IPPROTO_TCP && t->l4proto != IPPROTO_UDP && t->l4proto != IPPROTO_SCTP)
		return;
	bpf_probe_read_kernel(ports, sizeof(ports), l4);
	t->sport = bpf_ntohs(ports[0]);
	t->dport = bpf_ntohs(ports[1]);
	if (t->l4proto == IPPROTO_TCP)
		bpf_probe_read_kernel(&t->tcp_flags, 1, l4 + 13);
}

/*
 * The network header offset is valid on both directions once IP has seen
 * the packet; the version nibble decides v4/v6 (skb->protocol is still
 * unset on parts of the local output path).
 */
static __always_inline int fill_tuple_at(struct pwru_tuple *t, unsigned char *nh)
{
	struct iphdr ip4;
	struct ipv6hdr ip6;
	__u8 vers;

	if (bpf_probe_read_kernel(&vers, 1, nh))
		return 0;
	vers >>= 4;
	if (vers == 4) {
		if (bpf_probe_read_kernel(&ip4, sizeof(ip4), nh))
			return 0;
		__builtin_memcpy(t->saddr, &ip4.saddr, 4);
		__builtin_memcpy(t->daddr, &ip4.daddr, 4);
		t->l3 = 4;
		t->l4proto = ip4.protocol;
		/* Only the first fragment carries ports. */
		if (!(ip4.frag_off & bpf_htons(0x1fff)))
			fill_l4(t, nh + (ip4.ihl & 0xf) * 4);
		return 1;
	}
	if (vers == 6) {
		if (bpf_probe_read_kernel(&ip6, sizeof(ip6), nh))
			return 0;
		__builtin_memcpy(t->saddr, &ip6.saddr, 16);
		__builtin_memcpy(t->daddr, &ip6.daddr, 16);
		t->l3 = 6;
		t->l4proto = ip6.nexthdr;
		fill_l4(t, nh + sizeof(ip6));
		return 1;
	}
	return 0;
}

/*
 * A received skb has no network header until __netif_receive_skb_core
 * resets it, after the netif_receive_skb tracepoint: a driver's skb, or one
 * built from an XDP frame, still has it at 0 there and at netif_rx, before
 * its MAC header. eth_type_trans has pulled the Ethernet header by then, so
 * an IP packet's header is at data. (cilium/pwru shows no tuple there.)
 */
static __always_inline __u16 received_nh_off(struct sk_buff *skb, unsigned char *head, __u16 mac)
{
	__u16 proto = RD(skb, protocol);
	__u64 data_off = (unsigned char *)RD(skb, data) - head;

	if (data_off != (__u64)mac + 14)
		return (__u16)~0U;
	if (proto != bpf_htons(0x0800) && proto != bpf_htons(0x86dd))
		return (__u16)~0U;
	return (__u16)data_off;
}

static __always_inline int fill_tuple(struct pwru_tuple *t, struct sk_buff *skb)
{
	unsigned char *head = RD(skb, head);
	__u16 nh_off = RD(skb, network_header), mac = RD(skb, mac_header);

	if (!head)
		return 0;
	if (mac != (__u16)~0U && nh_off < mac)
		nh_off = received_nh_off(skb, head, mac);
	if (nh_off == (__u16)~0U)
		return 0;
	return fill_tuple_at(t, head + nh_off);
}

/* --output-tunnel: the encapsulated packet's tuple, where the kernel left its offset. */
static __always_inline int fill_tunnel_tuple(struct pwru_tuple *t, struct sk_buff *skb)
{
	unsigned char *head = RD(skb, head);
	__u16 off = RD(skb, inner_network_header);

	if (!off || !head)
		return 0;
	return fill_tuple_at(t, head + off);
}

static __always_inline void fill_meta(struct pwru_event *e, struct sk_buff *skb)
{
	struct net_device *dev = skb_dev(skb);

	/* netns and device name the pod and the interface: always read */
	e->netns = skb_netns(skb);
	if (dev)
		e->ifindex = RD(dev, ifindex);
	if (RD(skb, mac_header) == (__u16)~0U)
		e->flags |= PWRU_EV_NO_MAC;
	if (!CFG.output_meta)
		return; /* --output-meta=false: not printed, so not read */
	e->mark = RD(skb, mark);
	e->len = RD(skb, len);
	e->proto = bpf_ntohs(RD(skb, protocol));
	if (dev)
		e->mtu = RD(dev, mtu);
}

/* What a TC program sees as __sk_buff->cb[]: qdisc_skb_cb's data, five words. */
static __always_inline void fill_cb(struct pwru_event *e, struct sk_buff *skb)
{
	struct qdisc_skb_cb *q = (struct qdisc_skb_cb *)&skb->cb;

	if (!bpf_probe_read_kernel(e->cb, sizeof(e->cb), &q->data))
		e->flags |= PWRU_EV_CB;
}

static __always_inline int btf_dump(char *slot, void *ptr, __u32 type_id)
{
	struct btf_ptr p = { .ptr = ptr, .type_id = type_id };

	return bpf_snprintf_btf(slot, CFG.dump_len, &p, sizeof(p), 0) >= 0;
}

/*
 * --output-skb and --output-skb-shared-info: bpf_snprintf_btf() text in the
 * slots after the event. skb_shared_info sits at skb->head + skb->end (an
 * offset on every 64-bit kernel: NET_SKBUFF_DATA_USES_OFFSET).
 */
static __always_inline void fill_dumps(struct pwru_event *e, struct sk_buff *skb)
{
	char *slot = (char *)(e + 1);

	if (CFG.output_skb) {
		if (btf_dump(slot, skb, bpf_core_type_id_kernel(struct sk_buff)))
			e->flags |= PWRU_EV_SKB_STR;
		slot += CFG.dump_len;
	}
	if (CFG.output_shinfo) {
		unsigned char *head = RD(skb, head);
		__u32 end = RD(skb, end);

		if (head &&
		    btf_dump(slot, head + end, bpf_core_type_id_kernel(struct skb_shared_info)))
			e->flags |= PWRU_EV_SHINFO;
	}
}

/*
 * Drop reasons came with 5.17 (enum skb_drop_reason, kfree_skb_reason(), the
 * kfree_skb tracepoint's third argument). Before, the drop function is
 * kfree_skb(skb) and the tracepoint has (skb, location) only: reading the
 * absent argument would make the verifier refuse the program, so the read
 * sits behind this load-time constant and the verifier never sees it.
 */
#define HAS_DROP_REASONS bpf_core_type_exists(enum skb_drop_reason)
/* the drop function's reason argument, 0 where it has none */
#define REASON_ARG(arg) (HAS_DROP_REASONS ? (__u32)(arg) : 0)

struct probe_ctx {
	void *ctx; /* the program's context, for stack helpers */
	struct sk_buff *skb;
	__u32 probe_id; /* from the attach cookie when has_id, else patched */
	__u32 has_id;
	__u64 func_addr;
	__u64 caller;
	__u64 drop_location;
	__u32 drop_reason;
	__u16 flags;
	__u16 func_entry; /* a function's entry: --output-return awaits its return */
};

static __always_inline void fill_event(struct pwru_event *e, struct probe_ctx *pc)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	e->skb = (__u64)pc->skb;
	e->ts = bpf_ktime_get_ns();
	e->func_addr = pc->func_addr;
	e->caller = pc->caller;
	e->drop_location = pc->drop_location;
	e->drop_reason = pc->drop_reason;
	e->flags |= pc->flags;
	e->probe_id = pc->has_id ? pc->probe_id : probe_id();
	e->pid = pid_tgid >> 32;
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = -1;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	fill_meta(e, pc->skb);
	if (CFG.has_skb_meta) {
		expr_meta_skb(pc->skb, e->meta);
		e->flags |= PWRU_EV_META;
	}
	if (CFG.output_tuple && fill_tuple(&e->tuple, pc->skb))
		e->flags |= PWRU_EV_TUPLE;
	if (CFG.output_cb)
		fill_cb(e, pc->skb);
	if (CFG.output_tunnel && fill_tunnel_tuple(&e->tunnel, pc->skb))
		e->flags |= PWRU_EV_TUNNEL;
	if (CFG.output_stack) {
		e->stack_id = bpf_get_stackid(pc->ctx, &stacks, 0);
		if (e->stack_id >= 0)
			e->flags |= PWRU_EV_STACK;
	}
}

/* include/uapi/linux/if_arp.h: the devices whose link layer is an Ethernet header */
#define PWRU_ARPHRD_ETHER 1
#define PWRU_ARPHRD_LOOPBACK 772

/*
 * --output-pcap: copies the linear part of the packet, from its Ethernet
 * header when it has one, else from its IP header, so that every copy reads
 * as LINKTYPE_ETHERNET or LINKTYPE_RAW. A packet built locally has no MAC
 * header before dev_queue_xmit(), a tunnel device (ipip, WireGuard) has an
 * empty one, and other link layers (IPoIB, GRE's header_ops) are skipped to
 * the IP header, which the tuple is read from too. Paged data (frags) is
 * not reachable with probe_read: origlen tells how much is missing.
 */
static __always_inline void fill_pcap(struct pwru_event *e, struct pwru_pcap *pp,
				      struct sk_buff *skb)
{
	unsigned char *head = RD(skb, head), *data = RD(skb, data);
	struct net_device *dev = skb_dev(skb);
	__u16 mac = RD(skb, mac_header), nh = RD(skb, network_header);
	__u32 len = RD(skb, len), headlen = len - RD(skb, data_len);
	__u16 type = dev ? RD(dev, type) : PWRU_ARPHRD_ETHER;
	__u64 data_off = data - head, start, end, n;

	if (!head)
		return;
	if (mac != (__u16)~0U && mac < nh &&
	    (type == PWRU_ARPHRD_ETHER || type == PWRU_ARPHRD_LOOPBACK)) {
		start = mac;
		pp->linktype = PWRU_PCAP_ETHERNET;
	} else {
		start = nh ? nh : data_off;
		pp->linktype = PWRU_PCAP_RAW;
	}
	end = data_off + headlen;
	if (start >= end || end - start > 0xffffffffULL)
		return;
	pp->origlen = (__u32)(data_off + len - start);
	n = end - start;
	if (n > CFG.pcap_snaplen)
		n = CFG.pcap_snaplen;
	/* the verifier's own bound: the clamp above may be done on 32-bit halves */
	if (n > PWRU_PCAP_SNAPLEN_MAX)
		return;
	if (bpf_probe_read_kernel(pp + 1, n, head + start))
		return;
	pp->caplen = (__u32)n;
	e->flags |= PWRU_EV_PCAP;
}

/* The dump slots every skb event carries (bpf/pwru.h): a load-time constant. */
#define DUMP_BYTES ((CFG.output_skb + CFG.output_shinfo) * CFG.dump_len)

/*
 * --output-pcap: the packet's bytes end the record, after the dump slots, with
 * pcap_snaplen bytes reserved (bpf/pwru.h); a load-time constant too.
 */
#define PCAP_BYTES (CFG.pcap_snaplen ? sizeof(struct pwru_pcap) + CFG.pcap_snaplen : 0)
/* fill_event writes nothing past PWRU_EVENT_COMPACT_SIZE then (pwru.h) */
#define COMPACT_EVENTS \
	(!CFG.has_skb_meta && !CFG.output_cb && !CFG.output_tunnel && !DUMP_BYTES && !PCAP_BYTES)

/*
 * Waking the reader is an IPI and a task wakeup, charged to the program that
 * submits: under a flood the reader, keeping up, was woken every few events,
 * and a matched hit cost 1.4 to 6.8 us against ~0.6 us when it is never
 * woken (bpf_stats, this 2-core VM). So the kernel wakes it at most once per
 * WAKEUP_EVERY_NS; an event submitted without a wakeup follows one by less
 * than that, and the reader, after every drain that found events, drains
 * again WAKEUP_BACKSTOP_NS later (events.c), which finds it. A race between
 * CPUs here costs one wakeup more, never an event left unread.
 */
#define WAKEUP_EVERY_NS 1000000ULL
__u64 last_wakeup_ns SEC(".data.wakeup");

static __always_inline void submit_event(struct pwru_event *e)
{
	if (e->ts - last_wakeup_ns >= WAKEUP_EVERY_NS) {
		last_wakeup_ns = e->ts;
		bpf_ringbuf_submit(e, BPF_RB_FORCE_WAKEUP);
	} else {
		bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
	}
}

/* Reserve, fill and submit; every failed reservation is counted. */
static __always_inline void emit_event(struct probe_ctx *pc)
{
	struct pwru_event *e;

	count(PWRU_CNT_MATCHED);
	if (COMPACT_EVENTS)
		e = bpf_ringbuf_reserve(&events, PWRU_EVENT_COMPACT_SIZE, 0);
	else if (DUMP_BYTES || PCAP_BYTES)
		e = bpf_ringbuf_reserve(&events, sizeof(*e) + DUMP_BYTES + PCAP_BYTES, 0);
	else
		e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(PWRU_CNT_LOST);
		return;
	}
	if (COMPACT_EVENTS)
		__builtin_memset(e, 0, PWRU_EVENT_COMPACT_SIZE);
	else
		__builtin_memset(e, 0, sizeof(*e));
	fill_event(e, pc);
	if (DUMP_BYTES)
		fill_dumps(e, pc->skb);
	if (CFG.pcap_snaplen) {
		struct pwru_pcap *pp = (void *)e + sizeof(*e) + DUMP_BYTES;

		__builtin_memset(pp, 0, sizeof(*pp));
		fill_pcap(e, pp, pc->skb);
	}
	submit_event(e);
	count(PWRU_CNT_EMITTED);
}

/*
 * --output-return: a matched call notes its skb and start per task and
 * probe, so its return reports it, with no filter to run again on an skb
 * the function may have freed. A task re-entering the same function before
 * it returned keeps the innermost call only. LRU: calls of functions whose
 * return is not probed (void ones) age out.
 */
struct ret_key {
	__u64 pid_tgid;
	__u32 probe_id;
	__u32 idle_cpu; /* every CPU's idle task is pid 0: softirqs there differ by CPU */
};

static __always_inline struct ret_key ret_key_of(__u32 id)
{
	struct ret_key k = { .pid_tgid = bpf_get_current_pid_tgid(), .probe_id = id };

	if (!(k.pid_tgid >> 32))
		k.idle_cpu = bpf_get_smp_processor_id();
	return k;
}

struct ret_entry {
	__u64 skb;
	__u64 ts;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, PWRU_RET_ENTRIES_MAX);
	__type(key, struct ret_key);
	__type(value, struct ret_entry);
} ret_entries SEC(".maps");

static __always_inline void note_entry(struct probe_ctx *pc)
{
	struct ret_key k = ret_key_of(pc->has_id ? pc->probe_id : probe_id());
	struct ret_entry v = { .skb = (__u64)pc->skb, .ts = bpf_ktime_get_ns() };

	bpf_map_update_elem(&ret_entries, &k, &v, BPF_ANY);
}

/* A return of a noted call: an event with the skb, the value and the call's start. */
static __always_inline int emit_return(__u32 id, __u64 ret)
{
	struct ret_key k = ret_key_of(id);
	struct ret_entry *v = bpf_map_lookup_elem(&ret_entries, &k);
	struct pwru_event *e;
	__u64 skb, entry_ts;

	if (!v)
		return 0;
	skb = v->skb;
	entry_ts = v->ts;
	bpf_map_delete_elem(&ret_entries, &k);
	count(PWRU_CNT_MATCHED);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(PWRU_CNT_LOST);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->skb = skb;
	e->ts = bpf_ktime_get_ns();
	e->probe_id = id;
	e->pid = k.pid_tgid >> 32;
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = -1;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->flags = PWRU_EV_RET;
	e->ret = ret;
	e->entry_ts = entry_ts;
	submit_event(e);
	count(PWRU_CNT_EMITTED);
	return 0;
}

/*
 * Which kernel stack this program runs on: every program type runs on the
 * stack of the code it probes, so its own frame (r10) tells. cilium/pwru
 * walks the frame-pointer chain to its end instead, which needs a kernel
 * built with frame pointers (Debian's x86-64 kernels use ORC). The same
 * stack is the same task's syscall or softirq pass, or this CPU's IRQ stack.
 */
static __always_inline __u64 stack_key(void)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 stack = (__u64)BPF_CORE_READ(task, stack), fp, sp = 0;

	/* a copy through a helper: the verifier lets no arithmetic touch r10 itself */
	asm volatile("%0 = r10" : "=r"(fp));
	bpf_probe_read_kernel(&sp, sizeof(sp), &fp);
	if (sp - stack < PWRU_THREAD_SIZE)
		return stack;
	return ~0ULL - bpf_get_smp_processor_id();
}

/* This stack's latest skb, so what runs next on it is tied to that packet. */
static __always_inline void stack_remember(__u64 key, struct sk_buff *skb)
{
	__u64 addr = (__u64)skb, *old = bpf_map_lookup_elem(&skb_stackid, &addr);

	if (old && *old != key)
		bpf_map_delete_elem(&stackid_skb, old);
	bpf_map_update_elem(&stackid_skb, &key, &addr, BPF_ANY);
	bpf_map_update_elem(&skb_stackid, &addr, &key, BPF_ANY);
}

/* The skb of a frame XDP saw matched: its head is the frame's data_hard_start. Once. */
static __always_inline int skb_from_xdp(struct sk_buff *skb)
{
	__u64 head = (__u64)RD(skb, head);

	if (!head || !bpf_map_lookup_elem(&xdp_heads, &head))
		return 0;
	bpf_map_delete_elem(&xdp_heads, &head);
	return 1;
}

/*
 * Past the filter: the event, and the entry --output-return pairs with its
 * return. Out of line, as handle_tracked: the path that rejects a hit then
 * spills nothing and saves no registers for them.
 */
static __noinline int emit_matched(struct probe_ctx *pc)
{
	emit_event(pc);
	if (CFG.output_return && pc->func_entry)
		note_entry(pc);
	return 0;
}

/* Tracking (by address, by kernel stack, from XDP) may emit a hit the filter rejects. */
static __noinline int handle_tracked(struct probe_ctx *pc)
{
	struct sk_buff *skb = pc->skb;
	__u64 key = 0, *held = NULL;

	if (CFG.track_stackid) {
		key = stack_key();
		held = bpf_map_lookup_elem(&stackid_skb, &key);
	}
	if (CFG.track_skb && skb_is_tracked(skb)) {
		pc->flags |= PWRU_EV_TRACKED;
	} else if (held) {
		/*
		 * This stack handles a matched packet: it is that one (perhaps
		 * rewritten since), or one rebuilt or answered for it.
		 */
		if (*held != (__u64)skb)
			pc->flags |= PWRU_EV_STACKID;
	} else if (CFG.track_xdp_heads && skb_from_xdp(skb)) {
		pc->flags |= PWRU_EV_TRACKED;
		skb_track(skb);
	} else {
		if (!skb_matches(skb))
			return 0;
		if (CFG.track_skb)
			skb_track(skb);
	}
	if (CFG.track_stackid && !(pc->flags & PWRU_EV_STACKID))
		stack_remember(key, skb);
	return emit_matched(pc);
}

#if PWRU_DIRECT
/*
 * The first test of every tp_btf and fentry hit, before any configuration is
 * loaded; the rest of the hit is out of line, so a program rejecting here
 * saves no registers and sets up no stack. By bpf_stats per hit, against an
 * empty program on the same tracepoints: 1.06 to 1.13 of its time across
 * runs; in the same alternating rounds, 1.11 to 1.14 with this test inline
 * and 1.16 to 1.23 with the slots compared after the configuration. Slots
 * are filled only while --filter-netns is set and nothing is tracked (a
 * tracked skb is followed into any namespace), and an empty slot is 0, which
 * no device or namespace is.
 */
static __always_inline int skb_quick_reject(struct sk_buff *skb)
{
	struct net_device *dev;
	struct sock *sk;

	if (!skb)
		return 1;
	dev = RD(skb, dev);
	/* a kernel address has its top bit set: see skb_dev() */
	if ((long)dev < 0)
		return unwanted_remembered(dev);
	sk = RD(skb, sk);
	if (sk)
		return unwanted_remembered(RD(sk, __sk_common.skc_net.net));
	/*
	 * No device and no socket, as at UDP's consume_skb: no namespace to
	 * read, so the filter alone decides, as skb_netns_wanted would.
	 */
	return CFG.filter_netns && !CFG.track_any && !netns_wanted(0);
}

/*
 * Slots are filled only then; otherwise the hit is handled inline as a
 * whole, since a subprogram call and its return cost more than the test
 * saves (--filter-mark matching nothing, by bpf_stats against an empty
 * program: 1.49 to 1.52 with the call, 1.14 to 1.26 inline).
 */
#define QUICK_REJECTS (CFG.filter_netns && !CFG.track_any)

/*
 * A program whose skb is its argument POS: with QUICK_REJECTS the first
 * test, then the hit out of line; otherwise the hit inline as a whole.
 */
#define SKB_ARG_PROG(sec, name, pos, hit, out_of_line)                            \
	SEC(sec)                                                                  \
	int name(__u64 *ctx)                                                      \
	{                                                                         \
		struct sk_buff *skb = (struct sk_buff *)ctx[pos];                 \
                                                                                  \
		if (QUICK_REJECTS)                                                \
			return skb_quick_reject(skb) ? 0 : out_of_line(ctx, skb); \
		return hit(ctx, skb);                                             \
	}
#endif

enum skb_verdict { SKB_NOT_WANTED, SKB_MATCHED, SKB_TRACKING_DECIDES };

/*
 * Taken before anything else about the hit is read or built (the probe's
 * id, caller, drop site): most hits stop here.
 */
static __always_inline enum skb_verdict skb_verdict(struct sk_buff *skb)
{
	if (!skb)
		return SKB_NOT_WANTED;
	if (CFG.track_any)
		return SKB_TRACKING_DECIDES;
	return skb_matches(skb) ? SKB_MATCHED : SKB_NOT_WANTED;
}

static __always_inline int handle_skb(struct probe_ctx *pc, enum skb_verdict v)
{
	if (v == SKB_MATCHED)
		return emit_matched(pc);
	if (v == SKB_TRACKING_DECIDES)
		return handle_tracked(pc);
	return 0;
}

/*
 * --filter-non-skb-funcs (and the BPF helpers): a function without an skb
 * belongs to the packet this kernel stack handled last, if any.
 */
static __always_inline int handle_non_skb(struct probe_ctx *pc)
{
	__u64 key = stack_key(), *skb = bpf_map_lookup_elem(&stackid_skb, &key);

	if (!skb || !*skb)
		return 0;
	pc->skb = (struct sk_buff *)*skb;
	pc->flags |= PWRU_EV_STACKID;
	emit_event(pc);
	return 0;
}

/*
 * A freed skb's address is reused: forget it so a new packet is not followed.
 * The stack it was last seen on forgets it too (cilium/pwru forgets whatever
 * the freeing stack held, which may be another packet's).
 */
static __always_inline void untrack_skb(struct sk_buff *skb)
{
	__u64 addr = (__u64)skb, *key, *held;

	if (CFG.track_skb)
		bpf_map_delete_elem(&tracked_skbs, &addr);
	if (!CFG.track_stackid)
		return;
	key = bpf_map_lookup_elem(&skb_stackid, &addr);
	if (!key)
		return;
	held = bpf_map_lookup_elem(&stackid_skb, key);
	if (held && *held == addr)
		bpf_map_delete_elem(&stackid_skb, key);
	bpf_map_delete_elem(&skb_stackid, &addr);
}

/* An skb's last event (consume_skb, kfree_skbmem): emitted if wanted, then forgotten. */
static __always_inline int skb_last_event_hit(void *ctx, struct sk_buff *skb)
{
	enum skb_verdict v = skb_verdict(skb);
	struct probe_ctx pc = { .ctx = ctx, .skb = skb };

	if (v)
		handle_skb(&pc, v);
	untrack_skb(skb);
	return 0;
}

#if PWRU_DIRECT
static __noinline int skb_last_event(void *ctx, struct sk_buff *skb)
{
	return skb_last_event_hit(ctx, skb);
}

/*
 * tp_btf: ctx[i] is the tracepoint's i-th argument after its hidden __data.
 * With QUICK_REJECTS the hit is handled out of line, after skb_quick_reject.
 */
static __always_inline int tp_btf_hit(__u64 *ctx, struct sk_buff *skb)
{
	enum skb_verdict v = skb_verdict(skb);
	struct probe_ctx pc = { .ctx = ctx, .skb = skb };

	return v ? handle_skb(&pc, v) : 0;
}

static __noinline int tp_btf_skb(__u64 *ctx, struct sk_buff *skb)
{
	return tp_btf_hit(ctx, skb);
}

#define TP_BTF_SKB(pos) SKB_ARG_PROG("pwru_tp_btf", pwru_tp_skb##pos, pos, tp_btf_hit, tp_btf_skb)
TP_BTF_SKB(0)
TP_BTF_SKB(1)
TP_BTF_SKB(2)
TP_BTF_SKB(3)
TP_BTF_SKB(4)

/* skb:kfree_skb(skb, location, reason, ...): where and why it died. */
static __always_inline int tp_btf_kfree_hit(__u64 *ctx, struct sk_buff *skb)
{
	enum skb_verdict v = skb_verdict(skb);

	if (v) {
		struct probe_ctx pc = {
			.ctx = ctx,
			.skb = skb,
			.drop_location = ctx[1],
			.flags = PWRU_EV_DROP,
		};

		if (HAS_DROP_REASONS)
			pc.drop_reason = (__u32)ctx[2];
		handle_skb(&pc, v);
	}
	untrack_skb(skb);
	return 0;
}

static __noinline int tp_btf_kfree(__u64 *ctx, struct sk_buff *skb)
{
	return tp_btf_kfree_hit(ctx, skb);
}

/* A slot is never filled while anything is tracked: nothing to forget then. */
SKB_ARG_PROG("pwru_tp_btf", pwru_tp_kfree, 0, tp_btf_kfree_hit, tp_btf_kfree)

/* skb:consume_skb(skb, ...): the normal end of a packet's life. */
SKB_ARG_PROG("pwru_tp_btf", pwru_tp_consume, 0, skb_last_event_hit, skb_last_event)
#else
/* raw_tp: the same arguments, but untyped: every read goes through probe_read. */
#define RAW_TP_SKB(pos)                                                 \
	SEC("pwru_raw_tp")                                              \
	int pwru_raw_skb##pos(struct bpf_raw_tracepoint_args *ctx)      \
	{                                                               \
		struct sk_buff *skb = (struct sk_buff *)ctx->args[pos]; \
		enum skb_verdict v = skb_verdict(skb);                  \
		struct probe_ctx pc = { .ctx = ctx, .skb = skb };       \
                                                                        \
		return v ? handle_skb(&pc, v) : 0;                      \
	}
RAW_TP_SKB(0)
RAW_TP_SKB(1)
RAW_TP_SKB(2)
RAW_TP_SKB(3)
RAW_TP_SKB(4)

SEC("pwru_raw_tp")
int pwru_raw_kfree(struct bpf_raw_tracepoint_args *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx->args[0];
	enum skb_verdict v = skb_verdict(skb);

	if (v) {
		struct probe_ctx pc = {
			.ctx = ctx,
			.skb = skb,
			.drop_location = ctx->args[1],
			.flags = PWRU_EV_DROP,
		};

		if (HAS_DROP_REASONS)
			pc.drop_reason = (__u32)ctx->args[2];
		handle_skb(&pc, v);
	}
	untrack_skb(skb);
	return 0;
}

SEC("pwru_raw_tp")
int pwru_raw_consume(struct bpf_raw_tracepoint_args *ctx)
{
	return skb_last_event_hit(ctx, (struct sk_buff *)ctx->args[0]);
}

/*
 * kprobe and kprobe-multi: one loaded program per skb position serves every
 * function; the attach cookie says which probe fired.
 *
 * At a function's entry its return address (a place in the caller) is where
 * the call left it: on x86-64 the call pushed it on the stack, on arm64 it is
 * still in the link register.
 */
static __always_inline __u64 kprobe_return_address(struct pt_regs *regs)
{
	__u64 ret = 0;

#if defined(__TARGET_ARCH_x86)
	bpf_probe_read_kernel(&ret, sizeof(ret), (void *)PT_REGS_SP(regs));
#elif defined(__TARGET_ARCH_arm64)
	ret = PT_REGS_RET_CORE(regs);
	/*
	 * With pointer authentication the link register may carry a signature
	 * in its top bits: kernel text addresses have them all set (48-bit VA).
	 */
	if (ret >> 55 & 1)
		ret |= 0xffffULL << 48;
#else
#error "kprobe_return_address: add this architecture's return address register"
#endif
	return ret;
}

static __always_inline void kprobe_caller(struct probe_ctx *pc, struct pt_regs *regs)
{
	__u64 ret;

	if (!CFG.output_caller)
		return;
	ret = kprobe_return_address(regs);
	if (ret) {
		pc->caller = ret;
		pc->flags |= PWRU_EV_CALLER;
	}
}

static __always_inline int kprobe_skb(struct pt_regs *regs, struct sk_buff *skb)
{
	enum skb_verdict v = skb_verdict(skb);
	struct probe_ctx pc = { .ctx = regs, .skb = skb, .has_id = 1, .func_entry = 1 };

	if (!v)
		return 0;
	pc.probe_id = (__u32)bpf_get_attach_cookie(regs);
	kprobe_caller(&pc, regs);
	return handle_skb(&pc, v);
}

/* kfree_skb_reason(skb, reason) up to 6.10, sk_skb_reason_drop(sk, skb, reason) from 6.11. */
static __always_inline int kprobe_drop(struct pt_regs *regs, struct sk_buff *skb, __u32 reason)
{
	enum skb_verdict v = skb_verdict(skb);
	struct probe_ctx pc = {
		.ctx = regs,
		.skb = skb,
		.drop_reason = reason,
		.flags = PWRU_EV_DROP,
		.has_id = 1,
	};

	if (v) {
		pc.probe_id = (__u32)bpf_get_attach_cookie(regs);
		/* The drop site is whoever called the drop function. */
		pc.drop_location = kprobe_return_address(regs);
		kprobe_caller(&pc, regs);
		handle_skb(&pc, v);
	}
	untrack_skb(skb);
	return 0;
}

static __always_inline int kprobe_non_skb(struct pt_regs *regs)
{
	struct probe_ctx pc = {
		.ctx = regs,
		.probe_id = (__u32)bpf_get_attach_cookie(regs),
		.has_id = 1,
	};

	kprobe_caller(&pc, regs);
	return handle_non_skb(&pc);
}

/* kfree_skbmem(skb): every freed skb passes here; its address may be reused. */
static __always_inline int kprobe_free(struct pt_regs *regs, struct sk_buff *skb)
{
	kprobe_skb(regs, skb);
	untrack_skb(skb);
	return 0;
}

#define KPROBE_SKB(kind, sec, pos, parm)                                           \
	SEC(sec)                                                                   \
	int pwru_##kind##_skb##pos(struct pt_regs *ctx)                            \
	{                                                                          \
		return kprobe_skb(ctx, (struct sk_buff *)PT_REGS_PARM##parm(ctx)); \
	}

#define KPROBE_KIND(kind, sec)                                                 \
	KPROBE_SKB(kind, sec, 0, 1)                                            \
	KPROBE_SKB(kind, sec, 1, 2)                                            \
	KPROBE_SKB(kind, sec, 2, 3)                                            \
	KPROBE_SKB(kind, sec, 3, 4)                                            \
	KPROBE_SKB(kind, sec, 4, 5)                                            \
	SEC(sec)                                                               \
	int pwru_##kind##_kfree_reason(struct pt_regs *ctx)                    \
	{                                                                      \
		return kprobe_drop(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx),  \
				   REASON_ARG(PT_REGS_PARM2(ctx)));            \
	}                                                                      \
	SEC(sec)                                                               \
	int pwru_##kind##_sk_drop(struct pt_regs *ctx)                         \
	{                                                                      \
		return kprobe_drop(ctx, (struct sk_buff *)PT_REGS_PARM2(ctx),  \
				   (__u32)PT_REGS_PARM3(ctx));                 \
	}                                                                      \
	SEC(sec)                                                               \
	int pwru_##kind##_free(struct pt_regs *ctx)                            \
	{                                                                      \
		return kprobe_free(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx)); \
	}                                                                      \
	SEC(sec)                                                               \
	int pwru_##kind##_non_skb(struct pt_regs *ctx)                         \
	{                                                                      \
		return kprobe_non_skb(ctx);                                    \
	}

KPROBE_KIND(kp, "pwru_kprobe")

/*
 * kprobe-multi: every function in ONE link (each link costs an ftrace
 * update, ~0.8 s under emulation), so one program serves every argument
 * layout: the cookie's high half says where the skb is, the low half is
 * the probe id.
 */
SEC("pwru_kprobe_multi")
int pwru_kpm_all(struct pt_regs *ctx)
{
	__u32 layout = bpf_get_attach_cookie(ctx) >> 32;

	switch (layout) {
	case 0:
		return kprobe_skb(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx));
	case 1:
		return kprobe_skb(ctx, (struct sk_buff *)PT_REGS_PARM2(ctx));
	case 2:
		return kprobe_skb(ctx, (struct sk_buff *)PT_REGS_PARM3(ctx));
	case 3:
		return kprobe_skb(ctx, (struct sk_buff *)PT_REGS_PARM4(ctx));
	case 4:
		return kprobe_skb(ctx, (struct sk_buff *)PT_REGS_PARM5(ctx));
	case PWRU_KPM_KFREE_REASON:
		return kprobe_drop(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx),
				   REASON_ARG(PT_REGS_PARM2(ctx)));
	case PWRU_KPM_SK_DROP:
		return kprobe_drop(ctx, (struct sk_buff *)PT_REGS_PARM2(ctx),
				   (__u32)PT_REGS_PARM3(ctx));
	case PWRU_KPM_SKB_FREE:
		return kprobe_free(ctx, (struct sk_buff *)PT_REGS_PARM1(ctx));
	case PWRU_KPM_NON_SKB:
		return kprobe_non_skb(ctx);
	}
	return 0;
}

/*
 * --output-bpfmap: a map function a TC/XDP program calls on the packet this
 * stack handles: map id, name, key and value. A lookup's value is known at
 * its return, so its entry only notes what it was asked.
 */
struct bpfmap_call {
	__u64 skb;
	__u64 map;
	__u64 key;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64); /* pid_tgid */
	__type(value, struct bpfmap_call);
} bpfmap_lookups SEC(".maps");

static __always_inline void read_map_data(__u8 *dst, __u32 size, void *src)
{
	if (size > PWRU_BPFMAP_DATA_MAX)
		size = PWRU_BPFMAP_DATA_MAX;
	if (src)
		bpf_probe_read_kernel(dst, size, src);
}

static __always_inline void read_bpfmap(struct pwru_bpfmap *m, struct bpf_map *map, void *key,
					void *value)
{
	m->id = BPF_CORE_READ(map, id);
	m->key_size = BPF_CORE_READ(map, key_size);
	m->value_size = BPF_CORE_READ(map, value_size);
	BPF_CORE_READ_STR_INTO(&m->name, map, name);
	read_map_data(m->key, m->key_size, key);
	m->has_value = value != NULL;
	read_map_data(m->value, m->value_size, value);
}

#define BPFMAP_EVENT_BYTES (sizeof(struct pwru_event) + DUMP_BYTES + sizeof(struct pwru_bpfmap))

static __always_inline int emit_bpfmap_event(struct pt_regs *regs, __u64 skb, void *map, void *key,
					     void *value)
{
	struct probe_ctx pc = {
		.ctx = regs,
		.skb = (struct sk_buff *)skb,
		.probe_id = (__u32)bpf_get_attach_cookie(regs),
		.has_id = 1,
		.flags = PWRU_EV_STACKID,
	};
	struct pwru_event *e;

	count(PWRU_CNT_MATCHED);
	e = bpf_ringbuf_reserve(&events, BPFMAP_EVENT_BYTES, 0);
	if (!e) {
		count(PWRU_CNT_LOST);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_event(e, &pc);
	if (DUMP_BYTES)
		fill_dumps(e, pc.skb);
	__builtin_memset((void *)e + sizeof(*e) + DUMP_BYTES, 0, sizeof(struct pwru_bpfmap));
	read_bpfmap((void *)e + sizeof(*e) + DUMP_BYTES, map, key, value);
	submit_event(e);
	count(PWRU_CNT_EMITTED);
	return 0;
}

static __always_inline __u64 stack_skb(void)
{
	__u64 key = stack_key(), *skb = bpf_map_lookup_elem(&stackid_skb, &key);

	return skb ? *skb : 0;
}

/* *_update_elem(map, key, value, flags) */
SEC("pwru_kprobe")
int pwru_kp_map_update(struct pt_regs *ctx)
{
	__u64 skb = stack_skb();

	if (!skb)
		return 0;
	return emit_bpfmap_event(ctx, skb, (void *)PT_REGS_PARM1(ctx), (void *)PT_REGS_PARM2(ctx),
				 (void *)PT_REGS_PARM3(ctx));
}

/* *_delete_elem(map, key) */
SEC("pwru_kprobe")
int pwru_kp_map_delete(struct pt_regs *ctx)
{
	__u64 skb = stack_skb();

	if (!skb)
		return 0;
	return emit_bpfmap_event(ctx, skb, (void *)PT_REGS_PARM1(ctx), (void *)PT_REGS_PARM2(ctx),
				 NULL);
}

/* *_lookup_elem(map, key): noted at entry ... */
SEC("pwru_kprobe")
int pwru_kp_map_lookup(struct pt_regs *ctx)
{
	struct bpfmap_call c = { .skb = stack_skb() };
	__u64 task = bpf_get_current_pid_tgid();

	if (!c.skb)
		return 0;
	c.map = PT_REGS_PARM1(ctx);
	c.key = PT_REGS_PARM2(ctx);
	bpf_map_update_elem(&bpfmap_lookups, &task, &c, BPF_ANY);
	return 0;
}

/* ... and shown at return, with the value found (the returned pointer) */
SEC("pwru_kprobe")
int pwru_kp_map_lookup_ret(struct pt_regs *ctx)
{
	__u64 task = bpf_get_current_pid_tgid();
	struct bpfmap_call *c = bpf_map_lookup_elem(&bpfmap_lookups, &task), call;

	if (!c)
		return 0;
	call = *c;
	bpf_map_delete_elem(&bpfmap_lookups, &task);
	return emit_bpfmap_event(ctx, call.skb, (void *)call.map, (void *)call.key,
				 (void *)PT_REGS_RC(ctx));
}

/*
 * __htab_map_lookup_elem(), which the verifier calls for inlined hash map
 * lookups, returns the element (its BTF says void *): the value follows the
 * key, 8-byte aligned, as htab_map_gen_lookup() adds. The key's offset comes
 * from user space's reading of the kernel's BTF, so that a kernel whose BTF
 * lacks the struct (0) still loads, and shows the lookup without its value.
 */
SEC("pwru_kprobe")
int pwru_kp_map_lookup_elem_ret(struct pt_regs *ctx)
{
	__u64 task = bpf_get_current_pid_tgid(), elem = PT_REGS_RC(ctx), value = 0;
	struct bpfmap_call *c = bpf_map_lookup_elem(&bpfmap_lookups, &task), call;
	struct bpf_map *map;
	__u32 key_size;

	if (!c)
		return 0;
	call = *c;
	bpf_map_delete_elem(&bpfmap_lookups, &task);
	if (elem && CFG.htab_key_off) {
		map = (struct bpf_map *)call.map;
		key_size = BPF_CORE_READ(map, key_size);
		value = elem + CFG.htab_key_off + ((key_size + 7) & ~7);
	}
	return emit_bpfmap_event(ctx, call.skb, (void *)call.map, (void *)call.key, (void *)value);
}

/*
 * --filter-track-skb through veth XDP: veth_xdp_rcv_skb(rq, skb, bq, stats)
 * returns the skb to pass on, which may be a copy (veth_convert_skb_to_xdp_buff,
 * inlined in Debian's 6.12, swaps in one whose headroom fits XDP); the copy
 * is tracked when the original was.
 */

SEC("pwru_kprobe")
int pwru_kp_veth_entry(struct pt_regs *ctx)
{
	__u64 skb = PT_REGS_PARM2(ctx), task = bpf_get_current_pid_tgid();

	if (CFG.track_skb && bpf_map_lookup_elem(&tracked_skbs, &skb))
		bpf_map_update_elem(&veth_converting, &task, &skb, BPF_ANY);
	return 0;
}

SEC("pwru_kprobe")
int pwru_kp_veth_return(struct pt_regs *ctx)
{
	__u64 task = bpf_get_current_pid_tgid(), skb = PT_REGS_RC(ctx);
	__u8 one = 1;

	if (!bpf_map_lookup_elem(&veth_converting, &task))
		return 0;
	bpf_map_delete_elem(&veth_converting, &task);
	if (skb)
		bpf_map_update_elem(&tracked_skbs, &skb, &one, BPF_ANY);
	return 0;
}

/*
 * --filter-track-skb across copies where fexit is refused: a kprobe on the
 * copy function notes which tracked skb this task is copying, and a
 * kretprobe tracks the copy it returns.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);   /* pid_tgid */
	__type(value, __u64); /* the tracked skb being copied */
} copying SEC(".maps");

/* kfree_skbmem(skb) when no probe has it: tracking ends there, nothing is printed. */
SEC("pwru_kprobe")
int pwru_kp_untrack(struct pt_regs *ctx)
{
	untrack_skb((struct sk_buff *)PT_REGS_PARM1(ctx));
	return 0;
}

SEC("pwru_kprobe")
int pwru_kp_copy_entry(struct pt_regs *ctx)
{
	__u64 skb = (__u64)PT_REGS_PARM1(ctx), task = bpf_get_current_pid_tgid();

	if (CFG.track_skb && bpf_map_lookup_elem(&tracked_skbs, &skb))
		bpf_map_update_elem(&copying, &task, &skb, BPF_ANY);
	return 0;
}

/* --output-return: kretprobes and kretprobe-multi; the cookie holds the probe id. */
SEC("pwru_kprobe")
int pwru_kp_ret(struct pt_regs *ctx)
{
	return emit_return((__u32)bpf_get_attach_cookie(ctx), PT_REGS_RC(ctx));
}

SEC("pwru_kprobe_multi")
int pwru_kpm_ret(struct pt_regs *ctx)
{
	return emit_return((__u32)bpf_get_attach_cookie(ctx), PT_REGS_RC(ctx));
}

SEC("pwru_kprobe")
int pwru_kp_copy_return(struct pt_regs *ctx)
{
	__u64 task = bpf_get_current_pid_tgid(), copy = (__u64)PT_REGS_RC(ctx);
	__u8 one = 1;

	if (!bpf_map_lookup_elem(&copying, &task))
		return 0;
	bpf_map_delete_elem(&copying, &task);
	if (copy)
		bpf_map_update_elem(&tracked_skbs, &copy, &one, BPF_ANY);
	return 0;
}

/*
 * --filter-trace-xdp: fentry on an XDP program sees the kernel's struct
 * xdp_buff for the program's xdp_md. There is no skb yet: the event carries
 * the frame's device, length and tuple, and the pcap filter runs on the
 * Ethernet frame. It lives in the probe_read object because xdp->data is an
 * untyped pointer the verifier only lets us read through a helper.
 */
static __always_inline int xdp_matches(struct xdp_buff *xdp, struct net_device *dev, void *data,
				       void *end)
{
	if (CFG.filter_mark)
		return 0; /* no skb, no mark */
	if (CFG.filter_ifindex && RD(dev, ifindex) != CFG.filter_ifindex)
		return 0;
	if (CFG.filter_netns && !netns_wanted(RD(dev, nd_net.net, ns.inum)))
		return 0;
	if (CFG.has_xdp_expr && !expr_filter_xdp(xdp))
		return 0;
	if (CFG.has_pcap_filter && !pcap_filter_l2(data, end, end - data))
		return 0;
	return 1;
}

static __always_inline void fill_xdp_event(struct pwru_event *e, struct xdp_buff *xdp,
					   struct net_device *dev, void *data, void *end)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u16 proto = 0;

	e->ts = bpf_ktime_get_ns();
	e->probe_id = probe_id();
	e->pid = pid_tgid >> 32;
	e->cpu = bpf_get_smp_processor_id();
	e->stack_id = -1;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->netns = RD(dev, nd_net.net, ns.inum);
	e->ifindex = RD(dev, ifindex);
	e->mtu = RD(dev, mtu);
	e->len = end - data;
	bpf_probe_read_kernel(&proto, sizeof(proto), data + 12);
	e->proto = bpf_ntohs(proto);
	if (CFG.has_xdp_meta) {
		expr_meta_xdp(xdp, e->meta);
		e->flags |= PWRU_EV_META_XDP;
	}
	if (CFG.output_tuple && (e->proto == 0x0800 || e->proto == 0x86dd)) {
		if (fill_tuple_at(&e->tuple, data + 14))
			e->flags |= PWRU_EV_TUPLE;
	}
}

/*
 * --output-pcap for an XDP frame: the Ethernet frame from xdp->data, laid
 * out as emit_event() lays out an skb's (the dump slots stay empty, their
 * flags unset), so user space finds the bytes at the same offset.
 */
static __always_inline void emit_xdp_pcap(struct xdp_buff *xdp, struct net_device *dev, void *data,
					  void *end)
{
	__u64 off = sizeof(struct pwru_event) + DUMP_BYTES;
	__u64 n = end - data;
	struct pwru_event *e;
	struct pwru_pcap *pp;

	e = bpf_ringbuf_reserve(&events, off + sizeof(struct pwru_pcap) + CFG.pcap_snaplen, 0);
	if (!e) {
		count(PWRU_CNT_LOST);
		return;
	}
	pp = (struct pwru_pcap *)((void *)e + off);
	__builtin_memset(e, 0, sizeof(*e));
	__builtin_memset(pp, 0, sizeof(*pp));
	fill_xdp_event(e, xdp, dev, data, end);
	pp->linktype = PWRU_PCAP_ETHERNET;
	pp->origlen = (__u32)n;
	if (n > CFG.pcap_snaplen)
		n = CFG.pcap_snaplen;
	if (n <= PWRU_PCAP_SNAPLEN_MAX && !bpf_probe_read_kernel(pp + 1, n, data)) {
		pp->caplen = (__u32)n;
		e->flags |= PWRU_EV_PCAP;
	}
	submit_event(e);
	count(PWRU_CNT_EMITTED);
}

SEC("pwru_fentry")
int pwru_fe_xdp(__u64 *ctx)
{
	struct xdp_buff *xdp = (struct xdp_buff *)ctx[0];
	void *data = RD(xdp, data), *end = RD(xdp, data_end);
	struct net_device *dev = RD(xdp, rxq, dev);
	struct pwru_event *e;

	if (!xdp_matches(xdp, dev, data, end))
		return 0;
	count(PWRU_CNT_MATCHED);
	if (CFG.track_xdp_heads) {
		__u64 head = (__u64)RD(xdp, data_hard_start);
		__u8 one = 1;

		bpf_map_update_elem(&xdp_heads, &head, &one, BPF_ANY);
	}
	if (CFG.pcap_snaplen) {
		emit_xdp_pcap(xdp, dev, data, end);
		return 0;
	}
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count(PWRU_CNT_LOST);
		return 0;
	}
	__builtin_memset(e, 0, sizeof(*e));
	fill_xdp_event(e, xdp, dev, data, end);
	submit_event(e);
	count(PWRU_CNT_EMITTED);
	return 0;
}
#endif

#if PWRU_DIRECT
/* fentry: BTF-typed arguments, no trap per hit; one clone per function. */
static __always_inline int fentry_hit(__u64 *ctx, struct sk_buff *skb)
{
	enum skb_verdict v = skb_verdict(skb);
	struct probe_ctx pc = { .ctx = ctx, .skb = skb, .func_entry = 1 };

	return v ? handle_skb(&pc, v) : 0;
}

static __noinline int fentry_skb(__u64 *ctx, struct sk_buff *skb)
{
	return fentry_hit(ctx, skb);
}

#define FENTRY_SKB(pos) SKB_ARG_PROG("pwru_fentry", pwru_fe_skb##pos, pos, fentry_hit, fentry_skb)
FENTRY_SKB(0)
FENTRY_SKB(1)
FENTRY_SKB(2)
FENTRY_SKB(3)
FENTRY_SKB(4)

static __always_inline int fentry_drop_hit(void *ctx, struct sk_buff *skb, __u32 reason)
{
	enum skb_verdict v = skb_verdict(skb);
	struct probe_ctx pc = {
		.ctx = ctx, .skb = skb, .drop_reason = reason, .flags = PWRU_EV_DROP
	};

	if (v)
		handle_skb(&pc, v);
	untrack_skb(skb);
	return 0;
}

static __noinline int fentry_drop(void *ctx, struct sk_buff *skb, __u32 reason)
{
	return fentry_drop_hit(ctx, skb, reason);
}

/* kfree_skb_reason(skb, reason), or kfree_skb(skb) before 5.17 */
SEC("pwru_fentry")
int pwru_fe_kfree_reason(__u64 *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx[0];

	if (QUICK_REJECTS)
		return skb_quick_reject(skb) ? 0 : fentry_drop(ctx, skb, REASON_ARG(ctx[1]));
	return fentry_drop_hit(ctx, skb, REASON_ARG(ctx[1]));
}

SEC("pwru_fentry")
int pwru_fe_sk_drop(__u64 *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx[1];

	if (QUICK_REJECTS)
		return skb_quick_reject(skb) ? 0 : fentry_drop(ctx, skb, (__u32)ctx[2]);
	return fentry_drop_hit(ctx, skb, (__u32)ctx[2]);
}

/* kfree_skbmem(skb): the skb's memory goes back; its address may be reused. */
SKB_ARG_PROG("pwru_fentry", pwru_fe_free, 0, skb_last_event_hit, skb_last_event)

/*
 * --filter-track-skb when --filter-func leaves kfree_skbmem out: it still
 * ends tracking (a reused address is not the same packet), printing nothing.
 */
SEC("pwru_fentry")
int pwru_fe_untrack(__u64 *ctx)
{
	untrack_skb((struct sk_buff *)ctx[0]);
	return 0;
}

/*
 * veth_xdp_rcv_skb(rq, skb, bq, stats) beside fentry: the entry notes the
 * tracked skb (it may be freed inside, untracking it), the exit tracks the
 * skb returned (ctx[4]), a copy or the same one.
 */
SEC("pwru_fentry")
int pwru_fe_veth_entry(__u64 *ctx)
{
	__u64 skb = ctx[1], task = bpf_get_current_pid_tgid();

	if (CFG.track_skb && bpf_map_lookup_elem(&tracked_skbs, &skb))
		bpf_map_update_elem(&veth_converting, &task, &skb, BPF_ANY);
	return 0;
}

SEC("pwru_fexit")
int pwru_fx_veth_return(__u64 *ctx)
{
	__u64 task = bpf_get_current_pid_tgid(), skb = ctx[4];
	__u8 one = 1;

	if (!bpf_map_lookup_elem(&veth_converting, &task))
		return 0;
	bpf_map_delete_elem(&veth_converting, &task);
	if (skb)
		bpf_map_update_elem(&tracked_skbs, &skb, &one, BPF_ANY);
	return 0;
}

/* --filter-non-skb-funcs: verified against each function, reads none of its arguments */
SEC("pwru_fentry")
int pwru_fe_non_skb(__u64 *ctx)
{
	struct probe_ctx pc = { .ctx = ctx };

	return handle_non_skb(&pc);
}

/*
 * --filter-track-skb across copies: when a tracked skb is cloned or copied,
 * the new one is tracked too. fexit sees the arguments and the result
 * (ctx[nargs]); these are not probes and emit nothing.
 */
static __always_inline int track_copy(struct sk_buff *old, struct sk_buff *new)
{
	__u64 o = (__u64)old, n = (__u64) new;
	__u8 one = 1;

	if (!CFG.track_skb || !new)
		return 0;
	if (bpf_map_lookup_elem(&tracked_skbs, &o))
		bpf_map_update_elem(&tracked_skbs, &n, &one, BPF_ANY);
	return 0;
}

/* skb_clone(skb, gfp), skb_copy(skb, gfp) */
SEC("pwru_fexit")
int pwru_fx_copy2(__u64 *ctx)
{
	return track_copy((struct sk_buff *)ctx[0], (struct sk_buff *)ctx[2]);
}

/* __pskb_copy_fclone(skb, headroom, gfp, fclone), skb_copy_expand(skb, head, tail, gfp) */
SEC("pwru_fexit")
int pwru_fx_copy4(__u64 *ctx)
{
	return track_copy((struct sk_buff *)ctx[0], (struct sk_buff *)ctx[4]);
}

/* --output-return under fentry: one clone per function, whatever its arguments. */
SEC("pwru_fexit")
int pwru_fx_ret(__u64 *ctx)
{
	__u64 ret = 0;

	bpf_get_func_ret(ctx, &ret);
	return emit_return(probe_id(), ret);
}
#endif
