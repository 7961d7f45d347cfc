// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the expression compiler: for each expression of
 * expr_eval.c, the compiled body is spliced into a raw_tp test program
 * (expr_test.bpf.c) the way pwru splices it, the kernel verifies it, and
 * BPF_PROG_TEST_RUN runs it on random fake contexts; its verdict must equal
 * the C compiler's on the same bytes.
 *
 * The --output-*-metadata bodies likewise, four fields at a time: each
 * value the kernel stores must equal C's value of the field as a u64.
 *
 * --mutate breaks the compiled code on purpose (the first ordering compare
 * loses or gains its '=') and passes only if mismatches are found: proof
 * that the test can fail.
 *
 * --direct compares the two ways of reading instead: each skb expression and
 * value set compiled with direct loads and with probe reads, spliced into a
 * TC program that holds the real sk_buff of a BPF_PROG_TEST_RUN as a BTF
 * pointer (as tp_btf/fentry programs do), on random frames, marks and
 * priorities: verdicts and values must agree.
 *
 * --bench times both bodies of each on one real skb instead (figures only).
 * --sizes instead lists each verified body's instruction count.
 *
 * usage: difftest --obj OBJ [--runs N] [--seed S] [--mutate | --sizes | --direct | --bench]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "expr/expr.h"
#include "pcap/inject.h"
#include "expr_cases.h"

#define MAX_SHOWN 3

struct config {
	const char *obj;
	unsigned long runs;
	unsigned long long seed;
	bool mutate;
	bool sizes;
	bool direct;
	bool bench; /* with --direct: time both bodies instead (BPF_PROG_TEST_RUN's repeat) */
};

/* What the load hook splices: the body under test. */
struct splice_job {
	const char *name;
	struct ebpf_insn *insns;
	size_t len;
	struct inject_keep *keep;
	char err[256];
};

static int prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	/* libbpf 1.1 cannot register a handler again after unregistering one:
	 * one handler for the whole run, pointed at each case's job in turn. */
	struct splice_job *j = *(struct splice_job **)cookie;
	struct inject_body body = { .name = j->name, .insns = j->insns, .len = j->len };
	int ret = inject_splice(prog, opts, &body, 1, &j->keep, j->err, sizeof(j->err));

	return ret < 0 ? ret : 0;
}

/* The first ordering compare turned into its neighbour: > into >=, <= into <... */
static bool mutate(struct ebpf_insn *insns, size_t len)
{
	static const uint8_t from[] = { BPF_JGT,  BPF_JGE,  BPF_JLT,  BPF_JLE,
					BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE };
	static const uint8_t to[] = { BPF_JGE,	BPF_JGT,  BPF_JLE,  BPF_JLT,
				      BPF_JSGE, BPF_JSGT, BPF_JSLE, BPF_JSLT };

	for (size_t i = 0; i < len; i++) {
		if (BPF_CLASS(insns[i].code) != BPF_JMP)
			continue;
		for (size_t k = 0; k < sizeof(from); k++) {
			if (BPF_OP(insns[i].code) == from[k]) {
				insns[i].code = (uint8_t)((insns[i].code & ~0xf0) | to[k]);
				return true;
			}
		}
	}
	return false;
}

static struct bpf_object *load(const struct config *c, const char *prog_name)
{
	struct bpf_object *obj = bpf_object__open_file(c->obj, NULL);
	struct bpf_program *prog;

	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, !strcmp(bpf_program__name(prog), prog_name));
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

struct tally {
	unsigned long runs, mismatches;
};

/* Returns 0 when every run agreed, 1 on mismatches, -1 when it could not run. */
static int test_case(const struct config *c, const struct btf *btf, bool xdp, int i,
		     struct splice_job **slot, struct tally *total)
{
	const char *text = expr_case_text(xdp, i);
	struct splice_job job = { .name = xdp ? "expr_filter_xdp" : "expr_filter_skb" };
	unsigned long long rng = c->seed * 0x9e3779b97f4a7c15ULL + (unsigned)i * 2 + xdp + 1;
	size_t size = expr_fake_size(xdp);
	void *fake = malloc(size), *copy = malloc(size);
	struct bpf_object *obj = NULL;
	struct expr_ast *ast = NULL;
	unsigned long mismatches = 0;
	char err[512], what[512];
	int ret = -1, fd, map_fd;
	uint32_t zero = 0;
	uint64_t args[1] = { 0 };

