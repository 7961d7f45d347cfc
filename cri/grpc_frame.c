// SPDX-License-Identifier: GPL-2.0
/* gRPC length-prefixed messages and status trailers (see grpc_frame.h). */
#include "cri/grpc_frame.h"
#include "errmsg.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void grpc_reader_init(struct grpc_reader *r, size_t max_len)
{
	memset(r, 0, sizeof(*r));
	r->max_len = max_len;
}

static int prefix_done(struct grpc_reader *r, char *err, size_t errlen)
{
	const uint8_t *p = r->prefix;

	/* We never send grpc-accept-encoding, so a compressed reply is a
	 * server bug rather than something to decode. */
	if (p[0] != 0)
		return set_err(
			err, errlen, -EPROTO,
			"gRPC message has flag byte 0x%02x: compressed replies are not supported",
			p[0]);
	r->msg_len = (size_t)p[1] << 24 | (size_t)p[2] << 16 | (size_t)p[3] << 8 | p[4];
	if (r->msg_len > r->max_len)
		return set_err(err, errlen, -EMSGSIZE,
			       "gRPC message of %zu bytes is over the limit of %zu", r->msg_len,
			       r->max_len);
	r->msg = malloc(r->msg_len ? r->msg_len : 1);
	if (!r->msg)
		return set_err(err, errlen, -ENOMEM, "out of memory for a %zu-byte gRPC message",
			       r->msg_len);
	if (r->msg_len == 0)
		r->complete = true;
	return 0;
}

int grpc_reader_feed(struct grpc_reader *r, const void *data, size_t len, char *err, size_t errlen)
{
	const uint8_t *p = data;
	int ret;

	while (len > 0) {
		if (r->complete)
			return set_err(err, errlen, -EPROTO,
				       "unary gRPC reply carries %zu bytes after its message", len);
		if (r->prefix_have < GRPC_PREFIX_LEN) {
			size_t take = GRPC_PREFIX_LEN - r->prefix_have;

			if (take > len)
				take = len;
			memcpy(r->prefix + r->prefix_have, p, take);
			r->prefix_have += take;
			p += take;
			len -= take;
			if (r->prefix_have == GRPC_PREFIX_LEN &&
			    (ret = prefix_done(r, err, errlen)) < 0)
				return ret;
			continue;
		}
		size_t take = r->msg_len - r->msg_have;

		if (take > len)
			take = len;
		memcpy(r->msg + r->msg_have, p, take);
		r->msg_have += take;
		p += take;
		len -= take;
		if (r->msg_have == r->msg_len)
			r->complete = true;
	}
	return 0;
}

int grpc_reader_finish(struct grpc_reader *r, uint8_t **msg, size_t *len, char *err, size_t errlen)
{
	if (!r->complete && r->prefix_have < GRPC_PREFIX_LEN)
		return set_err(err, errlen, -EPROTO,
			       "gRPC reply ended after %zu of %d prefix bytes", r->prefix_have,
			       GRPC_PREFIX_LEN);
	if (!r->complete)
		return set_err(err, errlen, -EPROTO,
			       "gRPC reply truncated: message of %zu bytes, got %zu", r->msg_len,
			       r->msg_have);
	*msg = r->msg;
	*len = r->msg_len;
	r->msg = NULL;
	return 0;
}

void grpc_reader_free(struct grpc_reader *r)
{
	free(r->msg);
	r->msg = NULL;
}

int grpc_frame_encode(const void *msg, size_t len, uint8_t **out, size_t *outlen)
{
	uint8_t *b;

	if (len > UINT32_MAX)
		return -EMSGSIZE;
	b = malloc(GRPC_PREFIX_LEN + len);
	if (!b)
		return -ENOMEM;
	b[0] = 0;
	b[1] = len >> 24;
	b[2] = len >> 16;
	b[3] = len >> 8;
	b[4] = len;
	if (len)
		memcpy(b + GRPC_PREFIX_LEN, msg, len);
	*out = b;
	*outlen = GRPC_PREFIX_LEN + len;
	return 0;
}

void grpc_status_init(struct grpc_status *s)
{
	memset(s, 0, sizeof(*s));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* grpc-message is percent-encoded (gRPC over HTTP/2 spec); control bytes
 * become '?' so a hostile runtime cannot put escapes on the user's tty. */
static void percent_decode(char *dst, size_t dstlen, const char *src, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < dstlen; i++) {
		int c = (unsigned char)src[i];

		if (c == '%' && i + 2 < len && hexval(src[i + 1]) >= 0 && hexval(src[i + 2]) >= 0) {
			c = hexval(src[i + 1]) << 4 | hexval(src[i + 2]);
			i += 2;
		}
		dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	if (dstlen)
		dst[o] = '\0';
}

static void copy_trimmed(char *dst, size_t dstlen, const char *src, size_t len)
{
	if (len >= dstlen)
		len = dstlen - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

void grpc_status_header(struct grpc_status *s, const char *line, size_t len)
{
	const char *colon, *v;
	size_t nlen, vlen;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);
		char num[4];

		/* The line is not NUL-terminated: parse a copy of the three digits. */
		if (sp && (size_t)(sp - line) + 4 <= len) {
			copy_trimmed(num, sizeof(num), sp + 1, 3);
			s->http_status = (int)strtol(num, NULL, 10);
		}
		return;
	}
	colon = memchr(line, ':', len);
	if (!colon)
		return;
	nlen = colon - line;
	v = colon + 1;
	vlen = len - nlen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	if (nlen == 11 && strncasecmp(line, "grpc-status", 11) == 0) {
		char num[12];
		char *end;
		long code;

		copy_trimmed(num, sizeof(num), v, vlen);
		code = strtol(num, &end, 10);
		s->have_grpc_status = true;
		s->grpc_status =
			(end != num && *end == '\0' && code >= 0 && code < 1000) ? (int)code : 2;
	} else if (nlen == 12 && strncasecmp(line, "grpc-message", 12) == 0) {
		percent_decode(s->grpc_message, sizeof(s->grpc_message), v, vlen);
	} else if (nlen == 12 && strncasecmp(line, "content-type", 12) == 0) {
		copy_trimmed(s->content_type, sizeof(s->content_type), v, vlen);
	}
}

const char *grpc_code_name(int code)
{
	static const char *const names[] = {
		"OK",
		"CANCELLED",
		"UNKNOWN",
		"INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED",
		"NOT_FOUND",
		"ALREADY_EXISTS",
		"PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION",
		"ABORTED",
		"OUT_OF_RANGE",
		"UNIMPLEMENTED",
		"INTERNAL",
		"UNAVAILABLE",
		"DATA_LOSS",
		"UNAUTHENTICATED",
	};

	if (code < 0 || code >= (int)(sizeof(names) / sizeof(names[0])))
		return "UNKNOWN_CODE";
	return names[code];
}
