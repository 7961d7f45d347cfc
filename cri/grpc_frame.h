/* SPDX-License-Identifier: GPL-2.0 */
/* gRPC message framing and trailers, without any transport: the pieces of
 * grpc.c that see bytes from the runtime, kept apart so they can be unit
 * tested and fuzzed without a socket. */
#ifndef PWRU_CRI_GRPC_FRAME_H
#define PWRU_CRI_GRPC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRPC_PREFIX_LEN 5

/* Collects the one message of a unary reply from body bytes that arrive in
 * pieces of any size. */
struct grpc_reader {
	uint8_t prefix[GRPC_PREFIX_LEN];
	size_t prefix_have;
	uint8_t *msg;
	size_t msg_len; /* from the prefix */
	size_t msg_have;
	size_t max_len; /* refuse larger messages before allocating */
	bool complete;	/* one whole message has arrived */
};

void grpc_reader_init(struct grpc_reader *r, size_t max_len);
/* 0, or -EMSGSIZE (over max_len), -EPROTO (compressed, or bytes after the
 * message), -ENOMEM; err says which. */
int grpc_reader_feed(struct grpc_reader *r, const void *data, size_t len, char *err, size_t errlen);
/* Hands over the message (caller frees); -EPROTO if the body ended early. */
int grpc_reader_finish(struct grpc_reader *r, uint8_t **msg, size_t *len, char *err, size_t errlen);
void grpc_reader_free(struct grpc_reader *r);

/* Prefix + message in one buffer (caller frees). */
int grpc_frame_encode(const void *msg, size_t len, uint8_t **out, size_t *outlen);

/* What the response headers and trailers said. */
struct grpc_status {
	int http_status; /* from the ":status"/"HTTP/2 NNN" line, 0 if none */
	bool have_grpc_status;
	int grpc_status;	/* 0 = OK */
	char grpc_message[256]; /* percent-decoded */
	char content_type[64];
};

void grpc_status_init(struct grpc_status *s);
/* Feeds one header or trailer line as libcurl hands it over ("name: value\r\n"). */
void grpc_status_header(struct grpc_status *s, const char *line, size_t len);
/* "NOT_FOUND" for 5 and so on; "UNKNOWN_CODE" outside 0..16. */
const char *grpc_code_name(int code);

#endif
