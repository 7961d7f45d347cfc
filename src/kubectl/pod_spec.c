// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>

#include "kubectl/pod_spec.h"

/* What pwru needs from the host, and where it finds it in the pod. Each
 * hostPath has a type: a node without what pwru needs (no BTF, no CRI
 * socket there) fails the pod with the kubelet's reason ("hostPath type
 * check failed: /sys/kernel/btf is not a directory") instead of an empty
 * directory the kubelet would make for an untyped path. */
static const struct host_mount {
	const char *volume;
	const char *host_path;
	const char *mount_path;
	int read_only;
} host_mounts[] = {
	{ "sys-kernel-btf", "/sys/kernel/btf", "/sys/kernel/btf", 1 }, /* CO-RE, function list */
	{ "sys-kernel-tracing", "/sys/kernel/tracing", "/sys/kernel/tracing",
	  0 }, /* tracepoints, kprobes */
	{ "sys-kernel-debug", "/sys/kernel/debug", "/sys/kernel/debug",
	  0 }, /* tracing on older kernels */
	{ "sys-fs-bpf", "/sys/fs/bpf", "/sys/fs/bpf", 0 },
	/* Pod netns inodes through /proc/PID/ns/net of the host's processes. */
	{ "host-proc", "/proc", POD_SPEC_HOST_ROOT "/proc", 1 },
	/* pwru's fallback for pod names when no CRI socket answers. */
	{ "host-var-log-pods", "/var/log/pods", POD_SPEC_HOST_ROOT "/var/log/pods", 1 },
};

#define N_HOST_MOUNTS (sizeof(host_mounts) / sizeof(host_mounts[0]))

static cJSON *labels(void)
{
	cJSON *l = cJSON_CreateObject();

	cJSON_AddStringToObject(l, "app.kubernetes.io/name", "pwru");
	cJSON_AddStringToObject(l, "app.kubernetes.io/component", "tracer");
	cJSON_AddStringToObject(l, "app.kubernetes.io/managed-by", "kubectl-pwru");
	return l;
}

static cJSON *metadata(const struct pod_spec *s)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "name", s->name);
	cJSON_AddStringToObject(m, "namespace", s->namespace);
	cJSON_AddItemToObject(m, "labels", labels());
	return m;
}

static cJSON *args(const struct pod_spec *s)
{
	cJSON *a = cJSON_CreateArray();

	cJSON_AddItemToArray(a, cJSON_CreateString("--host-root"));
	cJSON_AddItemToArray(a, cJSON_CreateString(POD_SPEC_HOST_ROOT));
	for (size_t i = 0; i < s->n_filter_pods; i++) {
		cJSON_AddItemToArray(a, cJSON_CreateString("--filter-pod"));
		cJSON_AddItemToArray(a, cJSON_CreateString(s->filter_pods[i]));
	}
	for (size_t i = 0; i < s->n_pwru_args; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(s->pwru_args[i]));
	return a;
}

static void add_mount(cJSON *list, const char *volume, const char *mount_path, bool read_only)
{
	cJSON *m = cJSON_CreateObject();

	cJSON_AddStringToObject(m, "name", volume);
	cJSON_AddStringToObject(m, "mountPath", mount_path);
	if (read_only)
		cJSON_AddTrueToObject(m, "readOnly");
	cJSON_AddItemToArray(list, m);
}

/* The CRI socket alone, where pwru's --host-root finds it: connecting
 * needs no write access, and nothing else of the host's /run is shown. */
static cJSON *volume_mounts(const struct pod_spec *s)
{
	cJSON *list = cJSON_CreateArray();
	char sock[4200];

	for (size_t i = 0; i < N_HOST_MOUNTS; i++)
		add_mount(list, host_mounts[i].volume, host_mounts[i].mount_path,
			  host_mounts[i].read_only);
	snprintf(sock, sizeof(sock), "%s%s", POD_SPEC_HOST_ROOT, s->cri_socket);
	add_mount(list, POD_SPEC_CRI_VOLUME, sock, true);
	return list;
}

static void add_volume(cJSON *list, const char *name, const char *path, const char *type)
{
	cJSON *v = cJSON_CreateObject();
	cJSON *hp = cJSON_AddObjectToObject(v, "hostPath");

	cJSON_AddStringToObject(v, "name", name);
	cJSON_AddStringToObject(hp, "path", path);
	cJSON_AddStringToObject(hp, "type", type);
	cJSON_AddItemToArray(list, v);
}

static cJSON *volumes(const struct pod_spec *s)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; i < N_HOST_MOUNTS; i++)
		add_volume(list, host_mounts[i].volume, host_mounts[i].host_path, "Directory");
	add_volume(list, POD_SPEC_CRI_VOLUME, s->cri_socket, "Socket");
	return list;
}

