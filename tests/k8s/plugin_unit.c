// SPDX-License-Identifier: GPL-2.0
/* Unit tests (cmocka) for kubectl-pwru's pure parts: target words, the plan
 * of one tracer per node, the tracer pod's arguments, and the node labels
 * on merged output. Prints PASS:/FAIL: lines through cmocka's TAP output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "kubectl/merge.h"
#include "kubectl/merge_patch.h"
#include "kubectl/pod_spec.h"
#include "kubectl/runtime.h"
#include "kubectl/target.h"
#include "kubectl/tracer.h"

static void target_parse_accepts_kubectl_spellings(void **state)
{
	static const struct {
		const char *word;
		enum target_kind kind;
	} ok[] = {
		{ "pod/web", TARGET_POD },
		{ "pods/web", TARGET_POD },
		{ "po/web", TARGET_POD },
		{ "web", TARGET_POD }, /* a bare name, as kubectl logs takes it */
		{ "node/web", TARGET_NODE },
		{ "nodes/web", TARGET_NODE },
		{ "no/web", TARGET_NODE },
		{ "deployment/web", TARGET_DEPLOYMENT },
		{ "deployments/web", TARGET_DEPLOYMENT },
		{ "deploy/web", TARGET_DEPLOYMENT },
		{ "svc/web", TARGET_SERVICE },
		{ "service/web", TARGET_SERVICE },
		{ "services/web", TARGET_SERVICE },
	};
	struct target t;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(target_parse(ok[i].word, "shop", &t), 0);
		assert_int_equal(t.kind, ok[i].kind);
		assert_string_equal(t.name, "web");
		if (ok[i].kind == TARGET_NODE)
			assert_null(t.namespace);
		else
			assert_string_equal(t.namespace, "shop");
		target_free(&t);
	}
}

static void target_parse_rejects_other_words(void **state)
{
	const char *bad[] = { "Web",	     "pod/",	   "rs/web", "pod/Web", "pod/a/b",
			      "pod/a b",     "pod/../x?y", "pod/..", "pod/-a",	"pod/a.",
			      "tcp port 80", "",	   "-l",     "job/web" };
	struct target t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(target_parse(bad[i], "shop", &t), -22);
}

/* A resolved target: a node/ target, or a target with one pod per node. */
static struct target resolved(enum target_kind kind, const char *ns, const char *name,
			      const char *node)
{
	struct target t = { .kind = kind, .name = strdup(name) };

	if (kind == TARGET_NODE) {
		t.node = strdup(node);
		return t;
	}
	t.namespace = strdup(ns);
	t.pods = calloc(1, sizeof(*t.pods));
	t.pods[0] = (struct pod_ref){ strdup(ns), strdup(name), strdup(node) };
	t.n_pods = t.cap_pods = 1;
	return t;
}

static void free_targets(struct target *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		target_free(&t[i]);
}

static void plan_groups_pods_by_node(void **state)
{
	struct target in[] = {
		resolved(TARGET_POD, "shop", "a", "n1"), resolved(TARGET_POD, "shop", "b", "n2"),
		resolved(TARGET_POD, "shop", "c", "n1"),
		resolved(TARGET_POD, "shop", "a", "n1"), /* named twice */
	};
	struct tracer *t;
	size_t n;

	assert_int_equal(tracers_plan(in, 4, &t, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].node, "n1");
	assert_int_equal(t[0].n_filter_pods, 2);
	assert_string_equal(t[0].filter_pods[0], "shop/a");
	assert_string_equal(t[0].filter_pods[1], "shop/c");
	assert_string_equal(t[1].node, "n2");
	assert_int_equal(t[1].n_filter_pods, 1);
	assert_string_equal(t[1].filter_pods[0], "shop/b");
	assert_non_null(strstr(t[0].pod_name, "pwru-n1-"));
	assert_string_not_equal(t[0].pod_name, t[1].pod_name);
	tracers_free(t, n);
	free_targets(in, 4);
}

