// SPDX-License-Identifier: GPL-2.0
/*
 * Tracepoints: a tp_btf clone per tracepoint (BTF-typed arguments, direct
 * loads), or raw_tp where the kernel refuses tp_btf. Works on kernels without
 * kprobes and where fentry is forbidden.
 */
#include <errno.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attach_strategy.h"

static enum tmpl_id tp_template(const struct probe *p, bool tp_btf)
{
	switch (p->special) {
	case SPECIAL_KFREE_SKB_TP:
		return tp_btf ? TMPL_TP_KFREE : TMPL_RAW_KFREE;
	case SPECIAL_CONSUME_SKB_TP:
		return tp_btf ? TMPL_TP_CONSUME : TMPL_RAW_CONSUME;
	case SPECIAL_NOTIFIER:
		return TMPL_TP_NOTIFIER; /* composed only where tp_btf loads */
	default:
		return (tp_btf ? TMPL_TP_SKB0 : TMPL_RAW_SKB0) + p->skb_pos;
	}
}

static int tp_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	/* tp_btf templates are verified against a real tracepoint of their layout */
	return loader_want(l, tp_template(p, env->tp_btf), env->tp_btf ? p->name : NULL);
}

static void tp_attach_one(const struct attach_env *env, struct attach_item *it)
{
	struct clone_target target = { .btf_id = env->tp_btf ? it->p->btf_id : 0 };
	int prog, link;

	prog = loader_clone(env->loader, tp_template(it->p, env->tp_btf), it->id, &target, NULL, 0);
	if (prog < 0) {
		it->r->err = prog;
		return;
	}
	link = bpf_raw_tracepoint_open(env->tp_btf ? NULL : it->p->name, prog);
	if (link < 0) {
		it->r->err = -errno;
		close(prog);
		return;
	}
	it->r->prog_fd = prog;
	it->r->link_fd = link;
	it->r->err = 0;
}

const struct attach_strategy strategy_tracepoint = {
	.name = "tracepoint",
	.feature = KF_RAW_TP, /* the floor: tp_btf is preferred when it loads */
	.attach_workers = WORKERS_PER_CPU,
	.detach_workers = WORKERS_ONE,
	.prepare = tp_prepare,
	.attach_one = tp_attach_one,
};
