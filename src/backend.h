/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_BACKEND_H
#define PWRU_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "probes.h"

struct btf;
struct loader;
struct progress;

/* What a backend leaves behind: fds to close on detach, links first. */
struct attach_set {
	int *links, *progs;
	size_t n_links, n_progs, cap_links, cap_progs;
	size_t attached, failed;
	int detach_threads; /* closing kprobes waits on RCU: overlap them */
};

int attach_set_add_link(struct attach_set *s, int fd);
int attach_set_add_prog(struct attach_set *s, int fd);
/* Closes every link, then every program, stepping the progress. */
void attach_set_detach(struct attach_set *s, struct progress *p);

struct backend {
	const char *name;
	bool wants_funcs, wants_tracepoints;
	/* 0 when this kernel can run it; else -errno and a reason in why. */
	int (*probe_kernel)(const struct btf *btf, char *why, size_t len);
	/* Names the template programs the probes need (loader_want). */
	int (*prepare)(struct loader *l, struct probe_list *pl);
	/* Clones and attaches; per-probe failures are counted, not fatal. */
	int (*attach)(struct loader *l, struct probe_list *pl, struct attach_set *s,
		      struct progress *p);
};

extern const struct backend backend_tracepoint;
extern const struct backend backend_kprobe;
extern const struct backend backend_kprobe_multi;
extern const struct backend backend_fentry;

/*
 * Function backends keep the skb tracepoints attached alongside, so the
 * kfree_skb tracepoint's reason and location are never missing.
 */
int tracepoints_prepare(struct loader *l, struct probe_list *pl);
int tracepoints_attach(struct loader *l, struct probe_list *pl, struct attach_set *s,
		       struct progress *p);

/* "pwru_kp_skb1", "pwru_fe_kfree_reason", ...: the template a function probe needs. */
const char *func_template(const struct probe *p, const char *kind, char *buf, size_t len);
/* Fills idx with the indexes of probes of this kind; returns how many. */
size_t probes_of_kind(const struct probe_list *pl, enum probe_kind kind, size_t *idx);
/*
 * Records the outcome of n probes (indexes idx into pl) from per-probe
 * arrays filled by parallel workers: prog and link fds where err is 0.
 */
void attach_results_apply(struct probe_list *pl, struct attach_set *s, const size_t *idx, size_t n,
			  const int *prog, const int *link, const int *err);
/* Records one probe's outcome and counts it. */
void probe_set_result(struct probe *p, struct attach_set *s, int err);

/* All backends in order of preference. */
const struct backend *const *backends_all(size_t *n);
const struct backend *backend_by_name(const char *name);
/*
 * The requested backend if this kernel runs it, else the first that works,
 * with one line saying why each better one was passed over.
 */
const struct backend *backend_select(const char *requested, const struct btf *btf, char *report,
				     size_t len, char *err, size_t errlen);

#endif
