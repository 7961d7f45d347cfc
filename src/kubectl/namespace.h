/* SPDX-License-Identifier: GPL-2.0 */
/* The namespace tracer pods run in by default: one of their own, labelled
 * so that Pod Security admits privileged pods there, made on first use. */
#ifndef KUBECTL_PWRU_NAMESPACE_H
#define KUBECTL_PWRU_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "kubectl/kube.h"

#define TRACER_NAMESPACE_DEFAULT "pwru-system"

/* Sets *missing when the API server says the namespace does not exist. Any
 * other answer (even Forbidden: a user may lack the right to read
 * namespaces) counts as present: creating the pod there will tell. */
int tracer_namespace_check(const struct kube *k, const char *ns, bool *missing, char *err,
			   size_t errlen);

/* Creates it with the Pod Security labels for privileged pods, then waits
 * (up to 30 s) for its ServiceAccount "default", without which the API
 * server refuses pods there. */
int tracer_namespace_create(const struct kube *k, const char *ns, char *err, size_t errlen);

#endif