/* --node-selector: only the tracers on the nodes the API server listed
 * stay, in their order, with their pods. */
static void node_selector_keeps_listed_nodes(void **state)
{
	struct target in[] = {
		resolved(TARGET_POD, "shop", "a", "n1"),
		resolved(TARGET_POD, "shop", "b", "n2"),
		resolved(TARGET_POD, "shop", "c", "n3"),
	};
	cJSON *listed = cJSON_Parse("{\"kind\":\"NodeList\",\"items\":[{\"metadata\":{\"name\":"
				    "\"n3\"}},{\"metadata\":{\"name\":\"n2\"}},"
				    "{\"metadata\":{\"name\":\"n9\"}}]}");
	cJSON *none = cJSON_Parse("{\"kind\":\"NodeList\",\"items\":[]}");
	struct tracer *t;
	size_t n;

	assert_int_equal(tracers_plan(in, 3, &t, &n), 0);
	assert_int_equal(n, 3);
	n = tracers_keep_nodes(t, n, listed);
	assert_int_equal(n, 2);
	assert_string_equal(t[0].node, "n2");
	assert_string_equal(t[0].filter_pods[0], "shop/b");
	assert_string_equal(t[1].node, "n3");
	assert_string_equal(t[1].filter_pods[0], "shop/c");
	n = tracers_keep_nodes(t, n, none);
	assert_int_equal(n, 0);
	tracers_free(t, n);
	cJSON_Delete(listed);
	cJSON_Delete(none);
	free_targets(in, 3);
}

/* A deployment's pods on three nodes: one tracer per node, each with the
 * pods that run there. */
