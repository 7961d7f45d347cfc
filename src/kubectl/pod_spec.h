/* SPDX-License-Identifier: GPL-2.0 */
/* The tracer pod: one privileged, host-PID, host-network pod per node that
 * runs pwru. The same object as k8s/pod.yaml and the chart's job mode; keep
 * the three in step (tests/k8s/manifests.py compares them). */
#ifndef KUBECTL_PWRU_POD_SPEC_H
#define KUBECTL_PWRU_POD_SPEC_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Where the pod mounts the host, as pwru's --host-root expects it. */
#define POD_SPEC_HOST_ROOT "/host"
#define POD_SPEC_CONTAINER "pwru"
#define POD_SPEC_CRI_VOLUME "cri-socket"
#define POD_SPEC_CPU_REQUEST "100m"
#define POD_SPEC_MEMORY_REQUEST "256Mi"
#define POD_SPEC_MEMORY_LIMIT "2Gi"

struct pod_spec {
	const char *name;
	const char *namespace;
	const char *node;
	const char *image;
	const char *cri_socket;		       /* host path of the node's CRI socket */
	const char *image_pull_policy;	       /* NULL: IfNotPresent */
	const char *const *image_pull_secrets; /* secret names, in the pod's namespace */
	size_t n_image_pull_secrets;
	const char *service_account; /* NULL: the namespace's default */
	const char *priority_class;  /* NULL: none */
	long long active_deadline_seconds;
	const char *const *filter_pods; /* "NS/NAME", one --filter-pod each */
	size_t n_filter_pods;
	char *const *pwru_args; /* the user's arguments, passed last */
	size_t n_pwru_args;
};

/* Returns the Pod object, or NULL when out of memory. */
cJSON *pod_spec_build(const struct pod_spec *s);

#endif
