/* SPDX-License-Identifier: GPL-2.0 */
/* What the user asked to trace, and the pods and nodes it stands for:
 * pod/NAME (or a bare NAME), node/NAME, deployment/NAME (its pods),
 * svc/NAME (the pods behind its endpoints), -l SELECTOR (the pods it picks). */
#ifndef KUBECTL_PWRU_TARGET_H
#define KUBECTL_PWRU_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "kubectl/kube.h"

enum target_kind {
	TARGET_POD,
	TARGET_NODE,
	TARGET_DEPLOYMENT,
	TARGET_SERVICE,
	TARGET_SELECTOR,
};

/* One pod a target stands for, and where it runs. */
struct pod_ref {
	char *namespace;
	char *name;
	char *node;
};

struct target {
	enum target_kind kind;
	char *namespace;      /* every kind but nodes */
	char *name;	      /* the label selector of TARGET_SELECTOR */
	char *node;	      /* node/ targets, filled by target_resolve() */
	struct pod_ref *pods; /* filled by target_resolve() */
	size_t n_pods, cap_pods;
};

/* A DNS subdomain, as Kubernetes names pods, nodes and namespaces: keeps a
 * name from putting anything else into an API path. */
bool target_valid_name(const char *s);

/* Parses "KIND/NAME" with kubectl's spellings of the kinds (pod, pods, po;
 * node, nodes, no; deployment, deployments, deploy; service, services, svc)
 * or a bare NAME, which is a pod as in `kubectl logs NAME`.
 * Returns 0, -EINVAL or -ENOMEM. */
int target_parse(const char *arg, const char *namespace, struct target *t);

/* The pods of a label selector (kubectl's -l syntax) in namespace. */
int target_selector(const char *selector, const char *namespace, struct target *t);

/* Asks the API server for the pods a target stands for and their nodes
 * (or checks that a node exists and is Ready). Pods that have ended or are
 * not scheduled yet are left out; a target with no pod left is an error. */
int target_resolve(const struct kube *k, struct target *t, char *err, size_t errlen);

/* "pod/NS/NAME", "node/NAME", "deployment/NS/NAME", "service/NS/NAME" or
 * "pods -l SELECTOR -n NS", for messages. */
void target_describe(const struct target *t, char *buf, size_t size);

/* The API server's list of the nodes a label selector picks (a NodeList:
 * items[].metadata.name). */
int target_list_nodes(const struct kube *k, const char *selector, cJSON **list, char *err,
		      size_t errlen);

/* Fails with the node's condition when node is not Ready: a tracer sent
 * there would stay Pending. Sets *cri_socket (if not NULL) to the host path
 * of the node's CRI socket (runtime_socket_of_node()). */
int target_node_ready(const struct kube *k, const char *node, const char **cri_socket, char *err,
		      size_t errlen);

void target_free(struct target *t);

#endif
