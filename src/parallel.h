/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_PARALLEL_H
#define PWRU_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

struct progress;

struct parallel_opts {
	int threads;		   /* workers; fewer when there is less work */
	struct progress *progress; /* stepped from the calling thread; may be NULL */
	/*
	 * An fd that turns readable when the work should stop (the signalfd of
	 * SIGINT/SIGTERM); -1 for none. It is polled, never read, so whoever
	 * owns it still sees the signal afterwards.
	 */
	int cancel_fd;
};

/*
 * Runs fn(arg, i) for every i in [0, n) on workers, stepping the progress
 * from the calling thread (progress output is not thread-safe). Attach and
 * detach wait on the kernel (verifier, RCU grace periods), so more workers
 * than CPUs still pay off for kprobes. Once cancel_fd turns readable no new
 * item starts; items already running finish. Returns true when every item
 * ran, false when cancelled (the items not run were never called).
 */
bool parallel_for(size_t n, void (*fn)(void *arg, size_t i), void *arg,
		  const struct parallel_opts *o);

/* Has cancel_fd turned readable? (false for -1) */
bool cancel_requested(int cancel_fd);

#endif
