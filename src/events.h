/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_EVENTS_H
#define PWRU_EVENTS_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 to go on, > 0 to stop reading (e.g. the line limit was reached). */
typedef int (*event_handler_fn)(void *ctx, const void *data, size_t size);

struct event_reader;

/* batch_end (may be NULL) runs after each drained batch: flush the output there. */
int event_reader_new(int ringbuf_fd, event_handler_fn fn, void (*batch_end)(void *ctx), void *ctx,
		     struct event_reader **out);
/*
 * Waits for events until SIGINT/SIGTERM (blocked and read through a
 * signalfd: no flag set from a handler), the duration (seconds, 0 for
 * none) or the handler says stop. Returns the signal number, 0 on timeout
 * or stop by handler, -errno on error.
 */
int event_reader_run(struct event_reader *r, double duration);
/* Reads whatever is left in the ring buffer (after detach). */
int event_reader_drain(struct event_reader *r);
void event_reader_free(struct event_reader *r);

/* What the BPF side counted, summed over CPUs. */
struct kernel_counts {
	uint64_t matched; /* packets that passed the filters: emitted + lost */
	uint64_t emitted;
	uint64_t lost;
};

int counters_read(int counters_fd, struct kernel_counts *k);

#endif