	if (!fake || !copy)
		goto cleanup;
	if (expr_parse(text, &ast, err, sizeof(err)) ||
	    expr_compile(ast, xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB, btf, EXPR_READS_PROBE,
			 &job.insns, &job.len, err, sizeof(err))) {
		printf("FAIL: expr difftest '%s' - expected it to compile, saw: %s\n", text, err);
		goto cleanup;
	}
	if (c->mutate && !mutate(job.insns, job.len)) {
		ret = 0; /* nothing to break in this one */
		goto cleanup;
	}
	*slot = &job;
	obj = load(c, xdp ? "expr_test_xdp" : "expr_test_skb");
	*slot = NULL;
	if (!obj) {
		printf("FAIL: expr difftest '%s' - expected the spliced program to load, saw: %s "
		       "%s\n",
		       text, strerror(errno), job.err);
		goto cleanup;
	}
	fd = bpf_program__fd(
		bpf_object__find_program_by_name(obj, xdp ? "expr_test_xdp" : "expr_test_skb"));
	map_fd = bpf_object__find_map_fd_by_name(obj, xdp ? "fake_xdp" : "fake_skb");
	if (c->sizes) {
		struct ebpf_insn *d = NULL;
		size_t dlen = 0;

		if (!xdp)
			expr_compile(ast, EXPR_ROOT_SKB, btf, EXPR_READS_DIRECT, &d, &dlen, err,
				     sizeof(err));
		printf("  %3zu insns probe_read, %3zu direct  %s\n", job.len, dlen, text);
		free(d);
		ret = 0;
		goto cleanup;
	}
	for (unsigned long r = 0; r < c->runs; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = args, .ctx_size_in = sizeof(args));
		int want, saw;

		expr_fake_fill(xdp, fake, &rng);
		memcpy(copy, fake, size);
		if (bpf_map_update_elem(map_fd, &zero, fake, BPF_ANY) ||
		    bpf_prog_test_run_opts(fd, &t)) {
			printf("FAIL: expr difftest '%s' - BPF_PROG_TEST_RUN: %s\n", text,
			       strerror(errno));
			goto cleanup;
		}
		saw = (int)t.retval;
		want = expr_case_eval(xdp, i, copy);
		total->runs++;
		if (saw == want)
			continue;
		if (mismatches++ < MAX_SHOWN && !c->mutate) {
			expr_fake_describe(xdp, copy, what, sizeof(what));
			printf("  mismatch '%s': C says %d, the kernel ran %d; %s\n", text, want,
			       saw, what);
		}
	}
	total->mismatches += mismatches;
	if (!c->mutate)
		printf("%s: expr difftest '%s' - %lu runs, %lu mismatches\n",
		       mismatches ? "FAIL" : "PASS", text, c->runs, mismatches);
	ret = mismatches ? 1 : 0;
cleanup:
	bpf_object__close(obj);
	inject_keep_free(job.keep);
	free(job.insns);
	expr_ast_free(ast);
	free(fake);
	free(copy);
	return ret;
}

/* Fields [first, first + n) of the value table in one metadata body. */
static int test_values(const struct config *c, const struct btf *btf, bool xdp, int first, int n,
		       struct splice_job **slot, struct tally *total)
{
	const char *prog_name = xdp ? "expr_test_meta_xdp" : "expr_test_meta_skb";
	struct splice_job job = { .name = xdp ? "expr_meta_xdp" : "expr_meta_skb" };
	unsigned long long rng = c->seed * 0xc2b2ae3d27d4eb4fULL + (unsigned)first * 2 + xdp + 1;
	struct expr_value_info info[EXPR_MAX_VALUES];
	struct expr_ast *asts[EXPR_MAX_VALUES] = { 0 };
	size_t size = expr_fake_size(xdp);
	void *fake = malloc(size), *copy = malloc(size), *back = malloc(size);
	struct bpf_object *obj = NULL;
	unsigned long mismatches = 0;
	char err[512], what[512], names[256] = "";
	int ret = -1, fd, map_fd;
	uint32_t zero = 0;
	uint64_t args[1] = { 0 };

