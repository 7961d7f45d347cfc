// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: one table drives both the parser and --help, so the help
 * cannot drift from what is parsed. Names, defaults and help wording follow
 * cilium/pwru's SetFlags; parsing follows its library, spf13/pflag, so a
 * cilium/pwru command line means the same here: flags may follow the filter,
 * "--" ends them, booleans take "=value" only, numbers use Go's base-0 rules.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "options.h"
#include "paths.h"
#include "pwru.h"

/*
 * What a row's field is, and so how its value parses (pflag's type in
 * brackets, shown in --help when the row names no argument):
 *   K_BOOL   bool        [bool]    "--x" is true, "--x=VALUE" takes Go's ParseBool words
 *   K_STR    const char* [string]  the last one given wins
 *   K_LIST   str_list    [string]  repeatable: each one given is kept
 *   K_CSV    str_list    [strings] comma-separated, repeatable (pflag's StringSlice)
 *   K_U8, K_U32, K_U64   uint8_t, uint32_t, uint64_t [uint8, uint32, uint]
 *   K_INT    int64_t     [int]     Go's ParseInt(s, 0, 64): a sign is allowed
 *   K_DOUBLE double      [float]
 *   K_SPECIAL            parsed by apply_special(), shown with the row's arg
 */
enum opt_kind { K_BOOL, K_STR, K_LIST, K_CSV, K_U8, K_U32, K_U64, K_INT, K_DOUBLE, K_SPECIAL };

enum special_id { SP_MARK = 1, SP_TIMESTAMP, SP_RINGBUF, SP_SNAPLEN, SP_PERCPU_BUF };

struct opt_def {
	const char *name;
	enum opt_kind kind;
	size_t off; /* offset into struct options */
	int special;
	const char *arg; /* argument name in help; NULL: the kind's pflag type name */
	const char *help;
	char shorthand; /* -h, -v */
};

#define O(f) offsetof(struct options, f)

