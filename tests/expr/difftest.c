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
 * --sizes instead lists each verified body's instruction count.
 *
 * usage: difftest --obj OBJ [--runs N] [--seed S] [--mutate | --sizes]
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
	    expr_compile(ast, xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB, btf, &job.insns, &job.len, err,
			 sizeof(err))) {
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
		printf("  %3zu insns  %s\n", job.len, text);
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
				xdp ? EXPR_ROOT_XDP : EXPR_ROOT_SKB, btf, &job.insns, &job.len,
				info, err, sizeof(err))) {
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

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_DEBUG ? 0 : vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "obj", required_argument, NULL, 'o' },  { "runs", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' }, { "mutate", no_argument, NULL, 'm' },
		{ "sizes", no_argument, NULL, 'z' },	  {}
	};
	struct config c = { .runs = 2000, .seed = 1 };
	struct tally total = { 0 };
	struct splice_job *job = NULL;
	LIBBPF_OPTS(libbpf_prog_handler_opts, hopts, .cookie = (long)&job,
		    .prog_prepare_load_fn = prepare_load);
	struct btf *btf;
	int opt, failed = 0, n = 0, handler;

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
	btf__free(btf);
	libbpf_unregister_prog_handler(handler);
	return failed;
}