static void plan_spreads_a_deployment_over_its_nodes(void **state)
{
	struct target in = resolved(TARGET_DEPLOYMENT, "shop", "web", "n1");
	struct tracer *t;
	size_t n;

	in.pods = realloc(in.pods, 4 * sizeof(*in.pods));
	in.pods[1] = (struct pod_ref){ strdup("shop"), strdup("web-2"), strdup("n2") };
	in.pods[2] = (struct pod_ref){ strdup("shop"), strdup("web-3"), strdup("n1") };
	in.pods[3] = (struct pod_ref){ strdup("shop"), strdup("web-4"), strdup("n3") };
	in.n_pods = in.cap_pods = 4;
	assert_int_equal(tracers_plan(&in, 1, &t, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(t[0].node, "n1");
	assert_int_equal(t[0].n_filter_pods, 2);
	assert_string_equal(t[0].filter_pods[1], "shop/web-3");
	assert_string_equal(t[1].node, "n2");
	assert_string_equal(t[2].node, "n3");
	assert_string_equal(t[2].filter_pods[0], "shop/web-4");
	tracers_free(t, n);
	target_free(&in);
}

static void plan_node_target_traces_whole_node(void **state)
{
	struct target in[] = {
		resolved(TARGET_POD, "shop", "a", "n1"),
		resolved(TARGET_NODE, NULL, "n1", "n1"),
	};
	struct tracer_opts o = { .namespace = "pwru",
				 .image = "img",
				 .active_deadline_seconds = 60 };
	struct tracer *t;
	cJSON *pod, *args;
	size_t n;

	assert_int_equal(tracers_plan(in, 2, &t, &n), 0);
	assert_int_equal(n, 1);
	assert_true(t[0].whole_node);
	pod = tracer_pod(&t[0], &o);
	args = cJSON_GetObjectItem(
		cJSON_GetArrayItem(
			cJSON_GetObjectItem(cJSON_GetObjectItem(pod, "spec"), "containers"), 0),
		"args");
	/* --host-root /host only: no --filter-pod narrows a node/ trace. */
	assert_int_equal(cJSON_GetArraySize(args), 2);
	cJSON_Delete(pod);
	tracers_free(t, n);
	free_targets(in, 2);
}

static void pod_name_fits_a_label(void **state)
{
	char node[300];
	struct target in[1];
	struct tracer *t;
	size_t n;

	memset(node, 'x', sizeof(node) - 1);
	node[sizeof(node) - 1] = '\0';
	node[10] = '.';
	in[0] = resolved(TARGET_NODE, NULL, node, node);
	assert_int_equal(tracers_plan(in, 1, &t, &n), 0);
	assert_true(strlen(t[0].pod_name) <= 63);
	assert_null(strchr(t[0].pod_name, '.'));
	tracers_free(t, n);
	free_targets(in, 1);
}

static void runtime_socket_from_node_info(void **state)
{
	static const struct {
		const char *node, *socket;
	} cases[] = {
		{ "{}", "/run/containerd/containerd.sock" },
		{ "{\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"containerd://1.6.20\","
		  "\"kubeletVersion\":\"v1.20.2\"}}}",
		  "/run/containerd/containerd.sock" },
		{ "{\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"cri-o://1.28.1\"}}}",
		  "/var/run/crio/crio.sock" },
		{ "{\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"docker://24.0.7\"}}}",
		  "/run/cri-dockerd.sock" },
		{ "{\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"containerd://1.7.7-k3s1\","
		  "\"kubeletVersion\":\"v1.28.3+k3s2\"}}}",
		  "/run/k3s/containerd/containerd.sock" },
		{ "{\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"containerd://1.7.7-k3s1\","
		  "\"kubeletVersion\":\"v1.28.3+rke2r1\"}}}",
		  "/run/k3s/containerd/containerd.sock" },
		{ "{\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"containerd://1.7.8\","
		  "\"kubeletVersion\":\"v1.28.4+k0s\"}}}",
		  "/run/k0s/containerd.sock" },
		{ "{\"metadata\":{\"labels\":{\"microk8s.io/cluster\":\"true\"}},"
		  "\"status\":{\"nodeInfo\":{\"containerRuntimeVersion\":\"containerd://1.6.15\"}}}",
		  "/var/snap/microk8s/common/run/containerd.sock" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *node = cJSON_Parse(cases[i].node);

		assert_non_null(node);
		assert_string_equal(runtime_socket_of_node(node), cases[i].socket);
		cJSON_Delete(node);
	}
}

static void runtime_socket_from_pwru_args(void **state)
{
	char *none[] = { "--output-json", "icmp" };
	char *spaced[] = { "--cri-endpoint", "unix:///run/a.sock", "icmp" };
	char *joined[] = { "--cri-endpoint=/run/b.sock", "--cri-endpoint", "unix:///run/c.sock" };
	char *relative[] = { "--cri-endpoint", "run/x.sock" };
	char *dangling[] = { "--cri-endpoint" };

	assert_null(runtime_socket_in_args(none, 2));
	assert_string_equal(runtime_socket_in_args(spaced, 3), "/run/a.sock");
	assert_string_equal(runtime_socket_in_args(joined, 3), "/run/c.sock");
	assert_string_equal(runtime_socket_in_args(joined, 1), "/run/b.sock");
	assert_null(runtime_socket_in_args(relative, 2));
	assert_null(runtime_socket_in_args(dangling, 1));
}

/* The pod mounts the one socket, typed, where --host-root finds it; the
 * user's --cri-endpoint wins over what the node reports. */
static void tracer_pod_mounts_only_the_socket(void **state)
{
	char *user[] = { "--cri-endpoint", "unix:///run/my/cri.sock", "icmp" };
	struct tracer t = { .node = "n1",
			    .pod_name = "p",
			    .cri_socket = "/run/k0s/containerd.sock" };
	struct tracer_opts o = { .namespace = "ns", .image = "img", .active_deadline_seconds = 9 };
	const char *want[][2] = { { "/run/k0s/containerd.sock", "/host/run/k0s/containerd.sock" },
				  { "/run/my/cri.sock", "/host/run/my/cri.sock" } };

	for (int round = 0; round < 2; round++) {
		cJSON *pod, *spec, *v, *m;
		int sockets = 0;

		if (round == 1) {
			o.pwru_args = user;
			o.n_pwru_args = 3;
		}
		pod = tracer_pod(&t, &o);
		assert_non_null(pod);
		spec = cJSON_GetObjectItem(pod, "spec");
		cJSON_ArrayForEach(v, cJSON_GetObjectItem(spec, "volumes")) {
			cJSON *hp = cJSON_GetObjectItem(v, "hostPath");
			const char *path = cJSON_GetObjectItem(hp, "path")->valuestring;
			const char *type = cJSON_GetObjectItem(hp, "type")->valuestring;

			assert_string_not_equal(path, "/run");
			if (strcmp(type, "Socket"))
				continue;
			sockets++;
			assert_string_equal(path, want[round][0]);
		}
		assert_int_equal(sockets, 1);
		cJSON_ArrayForEach(
			m, cJSON_GetObjectItem(
				   cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "containers"), 0),
				   "volumeMounts")) {
			if (!strcmp(cJSON_GetObjectItem(m, "name")->valuestring,
				    POD_SPEC_CRI_VOLUME))
				assert_string_equal(
					cJSON_GetObjectItem(m, "mountPath")->valuestring,
					want[round][1]);
		}
		cJSON_Delete(pod);
	}
}

/* RFC 7386's own examples (appendix A), with objects at the top as --patch
 * requires, each under a key "v" where the RFC's target is not an object. */
static void merge_patch_follows_rfc_7386(void **state)
{
	static const char *const cases[][3] = {
		{ "{\"a\":\"b\"}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
		{ "{\"a\":\"b\"}", "{\"b\":\"c\"}", "{\"a\":\"b\",\"b\":\"c\"}" },
		{ "{\"a\":\"b\"}", "{\"a\":null}", "{}" },
		{ "{\"a\":\"b\",\"b\":\"c\"}", "{\"a\":null}", "{\"b\":\"c\"}" },
		{ "{\"a\":[\"b\"]}", "{\"a\":\"c\"}", "{\"a\":\"c\"}" },
		{ "{\"a\":\"c\"}", "{\"a\":[\"b\"]}", "{\"a\":[\"b\"]}" },
		{ "{\"a\":{\"b\":\"c\"}}", "{\"a\":{\"b\":\"d\",\"c\":null}}",
		  "{\"a\":{\"b\":\"d\"}}" },
		{ "{\"a\":[{\"b\":\"c\"}]}", "{\"a\":[1]}", "{\"a\":[1]}" },
		{ "{\"v\":[\"a\",\"b\"]}", "{\"v\":[\"c\",\"d\"]}", "{\"v\":[\"c\",\"d\"]}" },
		{ "{\"v\":{\"a\":\"b\"}}", "{\"v\":[\"c\"]}", "{\"v\":[\"c\"]}" },
		{ "{\"v\":{\"a\":\"foo\"}}", "{\"v\":null}", "{}" },
		{ "{\"v\":{\"a\":\"foo\"}}", "{\"v\":\"bar\"}", "{\"v\":\"bar\"}" },
		{ "{\"e\":null}", "{\"a\":1}", "{\"e\":null,\"a\":1}" },
		{ "{\"v\":[1,2]}", "{\"v\":{\"a\":\"b\",\"c\":null}}", "{\"v\":{\"a\":\"b\"}}" },
		{ "{}", "{\"a\":{\"bb\":{\"ccc\":null}}}", "{\"a\":{\"bb\":{}}}" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cJSON *target = cJSON_Parse(cases[i][0]), *patch = cJSON_Parse(cases[i][1]);
		cJSON *want = cJSON_Parse(cases[i][2]);

		assert_non_null(target);
		assert_non_null(patch);
		assert_non_null(want);
		assert_int_equal(merge_patch_apply(target, patch), 0);
		if (!cJSON_Compare(target, want, true)) {
			char *saw = cJSON_PrintUnformatted(target);

			fail_msg("case %zu: %s + %s gave %s, not %s", i, cases[i][0], cases[i][1],
				 saw, cases[i][2]);
		}
		cJSON_Delete(target);
		cJSON_Delete(patch);
		cJSON_Delete(want);
	}
}

/* The pod flags reach the pod; a patch changes what it names but never the
 * pod's name, namespace or node. */
static void tracer_pod_takes_flags_and_patch(void **state)
{
	const char *secrets[] = { "regcred", "other" };
	cJSON *patch = cJSON_Parse("{\"metadata\":{\"name\":\"x\",\"annotations\":{\"k\":\"v\"}},"
				   "\"spec\":{\"nodeName\":\"elsewhere\",\"hostNetwork\":null,"
				   "\"priorityClassName\":\"high\"}}");
	struct tracer t = { .node = "n1", .pod_name = "p" };
	struct tracer_opts o = {
		.namespace = "ns",
		.image = "img",
		.active_deadline_seconds = 9,
		.image_pull_policy = "Never",
		.image_pull_secrets = secrets,
		.n_image_pull_secrets = 2,
		.service_account = "tracer",
		.priority_class = "pwru-tracer",
		.patch = patch,
	};
	cJSON *pod = tracer_pod(&t, &o), *spec, *meta, *c;

	assert_non_null(pod);
	spec = cJSON_GetObjectItem(pod, "spec");
	meta = cJSON_GetObjectItem(pod, "metadata");
	c = cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "containers"), 0);
	assert_string_equal(cJSON_GetObjectItem(c, "imagePullPolicy")->valuestring, "Never");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(spec, "imagePullSecrets")), 2);
	assert_string_equal(
		cJSON_GetObjectItem(
			cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "imagePullSecrets"), 1),
			"name")
			->valuestring,
		"other");
	assert_string_equal(cJSON_GetObjectItem(spec, "serviceAccountName")->valuestring, "tracer");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(spec, "automountServiceAccountToken")));
	/* The patch's class wins over the plugin's. */
	assert_string_equal(cJSON_GetObjectItem(spec, "priorityClassName")->valuestring, "high");
	/* Never BestEffort; no CPU limit (a throttled pwru loses events). */
	assert_string_equal(
		cJSON_GetObjectItem(
			cJSON_GetObjectItem(cJSON_GetObjectItem(c, "resources"), "requests"), "cpu")
			->valuestring,
		"100m");
	assert_null(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(c, "resources"), "limits"), "cpu"));
	assert_non_null(cJSON_GetObjectItem(
		cJSON_GetObjectItem(cJSON_GetObjectItem(c, "resources"), "limits"), "memory"));
	assert_null(cJSON_GetObjectItem(spec, "hostNetwork"));
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(meta, "annotations"), "k")->valuestring,
		"v");
	assert_string_equal(cJSON_GetObjectItem(meta, "name")->valuestring, "p");
	assert_string_equal(cJSON_GetObjectItem(meta, "namespace")->valuestring, "ns");
	assert_string_equal(cJSON_GetObjectItem(spec, "nodeName")->valuestring, "n1");
	cJSON_Delete(pod);
	cJSON_Delete(patch);
}

