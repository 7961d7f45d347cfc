// SPDX-License-Identifier: GPL-2.0
/* gRPC unary calls with libcurl: HTTP/2 prior knowledge over a unix socket,
 * 5-byte message framing, grpc-status trailers turned into errors. */
#include "cri/grpc.h"
#include "cri/grpc_frame.h"
#include "errmsg.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct grpc_client {
	CURL *curl;
	char *socket_path;
};

struct call_state {
	struct grpc_reader reader;
	struct grpc_status status;
	int reader_err;
	char reader_msg[160];
};

int grpc_client_new(const char *socket_path, struct grpc_client **out, char *err, size_t errlen)
{
	struct grpc_client *c;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return set_err(err, errlen, -ENOMEM, "libcurl failed to initialise");
	c = calloc(1, sizeof(*c));
	if (!c)
		goto nomem;
	c->socket_path = strdup(socket_path);
	c->curl = curl_easy_init();
	if (!c->socket_path || !c->curl)
		goto nomem;
	*out = c;
	return 0;
nomem:
	grpc_client_free(c);
	return set_err(err, errlen, -ENOMEM, "out of memory for a gRPC client");
}

void grpc_client_free(struct grpc_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	free(c->socket_path);
	free(c);
}

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
	struct call_state *st = arg;

	if (st->reader_err)
		return 0;
	st->reader_err = grpc_reader_feed(&st->reader, data, size * n, st->reader_msg,
					  sizeof(st->reader_msg));
	/* Returning short makes libcurl abort the transfer at once, so an
	 * oversized reply is never read to its end. */
	return st->reader_err ? 0 : size * n;
}

static size_t on_header(char *data, size_t size, size_t n, void *arg)
{
	struct call_state *st = arg;

	grpc_status_header(&st->status, data, size * n);
	return size * n;
}

/* 0, or -EINVAL when libcurl refuses an option. */
static int configure(struct grpc_client *c, const char *method, const uint8_t *body,
		     size_t body_len, int timeout_ms, struct curl_slist *hdrs,
		     struct call_state *st, char *curl_err)
{
	char url[512];
	CURL *h = c->curl;

	/* The host part is never resolved: the unix socket is the transport. */
	snprintf(url, sizeof(url), "http://localhost%s", method);
	curl_easy_reset(h);
	if (curl_easy_setopt(h, CURLOPT_URL, url) ||
	    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->socket_path) ||
	    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE) ||
	    curl_easy_setopt(h, CURLOPT_POST, 1L) ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body) ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len) ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs) ||
	    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_ms) ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms) ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) ||
	    /* libcurl 7.88 (Debian 12) never completes a second request on a
	        * reused HTTP/2 unix-socket connection after a reply with
	        * trailers; a unix connect costs far less than a lost call. */
	    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L) ||
	    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L) ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body) ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, st) ||
	    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) ||
	    curl_easy_setopt(h, CURLOPT_HEADERDATA, st) ||
	    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err) ||
	    curl_easy_setopt(h, CURLOPT_USERAGENT, "pwru-cri/1"))
		return -EINVAL;
	return 0;
}

static struct curl_slist *grpc_headers(int timeout_ms)
{
	struct curl_slist *l = NULL, *t;
	char deadline[48];
	const char *fixed[] = { "content-type: application/grpc", "te: trailers",
				"Expect:", "Accept:" };

	/* grpc-timeout tells the server our deadline so it can give up too. */
	snprintf(deadline, sizeof(deadline), "grpc-timeout: %dm", timeout_ms);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!(t = curl_slist_append(l, fixed[i])))
			goto fail;
		l = t;
	}
	if (!(t = curl_slist_append(l, deadline)))
		goto fail;
	return t;
fail:
	curl_slist_free_all(l);
	return NULL;
}

static int transport_error(CURLcode rc, const char *curl_err, const char *socket_path,
			   int timeout_ms, char *err, size_t errlen)
{
	const char *why = curl_err[0] ? curl_err : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_OPERATION_TIMEDOUT:
		return set_err(err, errlen, -ETIMEDOUT, "no reply within %d ms", timeout_ms);
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_GOT_NOTHING:
		return set_err(err, errlen, -EPROTO,
			       "%s closed the connection before the reply was complete (%s)",
			       socket_path, why);
	case CURLE_COULDNT_CONNECT:
		return set_err(err, errlen, -ECONNREFUSED, "cannot connect to %s: %s", socket_path,
			       why);
	default:
		return set_err(err, errlen, -EPROTO, "connection to %s failed: %s", socket_path,
			       why);
	}
}

/* Turns a finished exchange into the reply message or an error. */
static int call_result(struct call_state *st, uint8_t **reply, size_t *reply_len, char *err,
		       size_t errlen)
{
	struct grpc_status *s = &st->status;

	if (s->have_grpc_status && s->grpc_status != 0)
		return set_err(err, errlen, -EREMOTEIO, "runtime returned %s (%d): %s",
			       grpc_code_name(s->grpc_status), s->grpc_status,
			       s->grpc_message[0] ? s->grpc_message : "no message");
	if (s->http_status != 200)
		return set_err(err, errlen, -EPROTO,
			       "runtime answered HTTP status %d, not a gRPC reply", s->http_status);
	if (!s->have_grpc_status)
		return set_err(err, errlen, -EPROTO,
			       "reply ended without a grpc-status trailer (stream closed early)");
	return grpc_reader_finish(&st->reader, reply, reply_len, err, errlen);
}

int grpc_call(struct grpc_client *c, const char *method, const void *req, size_t req_len,
	      int timeout_ms, size_t max_reply, uint8_t **reply, size_t *reply_len, char *err,
	      size_t errlen)
{
	char curl_err[CURL_ERROR_SIZE] = "";
	struct call_state st;
	struct curl_slist *hdrs = NULL;
	uint8_t *body = NULL;
	size_t body_len;
	CURLcode rc;
	int ret;

	grpc_reader_init(&st.reader, max_reply);
	grpc_status_init(&st.status);
	st.reader_err = 0;
	st.reader_msg[0] = '\0';
	ret = grpc_frame_encode(req, req_len, &body, &body_len);
	if (ret < 0) {
		set_err(err, errlen, ret, "cannot frame a %zu-byte request", req_len);
		goto cleanup;
	}
	hdrs = grpc_headers(timeout_ms);
	if (!hdrs || configure(c, method, body, body_len, timeout_ms, hdrs, &st, curl_err) < 0) {
		ret = set_err(err, errlen, -ENOMEM, "cannot set up the HTTP/2 request");
		goto cleanup;
	}
	rc = curl_easy_perform(c->curl);
	if (st.reader_err) {
		ret = set_err(err, errlen, st.reader_err, "%s", st.reader_msg);
	} else if (rc != CURLE_OK) {
		ret = transport_error(rc, curl_err, c->socket_path, timeout_ms, err, errlen);
	} else {
		ret = call_result(&st, reply, reply_len, err, errlen);
	}
cleanup:
	grpc_reader_free(&st.reader);
	curl_slist_free_all(hdrs);
	free(body);
	return ret;
}
