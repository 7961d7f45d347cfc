// SPDX-License-Identifier: GPL-2.0
/*
 * The expression spliced into pwru's own programs of every kind, loaded
 * through pwru's loader and filter hook exactly as a run does: tp_btf and
 * fentry (direct object), raw_tp, kprobe and kprobe-multi (probe-read
 * object), each with CFG.has_skb_expr and has_skb_meta set so the verifier
 * checks both bodies (the metadata one writes into the ringbuf event);
 * once more with a pcap filter in the same program, two splices in a row.
 * A kind this kernel refuses to load at all (fentry: EPERM here) is a SKIP.
 *
 * usage: splice_kinds
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "filters.h"
#include "loader.h"
#include "expr/expr_filters.h"
#include "pcap/pcap_filters.h"

struct kind {
	enum tmpl_id tmpl;
	const char *target;
	const char *what;
	bool direct; /* BTF-typed skb: gets direct-load bodies */
};

static const struct kind kinds[] = {
	{ TMPL_TP_SKB0, "netif_receive_skb", "tp_btf", true },
	{ TMPL_FE_SKB0, "netif_receive_skb", "fentry", true },
	{ TMPL_RAW_SKB0, NULL, "raw_tp" },
	{ TMPL_KP_SKB0, NULL, "kprobe" },
	{ TMPL_KPM_ALL, NULL, "kprobe-multi" },
};

#define EXPR "skb->len > 1000 && (skb->dev->mtu == 1500 || skb->pkt_type == 3)"

static int dummy_setup(struct bpf_program *prog, long cookie)
{
	return 0;
}

/* A refused kind is reported as a SKIP line: libbpf's own lines would only be noise. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static int load_kind(const struct kind *k, const struct btf *btf, const char *pcap)
{
	struct options o = { .filter_skb_expr = EXPR,
			     .pcap_filter = pcap,
			     .output_skb_metadata = {
				     .items = { "skb->hash,skb->dev->mtu", "skb->protocol" },
				     .n = 2 } };
	struct filter_set fs = { 0 };
	struct loader_opts lo = { .vmlinux = btf, .ringbuf_size = 1 << 16 };
	struct loader *l = NULL;
	char err[512] = "", label[128];
	int ret;

	snprintf(label, sizeof(label), "%s%s%s", k->what, pcap ? " with pcap filter " : "",
		 pcap ? pcap : "");
	ret = filters_compile_exprs(&fs, &o, btf, err, sizeof(err));
	if (!ret && pcap)
		ret = pcap_filters_compile(pcap, &fs.pcap, err, sizeof(err));
	if (ret) {
		printf("FAIL: expr splice %s - expected '%s' to compile, saw: %s\n", label, EXPR,
		       err);
		goto cleanup;
	}
	filters_to_config(&fs, &o, &lo.cfg);
	filters_loader_hooks(&fs, &lo);
	ret = loader_new(&lo, &l);
	if (!ret)
		ret = loader_want(l, k->tmpl, k->target);
	if (!ret)
		ret = loader_load(l, err, sizeof(err));
	if (ret == -EPERM || ret == -EOPNOTSUPP) {
		printf("SKIP: expr splice %s - this kernel refuses the program kind: %s\n", label,
		       strerror(-ret));
		ret = 0;
	} else if (ret) {
		printf("FAIL: expr splice %s - expected %s to load with the expression spliced, saw: "
		       "%s (%s)\n",
		       label, k->what, err[0] ? err : strerror(-ret),
		       expr_filters_strerror(fs.expr));
	} else if (expr_filters_splice_count(fs.expr) != 2 ||
		   (pcap && !pcap_filters_splice_count(fs.pcap))) {
		printf("FAIL: expr splice %s - expected the filter and the metadata bodies spliced%s, "
		       "saw %u\n",
		       label, pcap ? " and the pcap filter" : "",
		       expr_filters_splice_count(fs.expr));
		ret = -1;
	} else {
		printf("PASS: expr splice %s - %s verified with %zu instructions of expression and 3 "
		       "metadata fields, %s\n",
		       label, k->what, expr_filters_len(fs.expr, false),
		       !k->direct			? "probe_read" :
		       expr_filters_direct(fs.expr) > 0 ? "direct loads" :
							  "probe_read (direct loads refused)");
	}
cleanup:
	loader_free(l);
	filters_free(&fs);
	return ret;
}

int main(void)
{
	/* libbpf 1.1 reallocates a freed table when a handler is registered after
	 * the last one was removed: keep one registered across the loaders. */
	LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .prog_setup_fn = dummy_setup);
	int keep = libbpf_register_prog_handler("expr_test_keep", BPF_PROG_TYPE_KPROBE, 0, &ho);
	struct btf *btf = btf__load_vmlinux_btf();
	int failed = 0;

	libbpf_set_print(quiet);
	if (!btf || keep < 0) {
		printf("FAIL: expr splice - setup: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		failed |= load_kind(&kinds[i], btf, NULL) != 0;
	failed |= load_kind(&kinds[0], btf, "icmp or tcp port 80") != 0;
	failed |= load_kind(&kinds[2], btf, "icmp or tcp port 80") != 0;
	btf__free(btf);
	libbpf_unregister_prog_handler(keep);
	return failed;
}
