// SPDX-License-Identifier: GPL-2.0
/*
 * pcap filter benchmarks, printed as a table (no assertions: figures only).
 *   per packet: run time of the test program per packet with and without the
 *               filter (kernel.bpf_stats_enabled, via BPF_ENABLE_STATS, whose
 *               fd restores the previous state when closed), probe_read vs
 *               direct loads
 *   verifier:   instructions processed and verification time reported by
 *               the kernel (log level 4) when the spliced program is reloaded
 *   compile:    pcap_compile and translation time
 *   100 hosts:  compile + splice + load of a 100-host OR list
 * usage: bench --obj-probe O --obj-direct O [--repeat N]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pcap/cbpf_to_ebpf.h"
#include "pcap/pcap_compile.h"
#include "pcap/pcap_filters.h"

#define LONG_FILTER                                                                               \
	"not arp and ((tcp and (dst port 80 or dst port 443 or dst portrange 8000-8080) and "     \
	"tcp[tcpflags] & tcp-syn != 0) or (udp and (dst port 53 or dst port 5000) and len > 60) " \
	"or (ip6 and dst net fd00:198:18::/64))"

struct captured {
	struct bpf_insn *insns;
	size_t cnt;
	struct bpf_prog_load_opts opts;
};

struct bench_ctx {
	struct pcap_filters *f;
	int direct;
	struct captured cap;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct bench_ctx *b = (struct bench_ctx *)cookie;
	int err = pcap_filters_splice(b->f, prog, opts, b->direct);

	if (err)
		return err;
	b->cap.cnt = bpf_program__insn_cnt(prog);
	b->cap.insns = malloc(b->cap.cnt * sizeof(struct bpf_insn));
	if (!b->cap.insns)
		return -ENOMEM;
	memcpy(b->cap.insns, bpf_program__insns(prog), b->cap.cnt * sizeof(struct bpf_insn));
	b->cap.opts = *opts; /* func/line info stay alive in b->f until it is freed */
	return 0;
}

/* A 60-byte IPv4/UDP frame to 198.18.0.2:5000. */
static void udp_frame(unsigned char *p)
{
	static const unsigned char hdr[] = {
		0x02, 0, 0,   0,  0, 0x02, 0x02, 0,    0,    0,	   0, 0x01, 0x08, 0x00,
		0x45, 0, 0,   46, 0, 1,	   0x40, 0,    64,   17,   0, 0,    198,  18,
		0,    1, 198, 18, 0, 2,	   0x9c, 0x40, 0x13, 0x88, 0, 26,   0,	  0,
	};

	memset(p, 0, 60);
	memcpy(p, hdr, sizeof(hdr));
}

/* Mean run time per packet from the kernel's own statistics. */
static double ns_per_packet(int fd, int skip_filter, unsigned int repeat)
{
	unsigned char frame[60];
	struct __sk_buff ctx = { .cb = { 0, 0, (__u32)skip_filter } };
	struct bpf_prog_info before = { 0 }, after = { 0 };
	__u32 len = sizeof(before);
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = repeat);

	udp_frame(frame);
	if (bpf_obj_get_info_by_fd(fd, &before, &len) || bpf_prog_test_run_opts(fd, &t))
		return -1;
	len = sizeof(after);
	if (bpf_obj_get_info_by_fd(fd, &after, &len) || after.run_cnt == before.run_cnt)
		return -1;
	return (double)(after.run_time_ns - before.run_time_ns) /
	       (double)(after.run_cnt - before.run_cnt);
}

/* Reload the spliced program as captured, asking the kernel for its statistics. */
static void verifier_stats(const struct captured *c, unsigned int *processed, unsigned int *usec)
{
	static char log[1 << 16];
	struct bpf_prog_load_opts o = c->opts;
	const char *s;
	int fd;

	o.log_buf = log;
	o.log_size = sizeof(log);
	o.log_level = 4;
	log[0] = 0;
	fd = bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "pcap_bench", "GPL", c->insns, c->cnt, &o);
	if (fd >= 0)
		close(fd);
	*processed = (s = strstr(log, "processed ")) ? (unsigned int)strtoul(s + 10, NULL, 10) : 0;
	*usec = (s = strstr(log, "verification time ")) ? (unsigned int)strtoul(s + 18, NULL, 10) :
							  0;
}

