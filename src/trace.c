// SPDX-License-Identifier: GPL-2.0
/* The pipeline, start to end; every stage below lives in its own file. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "attacher.h"
#include "bpf_helpers.h"
#include "bpf_progs.h"
#include "debug_log.h"
#include "drop_reasons.h"
#include "enrich.h"
#include "errmsg.h"
#include "events.h"
#include "filters.h"
#include "ifnames.h"
#include "ksyms.h"
#include "loader.h"
#include "netns_names.h"
#include "non_skb.h"
#include "output.h"
#include "output_file.h"
#include "output_pcap.h"
#include "paths.h"
#include "pods.h"
#include "probes.h"
#include "proc_names.h"
#include "progress.h"
#include "ready_file.h"
#include "retfilter.h"
#include "summary.h"
#include "trace.h"
#include "tracefs.h"

struct trace {
	const struct options *o;
	struct filter_set filters;
	struct attacher *attacher;
	struct probe_list probes;
	struct loader *loader;
	int cancel_fd; /* a signalfd of SIGINT/SIGTERM, polled while attaching */
	struct btf *vmlinux;
	struct enricher en;
	pthread_t ksyms_thread; /* /proc/kallsyms parses while we attach */
	bool ksyms_started;
	int ksyms_err;
	struct output_cfg ocfg;
	struct drop_summary drops;
	struct obuf out;      /* fd -1 until open_output */
	struct out_file file; /* --output-file, rotated */
	struct text_widths widths;
	uint64_t printed;
	struct pcap_writer pcap; /* --output-pcap, a sink next to stdout's; fd -1 without */
	char err[512];
	/* slots NULL without the path summary */
	struct path_summary paths;
	/* --filter-return-error, NULL without */
	struct ret_filter *rf;
};

static int check_environment(struct trace *t)
{
	if (t->o->kernel_btf && access(t->o->kernel_btf, R_OK))
		return set_err(t->err, sizeof(t->err), -errno, "--kernel-btf %s: %s",
			       t->o->kernel_btf, strerror(errno));
	if (!t->o->kernel_btf && access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(t->err, sizeof(t->err),
			 "this kernel has no BTF (/sys/kernel/btf/vmlinux): "
			 "pwru needs CONFIG_DEBUG_INFO_BTF=y");
		return -ENOENT;
	}
	if (geteuid() != 0) {
		snprintf(t->err, sizeof(t->err),
			 "needs root (CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN and CAP_SYS_ADMIN)");
		return -EPERM;
	}
	return 0;
}

/*
 * --filter-trace-tc/-xdp with no such program loaded: say so and trace the
 * rest, as cilium/pwru does; with --filter-trace-only-bpf nothing is left.
 */
static int no_programs_is_a_notice(struct trace *t, int ret)
{
	if (ret != -ENOENT || t->o->filter_trace_only_bpf)
		return ret;
	fprintf(stderr, "%s; tracing the rest\n", t->err);
	t->err[0] = '\0';
	return 0;
}

/* Functions without an skb need function probes: tracepoints cannot reach them. */
static int add_non_skb_funcs(struct trace *t, bool have_funcs)
{
	const struct str_list *l = &t->o->filter_non_skb_funcs;

	if (!have_funcs)
		return set_err(t->err, sizeof(t->err), -EOPNOTSUPP,
			       "--filter-non-skb-funcs needs function probes (kprobe-multi, fentry "
			       "or kprobe), and this run has none: %s",
			       attacher_describe(t->attacher));
	return non_skb_funcs_add(&t->probes, t->vmlinux, l->items, l->n, true, t->o->output_bpfmap,
				 t->err, sizeof(t->err));
}

static void ksyms_start(struct trace *t);
static void ksyms_wait(struct trace *t);

