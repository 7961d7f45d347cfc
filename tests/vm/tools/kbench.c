// SPDX-License-Identifier: GPL-2.0
/* vm-kbench: the naive baseline for attach speed. Attaches one kprobe per
 * skb function, one after the other with plain libbpf (as a simple tool
 * would), then detaches them the same way, and prints the rates:
 *   BENCH naive-kprobe functions=N attached=A failed=F attach_s=S
 *         attaches_per_s=R detach_s=S detaches_per_s=R
 * With -m, instead one kprobe-multi link over all of them (the fast path
 * kprobe-multi backends take), printed as BENCH kprobe-multi ....
 * With -f, one minimal fentry program per function (BPF_PROG_LOAD with the
 * function's BTF id, then a link), serially: the floor under any fentry
 * backend's per-function cost, printed as BENCH fentry-minimal ....
 * Usage: vm-kbench [-m | -f] [-n MAX_FUNCTIONS] */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "kbench.skel.h"
#include "skb_funcs.h"

static int print_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double rate(size_t n, double secs)
{
	return secs > 0 ? n / secs : 0;
}

/* One link for all names; the kernel refuses the whole set if one fails. */
static int bench_multi(struct kbench_bpf *skel, char **names, size_t n)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = (const char **)names, .cnt = n);
	struct bpf_link *link;
	double t0 = now(), t_attach, t_detach;

	link = bpf_program__attach_kprobe_multi_opts(skel->progs.on_multi, NULL, &opts);
	t_attach = now() - t0;
	if (!link) {
		int err = errno;

		printf("BENCH kprobe-multi functions=%zu result=fail attach_s=%.2f error=%s\n", n,
		       t_attach, strerror(err));
		return 1;
	}
	t0 = now();
	bpf_link__destroy(link);
	t_detach = now() - t0;
	printf("BENCH kprobe-multi functions=%zu result=ok attach_s=%.3f detach_s=%.3f\n", n,
	       t_attach, t_detach);
	return 0;
}

/* Loads and links "r0 = 0; exit" as fentry on each function, one by one. */
static int bench_fentry(char **names, size_t n)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct btf *btf = btf__load_vmlinux_btf();
	int *progs = calloc(n ? n : 1, sizeof(int)), *links = calloc(n ? n : 1, sizeof(int));
	double t_load = 0, t_attach = 0, t0;
	size_t ok = 0, refused = 0;
	const char *first_fail = NULL;
	int first_err = 0;

	if (!btf || !progs || !links) {
		fprintf(stderr, "vm-kbench: vmlinux BTF: %s\n", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		int id = btf__find_by_name_kind(btf, names[i], BTF_KIND_FUNC);
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = BPF_TRACE_FENTRY,
			    .attach_btf_id = id > 0 ? id : 0);

		links[i] = progs[i] = -1;
		t0 = now();
		progs[i] = bpf_prog_load(BPF_PROG_TYPE_TRACING, "kb_fentry", "GPL", insns, 2, &o);
		t_load += now() - t0;
		t0 = now();
		if (progs[i] >= 0)
			links[i] = bpf_link_create(progs[i], 0, BPF_TRACE_FENTRY, NULL);
		t_attach += now() - t0;
		if (links[i] >= 0) {
			ok++;
		} else {
			refused++;
			if (!first_fail) {
				first_fail = names[i];
				first_err = errno;
			}
		}
	}
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		if (links[i] >= 0)
			close(links[i]);
		if (progs[i] >= 0)
			close(progs[i]);
	}
	printf("BENCH fentry-minimal functions=%zu attached=%zu refused=%zu load_s=%.2f attach_s=%.2f "
	       "detach_s=%.2f per_function_ms=%.2f\n",
	       n, ok, refused, t_load, t_attach, now() - t0, n ? (t_load + t_attach) * 1e3 / n : 0);
	if (first_fail)
		printf("BENCH fentry-minimal first_failure=%s error=%s\n", first_fail,
		       strerror(first_err));
	free(progs);
	free(links);
	btf__free(btf);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct kbench_bpf *skel = NULL;
	struct bpf_link **links = NULL;
	struct skb_funcs f = { 0 };
	size_t max = (size_t)-1, n, attached = 0;
	double t0, t_attach, t_detach;
	int opt, err, first_err = 0, multi = 0, fentry = 0;
	const char *first_fail = NULL;

	while ((opt = getopt(argc, argv, "fmn:")) != -1) {
		if (opt == 'f') {
			fentry = 1;
		} else if (opt == 'm') {
			multi = 1;
		} else if (opt == 'n') {
			max = strtoul(optarg, NULL, 10);
		} else {
			fprintf(stderr, "usage: vm-kbench [-m | -f] [-n MAX_FUNCTIONS]\n");
			return 2;
		}
	}
	libbpf_set_print(print_quiet);
	err = skb_funcs_find(&f);
	if (err) {
		fprintf(stderr, "vm-kbench: finding skb functions: %s\n", strerror(-err));
		return 1;
	}
	n = f.count < max ? f.count : max;
	if (fentry) {
		err = bench_fentry(f.names, n);
		goto cleanup;
	}
	skel = kbench_bpf__open();
	/* a kernel without fprobe would refuse the whole object otherwise */
	if (skel)
		bpf_program__set_autoload(skel->progs.on_multi, multi);
	if (skel && kbench_bpf__load(skel)) {
		kbench_bpf__destroy(skel);
		skel = NULL;
	}
	if (skel && multi) {
		err = bench_multi(skel, f.names, n);
		goto cleanup;
	}
	links = calloc(n ? n : 1, sizeof(*links));
	if (!skel || !links) {
		fprintf(stderr, "vm-kbench: loading the kprobe program: %s\n", strerror(errno));
		err = 1;
		goto cleanup;
	}

	t0 = now();
	for (size_t i = 0; i < n; i++) {
		links[i] = bpf_program__attach_kprobe(skel->progs.on_func, false, f.names[i]);
		attached += links[i] != NULL;
		if (!links[i] && !first_fail) {
			first_err = errno;
			first_fail = f.names[i];
		}
	}
	t_attach = now() - t0;

	t0 = now();
	for (size_t i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	t_detach = now() - t0;

	printf("BENCH naive-kprobe functions=%zu attached=%zu failed=%zu attach_s=%.2f attaches_per_s=%.1f "
	       "detach_s=%.2f detaches_per_s=%.1f\n",
	       n, attached, n - attached, t_attach, rate(attached, t_attach), t_detach,
	       rate(attached, t_detach));
	if (first_fail)
		printf("BENCH naive-kprobe first_failure=%s error=%s\n", first_fail,
		       strerror(first_err));
	err = attached ? 0 : 1;
cleanup:
	free(links);
	kbench_bpf__destroy(skel);
	skb_funcs_free(&f);
	return err;
}
