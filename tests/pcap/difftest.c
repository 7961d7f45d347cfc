// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: every verdict of our translated filter, run in the
 * kernel with BPF_PROG_TEST_RUN through the real splice, against libpcap's
 * own interpreter on the same bytes. Three views of each frame:
 *   L2    the Ethernet frame, possibly with a short readable part
 *   L3    the same frame from its network header (raw IP filter)
 *   VLAN  frames whose outer tag is moved into skb metadata first, as
 *         NICs/veth/skb_vlan_untag() do: must match as on the wire
 *
 * The direct-build object given as --obj-probe exercises the fallback: a
 * tp_btf/fentry program on a kernel that refused direct loads.
 * usage: difftest --obj-probe O [--obj-direct O] [--exprs FILE] [--packets N]
 *                 [--seed S] [--mutate]
 * --mutate translates with a deliberately broken compare and passes only if
 * mismatches are found: proof that this test can fail.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "pcap/cbpf_to_ebpf.h"
#include "pcap/pcap_compile.h"
#include "pcap/pcap_filters.h"
#include "packets.h"

#define TEST_PUSH_VLAN (1u << 31)
#define TEST_VLAN_AD (1u << 16)
#define LAYER_L3 2 /* enum pcap_layer in bpf/pcap_filter.h */
#define MAX_EXPRS 256
#define MAX_SHOWN 3

struct build {
	const char *name;
	const char *obj_path;
	int direct;
};

struct loader {
	struct pcap_filters *f;
	int direct;
};

struct reference {
	struct cbpf_insn *l2, *l3;
	size_t l2_len, l3_len;
	uint32_t consts[64];
	size_t n_consts;
};

struct tally {
	unsigned long runs, mismatches, matched;
	int shown;
};

struct config {
	const char *exprs_path;
	struct build builds[2];
	int n_builds;
	unsigned long packets;
	unsigned long seed;
	int mutate;
};

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	struct loader *l = (struct loader *)cookie;
	unsigned int before = pcap_filters_splice_count(l->f);
	int err = pcap_filters_splice(l->f, prog, opts, l->direct);

	if (err) {
		fprintf(stderr, "splice: %s\n", pcap_filters_strerror(l->f));
		return err;
	}
	if (pcap_filters_splice_count(l->f) == before) {
		fprintf(stderr, "splice: no placeholder in %s\n", bpf_program__name(prog));
		return -ENOENT;
	}
	return 0;
}

/* What the kernel is asked to filter: a frame and the view of it to take. */
struct view {
	const char *name;
	const uint8_t *data;
	uint32_t len;	   /* bytes given to the test run */
	uint32_t caplen;   /* readable bytes of the filtered frame (L3: from the IP header) */
	uint32_t wire_len; /* its length on the wire */
	uint32_t layer;	   /* 0 auto, LAYER_L3 */
	uint32_t vlan;	   /* priority: TEST_PUSH_VLAN | ... */
};

#define MIN_RUN_LEN 64 /* the test run refuses IPv4/IPv6 frames shorter than their header */

static int run_view(int fd, const struct view *v, int *verdict)
{
	uint8_t buf[PKT_MAX + MIN_RUN_LEN] = { 0 };
	uint32_t len = v->len < MIN_RUN_LEN ? MIN_RUN_LEN : v->len;
	uint32_t full = v->layer == LAYER_L3 ? v->len - 14 : v->len;
	struct __sk_buff ctx = {
		.priority = v->vlan,
		.mark = v->caplen < full || len != v->len ? v->caplen + 1 : 0,
		.cb = { v->layer, len != v->len ? v->wire_len + 1 : 0 },
	};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = buf, .data_size_in = len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx));
	int err;

	memcpy(buf, v->data, v->len);
	err = bpf_prog_test_run_opts(fd, &t);
	*verdict = (int)t.retval;
	return err;
}

static void show(struct tally *t, const char *expr, const char *view, const struct pkt *p, int want,
		 int saw)
{
	char hex[3 * 64 + 1] = "";

	if (t->shown++ >= MAX_SHOWN)
		return;
	for (uint32_t i = 0; i < p->wire_len && i < 64; i++)
		sprintf(hex + 3 * i, "%02x ", p->b[i]);
	printf("  mismatch '%s' %s wire=%u cap=%u: libpcap %d, ours %d; frame %s\n", expr, view,
	       p->wire_len, p->caplen, want, saw, hex);
}