/* --filter-track-bpf-helpers: what the loaded TC/XDP programs call, probed as non-skb funcs. */
static int add_bpf_helpers(struct trace *t, bool have_funcs)
{
	struct helper_names h = {};
	const char **names = NULL;
	int ret;

	if (!have_funcs)
		return set_err(t->err, sizeof(t->err), -EOPNOTSUPP,
			       "--filter-track-bpf-helpers needs function probes (kprobe-multi, "
			       "fentry or kprobe), and this run has none: %s",
			       attacher_describe(t->attacher));
	ksyms_start(t);
	ksyms_wait(t);
	ret = bpf_helpers_discover(t->en.ksyms, &h, t->err, sizeof(t->err));
	if (!ret && !h.n)
		fprintf(stderr, "--filter-track-bpf-helpers: no loaded TC/XDP program calls a "
				"kernel helper\n");
	if (!ret && h.n) {
		names = calloc(h.n, sizeof(*names));
		if (!names)
			ret = set_err(t->err, sizeof(t->err), -ENOMEM, "out of memory");
		for (size_t i = 0; names && i < h.n; i++)
			names[i] = h.v[i];
	}
	if (names)
		ret = non_skb_funcs_add(&t->probes, t->vmlinux, names, h.n, false,
					t->o->output_bpfmap, t->err, sizeof(t->err));
	free(names);
	helper_names_free(&h);
	return ret;
}

static int discover_probes(struct trace *t, const char *tracefs)
{
	const struct options *o = t->o;
	struct probe_query q = {
		.want_funcs = attacher_wants_funcs(t->attacher),
		.want_tracepoints = attacher_wants_tracepoints(t->attacher),
		.filter_func = o->filter_func,
		.kmods = o->kmods.items,
		.n_kmods = o->kmods.n,
		.all_kmods = o->all_kmods,
		.tracefs = tracefs,
		.vmlinux = t->vmlinux,
	};
	int ret;

	if (o->filter_trace_only_bpf && !o->filter_trace_tc && !o->filter_trace_xdp)
		return set_err(
			t->err, sizeof(t->err), -EINVAL,
			"--filter-trace-only-bpf needs --filter-trace-tc or --filter-trace-xdp");
	/* the programs alone: no BTF scan for functions and tracepoints */
	ret = o->filter_trace_only_bpf ? 0 :
					 probes_discover(&q, &t->probes, t->err, sizeof(t->err));
	if (ret)
		return ret;
	if (!ret && o->filter_non_skb_funcs.n)
		ret = add_non_skb_funcs(t, q.want_funcs);
	if (!ret && o->filter_track_bpf_helpers)
		ret = add_bpf_helpers(t, q.want_funcs);
	if (!ret && o->filter_trace_tc)
		ret = no_programs_is_a_notice(
			t, bpf_progs_discover_tc(&t->probes, t->err, sizeof(t->err)));
	if (!ret && o->filter_trace_xdp)
		ret = no_programs_is_a_notice(
			t, bpf_progs_discover_xdp(&t->probes, t->err, sizeof(t->err)));
	if (!ret)
		ret = attacher_compose(t->attacher, &t->probes, t->err, sizeof(t->err));
	if (ret)
		return ret;
	if (q.want_funcs && !t->probes.ftrace_checked)
		fprintf(stderr, "available_filter_functions is not readable: "
				"keeping every function BTF lists\n");
	return 0;
}

static int load_programs(struct trace *t)
{
	struct loader_opts lo = {
		.vmlinux = t->vmlinux,
		.btf_custom_path = t->o->kernel_btf,
		.ringbuf_size = t->o->ringbuf_size,
	};
	int ret;

	filters_to_config(&t->filters, t->o, &lo.cfg);
	lo.cfg.output_return = t->o->output_return && attacher_wants_funcs(t->attacher);
	if (t->o->output_bpfmap) {
		int off = htab_elem_key_offset(t->vmlinux);

		lo.cfg.htab_key_off = off > 0 ? off : 0;
	}
	filters_loader_hooks(&t->filters, &lo);
	ret = loader_new(&lo, &t->loader);
	if (ret) {
		snprintf(t->err, sizeof(t->err), "opening BPF objects: %s", strerror(-ret));
		return ret;
	}
	ret = attacher_prepare(t->attacher, t->loader, t->err, sizeof(t->err));
	if (ret)
		return ret;
	ret = loader_load(t->loader, t->err, sizeof(t->err));
	if (ret)
		return ret;
	return filters_fill_maps(&t->filters, t->loader, t->err, sizeof(t->err));
}

