// SPDX-License-Identifier: GPL-2.0
/* fake-cri: a tiny CRI server for tests, on nghttp2, that answers well or
 * misbehaves on purpose.
 *
 *   fake-cri MODE SOCKET [--name RUNTIME_NAME] [--own-netns]
 *
 * MODE: ok       Version, ListPodSandbox, PodSandboxStatus, ListContainers,
 *                ContainerStatus for one pod default/fake (info: current shape)
 *       legacy   the same with the legacy {"pid": "N"} info shape
 *       hang     reads requests, never answers
 *       close    sends headers and half a message, then closes the socket
 *       error    answers NOT_FOUND with a percent-encoded grpc-message
 *       truncated   a whole gRPC frame holding a cut-off protobuf
 *       short-frame a gRPC prefix promising more bytes than are sent
 *       oversized   a gRPC prefix announcing 64 MiB
 * The pod's pid is the server's own; --own-netns moves the server into a new
 * network namespace first, so that pod is not on the host network.
 * Exits on SIGTERM, or by itself after 5 minutes. */
#include "cri/cri_proto.h"

#include <errno.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define LIFETIME_S 300

struct server {
	const char *mode;
	const char *runtime_name;
	int fd;
	int close_now;
};

struct stream {
	struct server *srv;
	char path[256];
	uint8_t *body; /* reply: gRPC prefix + message */
	size_t len, off;
	size_t send_limit; /* close mode: stop after this many bytes */
	int grpc_status;
	char grpc_message[128];
};

static int pack_reply(struct stream *st, const ProtobufCMessage *m)
{
	size_t n = protobuf_c_message_get_packed_size(m);

	st->body = malloc(n + 5);
	if (!st->body)
		return -ENOMEM;
	st->body[0] = 0;
	st->body[1] = n >> 24;
	st->body[2] = n >> 16;
	st->body[3] = n >> 8;
	st->body[4] = n;
	protobuf_c_message_pack(m, st->body + 5);
	st->len = n + 5;
	return 0;
}

static void info_entry(const struct server *srv,
		       Runtime__V1__PodSandboxStatusResponse__InfoEntry *e, char *buf,
		       size_t buflen)
{
	if (strcmp(srv->mode, "legacy") == 0) {
		snprintf(buf, buflen, "%d", (int)getpid());
		e->key = "pid";
	} else {
		snprintf(buf, buflen,
			 "{\"pid\": %d, \"runtimeSpec\": {\"linux\": {\"namespaces\": "
			 "[{\"type\": \"network\", \"path\": \"/proc/%d/ns/net\"}]}}}",
			 (int)getpid(), (int)getpid());
		e->key = "info";
	}
	e->value = buf;
}

static int reply_ok(struct stream *st)
{
	const char *method = strrchr(st->path, '/') ? strrchr(st->path, '/') + 1 : "";
	Runtime__V1__PodSandboxMetadata md = RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
	Runtime__V1__PodSandboxStatusResponse__InfoEntry ie =
		RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INFO_ENTRY__INIT;
	Runtime__V1__PodSandboxStatusResponse__InfoEntry *iep = &ie;
	Runtime__V1__PodSandbox__LabelsEntry le = RUNTIME__V1__POD_SANDBOX__LABELS_ENTRY__INIT;
	Runtime__V1__PodSandbox__LabelsEntry *lep = &le;
	Runtime__V1__ContainerMetadata cm = RUNTIME__V1__CONTAINER_METADATA__INIT;
	char info[512];

	md.name = "fake";
	md.namespace_ = "default";
	md.uid = "0e1f2a3b-0000-4000-8000-000000000001";
	le.key = "app";
	le.value = "fake";
	cm.name = "app";
	info_entry(st->srv, &ie, info, sizeof(info));
	if (!strcmp(method, "Version")) {
		Runtime__V1__VersionResponse r = RUNTIME__V1__VERSION_RESPONSE__INIT;

		r.version = "0.1.0";
		r.runtime_name = (char *)st->srv->runtime_name;
		r.runtime_version = "1.0";
		r.runtime_api_version = "v1";
		return pack_reply(st, &r.base);
	}
	if (!strcmp(method, "ListPodSandbox")) {
		Runtime__V1__ListPodSandboxResponse r =
			RUNTIME__V1__LIST_POD_SANDBOX_RESPONSE__INIT;
		Runtime__V1__PodSandbox sb = RUNTIME__V1__POD_SANDBOX__INIT, *sbp = &sb;

		sb.id = "sb-fake";
		sb.metadata = &md;
		sb.n_labels = 1;
		sb.labels = &lep;
		r.n_items = 1;
		r.items = &sbp;
		return pack_reply(st, &r.base);
	}
	if (!strcmp(method, "PodSandboxStatus")) {
		Runtime__V1__PodSandboxStatusResponse r =
			RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INIT;
		Runtime__V1__PodSandboxStatus s = RUNTIME__V1__POD_SANDBOX_STATUS__INIT;

		s.id = "sb-fake";
		s.metadata = &md;
		r.status = &s;
		r.n_info = 1;
		r.info = &iep;
		return pack_reply(st, &r.base);
	}
	if (!strcmp(method, "ListContainers")) {
		Runtime__V1__ListContainersResponse r = RUNTIME__V1__LIST_CONTAINERS_RESPONSE__INIT;
		Runtime__V1__Container ct = RUNTIME__V1__CONTAINER__INIT, *ctp = &ct;

		ct.id = "ct-fake";
		ct.pod_sandbox_id = "sb-fake";
		ct.metadata = &cm;
		ct.state = RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING;
		r.n_containers = 1;
		r.containers = &ctp;
		return pack_reply(st, &r.base);
	}
	if (!strcmp(method, "ContainerStatus")) {
		Runtime__V1__ContainerStatusResponse r =
			RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INIT;
		Runtime__V1__ContainerStatus s = RUNTIME__V1__CONTAINER_STATUS__INIT;

		s.id = "ct-fake";
		s.metadata = &cm;
		s.state = RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING;
		r.status = &s;
		r.n_info = 1;
		/* Same layout as the sandbox's entry: key, value. */
		r.info = (Runtime__V1__ContainerStatusResponse__InfoEntry **)&iep;
		return pack_reply(st, &r.base);
	}
	st->grpc_status = 12;
	snprintf(st->grpc_message, sizeof(st->grpc_message), "%s is not faked", method);
	return 0;
}

