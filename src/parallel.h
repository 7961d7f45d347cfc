/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PARALLEL_H
#define PWRU_PARALLEL_H

#include <stddef.h>

struct progress;

/*
 * Runs fn(arg, i) for every i in [0, n) on `threads` workers, stepping the
 * progress from the calling thread (progress output is not thread-safe).
 * Attach and detach wait on the kernel (verifier, RCU grace periods), so
 * more workers than CPUs still pay off for kprobes.
 */
void parallel_for(size_t n, int threads, void (*fn)(void *arg, size_t i), void *arg,
		  struct progress *p);

#endif