static void list_probes(const struct probe_list *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		const struct probe *p = &pl->v[i];

		if (p->kind == PROBE_TP)
			printf("%s:%s\n", p->group, p->name);
		else if (p->kind == PROBE_BPF_PROG)
			printf("%s[%s]\n", p->name, p->group);
		else
			printf("%s\n", p->name);
	}
}

static void list_failed(const struct trace *t)
{
	for (size_t i = 0; i < t->probes.n; i++) {
		int err = attacher_probe_result(t->attacher, i);

		if (err < 0)
			fprintf(stderr, "  not attached: %s (%s)\n", t->probes.v[i].name,
				strerror(-err));
	}
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *load_ksyms(void *arg)
{
	struct trace *t = arg;

	t->ksyms_err = ksyms_load("/proc/kallsyms", &t->en.ksyms);
	return NULL;
}

/* 200k symbols take a few hundred ms to parse: do it on the other core. */
static void ksyms_start(struct trace *t)
{
	if (t->en.ksyms)
		return; /* loaded early (--filter-track-bpf-helpers) */
	t->ksyms_started = pthread_create(&t->ksyms_thread, NULL, load_ksyms, t) == 0;
	if (!t->ksyms_started)
		load_ksyms(t);
}

static void ksyms_wait(struct trace *t)
{
	if (t->ksyms_started)
		pthread_join(t->ksyms_thread, NULL);
	t->ksyms_started = false;
	if (t->ksyms_err)
		fprintf(stderr, "/proc/kallsyms unreadable: drop sites print as addresses\n");
	t->ksyms_err = 0;
}

/* Addresses for strategies that attach by address (kprobe-multi), asked only then. */
static uint64_t func_addr(void *ctx, const char *func)
{
	struct trace *t = ctx;

	ksyms_wait(t);
	return ksyms_addr(t->en.ksyms, func);
}

static int attach_probes(struct trace *t)
{
	double start = mono_ms();
	struct attach_counts c;
	struct progress p;
	int ret;

	progress_start(&p, stderr, t->o->progress_tty, "Attaching probes", t->probes.n);
	ret = attacher_attach(t->attacher, &p, t->err, sizeof(t->err));
	progress_end(&p);
	attacher_counts(t->attacher, &c);
	if (ret == -ECANCELED) {
		fprintf(stderr, "Interrupted after attaching %zu of %zu\n", c.attached,
			c.attached + c.failed + c.not_tried);
		return ret;
	}
	if (ret)
		return ret;
	fprintf(stderr, "Attached %zu (ignored %zu) in %.0f ms\n", c.attached, c.failed,
		mono_ms() - start);
	if (t->o->verbose)
		list_failed(t);
	if (!c.attached) {
		snprintf(t->err, sizeof(t->err), "no probe could be attached");
		return -ENOENT;
	}
	if (c.copy_probes)
		fprintf(stderr, "Following tracked skbs into clones and copies (%zu probes)\n",
			c.copy_probes);
	if (t->o->output_return && c.ret_probes)
		fprintf(stderr, "Reporting returns by %s (%zu functions)\n", c.ret_strategy,
			c.ret_probes);
	else if (t->o->output_return)
		fprintf(stderr, "%s: no return probes (%s): %s\n",
			t->o->filter_return_error ? "--filter-return-error" : "--output-return",
			attacher_wants_funcs(t->attacher) ? "refused" :
							    "the tracepoint backend has none",
			t->o->filter_return_error ? "nothing to print" : "no return values");
	/* said once the run is sure to start, so a bad input still gets one line */
	if (t->filters.pods && (t->o->filter_pod.n || t->o->filter_pod_label.n))
		fprintf(stderr, "Resolving pods through %s\n", pods_source(t->filters.pods));
	else if (t->filters.pods)
		fprintf(stderr, "Naming pods from %s\n", pods_source(t->filters.pods));
	return 0;
}

static void format_event(struct trace *t, struct obuf *b, const struct record *r)
{
	if (t->o->output_json)
		output_json_event(b, &t->ocfg, r);
	else
		output_text_event(b, &t->ocfg, &t->widths, r);
}

static int on_event(void *ctx, const void *data, size_t size)
{
	struct trace *t = ctx;
	struct record r;

	/* Once the output failed, every event still read is counted, none formatted. */
	if (t->out.err) {
		obuf_event_skipped(&t->out);
		return 1;
	}
	if (t->o->output_limit_lines && t->printed >= t->o->output_limit_lines)
		return 1;
	if (enrich_record(&t->en, data, size, &r))
		return 0;
	drop_summary_add(&t->drops, &r);
	if (t->paths.slots)
		paths_add(&t->paths, &r);
	if (t->rf) {
		format_event(t, &t->rf->scratch, &r);
		t->printed += ret_filter_take(t->rf, &r, &t->out);
	} else {
		format_event(t, &t->out, &r);
		t->printed++;
	}
	/* a return carries no packet of its own */
	if (t->o->output_pcap && !(r.ev->flags & PWRU_EV_RET))
		pcap_write_record(&t->pcap, &r);
	if (t->out.err)
		return 1;
	if (t->o->output_limit_lines && t->printed >= t->o->output_limit_lines)
		return 1;
	return 0;
}

/* Events reach a pipe (kubectl logs, | grep) as they happen, one write per batch. */
static int flush_output(void *ctx)
{
	struct trace *t = ctx;

	/* a failed pcap file is reported at the end; stdout's reader still gets its lines */
	if (t->o->output_pcap)
		obuf_flush(&t->pcap.out);
	return obuf_flush(&t->out) ? 1 : 0;
}

static int open_output(struct trace *t)
{
	const struct options *o = t->o;
	/* cilium/pwru's logger: a size of 0 or less means its default, 100 MB */
	struct out_file_opts fo = {
		.path = o->output_file,
		.max_bytes = (uint64_t)(o->output_file_max_size > 0 ? o->output_file_max_size : 100)
			     << 20,
		.max_backups = o->output_file_max_backups > 0 ? o->output_file_max_backups : 0,
		.max_age_days = o->output_file_max_age > 0 ? o->output_file_max_age : 0,
		.compress = o->output_file_compress,
	};
	int ret;

	/* A reader that went away (| head) is a write error we count, not a signal that kills. */
	signal(SIGPIPE, SIG_IGN);
	if (!o->output_file) {
		obuf_init(&t->out, STDOUT_FILENO);
		return 0;
	}
	ret = out_file_open(&t->file, &fo, t->err, sizeof(t->err));
	if (ret)
		return ret;
	obuf_init(&t->out, t->file.fd);
	t->out.file = &t->file;
	return 0;
}

/* Ends the run's output: the error line for the user, or 0 (a closed pipe is a normal end). */
static int output_result(struct trace *t)
{
	const char *name = t->o->output_file ? t->o->output_file : "stdout";

	if (t->o->output_pcap && t->pcap.out.err)
		return set_err(t->err, sizeof(t->err), -t->pcap.out.err,
			       "--output-pcap %s: %s; %llu packets not written", t->o->output_pcap,
			       strerror(t->pcap.out.err),
			       (unsigned long long)t->pcap.out.unwritten);

	if (!t->out.err || (t->out.err == EPIPE && !t->o->output_file))
		return 0;
	return set_err(t->err, sizeof(t->err), -t->out.err, "%s%s: %s; %llu events not written",
		       t->o->output_file ? "--output-file " : "", name, strerror(t->out.err),
		       (unsigned long long)t->out.unwritten);
}

/* The path summary names functions as the events do, and ends paths at the frees it sees. */
static int setup_paths(struct trace *t)
{
	uint32_t consume_id = UINT32_MAX, free_id = UINT32_MAX;

	if (t->o->no_summary || !t->o->summary_paths)
		return 0;
	for (size_t i = 0; i < t->probes.n; i++) {
		if (t->probes.v[i].special == SPECIAL_CONSUME_SKB_TP)
			consume_id = (uint32_t)i;
		else if (t->probes.v[i].special == SPECIAL_SKB_FREE)
			free_id = (uint32_t)i;
	}
	if (paths_init(&t->paths, (const char(*)[256])t->en.func_names, t->probes.n, consume_id,
		       free_id, !attacher_wants_funcs(t->attacher))) {
		snprintf(t->err, sizeof(t->err), "path summary: %s", strerror(ENOMEM));
		return -ENOMEM;
	}
	return 0;
}

static int setup_enricher(struct trace *t)
{
	struct enricher *en = &t->en;
	int ret;

	output_cfg_from_options(&t->ocfg, t->o);
	ret = enricher_init(en, &t->probes, &t->ocfg);
	if (ret)
		return ret;
	if (drop_reasons_load(t->vmlinux, &en->reasons) == -ENOENT)
		fprintf(stderr, "This kernel has no drop reasons (before 5.17): drops show as "
				"kfree_skb(0) with their site\n");
	en->ifnames = ifnames_new(t->o->host_root);
	if (t->o->output_netns_names)
		en->netns_names = netns_names_new(t->o->host_root);
	/* cilium/pwru's JSON "process" names the executable; text keeps comm */
	if (t->o->output_json) {
		en->procs = proc_names_new(t->o->host_root);
		if (!en->procs)
			return -ENOMEM;
	}
	en->pods = t->filters.pods;
	en->expr = t->filters.expr;
	en->stacks_fd = loader_map_fd(t->loader, MAP_STACKS);
	if (t->o->output_return && attacher_wants_funcs(t->attacher)) {
		ret = enricher_returns(en, t->vmlinux);
		if (ret)
			return ret;
	}
	if (t->o->filter_return_error) {
		t->rf = calloc(1, sizeof(*t->rf));
		if (!t->rf || ret_filter_init(t->rf))
			return -ENOMEM;
	}
	return setup_paths(t);
}

static void detach_probes(struct trace *t)
{
	double start = mono_ms();
	struct attach_counts c;
	struct progress p;
	size_t n;

	attacher_counts(t->attacher, &c);
	progress_start(&p, stderr, t->o->progress_tty, "Detaching probes", c.links);
	n = attacher_detach(t->attacher, &p);
	progress_end(&p);
	fprintf(stderr, "Detached %zu in %.0f ms\n", n, mono_ms() - start);
}

static void final_report(struct trace *t)
{
	const struct path_summary *paths;
	struct kernel_counts k = {};

	counters_read(loader_map_fd(t->loader, MAP_COUNTERS), &k);
	drop_summary_sort(&t->drops);
	paths_finish(&t->paths);
	paths_sort(&t->paths);
	paths = t->paths.slots ? &t->paths : NULL;
	/* Every stdout line is an event unless the summary is asked for in the stream. */
	if (t->o->output_json && t->o->output_json_summary && !t->out.err)
		output_json_summary(&t->out, t->printed, &k, &t->drops, paths, t->o->summary_paths);
	obuf_flush(&t->out);
	if (t->o->output_pcap)
		obuf_flush(&t->pcap.out);
	if (t->o->output_json && !t->o->output_json_summary) {
		struct obuf err;

		obuf_init(&err, STDERR_FILENO);
		output_json_summary(&err, t->printed, &k, &t->drops, paths, t->o->summary_paths);
		obuf_flush(&err);
		obuf_free(&err);
	}
	if (!t->o->no_summary)
		drop_summary_print(stderr, &t->drops);
	if (paths)
		paths_print(stderr, paths, t->o->summary_paths);
	if (t->rf && t->rf->left_out)
		fprintf(stderr,
			"--filter-return-error: %llu events before failed returns left out "
			"(%d kept per skb)\n",
			(unsigned long long)t->rf->left_out, RETFILTER_HELD_MAX);
	fprintf(stderr, "%llu events, %llu lost", (unsigned long long)t->out.written,
		(unsigned long long)k.lost);
	/* Whatever went missing is in one of the three counts: they add up to the kernel's. */
	if (t->out.unwritten)
		fprintf(stderr, ", %llu not written", (unsigned long long)t->out.unwritten);
	if (t->out.unwritten || k.lost)
		fprintf(stderr, " (the kernel matched %llu)", (unsigned long long)k.matched);
	fputc('\n', stderr);
	if (t->o->output_pcap)
		fprintf(stderr, "%llu packets in %s, %llu not written\n",
			(unsigned long long)t->pcap.out.written, t->o->output_pcap,
			(unsigned long long)t->pcap.out.unwritten);
}

static int trace_events(struct trace *t)
{
	struct event_reader *r = NULL;
	int ret;

	ret = event_reader_new(loader_map_fd(t->loader, MAP_EVENTS), on_event, flush_output, t, &r);
	if (ret) {
		snprintf(t->err, sizeof(t->err), "ring buffer: %s", strerror(-ret));
		return ret;
	}
	ksyms_wait(t);
	if (!t->o->output_file) /* a pipe's reader going away; a file has none */
		event_reader_watch_output(r, t->out.fd);
	if (!t->o->output_json) {
		output_text_header(&t->out, &t->ocfg);
		obuf_flush(&t->out);
	}
	fprintf(stderr, "Listening for events...\n");
	ret = event_reader_run(r, t->o->duration);
	if (ret == EVENT_READER_OUTPUT_CLOSED) {
		t->out.err = EPIPE;
		ret = 0;
	}
	detach_probes(t);
	/* What the kernel wrote before the links went away is still ours to print, or to count. */
	event_reader_drain(r);
	event_reader_free(r);
	final_report(t);
	if (ret < 0)
		return ret;
	return output_result(t);
}

/*
 * Read through signalfds: one here, polled (never read) while attaching, and
 * the event loop's own. Until one is read a Ctrl-C stays pending.
 */
static int block_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* The signal that stopped the attach is handled: a second one stops the detach. */
static void consume_signal(int sigfd)
{
	struct signalfd_siginfo si;

	while (sigfd >= 0 && read(sigfd, &si, sizeof(si)) == sizeof(si))
		;
}

/* Ctrl-C during attach: detach what is attached, report as after a run. */
static int interrupted_attach(struct trace *t)
{
	consume_signal(t->cancel_fd);
	detach_probes(t);
	final_report(t);
	return 0;
}

static void trace_cleanup(struct trace *t)
{
	if (t->ksyms_started)
		pthread_join(t->ksyms_thread, NULL);
	attacher_free(t->attacher);
	loader_free(t->loader);
	enricher_fini(&t->en);
	ksyms_free(t->en.ksyms);
	drop_reasons_free(t->en.reasons);
	ifnames_free(t->en.ifnames);
	netns_names_free(t->en.netns_names);
	proc_names_free(t->en.procs);
	btf__free(t->vmlinux);
	drop_summary_free(&t->drops);
	paths_free(&t->paths);
	if (t->rf)
		ret_filter_free(t->rf);
	free(t->rf);
	probes_free(&t->probes);
	filters_free(&t->filters);
	if (t->out.file)
		out_file_close(t->out.file);
	obuf_free(&t->out);
	if (t->o->output_pcap)
		pcap_writer_close(&t->pcap);
	if (t->cancel_fd >= 0)
		close(t->cancel_fd);
}

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int libbpf_verbose(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

static int new_attacher(struct trace *t)
{
	struct attacher_opts ao = {
		.backend = t->o->backend,
		.kprobe_batch = t->o->kprobe_batch,
		.track_copies = t->o->filter_track_skb,
		.bpf_progs_only = t->o->filter_trace_only_bpf,
		.returns = t->o->output_return,
		.netns_filter = t->filters.n_netns > 0,
		.cancel_fd = t->cancel_fd,
		.addr_of = func_addr,
		.addr_ctx = t,
		.vmlinux = t->vmlinux,
	};

	return attacher_new(&ao, &t->attacher, t->err, sizeof(t->err));
}

int run_trace(const struct options *o)
{
	struct trace t = { .o = o, .pcap.out.fd = -1 };
	const char *tracefs;
	int ret;

	t.cancel_fd = block_signals();
	libbpf_set_print(o->verbose || o->debug ? libbpf_verbose : libbpf_quiet);
	ret = check_environment(&t);
	if (ret)
		goto cleanup;
	/* opened first: a path that cannot be written is the one line said, before any work */
	if (o->output_pcap) {
		ret = pcap_writer_open(&t.pcap, o->output_pcap, o->output_pcap_snaplen, t.err,
				       sizeof(t.err));
		if (ret)
			goto cleanup;
	}
	ret = filters_resolve(&t.filters, o, t.err, sizeof(t.err));
	if (ret)
		goto cleanup;
	debug_filters(o, stderr, &t.filters);
	/* Parsed once and shared: every parse of the kernel's BTF costs ~0.2 s. */
	t.vmlinux = o->kernel_btf ? btf__parse(o->kernel_btf, NULL) : btf__load_vmlinux_btf();
	if (!t.vmlinux) {
		ret = errno ? -errno : -EINVAL;
		if (o->kernel_btf)
			set_err(t.err, sizeof(t.err), ret,
				"--kernel-btf %s: not a BTF file (raw BTF, or ELF with .BTF)",
				o->kernel_btf);
		else
			set_err(t.err, sizeof(t.err), ret,
				"cannot read kernel BTF (/sys/kernel/btf/vmlinux): %s",
				strerror(errno));
		goto cleanup;
	}
	debug_kernel_btf(o, stderr, t.vmlinux);
	ret = filters_compile_exprs(&t.filters, o, t.vmlinux, t.err, sizeof(t.err));
	if (ret)
		goto cleanup;
	ret = new_attacher(&t);
	if (ret)
		goto cleanup;
	debug_features(o, stderr, t.attacher);
	tracefs = tracefs_find();
	ret = discover_probes(&t, tracefs);
	if (ret)
		goto cleanup;
	fprintf(stderr, "%s\n", attacher_describe(t.attacher));
	debug_probes(o, stderr, &t.probes);
	if (o->list_probes) {
		list_probes(&t.probes);
		goto cleanup;
	}
	ksyms_start(&t);
	ret = load_programs(&t);
	if (!ret)
		ret = open_output(&t);
	if (!ret)
		ret = setup_enricher(&t);
	if (!ret)
		ret = attach_probes(&t);
	if (!ret)
		debug_refused(o, stderr, &t.probes, t.attacher);
	if (!ret && o->ready_file)
		ret = ready_file_create(o->ready_file, t.err, sizeof(t.err));
	if (ret == -ECANCELED)
		ret = interrupted_attach(&t);
	else if (!ret)
		ret = trace_events(&t);
cleanup:
	if (ret && t.err[0])
		fprintf(stderr, "pwru: %s\n", t.err);
	else if (ret)
		fprintf(stderr, "pwru: %s\n", strerror(-ret));
	trace_cleanup(&t);
	return ret ? 1 : 0;
}
