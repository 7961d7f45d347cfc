// SPDX-License-Identifier: GPL-2.0
/*
 * The attacher: feature decisions taken once, the composition rule written
 * once, one result record per probe, cancellable attach and ordered detach.
 * Strategies (attach_*.c) only know how to attach one probe or one bulk set.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "array.h"
#include "attach_strategy.h"
#include "attacher.h"
#include "errmsg.h"
#include "parallel.h"
#include "probes.h"
#include "progress.h"

/*
 * Detaching waits for RCU grace periods, which overlap: many workers pay.
 * Attaching is serialised in the kernel (kprobe_mutex, text_mutex), so more
 * attach workers only add registrations in flight, and each of those still
 * completes after Ctrl-C: 16 keeps the wait after a cancel short.
 */
#define MAX_WORKERS 128
#define MAX_ATTACH_WORKERS 16
#define MANY_WORKERS 32

static const struct attach_strategy *const default_func_strategies[] = {
	&strategy_kprobe_multi,
	&strategy_fentry,
	&strategy_kprobe,
	NULL,
};

/* The functions whose result is a copy of their skb argument (--filter-track-skb). */
static const struct copy_func {
	const char *name;
	enum probe_special result_at;
} copy_funcs[] = {
	{ "skb_clone", SPECIAL_COPY_RESULT2 },
	{ "skb_copy", SPECIAL_COPY_RESULT2 },
	{ "__pskb_copy_fclone", SPECIAL_COPY_RESULT4 },
	{ "skb_copy_expand", SPECIAL_COPY_RESULT4 },
};
#define N_COPY_FUNCS (sizeof(copy_funcs) / sizeof(copy_funcs[0]))

/* Strategy groups attach in this order and detach in the reverse one. */
enum group {
	GROUP_NOTIFIER, /* first attached, last detached: forgets devices while skb probes run */
	GROUP_TP,
	GROUP_FUNC,
	GROUP_RET, /* --output-return: after the entries they pair with, detached before */
	GROUP_BPF_PROG,
	GROUP_COPY,
	GROUP_BPFMAP, /* --output-bpfmap: kprobes on map functions, beside any backend */
	GROUP_MAX,
};

/* One thing to attach: a probe of the list, or a copy-tracking function. */
struct unit {
	const struct attach_strategy *s;
	enum group group;
	struct probe *p;
	uint32_t id;	  /* the event's probe id */
	bool is_probe;	  /* in the probe list (else copy tracking) */
	size_t probe_idx; /* its index there */
};

struct attacher {
	struct attacher_opts o;
	struct kfeatures kf;
	const struct attach_strategy *group_strategy[GROUP_MAX];
	char describe[512];
	struct probe_list *pl;
	/* an entry and a return probe each, at most, veth XDP's pair and kfree_skbmem */
	struct probe copies[2 * N_COPY_FUNCS + 3];
	int veth_btf_fd;       /* the veth module's BTF object, for fexit on veth_xdp_rcv_skb */
	struct probe notifier; /* notifier:notifier_run, with --filter-netns */
	struct unit *units;
	struct attach_result *results; /* units[i]'s is results[i] */
	size_t n_units, cap_units;
	struct attach_env env;
};

enum tmpl_id tmpl_for_func(const struct probe *p, const struct func_templates *t)
{
	switch (p->special) {
	case SPECIAL_KFREE_SKB_REASON:
		return t->kfree_reason;
	case SPECIAL_SK_SKB_REASON_DROP:
		return t->sk_drop;
	case SPECIAL_SKB_FREE:
		return t->skb_free;
	case SPECIAL_NON_SKB:
		return t->non_skb;
	default:
		return t->skb0 + p->skb_pos;
	}
}

void bulk_attach_bisect(struct attach_item *it, size_t n, bulk_link_fn link, void *ctx,
			int cancel_fd)
{
	int fd;

	if (!n || cancel_requested(cancel_fd))
		return;
	fd = link(ctx, it, n);
	if (fd >= 0) {
		it[0].r->link_fd = fd;
		for (size_t i = 0; i < n; i++)
			it[i].r->err = 0;
		return;
	}
	if (n == 1) {
		it[0].r->err = fd;
		return;
	}
	bulk_attach_bisect(it, n / 2, link, ctx, cancel_fd);
	bulk_attach_bisect(it + n / 2, n - n / 2, link, ctx, cancel_fd);
}

