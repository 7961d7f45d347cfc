// SPDX-License-Identifier: GPL-2.0
/* Unit tests (cmocka) for cri/ and src/pods.c that need no runtime:
 * protobuf round trips and wire bytes, gRPC framing and trailers, the
 * verbose info JSON, the /proc + /var/log/pods fallback on a fixture tree. */
#include "cri/grpc_frame.h"
#include "cri/info_json.h"
#include "cri/pod_source.h"
#include "cri/runtime.h"
#include "hostns.h"
#include "pods.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

/* ---- protobuf ---- */

static ProtobufCMessage *round_trip(const ProtobufCMessage *m, uint8_t *wire, size_t *len)
{
	*len = protobuf_c_message_get_packed_size(m);
	assert_true(*len < 4096);
	assert_int_equal(protobuf_c_message_pack(m, wire), *len);
	return protobuf_c_message_unpack(m->descriptor, NULL, *len, wire);
}

/* Field numbers must be the CRI API's: these bytes are what containerd sends. */
static void test_proto_version_wire(void **state)
{
	Runtime__V1__VersionResponse r = RUNTIME__V1__VERSION_RESPONSE__INIT, *back;
	static const uint8_t want[] = { 0x0a, 0x02, 'v', '1',  0x12, 0x01, 'c',
					0x1a, 0x01, '1', 0x22, 0x02, 'v',  '1' };
	uint8_t wire[4096];
	size_t len;

	r.version = "v1";
	r.runtime_name = "c";
	r.runtime_version = "1";
	r.runtime_api_version = "v1";
	back = (Runtime__V1__VersionResponse *)round_trip(&r.base, wire, &len);
	assert_memory_equal(wire, want, sizeof(want));
	assert_non_null(back);
	assert_string_equal(back->runtime_name, "c");
	assert_string_equal(back->runtime_api_version, "v1");
	cri_free(back);
}

static void test_proto_version_request(void **state)
{
	Runtime__V1__VersionRequest r = RUNTIME__V1__VERSION_REQUEST__INIT, *back;
	uint8_t wire[4096];
	size_t len;

	r.version = "v1";
	back = (Runtime__V1__VersionRequest *)round_trip(&r.base, wire, &len);
	assert_string_equal(back->version, "v1");
	cri_free(back);
}

static void test_proto_list_pod_sandbox(void **state)
{
	Runtime__V1__ListPodSandboxRequest q = RUNTIME__V1__LIST_POD_SANDBOX_REQUEST__INIT, *qb;
	Runtime__V1__PodSandboxFilter f = RUNTIME__V1__POD_SANDBOX_FILTER__INIT;
	Runtime__V1__ListPodSandboxResponse r = RUNTIME__V1__LIST_POD_SANDBOX_RESPONSE__INIT, *back;
	Runtime__V1__PodSandbox sb = RUNTIME__V1__POD_SANDBOX__INIT, *sbp = &sb;
	Runtime__V1__PodSandboxMetadata md = RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
	Runtime__V1__PodSandbox__LabelsEntry le = RUNTIME__V1__POD_SANDBOX__LABELS_ENTRY__INIT,
					     *lep = &le;
	uint8_t wire[4096];
	size_t len;

	f.id = "abc";
	q.filter = &f;
	qb = (Runtime__V1__ListPodSandboxRequest *)round_trip(&q.base, wire, &len);
	assert_string_equal(qb->filter->id, "abc");
	cri_free(qb);

	md.name = "frontend";
	md.namespace_ = "shop";
	md.uid = "u1";
	md.attempt = 2;
	le.key = "app";
	le.value = "web";
	sb.id = "sb1";
	sb.metadata = &md;
	sb.state = RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_NOTREADY;
	sb.created_at = 1234567890123LL;
	sb.n_labels = 1;
	sb.labels = &lep;
	r.n_items = 1;
	r.items = &sbp;
	back = (Runtime__V1__ListPodSandboxResponse *)round_trip(&r.base, wire, &len);
	assert_non_null(back);
	assert_int_equal(back->n_items, 1);
	assert_string_equal(back->items[0]->metadata->namespace_, "shop");
	assert_int_equal(back->items[0]->metadata->attempt, 2);
	assert_int_equal(back->items[0]->state, RUNTIME__V1__POD_SANDBOX_STATE__SANDBOX_NOTREADY);
	assert_true(back->items[0]->created_at == 1234567890123LL);
	assert_string_equal(
		cri_map_get((void *const *)back->items[0]->labels, back->items[0]->n_labels, "app"),
		"web");
	cri_free(back);
}

