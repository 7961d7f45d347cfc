/* SPDX-License-Identifier: GPL-2.0 */
/* The Kubernetes API, reached through the kubectl command: it brings the
 * user's kubeconfig, contexts, credentials and auth plugins with it.
 * Every call is a raw request (`kubectl get|create|delete --raw PATH`), so
 * kubectl needs no discovery and the request on the wire is the one we wrote. */
#ifndef KUBECTL_PWRU_KUBE_H
#define KUBECTL_PWRU_KUBE_H

#include <stddef.h>
#include <sys/types.h>
#include <cjson/cJSON.h>

#include "kubectl/proc.h"

struct kube {
	const char *kubectl;	     /* command to run, "kubectl" by default */
	const char *kubeconfig;	     /* NULL: kubectl's own default */
	const char *context;	     /* NULL: the current context */
	const char *request_timeout; /* e.g. "30s", bounds every non-streaming call */
	/* kubectl's other global flags as the user gave them ("--as=alice"),
	 * passed on to every call */
	char *const *global_flags;
	size_t n_global_flags;
};

/* Each call returns 0 or a negative errno with kubectl's message (its last
 * stderr line, e.g. `Error from server (NotFound): pods "x" not found`) in
 * err. The caller frees any returned object. */
int kube_get(const struct kube *k, const char *path, cJSON **obj, char *err, size_t errlen);
/* The body as it comes (a pod's log), NUL-terminated in out. */
int kube_get_text(const struct kube *k, const char *path, struct proc_output *out, char *err,
		  size_t errlen);
/* POSTs obj; *reply (may be NULL) gets the object the server answers with. */
int kube_create(const struct kube *k, const char *path, const cJSON *obj, cJSON **reply, char *err,
		size_t errlen);
int kube_delete(const struct kube *k, const char *path, char *err, size_t errlen);

/* Runs argv (NULL-terminated) in a container, as `kubectl exec`. */
int kube_exec(const struct kube *k, const char *ns, const char *pod, const char *container,
	      const char *const argv[], char *err, size_t errlen);

/* The namespace of the selected context, or "default" when it names none. */
int kube_default_namespace(const struct kube *k, char **ns, char *err, size_t errlen);

/* Starts `kubectl get --raw PATH`, whose stdout streams the response (a
 * followed log), in its own process group so that a Ctrl-C at the terminal
 * leaves the stream open for what pwru prints when it stops. Its stderr goes
 * to *err_fd, for kube_stream_end(). Returns the pid, or a negative errno. */
pid_t kube_stream(const struct kube *k, const char *path, int *fd, int *err_fd);

/* Ends a stream (if still running) and returns 0 when kubectl exited 0, or
 * -EIO with its last stderr line in err. Closes err_fd. */
int kube_stream_end(pid_t pid, int err_fd, char *err, size_t errlen);

#endif
