/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one header shared by the BPF programs and user space: event and config
 * layouts, map sizes and constants. Fixed-width types only, so that both
 * sides agree byte for byte; each struct's size is asserted below.
 */
#ifndef PWRU_SHARED_H
#define PWRU_SHARED_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PWRU_COMM_LEN 16
#define PWRU_MAX_STACK_DEPTH 50
#define PWRU_SKB_STR_LEN 4096 /* --set-percpu-buf's default, as cilium/pwru's */
#define PWRU_DUMP_LEN_MIN 64
#define PWRU_DUMP_LEN_MAX (1U << 20)
#define PWRU_NETNS_MAX 1024
#define PWRU_NETNS_INLINE 8
#define PWRU_TRACK_SKB_MAX 16384
#define PWRU_STACK_MAX 8192
#define PWRU_STACKID_MAX 4096 /* kernel stacks remembered by --filter-track-skb-by-stackid */
#define PWRU_META_MAX 4	      /* --output-skb-metadata fields */

/* --output-return: calls awaiting their return */
#define PWRU_RET_ENTRIES_MAX 16384

/*
 * Each loaded program instance learns which probe it serves from a 64-bit
 * immediate that user space patches per clone: one verified object serves
 * every tracepoint/function of one argument layout, and this works on every
 * kernel (attach cookies for tracing programs only arrived in 6.10).
 */
#define PWRU_PROBE_ID_MAGIC 0x70777275706e6964ULL /* "pwrupnid" */

/* kprobe-multi cookie, high half: 0..4 skb argument index, or one of these. */
#define PWRU_KPM_KFREE_REASON 5 /* kfree_skb_reason(skb, reason) */
#define PWRU_KPM_SK_DROP 6	/* sk_skb_reason_drop(sk, skb, reason) */
#define PWRU_KPM_SKB_FREE 7	/* kfree_skbmem(skb): the skb's memory goes back */
#define PWRU_KPM_NON_SKB 8	/* --filter-non-skb-funcs: the skb is found by stack */

/*
 * --filter-track-skb-by-stackid keys skbs by the kernel stack a probe runs
 * on: the task's stack (THREAD_SIZE on x86-64 and arm64 without KASAN), or
 * else this CPU's IRQ stack.
 */
#define PWRU_THREAD_SIZE (16 * 1024)

/* Per-CPU counters, indexes into the "counters" map. */
enum pwru_counter {
	PWRU_CNT_EMITTED = 0, /* events reserved and submitted */
	PWRU_CNT_LOST,	      /* events dropped: ringbuf reservation failed */
	PWRU_CNT_MATCHED,     /* packets that passed the filters (emitted + lost) */
	PWRU_CNT_MAX,
};

enum pwru_event_flags {
	PWRU_EV_TUPLE = 1 << 0,	  /* tuple is filled in */
	PWRU_EV_DROP = 1 << 1,	  /* drop_reason/drop_location are valid */
	PWRU_EV_STACK = 1 << 2,	  /* stack_id is valid */
	PWRU_EV_CALLER = 1 << 3,  /* caller is valid */
	PWRU_EV_SKB_STR = 1 << 4, /* the --output-skb dump holds text (see "Dumps" below) */
	PWRU_EV_TRACKED = 1 << 5, /* matched through --filter-track-skb */
	PWRU_EV_NO_MAC = 1 << 6,  /* no link-layer header in the buffer */

	/* meta[] holds the values of --output-skb-metadata, or of --output-xdp-metadata */
	PWRU_EV_META = 1 << 7,
	PWRU_EV_META_XDP = 1 << 8,
	PWRU_EV_CB = 1 << 9, /* cb[] is filled in */

	/* tunnel holds the encapsulated packet's tuple (--output-tunnel) */
	PWRU_EV_TUNNEL = 1 << 10,
	/* --output-pcap: a struct pwru_pcap and its bytes end the record */
	PWRU_EV_PCAP = 1 << 13,

	/* --output-return: a function's return; ret and entry_ts are valid */
	PWRU_EV_RET = 1 << 11,
	/* matched because a tracked skb was seen last on this kernel stack */
	PWRU_EV_STACKID = 1 << 14,
	PWRU_EV_SHINFO = 1 << 15, /* the --output-skb-shared-info dump holds text */
};

struct pwru_tuple {
	__u8 saddr[16]; /* IPv4 in the first 4 bytes */
	__u8 daddr[16];
	__u16 sport; /* host byte order */
	__u16 dport;
	__u8 l3;	/* 4 or 6, 0 when no IP header was found */
	__u8 l4proto;	/* IPPROTO_* */
	__u8 tcp_flags; /* FIN=0x01 ... CWR=0x80 */
	__u8 pad;
};

struct pwru_event {
	__u64 skb;
	__u64 ts;	     /* bpf_ktime_get_ns() */
	__u64 func_addr;     /* probed function's address, 0 for tracepoints */
	__u64 caller;	     /* return address into the caller (--output-caller) */
	__u64 drop_location; /* kfree_skb tracepoint's location argument */
	__u32 probe_id;	     /* index into user space's probe table */
	__u32 pid;
	__u32 cpu;
	__u32 netns;
	__u32 mark;
	__u32 ifindex;
	__u32 len;
	__u32 mtu;
	__u32 drop_reason; /* enum skb_drop_reason value */
	__s32 stack_id;
	__u16 proto; /* skb->protocol in host byte order */
	__u16 flags; /* enum pwru_event_flags */
	__u32 pad;
	char comm[PWRU_COMM_LEN];
	struct pwru_tuple tuple;
	__u64 meta[PWRU_META_MAX]; /* in the order of the command line */
	__u32 cb[5];		   /* --output-skb-cb: __sk_buff->cb[], qdisc_skb_cb's data */
	__u32 pad2;
	struct pwru_tuple tunnel; /* --output-tunnel: at skb->inner_network_header */