static void test_proto_pod_sandbox_status(void **state)
{
	Runtime__V1__PodSandboxStatusRequest q = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT, *qb;
	Runtime__V1__PodSandboxStatusResponse r = RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INIT,
					      *back;
	Runtime__V1__PodSandboxStatus s = RUNTIME__V1__POD_SANDBOX_STATUS__INIT;
	Runtime__V1__LinuxPodSandboxStatus ls = RUNTIME__V1__LINUX_POD_SANDBOX_STATUS__INIT;
	Runtime__V1__Namespace ns = RUNTIME__V1__NAMESPACE__INIT;
	Runtime__V1__NamespaceOption no = RUNTIME__V1__NAMESPACE_OPTION__INIT;
	Runtime__V1__PodSandboxNetworkStatus net = RUNTIME__V1__POD_SANDBOX_NETWORK_STATUS__INIT;
	Runtime__V1__PodSandboxStatusResponse__InfoEntry ie =
		RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INFO_ENTRY__INIT;
	Runtime__V1__PodSandboxStatusResponse__InfoEntry *iep = &ie;
	static const uint8_t want_req[] = { 0x0a, 0x01, 'a', 0x10, 0x01 };
	uint8_t wire[4096];
	size_t len;

	q.pod_sandbox_id = "a";
	q.verbose = 1;
	qb = (Runtime__V1__PodSandboxStatusRequest *)round_trip(&q.base, wire, &len);
	assert_memory_equal(wire, want_req, sizeof(want_req));
	assert_true(qb->verbose);
	cri_free(qb);

	no.network = RUNTIME__V1__NAMESPACE_MODE__NODE;
	ns.options = &no;
	ls.namespaces = &ns;
	net.ip = "198.18.0.5";
	s.id = "sb1";
	s.linux = &ls;
	s.network = &net;
	ie.key = "info";
	ie.value = "{\"pid\": 42}";
	r.status = &s;
	r.n_info = 1;
	r.info = &iep;
	back = (Runtime__V1__PodSandboxStatusResponse *)round_trip(&r.base, wire, &len);
	assert_non_null(back);
	assert_int_equal(back->status->linux->namespaces->options->network,
			 RUNTIME__V1__NAMESPACE_MODE__NODE);
	assert_string_equal(back->status->network->ip, "198.18.0.5");
	assert_string_equal(cri_map_get((void *const *)back->info, back->n_info, "info"),
			    "{\"pid\": 42}");
	assert_null(cri_map_get((void *const *)back->info, back->n_info, "pid"));
	cri_free(back);
}

static void test_proto_containers(void **state)
{
	Runtime__V1__ListContainersRequest q = RUNTIME__V1__LIST_CONTAINERS_REQUEST__INIT, *qb;
	Runtime__V1__ContainerFilter f = RUNTIME__V1__CONTAINER_FILTER__INIT;
	Runtime__V1__ListContainersResponse r = RUNTIME__V1__LIST_CONTAINERS_RESPONSE__INIT, *back;
	Runtime__V1__Container ct = RUNTIME__V1__CONTAINER__INIT, *ctp = &ct;
	Runtime__V1__ContainerMetadata cm = RUNTIME__V1__CONTAINER_METADATA__INIT;
	Runtime__V1__ContainerStatusRequest sq = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT, *sqb;
	Runtime__V1__ContainerStatusResponse sr = RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INIT, *sb;
	Runtime__V1__ContainerStatus cs = RUNTIME__V1__CONTAINER_STATUS__INIT;
	Runtime__V1__ContainerStatusResponse__InfoEntry ie =
		RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INFO_ENTRY__INIT;
	Runtime__V1__ContainerStatusResponse__InfoEntry *iep = &ie;
	uint8_t wire[4096];
	size_t len;

	f.pod_sandbox_id = "sb1";
	q.filter = &f;
	qb = (Runtime__V1__ListContainersRequest *)round_trip(&q.base, wire, &len);
	assert_string_equal(qb->filter->pod_sandbox_id, "sb1");
	cri_free(qb);

	cm.name = "app";
	ct.id = "c1";
	ct.pod_sandbox_id = "sb1";
	ct.metadata = &cm;
	ct.state = RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING;
	r.n_containers = 1;
	r.containers = &ctp;
	back = (Runtime__V1__ListContainersResponse *)round_trip(&r.base, wire, &len);
	assert_string_equal(back->containers[0]->metadata->name, "app");
	assert_string_equal(back->containers[0]->pod_sandbox_id, "sb1");
	assert_int_equal(back->containers[0]->state,
			 RUNTIME__V1__CONTAINER_STATE__CONTAINER_RUNNING);
	cri_free(back);

	sq.container_id = "c1";
	sq.verbose = 1;
	sqb = (Runtime__V1__ContainerStatusRequest *)round_trip(&sq.base, wire, &len);
	assert_string_equal(sqb->container_id, "c1");
	assert_true(sqb->verbose);
	cri_free(sqb);

	cs.id = "c1";
	cs.metadata = &cm;
	cs.state = RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED;
	ie.key = "pid";
	ie.value = "77";
	sr.status = &cs;
	sr.n_info = 1;
	sr.info = &iep;
	sb = (Runtime__V1__ContainerStatusResponse *)round_trip(&sr.base, wire, &len);
	assert_int_equal(sb->status->state, RUNTIME__V1__CONTAINER_STATE__CONTAINER_EXITED);
	assert_string_equal(cri_map_get((void *const *)sb->info, sb->n_info, "pid"), "77");
	cri_free(sb);
}

