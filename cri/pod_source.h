/* SPDX-License-Identifier: GPL-2.0 */
/* What a source of pods (the CRI runtime, or /proc when there is none)
 * reports: one pod_info per sandbox. src/pods.c builds its tables from it. */
#ifndef PWRU_CRI_POD_SOURCE_H
#define PWRU_CRI_POD_SOURCE_H

#include <stddef.h>
#include <stdint.h>

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
	int ready;
	int host_network;
	long pid;
	long long created_at;
	char labels[1024]; /* "key=value\n" per label */
	char problem[256]; /* why netns_inode is 0 for a ready pod, "" if not known */
};

struct pod_list {
	struct pod_info *v;
	size_t n, cap;
};

/* A zeroed slot at the end of l, or NULL when out of memory. */
struct pod_info *pod_list_push(struct pod_list *l);
void pod_list_free(struct pod_list *l);
/* 1 when the pod has label key=value. */
int pod_has_label(const struct pod_info *p, const char *key_eq_value);
/* Appends "k=v\n"; silently stops when the buffer is full. */
void pod_add_label(struct pod_info *p, const char *key, const char *value);
/* 1 when the pod has every one of the n "k=v" labels. */
int pod_has_labels(const struct pod_info *p, const char *const *kvs, size_t n);
/* 1 when name is one of the pod's (comma separated) containers. */
int pod_has_container(const struct pod_info *p, const char *name);
/* The sandbox for ns/name: the newest ready one, else the newest; NULL if none. */
const struct pod_info *pod_list_find(const struct pod_list *l, const char *ns, const char *name);
/* "NS/NAME" or "NAME" (namespace default_ns, or "default") into ns and name;
 * -EINVAL with err for an empty part, a second '/', or a part too long. */
int pod_name_split(const char *spec, const char *default_ns, char *ns, size_t nslen, char *name,
		   size_t namelen, char *err, size_t errlen);

/* Inode of <host_root><path> (following links), 0 if it cannot be stat'ed. */
uint32_t netns_inode_of_path(const char *host_root, const char *path);
uint32_t netns_inode_of_pid(const char *host_root, long pid);
/* The node's own netns: <host_root>/proc/1/ns/net, else /proc/self/ns/net
 * (some sandboxes hide pid 1). */
uint32_t host_netns_inode(const char *host_root);
/* dst = host_root + path, without a doubled slash; -ENAMETOOLONG if it does not fit. */
int host_path(char *dst, size_t dstlen, const char *host_root, const char *path);

struct cri_client;
/* Every sandbox the runtime knows. prev (may be NULL) is the last list:
 * ready sandboxes found there keep their netns without a status call, so a
 * refresh costs two list calls plus one status call per new sandbox. */
int cri_pods_list(struct cri_client *c, const char *host_root, const struct pod_list *prev,
		  struct pod_list *out, char *err, size_t errlen);
/* netns inode of the running container named name in sandbox pod_id
 * (ContainerStatus verbose -> pid). -ENOENT if the pod has no such container. */
int cri_container_netns(struct cri_client *c, const char *host_root, const char *pod_id,
			const char *name, uint32_t *inode, char *err, size_t errlen);

/* The pod UID (lower case, dashes) in one /proc/PID/cgroup line; 0 if none. */
int pod_uid_from_cgroup(const char *line, char *uid, size_t uidlen);

/* Without a runtime: pod UIDs from the kubepods cgroup of each process under
 * <host_root>/proc, names from <host_root>/var/log/pods/<ns>_<name>_<uid>. */
int proc_pods_list(const char *host_root, struct pod_list *out, char *err, size_t errlen);

#endif
