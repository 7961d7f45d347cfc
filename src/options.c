// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: one table drives both getopt_long and --help, so the help
 * cannot drift from what is parsed. Long names follow cilium/pwru's.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"

enum opt_kind { K_BOOL, K_STR, K_LIST, K_U32, K_U64, K_DOUBLE, K_SPECIAL };

enum special_id { SP_MARK = 1, SP_TIMESTAMP, SP_HELP, SP_VERSION, SP_KMODS, SP_RINGBUF };

struct opt_def {
	const char *name;
	enum opt_kind kind;
	size_t off; /* offset into struct options */
	int special;
	const char *arg; /* argument name in help, NULL for booleans */
	const char *help;
};

#define O(f) offsetof(struct options, f)

static const struct opt_def opt_table[] = {
	{ "filter-netns", K_LIST, O(filter_netns), 0, "PATH|inode:N",
	  "trace only packets in this network namespace (repeatable)" },
	{ "filter-mark", K_SPECIAL, 0, SP_MARK, "MARK[/MASK]",
	  "trace only packets whose skb->mark & MASK equals MARK" },
	{ "filter-ifname", K_STR, O(filter_ifname), 0, "NAME",
	  "trace only packets on this interface (in --filter-netns, else this netns)" },
	{ "filter-func", K_STR, O(filter_func), 0, "REGEX",
	  "trace only kernel functions and tracepoints whose whole name matches" },
	{ "filter-track-skb", K_BOOL, O(filter_track_skb), 0, NULL,
	  "once an skb matched, follow it until it is freed, even if it changes" },
	{ "filter-trace-tc", K_BOOL, O(filter_trace_tc), 0, NULL,
	  "trace TC BPF programs (fentry backend)" },
	{ "filter-trace-xdp", K_BOOL, O(filter_trace_xdp), 0, NULL,
	  "trace XDP BPF programs (fentry backend)" },
	{ "filter-kprobe-batch", K_U32, O(kprobe_batch), 0, "N",
	  "kprobes attached or detached per batch (kprobe backend)" },
	{ "filter-pod", K_LIST, O(filter_pod), 0, "NS/NAME",
	  "trace only this pod's packets, found through the container runtime (repeatable)" },
	{ "namespace", K_STR, O(pod_namespace), 0, "NS",
	  "Kubernetes namespace for bare --filter-pod names (default: default)" },
	{ "filter-pod-label", K_LIST, O(filter_pod_label), 0, "KEY=VALUE",
	  "trace pods carrying this label (repeatable)" },
	{ "filter-container", K_STR, O(filter_container), 0, "NAME",
	  "with --filter-pod: name this container on events" },
	{ "cri-endpoint", K_STR, O(cri_endpoint), 0, "unix:///PATH",
	  "container runtime socket (default: containerd, CRI-O, cri-dockerd)" },
	{ "host-root", K_STR, O(host_root), 0, "DIR",
	  "where the host's / is mounted, for /proc and sockets (default: /)" },
	{ "allow-host-netns", K_BOOL, O(allow_host_netns), 0, NULL,
	  "allow --filter-pod on host-network pods (matches the whole node)" },
	{ "backend", K_STR, O(backend), 0, "NAME",
	  "kprobe-multi, fentry, kprobe or tracepoint (default: best available)" },
	{ "kmods", K_SPECIAL, 0, SP_KMODS, "A,B", "also probe functions of these kernel modules" },
	{ "all-kmods", K_BOOL, O(all_kmods), 0, NULL,
	  "also probe functions of every loaded kernel module" },
	{ "ringbuf-size", K_SPECIAL, 0, SP_RINGBUF, "BYTES",
	  "event ring buffer size, a power of two (default 4194304)" },
	{ "output-meta", K_BOOL, O(output_meta), 0, NULL,
	  "print netns, mark, interface, protocol, MTU and length (default true)" },
	{ "output-tuple", K_BOOL, O(output_tuple), 0, NULL,
	  "print the L3/L4 tuple (default true)" },
	{ "output-stack", K_BOOL, O(output_stack), 0, NULL, "print the kernel stack" },
	{ "output-caller", K_BOOL, O(output_caller), 0, NULL, "print the calling function" },
	{ "output-tcp-flags", K_BOOL, O(output_tcp_flags), 0, NULL, "print TCP flags" },
	{ "output-skb", K_BOOL, O(output_skb), 0, NULL, "print the whole struct sk_buff" },
	{ "output-json", K_BOOL, O(output_json), 0, NULL, "print one JSON object per line" },
	{ "output-json-summary", K_BOOL, O(output_json_summary), 0, NULL,
	  "with --output-json: the summary object ends stdout's stream, not on stderr" },
	{ "output-file", K_STR, O(output_file), 0, "FILE", "write events to FILE" },
	{ "output-limit-lines", K_U64, O(output_limit_lines), 0, "N", "stop after N events" },
	{ "timestamp", K_SPECIAL, 0, SP_TIMESTAMP, "MODE",
	  "none, current, relative, absolute or wallclock (default none)" },
	{ "duration", K_DOUBLE, O(duration), 0, "SECONDS", "stop after this long" },
	{ "no-summary", K_BOOL, O(no_summary), 0, NULL, "do not print the drop summary" },
	{ "list-probes", K_BOOL, O(list_probes), 0, NULL,
	  "print the functions and tracepoints that would be probed, and exit" },
	{ "verbose", K_BOOL, O(verbose), 0, NULL, "list probes that failed to attach, and more" },
	{ "version", K_SPECIAL, 0, SP_VERSION, NULL, "print the version and exit" },
	{ "help", K_SPECIAL, 0, SP_HELP, NULL, "print this help and exit" },
};

#define N_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

