// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoint backend: tp_btf programs (BTF-typed arguments, direct
 * loads), or raw_tp where the kernel refuses tp_btf. Works on kernels
 * without kprobes and where fentry is forbidden.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
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
		ret = loader_want(l, tp_template(p, btf, tmpl, sizeof(tmpl)),
				  btf ? p->name : NULL);
		if (ret)
			return ret;
	}
	return 0;
}

static int tp_attach_one(struct loader *l, struct probe *p, uint32_t id, bool btf,
			 struct attach_set *s)
{
	struct clone_target target = { .btf_id = btf ? p->btf_id : 0 };
	char tmpl[64], log[256] = "";
	int prog, link;

	prog = loader_clone(l, tp_template(p, btf, tmpl, sizeof(tmpl)), id, &target,
			    log, sizeof(log));
	if (prog < 0)
		return prog;
	link = bpf_raw_tracepoint_open(btf ? NULL : p->name, prog);
	if (link < 0) {
		link = -errno;
		close(prog);
		return link;
	}
	attach_set_add_prog(s, prog);
	attach_set_add_link(s, link);
	return 0;
}

int tracepoints_attach(struct loader *l, struct probe_list *pl, struct attach_set *s,
		       struct progress *pr)
{
	bool btf = use_tp_btf(l);

	for (size_t i = 0; i < pl->n; i++) {
		struct probe *p = &pl->v[i];
		int ret;

		if (p->kind != PROBE_TP)
			continue;
		ret = tp_attach_one(l, p, (uint32_t)i, btf, s);
		p->state = ret ? PROBE_FAILED : PROBE_ATTACHED;
		p->err = ret;
		if (ret)
			s->failed++;
		else
			s->attached++;
		progress_step(pr, 1);
	}
	return 0;
}

const struct backend backend_tracepoint = {
	.name = "tracepoint",
	.wants_tracepoints = true,
	.probe_kernel = tp_probe_kernel,
	.prepare = tracepoints_prepare,
	.attach = tracepoints_attach,
};
