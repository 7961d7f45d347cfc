/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_OUTPUT_H
#define PWRU_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "options.h"
#include "output_buf.h"
#include "record.h"

struct drop_summary;
struct path_summary;
struct kernel_counts;

struct output_cfg {
	bool meta, tuple, stack, caller, tcp_flags, skb, pods;
	unsigned netns_names; /* --output-netns-names: the column's width, 0 without */
	bool cb;	      /* __sk_buff->cb[] after the metadata */
	bool tunnel;	      /* --output-tunnel: TUNNEL column, tunnel_tuple */
	bool shinfo;	      /* --output-skb-shared-info */
	uint32_t dump_len;    /* --set-percpu-buf: one dump slot's size in events */
	enum timestamp_mode timestamp;
};

void output_cfg_from_options(struct output_cfg *c, const struct options *o);

/*
 * Each writer appends one whole event to the batch buffer and closes it with
 * obuf_event_end(); the caller decides when the buffer is written.
 */
/* Text: pwru's columns; the header once, then one line per event. */
void output_text_header(struct obuf *b, const struct output_cfg *c);
/*
 * As cilium/pwru aligns its lines: the tuple column, and with --output-caller
 * the function column, as wide as the widest seen so far (kept by the caller,
 * zeroed at the start).
 */
struct text_widths {
	size_t tuple, func;
};

void output_text_event(struct obuf *b, const struct output_cfg *c, struct text_widths *w,
		       const struct record *r);

/* JSON: one object per line; schema in docs/json-output.md. */
void output_json_event(struct obuf *b, const struct output_cfg *c, const struct record *r);
/* paths: NULL without the path summary; paths_shown rows of it at most */
void output_json_summary(struct obuf *b, uint64_t events, const struct kernel_counts *k,
			 const struct drop_summary *s, const struct path_summary *paths,
			 size_t paths_shown);

/* Shared by both: "198.18.0.1:40000->198.18.0.2:80(tcp)", "SYN|ACK". */
void put_addr(struct obuf *b, uint8_t l3, const uint8_t *a);
void put_tuple(struct obuf *b, const struct pwru_tuple *t);
void put_l4proto(struct obuf *b, uint8_t proto);
void put_tcp_flags(struct obuf *b, uint8_t flags);
/* The TIMESTAMP column: ns (current, relative, absolute) or our wall clock. */
void put_timestamp(struct obuf *b, const struct output_cfg *c, int64_t ts_ns);
/* --timestamp absolute's TIME: "2006-01-02T15:04:05.000", local time. */
void put_abs_time(struct obuf *b, int64_t wall_ns);

#endif