static void pod_args_are_filters_then_user_args(void **state)
{
	const char *filters[] = { "shop/a", "shop/c" };
	char *user[] = { "--output-json", "tcp port 80" };
	struct pod_spec s = {
		.name = "p",
		.namespace = "shop",
		.node = "n1",
		.image = "img",
		.cri_socket = "/run/containerd/containerd.sock",
		.active_deadline_seconds = 60,
		.filter_pods = filters,
		.n_filter_pods = 2,
		.pwru_args = user,
		.n_pwru_args = 2,
	};
	const char *want[] = { "--host-root",  "/host",	 "--filter-pod",  "shop/a",
			       "--filter-pod", "shop/c", "--output-json", "tcp port 80" };
	cJSON *pod = pod_spec_build(&s), *spec, *args;

	assert_non_null(pod);
	spec = cJSON_GetObjectItem(pod, "spec");
	args = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "containers"), 0),
				   "args");
	assert_int_equal(cJSON_GetArraySize(args), 8);
	for (int i = 0; i < 8; i++)
		assert_string_equal(cJSON_GetArrayItem(args, i)->valuestring, want[i]);
	assert_string_equal(cJSON_GetObjectItem(spec, "nodeName")->valuestring, "n1");
	assert_int_equal(cJSON_GetObjectItem(spec, "activeDeadlineSeconds")->valueint, 60);
	cJSON_Delete(pod);
}