	for (int k = 0; k < n; k++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 k ? ", " : "", expr_value_text(xdp, first + k));
	if (!fake || !copy || !back)
		goto cleanup;
	for (int k = 0; k < n; k++)
		if (expr_parse(expr_value_text(xdp, first + k), &asts[k], err, sizeof(err)))
			goto compile_failed;
	if (expr_compile_values((const struct expr_ast *const *)asts, (size_t)n,
				xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB, btf, EXPR_READS_PROBE,
				&job.insns, &job.len, info, err, sizeof(err))) {
compile_failed:
		printf("FAIL: expr difftest values '%s' - expected them to compile, saw: %s\n",
		       names, err);
		goto cleanup;
	}
	*slot = &job;
	obj = load(c, prog_name);
	*slot = NULL;
	if (!obj) {
		printf("FAIL: expr difftest values '%s' - expected the spliced program to load, saw: "
		       "%s %s\n",
		       names, strerror(errno), job.err);
		goto cleanup;
	}
	fd = bpf_program__fd(bpf_object__find_program_by_name(obj, prog_name));
	map_fd = bpf_object__find_map_fd_by_name(obj, xdp ? "fake_xdp" : "fake_skb");
	for (unsigned long r = 0; r < c->runs; r++) {
		LIBBPF_OPTS(bpf_test_run_opts, t, .ctx_in = args, .ctx_size_in = sizeof(args));

		expr_fake_fill(xdp, fake, &rng);
		memcpy(copy, fake, size);
		if (bpf_map_update_elem(map_fd, &zero, fake, BPF_ANY) ||
		    bpf_prog_test_run_opts(fd, &t) || bpf_map_lookup_elem(map_fd, &zero, back)) {
			printf("FAIL: expr difftest values '%s' - BPF_PROG_TEST_RUN: %s\n", names,
			       strerror(errno));
			goto cleanup;
		}
		for (int k = 0; k < n; k++) {
			unsigned long long want = expr_value_eval(xdp, first + k, copy);
			unsigned long long saw = expr_fake_out(xdp, back, k);

			total->runs++;
			if (want == saw)
				continue;
			if (mismatches++ < MAX_SHOWN) {
				expr_fake_describe(xdp, copy, what, sizeof(what));
				printf("  mismatch '%s': C says %#llx, the kernel stored %#llx; %s\n",
				       expr_value_text(xdp, first + k), want, saw, what);
			}
		}
	}
	total->mismatches += mismatches;
	printf("%s: expr difftest values '%s' - %lu runs, %lu mismatches\n",
	       mismatches ? "FAIL" : "PASS", names, c->runs, mismatches);
	ret = mismatches ? 1 : 0;
cleanup:
	bpf_object__close(obj);
	inject_keep_free(job.keep);
	free(job.insns);
	for (int k = 0; k < n; k++)
		expr_ast_free(asts[k]);
	free(fake);
	free(copy);
	free(back);
	return ret;
}

static unsigned long long next_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A real skb for a TC test run: a frame and the __sk_buff fields a run may set. */
static void random_skb(unsigned long long *rng, uint8_t *frame, uint32_t *len,
		       struct __sk_buff *ctx)
{
	static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100 };
	static const uint32_t marks[] = { 0, 42, 298, 0xff, 0x100, 0xffffffff };
	unsigned long long r = next_rand(rng);

	*len = 64 + (uint32_t)(r % 1451); /* up to 1514, and long enough for any header */
	for (uint32_t i = 0; i < *len; i++)
		frame[i] = (uint8_t)next_rand(rng);
	r = next_rand(rng);
	frame[12] = (uint8_t)(types[r % 4] >> 8);
	frame[13] = (uint8_t)types[r % 4];
	if (types[r % 4] == 0x0800)
		frame[14] = 0x45;
	if (types[r % 4] == 0x86dd)
		frame[14] = 0x60;
	memset(ctx, 0, sizeof(*ctx));
	r = next_rand(rng);
	ctx->mark = r & 1 ? marks[(r >> 1) % 6] : (uint32_t)(r >> 8);
	r = next_rand(rng);
	ctx->priority = r & 1 ? (uint32_t)(r >> 4) % 8 : (uint32_t)(r >> 8);
	ctx->tstamp = next_rand(rng) >> (next_rand(rng) % 64);
}

/* Loads the TC test program with body b spliced; map fd in *map_fd. */
static struct bpf_object *load_tc(const struct config *c, const char *prog, struct splice_job *b,
				  struct splice_job **slot, int *fd, int *map_fd)
{
	struct bpf_object *obj;

	*slot = b;
	obj = load(c, prog);
	*slot = NULL;
	if (obj) {
		*fd = bpf_program__fd(bpf_object__find_program_by_name(obj, prog));
		*map_fd = bpf_object__find_map_fd_by_name(obj, "fake_skb");
	}
	return obj;
}

/*
 * One filter expression (n == 0, text) or value set (n fields from first)
 * through both read modes. Returns 0 when every run agreed, 1 on
 * mismatches, -1 when it could not run.
 */