static void test_proto_pod_lifecycle(void **state)
{
	Runtime__V1__RunPodSandboxRequest q = RUNTIME__V1__RUN_POD_SANDBOX_REQUEST__INIT, *qb;
	Runtime__V1__PodSandboxConfig cfg = RUNTIME__V1__POD_SANDBOX_CONFIG__INIT;
	Runtime__V1__PodSandboxMetadata md = RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
	Runtime__V1__LinuxPodSandboxConfig lin = RUNTIME__V1__LINUX_POD_SANDBOX_CONFIG__INIT;
	Runtime__V1__LinuxSandboxSecurityContext sec =
		RUNTIME__V1__LINUX_SANDBOX_SECURITY_CONTEXT__INIT;
	Runtime__V1__NamespaceOption no = RUNTIME__V1__NAMESPACE_OPTION__INIT;
	Runtime__V1__RunPodSandboxResponse rr = RUNTIME__V1__RUN_POD_SANDBOX_RESPONSE__INIT, *rrb;
	Runtime__V1__CreateContainerRequest cq = RUNTIME__V1__CREATE_CONTAINER_REQUEST__INIT, *cqb;
	Runtime__V1__ContainerConfig cc = RUNTIME__V1__CONTAINER_CONFIG__INIT;
	Runtime__V1__ImageSpec img = RUNTIME__V1__IMAGE_SPEC__INIT;
	Runtime__V1__CreateContainerResponse cr = RUNTIME__V1__CREATE_CONTAINER_RESPONSE__INIT,
					     *crb;
	Runtime__V1__StartContainerRequest sq = RUNTIME__V1__START_CONTAINER_REQUEST__INIT, *sqb;
	Runtime__V1__StopPodSandboxRequest tq = RUNTIME__V1__STOP_POD_SANDBOX_REQUEST__INIT, *tqb;
	Runtime__V1__RemovePodSandboxRequest mq = RUNTIME__V1__REMOVE_POD_SANDBOX_REQUEST__INIT,
					     *mqb;
	char *cmd[] = { "/bin/sleep", "infinity" };
	uint8_t wire[4096];
	size_t len;

	md.name = "a";
	md.namespace_ = "default";
	md.uid = "u";
	no.network = RUNTIME__V1__NAMESPACE_MODE__NODE;
	sec.namespace_options = &no;
	lin.security_context = &sec;
	cfg.metadata = &md;
	cfg.linux = &lin;
	cfg.log_directory = "/var/log/pods/default_a_u";
	q.config = &cfg;
	qb = (Runtime__V1__RunPodSandboxRequest *)round_trip(&q.base, wire, &len);
	assert_string_equal(qb->config->metadata->name, "a");
	assert_int_equal(qb->config->linux->security_context->namespace_options->network,
			 RUNTIME__V1__NAMESPACE_MODE__NODE);
	assert_string_equal(qb->config->log_directory, "/var/log/pods/default_a_u");
	cri_free(qb);

	rr.pod_sandbox_id = "sb9";
	rrb = (Runtime__V1__RunPodSandboxResponse *)round_trip(&rr.base, wire, &len);
	assert_string_equal(rrb->pod_sandbox_id, "sb9");
	cri_free(rrb);

	img.image = "localhost/busybox:latest";
	cc.image = &img;
	cc.n_command = 2;
	cc.command = cmd;
	cq.pod_sandbox_id = "sb9";
	cq.config = &cc;
	cq.sandbox_config = &cfg;
	cqb = (Runtime__V1__CreateContainerRequest *)round_trip(&cq.base, wire, &len);
	assert_string_equal(cqb->config->image->image, "localhost/busybox:latest");
	assert_int_equal(cqb->config->n_command, 2);
	assert_string_equal(cqb->config->command[1], "infinity");
	assert_string_equal(cqb->sandbox_config->metadata->namespace_, "default");
	cri_free(cqb);

	cr.container_id = "c9";
	crb = (Runtime__V1__CreateContainerResponse *)round_trip(&cr.base, wire, &len);
	assert_string_equal(crb->container_id, "c9");
	cri_free(crb);

	sq.container_id = "c9";
	sqb = (Runtime__V1__StartContainerRequest *)round_trip(&sq.base, wire, &len);
	assert_string_equal(sqb->container_id, "c9");
	cri_free(sqb);
	tq.pod_sandbox_id = "sb9";
	tqb = (Runtime__V1__StopPodSandboxRequest *)round_trip(&tq.base, wire, &len);
	assert_string_equal(tqb->pod_sandbox_id, "sb9");
	cri_free(tqb);
	mq.pod_sandbox_id = "sb9";
	mqb = (Runtime__V1__RemovePodSandboxRequest *)round_trip(&mq.base, wire, &len);
	assert_string_equal(mqb->pod_sandbox_id, "sb9");
	cri_free(mqb);
}

