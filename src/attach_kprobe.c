// SPDX-License-Identifier: GPL-2.0
/*
 * kprobes: one perf kprobe per function, all sharing one loaded program per
 * skb position, told apart by the attach cookie. Attaching and detaching wait
 * on the kernel (kprobe_mutex, RCU grace periods), so many workers overlap
 * those waits: this is where cilium/pwru users wait minutes.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "attach_strategy.h"

static enum tmpl_id kp_template(const struct probe *p)
{
	return tmpl_for_func(p, TMPL_KP_SKB0, TMPL_KP_KFREE_REASON, TMPL_KP_SK_DROP);
}

static int kp_prepare(struct loader *l, const struct probe *p, const struct attach_env *env)
{
	return loader_want(l, kp_template(p), NULL);
}

static int kprobe_open(int pmu, const char *func)
{
	struct perf_event_attr a = {
		.size = sizeof(a),
		.type = pmu,
		.config1 = (uint64_t)(uintptr_t)func,
		.sample_period = 1,
		.wakeup_events = 1,
	};
	int fd = syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void kp_attach_one(const struct attach_env *env, struct attach_item *it)
{
	int prog = loader_prog_fd(env->loader, kp_template(it->p));
	int pfd, link;

	pfd = prog < 0 ? prog : kprobe_open(env->kprobe_pmu, it->p->name);
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

const struct attach_strategy strategy_kprobe = {
	.name = "kprobe",
	.feature = KF_KPROBE,
	.needs = NEEDS_KPROBE_PMU,
	.attach_workers = WORKERS_KPROBE_BATCH,
	/* closing a kprobe waits in synchronize_rcu outside the kprobe mutex */
	.detach_workers = WORKERS_KPROBE_BATCH,
	.prepare = kp_prepare,
	.attach_one = kp_attach_one,
};