static int check(struct tally *t, int fd, const char *expr, const struct pkt *p,
		 const struct view *v, int want)
{
	int saw, err;

	if (run_view(fd, v, &saw)) {
		err = -errno;
		printf("  test run failed: '%s' %s len=%u: %s\n", expr, v->name, v->len,
		       strerror(-err));
		return err;
	}
	t->runs++;
	t->matched += saw == 1;
	if (saw != want) {
		t->mismatches++;
		show(t, expr, v->name, p, want, saw);
	}
	return 0;
}

static int check_packet(struct tally *t, int fd, const char *expr, const struct reference *ref,
			const struct pkt *p)
{
	uint32_t cap = p->caplen, l3cap = cap > 14 ? cap - 14 : 0;
	uint16_t outer = (uint16_t)(p->b[12] << 8 | p->b[13]);
	struct view l2 = { "L2", p->b, p->wire_len, cap, p->wire_len, 0, 0 };
	struct view l3 = { "L3", p->b, p->wire_len, l3cap, p->wire_len - 14, LAYER_L3, 0 };
	uint8_t untagged[PKT_MAX];
	int err, want;

	want = pcap_reference_match(ref->l2, ref->l2_len, p->b, p->wire_len, cap);
	err = check(t, fd, expr, p, &l2, want);
	if (err)
		return err;
	want = ref->l3 ? pcap_reference_match(ref->l3, ref->l3_len, p->b + 14, p->wire_len - 14,
					      l3cap) :
			 0;
	err = check(t, fd, expr, p, &l3, want);
	if (err || p->wire_len < 18 || cap != p->wire_len || (outer != 0x8100 && outer != 0x88a8))
		return err;
	/* The outer tag leaves the frame for skb metadata; the verdict must not change. */
	memcpy(untagged, p->b, 12);
	memcpy(untagged + 12, p->b + 16, p->wire_len - 16);
	struct view offloaded = { "VLAN-offloaded",
				  untagged,
				  p->wire_len - 4,
				  p->wire_len - 4,
				  p->wire_len - 4,
				  0,
				  TEST_PUSH_VLAN | (outer == 0x88a8 ? TEST_VLAN_AD : 0) |
					  (uint32_t)(p->b[14] << 8 | p->b[15]) };
	want = pcap_reference_match(ref->l2, ref->l2_len, p->b, p->wire_len, cap);
	return check(t, fd, expr, p, &offloaded, want);
}

static void harvest_consts(struct reference *ref)
{
	for (size_t i = 0; i < ref->l2_len && ref->n_consts < 64; i++)
		if ((ref->l2[i].code & 0x07) == 0x05 && ref->l2[i].code & 0x70) /* jmp k */
			ref->consts[ref->n_consts++] = ref->l2[i].k;
}

static int reference_compile(const char *expr, struct reference *ref, char *err, size_t errlen)
{
	char l3err[256];
	int ret;

	memset(ref, 0, sizeof(*ref));
	ret = pcap_compile_expr(expr, PCAP_LINK_ETHERNET, &ref->l2, &ref->l2_len, err, errlen);
	if (ret)
		return ret;
	if (pcap_compile_expr(expr, PCAP_LINK_RAW_IP, &ref->l3, &ref->l3_len, l3err, sizeof(l3err)))
		ref->l3 = NULL;
	harvest_consts(ref);
	return 0;
}

static struct bpf_object *load_object(const struct build *b, struct loader *l)
{
	struct bpf_object *obj = bpf_object__open_file(b->obj_path, NULL);
	struct bpf_program *prog;

	if (!obj)
		return NULL;
	l->direct = b->direct;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), "pcap_test_run"));
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/* One expression through one build: returns mismatches, or -1 on a setup failure. */
static long test_expression(const struct config *c, const struct build *b, struct loader *l,
			    const char *expr, struct tally *total)
{
	struct tally t = { 0 };
	struct reference ref;
	struct bpf_object *obj = NULL;
	struct rng rng = { .s = c->seed * 0x9e3779b97f4a7c15ULL + 1 };
	char err[512];
	long ret = -1;
	struct pkt p;
	int fd;

	for (const char *s = expr; *s; s++)
		rng.s = rng.s * 31 + (unsigned char)*s; /* same packets for every build */
	if (reference_compile(expr, &ref, err, sizeof(err)) ||
	    pcap_filters_compile(expr, &l->f, err, sizeof(err))) {
		printf("FAIL: difftest %s '%s' - expected it to compile, saw: %s\n", b->name, expr,
		       err);
		goto cleanup;
	}
	pcap_filters_set_debug(l->f, c->mutate ? CBPF_DEBUG_BREAK_JGT : 0, b->direct ? -1 : 0);
	obj = load_object(b, l);
	if (!obj) {
		printf("FAIL: difftest %s '%s' - expected the spliced program to load, saw: %s\n",
		       b->name, expr, strerror(errno));
		goto cleanup;
	}
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, "pcap_test_run"));
	for (unsigned long i = 0; i < c->packets; i++) {
		pkt_generate(&rng, &p, ref.consts, ref.n_consts);
		if (check_packet(&t, fd, expr, &ref, &p)) {
			printf("FAIL: difftest %s '%s' - BPF_PROG_TEST_RUN: %s\n", b->name, expr,
			       strerror(errno));
			goto cleanup;
		}
	}
	if (!c->mutate)
		printf("%s: difftest %s '%s' - %lu packets, %lu runs, %lu matched, %lu mismatches%s\n",
		       t.mismatches ? "FAIL" : "PASS", b->name, expr, c->packets, t.runs, t.matched,
		       t.mismatches, t.mismatches ? " (expected 0)" : "");
	total->runs += t.runs;
	total->mismatches += t.mismatches;
	ret = (long)t.mismatches;
