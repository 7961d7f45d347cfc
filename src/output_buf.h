/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PWRU_OUTPUT_BUF_H
#define PWRU_OUTPUT_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * The output's batch buffer: events are formatted into it by hand-written
 * field writers (no stdio on the hot path) and leave it with one write(2)
 * per batch. It knows where each event ends, so a short or failed write
 * counts exactly the events that did not reach the file, and after the
 * first error every further event is counted, not formatted.
 */
struct obuf {
	char *buf;
	size_t len, cap;
	size_t *ends; /* offset just past each complete event in buf */
	size_t n_ends, cap_ends;
	size_t mark;	       /* where the event being written began */
	int fd;		       /* -1: a memory buffer, never flushed (tests, benchmarks) */
	int err;	       /* the first write error (positive errno), 0 while all is well */
	bool grow_failed;      /* out of memory: the event being written is incomplete */
	uint64_t written;      /* events whose last byte reached fd */
	uint64_t unwritten;    /* events formatted or offered after an error, never written */
	struct out_file *file; /* --output-file: rotated between batches; NULL for stdout */
};

#define OBUF_FLUSH_AT (256 * 1024)

struct out_file;

void obuf_init(struct obuf *b, int fd);
void obuf_free(struct obuf *b);
/* Makes room for n more bytes; false (and grow_failed) when memory ran out. */
bool obuf_grow(struct obuf *b, size_t n);
/*
 * Marks the end of one event: what follows belongs to the next one. An
 * event cut short by a failed allocation is taken back and counted as
 * unwritten. Flushes when the buffer is full enough.
 */
void obuf_event_end(struct obuf *b);
/* Bytes that belong to no event (the text header): keep them, count nothing. */
static inline void obuf_commit_raw(struct obuf *b)
{
	b->mark = b->len;
}
/* Writes everything out; 0 or -errno (the first error sticks in b->err). */
int obuf_flush(struct obuf *b);
/* Counts an event that was not formatted because the output already failed. */
static inline void obuf_event_skipped(struct obuf *b)
{
	b->unwritten++;
}

static inline __attribute__((always_inline)) bool obuf_room(struct obuf *b, size_t n)
{
	return b->cap - b->len >= n || obuf_grow(b, n);
}

static inline __attribute__((always_inline)) void put_mem(struct obuf *b, const void *s, size_t n)
{
	if (!obuf_room(b, n))
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
}

static inline void put_str(struct obuf *b, const char *s)
{
	put_mem(b, s, strlen(s));
}

/* A string literal: its length is known at compile time. */
#define put_lit(b, s) put_mem((b), (s), sizeof(s) - 1)

static inline __attribute__((always_inline)) void put_char(struct obuf *b, char c)
{
	if (!obuf_room(b, 1))
		return;
	b->buf[b->len++] = c;
}

/* Pads with spaces from `start` to `width` bytes, as printf's "%-*s" does. */
static inline void put_pad(struct obuf *b, size_t start, size_t width)
{
	size_t used = b->len - start;

	if (used >= width || !obuf_room(b, width - used))
		return;
	memset(b->buf + b->len, ' ', width - used);
	b->len += width - used;
}

/* Decimal digits of v into the end of tmp[20]; returns the first digit. */
static inline char *u64_digits(uint64_t v, char tmp[20])
{
	char *p = tmp + 20;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static inline int u64_width(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* Straight into the buffer: no temporary, no memcpy call for a few digits. */
static inline void put_u64(struct obuf *b, uint64_t v)
{
	int n = u64_width(v);
	char *p;

	if (!obuf_room(b, (size_t)n))
		return;
	p = b->buf + b->len + n;
	b->len += (size_t)n;
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
}

static inline void put_i64(struct obuf *b, int64_t v)
{
	if (v < 0) {
		put_char(b, '-');
		put_u64(b, -(uint64_t)v);
		return;
	}
	put_u64(b, (uint64_t)v);
}

/* Lower-case hex, at least min_digits wide (zero-padded), no prefix. */
void put_hex(struct obuf *b, uint64_t v, int min_digits);

/* Decimal, zero-padded to at least width digits ("%0*llu"). */
static inline void put_udec_zpad(struct obuf *b, uint64_t v, int width)
{
	char tmp[20], *p = u64_digits(v, tmp);

	while (p > tmp && tmp + 20 - p < width)
		*--p = '0';
	put_mem(b, p, (size_t)(tmp + 20 - p));
}

/* Two decimal digits, zero-padded ("%02u" for 0..99). */
static inline void put_dec2(struct obuf *b, unsigned v)
{
	char d[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	put_mem(b, d, 2);
}

/* An address as inet_ntop() writes it, IPv4 or IPv6 (RFC 5952 zero runs). */
void put_ipv4(struct obuf *b, const uint8_t *a);
void put_ipv6(struct obuf *b, const uint8_t *a);

/*
 * The streaming JSON writer (bpftool's json_writer is the model): values go
 * straight into the buffer, commas are placed by one flag, and strings
 * are escaped as they are copied. Keys are the caller's literals and are not
 * escaped.
 */
/*
 * One flag is the whole state: after '{', '[' or a key the next item takes
 * no comma; after any value, a closed container included, it does. So
 * nesting needs no stack.
 */
struct jw {
	struct obuf *b;
	bool first;
};

static inline void jw_init(struct jw *w, struct obuf *b)
{
	w->b = b;
	w->first = true;
}

static inline void jw_sep(struct jw *w)
{
	if (!w->first)
		put_char(w->b, ',');
	w->first = false;
}

static inline void jw_open(struct jw *w, char c)
{
	jw_sep(w);
	put_char(w->b, c);
	w->first = true;
}

static inline void jw_close(struct jw *w, char c)
{
	put_char(w->b, c);
	w->first = false;
}

#define jw_obj_open(w) jw_open((w), '{')
#define jw_obj_close(w) jw_close((w), '}')
#define jw_arr_open(w) jw_open((w), '[')
#define jw_arr_close(w) jw_close((w), ']')

/*
 * "key": — the next value belongs to it, so it takes no comma of its own.
 * The key is a string literal: quotes and colon are pasted on at compile
 * time and the copy has a constant length.
 */
#define jw_key(w, key) jw_key_raw((w), "\"" key "\":", sizeof(key) + 2)

static inline __attribute__((always_inline)) void jw_key_raw(struct jw *w, const char *quoted,
							     size_t n)
{
	jw_sep(w);
	put_mem(w->b, quoted, n);
	w->first = true;
}

/* A JSON string from n bytes that may be anything: invalid UTF-8 becomes U+FFFD. */
void jw_strn(struct jw *w, const char *s, size_t n);

static inline void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

static inline void jw_u64(struct jw *w, uint64_t v)
{
	jw_sep(w);
	put_u64(w->b, v);
}

static inline void jw_i64(struct jw *w, int64_t v)
{
	jw_sep(w);
	put_i64(w->b, v);
}

static inline void jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	if (v)
		put_lit(w->b, "true");
	else
		put_lit(w->b, "false");
}

#define jw_kv_str(w, key, v)      \
	do {                      \
		jw_key((w), key); \
		jw_str((w), (v)); \
	} while (0)

#define jw_kv_u64(w, key, v)      \
	do {                      \
		jw_key((w), key); \
		jw_u64((w), (v)); \
	} while (0)

#endif