static int check_feature(struct attacher *a, enum kfeature f)
{
	return kfeature_check(&a->kf, f);
}

static void describe_add(struct attacher *a, const char *fmt, const char *x, const char *y)
{
	size_t used = strlen(a->describe);

	if (used < sizeof(a->describe))
		snprintf(a->describe + used, sizeof(a->describe) - used, fmt, x, y);
}

static int tracepoints_usable(struct attacher *a)
{
	return check_feature(a, KF_TP_BTF) == 0 ? 0 : check_feature(a, KF_RAW_TP);
}

static int choose_requested(struct attacher *a, const struct attach_strategy *const *s, char *err,
			    size_t errlen)
{
	const char *want = a->o.backend;

	if (!strcmp(want, a->o.tp_strategy->name)) {
		if (tracepoints_usable(a))
			return set_err(err, errlen, -EOPNOTSUPP, "--backend %s: %s", want,
				       kfeature_why(&a->kf, KF_RAW_TP));
		snprintf(a->describe, sizeof(a->describe), "using %s (requested)", want);
		return 0;
	}
	for (; *s; s++) {
		if (strcmp((*s)->name, want))
			continue;
		if (check_feature(a, (*s)->feature))
			return set_err(err, errlen, -EOPNOTSUPP, "--backend %s: %s", want,
				       kfeature_why(&a->kf, (*s)->feature));
		a->group_strategy[GROUP_FUNC] = *s;
		snprintf(a->describe, sizeof(a->describe), "using %s (requested)", want);
		return 0;
	}
	return set_err(err, errlen, -EINVAL,
		       "--backend %s: unknown backend (kprobe-multi, fentry, kprobe, tracepoint)",
		       want);
}

/* The best function strategy this kernel runs, or none (tracepoints only). */
static int choose_best(struct attacher *a, const struct attach_strategy *const *s, char *err,
		       size_t errlen)
{
	for (; *s; s++) {
		if (!check_feature(a, (*s)->feature)) {
			a->group_strategy[GROUP_FUNC] = *s;
			describe_add(a, "%susing %s", "", (*s)->name);
			return 0;
		}
		describe_add(a, "%s: %s; ", (*s)->name, kfeature_why(&a->kf, (*s)->feature));
	}
	if (tracepoints_usable(a))
		return set_err(err, errlen, -EOPNOTSUPP,
			       "no tracing backend works on this kernel: %stracepoint: %s",
			       a->describe, kfeature_why(&a->kf, KF_RAW_TP));
	describe_add(a, "%susing %s", "", a->o.tp_strategy->name);
	return 0;
}

int attacher_new(const struct attacher_opts *o, struct attacher **out, char *err, size_t errlen)
{
	struct attacher *a = calloc(1, sizeof(*a));
	const struct attach_strategy *const *funcs;
	int ret;

	if (!a)
		return set_err(err, errlen, -ENOMEM, "out of memory");
	a->o = *o;
	if (!a->o.tp_strategy)
		a->o.tp_strategy = &strategy_tracepoint;
	if (!a->o.bpf_prog_strategy)
		a->o.bpf_prog_strategy = &strategy_fentry;
	if (!a->o.copy_strategy)
		a->o.copy_strategy = &strategy_fexit_copy;
	if (!a->o.kprobe_batch) {
		free(a);
		return set_err(err, errlen, -EINVAL,
			       "--filter-kprobe-batch must be greater than 0");
	}
	if (!a->o.probe_feature) {
		a->o.probe_feature = kfeature_probe_kernel;
		a->o.probe_ctx = (void *)a->o.vmlinux;
	}
	funcs = a->o.func_strategies ? a->o.func_strategies : default_func_strategies;
	kfeatures_init(&a->kf, a->o.probe_feature, a->o.probe_ctx);
	a->env.kprobe_pmu = -1;
	if (a->o.bpf_progs_only) {
		/* fentry on the programs is checked when they are composed */
		snprintf(a->describe, sizeof(a->describe), "tracing BPF programs only");
		ret = 0;
	} else {
		ret = a->o.backend ? choose_requested(a, funcs, err, errlen) :
				     choose_best(a, funcs, err, errlen);
	}
	if (ret) {
		free(a);
		return ret;
	}
	*out = a;
	return 0;
}

const char *attacher_describe(const struct attacher *a)
{
	return a->describe;
}