static int raw_body(struct stream *st, const uint8_t *b, size_t n)
{
	st->body = malloc(n);
	if (!st->body)
		return -ENOMEM;
	memcpy(st->body, b, n);
	st->len = n;
	return 0;
}

static int build_reply(struct stream *st)
{
	const char *mode = st->srv->mode;

	if (!strcmp(mode, "error")) {
		st->grpc_status = 5;
		snprintf(st->grpc_message, sizeof(st->grpc_message),
			 "sandbox%%20%%22x%%22%%20not%%20found");
		return 0;
	}
	if (!strcmp(mode, "truncated")) {
		/* Field 2 (string) claims 40 bytes; 4 follow. */
		static const uint8_t b[] = { 0, 0, 0, 0, 6, 0x12, 40, 'f', 'a', 'k', 'e' };
		return raw_body(st, b, sizeof(b));
	}
	if (!strcmp(mode, "short-frame")) {
		static const uint8_t b[] = { 0, 0, 0, 0, 100, 0x12, 2, 'o', 'k' };
		return raw_body(st, b, sizeof(b));
	}
	if (!strcmp(mode, "oversized")) {
		static const uint8_t b[] = { 0, 0x04, 0, 0, 0, 0x12, 2, 'o', 'k' };
		return raw_body(st, b, sizeof(b));
	}
	if (reply_ok(st) < 0)
		return -ENOMEM;
	if (!strcmp(mode, "close"))
		st->send_limit = st->len / 2;
	return 0;
}

static ssize_t read_body(nghttp2_session *s, int32_t id, uint8_t *buf, size_t len, uint32_t *flags,
			 nghttp2_data_source *src, void *user)
{
	struct stream *st = src->ptr;
	size_t left = (st->send_limit ? st->send_limit : st->len) - st->off;

	if (left > len)
		left = len;
	memcpy(buf, st->body + st->off, left);
	st->off += left;
	if (st->send_limit && st->off >= st->send_limit) {
		st->srv->close_now = 1;
		return left ? (ssize_t)left : NGHTTP2_ERR_DEFERRED;
	}
	if (st->off == st->len) {
		nghttp2_nv tr[] = {
			{ (uint8_t *)"grpc-status", (uint8_t *)"0", 11, 1, NGHTTP2_NV_FLAG_NONE },
		};

		*flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
		nghttp2_submit_trailer(s, id, tr, 1);
	}
	return (ssize_t)left;
}

