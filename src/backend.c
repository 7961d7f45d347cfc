// SPDX-License-Identifier: GPL-2.0
/* The backend table, in order of preference, and what every backend shares. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "kernel_features.h"
#include "progress.h"

/*
 * The function backends (kprobe-multi, fentry, kprobe) are probed here so
 * the selection report is complete; their attach code lands separately and
 * until then they are reported as not built.
 */
static const struct backend backend_kprobe_multi_probe = {
	.name = "kprobe-multi", .wants_funcs = true, .probe_kernel = kf_kprobe_multi,
};
static const struct backend backend_fentry_probe = {
	.name = "fentry", .wants_funcs = true, .probe_kernel = kf_fentry,
};
static const struct backend backend_kprobe_probe = {
	.name = "kprobe", .wants_funcs = true, .probe_kernel = kf_kprobe,
};

static const struct backend *const all_backends[] = {
	&backend_kprobe_multi_probe,
	&backend_fentry_probe,
	&backend_kprobe_probe,
	&backend_tracepoint,
};

static void report_add(char *report, size_t len, const char *fmt1, const char *a,
		       const char *b)
{
	size_t used = strlen(report);

	if (used < len)
		snprintf(report + used, len - used, fmt1, a, b);
}

const struct backend *backend_select(const char *requested, char *report, size_t len,
				     char *err, size_t errlen)
{
	size_t n;
	const struct backend *const *b = backends_all(&n);
	char why[160];

	report[0] = '\0';
	if (requested) {
		const struct backend *one = backend_by_name(requested);

		if (!one) {
			snprintf(err, errlen, "--backend %s: unknown backend "
				 "(kprobe-multi, fentry, kprobe, tracepoint)", requested);
			return NULL;
		}
		if (one->probe_kernel(why, sizeof(why))) {
			snprintf(err, errlen, "--backend %s: %s", requested, why);
			return NULL;
		}
		if (!one->attach) {
			snprintf(err, errlen, "--backend %s: not built into this pwru yet", requested);
			return NULL;
		}
		snprintf(report, len, "using %s (requested)", requested);
		return one;
	}
	for (size_t i = 0; i < n; i++) {
		if (b[i]->probe_kernel(why, sizeof(why))) {
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

void attach_set_detach(struct attach_set *s, struct progress *p)
{
	for (size_t i = 0; i < s->n_links; i++) {
		close(s->links[i]);
		if (p)
			progress_step(p, 1);
	}
	for (size_t i = 0; i < s->n_progs; i++)
		close(s->progs[i]);
	free(s->links);
	free(s->progs);
	memset(s, 0, sizeof(*s));
}
