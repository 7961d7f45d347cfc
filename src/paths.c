// SPDX-License-Identifier: GPL-2.0
/*
 * The path summary. An skb's events are appended to its entry in a fixed
 * open-addressing table keyed by its address; when the skb's life is over
 * its sequence of functions is counted in a row of identical paths.
 *
 * When is an skb's life over? Its address is reused by the allocator, so
 * a path must end before a new packet at the same address starts one:
 *  - kfree_skbmem (probed by the function backends) ends it for sure;
 *  - without that probe, the event after a kfree_skb/consume_skb belongs
 *    to a new packet; on the tracepoint backend so does an event at the
 *    tracepoint the path began with (a packet delivered without a
 *    tracepoint firing, whose address came back);
 *  - what is still followed when pwru stops ends as the last end it met,
 *    or in flight.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "paths.h"

struct path_skb {
	uint64_t skb; /* 0: free slot */
	enum path_end end;
	const char *reason; /* PATH_DROPPED: the reason's name, or NULL for a number */
	uint32_t reason_num;
	char site[RECORD_SYM_LEN];
	struct path_seq seq;
};

#define PATHS_SLOTS 16384 /* a power of two, a third above PATHS_SKB_MAX */

static size_t slot_home(const struct path_summary *p, uint64_t skb)
{
	/* skbs are cache-line aligned: the low bits say nothing */
	return (size_t)(((skb >> 6) ^ (skb >> 22)) * 0x9e3779b97f4a7c15ULL >> 40) &
	       (p->n_slots - 1);
}

int paths_init(struct path_summary *p, const char (*func_names)[256], size_t n_funcs,
	       uint32_t consume_id, uint32_t free_id, bool restart_at_first)
{
	memset(p, 0, sizeof(*p));
	p->func_names = func_names;
	p->n_funcs = n_funcs;
	p->consume_id = consume_id;
	p->free_id = free_id;
	p->free_seen = free_id != UINT32_MAX;
	p->restart_at_first = restart_at_first;
	p->n_slots = PATHS_SLOTS;
	p->slots = calloc(p->n_slots, sizeof(*p->slots));
	return p->slots ? 0 : -ENOMEM;
}

static struct path_skb *slot_find(struct path_summary *p, uint64_t skb)
{
	for (size_t i = slot_home(p, skb);; i = (i + 1) & (p->n_slots - 1)) {
		if (p->slots[i].skb == skb)
			return &p->slots[i];
		if (!p->slots[i].skb)
			return NULL;
	}
}

/* Backward-shift deletion: linear probing stays correct without tombstones. */
static void slot_delete(struct path_summary *p, struct path_skb *s)
{
	size_t mask = p->n_slots - 1, i = (size_t)(s - p->slots), j = i;

	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!p->slots[j].skb)
			break;
		home = slot_home(p, p->slots[j].skb);
		/* an entry whose home lies cyclically in (i, j] stays where it is */
		if (i <= j ? (i < home && home <= j) : (i < home || home <= j))
			continue;
		p->slots[i] = p->slots[j];
		i = j;
	}
	p->slots[i].skb = 0;
	p->n_live--;
}

/* Every event of a flood's drops comes through here: words, not bytes, at a time. */
static uint64_t hash_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	size_t len = strlen(s), i;
	uint64_t w;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = hash_word(h, w);
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	return hash_word(h, w ^ (uint64_t)len << 56);
}

static uint64_t path_hash(const struct path_seq *seq, enum path_end end, const char *reason,
			  const char *site)
{
	uint64_t h = hash_word(0, (uint64_t)seq->n << 32 | (uint64_t)seq->truncated << 8 | end);

	for (uint16_t i = 0; i < seq->n; i++)
		h = hash_word(h, (uint64_t)seq->steps[i].probe_id << 32 | seq->steps[i].repeat);
	return hash_str(hash_str(h, reason), site);
}

static bool row_matches(const struct path_row *row, uint64_t hash, const struct path_seq *seq,
			enum path_end end, const char *reason, const char *site)
{
	return row->hash == hash && row->end == end && row->seq.n == seq->n &&
	       row->seq.truncated == seq->truncated &&
	       !memcmp(row->seq.steps, seq->steps, seq->n * sizeof(seq->steps[0])) &&
	       !strcmp(row->reason, reason) && !strcmp(row->site, site);
}