static int test_direct(const struct config *c, const struct btf *btf, int first, int n,
		       struct splice_job **slot, struct tally *total)
{
	const char *prog = n ? "expr_tc_meta" : "expr_tc_filter";
	struct splice_job job[2] = { { .name = n ? "expr_meta_skb" : "expr_filter_skb" },
				     { .name = n ? "expr_meta_skb" : "expr_filter_skb" } };
	struct expr_ast *asts[EXPR_MAX_VALUES] = { 0 };
	struct expr_value_info info[EXPR_MAX_VALUES];
	struct bpf_object *obj[2] = { 0 };
	unsigned long long rng = c->seed * 0x94d049bb133111ebULL + (unsigned)first * 2 + !!n;
	size_t size = expr_fake_size(false);
	void *back = calloc(1, size), *out0 = calloc(1, size);
	unsigned long mismatches = 0;
	char err[512], names[256] = "";
	int ret = -1, fd[2], map_fd[2], count = n ? n : 1;
	uint8_t frame[1514];
	uint32_t zero = 0;

	for (int k = 0; k < count; k++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 k ? ", " : "",
			 n ? expr_value_text(false, first + k) : expr_case_text(false, first));
	if (!back || !out0)
		goto cleanup;
	for (int k = 0; k < count; k++)
		if (expr_parse(n ? expr_value_text(false, first + k) : expr_case_text(false, first),
			       &asts[k], err, sizeof(err)))
			goto compile_failed;
	for (int mode = 0; mode < 2; mode++) {
		int r = n ? expr_compile_values((const struct expr_ast *const *)asts, (size_t)n,
						EXPR_ROOT_SKB, btf, mode, &job[mode].insns,
						&job[mode].len, info, err, sizeof(err)) :
			    expr_compile(asts[0], EXPR_ROOT_SKB, btf, mode, &job[mode].insns,
					 &job[mode].len, err, sizeof(err));

		if (r) {
compile_failed:
			printf("FAIL: expr difftest direct '%s' - expected it to compile, saw: %s\n",
			       names, err);
			goto cleanup;
		}
		obj[mode] = load_tc(c, prog, &job[mode], slot, &fd[mode], &map_fd[mode]);
		if (!obj[mode]) {
			printf("FAIL: expr difftest direct '%s' - expected the %s body to load, saw: "
			       "%s %s\n",
			       names, mode ? "direct-load" : "probe-read", strerror(errno),
			       job[mode].err);
			goto cleanup;
		}
	}
	if (c->bench) {
		struct __sk_buff skb_ctx;
		uint32_t len, ns[2];

		random_skb(&rng, frame, &len, &skb_ctx);
		for (int mode = 0; mode < 2; mode++) {
			LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = len,
				    .ctx_in = &skb_ctx, .ctx_size_in = sizeof(skb_ctx),
				    .repeat = 200000);

			if (bpf_prog_test_run_opts(fd[mode], &t))
				goto cleanup;
			ns[mode] = t.duration;
		}
		printf("  %4u ns probe_read  %4u ns direct  %s\n", ns[0], ns[1], names);
		ret = 0;
		goto cleanup;
	}
	for (unsigned long r = 0; r < c->runs; r++) {
		struct __sk_buff skb_ctx;
		uint32_t len;
		int verdict[2];

		random_skb(&rng, frame, &len, &skb_ctx);
		for (int mode = 0; mode < 2; mode++) {
			LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame, .data_size_in = len,
				    .ctx_in = &skb_ctx, .ctx_size_in = sizeof(skb_ctx));

			if (bpf_prog_test_run_opts(fd[mode], &t) ||
			    (n && bpf_map_lookup_elem(map_fd[mode], &zero, mode ? back : out0))) {
				printf("FAIL: expr difftest direct '%s' - BPF_PROG_TEST_RUN: %s\n",
				       names, strerror(errno));
				goto cleanup;
			}
			verdict[mode] = (int)t.retval;
		}
		for (int k = 0; k < count; k++) {
			unsigned long long a =
				n ? expr_fake_out(false, out0, k) : (unsigned)verdict[0];
			unsigned long long b =
				n ? expr_fake_out(false, back, k) : (unsigned)verdict[1];

			total->runs++;
			if (a != b && mismatches++ < MAX_SHOWN)
				printf("  mismatch '%s': probe reads %#llx, direct loads %#llx; len=%u "
				       "mark=%#x priority=%#x\n",
				       n ? expr_value_text(false, first + k) : names, a, b, len,
				       skb_ctx.mark, skb_ctx.priority);
		}
	}
	total->mismatches += mismatches;
	printf("%s: expr difftest direct '%s' - %lu real skbs, %lu mismatches\n",
	       mismatches ? "FAIL" : "PASS", names, c->runs, mismatches);
	ret = mismatches ? 1 : 0;
