/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_RETFILTER_H
#define PWRU_RETFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output_buf.h"
#include "record.h"

/*
 * --filter-return-error: only the calls that failed (a negative errno, an
 * ERR_PTR, a drop verdict) are printed, each after the events of its skb
 * that led there. Until then an skb's events wait here, formatted: at most
 * RETFILTER_HELD_MAX per skb (the oldest go first, counted when the failure
 * comes) for RETFILTER_SLOTS skbs at once (an skb whose slot another takes
 * starts over).
 */
#define RETFILTER_SLOTS 512
#define RETFILTER_HELD_MAX 32

struct held_event {
	char *bytes;
	size_t len;
};

struct held_skb {
	uint64_t skb;
	unsigned head, n;    /* a ring of n events from head */
	uint64_t pushed_out; /* the oldest events the ring let go */
	struct held_event ev[RETFILTER_HELD_MAX];
};

struct ret_filter {
	struct held_skb *slots;
	struct obuf scratch; /* each event is formatted here first */
	uint64_t left_out;   /* events before a failed return that were not kept */
};

int ret_filter_init(struct ret_filter *f);
void ret_filter_free(struct ret_filter *f);
/* Did this return report a failure? */
bool ret_is_error(const struct record *r);
/*
 * Takes the event just formatted into f->scratch: holds it, or (a failed
 * return) writes its skb's held events and then it to out, one event each.
 * Returns how many events reached out.
 */
size_t ret_filter_take(struct ret_filter *f, const struct record *r, struct obuf *out);

#endif