/* Fields the subset leaves out (a newer runtime's) must be skipped, not fatal. */
static void test_proto_unknown_fields_skipped(void **state)
{
	/* PodSandboxMetadata{name:"x"} + field 9 (varint 5) + field 15 (string "zz") */
	static const uint8_t wire[] = { 0x0a, 0x01, 'x', 0x48, 0x05, 0x7a, 0x02, 'z', 'z' };
	Runtime__V1__PodSandboxMetadata *m =
		runtime__v1__pod_sandbox_metadata__unpack(NULL, sizeof(wire), wire);

	assert_non_null(m);
	assert_string_equal(m->name, "x");
	cri_free(m);
}

/* ---- gRPC framing ---- */

static void test_frame_split_every_way(void **state)
{
	static const uint8_t msg[] = "hello, runtime";
	uint8_t *frame, *out;
	size_t flen, olen;
	char err[160];

	assert_int_equal(grpc_frame_encode(msg, sizeof(msg), &frame, &flen), 0);
	assert_int_equal(flen, sizeof(msg) + 5);
	for (size_t cut1 = 0; cut1 <= flen; cut1++) {
		for (size_t cut2 = cut1; cut2 <= flen; cut2++) {
			struct grpc_reader r;

			grpc_reader_init(&r, 1024);
			assert_int_equal(grpc_reader_feed(&r, frame, cut1, err, sizeof(err)), 0);
			assert_int_equal(
				grpc_reader_feed(&r, frame + cut1, cut2 - cut1, err, sizeof(err)),
				0);
			assert_int_equal(
				grpc_reader_feed(&r, frame + cut2, flen - cut2, err, sizeof(err)),
				0);
			assert_int_equal(grpc_reader_finish(&r, &out, &olen, err, sizeof(err)), 0);
			assert_int_equal(olen, sizeof(msg));
			assert_memory_equal(out, msg, sizeof(msg));
			free(out);
			grpc_reader_free(&r);
		}
	}
	free(frame);
}

static void test_frame_byte_by_byte_and_empty(void **state)
{
	static const uint8_t empty[] = { 0, 0, 0, 0, 0 };
	struct grpc_reader r;
	uint8_t *out;
	size_t olen;
	char err[160];

	grpc_reader_init(&r, 16);
	for (size_t i = 0; i < sizeof(empty); i++)
		assert_int_equal(grpc_reader_feed(&r, empty + i, 1, err, sizeof(err)), 0);
	assert_int_equal(grpc_reader_finish(&r, &out, &olen, err, sizeof(err)), 0);
	assert_int_equal(olen, 0);
	free(out);
	grpc_reader_free(&r);
}

static void expect_feed_error(const uint8_t *b, size_t n, size_t max, int code, const char *needle)
{
	struct grpc_reader r;
	char err[160] = "";

	grpc_reader_init(&r, max);
	assert_int_equal(grpc_reader_feed(&r, b, n, err, sizeof(err)), code);
	assert_non_null(strstr(err, needle));
	grpc_reader_free(&r);
}

static void test_frame_errors(void **state)
{
	static const uint8_t compressed[] = { 1, 0, 0, 0, 1, 'x' };
	static const uint8_t huge[] = { 0, 0x7f, 0xff, 0xff, 0xff };
	static const uint8_t two[] = { 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 1, 'b' };
	static const uint8_t cut[] = { 0, 0, 0, 0, 9, 'a', 'b' };
	struct grpc_reader r;
	uint8_t *out = NULL;
	size_t olen;
	char err[160] = "";

	expect_feed_error(compressed, sizeof(compressed), 64, -EPROTO, "compressed");
	expect_feed_error(huge, sizeof(huge), 1 << 20, -EMSGSIZE, "over the limit");
	expect_feed_error(two, sizeof(two), 64, -EPROTO, "after its message");

	grpc_reader_init(&r, 64);
	assert_int_equal(grpc_reader_feed(&r, cut, sizeof(cut), err, sizeof(err)), 0);
	assert_int_equal(grpc_reader_finish(&r, &out, &olen, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "message of 9 bytes, got 2"));
	grpc_reader_free(&r);

	grpc_reader_init(&r, 64);
	assert_int_equal(grpc_reader_feed(&r, cut, 3, err, sizeof(err)), 0);
	assert_int_equal(grpc_reader_finish(&r, &out, &olen, err, sizeof(err)), -EPROTO);
	assert_non_null(strstr(err, "after 3 of 5 prefix bytes"));
	grpc_reader_free(&r);
}

/* ---- trailers ---- */

static void feed(struct grpc_status *s, const char *line)
{
	grpc_status_header(s, line, strlen(line));
}