int attacher_feature(struct attacher *a, enum kfeature f, const char **why)
{
	int ret = check_feature(a, f);

	*why = kfeature_why(&a->kf, f);
	return ret;
}

bool attacher_wants_funcs(const struct attacher *a)
{
	return a->group_strategy[GROUP_FUNC] != NULL;
}

bool attacher_wants_tracepoints(const struct attacher *a)
{
	return !a->o.bpf_progs_only; /* else the drop tracepoint serves every strategy */
}

static int add_unit(struct attacher *a, enum group g, struct probe *p, size_t probe_idx,
		    bool is_probe)
{
	if (array_reserve(a->units, a->cap_units, a->n_units + 1))
		return -ENOMEM;
	a->units[a->n_units++] = (struct unit){
		.s = a->group_strategy[g],
		.group = g,
		.p = p,
		/* a return reports under its function's id */
		.id = is_probe || g == GROUP_RET ? (uint32_t)probe_idx : 0,
		.is_probe = is_probe,
		.probe_idx = probe_idx,
	};
	return 0;
}

static bool has_reason_drop_tp(const struct probe_list *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind == PROBE_TP && pl->v[i].special == SPECIAL_KFREE_SKB_TP)
			return true;
	}
	return false;
}

/*
 * Under a function strategy a tracepoint fires inside a function that is
 * probed already and would print the packet twice; the one exception is
 * skb:kfree_skb, whose event carries reason and site together: it stands in
 * for the drop functions (kfree_skb_reason, sk_skb_reason_drop), so each drop
 * prints once.
 */
static bool worth_attaching(const struct attacher *a, const struct probe *p, bool drop_tp)
{
	if (a->o.bpf_progs_only)
		return p->kind == PROBE_BPF_PROG;
	if (!a->group_strategy[GROUP_FUNC])
		return true;
	if (p->kind == PROBE_TP)
		return p->special == SPECIAL_KFREE_SKB_TP;
	if (p->kind == PROBE_FUNC && drop_tp)
		return p->special != SPECIAL_KFREE_SKB_REASON &&
		       p->special != SPECIAL_SK_SKB_REASON_DROP;
	return true;
}

static void keep_worth_attaching(struct attacher *a, struct probe_list *pl)
{
	bool drop_tp = has_reason_drop_tp(pl) && tracepoints_usable(a) == 0;
	size_t kept = 0;

	for (size_t i = 0; i < pl->n; i++) {
		if (worth_attaching(a, &pl->v[i], drop_tp))
			pl->v[kept++] = pl->v[i];
	}
	pl->n = kept;
}

static int need_fentry_for_progs(struct attacher *a, const struct probe_list *pl, char *err,
				 size_t errlen)
{
	const struct attach_strategy *s = a->o.bpf_prog_strategy;

	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind != PROBE_BPF_PROG)
			continue;
		if (check_feature(a, s->feature))
			return set_err(err, errlen, -EOPNOTSUPP,
				       "--filter-trace-%s needs %s on BPF programs: %s",
				       !strcmp(pl->v[i].group, "xdp") ? "xdp" : "tc", s->name,
				       kfeature_why(&a->kf, s->feature));
		a->group_strategy[GROUP_BPF_PROG] = s;
		return 0;
	}
	return 0;
}

/*
 * Copies follow the function strategy's family: fexit beside fentry,
 * kprobe + kretprobe beside the kprobe strategies (where fexit may be
 * refused); with tracepoints only, fexit where the kernel allows it.
 */
static const struct attach_strategy *copy_strategy(const struct attacher *a)
{
	const struct attach_strategy *f = a->group_strategy[GROUP_FUNC];

	return f && f->copies ? f->copies : a->o.copy_strategy;
}

static int add_copy_probe(struct attacher *a, size_t *n, const struct copy_func *c, int btf_id,
			  enum probe_special special)
{
	struct probe *p = &a->copies[(*n)++];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", c->name);
	snprintf(p->group, sizeof(p->group), "vmlinux");
	p->kind = PROBE_FUNC;
	p->special = special;
	p->btf_id = btf_id;
	return add_unit(a, GROUP_COPY, p, *n - 1, false);
}

/*
 * veth XDP may rebuild the skb: veth_xdp_rcv_skb() returns the one to pass
 * on (in the veth module: not in vmlinux's BTF, found by kallsyms at
 * attach). Only beside kprobes, as the copies' kretprobes.
 */
