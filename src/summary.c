// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "pods.h"
#include "summary.h"

/*
 * Every dropped packet of a flood comes through here: the row is found by
 * comparing the names as they are, and formatted only when it is new.
 */
int drop_summary_add(struct drop_summary *s, const struct record *r)
{
	const char *site = r->drop_site[0] ? r->drop_site : "-";
	char reason_num[16] = "";
	const char *reason = r->drop_reason;
	struct drop_row *row;

	if (!(r->ev->flags & PWRU_EV_DROP))
		return 0;
	if (!reason) {
		snprintf(reason_num, sizeof(reason_num), "%u", r->ev->drop_reason);
		reason = reason_num;
	}
	s->total++;
	for (size_t i = 0; i < s->n; i++) {
		row = &s->rows[i];
		if (row->netns == r->ev->netns && !strcmp(row->reason, reason) &&
		    !strcmp(row->site, site)) {
			row->count++;
			return 0;
		}
	}
	if (array_reserve(s->rows, s->cap, s->n + 1))
		return -ENOMEM;
	row = &s->rows[s->n++];
	memset(row, 0, sizeof(*row));
	snprintf(row->reason, sizeof(row->reason), "%s", reason);
	snprintf(row->site, sizeof(row->site), "%s", site);
	if (r->pod)
		snprintf(row->pod, sizeof(row->pod), "%s/%s", r->pod->namespace_, r->pod->name);
	row->netns = r->ev->netns;
	row->count = 1;
	return 0;
}

static int cmp_count(const void *a, const void *b)
{
	const struct drop_row *x = a, *y = b;

	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

void drop_summary_sort(struct drop_summary *s)
{
	if (s->n)
		qsort(s->rows, s->n, sizeof(*s->rows), cmp_count);
}

void drop_summary_print(FILE *f, const struct drop_summary *s)
{
	if (!s->total) {
		fprintf(f, "No drops seen.\n");
		return;
	}
	fprintf(f, "Drop summary: %llu packets dropped\n", (unsigned long long)s->total);
	fprintf(f, "  %-8s %-40s %-32s %-10s %s\n", "COUNT", "REASON", "SITE", "NETNS", "POD");
	for (size_t i = 0; i < s->n; i++) {
		const struct drop_row *r = &s->rows[i];

		fprintf(f, "  %-8llu %-40s %-32s %-10u %s\n", (unsigned long long)r->count,
			r->reason, r->site, r->netns, r->pod[0] ? r->pod : "-");
	}
}

void drop_summary_free(struct drop_summary *s)
{
	free(s->rows);
	memset(s, 0, sizeof(*s));
}
