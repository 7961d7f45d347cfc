/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_OPTIONS_H
#define PWRU_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OPT_LIST_MAX 64

enum timestamp_mode {
	TS_NONE = 0,
	TS_CURRENT,   /* cilium/pwru's: the event's ktime in ns */
	TS_RELATIVE,  /* cilium/pwru's: ns since the previous event of the same skb */
	TS_ABSOLUTE,  /* cilium/pwru's: a TIME column (wall clock, ms) plus the ktime */
	TS_WALLCLOCK, /* ours: the event's time on the wall clock, HH:MM:SS.uuuuuu */
};

struct str_list {
	const char *items[OPT_LIST_MAX];
	int n;
};

/* Everything the command line says; the program's only mutable global. */
struct options {
	/* filters */
	struct str_list filter_netns;
	const char *filter_func;
	const char *filter_ifname;
	bool filter_mark_set;
	uint32_t filter_mark, filter_mark_mask;
	bool filter_track_skb;
	bool filter_trace_tc, filter_trace_xdp;
	int kprobe_batch;
	const char *pcap_filter; /* positional argument, may be NULL */

	/* pods (resolved through the container runtime) */
	struct str_list filter_pod;
	struct str_list filter_pod_label;
	const char *pod_namespace;
	const char *filter_container;
	const char *cri_endpoint;
	const char *host_root;
	bool allow_host_netns;

	/* probes and backend */
	const char *backend; /* NULL: pick the best this kernel allows */
	struct str_list kmods;
	bool all_kmods;
	uint32_t ringbuf_size;

	/* output */
	bool output_meta, output_tuple, output_stack, output_caller;
	bool output_tcp_flags, output_skb, output_json, output_json_summary;
	enum timestamp_mode timestamp;
	const char *output_file;
	uint64_t output_limit_lines;
	double duration; /* seconds, 0: until interrupted */
	bool verbose;
	bool list_probes;
	bool no_summary;
	bool progress_tty; /* set from isatty(stderr) */
};

/*
 * Fills opts from argv. Returns 0 to run, 1 when --help/--version was served
 * (exit 0), or -EINVAL with a message in err.
 */
int options_parse(struct options *opts, int argc, char **argv, char *err, size_t errlen);
void options_print_help(FILE *f, const char *prog);

#endif