static int add_veth_probes(struct attacher *a, size_t *n)
{
	static const struct copy_func veth = { "veth_xdp_rcv_skb", SPECIAL_NONE };

	return add_copy_probe(a, n, &veth, 0, SPECIAL_VETH_ENTRY) ?:
		       add_copy_probe(a, n, &veth, 0, SPECIAL_VETH_RETURN);
}

/* Does a probe of the list end tracking already (kfree_skbmem, its own event)? */
static bool frees_in_list(const struct probe_list *pl)
{
	for (size_t i = 0; pl && i < pl->n; i++) {
		if (pl->v[i].special == SPECIAL_SKB_FREE)
			return true;
	}
	return false;
}

/*
 * As cilium/pwru, tracking ends at kfree_skbmem whatever --filter-func
 * probes: a freed address is soon another packet's.
 */
static int add_free_probe(struct attacher *a, size_t *n, const struct btf *vmlinux)
{
	static const struct copy_func free = { "kfree_skbmem", SPECIAL_NONE };
	int id = btf__find_by_name_kind(vmlinux, free.name, BTF_KIND_FUNC);

	if (id < 0 || frees_in_list(a->pl))
		return 0;
	return add_copy_probe(a, n, &free, id, SPECIAL_UNTRACK);
}

/*
 * Beside fentry the same pair is fentry and fexit on veth_xdp_rcv_skb,
 * against the veth module's BTF; nothing when veth is not loaded (no veth
 * link exists yet, or it is built in and vmlinux has no such module BTF).
 */
static int add_veth_fexit(struct attacher *a, size_t *n, const struct btf *vmlinux)
{
	static const struct copy_func veth = { "veth_xdp_rcv_skb", SPECIAL_NONE };
	struct btf *btf = btf__load_module_btf("veth", (struct btf *)vmlinux);
	int id = btf ? btf__find_by_name_kind(btf, veth.name, BTF_KIND_FUNC) : -ENOENT;
	int fd;

	btf__free(btf);
	if (id < 0)
		return 0;
	fd = module_btf_obj_fd("veth");
	if (fd <= 0)
		return 0;
	a->veth_btf_fd = fd;
	if (add_copy_probe(a, n, &veth, id, SPECIAL_VETH_ENTRY) ||
	    add_copy_probe(a, n, &veth, id, SPECIAL_VETH_RETURN))
		return -ENOMEM;
	a->copies[*n - 2].btf_obj_fd = fd;
	a->copies[*n - 1].btf_obj_fd = fd;
	return 0;
}

static int compose_copies(struct attacher *a, const struct btf *vmlinux)
{
	const struct attach_strategy *s = copy_strategy(a);
	bool two_probes = s->entry_and_return;
	size_t n = 0;

	if (!a->o.track_copies || !vmlinux)
		return 0;
	if (check_feature(a, s->feature)) {
		describe_add(a, "; following copies: %s%s", kfeature_why(&a->kf, s->feature), "");
		return 0;
	}
	a->group_strategy[GROUP_COPY] = s;
	for (size_t i = 0; i < N_COPY_FUNCS; i++) {
		const struct copy_func *c = &copy_funcs[i];
		int id = btf__find_by_name_kind(vmlinux, c->name, BTF_KIND_FUNC), ret;

		if (id < 0)
			continue;
		if (two_probes)
			ret = add_copy_probe(a, &n, c, id, SPECIAL_COPY_ENTRY) ?:
				      add_copy_probe(a, &n, c, id, SPECIAL_COPY_RETURN);
		else
			ret = add_copy_probe(a, &n, c, id, c->result_at);
		if (ret)
			return ret;
	}
	if (add_free_probe(a, &n, vmlinux))
		return -ENOMEM;
	return two_probes ? add_veth_probes(a, &n) : add_veth_fexit(a, &n, vmlinux);
}

static bool is_bpfmap(const struct probe *p)
{
	return p->special == SPECIAL_MAP_LOOKUP || p->special == SPECIAL_MAP_LOOKUP_RET ||
	       p->special == SPECIAL_MAP_LOOKUP_ELEM_RET || p->special == SPECIAL_MAP_UPDATE ||
	       p->special == SPECIAL_MAP_DELETE;
}

