/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_ATTACH_STRATEGY_H
#define PWRU_ATTACH_STRATEGY_H

/*
 * Inside the attach layer: what one strategy is. A strategy knows how to
 * attach ONE probe (or, for kprobe-multi, one bulk set) and declares what it
 * needs; which probes it gets, in what order, with how many workers, and how
 * everything is detached again is the attacher's business (attacher.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel_features.h"
#include "loader.h"
#include "probes.h"

/* What one attached probe holds; -1 for an fd it does not have. */
struct attach_result {
	int prog_fd; /* its own verified clone (tracepoints, fentry, fexit) */
	int link_fd; /* its link; a bulk link is held by the first probe of its set */
	int perf_fd; /* the perf event under a kprobe link */
	int err;     /* 0 attached, -errno refused, ATTACH_NOT_TRIED */
};

#define ATTACH_NOT_TRIED 1

/* Everything a strategy may read while attaching; shared by all workers. */
struct attach_env {
	struct loader *loader;
	bool tp_btf;	     /* tracepoints: tp_btf, else raw_tp (decided once) */
	int kprobe_pmu;	     /* perf type of kprobes, when a strategy needs it */
	uint64_t *scratch_a; /* bulk strategies: room for n values each, sized at prepare */
	uint64_t *scratch_b;
};

/* One probe handed to a strategy: the record, its id in events, its result. */
struct attach_item {
	const struct probe *p;
	uint32_t id;
	struct attach_result *r;
};

enum attach_needs {
	NEEDS_ADDRS = 1 << 0,	   /* kallsyms addresses in probe->addr */
	NEEDS_KPROBE_PMU = 1 << 1, /* env.kprobe_pmu */
	NEEDS_SCRATCH = 1 << 2,	   /* env.scratch_a/b, one slot per item */
};

enum attach_workers {
	WORKERS_ONE = 0,      /* the calling thread */
	WORKERS_PER_CPU,      /* CPU-bound (one verification per probe) */
	WORKERS_KPROBE_BATCH, /* one worker per --filter-kprobe-batch probes */
	WORKERS_MANY,	      /* waits on the kernel (RCU): overlap many */
};

struct attach_strategy {
	const char *name; /* for messages and --backend; never tested in code */
	enum kfeature feature;
	unsigned needs; /* enum attach_needs */
	enum attach_workers attach_workers, detach_workers;
	/* A function strategy's companion for copy tracking (--filter-track-skb). */
	const struct attach_strategy *copies;
	/* A copy strategy that needs an entry probe and a return probe per function. */
	bool entry_and_return;
	/* A function strategy's companion for --output-return: one return probe per function. */
	const struct attach_strategy *returns;
	/* Names the template this probe needs (loader_want). */
	int (*prepare)(struct loader *l, const struct probe *p, const struct attach_env *env);
	/* Attaches one probe: fills it->r; every fd it opened is in r or closed. */
	void (*attach_one)(const struct attach_env *env, struct attach_item *it);
	/*
	 * Or: attaches n probes at once, filling every it[i].r (the bulk link in
	 * it[0].r or in the first of each set it had to split off). The bulk
	 * call polls cancel_fd between links.
	 */
	void (*attach_bulk)(const struct attach_env *env, struct attach_item *it, size_t n,
			    int cancel_fd);
};

extern const struct attach_strategy strategy_tracepoint;
extern const struct attach_strategy strategy_kprobe;
extern const struct attach_strategy strategy_kprobe_multi;
extern const struct attach_strategy strategy_fentry;
extern const struct attach_strategy strategy_fexit_copy;
extern const struct attach_strategy strategy_kretprobe_copy;
extern const struct attach_strategy strategy_fexit_ret;
extern const struct attach_strategy strategy_kretprobe_ret;
extern const struct attach_strategy strategy_kretprobe_multi_ret;
extern const struct attach_strategy strategy_kprobe_bpfmap;

/* Tries to link items [0, n) as one set: returns a link fd or -errno. */
typedef int (*bulk_link_fn)(void *ctx, struct attach_item *it, size_t n);
/*
 * One link for the whole set if the kernel takes it; one address it refuses
 * fails the whole set, so a refused set is split in halves until each refused
 * item stands alone. Each link is held by the first item of its set. Stops
 * splitting when cancel_fd turns readable (the rest stay ATTACH_NOT_TRIED).
 */
void bulk_attach_bisect(struct attach_item *it, size_t n, bulk_link_fn link, void *ctx,
			int cancel_fd);

/* A strategy's templates for function probes: a run of five, and the special ones. */
struct func_templates {
	enum tmpl_id skb0, kfree_reason, sk_drop, skb_free, non_skb;
};

enum tmpl_id tmpl_for_func(const struct probe *p, const struct func_templates *t);

#endif
