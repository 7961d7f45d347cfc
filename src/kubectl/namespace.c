// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errmsg.h"
#include "kubectl/namespace.h"

#define SERVICE_ACCOUNT_WAIT_POLLS 60

int tracer_namespace_check(const struct kube *k, const char *ns, bool *missing, char *err,
			   size_t errlen)
{
	char path[512], kerr[1024] = "";
	cJSON *obj;
	int ret;

	*missing = false;
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s", ns);
	ret = kube_get(k, path, &obj, kerr, sizeof(kerr));
	if (!ret) {
		cJSON_Delete(obj);
		return 0;
	}
	if (strstr(kerr, "NotFound"))
		*missing = true;
	else if (ret == -ENOENT)
		return set_err(err, errlen, ret, "%s", kerr);
	return 0;
}

int tracer_priority_class_ensure(const struct kube *k, char *err, size_t errlen)
{
	static const char path[] =
		"/apis/scheduling.k8s.io/v1/priorityclasses/" TRACER_PRIORITY_CLASS;
	cJSON *obj, *meta;
	char kerr[1024] = "";
	int ret;

	ret = kube_get(k, path, &obj, kerr, sizeof(kerr));
	if (!ret) {
		cJSON_Delete(obj);
		return 0;
	}
	if (!strstr(kerr, "NotFound"))
		return set_err(err, errlen, ret, "%s", kerr);
	obj = cJSON_CreateObject();
	cJSON_AddStringToObject(obj, "apiVersion", "scheduling.k8s.io/v1");
	cJSON_AddStringToObject(obj, "kind", "PriorityClass");
	meta = cJSON_AddObjectToObject(obj, "metadata");
	cJSON_AddStringToObject(meta, "name", TRACER_PRIORITY_CLASS);
	cJSON_AddItemToObject(cJSON_AddObjectToObject(meta, "labels"),
			      "app.kubernetes.io/managed-by", cJSON_CreateString("kubectl-pwru"));
	cJSON_AddNumberToObject(obj, "value", TRACER_PRIORITY_VALUE);
	cJSON_AddStringToObject(obj, "preemptionPolicy", "Never");
	cJSON_AddStringToObject(
		obj, "description",
		"kubectl pwru's tracer pods: evicted after workloads, never preempting");
	ret = kube_create(k, "/apis/scheduling.k8s.io/v1/priorityclasses", obj, NULL, kerr,
			  sizeof(kerr));
	cJSON_Delete(obj);
	if (ret && !strstr(kerr, "AlreadyExists"))
		return set_err(err, errlen, ret, "%s", kerr);
	return 0;
}

int tracer_namespace_create(const struct kube *k, const char *ns, char *err, size_t errlen)
{
	static const char *const modes[] = { "enforce", "audit", "warn" };
	struct timespec tick = { .tv_nsec = 500 * 1000 * 1000 };
	cJSON *obj = cJSON_CreateObject(), *meta, *labels, *sa;
	char path[512], kerr[1024] = "";
	int ret;

	cJSON_AddStringToObject(obj, "apiVersion", "v1");
	cJSON_AddStringToObject(obj, "kind", "Namespace");
	meta = cJSON_AddObjectToObject(obj, "metadata");
	cJSON_AddStringToObject(meta, "name", ns);
	labels = cJSON_AddObjectToObject(meta, "labels");
	cJSON_AddStringToObject(labels, "app.kubernetes.io/managed-by", "kubectl-pwru");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "pod-security.kubernetes.io/%s", modes[i]);
		cJSON_AddStringToObject(labels, key, "privileged");
	}
	ret = kube_create(k, "/api/v1/namespaces", obj, NULL, kerr, sizeof(kerr));
	cJSON_Delete(obj);
	if (ret && !strstr(kerr, "AlreadyExists"))
		return set_err(err, errlen, ret, "creating namespace %s: %s", ns, kerr);
	snprintf(path, sizeof(path), "/api/v1/namespaces/%s/serviceaccounts/default", ns);
	for (int i = 0; i < SERVICE_ACCOUNT_WAIT_POLLS; i++) {
		if (!kube_get(k, path, &sa, kerr, sizeof(kerr))) {
			cJSON_Delete(sa);
			return 0;
		}
		nanosleep(&tick, NULL);
	}
	return set_err(err, errlen, -ETIMEDOUT,
		       "namespace %s has no ServiceAccount \"default\" after 30 s (%s)", ns, kerr);
}