/*
 * A kernel function whose result means something: not void, by its BTF
 * (vmlinux's, or its module's with --kmods).
 */
static bool returns_value(const struct btf *vmlinux, const struct probe *p)
{
	struct btf *owned;
	const struct btf *btf;
	const struct btf_type *t;
	bool ret = false;

	if (p->kind != PROBE_FUNC || !vmlinux)
		return false;
	btf = probe_func_btf(vmlinux, p, &owned);
	t = btf ? btf__type_by_id(btf, p->btf_id) : NULL;
	if (t && btf_is_func(t)) {
		t = btf__type_by_id(btf, t->type);
		ret = t && btf_is_func_proto(t) && t->type != 0;
	}
	btf__free(owned);
	return ret;
}

/*
 * --output-return: the function strategy's return companion on each probed
 * function that returns something, module functions (ipt_do_table's
 * NF_DROP) included: a kretprobe, a kretprobe-multi entry, or an fexit clone
 * that names the module's BTF object.
 */
static int compose_returns(struct attacher *a, struct probe_list *pl)
{
	const struct attach_strategy *f = a->group_strategy[GROUP_FUNC];

	if (!a->o.returns || !f || !f->returns)
		return 0;
	if (check_feature(a, f->returns->feature)) {
		describe_add(a, "; returns: %s%s", kfeature_why(&a->kf, f->returns->feature), "");
		return 0;
	}
	a->group_strategy[GROUP_RET] = f->returns;
	for (size_t i = 0; i < pl->n; i++) {
		if (returns_value(a->o.vmlinux, &pl->v[i]) &&
		    add_unit(a, GROUP_RET, &pl->v[i], i, false))
			return -ENOMEM;
	}
	return 0;
}

/*
 * --filter-netns: programs with BTF-typed skbs (tp_btf, fentry) remember
 * devices in no wanted namespace, and a tp_btf program on
 * notifier:notifier_run (6.1+) makes them forget whenever a device may have
 * moved or been replaced. Without it they remember nothing: correct, one
 * load dearer per hit.
 */
static int compose_notifier(struct attacher *a)
{
	const struct attach_strategy *f = a->group_strategy[GROUP_FUNC];
	bool direct =
		(a->group_strategy[GROUP_TP] && a->env.tp_btf) || (f && f->feature == KF_FENTRY);
	struct probe *p = &a->notifier;
	int id;

	if (!a->o.netns_filter || !a->o.vmlinux || !direct || check_feature(a, KF_TP_BTF))
		return 0;
	id = btf__find_by_name_kind(a->o.vmlinux, "btf_trace_notifier_run", BTF_KIND_TYPEDEF);
	if (id < 0)
		return 0;
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "notifier_run");
	snprintf(p->group, sizeof(p->group), "notifier");
	p->kind = PROBE_TP;
	p->special = SPECIAL_NOTIFIER;
	p->btf_id = id;
	a->group_strategy[GROUP_NOTIFIER] = a->o.tp_strategy;
	a->env.tp_btf = true;
	return add_unit(a, GROUP_NOTIFIER, p, 0, false);
}

static enum group group_of(const struct probe *p)
{
	if (is_bpfmap(p))
		return GROUP_BPFMAP;
	return p->kind == PROBE_TP ? GROUP_TP : p->kind == PROBE_FUNC ? GROUP_FUNC : GROUP_BPF_PROG;
}

int attacher_compose(struct attacher *a, struct probe_list *pl, char *err, size_t errlen)
{
	int ret;

	a->pl = pl;
	keep_worth_attaching(a, pl);
	ret = need_fentry_for_progs(a, pl, err, errlen);
	if (ret)
		return ret;
	for (size_t i = 0; i < pl->n; i++) {
		enum group g = group_of(&pl->v[i]);

		if (g == GROUP_TP) {
			if (tracepoints_usable(a))
				continue; /* counted as refused at attach */
			a->group_strategy[GROUP_TP] = a->o.tp_strategy;
			a->env.tp_btf = check_feature(a, KF_TP_BTF) == 0;
		}
		if (g == GROUP_BPFMAP && !check_feature(a, strategy_kprobe_bpfmap.feature))
			a->group_strategy[GROUP_BPFMAP] = &strategy_kprobe_bpfmap;
		if (a->group_strategy[g] && add_unit(a, g, &pl->v[i], i, true))
			return set_err(err, errlen, -ENOMEM, "out of memory");
	}
	if (compose_copies(a, a->o.vmlinux) || compose_returns(a, pl) || compose_notifier(a))
		return set_err(err, errlen, -ENOMEM, "out of memory");
	return 0;
}

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

