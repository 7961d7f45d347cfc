// SPDX-License-Identifier: GPL-2.0
/* The backend table, in order of preference, and what every backend shares. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "kernel_features.h"
#include "parallel.h"
#include "progress.h"
#include <stdio.h>

static const struct backend *const all_backends[] = {
	&backend_kprobe_multi,
	&backend_fentry,
	&backend_kprobe,
	&backend_tracepoint,
};

const char *func_template(const struct probe *p, const char *kind, char *buf, size_t len)
{
	switch (p->special) {
	case SPECIAL_KFREE_SKB_REASON:
		snprintf(buf, len, "pwru_%s_kfree_reason", kind);
		break;
	case SPECIAL_SK_SKB_REASON_DROP:
		snprintf(buf, len, "pwru_%s_sk_drop", kind);
		break;
	default:
		snprintf(buf, len, "pwru_%s_skb%d", kind, p->skb_pos);
	}
	return buf;
}

void attach_results_apply(struct probe_list *pl, struct attach_set *s, const size_t *idx, size_t n,
			  const int *prog, const int *link, const int *err)
{
	for (size_t k = 0; k < n; k++) {
		size_t i = idx[k];

		probe_set_result(&pl->v[i], s, err[i]);
		if (err[i])
			continue;
		attach_set_add_prog(s, prog[i]);
		attach_set_add_link(s, link[i]);
	}
}

size_t probes_of_kind(const struct probe_list *pl, enum probe_kind kind, size_t *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < pl->n; i++) {
		if (pl->v[i].kind == kind)
			idx[n++] = i;
	}
	return n;
}

void probe_set_result(struct probe *p, struct attach_set *s, int err)
{
	p->state = err ? PROBE_FAILED : PROBE_ATTACHED;
	p->err = err;
	if (err)
		s->failed++;
	else
		s->attached++;
}

static void report_add(char *report, size_t len, const char *fmt1, const char *a, const char *b)
{
	size_t used = strlen(report);

	if (used < len)
		snprintf(report + used, len - used, fmt1, a, b);
}

const struct backend *backend_select(const char *requested, const struct btf *btf, char *report,
				     size_t len, char *err, size_t errlen)
{
	size_t n;
	const struct backend *const *b = backends_all(&n);
	char why[160];

	report[0] = '\0';
	if (requested) {
		const struct backend *one = backend_by_name(requested);

		if (!one) {
			snprintf(err, errlen,
				 "--backend %s: unknown backend "
				 "(kprobe-multi, fentry, kprobe, tracepoint)",
				 requested);
			return NULL;
		}
		if (one->probe_kernel(btf, why, sizeof(why))) {
			snprintf(err, errlen, "--backend %s: %s", requested, why);
			return NULL;
		}
		if (!one->attach) {
			snprintf(err, errlen, "--backend %s: not built into this pwru yet",
				 requested);
			return NULL;
		}
		snprintf(report, len, "using %s (requested)", requested);
		return one;
	}
	for (size_t i = 0; i < n; i++) {
		if (b[i]->probe_kernel(btf, why, sizeof(why))) {
			report_add(report, len, "%s: %s; ", b[i]->name, why);
			continue;
		}
		if (!b[i]->attach) {
			report_add(report, len, "%s: %s; ", b[i]->name, "usable, not built yet");
			continue;
		}
		report_add(report, len, "%susing %s", "", b[i]->name);
		return b[i];
	}
	snprintf(err, errlen, "no tracing backend works on this kernel: %s", report);
	return NULL;
}

const struct backend *const *backends_all(size_t *n)
{
	*n = sizeof(all_backends) / sizeof(all_backends[0]);
	return all_backends;
}

const struct backend *backend_by_name(const char *name)
{
	size_t n;
	const struct backend *const *b = backends_all(&n);

	for (size_t i = 0; i < n; i++) {
		if (!strcmp(b[i]->name, name))
			return b[i];
	}
	return NULL;
}

static int fds_push(int **v, size_t *n, size_t *cap, int fd)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		int *nv = realloc(*v, nc * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = fd;
	return 0;
}

int attach_set_add_link(struct attach_set *s, int fd)
{
	return fds_push(&s->links, &s->n_links, &s->cap_links, fd);
}

int attach_set_add_prog(struct attach_set *s, int fd)
{
	return fds_push(&s->progs, &s->n_progs, &s->cap_progs, fd);
}

static void close_link(void *arg, size_t i)
{
	close(((int *)arg)[i]);
}

void attach_set_detach(struct attach_set *s, struct progress *p)
{
	parallel_for(s->n_links, s->detach_threads, close_link, s->links, p);
	for (size_t i = 0; i < s->n_progs; i++)
		close(s->progs[i]);
	free(s->links);
	free(s->progs);
	memset(s, 0, sizeof(*s));
}
