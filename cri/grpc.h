/* SPDX-License-Identifier: GPL-2.0 */
/* Unary gRPC calls over HTTP/2 with prior knowledge on a unix socket
 * (how every CRI runtime serves its API), through libcurl. */
#ifndef PWRU_CRI_GRPC_H
#define PWRU_CRI_GRPC_H

#include <stddef.h>
#include <stdint.h>

struct grpc_client;

/* socket_path: a filesystem path of a unix socket. No I/O happens here. */
int grpc_client_new(const char *socket_path, struct grpc_client **out, char *err, size_t errlen);
void grpc_client_free(struct grpc_client *c);

/* One unary call: method is the full path ("/runtime.v1.RuntimeService/Version").
 * Gives the reply message (caller frees) or a negative errno with err filled:
 * -ETIMEDOUT past timeout_ms, -ECONNREFUSED/-ENOENT when nothing listens,
 * -EREMOTEIO for a gRPC error status (err has code name and message),
 * -EPROTO for a malformed or truncated reply, -EMSGSIZE over max_reply. */
int grpc_call(struct grpc_client *c, const char *method, const void *req, size_t req_len,
	      int timeout_ms, size_t max_reply, uint8_t **reply, size_t *reply_len, char *err,
	      size_t errlen);

#endif
