/* SPDX-License-Identifier: GPL-2.0 */
/* What the user asked to trace (pod/NAME, node/NAME) and where it runs. */
#ifndef KUBECTL_PWRU_TARGET_H
#define KUBECTL_PWRU_TARGET_H

#include <stdbool.h>

#include "kubectl/kube.h"

enum target_kind {
	TARGET_POD,
	TARGET_NODE,
};

struct target {
	enum target_kind kind;
	char *namespace; /* pods only */
	char *name;
	char *node; /* filled by target_resolve() */
};

/* A DNS subdomain, as Kubernetes names pods, nodes and namespaces: keeps a
 * name from putting anything else into an API path. */
bool target_valid_name(const char *s);

/* Parses "pod/NAME", "node/NAME" and kubectl's other spellings of the kinds
 * (pods/, po/, nodes/, no/). Returns 0 or -EINVAL. */
int target_parse(const char *arg, const char *namespace, struct target *t);

/* Asks the API server for the pod's node (or checks that the node exists).
 * Returns 0 or a negative errno with *err set as for kube_get(). */
int target_resolve(const struct kube *k, struct target *t, char **err);

/* "pod/NS/NAME" or "node/NAME" for messages, malloc'd; NULL when out of memory. */
char *target_describe(const struct target *t);

void target_free(struct target *t);

#endif
