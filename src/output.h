/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_OUTPUT_H
#define PWRU_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "options.h"
#include "record.h"

struct drop_summary;

struct output_cfg {
	bool meta, tuple, stack, caller, tcp_flags, skb, pods;
	enum timestamp_mode timestamp;
};

void output_cfg_from_options(struct output_cfg *c, const struct options *o);

/* Text: pwru's columns; the header once, then one line per event. */
void output_text_header(FILE *f, const struct output_cfg *c);
void output_text_event(FILE *f, const struct output_cfg *c, const struct record *r);

/* JSON: one object per line; schema in docs/json-output.md. */
int output_json_event(FILE *f, const struct output_cfg *c, const struct record *r);
struct kernel_counts;
int output_json_summary(FILE *f, uint64_t events, const struct kernel_counts *k,
			const struct drop_summary *s);

/* Shared by both: "198.18.0.1:40000->198.18.0.2:80(tcp)". */
void format_addr_plain(uint8_t l3, const uint8_t *a, char *buf, size_t len);
void format_tuple(const struct pwru_tuple *t, char *buf, size_t len);
const char *l4proto_name(uint8_t proto, char *buf, size_t len);
void format_tcp_flags(uint8_t flags, char *buf, size_t len);
void format_timestamp(const struct output_cfg *c, int64_t ts_ns, char *buf, size_t len);

#endif
