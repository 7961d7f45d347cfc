/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_ENRICH_H
#define PWRU_ENRICH_H

#include <stddef.h>
#include <stdint.h>

#include "output.h"
#include "probes.h"
#include "record.h"

struct ksyms;
struct drop_reasons;
struct ifnames;
struct pods;
struct expr_filters;
struct retnames;

/*
 * --timestamp relative: each skb's previous event time, direct-mapped by
 * address so a flood of skbs costs a fixed 1 MiB; an skb pushed out by
 * another counts as seen for the first time (0), as cilium/pwru's first.
 */
#define SKB_LAST_SEEN_SLOTS (1 << 16)
#define ENTRY_CACHE_SLOTS (1 << 12)

struct skb_last_seen {
	uint64_t skb, ts;
};

/*
 * Drop sites and callers by address, direct-mapped: a flood's drops come
 * from a few sites, each looked up in kallsyms and formatted once.
 */
#define SYM_CACHE_SLOTS 64

struct sym_cache_slot {
	uint64_t addr; /* 0: empty */
	char sym[RECORD_SYM_LEN];
};

/* Everything that turns numbers into names; lives off the BPF event path. */
struct netns_names;
struct proc_names;

struct enricher {
	const struct probe_list *probes;
	char (*func_names)[256]; /* display name per probe */
	struct ksyms *ksyms;
	struct drop_reasons *reasons;
	struct ifnames *ifnames;
	struct pods *pods;		 /* NULL without pod support */
	struct netns_names *netns_names; /* NULL without --output-netns-names */
	const struct expr_filters *expr; /* formats --output-*-metadata values */
	int stacks_fd;
	const struct output_cfg *cfg;
	int64_t mono_to_real_ns;	 /* for --timestamp absolute and wallclock */
	struct skb_last_seen *last_seen; /* for --timestamp relative */
	struct sym_cache_slot *syms;	 /* NULL: every address formatted anew */
	struct proc_names *procs;	 /* JSON's "process"; NULL for text */
	/*
	 * --output-return: each skb's last entry event, direct-mapped by
	 * address, so a return line shows the skb as its call saw it; a
	 * return event is rebuilt in ret_ev from it.
	 */
	struct retnames *retnames;
	struct pwru_event *entry_cache;
	struct pwru_event ret_ev;
	/* a compact event's head is copied here: its other fields stay zero */
	struct pwru_event compact_ev;
};

int enricher_init(struct enricher *en, const struct probe_list *probes,
		  const struct output_cfg *cfg);
/* --output-return: return values by name (vmlinux BTF), return lines with their packet. */
struct btf;
int enricher_returns(struct enricher *en, const struct btf *vmlinux);
void enricher_fini(struct enricher *en);
/* Decodes one ringbuf sample; -EINVAL when it is not a pwru event. */
int enrich_record(struct enricher *en, const void *data, size_t size, struct record *r);

#endif