static void test_trailers(void **state)
{
	struct grpc_status s;

	grpc_status_init(&s);
	feed(&s, "HTTP/2 200 \r\n");
	feed(&s, "content-type: application/grpc\r\n");
	feed(&s, "\r\n");
	feed(&s, "grpc-status: 5\r\n");
	feed(&s, "grpc-message: pod%20%22a%22%20not%20found\r\n");
	assert_int_equal(s.http_status, 200);
	assert_string_equal(s.content_type, "application/grpc");
	assert_true(s.have_grpc_status);
	assert_int_equal(s.grpc_status, 5);
	assert_string_equal(s.grpc_message, "pod \"a\" not found");
	assert_string_equal(grpc_code_name(5), "NOT_FOUND");
	assert_string_equal(grpc_code_name(4), "DEADLINE_EXCEEDED");
	assert_string_equal(grpc_code_name(99), "UNKNOWN_CODE");
}

static void test_trailers_hostile(void **state)
{
	struct grpc_status s;

	grpc_status_init(&s);
	feed(&s, "Grpc-Status: banana\r\n");
	/* An escape sequence must not reach the user's terminal. */
	feed(&s, "grpc-message: evil%1b[2Jtext%0a\r\n");
	assert_true(s.have_grpc_status);
	assert_int_equal(s.grpc_status, 2);
	assert_string_equal(s.grpc_message, "evil?[2Jtext?");
	feed(&s, "grpc-status: 0\r\n");
	assert_int_equal(s.grpc_status, 0);
	feed(&s, "no colon here");
	feed(&s, "HTTP/2");
	assert_int_equal(s.http_status, 0);
	/* libcurl's lines are not NUL-terminated: never read past len
	 * (found by fuzz_grpc_frame). */
	grpc_status_header(&s, "HTTP/2 2049999", 10);
	assert_int_equal(s.http_status, 204);
}

/* ---- info JSON ---- */

static void test_info_current_shape(void **state)
{
	struct cri_info info;
	char err[128];

	assert_int_equal(cri_info_parse_json(
				 "{\"pid\": 4242, \"runtimeSpec\": {\"linux\": {\"namespaces\": ["
				 "{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": "
				 "\"/var/run/netns/cni-1\"}]}}, \"config\": {}}",
				 &info, err, sizeof(err)),
			 0);
	assert_int_equal(info.pid, 4242);
	assert_string_equal(info.netns_path, "/var/run/netns/cni-1");
}

static void test_info_legacy_shape(void **state)
{
	Runtime__V1__PodSandboxStatusResponse__InfoEntry e =
		RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INFO_ENTRY__INIT;
	void *entries[1] = { &e };
	struct cri_info info;
	char err[128];

	e.key = "pid";
	e.value = "77";
	assert_int_equal(cri_info_parse(entries, 1, &info, err, sizeof(err)), 0);
	assert_int_equal(info.pid, 77);
	assert_string_equal(info.netns_path, "");
	e.key = "info";
	e.value = "{\"pid\": 88}";
	assert_int_equal(cri_info_parse(entries, 1, &info, err, sizeof(err)), 0);
	assert_int_equal(info.pid, 88);
}

static void test_info_bad(void **state)
{
	Runtime__V1__PodSandboxStatusResponse__InfoEntry e =
		RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INFO_ENTRY__INIT;
	void *entries[1] = { &e };
	struct cri_info info;
	char err[128];

	assert_int_equal(cri_info_parse(entries, 0, &info, err, sizeof(err)), -ENOENT);
	assert_int_equal(cri_info_parse_json("{\"pid\": -1}", &info, err, sizeof(err)), -EBADMSG);
	assert_int_equal(cri_info_parse_json("{\"pid\": 1.5}", &info, err, sizeof(err)), -EBADMSG);
	assert_int_equal(cri_info_parse_json("{\"pid\": 1e300}", &info, err, sizeof(err)),
			 -EBADMSG);
	assert_int_equal(cri_info_parse_json("{\"pid\": \"7\"}", &info, err, sizeof(err)),
			 -EBADMSG);
	assert_int_equal(cri_info_parse_json("[1]", &info, err, sizeof(err)), -EBADMSG);
	assert_int_equal(cri_info_parse_json("{\"pid\":", &info, err, sizeof(err)), -EBADMSG);
	/* No pid at all is not an error: the netns path may still be there. */
	assert_int_equal(cri_info_parse_json("{\"runtimeSpec\": {\"linux\": {\"namespaces\": 3}}}",
					     &info, err, sizeof(err)),
			 0);
	assert_int_equal(info.pid, 0);
	e.key = "pid";
	e.value = "seven";
	assert_int_equal(cri_info_parse(entries, 1, &info, err, sizeof(err)), -EBADMSG);
}

/* ---- cgroup paths, labels, endpoints ---- */