static struct bpf_object *load(const char *path, struct bench_ctx *b, double *load_us)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	double t0 = now_us();

	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "pcap_test_run"));
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	*load_us = now_us() - t0;
	return obj;
}

static double mean_us(double (*fn)(const char *), const char *expr, int n)
{
	double total = 0;

	for (int i = 0; i < n; i++)
		total += fn(expr);
	return total / n;
}

static double time_compile(const char *expr)
{
	struct cbpf_insn *p;
	size_t n;
	char err[256];
	double t0 = now_us();

	if (!pcap_compile_expr(expr, PCAP_LINK_ETHERNET, &p, &n, err, sizeof(err)))
		free(p);
	return now_us() - t0;
}

static double time_translate(const char *expr)
{
	struct cbpf_insn *p;
	struct ebpf_insn *e;
	size_t n, en;
	char err[256];
	double t;

	if (pcap_compile_expr(expr, PCAP_LINK_ETHERNET, &p, &n, err, sizeof(err)))
		return 0;
	t = now_us();
	if (!cbpf_to_ebpf(p, n, NULL, &e, &en, err, sizeof(err)))
		free(e);
	t = now_us() - t;
	free(p);
	return t;
}

static void bench_filter(struct bench_ctx *bc, const char *label, const char *expr,
			 const char *obj_path, int direct, unsigned int repeat)
{
	struct bench_ctx b = { .direct = direct };
	struct bpf_object *obj = NULL;
	unsigned int processed = 0, usec = 0;
	double load_us = 0, with, without;
	char err[512];
	int fd;

	if (pcap_filters_compile(expr, &b.f, err, sizeof(err))) {
		printf("%-8s %-11s compile failed: %s\n", label, direct ? "direct" : "probe_read",
		       err);
		return;
	}
	*bc = b;
	obj = load(obj_path, bc, &load_us);
	b = *bc;
	if (!obj) {
		printf("%-8s %-11s load failed\n", label, direct ? "direct" : "probe_read");
		goto cleanup;
	}
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "pcap_test_run"));
	/* Other work on the machine only ever adds time: keep the best of a few rounds. */
	without = with = 1e9;
	for (int round = 0; round < 5; round++) {
		double a = ns_per_packet(fd, 1, repeat), c = ns_per_packet(fd, 0, repeat);

		without = a >= 0 && a < without ? a : without;
		with = c >= 0 && c < with ? c : with;
	}
	verifier_stats(&b.cap, &processed, &usec);
	printf("%-8s %-11s %5zu %5zu %9.1f %9.1f %9.1f %9u %8u %9.1f\n", label,
	       direct ? "direct" : "probe_read", pcap_filters_cbpf_len(b.f, PCAP_FILTERS_L2),
	       pcap_filters_ebpf_len(b.f, PCAP_FILTERS_L2, direct), without, with, with - without,
	       processed, usec, load_us / 1000);
cleanup:
	bpf_object__close(obj);
	free(b.cap.insns);
	pcap_filters_free(b.f);
}

static char *host_list(int n)
{
	char *s = calloc((size_t)n, 32);

	for (int i = 0; s && i < n; i++)
		sprintf(s + strlen(s), "%shost 198.18.%d.%d", i ? " or " : "", i / 200,
			1 + i % 200);
	return s;
}