static int prepare_needs(struct attacher *a, unsigned needs)
{
	if ((needs & NEEDS_KPROBE_PMU) && a->env.kprobe_pmu < 0) {
		a->env.kprobe_pmu = kprobe_pmu_type();
		if (a->env.kprobe_pmu < 0)
			return a->env.kprobe_pmu;
	}
	if ((needs & NEEDS_SCRATCH) && !a->env.scratch_a) {
		a->env.scratch_a = calloc(a->n_units + 1, sizeof(uint64_t));
		a->env.scratch_b = calloc(a->n_units + 1, sizeof(uint64_t));
		if (!a->env.scratch_a || !a->env.scratch_b)
			return -ENOMEM;
	}
	return 0;
}

int attacher_prepare(struct attacher *a, struct loader *l, char *err, size_t errlen)
{
	int ret;

	a->env.loader = l;
	a->results = calloc(a->n_units + 1, sizeof(*a->results));
	if (!a->results)
		return set_err(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; i < a->n_units; i++) {
		const struct unit *u = &a->units[i];

		a->results[i] = (struct attach_result){ -1, -1, -1, ATTACH_NOT_TRIED };
		ret = prepare_needs(a, u->s->needs);
		if (ret)
			return set_err(err, errlen, ret, "%s: %s", u->s->name, strerror(-ret));
		ret = u->s->prepare(l, u->p, &a->env);
		if (ret)
			return set_err(err, errlen, ret, "%s %s: no program to attach (%s)",
				       u->s->name, u->p->name, strerror(-ret));
	}
	return 0;
}

static int workers_for(const struct attacher *a, enum attach_workers w, size_t n, size_t max)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k;

	switch (w) {
	case WORKERS_PER_CPU:
		return ncpu > 0 ? (int)ncpu : 1;
	case WORKERS_KPROBE_BATCH:
		/* cilium/pwru's meaning: one worker per batch of kprobes */
		k = (n + a->o.kprobe_batch - 1) / a->o.kprobe_batch;
		return k > max ? (int)max : k ? (int)k : 1;
	case WORKERS_MANY:
		return MANY_WORKERS;
	default:
		return 1;
	}
}

/* Items of one group, in list order. Returns how many. */
static size_t group_items(struct attacher *a, enum group g, struct attach_item *items)
{
	size_t n = 0;

	for (size_t i = 0; i < a->n_units; i++) {
		if (a->units[i].group != g)
			continue;
		items[n++] = (struct attach_item){ a->units[i].p, a->units[i].id, &a->results[i] };
	}
	return n;
}

struct one_job {
	const struct attach_env *env;
	const struct attach_strategy *s;
	struct attach_item *items;
};

static void attach_one_job(void *arg, size_t k)
{
	struct one_job *j = arg;

	j->s->attach_one(j->env, &j->items[k]);
}

static void fill_addrs(struct attacher *a, struct attach_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		((struct probe *)items[i].p)->addr =
			a->o.addr_of ? a->o.addr_of(a->o.addr_ctx, items[i].p->name) : 0;
}

/* Returns false when cancelled. */
static bool attach_group(struct attacher *a, enum group g, struct attach_item *items,
			 struct progress *p)
{
	const struct attach_strategy *s = a->group_strategy[g];
	struct parallel_opts po = { .progress = p, .cancel_fd = a->o.cancel_fd };
	size_t n = group_items(a, g, items);
	struct one_job j = { .env = &a->env, .s = s, .items = items };

	if (!n)
		return true;
	if (s->needs & NEEDS_ADDRS)
		fill_addrs(a, items, n);
	if (s->attach_bulk) {
		s->attach_bulk(&a->env, items, n, a->o.cancel_fd);
		progress_step(p, n);
		for (size_t i = 0; i < n; i++) {
			if (items[i].r->err == ATTACH_NOT_TRIED)
				return false;
		}
		return true;
	}
	po.threads = workers_for(a, s->attach_workers, n, MAX_ATTACH_WORKERS);
	return parallel_for(n, attach_one_job, &j, &po);
}