static void test_cgroup_uid(void **state)
{
	char uid[64];

	assert_true(pod_uid_from_cgroup(
		"0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-"
		"pod12345678_1234_1234_1234_123456789ABC.slice/cri-containerd-ab.scope\n",
		uid, sizeof(uid)));
	assert_string_equal(uid, "12345678-1234-1234-1234-123456789abc");
	assert_true(pod_uid_from_cgroup(
		"0::/kubepods/besteffort/podaaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee/f00\n", uid,
		sizeof(uid)));
	assert_string_equal(uid, "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee");
	assert_true(pod_uid_from_cgroup(
		"4:memory:/kubepods/pod11111111-2222-3333-4444-555555555555/x\n", uid,
		sizeof(uid)));
	assert_false(pod_uid_from_cgroup("0::/user.slice/user-0.slice/session-1.scope\n", uid,
					 sizeof(uid)));
	assert_false(
		pod_uid_from_cgroup("0::/kubepods/burstable/podnot-a-uid/x\n", uid, sizeof(uid)));
	assert_false(pod_uid_from_cgroup(
		"0::/system.slice/pod12345678-1234-1234-1234-123456789abc\n", uid, sizeof(uid)));
}

static bool has_label(const struct pod_info *p, const char *kv)
{
	return pod_has_labels(p, &kv, 1);
}

static void test_labels(void **state)
{
	struct pod_info p;

	memset(&p, 0, sizeof(p));
	pod_add_label(&p, "app", "web");
	pod_add_label(&p, "tier", "front");
	pod_add_label(&p, "evil", "a\nb=c");
	assert_true(has_label(&p, "app=web"));
	assert_true(has_label(&p, "tier=front"));
	assert_false(has_label(&p, "app=we"));
	assert_false(has_label(&p, "b=c"));
	assert_false(has_label(&p, "pp=web"));
}

static void test_pod_names(void **state)
{
	char ns[64], name[256], err[128];
	char long_ns[100];

	assert_int_equal(pod_name_split("shop/frontend", NULL, ns, sizeof(ns), name, sizeof(name),
					err, sizeof(err)),
			 0);
	assert_string_equal(ns, "shop");
	assert_string_equal(name, "frontend");
	assert_int_equal(pod_name_split("frontend", NULL, ns, sizeof(ns), name, sizeof(name), err,
					sizeof(err)),
			 0);
	assert_string_equal(ns, "default");
	assert_int_equal(pod_name_split("frontend", "kube-system", ns, sizeof(ns), name,
					sizeof(name), err, sizeof(err)),
			 0);
	assert_string_equal(ns, "kube-system");
	assert_int_equal(
		pod_name_split("/x", NULL, ns, sizeof(ns), name, sizeof(name), err, sizeof(err)),
		-EINVAL);
	assert_int_equal(
		pod_name_split("a/", NULL, ns, sizeof(ns), name, sizeof(name), err, sizeof(err)),
		-EINVAL);
	assert_int_equal(
		pod_name_split("a/b/c", NULL, ns, sizeof(ns), name, sizeof(name), err, sizeof(err)),
		-EINVAL);
	assert_non_null(strstr(err, "expected NAMESPACE/NAME or NAME"));
	memset(long_ns, 'n', sizeof(long_ns) - 3);
	strcpy(long_ns + sizeof(long_ns) - 3, "/p");
	assert_int_equal(
		pod_name_split(long_ns, NULL, ns, sizeof(ns), name, sizeof(name), err, sizeof(err)),
		-EINVAL);
}

static void test_pod_list_find_prefers_ready_newest(void **state)
{
	struct pod_list l = { 0 };
	const char *kvs[2] = { "app=web", "tier=front" };
	struct pod_info *p;

	for (int i = 0; i < 3; i++) {
		p = pod_list_push(&l);
		assert_non_null(p);
		if (!p) /* cmocka's assert does not tell the compiler it stops here */
			return;
		strcpy(p->ref.namespace_, "shop");
		strcpy(p->ref.name, "web");
		p->created_at = i;
		p->ready = i == 1;
		snprintf(p->sandbox_id, sizeof(p->sandbox_id), "sb%d", i);
	}
	assert_string_equal(pod_list_find(&l, "shop", "web")->sandbox_id, "sb1");
	l.v[1].ready = false;
	assert_string_equal(pod_list_find(&l, "shop", "web")->sandbox_id, "sb2");
	assert_null(pod_list_find(&l, "shop", "api"));
	assert_null(pod_list_find(&l, "other", "web"));
	strcpy(l.v[0].ref.container, "app,sidecar");
	assert_true(pod_has_container(&l.v[0], "sidecar"));
	assert_true(pod_has_container(&l.v[0], "app"));
	assert_false(pod_has_container(&l.v[0], "side"));
	pod_add_label(&l.v[0], "app", "web");
	assert_false(pod_has_labels(&l.v[0], kvs, 2));
	pod_add_label(&l.v[0], "tier", "front");
	assert_true(pod_has_labels(&l.v[0], kvs, 2));
	assert_true(pod_has_labels(&l.v[1], kvs, 0));
	pod_list_free(&l);
}

