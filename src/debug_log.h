/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_DEBUG_LOG_H
#define PWRU_DEBUG_LOG_H

#include <stdio.h>

#include "filters.h"
#include "options.h"
#include "probes.h"

struct attacher;
struct btf;

/*
 * --debug: what a run probed, decided and refused, as "debug: " lines for
 * the caller's stream (stderr). Each call prints nothing unless o->debug.
 */
void debug_line(const struct options *o, FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void debug_kernel_btf(const struct options *o, FILE *f, const struct btf *btf);
void debug_filters(const struct options *o, FILE *f, const struct filter_set *fs);
/* Every kernel feature the attach layer knows, and what the kernel answered. */
void debug_features(const struct options *o, FILE *f, struct attacher *a);
void debug_probes(const struct options *o, FILE *f, const struct probe_list *pl);
/* Every probe the kernel refused, with its reason. */
void debug_refused(const struct options *o, FILE *f, const struct probe_list *pl,
		   const struct attacher *a);

#endif
