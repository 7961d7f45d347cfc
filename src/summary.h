/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_SUMMARY_H
#define PWRU_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include "record.h"

/* How many packets died where and why: the answer for who missed the scroll. */
struct drop_row {
	char reason[96];
	char site[RECORD_SYM_LEN];
	uint32_t netns;
	char pod[336];
	uint64_t count;
};

struct drop_summary {
	struct drop_row *rows;
	size_t n, cap;
	uint64_t total;
};

int drop_summary_add(struct drop_summary *s, const struct record *r);
/* Rows sorted by count, most first. */
void drop_summary_sort(struct drop_summary *s);
void drop_summary_print(FILE *f, const struct drop_summary *s);
void drop_summary_free(struct drop_summary *s);

#endif