#define NV(n, v)                                                                               \
	{                                                                                      \
		(uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, strlen(v), NGHTTP2_NV_FLAG_NONE \
	}

static void respond(nghttp2_session *s, int32_t id, struct stream *st)
{
	char code[8];

	if (!strcmp(st->srv->mode, "hang") || build_reply(st) < 0)
		return;
	if (st->grpc_status) {
		snprintf(code, sizeof(code), "%d", st->grpc_status);
		nghttp2_nv h[] = { NV(":status", "200"), NV("content-type", "application/grpc"),
				   NV("grpc-status", code), NV("grpc-message", st->grpc_message) };
		nghttp2_submit_response(s, id, h, 4, NULL);
		return;
	}
	nghttp2_nv h[] = { NV(":status", "200"), NV("content-type", "application/grpc") };
	nghttp2_data_provider dp = { .source.ptr = st, .read_callback = read_body };

	nghttp2_submit_response(s, id, h, 2, &dp);
}

static int on_begin_headers(nghttp2_session *s, const nghttp2_frame *f, void *user)
{
	struct stream *st = calloc(1, sizeof(*st));

	if (!st)
		return NGHTTP2_ERR_CALLBACK_FAILURE;
	st->srv = user;
	nghttp2_session_set_stream_user_data(s, f->hd.stream_id, st);
	return 0;
}

static int on_header(nghttp2_session *s, const nghttp2_frame *f, const uint8_t *name,
		     size_t namelen, const uint8_t *value, size_t valuelen, uint8_t flags,
		     void *user)
{
	struct stream *st = nghttp2_session_get_stream_user_data(s, f->hd.stream_id);

	if (st && namelen == 5 && !memcmp(name, ":path", 5))
		snprintf(st->path, sizeof(st->path), "%.*s", (int)valuelen, value);
	return 0;
}

static int on_frame(nghttp2_session *s, const nghttp2_frame *f, void *user)
{
	struct stream *st = nghttp2_session_get_stream_user_data(s, f->hd.stream_id);

	if (st && (f->hd.flags & NGHTTP2_FLAG_END_STREAM) &&
	    (f->hd.type == NGHTTP2_DATA || f->hd.type == NGHTTP2_HEADERS))
		respond(s, f->hd.stream_id, st);
	return 0;
}

static int on_close(nghttp2_session *s, int32_t id, uint32_t code, void *user)
{
	struct stream *st = nghttp2_session_get_stream_user_data(s, id);

	if (st) {
		free(st->body);
		free(st);
	}
	return 0;
}

static ssize_t do_send(nghttp2_session *s, const uint8_t *data, size_t len, int flags, void *user)
{
	struct server *srv = user;
	ssize_t n = send(srv->fd, data, len, MSG_NOSIGNAL);

	return n < 0 ? NGHTTP2_ERR_CALLBACK_FAILURE : n;
}

static void serve(struct server *srv)
{
	nghttp2_session_callbacks *cb;
	nghttp2_session *s;
	uint8_t buf[16384];

	nghttp2_session_callbacks_new(&cb);
	nghttp2_session_callbacks_set_send_callback(cb, do_send);
	nghttp2_session_callbacks_set_on_begin_headers_callback(cb, on_begin_headers);
	nghttp2_session_callbacks_set_on_header_callback(cb, on_header);
	nghttp2_session_callbacks_set_on_frame_recv_callback(cb, on_frame);
	nghttp2_session_callbacks_set_on_stream_close_callback(cb, on_close);
	nghttp2_session_server_new(&s, cb, srv);
	nghttp2_session_callbacks_del(cb);
	nghttp2_submit_settings(s, NGHTTP2_FLAG_NONE, NULL, 0);
	srv->close_now = 0;
	while (nghttp2_session_want_read(s) || nghttp2_session_want_write(s)) {
		if (nghttp2_session_send(s) != 0 || srv->close_now)
			break;
		ssize_t n = recv(srv->fd, buf, sizeof(buf), 0);

		if (n <= 0 || nghttp2_session_mem_recv(s, buf, (size_t)n) < 0)
			break;
	}
	nghttp2_session_del(s);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(path) + 4 >= sizeof(sa.sun_path))
		return -1;
	/* Bound under a temporary name and renamed once listening, so a
	 * client that sees the socket can always connect. */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s.tmp", path);
	unlink(sa.sun_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0 ||
	    rename(sa.sun_path, path) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct server srv = { .runtime_name = "fake-cri" };
	int lfd;

	if (argc < 3) {
		fprintf(stderr, "usage: fake-cri MODE SOCKET [--name NAME] [--own-netns]\n");
		return 2;
	}
	srv.mode = argv[1];
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc)
			srv.runtime_name = argv[++i];
		else if (!strcmp(argv[i], "--own-netns") && unshare(CLONE_NEWNET) < 0) {
			perror("fake-cri: unshare");
			return 1;
		}
	}
	lfd = listen_on(argv[2]);
	if (lfd < 0) {
		perror("fake-cri: listen");
		return 1;
	}
	alarm(LIFETIME_S);
	for (;;) {
		srv.fd = accept(lfd, NULL, NULL);
		if (srv.fd < 0)
			continue;
		serve(&srv);
		close(srv.fd);
	}
}
