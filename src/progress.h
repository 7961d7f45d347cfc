/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PROGRESS_H
#define PWRU_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* A bar on a terminal, a few plain counter lines otherwise. */
struct progress {
	FILE *out;
	bool tty;
	const char *what;
	size_t total, done;
	int last_shown; /* percent, or tenth for plain lines */
};

void progress_start(struct progress *p, FILE *out, bool tty, const char *what, size_t total);
void progress_step(struct progress *p, size_t n);
void progress_end(struct progress *p);

#endif
