/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_RECORD_H
#define PWRU_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "pwru.h"
#include "retnames.h"

#define RECORD_SYM_LEN 128
#define RECORD_META_LEN 64

struct pod_ref;

/*
 * One event as the outputs see it: the kernel's record plus every name
 * enrichment found. Text and JSON print from this alone, so they cannot
 * disagree about a name.
 */
struct record {
	const struct pwru_event *ev;
	const char *skb_str;		  /* --output-skb text, or NULL */
	const char *shinfo_str;		  /* --output-skb-shared-info text, or NULL */
	const struct pwru_bpfmap *bpfmap; /* --output-bpfmap: a map function's, or NULL */
	const char *func;		  /* "ip_rcv", or "skb:kfree_skb" for tracepoints */
	const char *ifname;		  /* "" when unknown */
	const char *drop_reason;	  /* "SKB_DROP_REASON_NETFILTER_DROP", or NULL */
	const struct pod_ref *pod;	  /* NULL when the netns is not a known pod's */
	const char *netns_name;		  /* --output-netns-names: `ip netns`'s name, or NULL */
	char drop_site[RECORD_SYM_LEN];
	char caller[RECORD_SYM_LEN];
	int n_stack;
	char stack[PWRU_MAX_STACK_DEPTH][RECORD_SYM_LEN];
	int64_t ts_ns;	 /* per --timestamp: ktime, ns since this skb's last event, or wall ns */
	int64_t wall_ns; /* the event's wall-clock time (absolute, wallclock) */
	int n_meta;	 /* --output-skb-metadata / --output-xdp-metadata fields */
	struct record_meta {
		const char *name; /* "hash" for skb->hash */
		char value[RECORD_META_LEN];
		bool number; /* value is a plain JSON number */
	} meta[PWRU_META_MAX];
	/* --output-pcap: the packet's header, its caplen bytes follow; NULL when not copied */
	const struct pwru_pcap *pcap;
	/* with --output-json: cilium/pwru's "process", "exe:pid" cut to 16 bytes; NULL without */
	const char *process;
	/* PWRU_EV_RET (--output-return): what the call returned and how long it took */
	struct ret_value ret;
	int64_t ret_duration_ns; /* -1: not asked (no --timestamp) */
};

#endif
