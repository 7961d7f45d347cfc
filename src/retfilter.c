// SPDX-License-Identifier: GPL-2.0
/* --filter-return-error: each skb's events wait, formatted, until one of its calls fails. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "retfilter.h"

int ret_filter_init(struct ret_filter *f)
{
	memset(f, 0, sizeof(*f));
	obuf_init(&f->scratch, -1);
	f->slots = calloc(RETFILTER_SLOTS, sizeof(*f->slots));
	return f->slots ? 0 : -ENOMEM;
}

static void held_clear(struct held_skb *h)
{
	for (unsigned i = 0; i < h->n; i++)
		free(h->ev[(h->head + i) % RETFILTER_HELD_MAX].bytes);
	h->head = h->n = 0;
	h->pushed_out = 0;
}

void ret_filter_free(struct ret_filter *f)
{
	for (size_t i = 0; f->slots && i < RETFILTER_SLOTS; i++)
		held_clear(&f->slots[i]);
	free(f->slots);
	obuf_free(&f->scratch);
	memset(f, 0, sizeof(*f));
}

bool ret_is_error(const struct record *r)
{
	const char *n = r->ret.name;

	if (!(r->ev->flags & PWRU_EV_RET) || !n)
		return false;
	/* "-EPERM": a negative errno or an ERR_PTR */
	return n[0] == '-' || !strcmp(n, "NF_DROP") || !strcmp(n, "NET_XMIT_DROP") ||
	       !strcmp(n, "NET_RX_DROP");
}

static struct held_skb *slot_of(struct ret_filter *f, uint64_t skb)
{
	return &f->slots[((skb >> 6) ^ (skb >> 20)) % RETFILTER_SLOTS];
}

static void hold(struct ret_filter *f, struct held_skb *h, const char *bytes, size_t len)
{
	struct held_event *e;

	if (h->n == RETFILTER_HELD_MAX) {
		free(h->ev[h->head].bytes);
		h->head = (h->head + 1) % RETFILTER_HELD_MAX;
		h->n--;
		h->pushed_out++;
	}
	e = &h->ev[(h->head + h->n) % RETFILTER_HELD_MAX];
	e->bytes = malloc(len ? len : 1);
	if (!e->bytes) {
		h->pushed_out++;
		return;
	}
	memcpy(e->bytes, bytes, len);
	e->len = len;
	h->n++;
}

static void write_event(struct obuf *out, const char *bytes, size_t len)
{
	put_mem(out, bytes, len);
	obuf_event_end(out);
}

size_t ret_filter_take(struct ret_filter *f, const struct record *r, struct obuf *out)
{
	struct held_skb *h = slot_of(f, r->ev->skb);
	struct obuf *s = &f->scratch;
	size_t written = 0;

	if (h->skb != r->ev->skb) {
		held_clear(h);
		h->skb = r->ev->skb;
	}
	if (!ret_is_error(r)) {
		hold(f, h, s->buf, s->len);
	} else {
		for (unsigned i = 0; i < h->n; i++) {
			const struct held_event *e = &h->ev[(h->head + i) % RETFILTER_HELD_MAX];

			write_event(out, e->bytes, e->len);
			written++;
		}
		f->left_out += h->pushed_out;
		held_clear(h);
		write_event(out, s->buf, s->len);
		written++;
	}
	s->len = s->mark = s->n_ends = 0;
	return written;
}
