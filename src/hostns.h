/* SPDX-License-Identifier: GPL-2.0 */
/* The node as pwru sees it: paths under --host-root (the node's / mounted
 * into a container, "/" on the node itself) and the network-namespace
 * inodes read through them. The bottom of the pod path: src/pods.c and the
 * pod sources in cri/ call it, it calls nothing of ours. */
#ifndef PWRU_HOSTNS_H
#define PWRU_HOSTNS_H

#include <stddef.h>
#include <stdint.h>

/* dst = host_root + path, without a doubled slash (host_root NULL = "/");
 * -ENAMETOOLONG if it does not fit. */
int host_path(char *dst, size_t dstlen, const char *host_root, const char *path);
/* Inode of <host_root><path>, links followed; -errno of the stat. */
int netns_inode_of_path(const char *host_root, const char *path, uint32_t *inode);
/* Inode of <host_root>/proc/<pid>/ns/net; -ESRCH for a pid <= 0. */
int netns_inode_of_pid(const char *host_root, long pid, uint32_t *inode);
/* The node's own netns: <host_root>/proc/1/ns/net, else
 * <host_root>/proc/self/ns/net, as some sandboxes hide pid 1. */
int host_netns_inode(const char *host_root, uint32_t *inode);

#endif