static void test_endpoint_syntax(void **state)
{
	struct cri_client *c = NULL;
	char err[256];

	assert_int_equal(cri_client_new("tcp://1.2.3.4:1", 100, &c, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "only unix://"));
	assert_int_equal(cri_client_new("unix://", 100, &c, err, sizeof(err)), -EINVAL);
	assert_int_equal(cri_client_new("unix:///run/x.sock", 100, &c, err, sizeof(err)), 0);
	assert_string_equal(cri_client_socket(c), "/run/x.sock");
	cri_client_free(c);
}

/* ---- /proc + /var/log/pods fallback on a fixture tree ---- */

#define UID_WEB "aaaaaaaa-0000-4000-8000-000000000001"
#define UID_HOST "aaaaaaaa-0000-4000-8000-000000000002"
#define UID_GONE "aaaaaaaa-0000-4000-8000-000000000003"
#define UID_LATE "aaaaaaaa-0000-4000-8000-000000000004"

struct fixture {
	char root[64];
	uint32_t web_inode;
};

static void put(const char *root, const char *rel, const char *text)
{
	char path[512], cmd[700];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void link_to(const char *root, const char *rel, const char *target)
{
	char path[512], cmd[700];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(symlink(target, path), 0);
}

static int fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[512];
	struct stat st;

	snprintf(fx->root, sizeof(fx->root), "/tmp/pwru-podfix.XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	/* pid 1 and a host-network pod live in the node's netns. */
	link_to(fx->root, "proc/1/ns/net", "/proc/self/ns/net");
	put(fx->root, "proc/1/cgroup", "0::/init.scope\n");
	/* Two processes of pod web share a netns (a plain file stands in). */
	put(fx->root, "netns/web", "");
	link_to(fx->root, "proc/100/ns/net", "../../../netns/web");
	put(fx->root, "proc/100/cgroup",
	    "0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"
	    "aaaaaaaa_0000_4000_8000_000000000001.slice/cri-containerd-1.scope\n");
	link_to(fx->root, "proc/101/ns/net", "../../../netns/web");
	put(fx->root, "proc/101/cgroup", "0::/kubepods/besteffort/pod" UID_WEB "/c2\n");
	link_to(fx->root, "proc/200/ns/net", "/proc/self/ns/net");
	put(fx->root, "proc/200/cgroup", "0::/kubepods/pod" UID_HOST "/c3\n");
	put(fx->root, "proc/300/cgroup", "0::/user.slice\n");
	link_to(fx->root, "proc/300/ns/net", "/proc/self/ns/net");
	put(fx->root, "var/log/pods/shop_frontend-7d9c_" UID_WEB "/app/0.log", "");
	put(fx->root, "var/log/pods/shop_frontend-7d9c_" UID_WEB "/sidecar/0.log", "");
	put(fx->root, "var/log/pods/kube-system_node-agent_" UID_HOST "/agent/0.log", "");
	put(fx->root, "var/log/pods/shop_finished_" UID_GONE "/job/0.log", "");
	snprintf(path, sizeof(path), "%s/netns/web", fx->root);
	assert_int_equal(stat(path, &st), 0);
	fx->web_inode = (uint32_t)st.st_ino;
	*state = fx;
	return 0;
}

static int fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static void test_proc_list(void **state)
{
	struct fixture *fx = *state;
	struct pod_list l;
	char err[256];
	bool web = false, host = false, gone = false;
	uint32_t node = 0;

	assert_int_equal(host_netns_inode(fx->root, &node), 0);
	assert_int_equal(proc_pods_list(fx->root, node, &l, err, sizeof(err)), 0);
	assert_int_equal(l.n, 3);
	for (size_t i = 0; i < l.n; i++) {
		const struct pod_info *p = &l.v[i];

		if (!strcmp(p->ref.uid, UID_WEB)) {
			web = true;
			assert_string_equal(p->ref.namespace_, "shop");
			assert_string_equal(p->ref.name, "frontend-7d9c");
			assert_int_equal(p->netns_inode, fx->web_inode);
			assert_true(p->ready);
			assert_false(p->host_network);
			assert_true(!strcmp(p->ref.container, "app,sidecar") ||
				    !strcmp(p->ref.container, "sidecar,app"));
		} else if (!strcmp(p->ref.uid, UID_HOST)) {
			host = true;
			assert_string_equal(p->ref.name, "node-agent");
			assert_true(p->host_network);
		} else if (!strcmp(p->ref.uid, UID_GONE)) {
			gone = true;
			assert_false(p->ready);
		}
	}
	assert_true(web && host && gone);
	pod_list_free(&l);
}

static void test_proc_fallback_through_pods(void **state)
{
	struct fixture *fx = *state;
	struct pods_opts o = { .host_root = fx->root, .timeout_ms = 200 };
	const char *web[1] = { "shop/frontend-7d9c" }, *bare[1] = { "frontend-7d9c" };
	const char *host[1] = { "kube-system/node-agent" }, *gone[1] = { "shop/finished" };
	struct pod_selector sel = { .pods = web, .n_pods = 1 };
	const struct pod_ref *r;
	struct pods *p = NULL;
	uint32_t *v = NULL, node = 0;
	size_t n = 0;
	char err[512];

	assert_int_equal(pods_open(&o, &p, err, sizeof(err)), 0);
	assert_non_null(strstr(pods_source(p), "proc"));
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0], fx->web_inode);
	free(v);

	sel.pods = bare;
	sel.default_namespace = "shop";
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), 0);
	free(v);
	sel.container = "sidecar";
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), 0);
	free(v);
	sel.container = "nope";
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no container named nope"));

	sel = (struct pod_selector){ .pods = host, .n_pods = 1 };
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "--allow-host-netns"));
	sel.pods = gone;
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), -EAGAIN);
	assert_non_null(strstr(err, "not ready"));
	sel.pods = bare;
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "pod default/frontend-7d9c not found"));
	sel = (struct pod_selector){ 0 };
	assert_int_equal(pods_select(p, &sel, &v, &n, err, sizeof(err)), -EINVAL);

	r = pods_lookup(p, fx->web_inode);
	assert_non_null(r);
	assert_string_equal(r->namespace_, "shop");
	assert_string_equal(r->name, "frontend-7d9c");
	assert_string_equal(r->uid, UID_WEB);
	/* The node's netns is never a pod, even with a host-network pod on it. */
	assert_int_equal(host_netns_inode(fx->root, &node), 0);
	assert_null(pods_lookup(p, node));
	assert_null(pods_lookup(p, 12345));
	assert_int_equal(pods_count(p), 1);
	pods_close(p);
}