/* Requests, so that the tracer is not BestEffort (the first pods evicted
 * under pressure) and the node reserves room for it; a memory limit as a
 * bound (BPF maps are charged to the pod's memory cgroup on 5.11+). No CPU
 * limit: a throttled pwru loses events. */
static cJSON *resources(void)
{
	cJSON *r = cJSON_CreateObject();
	cJSON *requests = cJSON_AddObjectToObject(r, "requests");
	cJSON *limits = cJSON_AddObjectToObject(r, "limits");

	cJSON_AddStringToObject(requests, "cpu", POD_SPEC_CPU_REQUEST);
	cJSON_AddStringToObject(requests, "memory", POD_SPEC_MEMORY_REQUEST);
	cJSON_AddStringToObject(limits, "memory", POD_SPEC_MEMORY_LIMIT);
	return r;
}

static cJSON *container(const struct pod_spec *s)
{
	cJSON *c = cJSON_CreateObject();
	cJSON *sc;

	cJSON_AddStringToObject(c, "name", POD_SPEC_CONTAINER);
	cJSON_AddStringToObject(c, "image", s->image);
	cJSON_AddStringToObject(c, "imagePullPolicy",
				s->image_pull_policy ? s->image_pull_policy : "IfNotPresent");
	cJSON_AddItemToObject(c, "args", args(s));
	cJSON_AddItemToObject(c, "resources", resources());
	sc = cJSON_AddObjectToObject(c, "securityContext");
	cJSON_AddTrueToObject(sc, "privileged");
	/* pwru's own error (no BTF, unknown pod) shows in `kubectl describe`. */
	cJSON_AddStringToObject(c, "terminationMessagePolicy", "FallbackToLogsOnError");
	cJSON_AddItemToObject(c, "volumeMounts", volume_mounts(s));
	return c;
}

static cJSON *spec(const struct pod_spec *s)
{
	cJSON *sp = cJSON_CreateObject();
	cJSON *containers = cJSON_AddArrayToObject(sp, "containers");
	cJSON *tolerations = cJSON_AddArrayToObject(sp, "tolerations");
	cJSON *any = cJSON_CreateObject();

	/* nodeName skips the scheduler: the tracer must run exactly there. */
	cJSON_AddStringToObject(sp, "nodeName", s->node);
	cJSON_AddTrueToObject(sp, "hostPID");
	cJSON_AddTrueToObject(sp, "hostNetwork");
	cJSON_AddStringToObject(sp, "dnsPolicy", "ClusterFirstWithHostNet");
	cJSON_AddStringToObject(sp, "restartPolicy", "Never");
	/* An abandoned tracer (plugin killed, laptop closed) still ends. */
	cJSON_AddNumberToObject(sp, "activeDeadlineSeconds", (double)s->active_deadline_seconds);
	cJSON_AddNumberToObject(sp, "terminationGracePeriodSeconds", 10);
	/* A service account is for what admission or image pulls tie to it
	 * (an OpenShift SCC, a pull secret): pwru itself never calls the API. */
	if (s->service_account)
		cJSON_AddStringToObject(sp, "serviceAccountName", s->service_account);
	if (s->priority_class)
		cJSON_AddStringToObject(sp, "priorityClassName", s->priority_class);
	cJSON_AddFalseToObject(sp, "automountServiceAccountToken");
	if (s->n_image_pull_secrets) {
		cJSON *secrets = cJSON_AddArrayToObject(sp, "imagePullSecrets");

		for (size_t i = 0; i < s->n_image_pull_secrets; i++) {
			cJSON *ref = cJSON_CreateObject();

			cJSON_AddStringToObject(ref, "name", s->image_pull_secrets[i]);
			cJSON_AddItemToArray(secrets, ref);
		}
	}
	cJSON_AddStringToObject(any, "operator", "Exists");
	cJSON_AddItemToArray(tolerations, any);
	cJSON_AddItemToArray(containers, container(s));
	cJSON_AddItemToObject(sp, "volumes", volumes(s));
	return sp;
}

cJSON *pod_spec_build(const struct pod_spec *s)
{
	cJSON *pod = cJSON_CreateObject();

	if (!pod)
		return NULL;
	cJSON_AddStringToObject(pod, "apiVersion", "v1");
	cJSON_AddStringToObject(pod, "kind", "Pod");
	cJSON_AddItemToObject(pod, "metadata", metadata(s));
	cJSON_AddItemToObject(pod, "spec", spec(s));
	/* cJSON drops items it failed to allocate; check the deepest one. */
	if (!cJSON_GetObjectItemCaseSensitive(pod, "spec") ||
	    !cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pod, "spec"),
					      "volumes")) {
		cJSON_Delete(pod);
		return NULL;
	}
	return pod;
}
