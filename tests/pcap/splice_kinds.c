// SPDX-License-Identifier: GPL-2.0
/*
 * The splice in every program kind the backends use: tp_btf and fentry
 * (direct loads), raw_tp, kprobe and kprobe-multi (probe-read loads), each
 * loaded through libbpf's prog_prepare_load_fn with a filter spliced in, so
 * the kernel checks our func_info, line_info and bpf-to-bpf calls. Also a
 * 100-host OR list, which must load in well under a second.
 *
 * usage: splice_kinds --obj-probe O --obj-direct O
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pcap/pcap_filters.h"

struct kind {
	const char *sec;
	enum bpf_prog_type type;
	enum bpf_attach_type attach;
	const char *prog;
	const char *target; /* attach target the verifier checks against */
	int direct;
};

static const struct kind kinds[] = {
	{ "pcap_test_tp_btf", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, "pcap_kind_tp_btf",
	  "netif_receive_skb", 1 },
	{ "pcap_test_fentry", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, "pcap_kind_fentry",
	  "netif_receive_skb", 1 },
	{ "pcap_test_raw_tp", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, "pcap_kind_raw_tp", NULL, 0 },
	{ "pcap_test_kprobe", BPF_PROG_TYPE_KPROBE, 0, "pcap_kind_kprobe", NULL, 0 },
	{ "pcap_test_kprobe_multi", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI,
	  "pcap_kind_kprobe_multi", NULL, 0 },
};

struct splice_ctx {
	struct pcap_filters *f;
	int direct;
	int err;
};

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct splice_ctx *c = (struct splice_ctx *)cookie;
	unsigned int before = pcap_filters_splice_count(c->f);

	c->err = pcap_filters_splice(c->f, prog, opts, c->direct);
	if (!c->err && pcap_filters_splice_count(c->f) == before)
		c->err = -ENOENT;
	return c->err;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Loads one program kind with expr spliced in; 0, or -errno. */
static int load_kind(const struct kind *k, const char *obj_path, const char *expr,
		     struct splice_ctx *c, __u32 *verified, double *ms)
{
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_prog_info info = { 0 };
	__u32 len = sizeof(info);
	char err[512];
	double t0 = now_ms();
	int ret;

	ret = pcap_filters_compile(expr, &c->f, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s\n", err);
		return ret;
	}
	c->direct = k->direct;
	c->err = 0;
	obj = bpf_object__open_file(obj_path, NULL);
	ret = obj ? 0 : -errno;
	if (ret)
		goto cleanup;
	if (!bpf_object__find_program_by_name(obj, k->prog)) {
		ret = -ENOENT;
		goto cleanup;
	}
	bpf_object__for_each_program(prog, obj) {
		int mine = !strcmp(bpf_program__name(prog), k->prog);

		bpf_program__set_autoload(prog, mine);
		if (mine && k->target)
			bpf_program__set_attach_target(prog, 0, k->target);
	}
	ret = bpf_object__load(obj);
	if (ret) {
		ret = c->err ? c->err : ret;
		goto cleanup;
	}
	*ms = now_ms() - t0;
	prog = bpf_object__find_program_by_name(obj, k->prog);
	ret = bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len);
	*verified = info.verified_insns;
cleanup:
	bpf_object__close(obj);
	pcap_filters_free(c->f);
	c->f = NULL;
	return ret;
}

static char *host_list(int n)
{
	char *s = calloc((size_t)n, 32);

	for (int i = 0; s && i < n; i++)
		sprintf(s + strlen(s), "%shost 198.18.%d.%d", i ? " or " : "", i / 200,
			1 + i % 200);
	return s;
}

static int check_kind(const struct kind *k, const char *obj, const char *expr, const char *label,
		      struct splice_ctx *c)
{
	__u32 verified = 0;
	double ms = 0;
	int ret = load_kind(k, obj, expr, c, &verified, &ms);

	if (!ret) {
		printf("PASS: splice %s '%s' - loaded, %u insns verified, %.1f ms with compile\n",
		       k->sec, label, verified, ms);
		return 0;
	}
	if (ret == -EPERM && k->type == BPF_PROG_TYPE_TRACING && k->attach == BPF_TRACE_FENTRY) {
		printf("SKIP: splice %s '%s' - this kernel refuses fentry programs (EPERM)\n",
		       k->sec, label);
		return 0;
	}
	printf("FAIL: splice %s '%s' - expected the program to load, saw %s (PWRU_TEST_VERBOSE=1 shows why)\n",
	       k->sec, label, strerror(-ret));
	return 1;
}

/* libbpf's own account of a refused load (the verifier log) only with PWRU_TEST_VERBOSE=1:
 * the fentry case is refused on some kernels by design and would drown the output. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG || !getenv("PWRU_TEST_VERBOSE") ? 0 :
								       vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	const char *exprs[] = { "dst host 198.18.0.2 and tcp and dst port 80",
				"dst host fd00:198:18::2 and tcp and dst port 80",
				"vlan 100 and udp", NULL };
	struct splice_ctx c = { 0 };
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .cookie = (long)&c,
		    .prog_prepare_load_fn = prepare_load);
	int handlers[sizeof(kinds) / sizeof(kinds[0])], failed = 0;
	char *hosts = host_list(100);

	if (argc != 5 || strcmp(argv[1], "--obj-probe") || strcmp(argv[3], "--obj-direct") ||
	    !hosts) {
		fprintf(stderr, "usage: %s --obj-probe O --obj-direct O\n", argv[0]);
		return 2;
	}
	exprs[3] = hosts;
	libbpf_set_print(print_libbpf);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		handlers[i] = libbpf_register_prog_handler(kinds[i].sec, kinds[i].type,
							   kinds[i].attach, &ho);
		if (handlers[i] < 0) {
			printf("FAIL: splice - libbpf_register_prog_handler(%s): %s\n",
			       kinds[i].sec, strerror(-handlers[i]));
			return 1;
		}
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		for (int e = 0; e < 4; e++)
			failed |= check_kind(&kinds[i], kinds[i].direct ? argv[4] : argv[2],
					     exprs[e], e == 3 ? "100 hosts ORed" : exprs[e], &c);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		libbpf_unregister_prog_handler(handlers[i]);
	free(hosts);
	return failed;
}
