/* SPDX-License-Identifier: GPL-2.0 */
/* Several tracers' logs on one terminal: whole lines only, in the order they
 * arrive, each with the node it came from in front. */
#ifndef KUBECTL_PWRU_MERGE_H
#define KUBECTL_PWRU_MERGE_H

#include <stdio.h>

/* pwru's longest line (an skb dump) is well under this; a longer one is
 * passed on in pieces rather than held back. */
#define LINE_STREAM_BUF 65536

struct line_stream {
	int fd;
	const char *label; /* the node name; NULL prints lines untouched */
	size_t consumed;   /* bytes read from the stream so far */
	size_t len;
	char buf[LINE_STREAM_BUF];
};

/* Reads what the fd has and writes each complete line to out. Returns 1
 * while the stream is open, 0 at its end (after writing any last partial
 * line), or a negative errno. */
int line_stream_pump(struct line_stream *s, FILE *out);

/* Passes on data that continues the stream (the part of a re-read log
 * beyond what the stream carried), then any last partial line. */
void line_stream_feed(struct line_stream *s, const char *data, size_t len, FILE *out);

/* One line (without its newline) labelled with its node: a JSON object gets
 * a leading "node" member, anything else a "[node] " prefix. */
void write_labelled_line(FILE *out, const char *label, const char *line, size_t len);

#endif
