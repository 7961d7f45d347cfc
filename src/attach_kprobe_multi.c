// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe-multi (fprobe, 5.18+): one link carries every function, by address;
 * each address's cookie holds the probe id and where its skb argument is
 * (bpf/pwru.h). One address the kernel refuses fails the whole link, so a
 * refused set is split in halves until the culprits stand alone.
 */
#include <errno.h>
#include <bpf/bpf.h>

#include "attach_strategy.h"

static int kpm_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, TMPL_KPM_ALL, NULL);
}

static uint64_t kpm_cookie(const struct probe *p, uint32_t id)
{
	uint64_t layout = p->skb_pos;

	if (p->special == SPECIAL_KFREE_SKB_REASON)
		layout = PWRU_KPM_KFREE_REASON;
	else if (p->special == SPECIAL_SK_SKB_REASON_DROP)
		layout = PWRU_KPM_SK_DROP;
	else if (p->special == SPECIAL_SKB_FREE)
		layout = PWRU_KPM_SKB_FREE;
	else if (p->special == SPECIAL_NON_SKB)
		layout = PWRU_KPM_NON_SKB;
	return layout << 32 | id;
}

/* Items [0, n) of one bulk call, by offset into the env's scratch. */
struct kpm_set {
	const struct attach_env *env;
	struct attach_item *first;
	int prog;
	__u32 flags; /* BPF_F_KPROBE_MULTI_RETURN for return probes */
};

static int link_range(void *ctx, struct attach_item *it, size_t n)
{
	struct kpm_set *s = ctx;
	size_t from = it - s->first;
	uint64_t *addrs = s->env->scratch_a + from, *cookies = s->env->scratch_b + from;
	int link;

	LIBBPF_OPTS(bpf_link_create_opts, lo, .kprobe_multi.addrs = (const unsigned long *)addrs,
		    .kprobe_multi.cookies = (const __u64 *)cookies, .kprobe_multi.cnt = n,
		    .kprobe_multi.flags = s->flags, );
	link = bpf_link_create(s->prog, 0, BPF_TRACE_KPROBE_MULTI, &lo);
	return link < 0 ? -errno : link;
}

static void link_all(const struct attach_env *env, struct attach_item *it, size_t n, int cancel_fd,
		     enum tmpl_id tmpl, bool returns)
{
	struct kpm_set s = { .env = env, .first = it };
	size_t k = 0;

	s.flags = returns ? BPF_F_KPROBE_MULTI_RETURN : 0;
	s.prog = loader_prog_fd(env->loader, tmpl);
	if (s.prog < 0) {
		for (size_t i = 0; i < n; i++)
			it[i].r->err = s.prog;
		return;
	}
	/* Functions kallsyms does not know cannot be linked: set them aside first. */
	for (size_t i = 0; i < n; i++) {
		struct attach_item tmp;

		if (!it[i].p->addr) {
			it[i].r->err = -ENOENT;
			continue;
		}
		tmp = it[k];
		it[k] = it[i];
		it[i] = tmp;
		env->scratch_a[k] = it[k].p->addr;
		/* a return probe's program reads the id alone */
		env->scratch_b[k] = returns ? it[k].id : kpm_cookie(it[k].p, it[k].id);
		k++;
	}
	bulk_attach_bisect(it, k, link_range, &s, cancel_fd);
}

static void kpm_attach_bulk(const struct attach_env *env, struct attach_item *it, size_t n,
			    int cancel_fd)
{
	link_all(env, it, n, cancel_fd, TMPL_KPM_ALL, false);
}

const struct attach_strategy strategy_kprobe_multi = {
	.name = "kprobe-multi",
	.feature = KF_KPROBE_MULTI,
	.needs = NEEDS_ADDRS | NEEDS_SCRATCH,
	.attach_workers = WORKERS_ONE,
	.detach_workers = WORKERS_ONE,
	.prepare = kpm_prepare,
	.attach_bulk = kpm_attach_bulk,
	/* kretprobe-multi would do in one link; kretprobes are enough for four functions */
	.copies = &strategy_kretprobe_copy,
	.returns = &strategy_kretprobe_multi_ret,
};

/* --output-return: every function's return in one more link. */
static int kpm_ret_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, TMPL_KPM_RET, NULL);
}

static void kpm_ret_attach_bulk(const struct attach_env *env, struct attach_item *it, size_t n,
				int cancel_fd)
{
	link_all(env, it, n, cancel_fd, TMPL_KPM_RET, true);
}

const struct attach_strategy strategy_kretprobe_multi_ret = {
	.name = "kretprobe-multi",
	.feature = KF_KPROBE_MULTI,
	.needs = NEEDS_ADDRS | NEEDS_SCRATCH,
	.attach_workers = WORKERS_ONE,
	.detach_workers = WORKERS_ONE,
	.prepare = kpm_ret_prepare,
	.attach_bulk = kpm_ret_attach_bulk,
};
