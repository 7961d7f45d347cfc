/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_ATTACHER_H
#define PWRU_ATTACHER_H

/*
 * The attach layer as one object with state. It probes each kernel feature
 * once and keeps the answer, chooses the function strategy (kprobe-multi,
 * fentry, kprobe, or none), and owns the composition rule: skb tracepoints
 * where they add something, one function strategy, fexit copy tracking and
 * fentry on TC/XDP programs when asked. It keeps one result record per probe,
 * attaches and detaches with the workers each strategy asks for, and stops
 * early when its cancel fd turns readable.
 *
 *	attacher_new()      probe features, choose the strategy
 *	attacher_compose()  decide which discovered probes are attached, and how
 *	attacher_prepare()  name the templates to load (before loader_load)
 *	attacher_attach()   attach, counting refusals; -ECANCELED when interrupted
 *	attacher_detach()   close every link, then every program
 *	attacher_free()
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel_features.h"

struct attach_strategy;
struct btf;
struct loader;
struct probe_list;
struct progress;

struct attacher_opts {
	const struct btf *vmlinux; /* the kernel's BTF, parsed once by the caller */
	/* --backend: a function strategy, "tracepoint" for none; NULL: the best usable */
	const char *backend;
	uint64_t
		kprobe_batch; /* --filter-kprobe-batch: kprobes per worker, attach and detach (> 0) */
	bool track_copies;    /* --filter-track-skb: follow clones and copies (fexit) */
	bool bpf_progs_only; /* --filter-trace-only-bpf: no function strategy, no tracepoints */
	/* --output-return: a return probe beside each non-void kernel function probed */
	bool returns;
	/* --filter-netns: tp_btf and fentry programs remember unwanted devices (needs 6.1+) */
	bool netns_filter;
	/* readable when the attach should stop (a signalfd); polled, never read; -1: none */
	int cancel_fd;
	/* Addresses for strategies that attach by address (kprobe-multi); asked only then. */
	uint64_t (*addr_of)(void *ctx, const char *func);
	void *addr_ctx;
	/* How kernel features are probed; NULL: the real probes on vmlinux. */
	kfeature_probe_fn probe_feature;
	void *probe_ctx;
	/* Tests only: the strategies to choose from, best first, NULL-terminated. */
	const struct attach_strategy *const *func_strategies;
	const struct attach_strategy *tp_strategy, *bpf_prog_strategy, *copy_strategy;
};

struct attach_counts {
	size_t attached, failed; /* probes (a probe is attached when it will emit) */
	size_t not_tried;	 /* left when the attach was cancelled */
	size_t links;		 /* links to close on detach */
	size_t copy_probes;	 /* attached copy-tracking probes (fexit, or kprobe + kretprobe) */
	/* --output-return: attached return probes, and the strategy that attached them */
	size_t ret_probes;
	const char *ret_strategy;
};

struct attacher;

int attacher_new(const struct attacher_opts *o, struct attacher **out, char *err, size_t errlen);
/* One line: why each better strategy was passed over, and which is used. */
const char *attacher_describe(const struct attacher *a);
/* A kernel feature's verdict (probed now if it was not yet): 0, or -errno and why. */
int attacher_feature(struct attacher *a, enum kfeature f, const char **why);
/* What discovery must look for. */
bool attacher_wants_funcs(const struct attacher *a);
bool attacher_wants_tracepoints(const struct attacher *a);
/*
 * Takes the discovered probes (pl must outlive the attacher) and keeps those
 * worth attaching: under a function strategy the skb tracepoints that only
 * repeat a probed function are dropped, and the kfree_skb tracepoint (reason
 * and site in one event) replaces the drop functions. TC/XDP programs need
 * fentry: refused with the reason when this kernel has none.
 */
int attacher_compose(struct attacher *a, struct probe_list *pl, char *err, size_t errlen);
/* Names every template the probes need; call before loader_load(). */
int attacher_prepare(struct attacher *a, struct loader *l, char *err, size_t errlen);
/*
 * Attaches everything. Probes the kernel refuses are counted, not fatal.
 * Returns 0, -ECANCELED when the cancel fd fired (what was attached stays
 * attached until attacher_detach), or another -errno.
 */
int attacher_attach(struct attacher *a, struct progress *p, char *err, size_t errlen);
void attacher_counts(const struct attacher *a, struct attach_counts *c);
/* The result of probe i of the list: 0 attached, -errno refused, 1 not tried. */
int attacher_probe_result(const struct attacher *a, size_t i);
/*
 * Closes every link, then every program, with each strategy's detach workers.
 * When cancel_fd fires meanwhile, the rest is closed serially without waiting
 * (process exit would close them just the same). Returns the links closed.
 */
size_t attacher_detach(struct attacher *a, struct progress *p);
void attacher_free(struct attacher *a);

#endif
