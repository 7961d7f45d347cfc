/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_EVENTS_H
#define PWRU_EVENTS_H

#include <stddef.h>
#include <stdint.h>

/* Returns 0 to go on, > 0 to stop reading (e.g. the line limit was reached). */
typedef int (*event_handler_fn)(void *ctx, const void *data, size_t size);

struct event_reader;

/*
 * batch_end (may be NULL) runs after each drained batch: flush the output
 * there; it returns > 0 to stop reading (the output failed).
 */
typedef int (*batch_end_fn)(void *ctx);

int event_reader_new(int ringbuf_fd, event_handler_fn fn, batch_end_fn batch_end, void *ctx,
		     struct event_reader **out);
/*
 * Also wakes up when the reader of fd (a pipe: `pwru | head`) went away,
 * even while no event comes; regular files cannot be watched and are not.
 */
void event_reader_watch_output(struct event_reader *r, int fd);
/* event_reader_run()'s answer when the watched output's reader is gone. */
#define EVENT_READER_OUTPUT_CLOSED 0x10000

/*
 * Waits for events until SIGINT/SIGTERM (blocked and read through a
 * signalfd: no flag set from a handler), the duration (seconds, 0 for
 * none) or the handler says stop. Returns the signal number, 0 on timeout
 * or stop by handler, EVENT_READER_OUTPUT_CLOSED, -errno on error.
 */
int event_reader_run(struct event_reader *r, double duration);
/* Reads whatever is left in the ring buffer (after detach), even after a stop:
 * the handler decides whether each event is printed or only counted. */
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
