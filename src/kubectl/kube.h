/* SPDX-License-Identifier: GPL-2.0 */
/* The Kubernetes API, reached through the kubectl command: it brings the
 * user's kubeconfig, contexts, credentials and auth plugins with it.
 * Every call is a raw request (`kubectl get|create|delete --raw PATH`), so
 * kubectl needs no discovery and the request on the wire is the one we wrote. */
#ifndef KUBECTL_PWRU_KUBE_H
#define KUBECTL_PWRU_KUBE_H

#include <sys/types.h>
#include <cjson/cJSON.h>

struct kube {
	const char *kubectl;	     /* command to run, "kubectl" by default */
	const char *kubeconfig;	     /* NULL: kubectl's own default */
	const char *context;	     /* NULL: the current context */
	const char *request_timeout; /* e.g. "30s", bounds every non-streaming call */
};

/* Each call returns 0 or a negative errno; on failure *err holds kubectl's
 * message (one line, no trailing newline) for the caller to report, or NULL.
 * The caller frees *err and any returned object. */
int kube_get(const struct kube *k, const char *path, cJSON **obj, char **err);
int kube_create(const struct kube *k, const char *path, const cJSON *obj, char **err);
int kube_delete(const struct kube *k, const char *path, char **err);

/* The namespace of the selected context, or "default" when it names none. */
int kube_default_namespace(const struct kube *k, char **ns, char **err);

/* Starts `kubectl get --raw PATH`, whose stdout streams the response (a
 * followed log). Returns the pid and sets *fd, or a negative errno. */
pid_t kube_stream(const struct kube *k, const char *path, int *fd);

#endif
