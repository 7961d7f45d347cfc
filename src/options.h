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
	/* --filter-non-skb-funcs (turns on stack-id tracking, as cilium/pwru) */
	struct str_list filter_non_skb_funcs;
	bool filter_track_skb_by_stackid;
	bool filter_track_bpf_helpers; /* the helpers TC/XDP programs call, as non-skb funcs */
	bool filter_trace_tc, filter_trace_xdp;
	bool filter_trace_only_bpf;		       /* the TC/XDP programs alone */
	const char *pcap_filter;		       /* positional argument, may be NULL */
	const char *filter_skb_expr, *filter_xdp_expr; /* C expressions, src/expr/expr.h */
	struct str_list output_skb_metadata, output_xdp_metadata; /* fields carried in events */
	/* pcap filters on the encapsulated packet (bpf/tunnel_filter.h), and its tuple */
	const char *filter_tunnel_pcap_l2, *filter_tunnel_pcap_l3;
	bool output_tunnel;

	/* pods (resolved through the container runtime) */
	struct str_list filter_pod;
	struct str_list filter_pod_label;
	const char *pod_namespace;
	const char *filter_container;
	const char *cri_endpoint;
	const char *host_root;
	bool allow_host_netns;

	/* probes and backend */
	const char *backend;   /* NULL: pick the best this kernel allows */
	uint64_t kprobe_batch; /* kprobes per attach/detach worker (cilium/pwru's meaning) */
	struct str_list kmods;
	bool all_kmods;
	uint32_t ringbuf_size;
	const char *kernel_btf; /* NULL: the running kernel's /sys/kernel/btf/vmlinux */

	/* output */
	bool output_meta, output_tuple, output_stack, output_caller;
	bool output_tcp_flags, output_skb, output_json, output_json_summary;
	enum timestamp_mode timestamp;
	bool output_netns_names;
	bool output_skb_cb;		/* __sk_buff->cb[] in the metadata */
	bool output_shinfo;		/* --output-skb-shared-info */
	bool output_bpfmap;		/* map id, name, key, value of map functions */
	uint32_t set_percpu_buf;	/* bytes per --output-skb / shared-info dump */
	uint8_t netns_names_max_length; /* the NETNS NAME column's width, at least 10 */
	const char *output_file;
	int64_t output_file_max_size;	 /* MB, cilium/pwru's default 100 */
	int64_t output_file_max_backups; /* 0: keep every rotated file */
	int64_t output_file_max_age;	 /* days, 0: whatever their age */
	bool output_file_compress;	 /* gzip rotated files */
	uint64_t output_limit_lines;
	double duration; /* seconds, 0: until interrupted */
	bool verbose;
	bool debug;		/* what was probed, decided and refused, on stderr */
	const char *ready_file; /* created once every probe is attached */
	bool show_help, show_version;
	bool list_probes;
	bool no_summary;
	bool progress_tty; /* set from isatty(stderr) */

	const char *output_pcap;      /* --output-pcap: a pcapng file of the packets' bytes */
	uint32_t output_pcap_snaplen; /* bytes copied per event, default 256 */

	/* rows of the path summary, 0: no path summary */
	uint32_t summary_paths;
	/* --output-return: a line per function return */
	bool output_return;
	/* --filter-return-error: failed returns only, with their skb's events before them */
	bool filter_return_error;
};

/*
 * Fills opts from argv as cilium/pwru's pflag does: flags anywhere, "--" ends
 * them, the remaining words joined by spaces into pcap_filter (heap, the
 * caller frees it). --help and --version only set show_help/show_version.
 * Returns 0, or -EINVAL / -ENOMEM with one line in err.
 */
int options_parse(struct options *opts, int argc, char **argv, char *err, size_t errlen);
/* The help, generated from the options table, sorted by name as pflag does. */
void options_print_help(FILE *f, const char *prog);

/*
 * Go's strconv.ParseUint(s, base, 64) capped at max (base 0: 0x, 0o, 0b,
 * leading-0 octal, "_" separators) and ParseInt(s, 0, 64), as pflag parses
 * numbers. -EINVAL for bad syntax, -ERANGE out of range. Exposed for tests.
 */
int go_parse_uint(const char *s, int base, uint64_t max, uint64_t *out);
int go_parse_int(const char *s, int64_t *out);

/* The table's long names, for tests that check every flag. */
size_t options_flag_count(void);
const char *options_flag_name(size_t i);

#endif
