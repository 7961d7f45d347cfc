/* SPDX-License-Identifier: GPL-2.0 */
/* The two pod sources, the CRI runtime (cri_pods.c) and /proc when there is
 * no runtime (proc_pods.c), and the record they both fill: one pod_info per
 * sandbox. src/pods.c builds its table and selects from these records. */
#ifndef PWRU_CRI_POD_SOURCE_H
#define PWRU_CRI_POD_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

/* How an event names its pod; fixed sizes so output can copy it freely.
 * container: the pod's running containers, comma separated ("" if none). */
struct pod_ref {
	char namespace_[64];
	char name[256];
	char uid[64];
	char container[128];
};

struct pod_info {
	struct pod_ref ref;
	char sandbox_id[72];
	uint32_t netns_inode; /* 0 when unknown: not ready, or its process is gone */
	bool ready;
	bool host_network;
	long pid;
	long long created_at;
	char labels[1024]; /* "key=value\n" per label */
	char problem[256]; /* why netns_inode is 0 for a ready pod, "" if not known */
};

struct pod_list {
	struct pod_info *v;
	size_t n, cap;
};

/* A zeroed record at the end of l, or NULL when out of memory. */
static inline struct pod_info *pod_list_push(struct pod_list *l)
{
	if (array_reserve(l->v, l->cap, l->n + 1))
		return NULL;
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	return &l->v[l->n++];
}

static inline void pod_list_free(struct pod_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct cri_client;
/* Every sandbox the runtime knows. host_root prefixes /proc; host_netns is
 * the node's netns inode (a sandbox in it is a host-network pod). prev (may
 * be NULL) is the last list: ready sandboxes found there keep their netns
 * without a status call, so a refresh costs two list calls plus one status
 * call per new sandbox. */
int cri_pods_list(struct cri_client *c, const char *host_root, uint32_t host_netns,
		  const struct pod_list *prev, struct pod_list *out, char *err, size_t errlen);
/* netns inode of the running container named name in sandbox pod_id
 * (ContainerStatus verbose -> pid). -ENOENT if the pod has no such container. */
int cri_container_netns(struct cri_client *c, const char *host_root, const char *pod_id,
			const char *name, uint32_t *inode, char *err, size_t errlen);
/* Appends "key=value\n" to p->labels; drops a label holding a newline (it
 * would read as two) or one that does not fit. */
void pod_add_label(struct pod_info *p, const char *key, const char *value);

/* Without a runtime: pod UIDs from the kubepods cgroup of each process under
 * <host_root>/proc, names from <host_root>/var/log/pods/<ns>_<name>_<uid>. */
int proc_pods_list(const char *host_root, uint32_t host_netns, struct pod_list *out, char *err,
		   size_t errlen);
/* The pod UID (lower case, dashes) in one /proc/PID/cgroup line; false if none. */
bool pod_uid_from_cgroup(const char *line, char *uid, size_t uidlen);

#endif