static const struct opt_def opt_table[] = {
	{ "help", K_BOOL, O(show_help), 0, NULL, "display this message and exit", 'h' },
	{ "version", K_BOOL, O(show_version), 0, NULL, "show pwru version and exit" },
	{ "kernel-btf", K_STR, O(kernel_btf), 0, NULL, "specify kernel BTF file" },
	{ "kmods", K_CSV, O(kmods), 0, NULL, "list of kernel modules names to attach to" },
	{ "all-kmods", K_BOOL, O(all_kmods), 0, NULL, "attach to all available kernel modules" },
	{ "filter-func", K_STR, O(filter_func), 0, NULL,
	  "filter kernel functions and tracepoints to be probed by name (exact match, supports "
	  "RE2-style regular expression, as PCRE2 reads it)" },
	{ "filter-netns", K_LIST, O(filter_netns), 0, NULL,
	  "filter netns (\"/proc/<pid>/ns/net\", \"inode:<inode>\"), repeatable" },
	{ "filter-mark", K_SPECIAL, O(filter_mark), SP_MARK, "mark[/mask]",
	  "filter skb mark (format: mark[/mask], e.g., 0xa00/0xf00; default: 0/0; exact match if "
	  "mask is omitted)" },
	{ "filter-track-skb", K_BOOL, O(filter_track_skb), 0, NULL,
	  "trace a packet even if it does not match given filters (e.g., after NAT or tunnel "
	  "decapsulation)" },
	{ "filter-non-skb-funcs", K_CSV, O(filter_non_skb_funcs), 0, NULL,
	  "filter non-skb kernel functions to be probed (--filter-track-skb-by-stackid will be "
	  "enabled)" },
	{ "filter-track-skb-by-stackid", K_BOOL, O(filter_track_skb_by_stackid), 0, NULL,
	  "trace a packet even after it is kfreed (e.g., traffic going through bridge)" },
	{ "filter-track-bpf-helpers", K_BOOL, O(filter_track_bpf_helpers), 0, NULL,
	  "trace BPF helper functions (those the loaded TC/XDP programs call)" },
	{ "filter-trace-tc", K_BOOL, O(filter_trace_tc), 0, NULL,
	  "trace TC bpf progs (fentry on the programs, next to any backend)" },
	{ "filter-trace-only-bpf", K_BOOL, O(filter_trace_only_bpf), 0, NULL,
	  "with --filter-trace-tc/--filter-trace-xdp: trace the BPF programs alone, no kernel "
	  "function or tracepoint" },
	{ "filter-trace-xdp", K_BOOL, O(filter_trace_xdp), 0, NULL,
	  "trace XDP bpf progs (fentry on the programs, next to any backend)" },
	{ "filter-skb-expr", K_STR, O(filter_skb_expr), 0, NULL,
	  "filter skb with simple C expression, like 'skb->protocol == 0x0800'" },
	{ "filter-xdp-expr", K_STR, O(filter_xdp_expr), 0, NULL,
	  "filter xdp with simple C expression, like 'xdp->rxq->dev->ifindex == 9'" },
	{ "filter-tunnel-pcap-l2", K_STR, O(filter_tunnel_pcap_l2), 0, NULL,
	  "pcap expression for vxlan/geneve tunnel (l2); on IPIP/GRE inner packets (no link "
	  "header) the same expression on their IP header" },
	{ "filter-tunnel-pcap-l3", K_STR, O(filter_tunnel_pcap_l3), 0, NULL,
	  "pcap expression for vxlan/geneve tunnel (l3), IPIP/GRE too" },
	{ "output-tunnel", K_BOOL, O(output_tunnel), 0, NULL,
	  "print encapsulated tunnel header data" },
	{ "filter-kprobe-batch", K_U64, O(kprobe_batch), 0, NULL,
	  "batch size for kprobe attaching/detaching" },
	{ "filter-ifname", K_STR, O(filter_ifname), 0, NULL,
	  "filter skb ifname in --filter-netns (if not specified, use current netns)" },
	{ "filter-pod", K_LIST, O(filter_pod), 0, NULL,
	  "filter the packets of this pod (NS/NAME, or NAME in --namespace), found through the "
	  "container runtime; repeatable" },
	{ "namespace", K_STR, O(pod_namespace), 0, NULL,
	  "Kubernetes namespace of --filter-pod names without one (default: default)" },
	{ "filter-pod-label", K_LIST, O(filter_pod_label), 0, NULL,
	  "filter the packets of pods carrying this label (KEY=VALUE); repeatable" },
	{ "filter-container", K_STR, O(filter_container), 0, NULL,
	  "with --filter-pod: name this container on events" },
	{ "cri-endpoint", K_STR, O(cri_endpoint), 0, NULL,
	  "container runtime socket, unix:///PATH (default: containerd, CRI-O, cri-dockerd)" },
	{ "host-root", K_STR, O(host_root), 0, NULL,
	  "where the host's / is mounted, for /proc and the runtime's socket" },
	{ "allow-host-netns", K_BOOL, O(allow_host_netns), 0, NULL,
	  "allow --filter-pod on host-network pods (matches the whole node)" },
	{ "timestamp", K_SPECIAL, O(timestamp), SP_TIMESTAMP, "string",
	  "print timestamp per skb (\"current\", \"relative\", \"absolute\", \"none\"; ours: "
	  "\"wallclock\")" },
	{ "output-meta", K_BOOL, O(output_meta), 0, NULL, "print skb metadata" },
	{ "output-netns-names", K_BOOL, O(output_netns_names), 0, NULL,
	  "print netns names where possible" },
	{ "netns-names-max-length", K_U8, O(netns_names_max_length), 0, NULL,
	  "maximum number of chars to print per netns name (when not outputting JSON) (min 10)" },
	{ "output-tuple", K_BOOL, O(output_tuple), 0, NULL, "print L4 tuple" },
	{ "output-skb-metadata", K_CSV, O(output_skb_metadata), 0, NULL,
	  "print skb metadata (e.g., \"skb->mark\", \"skb->hash\"), 4 at most" },
	{ "output-xdp-metadata", K_CSV, O(output_xdp_metadata), 0, NULL,
	  "print xdp metadata (e.g., \"xdp->rxq->queue_index\"), 4 at most" },
	{ "output-skb", K_BOOL, O(output_skb), 0, NULL, "print skb" },
	{ "output-skb-shared-info", K_BOOL, O(output_shinfo), 0, NULL, "print skb shared info" },
	{ "set-percpu-buf", K_SPECIAL, O(set_percpu_buf), SP_PERCPU_BUF, "uint32",
	  "set the size of buffers to print skb data (used by --output-skb and "
	  "--output-skb-shared-info)" },
	{ "output-bpfmap", K_BOOL, O(output_bpfmap), 0, NULL,
	  "print function arguments related to bpf maps (with --filter-track-bpf-helpers or "
	  "--filter-non-skb-funcs)" },
	{ "output-stack", K_BOOL, O(output_stack), 0, NULL, "print stack" },
	{ "output-caller", K_BOOL, O(output_caller), 0, NULL, "print caller function name" },
	{ "output-limit-lines", K_U64, O(output_limit_lines), 0, NULL,
	  "exit the program after the number of events has been received/printed" },
	{ "output-skb-cb", K_BOOL, O(output_skb_cb), 0, NULL, "print skb->cb" },
	{ "output-tcp-flags", K_BOOL, O(output_tcp_flags), 0, NULL, "print TCP flags" },
	{ "output-return", K_BOOL, O(output_return), 0, NULL,
	  "print each probed function's return value by name, with --timestamp its duration "
	  "(fexit, kretprobe)" },
	{ "filter-return-error", K_BOOL, O(filter_return_error), 0, NULL,
	  "print only the calls that returned a negative errno or a drop verdict, each after "
	  "its skb's events that led there (implies --output-return)" },
	{ "output-file", K_STR, O(output_file), 0, NULL,
	  "write traces to file (rotates at 100MB by default)" },
	{ "output-file-max-size", K_INT, O(output_file_max_size), 0, NULL,
	  "max size in MB per file before rotation" },
	{ "output-file-max-backups", K_INT, O(output_file_max_backups), 0, NULL,
	  "max number of rotated files to keep (0, no limit)" },
	{ "output-file-max-age", K_INT, O(output_file_max_age), 0, NULL,
	  "max age in days to keep rotated files (0, no limit)" },
	{ "output-file-compress", K_BOOL, O(output_file_compress), 0, NULL,
	  "compress rotated files with gzip" },
	{ "output-pcap", K_STR, O(output_pcap), 0, NULL,
	  "also write each event's packet to this pcapng file, where it was seen as its comment" },
	{ "output-pcap-snaplen", K_SPECIAL, O(output_pcap_snaplen), SP_SNAPLEN, "uint32",
	  "bytes of each packet --output-pcap keeps (1..65535)" },
	{ "output-json", K_BOOL, O(output_json), 0, NULL, "output traces in JSON format" },
	{ "output-json-summary", K_BOOL, O(output_json_summary), 0, NULL,
	  "with --output-json: the summary object ends stdout's stream, not on stderr" },
	{ "ready-file", K_STR, O(ready_file), 0, NULL,
	  "create file after all BPF progs are attached" },
	{ "backend", K_STR, O(backend), 0, NULL,
	  "Tracing backend('kprobe-multi', 'fentry', 'kprobe', 'tracepoint'). Will auto-detect if "
	  "not specified." },
	{ "ringbuf-size", K_SPECIAL, O(ringbuf_size), SP_RINGBUF, "uint32",
	  "event ring buffer size in bytes, a power of two" },
	{ "duration", K_DOUBLE, O(duration), 0, NULL, "exit the program after this many seconds" },
	{ "no-summary", K_BOOL, O(no_summary), 0, NULL,
	  "do not print the drop and path summaries at exit" },
	{ "summary-paths", K_U32, O(summary_paths), 0, NULL,
	  "number of the most common packet paths the exit summary shows (0: none)" },
	{ "list-probes", K_BOOL, O(list_probes), 0, NULL,
	  "print the functions and tracepoints that would be probed, and exit" },
	{ "debug", K_BOOL, O(debug), 0, NULL, "enable debug logging" },
	{ "verbose", K_BOOL, O(verbose), 0, NULL, "list probes that failed to attach, and more",
	  'v' },
};

