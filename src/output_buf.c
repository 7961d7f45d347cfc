// SPDX-License-Identifier: GPL-2.0
/* The output's batch buffer, its write path and the field writers too big to inline. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "array.h"
#include "output_buf.h"
#include "output_file.h"

void obuf_init(struct obuf *b, int fd)
{
	memset(b, 0, sizeof(*b));
	b->fd = fd;
}

void obuf_free(struct obuf *b)
{
	free(b->buf);
	free(b->ends);
	b->buf = NULL;
	b->ends = NULL;
	b->len = b->cap = b->n_ends = b->cap_ends = b->mark = 0;
}

bool obuf_grow(struct obuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 64 * 1024;
	char *v;

	if (b->grow_failed)
		return false;
	while (cap - b->len < n)
		cap *= 2;
	v = realloc(b->buf, cap);
	if (!v) {
		b->grow_failed = true;
		return false;
	}
	b->buf = v;
	b->cap = cap;
	return true;
}

void obuf_event_end(struct obuf *b)
{
	if (b->err || b->grow_failed || array_reserve(b->ends, b->cap_ends, b->n_ends + 1)) {
		/* Nothing of this event may reach the output: it would be cut. */
		b->len = b->mark;
		b->grow_failed = false;
		b->unwritten++;
		return;
	}
	b->ends[b->n_ends++] = b->len;
	b->mark = b->len;
	if (b->len >= OBUF_FLUSH_AT)
		obuf_flush(b);
}

/* A non-blocking stdout (inherited from the shell) fills up: wait, don't spin. */
static int wait_writable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	return poll(&p, 1, -1) < 0 && errno != EINTR ? -errno : 0;
}

static int write_all(int fd, const char *buf, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = write(fd, buf + *done, len - *done);
		int ret;

		if (n > 0) {
			*done += (size_t)n;
			continue;
		}
		if (n == 0)
			return -EIO;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		ret = wait_writable(fd);
		if (ret)
			return ret;
	}
	return 0;
}

int obuf_flush(struct obuf *b)
{
	size_t done, ok = 0;
	int ret;

	if (b->fd < 0 || b->err)
		return b->err ? -b->err : 0;
	/* Only whole events leave: a half-built one stays for the next flush. */
	ret = b->file && b->mark ? out_file_before_write(b->file, b->mark) : 0;
	if (b->file)
		b->fd = b->file->fd; /* rotated: the new file */
	if (ret)
		done = 0;
	else
		ret = write_all(b->fd, b->buf, b->mark, &done);
	while (ok < b->n_ends && b->ends[ok] <= done)
		ok++;
	b->written += ok;
	if (ret) {
		b->err = -ret;
		b->unwritten += b->n_ends - ok;
		b->len = b->mark = b->n_ends = 0;
		return ret;
	}
	if (b->file)
		out_file_after_write(b->file);
	memmove(b->buf, b->buf + b->mark, b->len - b->mark);
	b->len -= b->mark;
	b->mark = b->n_ends = 0;
	return 0;
}

static const char hex_digits[] = "0123456789abcdef";

void put_hex(struct obuf *b, uint64_t v, int min_digits)
{
	int n = (64 - __builtin_clzll(v | 1) + 3) / 4;
	char *p;

	if (n < min_digits)
		n = min_digits;
	if (!obuf_room(b, (size_t)n))
		return;
	p = b->buf + b->len + n;
	b->len += (size_t)n;
	for (int i = 0; i < n; i++, v >>= 4)
		*--p = hex_digits[v & 0xf];
}

void put_ipv4(struct obuf *b, const uint8_t *a)
{
	char *p;

	if (!obuf_room(b, 16))
		return;
	p = b->buf + b->len;
	for (int i = 0; i < 4; i++) {
		uint8_t v = a[i];

		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		*p++ = '.';
	}
	b->len = (size_t)(p - 1 - b->buf);
}