static void options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->output_meta = true;
	o->output_tuple = true;
	o->ringbuf_size = 4U << 20;
	o->kprobe_batch = 10;
	o->filter_mark_mask = 0xffffffff;
	o->host_root = "/";
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_bool(const char *s, bool *out)
{
	if (!s || !strcasecmp(s, "true") || !strcmp(s, "1")) {
		*out = true;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcmp(s, "0")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int parse_mark(struct options *o, const char *s)
{
	char buf[64], *slash;
	uint64_t v;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash = '\0';
		if (parse_u64(slash + 1, UINT32_MAX, &v))
			return -EINVAL;
		o->filter_mark_mask = v;
	}
	if (parse_u64(buf, UINT32_MAX, &v))
		return -EINVAL;
	o->filter_mark = v;
	o->filter_mark_set = true;
	return 0;
}

static int parse_timestamp(struct options *o, const char *s)
{
	static const char *names[] = { "none", "current", "relative", "absolute", "wallclock" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(s, names[i])) {
			o->timestamp = (enum timestamp_mode)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int list_push(struct str_list *l, const char *s)
{
	if (l->n >= OPT_LIST_MAX)
		return -E2BIG;
	l->items[l->n++] = s;
	return 0;
}

/* --kmods a,b: split in place; argv strings are ours to cut. */
static int parse_kmods(struct options *o, char *s)
{
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (list_push(&o->kmods, tok))
			return -E2BIG;
	}
	return 0;
}

static int parse_ringbuf(struct options *o, const char *s)
{
	uint64_t v;

	if (parse_u64(s, 1U << 30, &v) || v < 4096 || (v & (v - 1)))
		return -EINVAL;
	o->ringbuf_size = v;
	return 0;
}

static int apply_special(struct options *o, const struct opt_def *d, char *arg)
{
	switch (d->special) {
	case SP_MARK:
		return parse_mark(o, arg);
	case SP_TIMESTAMP:
		return parse_timestamp(o, arg);
	case SP_KMODS:
		return parse_kmods(o, arg);
	case SP_RINGBUF:
		return parse_ringbuf(o, arg);
	case SP_HELP:
		return 1;
	case SP_VERSION:
		return 2;
	}
	return -EINVAL;
}

static int apply_opt(struct options *o, const struct opt_def *d, char *arg)
{
	void *field = (char *)o + d->off;
	uint64_t v;
	char *end;

	switch (d->kind) {
	case K_BOOL:
		return parse_bool(arg, field);
	case K_STR:
		*(const char **)field = arg;
		return 0;
	case K_LIST:
		return list_push(field, arg);
	case K_U32:
		if (parse_u64(arg, INT32_MAX, &v))
			return -EINVAL;
		*(int *)field = (int)v;
		return 0;
	case K_U64:
		if (parse_u64(arg, UINT64_MAX, &v))
			return -EINVAL;
		*(uint64_t *)field = v;
		return 0;
	case K_DOUBLE:
		*(double *)field = strtod(arg, &end);
		return (*end || *(double *)field < 0) ? -EINVAL : 0;
	case K_SPECIAL:
		return apply_special(o, d, arg);
	}
	return -EINVAL;
}

static void build_longopts(struct option *lo)
{
	for (size_t i = 0; i < N_OPTS; i++) {
		lo[i].name = opt_table[i].name;
		lo[i].has_arg = opt_table[i].arg	    ? required_argument :
				opt_table[i].kind == K_BOOL ? optional_argument :
							      no_argument;
		lo[i].flag = NULL;
		lo[i].val = 256 + (int)i;
	}
	memset(&lo[N_OPTS], 0, sizeof(lo[N_OPTS]));
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	struct option lo[N_OPTS + 1];
	int c, idx, ret;

	options_defaults(o);
	build_longopts(lo);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+hv", lo, &idx)) != -1) {
		const struct opt_def *d;

		if (c == 'h')
			return 1;
		if (c == 'v') {
			o->verbose = true;
			continue;
		}
		if (c == '?' || c == ':') {
			snprintf(err, errlen, "unknown option or missing argument: %s",
				 argv[optind - 1]);
			return -EINVAL;
		}
		d = &opt_table[c - 256];
		ret = apply_opt(o, d, optarg);
		if (ret == 1 || ret == 2) {
			if (ret == 2)
				printf("pwru %s\n", PWRU_VERSION);
			else
				options_print_help(stdout, argv[0]);
			return 1;
		}
		if (ret < 0) {
			snprintf(err, errlen, "--%s: invalid value '%s'", d->name,
				 optarg ? optarg : "");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		/* Like tcpdump, the filter may come as several words. */
		size_t len = 0;
		char *expr;

		for (int i = optind; i < argc; i++)
			len += strlen(argv[i]) + 1;
		expr = calloc(1, len + 1);
		if (!expr)
			return -ENOMEM;
		for (int i = optind; i < argc; i++) {
			strcat(expr, argv[i]);
			if (i + 1 < argc)
				strcat(expr, " ");
		}
		o->pcap_filter = expr;
	}
	return 0;
}

void options_print_help(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [options] [pcap-filter]\n"
		"Trace where packets go in the Linux kernel, and why they die.\n\n"
		"Options:\n",
		prog);
	for (size_t i = 0; i < N_OPTS; i++) {
		char left[64];
		const struct opt_def *d = &opt_table[i];

		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(f, "  %-32s %s\n", left, d->help);
	}
	fprintf(f,
		"\nExamples:\n"
		"  %s --output-tuple 'dst host 198.18.0.2 and tcp and dst port 80'\n"
		"  %s --filter-netns /var/run/netns/blue --output-json icmp\n"
		"  %s --filter-pod shop/frontend-7d9c 'tcp port 80'\n",
		prog, prog, prog);
}