cleanup:
	for (int mode = 0; mode < 2; mode++) {
		bpf_object__close(obj[mode]);
		inject_keep_free(job[mode].keep);
		free(job[mode].insns);
	}
	for (int k = 0; k < count; k++)
		expr_ast_free(asts[k]);
	free(back);
	free(out0);
	return ret;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "obj", required_argument, NULL, 'o' },  { "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' }, { "mutate", no_argument, NULL, 'm' },
		{ "sizes", no_argument, NULL, 'z' },	  { "direct", no_argument, NULL, 'd' },
		{ "bench", no_argument, NULL, 'b' },	  {}
	};
	struct config c = { .runs = 2000, .seed = 1 };
	struct tally total = { 0 };
	struct splice_job *job = NULL;
	LIBBPF_OPTS(libbpf_prog_handler_opts, hopts, .cookie = (long)&job,
		    .prog_prepare_load_fn = prepare_load);
	struct btf *btf;
	int opt, failed = 0, n = 0, handler, handler_tc = -1;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (opt == 'o')
			c.obj = optarg;
		else if (opt == 'r')
			c.runs = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			c.seed = strtoull(optarg, NULL, 0);
		else if (opt == 'm')
			c.mutate = true;
		else if (opt == 'z')
			c.sizes = true;
		else if (opt == 'd')
			c.direct = true;
		else if (opt == 'b')
			c.direct = c.bench = true;
		else
			c.obj = NULL;
	}
	if (!c.obj) {
		fprintf(stderr, "usage: %s --obj OBJ [--runs N] [--seed S] [--mutate]\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print_libbpf);
	handler =
		libbpf_register_prog_handler("expr_test", BPF_PROG_TYPE_RAW_TRACEPOINT, 0, &hopts);
	if (handler < 0) {
		printf("FAIL: expr difftest - libbpf_register_prog_handler: %s\n",
		       strerror(-handler));
		return 1;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		printf("FAIL: expr difftest - cannot read the kernel's BTF: %s\n", strerror(errno));
		return 1;
	}
	if (c.direct) {
		handler_tc = libbpf_register_prog_handler("expr_test_tc", BPF_PROG_TYPE_SCHED_CLS,
							  0, &hopts);
		for (int i = 0; i < expr_case_count(false) && handler_tc > 0; i++, n++)
			failed |= test_direct(&c, btf, i, 0, &job, &total) != 0;
		for (int i = 0; i < expr_value_count(false) && handler_tc > 0; i += 4, n++) {
			int left = expr_value_count(false) - i;

			failed |= test_direct(&c, btf, i, left < 4 ? left : 4, &job, &total) != 0;
		}
		if (handler_tc < 0)
			failed = 1;
		printf("%s: expr difftest direct total - %d expressions and value sets: %lu runs, "
		       "%lu mismatches\n",
		       failed ? "FAIL" : "PASS", n, total.runs, total.mismatches);
		libbpf_unregister_prog_handler(handler_tc);
		goto done;
	}
	for (int xdp = 0; xdp < 2; xdp++)
		for (int i = 0; i < expr_case_count(xdp); i++, n++)
			if (test_case(&c, btf, xdp, i, &job, &total) && !c.mutate)
				failed = 1;
	for (int xdp = 0; xdp < 2 && !c.mutate && !c.sizes; xdp++)
		for (int i = 0; i < expr_value_count(xdp); i += EXPR_MAX_VALUES, n++) {
			int left = expr_value_count(xdp) - i;

			if (test_values(&c, btf, xdp, i,
					left < EXPR_MAX_VALUES ? left : EXPR_MAX_VALUES, &job,
					&total))
				failed = 1;
		}
	if (c.mutate) {
		failed = total.mismatches == 0;
		printf("%s: expr difftest mutation check - compares off by one must be caught: "
		       "%lu mismatches in %lu runs%s\n",
		       failed ? "FAIL" : "PASS", total.mismatches, total.runs,
		       failed ? " (expected > 0)" : "");
	} else {
		printf("%s: expr difftest total - %d expressions and value sets: %lu runs, %lu mismatches\n",
		       failed ? "FAIL" : "PASS", n, total.runs, total.mismatches);
	}
done:
	btf__free(btf);
	libbpf_unregister_prog_handler(handler);
	return failed;
}