static bool notifier_attached(const struct attacher *a)
{
	for (size_t i = 0; i < a->n_units; i++) {
		if (a->units[i].group == GROUP_NOTIFIER)
			return a->results[i].err == 0;
	}
	return false;
}

/* Only a callback of the netdevice chain makes the programs forget (kallsyms has it). */
static void remember_devices(struct attacher *a)
{
	uint64_t cb = a->o.addr_of ? a->o.addr_of(a->o.addr_ctx, "rtnetlink_event") : 0;

	if (cb)
		loader_remember_devices(a->env.loader, cb);
}

int attacher_attach(struct attacher *a, struct progress *p, char *err, size_t errlen)
{
	struct attach_item *items = calloc(a->n_units + 1, sizeof(*items));

	if (!items)
		return set_err(err, errlen, -ENOMEM, "out of memory");
	for (int g = 0; g < GROUP_MAX; g++) {
		if (!a->group_strategy[g])
			continue;
		if (!attach_group(a, g, items, p)) {
			free(items);
			return set_err(err, errlen, -ECANCELED, "attach interrupted");
		}
		if (g == GROUP_NOTIFIER && notifier_attached(a))
			remember_devices(a);
	}
	free(items);
	return 0;
}

void attacher_counts(const struct attacher *a, struct attach_counts *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; a->results && i < a->n_units; i++) {
		const struct attach_result *r = &a->results[i];

		c->links += r->link_fd >= 0;
		if (a->units[i].group == GROUP_NOTIFIER)
			continue; /* not a probe: no event of its own */
		if (a->units[i].group == GROUP_RET) {
			c->ret_probes += r->err == 0;
			c->ret_strategy = a->units[i].s->name;
			continue;
		}
		if (!a->units[i].is_probe) {
			c->copy_probes += r->err == 0;
			continue;
		}
		if (r->err == ATTACH_NOT_TRIED)
			c->not_tried++;
		else if (r->err)
			c->failed++;
		else
			c->attached++;
	}
	/* probes the composition kept but no strategy could take */
	if (a->pl) {
		size_t units = 0;

		for (size_t i = 0; i < a->n_units; i++)
			units += a->units[i].is_probe;
		c->failed += a->pl->n - units;
	}
}

int attacher_probe_result(const struct attacher *a, size_t i)
{
	for (size_t k = 0; a->results && k < a->n_units; k++) {
		if (a->units[k].is_probe && a->units[k].probe_idx == i)
			return a->results[k].err;
	}
	return -EOPNOTSUPP;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

struct detach_job {
	struct attach_result **r;
};

/* A kprobe's link goes before its perf event; programs go last of all. */
static void detach_one(void *arg, size_t k)
{
	struct detach_job *j = arg;

	close_fd(&j->r[k]->link_fd);
	close_fd(&j->r[k]->perf_fd);
}

size_t attacher_detach(struct attacher *a, struct progress *p)
{
	struct attach_result **r = calloc(a->n_units + 1, sizeof(*r));
	struct parallel_opts po = { .progress = p, .cancel_fd = a->o.cancel_fd };
	struct detach_job j = { .r = r };
	size_t closed = 0;

	for (int g = GROUP_MAX - 1; r && g >= 0; g--) {
		const struct attach_strategy *s = a->group_strategy[g];
		size_t n = 0;

		for (size_t i = 0; s && i < a->n_units; i++) {
			if ((int)a->units[i].group == g && a->results && a->results[i].link_fd >= 0)
				r[n++] = &a->results[i];
		}
		if (!n)
			continue;
		po.threads = workers_for(a, s->detach_workers, n, MAX_WORKERS);
		/* interrupted: what is left closes below, without the progress */
		parallel_for(n, detach_one, &j, &po);
		closed += n;
	}
	free(r);
	for (size_t i = 0; a->results && i < a->n_units; i++) {
		close_fd(&a->results[i].link_fd);
		close_fd(&a->results[i].perf_fd);
	}
	for (size_t i = 0; a->results && i < a->n_units; i++)
		close_fd(&a->results[i].prog_fd);
	return closed;
}

void attacher_free(struct attacher *a)
{
	if (!a)
		return;
	attacher_detach(a, NULL);
	free(a->env.scratch_a);
	free(a->env.scratch_b);
	free(a->results);
	free(a->units);
	if (a->veth_btf_fd > 0)
		close(a->veth_btf_fd);
	free(a);
}
