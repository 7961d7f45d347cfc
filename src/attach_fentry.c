// SPDX-License-Identifier: GPL-2.0
/*
 * The fentry backend: BTF-typed arguments and a trampoline instead of a
 * trap per hit. fentry programs are verified against their target, so
 * each function gets its own clone of the template, loaded by parallel
 * workers; functions the verifier refuses are counted as ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "backend.h"
#include "kernel_features.h"
#include "loader.h"
#include "parallel.h"
#include "progress.h"

/* Module functions need their BTF object's fd at load: not resolved yet. */
static bool in_vmlinux(const struct probe *p)
{
	return !strcmp(p->group, "vmlinux");
}

/* Verify templates against a function every kernel has when the list has none. */
#define FALLBACK_SKB0_TARGET "netif_receive_skb"

static bool is_xdp(const struct probe *p)
{
	return p->kind == PROBE_BPF_PROG && !strcmp(p->group, "xdp");
}

/*
 * TC programs take the skb as their only argument: the ordinary template.
 * XDP programs get their own, verified against the first XDP program.
 */
static int want_prog_template(struct loader *l, const struct probe *p)
{
	int fd, ret;

	if (!is_xdp(p))
		return loader_want(l, "pwru_fe_skb0", FALLBACK_SKB0_TARGET);
	fd = bpf_prog_get_fd_by_id(p->prog_id);
	if (fd < 0)
		return -errno;
	ret = loader_want_prog(l, "pwru_fe_xdp", fd, p->prog_func);
	close(fd);
	return ret;
}

static int fe_prepare(struct loader *l, struct probe_list *pl)
{
	char tmpl[64];

	for (size_t i = 0; i < pl->n; i++) {
		const struct probe *p = &pl->v[i];

		if (p->kind != PROBE_FUNC || !in_vmlinux(p))
			continue;
		/* the template is verified against the first function of its layout */
		if (loader_want(l, func_template(p, "fe", tmpl, sizeof(tmpl)), p->name))
			return -ENOENT;
	}
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind == PROBE_BPF_PROG && want_prog_template(l, &pl->v[i]))
			return -ENOENT;
	}
	return tracepoints_prepare(l, pl);
}

struct fe_job {
	struct loader *l;
	struct probe_list *pl;
	size_t *funcs;
	int *prog, *link, *err;
};

static void fe_attach_one(void *arg, size_t k)
{
	struct fe_job *j = arg;
	size_t i = j->funcs[k];
	struct probe *p = &j->pl->v[i];
	struct clone_target target = {};
	char tmpl[64];
	int prog, link;

	j->prog[i] = j->link[i] = -1;
	if (p->kind == PROBE_BPF_PROG) {
		target.prog_fd = bpf_prog_get_fd_by_id(p->prog_id);
		if (target.prog_fd < 0) {
			j->err[i] = -errno;
			return;
		}
	} else if (!in_vmlinux(p)) {
		j->err[i] = -EOPNOTSUPP;
		return;
	}
	target.btf_id = p->btf_id;
	target.btf_obj_fd = p->btf_obj_fd;
	if (is_xdp(p))
		snprintf(tmpl, sizeof(tmpl), "pwru_fe_xdp");
	else
		func_template(p, "fe", tmpl, sizeof(tmpl));
	prog = loader_clone(j->l, tmpl, (uint32_t)i, &target, NULL, 0);
	if (target.prog_fd > 0)
		close(target.prog_fd); /* the clone holds its own reference */
	if (prog < 0) {
		j->err[i] = prog;
		return;
	}
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		j->err[i] = -errno;
		close(prog);
		return;
	}
	j->prog[i] = prog;
	j->link[i] = link;
	j->err[i] = 0;
}

/* Kernel functions and BPF programs: everything but tracepoints. */
static size_t fentry_probes(const struct probe_list *pl, size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind != PROBE_TP)
			idx[n++] = i;
	}
	return n;
}

static int fe_attach(struct loader *l, struct probe_list *pl, struct attach_set *s,
		     struct progress *pr)
{
	struct fe_job j = { .l = l, .pl = pl };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int ret = tracepoints_attach(l, pl, s, pr);
	size_t n;

	if (ret)
		return ret;
	j.prog = calloc(pl->n, sizeof(int));
	j.link = calloc(pl->n, sizeof(int));
	j.err = calloc(pl->n, sizeof(int));
	j.funcs = calloc(pl->n, sizeof(size_t));
	if (!j.prog || !j.link || !j.err || !j.funcs) {
		ret = -ENOMEM;
		goto cleanup;
	}
	/* Verification is CPU-bound: one worker per CPU. */
	n = fentry_probes(pl, j.funcs);
	parallel_for(n, ncpu > 0 ? (int)ncpu : 1, fe_attach_one, &j, pr);
	attach_results_apply(pl, s, j.funcs, n, j.prog, j.link, j.err);
	/* unlinking a trampoline waits for RCU-tasks grace periods: overlap them */
	s->detach_threads = 32;
cleanup:
	free(j.funcs);
	free(j.prog);
	free(j.link);
	free(j.err);
	return ret;
}

const struct backend backend_fentry = {
	.name = "fentry",
	.wants_funcs = true,
	.wants_tracepoints = true,
	.probe_kernel = kf_fentry,
	.prepare = fe_prepare,
	.attach = fe_attach,
};
