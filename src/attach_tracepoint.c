// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint backend: tp_btf programs (BTF-typed arguments, direct
 * loads), or raw_tp where the kernel refuses tp_btf. Works on kernels
 * without kprobes and where fentry is forbidden.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include "parallel.h"
#include <bpf/bpf.h>

#include "backend.h"
#include "kernel_features.h"
#include "loader.h"
#include "progress.h"

static bool use_tp_btf(const struct loader *l)
{
	char why[128];

	return kf_tp_btf(loader_vmlinux(l), why, sizeof(why)) == 0;
}

static const char *tp_template(const struct probe *p, bool btf, char *buf, size_t len)
{
	const char *kind = btf ? "pwru_tp" : "pwru_raw";

	switch (p->special) {
	case SPECIAL_KFREE_SKB_TP:
		snprintf(buf, len, "%s_kfree", kind);
		break;
	case SPECIAL_CONSUME_SKB_TP:
		snprintf(buf, len, "%s_consume", kind);
		break;
	default:
		snprintf(buf, len, "%s_skb%d", kind, p->skb_pos);
	}
	return buf;
}

static bool loaded_any_tp_btf(const struct loader *l)
{
	char tmpl[32];

	for (int pos = 0; pos < 5; pos++) {
		snprintf(tmpl, sizeof(tmpl), "pwru_tp_skb%d", pos);
		if (loader_prog_fd(l, tmpl) >= 0)
			return true;
	}
	return loader_prog_fd(l, "pwru_tp_kfree") >= 0 || loader_prog_fd(l, "pwru_tp_consume") >= 0;
}

static int tp_probe_kernel(const struct btf *btf, char *why, size_t len)
{
	char w1[96], w2[96];

	if (kf_tp_btf(btf, w1, sizeof(w1)) == 0 || kf_raw_tp(btf, w2, sizeof(w2)) == 0)
		return 0;
	snprintf(why, len, "tp_btf %s, raw_tp %s", w1, w2);
	return -EOPNOTSUPP;
}

int tracepoints_prepare(struct loader *l, struct probe_list *pl)
{
	bool btf = use_tp_btf(l);
	char tmpl[64];

	for (size_t i = 0; i < pl->n; i++) {
		struct probe *p = &pl->v[i];
		int ret;

		if (p->kind != PROBE_TP)
			continue;
		/* tp_btf templates are verified against a real tracepoint of their layout. */
		ret = loader_want(l, tp_template(p, btf, tmpl, sizeof(tmpl)), btf ? p->name : NULL);
		if (ret)
			return ret;
	}
	return 0;
}

struct tp_job {
	struct loader *l;
	struct probe_list *pl;
	size_t *tps;
	bool btf;
	int *prog, *link, *err;
};

static void tp_attach_job(void *arg, size_t k)
{
	struct tp_job *j = arg;
	size_t i = j->tps[k];
	struct clone_target target = { .btf_id = j->btf ? j->pl->v[i].btf_id : 0 };
	char tmpl[64];

	j->prog[i] = loader_clone(j->l, tp_template(&j->pl->v[i], j->btf, tmpl, sizeof(tmpl)),
				  (uint32_t)i, &target, NULL, 0);
	if (j->prog[i] < 0) {
		j->err[i] = j->prog[i];
		return;
	}
	j->link[i] = bpf_raw_tracepoint_open(j->btf ? NULL : j->pl->v[i].name, j->prog[i]);
	j->err[i] = j->link[i] < 0 ? -errno : 0;
	if (j->err[i])
		close(j->prog[i]);
}

/* Each clone is one verification: CPU-bound, so one worker per CPU. */
int tracepoints_attach(struct loader *l, struct probe_list *pl, struct attach_set *s,
		       struct progress *pr)
{
	/* prepare chose the kind; reading it back keeps both halves in step */
	struct tp_job j = { .l = l, .pl = pl, .btf = loaded_any_tp_btf(l) };
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int ret = -ENOMEM;
	size_t n;

	j.tps = calloc(pl->n + 1, sizeof(size_t));
	j.prog = calloc(pl->n + 1, sizeof(int));
	j.link = calloc(pl->n + 1, sizeof(int));
	j.err = calloc(pl->n + 1, sizeof(int));
	if (!j.tps || !j.prog || !j.link || !j.err)
		goto cleanup;
	n = probes_of_kind(pl, PROBE_TP, j.tps);
	parallel_for(n, ncpu > 0 ? (int)ncpu : 1, tp_attach_job, &j, pr);
	attach_results_apply(pl, s, j.tps, n, j.prog, j.link, j.err);
	ret = 0;
cleanup:
	free(j.tps);
	free(j.prog);
	free(j.link);
	free(j.err);
	return ret;
}

const struct backend backend_tracepoint = {
	.name = "tracepoint",
	.wants_tracepoints = true,
	.probe_kernel = tp_probe_kernel,
	.prepare = tracepoints_prepare,
	.attach = tracepoints_attach,
};