static char *labelled(const char *label, const char *line)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	write_labelled_line(f, label, line, strlen(line));
	fclose(f);
	return buf;
}

static void label_text_and_json_lines(void **state)
{
	char *s;

	s = labelled(NULL, "as is");
	assert_string_equal(s, "as is\n");
	free(s);
	s = labelled("n1", "0xffff 1 ip_rcv");
	assert_string_equal(s, "[n1] 0xffff 1 ip_rcv\n");
	free(s);
	/* 64-bit numbers keep every digit: the event's bytes are not re-printed. */
	s = labelled("n1", "{\"ts\": 1732527000123456789, \"skb\": 18446612688342876160}");
	assert_string_equal(s, "{\"node\":\"n1\",\"ts\": 1732527000123456789, "
			       "\"skb\": 18446612688342876160}\n");
	free(s);
	s = labelled("n1", "{}");
	assert_string_equal(s, "{\"node\":\"n1\"}\n");
	free(s);
	/* Looks like JSON but is not: labelled as text. */
	s = labelled("n1", "{not json");
	assert_string_equal(s, "[n1] {not json\n");
	free(s);
}

static void merge_keeps_partial_lines_until_complete(void **state)
{
	struct line_stream *ls = calloc(1, sizeof(*ls));
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int p[2];

	assert_int_equal(pipe(p), 0);
	ls->fd = p[0];
	ls->label = "n2";
	assert_int_equal(write(p[1], "first li", 8), 8);
	assert_int_equal(line_stream_pump(ls, out), 1);
	fflush(out);
	assert_int_equal(len, 0);
	assert_int_equal(write(p[1], "ne\nsecond", 9), 9);
	assert_int_equal(line_stream_pump(ls, out), 1);
	close(p[1]);
	assert_int_equal(line_stream_pump(ls, out), 0);
	fclose(out);
	assert_string_equal(buf, "[n2] first line\n[n2] second\n");
	close(p[0]);
	free(buf);
	free(ls);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(target_parse_accepts_kubectl_spellings),
		cmocka_unit_test(target_parse_rejects_other_words),
		cmocka_unit_test(plan_groups_pods_by_node),
		cmocka_unit_test(plan_spreads_a_deployment_over_its_nodes),
		cmocka_unit_test(node_selector_keeps_listed_nodes),
		cmocka_unit_test(plan_node_target_traces_whole_node),
		cmocka_unit_test(pod_name_fits_a_label),
		cmocka_unit_test(pod_args_are_filters_then_user_args),
		cmocka_unit_test(runtime_socket_from_node_info),
		cmocka_unit_test(runtime_socket_from_pwru_args),
		cmocka_unit_test(tracer_pod_mounts_only_the_socket),
		cmocka_unit_test(merge_patch_follows_rfc_7386),
		cmocka_unit_test(tracer_pod_takes_flags_and_patch),
		cmocka_unit_test(label_text_and_json_lines),
		cmocka_unit_test(merge_keeps_partial_lines_until_complete),
	};

	return cmocka_run_group_tests_name("kubectl-pwru", tests, NULL, NULL);
}
