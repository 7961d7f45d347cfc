/* SPDX-License-Identifier: GPL-2.0 */
/* PASS/FAIL lines in the project's suite format. */
#ifndef PWRU_TESTS_CRI_CHECK_H
#define PWRU_TESTS_CRI_CHECK_H

#include <stdarg.h>
#include <stdio.h>

struct check_counts {
	int passed, failed;
};

static inline void check_pass(struct check_counts *c, const char *name)
{
	printf("PASS: %s\n", name);
	fflush(stdout);
	c->passed++;
}

__attribute__((format(printf, 3, 4))) static inline void
check_fail(struct check_counts *c, const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: %s - ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	c->failed++;
}

#endif
