// SPDX-License-Identifier: GPL-2.0
/*
 * fentry: BTF-typed arguments and a trampoline instead of a trap per hit.
 * fentry programs are verified against their target, so each function (or
 * TC/XDP program, for --filter-trace-tc/-xdp) gets its own clone of the
 * template; functions the verifier refuses are counted as ignored. fexit on
 * the skb copy functions (copy tracking) is the same mechanism.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attach_strategy.h"

/* Verify templates against a function every kernel has when the list has none. */
#define FALLBACK_SKB0_TARGET "netif_receive_skb"

static bool is_xdp(const struct probe *p)
{
	return p->kind == PROBE_BPF_PROG && !strcmp(p->group, "xdp");
}

static enum tmpl_id fe_template(const struct probe *p)
{
	if (p->kind == PROBE_BPF_PROG)
		/* TC programs take the skb as their only argument: the ordinary template */
		return is_xdp(p) ? TMPL_FE_XDP : TMPL_FE_SKB0;
	static const struct func_templates t = {
		TMPL_FE_SKB0, TMPL_FE_KFREE_REASON, TMPL_FE_SK_DROP, TMPL_FE_FREE, TMPL_FE_NON_SKB,
	};

	return tmpl_for_func(p, &t);
}

static int fe_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	char target[128];
	int fd, ret;

	if (p->kind == PROBE_FUNC && !p->btf_obj_fd)
		/* the template is verified against the first function of its layout */
		return loader_want(l, fe_template(p), p->name);
	if (p->kind == PROBE_FUNC) {
		/*
		 * Templates load against vmlinux; a module function's own clone
		 * then names the module's BTF object.
		 */
		ret = btf_find_skb_func(loader_vmlinux(l), p->skb_pos, target, sizeof(target));
		return ret ? ret : loader_want(l, fe_template(p), target);
	}
	if (!is_xdp(p))
		return loader_want(l, TMPL_FE_SKB0, FALLBACK_SKB0_TARGET);
	/* XDP programs get their own template, verified against the first one */
	fd = bpf_prog_get_fd_by_id(p->prog_id);
	if (fd < 0)
		return -errno;
	ret = loader_want_prog(l, TMPL_FE_XDP, fd, p->prog_func);
	close(fd);
	return ret;
}

static int open_tracing(const struct attach_env *env, enum tmpl_id tmpl, uint32_t id,
			const struct clone_target *target, struct attach_result *r)
{
	int prog = loader_clone(env->loader, tmpl, id, target, NULL, 0), link;

	if (prog < 0)
		return prog;
	link = bpf_raw_tracepoint_open(NULL, prog);
	if (link < 0) {
		link = -errno;
		close(prog);
		return link;
	}
	r->prog_fd = prog;
	r->link_fd = link;
	return 0;
}

static void fe_attach_one(const struct attach_env *env, struct attach_item *it)
{
	const struct probe *p = it->p;
	struct clone_target target = { .btf_id = p->btf_id, .btf_obj_fd = p->btf_obj_fd };

	if (p->kind == PROBE_BPF_PROG) {
		target.prog_fd = bpf_prog_get_fd_by_id(p->prog_id);
		if (target.prog_fd < 0) {
			it->r->err = -errno;
			return;
		}
	}
	it->r->err = open_tracing(env, fe_template(p), it->id, &target, it->r);
	if (target.prog_fd > 0)
		close(target.prog_fd); /* the clone holds its own reference */
}

const struct attach_strategy strategy_fentry = {
	.name = "fentry",
	.feature = KF_FENTRY,
	.attach_workers = WORKERS_PER_CPU, /* verification is CPU-bound */
	/* unlinking a trampoline waits for RCU-tasks grace periods: overlap them */
	.detach_workers = WORKERS_MANY,
	.copies = &strategy_fexit_copy,
	.returns = &strategy_fexit_ret,
	.prepare = fe_prepare,
	.attach_one = fe_attach_one,
};

/* Copy tracking: the result sits after 2 or 4 arguments (probes.h). */
static enum tmpl_id fx_template(const struct probe *p)
{
	if (p->special == SPECIAL_UNTRACK)
		return TMPL_FE_UNTRACK; /* an fentry: forget the skb before its memory goes */
	if (p->special == SPECIAL_VETH_ENTRY)
		return TMPL_FE_VETH_ENTRY;
	if (p->special == SPECIAL_VETH_RETURN)
		return TMPL_FX_VETH_RETURN;
	return p->special == SPECIAL_COPY_RESULT4 ? TMPL_FX_COPY4 : TMPL_FX_COPY2;
}

/* A vmlinux function of veth_xdp_rcv_skb's layout (4 arguments, returns a pointer). */
#define VETH_TEMPLATE_TARGET "__pskb_copy_fclone"

static int fx_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	/* templates load against vmlinux; the module function's clone names its BTF */
	return loader_want(l, fx_template(p), p->btf_obj_fd ? VETH_TEMPLATE_TARGET : p->name);
}

static void fx_attach_one(const struct attach_env *env, struct attach_item *it)
{
	struct clone_target target = { .btf_id = it->p->btf_id, .btf_obj_fd = it->p->btf_obj_fd };

	/* not a probe: it emits nothing, so its id is never read */
	it->r->err = open_tracing(env, fx_template(it->p), 0, &target, it->r);
}

const struct attach_strategy strategy_fexit_copy = {
	.name = "fexit",
	.feature = KF_FENTRY, /* fexit shares fentry's fate */
	.attach_workers = WORKERS_ONE,
	.detach_workers = WORKERS_ONE,
	.prepare = fx_prepare,
	.attach_one = fx_attach_one,
};

/*
 * --output-return: fexit reads the result whatever the function's arguments,
 * so a module function's clone can come from a template verified against any
 * vmlinux function; the clone names the module's BTF object.
 */
static int fx_ret_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, TMPL_FX_RET, p->btf_obj_fd ? FALLBACK_SKB0_TARGET : p->name);
}

static void fx_ret_attach_one(const struct attach_env *env, struct attach_item *it)
{
	struct clone_target target = { .btf_id = it->p->btf_id, .btf_obj_fd = it->p->btf_obj_fd };

	it->r->err = open_tracing(env, TMPL_FX_RET, it->id, &target, it->r);
}

const struct attach_strategy strategy_fexit_ret = {
	.name = "fexit",
	.feature = KF_FENTRY,
	.attach_workers = WORKERS_PER_CPU,
	.detach_workers = WORKERS_MANY,
	.prepare = fx_ret_prepare,
	.attach_one = fx_ret_attach_one,
};
