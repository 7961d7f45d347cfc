/* SPDX-License-Identifier: GPL-2.0 */
/* Pods by name: find a pod's network namespace through the container
 * runtime (CRI), and name the pod of any netns inode seen in an event.
 * Without a CRI socket it falls back to /proc and /var/log/pods. */
#ifndef PWRU_PODS_H
#define PWRU_PODS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cri/pod_source.h" /* struct pod_ref, struct pod_info, struct pod_list */

struct pods;

struct pods_opts {
	const char *cri_endpoint; /* "unix:///path" or NULL to probe the usual sockets */
	const char *host_root;	  /* prefixes /proc, /var/log/pods and sockets; NULL = "/" */
	int timeout_ms;		  /* per CRI call; 0 = 2000 */
	bool no_fallback; /* with no endpoint given and none answering: fail, don't use /proc */
};

struct pod_selector {
	const char *const *pods; /* "NS/NAME" or bare "NAME" */
	size_t n_pods;
	const char *default_namespace; /* for bare names; NULL = "default" */
	const char *const *labels;     /* "key=value", all must match */
	size_t n_labels;
	const char *container; /* only pods running a container of this name; NULL = any */
	bool allow_host_netns; /* accept pods on the node's network */
};

/* Connects (or falls back to /proc) and builds the netns -> pod table.
 * An endpoint that was given and does not answer is an error, never a
 * silent fallback. */
int pods_open(const struct pods_opts *o, struct pods **out, char *err, size_t errlen);
/* "cri unix:///run/containerd/containerd.sock (containerd v1.6.20)" or
 * "proc (/proc cgroups + /var/log/pods)". */
const char *pods_source(const struct pods *p);

/* The netns inodes of the selected pods (caller frees *netns_inodes), no
 * duplicates. Errors: -ENOENT pod not found, -EAGAIN not ready, -EPERM host
 * network without allow_host_netns, -EINVAL empty or malformed selector. */
int pods_select(struct pods *p, const struct pod_selector *sel, uint32_t **netns_inodes, size_t *n,
		char *err, size_t errlen);

/* The pod whose netns this is, or NULL. Never waits on the runtime: a miss
 * wakes a background refresh (at most one per 200 ms; one inode is asked
 * again after 250 ms, backing off to 1 s), so a new pod is named on its
 * events within about a second. The table is also refreshed every 5 s, as a
 * netns inode freed by a deleted pod can come back for a new one. The
 * pointer stays valid until pods_close. */
const struct pod_ref *pods_lookup(struct pods *p, uint32_t netns_inode);

/* Re-reads the pod list now (what the background refresh does). */
int pods_refresh(struct pods *p, char *err, size_t errlen);
/* Pods in the current table (ready, with a netns). */
size_t pods_count(struct pods *p);

void pods_close(struct pods *p);

/* The selection rules pods_select applies, on their own for the unit tests. */
/* "NS/NAME" or "NAME" (namespace default_ns, or "default") into ns and name;
 * -EINVAL with err for an empty part, a second '/', or a part too long. */
int pod_name_split(const char *spec, const char *default_ns, char *ns, size_t nslen, char *name,
		   size_t namelen, char *err, size_t errlen);
/* The sandbox for ns/name: the newest ready one, else the newest; NULL if none. */
const struct pod_info *pod_list_find(const struct pod_list *l, const char *ns, const char *name);
/* True when the pod has every one of the n "key=value" labels. */
bool pod_has_labels(const struct pod_info *p, const char *const *kvs, size_t n);
/* True when name is one of the pod's (comma separated) containers. */
bool pod_has_container(const struct pod_info *p, const char *name);

#endif
