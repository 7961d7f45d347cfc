// SPDX-License-Identifier: GPL-2.0
/*
 * kprobes: one perf kprobe per function, all sharing one loaded program per
 * skb position, told apart by the attach cookie. Attaching and detaching wait
 * on the kernel (kprobe_mutex, RCU grace periods), so many workers overlap
 * those waits: this is where cilium/pwru users wait minutes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "attach_strategy.h"

static enum tmpl_id kp_template(const struct probe *p)
{
	static const struct func_templates t = {
		TMPL_KP_SKB0, TMPL_KP_KFREE_REASON, TMPL_KP_SK_DROP, TMPL_KP_FREE, TMPL_KP_NON_SKB,
	};

	return tmpl_for_func(p, &t);
}

static int kp_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, kp_template(p), NULL);
}

static int kprobe_open(int pmu, const char *func, uint64_t config)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = pmu,
		.config = config,
		.config1 = (uint64_t)(uintptr_t)func,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	int fd = syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* One kprobe (or kretprobe: config has the PMU's retprobe bit) running tmpl. */
static void attach_kprobe(const struct attach_env *env, struct attach_item *it, enum tmpl_id tmpl,
			  uint64_t config)
{
	int prog = loader_prog_fd(env->loader, tmpl);
	int pfd, link;

	pfd = prog < 0 ? prog : kprobe_open(env->kprobe_pmu, it->p->name, config);
	if (pfd < 0) {
		it->r->err = pfd;
		return;
	}
	LIBBPF_OPTS(bpf_link_create_opts, lo, .perf_event.bpf_cookie = it->id);
	link = bpf_link_create(prog, pfd, BPF_PERF_EVENT, &lo);
	if (link < 0) {
		it->r->err = -errno;
		close(pfd);
		return;
	}
	it->r->link_fd = link;
	it->r->perf_fd = pfd;
	it->r->err = 0;
}

static void kp_attach_one(const struct attach_env *env, struct attach_item *it)
{
	attach_kprobe(env, it, kp_template(it->p), 0);
}

const struct attach_strategy strategy_kprobe = {
	.name = "kprobe",
	.feature = KF_KPROBE,
	.needs = NEEDS_KPROBE_PMU,
	.attach_workers = WORKERS_KPROBE_BATCH,
	/* closing a kprobe waits in synchronize_rcu outside the kprobe mutex */
	.detach_workers = WORKERS_KPROBE_BATCH,
	.copies = &strategy_kretprobe_copy,
	.returns = &strategy_kretprobe_ret,
	.prepare = kp_prepare,
	.attach_one = kp_attach_one,
};

/* The kprobe PMU's retprobe bit ("config:0" in its format directory). */
static int kretprobe_bit(void)
{
	FILE *f = fopen("/sys/bus/event_source/devices/kprobe/format/retprobe", "r");
	int bit = 0;

	if (f) {
		if (fscanf(f, "config:%d", &bit) != 1)
			bit = 0;
		fclose(f);
	}
	return bit;
}

static enum tmpl_id copy_template(const struct probe *p)
{
	switch (p->special) {
	case SPECIAL_COPY_RETURN:
		return TMPL_KP_COPY_RETURN;
	case SPECIAL_VETH_ENTRY:
		return TMPL_KP_VETH_ENTRY;
	case SPECIAL_VETH_RETURN:
		return TMPL_KP_VETH_RETURN;
	default:
		return TMPL_KP_COPY_ENTRY;
	}
}

static int copy_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, copy_template(p), NULL);
}

static void copy_attach_one(const struct attach_env *env, struct attach_item *it)
{
	bool ret = it->p->special == SPECIAL_COPY_RETURN || it->p->special == SPECIAL_VETH_RETURN;

	attach_kprobe(env, it, copy_template(it->p), ret ? 1ULL << kretprobe_bit() : 0);
}

/* --output-bpfmap: map functions by kprobe, a lookup's return by kretprobe, on every backend. */
static enum tmpl_id bpfmap_template(const struct probe *p)
{
	switch (p->special) {
	case SPECIAL_MAP_LOOKUP:
		return TMPL_KP_MAP_LOOKUP;
	case SPECIAL_MAP_LOOKUP_RET:
		return TMPL_KP_MAP_LOOKUP_RET;
	case SPECIAL_MAP_LOOKUP_ELEM_RET:
		return TMPL_KP_MAP_LOOKUP_ELEM_RET;
	case SPECIAL_MAP_UPDATE:
		return TMPL_KP_MAP_UPDATE;
	default:
		return TMPL_KP_MAP_DELETE;
	}
}

static int bpfmap_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, bpfmap_template(p), NULL);
}

static void bpfmap_attach_one(const struct attach_env *env, struct attach_item *it)
{
	bool ret = it->p->special == SPECIAL_MAP_LOOKUP_RET ||
		   it->p->special == SPECIAL_MAP_LOOKUP_ELEM_RET;

	attach_kprobe(env, it, bpfmap_template(it->p), ret ? 1ULL << kretprobe_bit() : 0);
}

const struct attach_strategy strategy_kprobe_bpfmap = {
	.name = "kprobe",
	.feature = KF_KPROBE,
	.needs = NEEDS_KPROBE_PMU,
	.attach_workers = WORKERS_ONE,
	.detach_workers = WORKERS_MANY,
	.prepare = bpfmap_prepare,
	.attach_one = bpfmap_attach_one,
};

const struct attach_strategy strategy_kretprobe_copy = {
	.name = "kretprobe",
	.feature = KF_KPROBE,
	.entry_and_return = true,
	.needs = NEEDS_KPROBE_PMU,
	.attach_workers = WORKERS_ONE,
	.detach_workers = WORKERS_MANY,
	.prepare = copy_prepare,
	.attach_one = copy_attach_one,
};

/* --output-return: a kretprobe per function, the probe id in its cookie. */
static int ret_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, TMPL_KP_RET, NULL);
}

static void ret_attach_one(const struct attach_env *env, struct attach_item *it)
{
	attach_kprobe(env, it, TMPL_KP_RET, 1ULL << kretprobe_bit());
}

const struct attach_strategy strategy_kretprobe_ret = {
	.name = "kretprobe",
	.feature = KF_KPROBE,
	.needs = NEEDS_KPROBE_PMU,
	.attach_workers = WORKERS_KPROBE_BATCH,
	.detach_workers = WORKERS_KPROBE_BATCH,
	.prepare = ret_prepare,
	.attach_one = ret_attach_one,
};