#define N_OPTS (sizeof(opt_table) / sizeof(opt_table[0]))

/* in enum timestamp_mode order; wallclock is ours */
static const char *const timestamp_names[] = { "none", "current", "relative", "absolute",
					       "wallclock" };

static void options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->output_meta = true;
	o->kprobe_batch = 10;
	o->output_file_max_size = 100;
	o->netns_names_max_length = 16;
	o->summary_paths = PATHS_DEFAULT_SHOWN;
	o->output_tuple = true;
	/*
	 * 8 MiB: on a 2-core host flooded by --output-json --output-pcap, 4 MiB
	 * lost events in 2 floods of 3 (the reader is starved of a CPU, not
	 * slow), 8 MiB none, at 44 MB peak RSS; 16 MiB reaches 60 MB.
	 */
	o->ringbuf_size = 8U << 20;
	o->set_percpu_buf = PWRU_SKB_STR_LEN;
	o->filter_mark_mask = 0xffffffff;
	o->host_root = "/";
	o->output_pcap_snaplen = 256;
}

static const struct opt_def *find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < N_OPTS; i++) {
		if (strlen(opt_table[i].name) == len && !strncmp(opt_table[i].name, name, len))
			return &opt_table[i];
	}
	return NULL;
}

static const struct opt_def *find_short(char c)
{
	for (size_t i = 0; i < N_OPTS; i++) {
		if (opt_table[i].shorthand == c)
			return &opt_table[i];
	}
	return NULL;
}

