/* SPDX-License-Identifier: GPL-2.0 */
/* The namespace tracer pods run in by default: one of their own, labelled
 * so that Pod Security admits privileged pods there, made on first use. */
#ifndef KUBECTL_PWRU_NAMESPACE_H
#define KUBECTL_PWRU_NAMESPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "kubectl/kube.h"

#define TRACER_NAMESPACE_DEFAULT "pwru-system"
#define TRACER_PRIORITY_CLASS "pwru-tracer"
/* Above any workload's default (0), far below the system's critical classes
 * (2000000000 and up, for which the kubelet evicts other pods to admit
 * one): under node pressure the tracer goes after the workloads it traces,
 * and it never preempts anything to start. */
#define TRACER_PRIORITY_VALUE 1000000

/* Sets *missing when the API server says the namespace does not exist. Any
 * other answer (even Forbidden: a user may lack the right to read
 * namespaces) counts as present: creating the pod there will tell. */
int tracer_namespace_check(const struct kube *k, const char *ns, bool *missing, char *err,
			   size_t errlen);

/* Creates it with the Pod Security labels for privileged pods, then waits
 * (up to 30 s) for its ServiceAccount "default", without which the API
 * server refuses pods there. */
int tracer_namespace_create(const struct kube *k, const char *ns, char *err, size_t errlen);

/* Makes sure PriorityClass TRACER_PRIORITY_CLASS exists, creating it
 * (preemptionPolicy Never) if the API server says it does not. Returns 0
 * when tracer pods can name it, else a negative errno with the reason in
 * err (no right to read or create priority classes): tracers then run
 * without one. */
int tracer_priority_class_ensure(const struct kube *k, char *err, size_t errlen);

#endif
