// SPDX-License-Identifier: GPL-2.0
/*
 * The kprobe-multi backend (fprobe, 5.18+): one link carries every
 * function, by address; each address's cookie holds the probe id and
 * where its skb argument is (bpf/pwru.h). One address the kernel refuses
 * fails the whole link, so a refused set is split in halves until the
 * culprits stand alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "backend.h"
#include "kernel_features.h"
#include "loader.h"
#include "progress.h"

#define KPM_TEMPLATE "pwru_kpm_all"

static int kpm_prepare(struct loader *l, struct probe_list *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind == PROBE_FUNC) {
			if (loader_want(l, KPM_TEMPLATE, NULL))
				return -ENOENT;
			break;
		}
	}
	return tracepoints_prepare(l, pl);
}

static uint64_t kpm_cookie(const struct probe *p, size_t id)
{
	uint64_t layout = p->skb_pos;

	if (p->special == SPECIAL_KFREE_SKB_REASON)
		layout = PWRU_KPM_KFREE_REASON;
	else if (p->special == SPECIAL_SK_SKB_REASON_DROP)
		layout = PWRU_KPM_SK_DROP;
	return layout << 32 | id;
}

/* One attachable address and the probe it belongs to. */
struct kpm_target {
	uint64_t addr;
	uint64_t cookie; /* layout << 32 | probe index */
};

struct kpm_group {
	int prog;
	struct kpm_target *t;
	size_t n;
	struct attach_set *s;
	int *err; /* per probe: 0 attached, else the last error */
};

static int link_range(struct kpm_group *g, size_t from, size_t n)
{
	uint64_t *addrs = malloc(n * sizeof(*addrs)), *cookies = malloc(n * sizeof(*cookies));
	int link = -ENOMEM;

	if (addrs && cookies) {
		for (size_t i = 0; i < n; i++) {
			addrs[i] = g->t[from + i].addr;
			cookies[i] = g->t[from + i].cookie;
		}
		LIBBPF_OPTS(bpf_link_create_opts, lo,
			    .kprobe_multi.addrs = (const unsigned long *)addrs,
			    .kprobe_multi.cookies = (const __u64 *)cookies,
			    .kprobe_multi.cnt = n, );
		link = bpf_link_create(g->prog, 0, BPF_TRACE_KPROBE_MULTI, &lo);
		link = link < 0 ? -errno : link;
	}
	free(addrs);
	free(cookies);
	return link;
}

static void attach_range(struct kpm_group *g, size_t from, size_t n)
{
	int link;

	if (!n)
		return;
	link = link_range(g, from, n);
	if (link >= 0) {
		attach_set_add_link(g->s, link);
		for (size_t i = 0; i < n; i++)
			g->err[(uint32_t)g->t[from + i].cookie] = 0;
		return;
	}
	if (n == 1) {
		if (g->err[(uint32_t)g->t[from].cookie] == 1) /* not through another address */
			g->err[(uint32_t)g->t[from].cookie] = link;
		return;
	}
	attach_range(g, from, n / 2);
	attach_range(g, from + n / 2, n - n / 2);
}

/*
 * Collects every function probe's address. trace.c filled them from
 * kallsyms, whose text symbols only are kept: data never reaches the kernel.
 */
static int collect(struct kpm_group *g, const struct probe_list *pl)
{
	g->n = 0;
	g->t = malloc(pl->n * sizeof(*g->t));
	if (!g->t)
		return -ENOMEM;
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind != PROBE_FUNC)
			continue;
		if (!pl->v[i].addr) {
			g->err[i] = -ENOENT;
			continue;
		}
		g->t[g->n++] = (struct kpm_target){ .addr = pl->v[i].addr,
						    .cookie = kpm_cookie(&pl->v[i], i) };
	}
	return 0;
}

static int kpm_attach_funcs(struct loader *l, struct probe_list *pl, struct attach_set *s, int *err)
{
	struct kpm_group g = { .s = s, .err = err, .prog = loader_prog_fd(l, KPM_TEMPLATE) };
	int ret;

	if (g.prog < 0)
		return 0; /* no function probes */
	ret = collect(&g, pl);
	if (!ret)
		attach_range(&g, 0, g.n);
	free(g.t);
	return ret;
}

static int kpm_attach(struct loader *l, struct probe_list *pl, struct attach_set *s,
		      struct progress *pr)
{
	int *err, ret = tracepoints_attach(l, pl, s, pr);

	if (ret)
		return ret;
	err = malloc(pl->n * sizeof(*err));
	if (!err)
		return -ENOMEM;
	for (size_t i = 0; i < pl->n; i++)
		err[i] = 1; /* not tried yet */
	ret = kpm_attach_funcs(l, pl, s, err);
	for (size_t i = 0; !ret && i < pl->n; i++) {
		if (pl->v[i].kind != PROBE_FUNC)
			continue;
		probe_set_result(&pl->v[i], s, err[i] == 1 ? -ENOENT : err[i]);
		progress_step(pr, 1);
	}
	free(err);
	return ret;
}

const struct backend backend_kprobe_multi = {
	.name = "kprobe-multi",
	.wants_funcs = true,
	.wants_tracepoints = true,
	.probe_kernel = kf_kprobe_multi,
	.prepare = kpm_prepare,
	.attach = kpm_attach,
};