/*
 * glibc's inet_ntop(AF_INET6): the longest run of two or more zero words
 * (the first of equals) becomes "::"; ::w.x.y.z and ::ffff:w.x.y.z keep the
 * IPv4 tail in dotted form.
 */
void put_ipv6(struct obuf *b, const uint8_t *a)
{
	int best = -1, best_len = 0, cur = -1, cur_len = 0;
	uint16_t w[8];

	for (int i = 0; i < 8; i++) {
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
		if (w[i] == 0) {
			if (cur < 0)
				cur = i, cur_len = 0;
			cur_len++;
			if (cur_len > best_len)
				best = cur, best_len = cur_len;
		} else {
			cur = -1;
		}
	}
	if (best_len < 2)
		best = -1;
	for (int i = 0; i < 8; i++) {
		if (best >= 0 && i >= best && i < best + best_len) {
			if (i == best)
				put_char(b, ':');
			continue;
		}
		if (i)
			put_char(b, ':');
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
			put_ipv4(b, a + 12);
			return;
		}
		put_hex(b, w[i], 1);
	}
	if (best >= 0 && best + best_len == 8)
		put_char(b, ':');
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (n < len)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Bytes a JSON string carries as they are: printable ASCII but '"' and '\\'. */
static const uint8_t json_plain[256] = {
	[0x20 ... '"' - 1] = 1,
	['"' + 1 ... '\\' - 1] = 1,
	['\\' + 1 ... 0x7f] = 1,
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/*
 * Does none of these 8 bytes need escaping (control, '"', '\\', not ASCII)?
 * (v - ONES) & ~v & HIGHS is non-zero exactly when v has a zero byte, and
 * (x - 0x20 in each byte) & ~x & HIGHS when x has a byte below 0x20.
 */
static inline bool json_word_plain(uint64_t x)
{
	uint64_t quote = x ^ (ONES * '"'), backslash = x ^ (ONES * '\\');
	uint64_t control = (x - ONES * 0x20) & ~x;
	uint64_t quotes = (quote - ONES) & ~quote;
	uint64_t backslashes = (backslash - ONES) & ~backslash;

	return !((control | quotes | backslashes | x) & HIGHS);
}

void jw_strn(struct jw *w, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	struct obuf *b = w->b;
	size_t i = 0, run = 0;

	jw_sep(w);
	/* Worst case: every byte becomes a six-byte escape. */
	if (!obuf_room(b, 6 * n + 2))
		return;
	b->buf[b->len++] = '"';
	/* Names and symbols are plain: eight bytes at a time until one is not. */
	while (i + 8 <= n) {
		uint64_t x;

		memcpy(&x, s + i, 8);
		if (!json_word_plain(x))
			break;
		i += 8;
		run += 8;
	}
	while (i < n) {
		unsigned char c = s[i];
		char *o;

		if (json_plain[c]) {
			i++;
			run++;
			continue;
		}
		memcpy(b->buf + b->len, s + i - run, run);
		b->len += run;
		run = 0;
		o = b->buf + b->len;
		if (c >= 0x80) {
			size_t l = utf8_seq(s + i, n - i);

			if (l) {
				memcpy(o, s + i, l);
				b->len += l;
				i += l;
			} else {
				memcpy(o, "\\ufffd", 6);
				b->len += 6;
				i++;
			}
			continue;
		}
		o[0] = '\\';
		switch (c) {
		case '"':
		case '\\':
			o[1] = (char)c;
			break;
		case '\b':
			o[1] = 'b';
			break;
		case '\f':
			o[1] = 'f';
			break;
		case '\n':
			o[1] = 'n';
			break;
		case '\r':
			o[1] = 'r';
			break;
		case '\t':
			o[1] = 't';
			break;
		default:
			memcpy(o + 1, "u00", 3);
			o[4] = hex_digits[c >> 4];
			o[5] = hex_digits[c & 0xf];
			b->len += 4;
			break;
		}
		b->len += 2;
		i++;
	}
	memcpy(b->buf + b->len, s + i - run, run);
	b->len += run;
	b->buf[b->len++] = '"';
}