/* A string into a fixed field, cut to fit. */
static void copy_cut(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A drop reason without a name: its number. */
static const char *reason_number(uint32_t v, char buf[11])
{
	char *p = buf + 10;

	*p = '\0';
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
}

/* The skb's path is complete: count it with its equals, and forget the skb. */
static int path_close(struct path_summary *p, struct path_skb *s)
{
	char cut[sizeof(((struct path_row *)0)->reason)], number[11];
	const char *reason = "", *site = "";
	struct path_row *row;
	uint64_t hash;
	int ret = 0;

	if (s->end == PATH_DROPPED) {
		reason = s->reason ? s->reason : reason_number(s->reason_num, number);
		/* the row keeps what fits: so must the key */
		if (strnlen(reason, sizeof(cut)) == sizeof(cut)) {
			copy_cut(cut, sizeof(cut), reason);
			reason = cut;
		}
		site = s->site[0] ? s->site : "-";
	}
	hash = path_hash(&s->seq, s->end, reason, site);
	p->skbs++;
	for (size_t i = 0; i < p->n_rows; i++) {
		if (row_matches(&p->rows[i], hash, &s->seq, s->end, reason, site)) {
			p->rows[i].count++;
			goto out;
		}
	}
	if (p->n_rows >= PATHS_ROWS_MAX) {
		p->other++;
		goto out;
	}
	if (array_reserve(p->rows, p->cap_rows, p->n_rows + 1)) {
		p->other++;
		ret = -ENOMEM;
		goto out;
	}
	row = &p->rows[p->n_rows++];
	memset(row, 0, sizeof(*row));
	row->seq = s->seq;
	row->hash = hash;
	row->end = s->end;
	copy_cut(row->reason, sizeof(row->reason), reason);
	copy_cut(row->site, sizeof(row->site), site);
	row->count = 1;
out:
	slot_delete(p, s);
	return ret;
}

/* A full table first lets go of the skbs whose end was seen. */
static int close_ended(struct path_summary *p)
{
	int ret = 0;

	for (size_t i = 0; i < p->n_slots; i++) {
		/* backward shifts may move an entry into slot i: look at it again */
		while (p->slots[i].skb && p->slots[i].end != PATH_IN_FLIGHT) {
			int err = path_close(p, &p->slots[i]);

			if (err)
				ret = err;
		}
	}
	return ret;
}

static struct path_skb *slot_insert(struct path_summary *p, uint64_t skb)
{
	size_t i;

	if (p->n_live >= PATHS_SKB_MAX) {
		close_ended(p);
		if (p->n_live >= PATHS_SKB_MAX)
			return NULL;
	}
	for (i = slot_home(p, skb); p->slots[i].skb; i = (i + 1) & (p->n_slots - 1))
		;
	/* the header only: steps are written as they are appended */
	p->slots[i].skb = skb;
	p->slots[i].end = PATH_IN_FLIGHT;
	p->slots[i].reason = NULL;
	p->slots[i].reason_num = 0;
	p->slots[i].site[0] = '\0';
	p->slots[i].seq.n = 0;
	p->slots[i].seq.truncated = false;
	p->n_live++;
	return &p->slots[i];
}

static void seq_append(struct path_seq *seq, uint32_t probe_id)
{
	struct path_step *last = seq->n ? &seq->steps[seq->n - 1] : NULL;

	if (last && last->probe_id == probe_id) {
		last->repeat++;
		return;
	}
	/* Too long: keep the beginning and let the last slot follow the newest run. */
	if (seq->n == PATHS_STEPS_MAX) {
		seq->truncated = true;
		seq->steps[seq->n - 1] = (struct path_step){ .probe_id = probe_id, .repeat = 1 };
		return;
	}
	seq->steps[seq->n++] = (struct path_step){ .probe_id = probe_id, .repeat = 1 };
}

static enum path_end event_end(const struct path_summary *p, const struct record *r)
{
	if (r->ev->flags & PWRU_EV_DROP) {
		/* kfree_skb_reason(skb, SKB_CONSUMED) is how some callers consume */
		if (r->drop_reason && !strcmp(r->drop_reason, "SKB_CONSUMED"))
			return PATH_CONSUMED;
		return PATH_DROPPED;
	}
	if (r->ev->probe_id == p->consume_id)
		return PATH_CONSUMED;
	return PATH_IN_FLIGHT;
}

/* Is this event a new packet at the address of the one s follows? */
static bool starts_anew(const struct path_summary *p, const struct path_skb *s, uint32_t id,
			enum path_end end)
{
	const struct path_seq *seq = &s->seq;
	bool restart = seq->n >= 2 && seq->steps[0].probe_id == id &&
		       seq->steps[seq->n - 1].probe_id != id;

	if (p->free_seen)
		return s->end != PATH_IN_FLIGHT && restart;
	if (s->end != PATH_IN_FLIGHT)
		return end == PATH_IN_FLIGHT;
	return p->restart_at_first && restart;
}

int paths_add(struct path_summary *p, const struct record *r)
{
	const struct pwru_event *e = r->ev;
	enum path_end end = event_end(p, r);
	bool freed = e->probe_id == p->free_id;
	struct path_skb *s = slot_find(p, e->skb);
	int ret = 0;

	/* a return is a step of the call already counted at its entry */
	if (e->flags & PWRU_EV_RET)
		return 0;

	if (s && starts_anew(p, s, e->probe_id, end)) {
		ret = path_close(p, s);
		s = NULL;
	}
	if (!s) {
		/* the free of an skb whose path is already counted, or was never seen */
		if (freed)
			return ret;
		s = slot_insert(p, e->skb);
		if (!s) {
			p->untracked++;
			return ret;
		}
	}
	seq_append(&s->seq, e->probe_id);
	if (end == PATH_DROPPED && s->end != PATH_DROPPED) {
		s->reason = r->drop_reason;
		s->reason_num = e->drop_reason;
		copy_cut(s->site, sizeof(s->site), r->drop_site);
	}
	if (end > s->end)
		s->end = end;
	if (freed) {
		if (s->end == PATH_IN_FLIGHT)
			s->end = PATH_CONSUMED;
		if (path_close(p, s))
			ret = -ENOMEM;
	}
	return ret;
}

void paths_finish(struct path_summary *p)
{
	for (size_t i = 0; p->slots && i < p->n_slots; i++) {
		while (p->slots[i].skb)
			path_close(p, &p->slots[i]);
	}
}

static int cmp_rows(const void *a, const void *b)
{
	const struct path_row *x = a, *y = b;
	bool xd = x->end == PATH_DROPPED, yd = y->end == PATH_DROPPED;

	if (xd != yd)
		return xd ? -1 : 1;
	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

void paths_sort(struct path_summary *p)
{
	if (p->n_rows)
		qsort(p->rows, p->n_rows, sizeof(*p->rows), cmp_rows);
}

const char *path_end_name(enum path_end e)
{
	switch (e) {
	case PATH_CONSUMED:
		return "consumed";
	case PATH_DROPPED:
		return "dropped";
	default:
		return "in-flight";
	}
}

void paths_format(const struct path_summary *p, const struct path_row *row, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (uint16_t i = 0; i < row->seq.n && off < len; i++) {
		const struct path_step *st = &row->seq.steps[i];
		const char *name = st->probe_id < p->n_funcs ? p->func_names[st->probe_id] : "?";
		const char *sep = i ? ">" : "";
		int n;

		if (row->seq.truncated && i == row->seq.n - 1)
			sep = ">...>";
		if (st->repeat > 1)
			n = snprintf(buf + off, len - off, "%s%s(x%u)", sep, name, st->repeat);
		else
			n = snprintf(buf + off, len - off, "%s%s", sep, name);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

void paths_print(FILE *f, const struct path_summary *p, size_t shown)
{
	char path[4096];

	if (!p->skbs)
		return;
	if (shown > p->n_rows)
		shown = p->n_rows;
	fprintf(f,
		"Path summary: %llu skbs in %zu distinct paths%s; the %zu most common, drops first\n",
		(unsigned long long)p->skbs, p->n_rows, p->other ? " and more" : "", shown);
	fprintf(f, "  %-8s %-10s %s\n", "COUNT", "END", "PATH (REASON SITE)");
	for (size_t i = 0; i < shown; i++) {
		const struct path_row *row = &p->rows[i];

		paths_format(p, row, path, sizeof(path));
		fprintf(f, "  %-8llu %-10s %s", (unsigned long long)row->count,
			path_end_name(row->end), path);
		if (row->end == PATH_DROPPED)
			fprintf(f, " (%s %s)", row->reason, row->site);
		fputc('\n', f);
	}
	if (p->other)
		fprintf(f, "  %llu skbs took paths beyond the first %d distinct ones\n",
			(unsigned long long)p->other, PATHS_ROWS_MAX);
	if (p->untracked)
		fprintf(f, "  %llu events not followed: more than %d skbs in flight at once\n",
			(unsigned long long)p->untracked, PATHS_SKB_MAX);
}

void paths_free(struct path_summary *p)
{
	free(p->slots);
	free(p->rows);
	memset(p, 0, sizeof(*p));
}