cleanup:
	bpf_object__close(obj);
	pcap_filters_free(l->f);
	l->f = NULL;
	free(ref.l2);
	free(ref.l3);
	return ret;
}

static int read_exprs(const char *path, char exprs[][256], int max)
{
	FILE *fp = fopen(path, "r");
	char line[256];
	int n = 0;

	if (!fp)
		return -errno;
	while (n < max && fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		snprintf(exprs[n++], 256, "%s", line);
	}
	fclose(fp);
	return n;
}

static int parse_args(int argc, char **argv, struct config *c)
{
	static const struct option opts[] = {
		{ "obj-probe", required_argument, 0, 'p' },
		{ "obj-direct", required_argument, 0, 'd' },
		{ "exprs", required_argument, 0, 'e' },
		{ "packets", required_argument, 0, 'n' },
		{ "seed", required_argument, 0, 's' },
		{ "mutate", no_argument, 0, 'm' },
		{ 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p':
		case 'd':
			if (c->n_builds >= 2)
				return -EINVAL;
			c->builds[c->n_builds++] =
				(struct build){ o == 'd' ? "direct" : "probe_read", optarg,
						o == 'd' };
			break;
		case 'e':
			c->exprs_path = optarg;
			break;
		case 'n':
			c->packets = strtoul(optarg, NULL, 0);
			break;
		case 's':
			c->seed = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			c->mutate = 1;
			break;
		default:
			return -EINVAL;
		}
	}
	return c->n_builds ? 0 : -EINVAL;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static char exprs[MAX_EXPRS][256];
	struct config c = { .exprs_path = "tests/pcap/expressions.txt",
			    .packets = 5000,
			    .seed = 1 };
	struct loader l = { 0 };
	LIBBPF_OPTS(libbpf_prog_handler_opts, hopts, .cookie = (long)&l,
		    .prog_prepare_load_fn = prepare_load);
	struct tally total = { 0 };
	int n, failed = 0, handler;

	if (parse_args(argc, argv, &c)) {
		fprintf(stderr,
			"usage: %s --obj-probe O [--obj-direct O] [--exprs F] [--packets N] "
			"[--seed S] [--mutate]\n",
			argv[0]);
		return 2;
	}
	libbpf_set_print(print_libbpf);
	n = read_exprs(c.exprs_path, exprs, MAX_EXPRS);
	if (n <= 0) {
		printf("FAIL: difftest - expected expressions in %s, saw none\n", c.exprs_path);
		return 1;
	}
	handler = libbpf_register_prog_handler("pcap_test", BPF_PROG_TYPE_SCHED_CLS, 0, &hopts);
	if (handler < 0) {
		printf("FAIL: difftest - libbpf_register_prog_handler: %s\n", strerror(-handler));
		return 1;
	}
	for (int b = 0; b < c.n_builds; b++)
		for (int e = 0; e < n; e++) {
			long r = test_expression(&c, &c.builds[b], &l, exprs[e], &total);

			if (r < 0 || (!c.mutate && r > 0))
				failed = 1;
		}
	if (c.mutate) {
		failed |= total.mismatches == 0;
		printf("%s: difftest mutation check - a translation turning 'jgt k' into 'jge k' must be "
		       "caught: %lu mismatches in %lu runs%s\n",
		       failed ? "FAIL" : "PASS", total.mismatches, total.runs,
		       failed ? " (expected > 0)" : "");
	} else {
		printf("%s: difftest total - %d expressions x %lu packets x %d builds: %lu runs, "
		       "%lu mismatches\n",
		       failed || total.mismatches ? "FAIL" : "PASS", n, c.packets, c.n_builds,
		       total.runs, total.mismatches);
	}
	libbpf_unregister_prog_handler(handler);
	return failed ? 1 : 0;
}