/* What a user waits for: compile both layers, splice, verify. */
static void bench_host_list(struct bench_ctx *bc, const char *obj_path, int direct)
{
	char *hosts = host_list(100), err[512];
	struct bench_ctx b = { .direct = direct };
	struct bpf_object *obj;
	unsigned int processed = 0, usec = 0;
	double t0 = now_us(), compile_ms, total_ms, load_us;

	if (!hosts || pcap_filters_compile(hosts, &b.f, err, sizeof(err))) {
		free(hosts);
		return;
	}
	compile_ms = (now_us() - t0) / 1000;
	*bc = b;
	obj = load(obj_path, bc, &load_us);
	b = *bc;
	total_ms = (now_us() - t0) / 1000;
	if (obj)
		verifier_stats(&b.cap, &processed, &usec);
	printf("100-host OR list, %s: %s; cBPF %zu, eBPF %zu insns; compile (libpcap L2+L3, translate) "
	       "%.1f ms, verifier %u insns in %.1f ms; compile + libbpf open/load total %.1f ms\n",
	       direct ? "direct" : "probe_read", obj ? "loaded" : "LOAD FAILED",
	       pcap_filters_cbpf_len(b.f, PCAP_FILTERS_L2),
	       pcap_filters_ebpf_len(b.f, PCAP_FILTERS_L2, direct), compile_ms, processed,
	       usec / 1000.0, total_ms);
	bpf_object__close(obj);
	free(b.cap.insns);
	pcap_filters_free(b.f);
	free(hosts);
}

static int read_stats_sysctl(void)
{
	FILE *fp = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int v = -1;

	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	const char *labels[] = { "simple", "long" },
		   *exprs[] = { "udp and dst port 5000", LONG_FILTER };
	const char *objs[2];
	struct bench_ctx b = { 0 };
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .cookie = (long)&b,
		    .prog_prepare_load_fn = prepare_load);
	unsigned int repeat = 200000;
	int handler, stats_fd, stats_before;

	if (argc < 5 || strcmp(argv[1], "--obj-probe") || strcmp(argv[3], "--obj-direct")) {
		fprintf(stderr, "usage: %s --obj-probe O --obj-direct O [--repeat N]\n", argv[0]);
		return 2;
	}
	if (argc == 7 && !strcmp(argv[5], "--repeat"))
		repeat = (unsigned int)strtoul(argv[6], NULL, 0);
	objs[0] = argv[2];
	objs[1] = argv[4];
	libbpf_set_print(print_libbpf);
	stats_before = read_stats_sysctl();
	stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (stats_fd < 0) {
		fprintf(stderr, "bench: cannot enable BPF run-time statistics: %s\n",
			strerror(errno));
		return 1;
	}
	/* one handler for the whole run: each load puts its context in b */
	handler = libbpf_register_prog_handler("pcap_test", BPF_PROG_TYPE_SCHED_CLS, 0, &ho);
	printf("pcap filter benchmark: %u runs per figure, 60-byte UDP frame to 198.18.0.2:5000\n",
	       repeat);
	printf("%-8s %-11s %5s %5s %9s %9s %9s %9s %8s %9s\n", "filter", "loads", "cBPF", "eBPF",
	       "ns/pkt-0", "ns/pkt", "filter-ns", "verified", "verif-us", "load-ms");
	for (int o = 0; o < 2; o++)
		for (int e = 0; e < 2; e++)
			bench_filter(&b, labels[e], exprs[e], objs[o], o, repeat);
	printf("(ns/pkt-0: the same program returning before the filter, i.e. an empty filter;\n"
	       " filter-ns = ns/pkt - ns/pkt-0, best of 5 rounds; verif-us: kernel's verification time)\n");
	for (int e = 0; e < 2; e++)
		printf("%s: pcap_compile %.1f us, translation %.2f us (mean of 200)\n", labels[e],
		       mean_us(time_compile, exprs[e], 200),
		       mean_us(time_translate, exprs[e], 200));
	for (int o = 0; o < 2; o++)
		bench_host_list(&b, objs[o], o);
	libbpf_unregister_prog_handler(handler);
	close(stats_fd);
	printf("kernel.bpf_stats_enabled: %d before, %d after\n", stats_before,
	       read_stats_sysctl());
	return 0;
}