/* A pod that appears after pods_open: the first lookup misses and wakes the
 * background refresh; a later lookup names it, well within a second. */
static void test_new_pod_named_after_miss(void **state)
{
	struct fixture *fx = *state;
	struct pods_opts o = { .host_root = fx->root, .timeout_ms = 200 };
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	const struct pod_ref *r = NULL;
	struct pods *p = NULL;
	char err[512], path[512];
	struct stat st;
	int tries;

	assert_int_equal(pods_open(&o, &p, err, sizeof(err)), 0);
	put(fx->root, "netns/late", "");
	link_to(fx->root, "proc/500/ns/net", "../../../netns/late");
	put(fx->root, "proc/500/cgroup", "0::/kubepods/besteffort/pod" UID_LATE "/c9\n");
	put(fx->root, "var/log/pods/shop_late_" UID_LATE "/app/0.log", "");
	snprintf(path, sizeof(path), "%s/netns/late", fx->root);
	assert_int_equal(stat(path, &st), 0);
	assert_null(pods_lookup(p, (uint32_t)st.st_ino));
	for (tries = 0; tries < 100 && !(r = pods_lookup(p, (uint32_t)st.st_ino)); tries++)
		nanosleep(&nap, NULL);
	assert_non_null(r);
	assert_string_equal(r->name, "late");
	assert_string_equal(r->uid, UID_LATE);
	pods_close(p);
}

static void test_given_endpoint_never_falls_back(void **state)
{
	struct fixture *fx = *state;
	struct pods_opts o = { .host_root = fx->root,
			       .cri_endpoint = "unix:///run/none.sock",
			       .timeout_ms = 200 };
	struct pods *p = NULL;
	char err[512] = "";

	assert_int_equal(pods_open(&o, &p, err, sizeof(err)), -ENOENT);
	assert_null(p);
	assert_non_null(strstr(err, "CRI endpoint unix:///run/none.sock"));
	o.cri_endpoint = NULL;
	o.no_fallback = true;
	assert_int_equal(pods_open(&o, &p, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no CRI runtime answered"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proto_version_wire),
		cmocka_unit_test(test_proto_version_request),
		cmocka_unit_test(test_proto_list_pod_sandbox),
		cmocka_unit_test(test_proto_pod_sandbox_status),
		cmocka_unit_test(test_proto_containers),
		cmocka_unit_test(test_proto_pod_lifecycle),
		cmocka_unit_test(test_proto_unknown_fields_skipped),
		cmocka_unit_test(test_frame_split_every_way),
		cmocka_unit_test(test_frame_byte_by_byte_and_empty),
		cmocka_unit_test(test_frame_errors),
		cmocka_unit_test(test_trailers),
		cmocka_unit_test(test_trailers_hostile),
		cmocka_unit_test(test_info_current_shape),
		cmocka_unit_test(test_info_legacy_shape),
		cmocka_unit_test(test_info_bad),
		cmocka_unit_test(test_cgroup_uid),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_pod_names),
		cmocka_unit_test(test_pod_list_find_prefers_ready_newest),
		cmocka_unit_test(test_endpoint_syntax),
		cmocka_unit_test_setup_teardown(test_proc_list, fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_proc_fallback_through_pods, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_new_pod_named_after_miss, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_given_endpoint_never_falls_back, fixture_setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests_name("cri", tests, NULL, NULL);
}
