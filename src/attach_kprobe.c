// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe backend: one perf kprobe per function, all sharing one loaded
 * program per skb position, told apart by the attach cookie. Attaching and
 * detaching wait on the kernel (ftrace updates, RCU grace periods), so many
 * workers overlap those waits: this is where cilium/pwru users wait minutes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "backend.h"
#include "kernel_features.h"
#include "loader.h"
#include "parallel.h"
#include "progress.h"

#define KPROBE_WORKERS 16
/* Detaching waits in synchronize_rcu outside the kprobe mutex: overlap more. */
#define KPROBE_DETACH_WORKERS 64

static int kprobe_pmu_type(void)
{
	FILE *f = fopen("/sys/bus/event_source/devices/kprobe/type", "r");
	int type = -ENOENT;

	if (f) {
		if (fscanf(f, "%d", &type) != 1)
			type = -EINVAL;
		fclose(f);
	}
	return type;
}

static int kp_prepare(struct loader *l, struct probe_list *pl)
{
	char tmpl[64];

	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind != PROBE_FUNC)
			continue;
		if (loader_want(l, func_template(&pl->v[i], "kp", tmpl, sizeof(tmpl)), NULL))
			return -ENOENT;
	}
	return tracepoints_prepare(l, pl);
}

struct kp_job {
	struct loader *l;
	struct probe_list *pl;
	size_t *funcs; /* indexes of the function probes in pl */
	int pmu;
	int *link, *pfd, *err;
};

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

static void kp_attach_one(void *arg, size_t k)
{
	struct kp_job *j = arg;
	size_t i = j->funcs[k];
	struct probe *p = &j->pl->v[i];
	char tmpl[64];
	int prog, pfd, link;

	j->link[i] = j->pfd[i] = -1;
	prog = loader_prog_fd(j->l, func_template(p, "kp", tmpl, sizeof(tmpl)));
	pfd = prog < 0 ? prog : kprobe_open(j->pmu, p->name);
	if (pfd < 0) {
		j->err[i] = pfd;
		return;
	}
	LIBBPF_OPTS(bpf_link_create_opts, lo, .perf_event.bpf_cookie = i);
	link = bpf_link_create(prog, pfd, BPF_PERF_EVENT, &lo);
	if (link < 0) {
		j->err[i] = -errno;
		close(pfd);
		return;
	}
	j->link[i] = link;
	j->pfd[i] = pfd;
	j->err[i] = 0;
}

static int kp_attach(struct loader *l, struct probe_list *pl, struct attach_set *s,
		     struct progress *pr)
{
	struct kp_job j = { .l = l, .pl = pl, .pmu = kprobe_pmu_type() };
	int ret = tracepoints_attach(l, pl, s, pr);

	if (ret)
		return ret;
	if (j.pmu < 0)
		return j.pmu;
	j.link = calloc(pl->n, sizeof(int));
	j.pfd = calloc(pl->n, sizeof(int));
	j.err = calloc(pl->n, sizeof(int));
	j.funcs = calloc(pl->n, sizeof(size_t));
	if (!j.link || !j.pfd || !j.err || !j.funcs) {
		ret = -ENOMEM;
		goto cleanup;
	}
	parallel_for(probes_of_kind(pl, PROBE_FUNC, j.funcs), KPROBE_WORKERS, kp_attach_one, &j,
		     pr);
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind != PROBE_FUNC)
			continue;
		probe_set_result(&pl->v[i], s, j.err[i]);
		if (j.err[i])
			continue;
		attach_set_add_link(s, j.link[i]);
		attach_set_add_link(s, j.pfd[i]);
	}
	s->detach_threads = KPROBE_DETACH_WORKERS;
cleanup:
	free(j.funcs);
	free(j.link);
	free(j.pfd);
	free(j.err);
	return ret;
}

const struct backend backend_kprobe = {
	.name = "kprobe",
	.wants_funcs = true,
	.wants_tracepoints = true,
	.probe_kernel = kf_kprobe,
	.prepare = kp_prepare,
	.attach = kp_attach,
};
