/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_ERRMSG_H
#define PWRU_ERRMSG_H

#include <stddef.h>

/*
 * The error convention of the whole tree: a function that can fail returns
 * 0 or a negative errno, and writes one line for the user into the caller's
 * (err, errlen) buffer; only the top (cmd/) prints it, once. set_err() writes
 * the line and hands back ret, so a failure is one statement:
 *
 *	return set_err(err, errlen, -ENOENT, "--filter-netns %s: no such file", path);
 *
 * err may be NULL (the caller only wants the code).
 */
int set_err(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