/* Go's strconv.ParseBool: exactly these twelve words. */
static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcmp(s, yes[i]) || !strcmp(s, no[i])) {
			*out = !strcmp(s, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

static char lower(char c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/*
 * Go's underscoreOK: with base 0, "_" may only separate digits (or follow
 * the base prefix), never lead, trail or double.
 */
static bool underscores_ok(const char *s)
{
	char saw = '^';
	bool hex = false;
	size_t i = 0;

	if (*s == '+' || *s == '-')
		s++;
	if (s[0] == '0' && s[1] && strchr("bBoOxX", s[1])) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; s[i]; i++) {
		if ((s[i] >= '0' && s[i] <= '9') || (hex && digit_value(s[i]) < 16)) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/*
 * Go's strconv.ParseUint(s, base, 64) for base 0 (0x, 0o, 0b prefixes, a
 * leading 0 means octal, "_" separators), 10 or 16. No sign is accepted.
 * -EINVAL for bad syntax, -ERANGE above max.
 */
int go_parse_uint(const char *s, int base, uint64_t max, uint64_t *out)
{
	const char *s0 = s;
	bool base0 = base == 0, underscores = false;
	uint64_t v = 0;

	if (!*s)
		return -EINVAL;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			if (strlen(s) >= 3 && strchr("bBoOxX", s[1])) {
				base = lower(s[1]) == 'b' ? 2 : lower(s[1]) == 'o' ? 8 : 16;
				s += 2;
			} else {
				base = 8;
				s += 1;
			}
		}
	}
	for (; *s; s++) {
		int d;

		if (*s == '_' && base0) {
			underscores = true;
			continue;
		}
		d = digit_value(*s);
		if (d >= base)
			return -EINVAL;
		/* Go reports the range as soon as the digits exceed it. */
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -ERANGE;
		v = v * (uint64_t)base + (uint64_t)d;
		if (v > max)
			return -ERANGE;
	}
	if (underscores && !underscores_ok(s0))
		return -EINVAL;
	*out = v;
	return 0;
}

/* Go's strconv.ParseInt(s, 0, 64). */
int go_parse_int(const char *s, int64_t *out)
{
	bool neg = *s == '-';
	uint64_t v;
	int ret;

	if (*s == '+' || *s == '-')
		s++;
	ret = go_parse_uint(s, 0, UINT64_MAX, &v);
	if (ret)
		return ret;
	if (v > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return -ERANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int number_err(char *err, size_t errlen, int ret, uint64_t max)
{
	if (ret == -ERANGE)
		return set_err(err, errlen, -EINVAL, "value out of range (at most %llu)",
			       (unsigned long long)max);
	return set_err(err, errlen, -EINVAL,
		       "not a number (decimal, 0x hex, 0o or leading-0 octal, 0b binary)");
}

/* cilium/pwru's own rule for marks: "0x" hex, else decimal (a leading 0 is not octal). */
static int parse_mark_part(const char *s, const char *what, uint32_t *out, char *err, size_t errlen)
{
	int base = 10, ret;
	uint64_t v;

	if (s[0] == '0' && lower(s[1]) == 'x') {
		s += 2;
		base = 16;
	}
	ret = go_parse_uint(s, base, UINT32_MAX, &v);
	if (ret == -ERANGE)
		return set_err(err, errlen, -EINVAL, "invalid %s value: out of range (32 bits)",
			       what);
	if (ret)
		return set_err(err, errlen, -EINVAL,
			       "invalid %s value: expected decimal or 0x hexadecimal", what);
	*out = (uint32_t)v;
	return 0;
}

static int parse_mark(struct options *o, const char *s, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char mark[32];
	uint32_t value, mask = 0xffffffff;
	int ret;

	if (slash && strchr(slash + 1, '/'))
		return set_err(err, errlen, -EINVAL, "expected mark[/mask]");
	if ((slash ? (size_t)(slash - s) : strlen(s)) >= sizeof(mark))
		return set_err(err, errlen, -EINVAL, "invalid mark value: too long");
	snprintf(mark, sizeof(mark), "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
	ret = parse_mark_part(mark, "mark", &value, err, errlen);
	if (!ret && slash)
		ret = parse_mark_part(slash + 1, "mask", &mask, err, errlen);
	if (ret)
		return ret;
	o->filter_mark = value;
	o->filter_mark_mask = mask;
	o->filter_mark_set = true;
	return 0;
}

static int parse_timestamp(struct options *o, const char *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(timestamp_names) / sizeof(timestamp_names[0]); i++) {
		if (!strcmp(s, timestamp_names[i])) {
			o->timestamp = (enum timestamp_mode)i;
			return 0;
		}
	}
	return set_err(err, errlen, -EINVAL, "expected none, current, relative or absolute");
}

/*
 * A number in Go's base-0 syntax that must fit the flag's type (type_max: a
 * larger one is pflag's "out of range") and then lie in [lo, hi].
 */
static int parse_uint_in(const char *s, uint64_t type_max, uint64_t lo, uint64_t hi,
			 const char *unit, uint64_t *v, char *err, size_t errlen)
{
	int ret = go_parse_uint(s, 0, type_max, v);

	if (ret)
		return number_err(err, errlen, ret, type_max);
	if (*v < lo || *v > hi)
		return set_err(err, errlen, -EINVAL, "expected %llu to %llu%s",
			       (unsigned long long)lo, (unsigned long long)hi, unit);
	return 0;
}

static int parse_ringbuf(struct options *o, const char *s, char *err, size_t errlen)
{
	uint64_t v;
	int ret = parse_uint_in(s, 1U << 30, 0, 1U << 30, "", &v, err, errlen);

	if (ret)
		return ret;
	if (v < 4096 || (v & (v - 1)))
		return set_err(err, errlen, -EINVAL, "expected a power of two, at least 4096");
	o->ringbuf_size = v;
	return 0;
}

static int parse_snaplen(struct options *o, const char *s, char *err, size_t errlen)
{
	uint64_t v;
	int ret = parse_uint_in(s, PWRU_PCAP_SNAPLEN_MAX, 1, PWRU_PCAP_SNAPLEN_MAX, "", &v, err,
				errlen);

	if (!ret)
		o->output_pcap_snaplen = (uint32_t)v;
	return ret;
}

/* Each dump is one ring buffer record's tail: bounded so a record fits the ring. */
static int parse_percpu_buf(struct options *o, const char *arg, char *err, size_t errlen)
{
	uint64_t v;
	int ret = parse_uint_in(arg, UINT32_MAX, PWRU_DUMP_LEN_MIN, PWRU_DUMP_LEN_MAX, " bytes", &v,
				err, errlen);

	if (!ret)
		o->set_percpu_buf = (uint32_t)v;
	return ret;
}

static int list_push(struct str_list *l, const char *s, char *err, size_t errlen)
{
	if (l->n >= OPT_LIST_MAX)
		return set_err(err, errlen, -E2BIG, "more than %d values", OPT_LIST_MAX);
	l->items[l->n++] = s;
	return 0;
}

/* pflag's StringSlice: "a,b" is two values; the argv string is ours to cut. */
static int csv_push(struct str_list *l, char *s, char *err, size_t errlen)
{
	/* Checked before cutting, so the error can quote the whole value. */
	if (*s == ',' || strstr(s, ",,") || (*s && s[strlen(s) - 1] == ','))
		return set_err(err, errlen, -EINVAL, "empty item in a comma-separated list");
	for (char *item = s; item && *item;) {
		char *comma = strchr(item, ',');
		int ret;

		if (comma)
			*comma = '\0';
		ret = list_push(l, item, err, errlen);
		if (ret)
			return ret;
		item = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int apply_special(struct options *o, const struct opt_def *d, const char *arg, char *err,
			 size_t errlen)
{
	switch (d->special) {
	case SP_MARK:
		return parse_mark(o, arg, err, errlen);
	case SP_TIMESTAMP:
		return parse_timestamp(o, arg, err, errlen);
	case SP_RINGBUF:
		return parse_ringbuf(o, arg, err, errlen);
	case SP_SNAPLEN:
		return parse_snaplen(o, arg, err, errlen);
	case SP_PERCPU_BUF:
		return parse_percpu_buf(o, arg, err, errlen);
	}
	return set_err(err, errlen, -EINVAL, "no parser for this flag");
}

static int apply_uint(void *field, enum opt_kind kind, const char *arg, char *err, size_t errlen)
{
	uint64_t max = kind == K_U8 ? UINT8_MAX : kind == K_U32 ? UINT32_MAX : UINT64_MAX, v;
	int ret = go_parse_uint(arg, 0, max, &v);

	if (ret)
		return number_err(err, errlen, ret, max);
	if (kind == K_U8)
		*(uint8_t *)field = (uint8_t)v;
	else if (kind == K_U32)
		*(uint32_t *)field = (uint32_t)v;
	else
		*(uint64_t *)field = v;
	return 0;
}

/* Sets one flag; the reason for a refusal goes to err (the caller adds which flag). */
static int apply_opt(struct options *o, const struct opt_def *d, char *arg, char *err,
		     size_t errlen)
{
	void *field = (char *)o + d->off;
	char *end;
	int ret;

	switch (d->kind) {
	case K_BOOL:
		if (parse_bool(arg, field))
			return set_err(err, errlen, -EINVAL,
				       "not a boolean (1, t, T, TRUE, true, True, 0, f, F, FALSE, "
				       "false, False)");
		return 0;
	case K_STR:
		/* cilium/pwru reads "" as not given (stdout, auto backend, no ready file) */
		*(const char **)field = *arg ? arg : NULL;
		return 0;
	case K_LIST:
		return list_push(field, arg, err, errlen);
	case K_CSV:
		return csv_push(field, arg, err, errlen);
	case K_U8:
	case K_U32:
	case K_U64:
		return apply_uint(field, d->kind, arg, err, errlen);
	case K_INT:
		ret = go_parse_int(arg, field);
		return ret ? number_err(err, errlen, ret, INT64_MAX) : 0;
	case K_DOUBLE:
		errno = 0;
		*(double *)field = strtod(arg, &end);
		if (!*arg || *end || errno || !isfinite(*(double *)field) || *(double *)field < 0)
			return set_err(err, errlen, -EINVAL, "not a non-negative number");
		return 0;
	case K_SPECIAL:
		return apply_special(o, d, arg, err, errlen);
	}
	return set_err(err, errlen, -EINVAL, "no parser for this flag");
}

static int set_flag(struct options *o, const struct opt_def *d, char *arg, char *err, size_t errlen)
{
	char why[160];
	int ret = apply_opt(o, d, arg, why, sizeof(why));

	if (ret && d->shorthand)
		return set_err(err, errlen, ret,
			       "invalid argument \"%s\" for \"-%c, --%s\" flag: %s", arg,
			       d->shorthand, d->name, why);
	if (ret)
		return set_err(err, errlen, ret, "invalid argument \"%s\" for \"--%s\" flag: %s",
			       arg, d->name, why);
	return 0;
}

/*
 * "--name", "--name=value" or "--name value": only the exact name counts
 * (pflag has no abbreviations), a boolean never takes the next word.
 */
static int parse_long(struct options *o, int argc, char **argv, int *i, char *err, size_t errlen)
{
	char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt_def *d;

	if (!*name || *name == '-' || *name == '=')
		return set_err(err, errlen, -EINVAL, "bad flag syntax: %s", argv[*i]);
	d = find_long(name, len);
	if (!d)
		return set_err(err, errlen, -EINVAL, "unknown flag: --%.*s", (int)len, name);
	if (eq)
		return set_flag(o, d, eq + 1, err, errlen);
	if (d->kind == K_BOOL) {
		*(bool *)((char *)o + d->off) = true;
		return 0;
	}
	if (*i + 1 >= argc)
		return set_err(err, errlen, -EINVAL, "flag needs an argument: --%s", d->name);
	*i += 1;
	return set_flag(o, d, argv[*i], err, errlen);
}

/* "-h", "-hv", "-h=false": every short flag we have is a boolean. */
static int parse_short(struct options *o, char *arg, char *err, size_t errlen)
{
	for (char *c = arg + 1; *c; c++) {
		const struct opt_def *d = find_short(*c);

		if (!d)
			return set_err(err, errlen, -EINVAL, "unknown shorthand flag: '%c' in %s",
				       *c, arg);
		if (c[1] == '=')
			return set_flag(o, d, c + 2, err, errlen);
		if (d->kind != K_BOOL)
			return set_err(err, errlen, -EINVAL, "-%c: only booleans are short flags",
				       *c);
		*(bool *)((char *)o + d->off) = true;
	}
	return 0;
}

/* Like cilium/pwru, the words left over are one pcap filter, joined by spaces. */
static int join_filter(struct options *o, char **words, int n, char *err, size_t errlen)
{
	size_t len = 0;
	char *expr;

	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	if (len <= (size_t)n)
		return 0; /* nothing but empty words: no filter, as "" is for cilium/pwru */
	expr = calloc(1, len);
	if (!expr)
		return set_err(err, errlen, -ENOMEM, "out of memory");
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(expr, " ");
		strcat(expr, words[i]);
	}
	o->pcap_filter = expr;
	return 0;
}

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen)
{
	char **words = calloc(argc > 0 ? argc : 1, sizeof(*words));
	int n = 0, ret = 0;

	options_defaults(o);
	if (!words)
		return set_err(err, errlen, -ENOMEM, "out of memory");
	for (int i = 1; i < argc && !ret; i++) {
		char *s = argv[i];

		if (s[0] != '-' || !s[1]) {
			words[n++] = s; /* "" and "-" are words too */
		} else if (!strcmp(s, "--")) {
			while (++i < argc)
				words[n++] = argv[i];
		} else if (s[1] == '-') {
			ret = parse_long(o, argc, argv, &i, err, errlen);
		} else {
			ret = parse_short(o, s, err, errlen);
		}
	}
	if (!ret)
		ret = join_filter(o, words, n, err, errlen);
	if (o->filter_non_skb_funcs.n || o->filter_track_bpf_helpers)
		o->filter_track_skb_by_stackid = true;
	if (!ret && o->output_bpfmap && !o->filter_track_bpf_helpers && !o->filter_non_skb_funcs.n)
		ret = set_err(
			err, errlen, -EINVAL,
			"--output-bpfmap shows the map functions that --filter-track-bpf-helpers "
			"or --filter-non-skb-funcs probes: give one of them");
	if (!ret && o->netns_names_max_length < 10)
		ret = set_err(err, errlen, -EINVAL, "--netns-names-max-length must be at least 10");
	/* the failed returns are what it selects */
	if (o->filter_return_error)
		o->output_return = true;
	free(words);
	return ret;
}

size_t options_flag_count(void)
{
	return N_OPTS;
}

const char *options_flag_name(size_t i)
{
	return i < N_OPTS ? opt_table[i].name : NULL;
}

static const char *type_name(const struct opt_def *d)
{
	static const char *const names[] = {
		[K_BOOL] = "",	       [K_STR] = "string", [K_LIST] = "string",
		[K_CSV] = "strings",   [K_U8] = "uint8",   [K_U32] = "uint32",
		[K_U64] = "uint",      [K_INT] = "int",	   [K_DOUBLE] = "float",
		[K_SPECIAL] = "value",
	};

	return d->arg ? d->arg : names[d->kind];
}

/*
 * The default as pflag prints it: only when it is not the type's zero,
 * quoted for strings. Read from the defaults themselves, so it cannot lie.
 */
static void default_text(const struct options *def, const struct opt_def *d, char *buf, size_t len)
{
	const void *field = (const char *)def + d->off;
	const char *s;

	buf[0] = '\0';
	switch (d->kind) {
	case K_BOOL:
		if (*(const bool *)field)
			snprintf(buf, len, "true");
		break;
	case K_STR:
		s = *(const char *const *)field;
		if (s && *s)
			snprintf(buf, len, "\"%s\"", s);
		break;
	case K_U8:
	case K_U32:
	case K_U64: {
		uint64_t v = d->kind == K_U8  ? *(const uint8_t *)field :
			     d->kind == K_U32 ? *(const uint32_t *)field :
						*(const uint64_t *)field;

		if (v)
			snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	}
	case K_INT:
		if (*(const int64_t *)field)
			snprintf(buf, len, "%lld", (long long)*(const int64_t *)field);
		break;
	case K_DOUBLE:
		if (*(const double *)field != 0)
			snprintf(buf, len, "%g", *(const double *)field);
		break;
	case K_LIST:
	case K_CSV:
		break;
	case K_SPECIAL:
		if (d->special == SP_MARK) /* unset matches every mark, as 0/0 does */
			snprintf(buf, len, "0x%x/0x%x", def->filter_mark,
				 def->filter_mark_set ? def->filter_mark_mask : 0);
		else if (d->special == SP_TIMESTAMP)
			snprintf(buf, len, "\"%s\"", timestamp_names[def->timestamp]);
		else if (d->special == SP_RINGBUF)
			snprintf(buf, len, "%u", def->ringbuf_size);
		else if (d->special == SP_SNAPLEN)
			snprintf(buf, len, "%u", def->output_pcap_snaplen);
		else if (d->special == SP_PERCPU_BUF)
			snprintf(buf, len, "%u", def->set_percpu_buf);
		break;
	}
}

static void flag_column(const struct opt_def *d, char *buf, size_t len)
{
	const char *type = type_name(d);

	if (d->shorthand)
		snprintf(buf, len, "  -%c, --%s%s%s", d->shorthand, d->name, *type ? " " : "",
			 type);
	else
		snprintf(buf, len, "      --%s%s%s", d->name, *type ? " " : "", type);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(opt_table[*(const size_t *)a].name, opt_table[*(const size_t *)b].name);
}

void options_print_help(FILE *f, const char *prog)
{
	struct options def;
	size_t order[N_OPTS], width = 0;
	char left[96], dflt[64];

	options_defaults(&def);
	for (size_t i = 0; i < N_OPTS; i++) {
		order[i] = i;
		flag_column(&opt_table[i], left, sizeof(left));
		if (strlen(left) > width)
			width = strlen(left);
	}
	qsort(order, N_OPTS, sizeof(order[0]), by_name);
	fprintf(f,
		"Usage: %s [options] [pcap-filter]\n"
		"    Available pcap-filter: see \"man 7 pcap-filter\"\n"
		"    Available options:\n",
		prog);
	for (size_t i = 0; i < N_OPTS; i++) {
		const struct opt_def *d = &opt_table[order[i]];

		flag_column(d, left, sizeof(left));
		default_text(&def, d, dflt, sizeof(dflt));
		fprintf(f, "%-*s   %s%s%s%s\n", (int)width, left, d->help,
			*dflt ? " (default " : "", dflt, *dflt ? ")" : "");
	}
	fprintf(f,
		"\nExamples:\n"
		"  %s --output-tuple 'dst host 198.18.0.2 and tcp and dst port 80'\n"
		"  %s icmp --filter-netns /var/run/netns/blue --output-json\n"
		"  %s --filter-pod shop/frontend-7d9c 'tcp port 80'\n",
		prog, prog, prog);
}