	/* PWRU_EV_RET: the return value as the register held it, and when the call began */
	__u64 ret;
	__u64 entry_ts;
};

/*
 * An skb event with nothing to say past its tuple (no --output-skb-metadata,
 * --output-skb-cb, --output-tunnel, dumps or pcap, and not a return) is
 * sent as its first PWRU_EVENT_COMPACT_SIZE bytes: 144 instead of 256, so
 * the ring holds 1.7 times as many and both sides move fewer bytes. User
 * space reads the fields after them as zeros.
 */
#define PWRU_EVENT_COMPACT_SIZE __builtin_offsetof(struct pwru_event, meta)

/*
 * Dumps: with --output-skb and/or --output-skb-shared-info every skb event is
 * followed by one slot of cfg.dump_len bytes (--set-percpu-buf) for each, the
 * skb's first; a slot holds NUL-terminated bpf_snprintf_btf() text when its
 * flag (PWRU_EV_SKB_STR, PWRU_EV_SHINFO) is set.
 */

/*
 * --output-bpfmap: the events of the map functions' probes (lookup at its
 * return, update and delete at their entry) end with this, after any dumps.
 */
#define PWRU_BPFMAP_DATA_MAX 256
struct pwru_bpfmap {
	__u32 id;
	__u32 key_size; /* the map's; at most PWRU_BPFMAP_DATA_MAX bytes are copied */
	__u32 value_size;
	__u32 has_value; /* an update, or a lookup that found the key */
	char name[16];
	__u8 key[PWRU_BPFMAP_DATA_MAX];
	__u8 value[PWRU_BPFMAP_DATA_MAX];
};

/*
 * --output-pcap: the packet's bytes, at the record's end (after the
 * --output-skb text when there is one), pcap_snaplen bytes reserved.
 * The copy starts at the link-layer header when the skb has an Ethernet
 * one, else at the IP header: linktype says which.
 */
#define PWRU_PCAP_SNAPLEN_MAX 65535
enum pwru_pcap_linktype {
	PWRU_PCAP_ETHERNET = 1, /* LINKTYPE_ETHERNET */
	PWRU_PCAP_RAW = 101,	/* LINKTYPE_RAW: an IPv4 or IPv6 header first */
};

struct pwru_pcap {
	__u32 caplen;	/* bytes copied, at most pcap_snaplen */
	__u32 origlen;	/* the packet's length from the first copied byte */
	__u16 linktype; /* enum pwru_pcap_linktype */
	__u16 pad;
	__u32 pad2;
};

/* Set in .rodata before load; the BPF side reads it as a constant. */
struct pwru_config {
	__u32 filter_netns;   /* 1: skb's netns must be in the netns_filter map */
	__u32 filter_ifindex; /* 0: any interface */
	__u32 filter_mark;    /* 1: (mark & mark_mask) == mark_value */
	__u32 mark_value;
	__u32 mark_mask;
	__u32 track_skb; /* --filter-track-skb */
	__u32 output_meta;
	__u32 output_tuple;
	__u32 output_stack;
	__u32 output_caller;
	__u32 output_skb;
	__u32 has_pcap_filter; /* 0: skip the pcap subprograms altogether */
	__u32 has_skb_expr;    /* --filter-skb-expr: call expr_filter_skb */
	__u32 has_xdp_expr;    /* --filter-xdp-expr: call expr_filter_xdp */
	__u32 has_skb_meta;    /* --output-skb-metadata: call expr_meta_skb */
	__u32 has_xdp_meta;    /* --output-xdp-metadata: call expr_meta_xdp */
	__u32 output_cb;       /* --output-skb-cb (or --filter-trace-tc, as cilium/pwru) */
	/*
	 * Up to PWRU_NETNS_INLINE inodes are compared in the program itself:
	 * unrolled compares cost less than a hash lookup on every hit.
	 * netns_inline_n == 0 with filter_netns set means: use the map.
	 */
	__u32 netns_inline_n;
	__u32 netns_inline[PWRU_NETNS_INLINE];
	/* --filter-tunnel-pcap-l2/-l3: call the tunnel placeholders (bpf/tunnel_filter.h) */
	__u32 has_tunnel_l2;
	__u32 has_tunnel_l3;
	__u32 output_tunnel; /* --output-tunnel: read the inner tuple */
	__u32 pcap_snaplen;  /* --output-pcap: bytes reserved per event, 0 without */
	/* --output-return: function entries note skb and time for their return */
	__u32 output_return;
	/* --filter-track-skb with --filter-trace-xdp: follow the skb built from a matched frame */
	__u32 track_xdp_heads;
	/* stack-id tracking and dumps (--filter-track-skb-by-stackid, --set-percpu-buf) */
	__u32 track_stackid;
	__u32 output_shinfo; /* --output-skb-shared-info */
	__u32 dump_len;	     /* bytes per dump slot, when output_skb or output_shinfo */
	__u32 htab_key_off;  /* offsetof(struct htab_elem, key) from the kernel's BTF, 0: unknown */
	__u32 track_any;     /* track_skb, track_xdp_heads or track_stackid */
};

#ifndef __bpf__
_Static_assert(sizeof(struct pwru_tuple) == 40, "pwru_tuple layout");
_Static_assert(sizeof(struct pwru_event) == 256, "pwru_event layout");
_Static_assert(sizeof(struct pwru_config) == 148, "pwru_config layout");
_Static_assert(sizeof(struct pwru_pcap) == 16, "pwru_pcap layout");
_Static_assert(sizeof(struct pwru_bpfmap) == 544, "pwru_bpfmap layout");
#endif

#endif /* PWRU_SHARED_H */
