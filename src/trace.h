/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_TRACE_H
#define PWRU_TRACE_H

#include "options.h"

/*
 * The whole run: resolve targets, discover probes, pick a backend, load,
 * attach, print events until interrupted, detach, report. Returns the
 * process exit code; errors are printed once, here, as one line.
 */
int run_trace(const struct options *o);

#endif
