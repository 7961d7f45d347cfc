/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PATHS_H
#define PWRU_PATHS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"

/*
 * The path summary: each skb's events joined into the sequence of functions
 * it passed, identical sequences counted, so that the few ways packets went
 * (and where the dying ones left the common way) show in a handful of lines.
 * Memory is bounded: PATHS_SKB_MAX skbs followed at once, PATHS_ROWS_MAX
 * distinct paths; what does not fit is counted, never dropped silently.
 */
#define PATHS_SKB_MAX 12288 /* skbs followed at once */
#define PATHS_ROWS_MAX 4096 /* distinct paths counted one by one */
#define PATHS_STEPS_MAX 32  /* runs of one function per path; beyond, the last one is kept */
#define PATHS_DEFAULT_SHOWN 5

enum path_end {
	PATH_IN_FLIGHT = 0, /* no end seen before pwru stopped (or its free is not probed) */
	PATH_CONSUMED,	    /* consume_skb, or a free without a drop reason */
	PATH_DROPPED,	    /* kfree_skb with a reason and a site */
};

struct path_step {
	uint32_t probe_id;
	uint32_t repeat; /* consecutive events at the same function */
};

struct path_seq {
	uint16_t n;
	bool truncated; /* more than PATHS_STEPS_MAX runs: the middle is left out */
	struct path_step steps[PATHS_STEPS_MAX];
};

struct path_row {
	struct path_seq seq;
	uint64_t hash;
	enum path_end end;
	char reason[96]; /* PATH_DROPPED only */
	char site[RECORD_SYM_LEN];
	uint64_t count;
};

struct path_skb;

struct path_summary {
	const char (*func_names)[256]; /* by probe id, as the enricher names them */
	size_t n_funcs;
	bool free_seen;		      /* the probes include kfree_skbmem: every skb's end is seen */
	uint32_t consume_id, free_id; /* probe ids of skb:consume_skb, kfree_skbmem (or ~0) */
	/* without free_seen: the path's first function again starts anew */
	bool restart_at_first;

	struct path_skb *slots; /* open addressing by skb address, PATHS_SKB_MAX*4/3 slots */
	size_t n_slots, n_live;

	struct path_row *rows;
	size_t n_rows, cap_rows;
	uint64_t skbs;	    /* paths counted, in rows or in other */
	uint64_t other;	    /* paths beyond PATHS_ROWS_MAX distinct ones */
	uint64_t untracked; /* events of skbs that found no room to be followed */
};

/*
 * free_id / consume_id: the probe ids of kfree_skbmem and skb:consume_skb,
 * or UINT32_MAX when they are not probed. restart_at_first: with no
 * kfree_skbmem, an event at a path's first function begins a new path
 * (tracepoints only: kernel functions recur on one skb, nf_hook_slow at
 * every hook).
 */
int paths_init(struct path_summary *p, const char (*func_names)[256], size_t n_funcs,
	       uint32_t consume_id, uint32_t free_id, bool restart_at_first);
/* Every event, in the order read. */
int paths_add(struct path_summary *p, const struct record *r);
/* Ends the run: the skbs still followed count as in flight (or by the end they met). */
void paths_finish(struct path_summary *p);
/* Rows in the order shown: drop-ending paths first, then by count, most first. */
void paths_sort(struct path_summary *p);
/* "ip_rcv>ip_rcv_finish(x3)>...>skb:kfree_skb" into buf, truncated to len. */
void paths_format(const struct path_summary *p, const struct path_row *row, char *buf, size_t len);
const char *path_end_name(enum path_end e);
void paths_print(FILE *f, const struct path_summary *p, size_t shown);
void paths_free(struct path_summary *p);

#endif
